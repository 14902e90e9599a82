// Facts: the visits, orders (with their lines) and feedback the rep records on the device. Facts
// are recorded once and never edited (a correction is a new fact that voids the old one). Each is
// written with the customer's provisional grade in one transaction (grades.h), so capture sends
// both at the next sync.
//
// Thread safety: not thread-safe; use it on the thread that owns the ClientStore (its Replica).
#ifndef FIELDBOOK_CLIENT_STORE_FACTS_H_
#define FIELDBOOK_CLIENT_STORE_FACTS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fieldbook/hlc.h"
#include "fieldbook/status.h"
#include "store/records.h"

namespace fieldbook {
class Replica;
}

namespace fieldbook::client {

class Grades;
class SettingsTable;

struct NewVisit {
  std::string customer_id;  // id or unique id prefix
  std::string check_in;     // ISO-8601; "" = now
  std::string check_out;    // ISO-8601 or ""
  std::optional<double> lat;
  std::optional<double> lon;
  std::string purpose;
  std::string outcome;
  std::string notes;
  std::string next_follow_up;  // YYYY-MM-DD or ""
};

struct NewOrderLine {
  std::string part_no;
  std::string description;
  int64_t quantity = 0;
  int64_t unit_price_cents = 0;
};

struct NewOrder {
  std::string customer_id;
  std::string order_date;  // YYYY-MM-DD; "" = today
  std::string currency = "CNY";
  std::string notes;
  std::vector<NewOrderLine> lines;
  // A correction: the order of the same customer this one replaces (orders.h); "" = a new order.
  std::string voids_id;
  // The rep confirmed a total far outside the customer's history (order_outliers.h).
  bool confirm_outlier = false;
};

struct NewFeedback {
  std::string customer_id;
  std::optional<int64_t> satisfaction;  // 1 to 5
  std::string complaint;
};

class Facts {
 public:
  Facts(Replica& replica, WallClock& wall, SettingsTable& settings, Grades& grades)
      : replica_(replica), wall_(wall), settings_(settings), grades_(grades) {}

  // Each returns the new row's id (AddOrder the order as stored, with its total and line ids).
  // AddOrder refuses a total far outside the customer's history (order_outliers.h) with
  // kRejected and the reason, unless the order says it was confirmed.
  Result<std::string> LogVisit(const NewVisit& visit);
  Result<Order> AddOrder(const NewOrder& order);
  Result<std::string> AddFeedback(const NewFeedback& feedback);

 private:
  Replica& replica_;
  WallClock& wall_;
  SettingsTable& settings_;
  Grades& grades_;
};

}  // namespace fieldbook::client

#endif  // FIELDBOOK_CLIENT_STORE_FACTS_H_
