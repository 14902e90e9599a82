// The outlier rule for order totals (issue #18): a total far outside the customer's own history
// must be confirmed before it is saved, so that a ¥99,999,999 typo does not turn a garage VIP
// without a question.
//
// The rule (JudgeOrderTotal, a pure function; the numbers are kOutlierFactor and kMinHistory):
//   * the history is the customer's orders that count — voids, voided orders (orders.h) and
//     orders of ¥0 (free goods, samples) are left out;
//   * with at least kMinHistory such orders, a total above kOutlierFactor (5) times their median
//     is an outlier;
//   * with fewer, the median of the orders that count of the customer's territory on this device
//     stands in (at least kMinHistory of them), else the median of every order on this device;
//     with fewer than kMinHistory orders anywhere nothing is judged (no outlier);
//   * a total of ¥0 is never an outlier; a median is never below 1 fen.
// ReadOrderHistory reads those medians from the replica.
//
// Thread safety: JudgeOrderTotal is a pure function; ReadOrderHistory uses the Db on its thread.
#ifndef FIELDBOOK_CLIENT_STORE_ORDER_OUTLIERS_H_
#define FIELDBOOK_CLIENT_STORE_ORDER_OUTLIERS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "fieldbook/sqlite_db.h"
#include "fieldbook/status.h"

namespace fieldbook::client {

inline constexpr int64_t kOutlierFactor = 5;
inline constexpr size_t kMinHistory = 3;

// What a total was judged against.
enum class OutlierBasis { kNone, kCustomer, kTerritory, kDevice };

struct OutlierVerdict {
  bool outlier = false;
  OutlierBasis basis = OutlierBasis::kNone;
  int64_t median_cents = 0;  // of the basis
  size_t orders = 0;         // in the basis
  double ratio = 0;          // total / median
  // "the total ¥99,999,999.00 is 4,999.9x this customer's median order (¥2,000.00 over 3
  // orders)..." as the store's refusal (kRejected, codes err_order_outlier_...: shown in the
  // rep's language); ok when not an outlier.
  Status refusal;
};

// Order totals (fen) of the customer, of its territory and of the device, each the orders that
// count with a total above 0.
struct OrderHistory {
  std::vector<int64_t> customer;
  std::vector<int64_t> territory;  // empty when the customer has no territory
  std::vector<int64_t> device;
};

OutlierVerdict JudgeOrderTotal(int64_t total_cents, const OrderHistory& history);

// The median of `cents` (the lower middle of an even count: a total in fen); 0 when empty.
int64_t MedianCents(std::vector<int64_t> cents);

// Reads `customer_id`'s history; `except_order_id` (an order being corrected) is left out. The
// territory's and the device's totals are read only when the customer's own are too few.
Result<OrderHistory> ReadOrderHistory(Db& db, const std::string& customer_id,
                                      const std::string& except_order_id = "");

}  // namespace fieldbook::client

#endif  // FIELDBOOK_CLIENT_STORE_ORDER_OUTLIERS_H_
