// Orders: the rep's orders as a ledger — listing a customer's orders with what voided them, voiding
// an order and correcting one (issue #18). Orders are facts: recorded once, never edited. Both a
// void and a correction are new rows of `orders` whose `voids_id` names the original, which stays
// on the device (and the server) and is shown as voided:
//   * a void carries no amount, no currency and no lines; its notes hold the reason. It cancels
//     the original and is no order itself (grading, reports and totals skip both);
//   * a correction is one whole order (its own date, lines and total) that voids the original and
//     replaces it: it counts, the original does not. Its notes end with "correction: <reason>".
// Rules (checked here on the device; the server's push gate refuses a `voids_id` that does not
// name an order of the same customer): the order must be on this device; a void cannot be voided
// or corrected; an order already voided or corrected cannot be voided or corrected again (void or
// correct the correction instead). Each write grades the customer provisionally in its
// transaction, like every fact (grades.h).
//
// Thread safety: not thread-safe; use it on the thread that owns the ClientStore (its Replica).
#ifndef FIELDBOOK_CLIENT_STORE_ORDERS_H_
#define FIELDBOOK_CLIENT_STORE_ORDERS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fieldbook/hlc.h"
#include "fieldbook/sqlite_db.h"
#include "fieldbook/status.h"
#include "store/facts.h"
#include "store/order_outliers.h"
#include "store/order_pricing.h"
#include "store/records.h"

namespace fieldbook {
class Replica;
}

namespace fieldbook::client {

class Grades;
class SettingsTable;

// SQL conditions over `orders o`: the order counts (not a void, and not voided by a row of its own
// customer), for totals, reports and grading.
#define FB_LIVE_ORDER                                                                    \
  "o.amount_cents IS NOT NULL AND o.id NOT IN (SELECT ox.voids_id FROM orders ox WHERE " \
  "ox.customer_id = o.customer_id AND ox.voids_id IS NOT NULL)"

// One order of a customer's ledger.
struct OrderEntry {
  Order order;              // lines included
  bool is_void = false;     // a void of order.voids_id (no amount)
  std::string voided_by;    // the void or correction that cancels this order ("" = it counts)
  bool corrected = false;   // voided_by is a correction (replaces it), not a plain void
  std::string void_reason;  // the void's reason (its notes) when voided_by is a void
  bool counts() const { return !is_void && voided_by.empty(); }
};

struct OrderLedger {
  std::vector<OrderEntry> orders;  // newest first (order date, then id)
  int64_t total_cents = 0;         // the orders that count (voids and voided orders left out)
  int64_t counted = 0;             // how many orders count
};

// New values for a correction; what is left empty keeps the original's.
struct OrderCorrection {
  std::string order_date;            // "" = the original's
  std::string currency;              // "" = the original's
  std::optional<std::string> notes;  // nullopt = the original's
  std::vector<LineRequest> lines;    // empty = the original's lines (as they were priced)
  std::string reason;                // required: why it is corrected
  bool confirm_outlier = false;      // the new total is far outside the customer's history
};

class Orders {
 public:
  Orders(Replica& replica, WallClock& wall, SettingsTable& settings, Grades& grades, Facts& facts)
      : replica_(replica), wall_(wall), settings_(settings), grades_(grades), facts_(facts) {}

  // Records a new order whose lines name parts of the catalogue, priced by the price list
  // (order_pricing.h); `order.lines` is ignored. Then as Facts::AddOrder.
  Result<Order> Add(NewOrder order, const std::vector<LineRequest>& lines);
  // A customer's orders (id or unique id prefix), voids and voided ones included and marked.
  Result<OrderLedger> ForCustomer(const std::string& customer);
  // One order by id or unique id prefix (at least 6 characters).
  Result<OrderEntry> Get(const std::string& order);
  // Voids an order: returns the void as stored.
  Result<Order> Void(const std::string& order, const std::string& reason);
  // Records the corrected order (voiding the original): returns it as stored.
  Result<Order> Correct(const std::string& order, const OrderCorrection& correction);

  // Judges a total for the customer (id or unique prefix) by the outlier rule (order_outliers.h),
  // as AddOrder will: the app asks before saving. `correcting` (an order id) is left out of the
  // history.
  Result<OutlierVerdict> JudgeTotal(const std::string& customer, int64_t total_cents,
                                    const std::string& correcting = "");

  // Why `target_id` cannot be voided or corrected by a new order of `customer_id` (kOk: it can).
  // Facts::AddOrder checks a NewOrder's voids_id with it.
  static Status CheckVoidable(Db& db, const std::string& customer_id, const std::string& target_id);

 private:
  Replica& replica_;
  WallClock& wall_;
  SettingsTable& settings_;
  Grades& grades_;
  Facts& facts_;
};

}  // namespace fieldbook::client

#endif  // FIELDBOOK_CLIENT_STORE_ORDERS_H_
