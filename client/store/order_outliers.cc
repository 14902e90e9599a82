// The outlier rule for order totals (order_outliers.h) and the history it reads.
#include "store/order_outliers.h"

#include <algorithm>
#include <cstdio>

#include "lang/store_errors.h"
#include "store/money.h"
#include "store/orders.h"
#include "store/rows.h"

namespace fieldbook::client {

int64_t MedianCents(std::vector<int64_t> cents) {
  if (cents.empty()) return 0;
  const size_t mid = cents.size() / 2;
  std::nth_element(cents.begin(), cents.begin() + static_cast<std::ptrdiff_t>(mid), cents.end());
  const int64_t upper = cents[mid];
  if (cents.size() % 2 == 1) return upper;
  const int64_t lower =
      *std::max_element(cents.begin(), cents.begin() + static_cast<std::ptrdiff_t>(mid));
  return lower + (upper - lower) / 2;  // no overflow
}

OutlierVerdict JudgeOrderTotal(int64_t total_cents, const OrderHistory& history) {
  OutlierVerdict v;
  const std::vector<int64_t>* basis = nullptr;
  if (history.customer.size() >= kMinHistory) {
    basis = &history.customer;
    v.basis = OutlierBasis::kCustomer;
  } else if (history.territory.size() >= kMinHistory) {
    basis = &history.territory;
    v.basis = OutlierBasis::kTerritory;
  } else if (history.device.size() >= kMinHistory) {
    basis = &history.device;
    v.basis = OutlierBasis::kDevice;
  } else {
    return v;  // nothing to compare with
  }
  v.orders = basis->size();
  v.median_cents = std::max<int64_t>(1, MedianCents(*basis));
  v.ratio = static_cast<double>(total_cents) / static_cast<double>(v.median_cents);
  v.outlier = total_cents > 0 && static_cast<__int128>(total_cents) >
                                     static_cast<__int128>(kOutlierFactor) * v.median_cents;
  if (!v.outlier) return v;
  const char* whose = v.basis == OutlierBasis::kCustomer    ? "err_order_outlier_customer"
                      : v.basis == OutlierBasis::kTerritory ? "err_order_outlier_territory"
                                                            : "err_order_outlier_device";
  char ratio[32];
  std::snprintf(ratio, sizeof ratio, "%.1f", v.ratio);
  v.refusal = StoreError(StatusCode::kRejected, whose,
                         {{"total", FormatYuan(total_cents)},
                          {"ratio", ratio},
                          {"median", FormatYuan(v.median_cents)},
                          {"orders", std::to_string(v.orders)}});
  return v;
}

Result<OrderHistory> ReadOrderHistory(Db& db, const std::string& customer_id,
                                      const std::string& except) {
  OrderHistory h;
  // The customer's orders, else its territory's, else the device's (?1 the customer, ?2 the order
  // left out): read until one has enough.
  const std::pair<const char*, std::vector<int64_t>*> bases[] = {
      {"SELECT o.amount_cents FROM orders o WHERE o.customer_id = ?1 AND o.id <> ?2 AND "
       "o.amount_cents > 0 AND " FB_LIVE_ORDER,
       &h.customer},
      {"SELECT o.amount_cents FROM orders o JOIN customers c ON c.id = o.customer_id WHERE "
       "c.territory_id = (SELECT territory_id FROM customers WHERE id = ?1) AND o.id <> ?2 AND "
       "o.amount_cents > 0 AND " FB_LIVE_ORDER,
       &h.territory},
      {"SELECT o.amount_cents FROM orders o WHERE o.id <> ?2 AND o.amount_cents > 0 "
       "AND " FB_LIVE_ORDER,
       &h.device}};
  for (const auto& [sql, totals_of_basis] : bases) {
    std::vector<int64_t>* totals = totals_of_basis;
    FB_RETURN_IF_ERROR(internal::ForEachRow(db, sql, {customer_id, except},
                                            [&](Statement& s) { totals->push_back(s.Int(0)); }));
    if (totals->size() >= kMinHistory) break;
  }
  return h;
}

}  // namespace fieldbook::client
