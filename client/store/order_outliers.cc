// The outlier rule for order totals (order_outliers.h) and the history it reads.
#include "store/order_outliers.h"

#include <algorithm>
#include <cstdio>

#include "store/money.h"
#include "store/orders.h"
#include "store/rows.h"

namespace fieldbook::client {

namespace {

using internal::Stmt;

Status ReadTotals(Db& db, const char* sql, const std::vector<std::string>& params,
                  std::vector<int64_t>* out) {
  FB_ASSIGN_OR_RETURN(Statement * raw, db.Prepare(sql));
  Stmt s(raw);
  for (size_t i = 0; i < params.size(); ++i) s->Bind(static_cast<int>(i + 1), params[i]);
  while (true) {
    FB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    out->push_back(s->Int(0));
  }
  return Status::Ok();
}

}  // namespace

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
  const char* whose = v.basis == OutlierBasis::kCustomer    ? "this customer's median order"
                      : v.basis == OutlierBasis::kTerritory ? "the median order in this customer's "
                                                              "territory (the customer has fewer "
                                                              "than 3 orders)"
                                                            : "the median order on this device "
                                                              "(the customer has fewer than 3 "
                                                              "orders)";
  char ratio[32];
  std::snprintf(ratio, sizeof ratio, "%.1f", v.ratio);
  v.message = "the total ¥" + FormatYuan(total_cents) + " is " + ratio + "x " + whose + " (¥" +
              FormatYuan(v.median_cents) + " over " + std::to_string(v.orders) +
              " orders): check it, and confirm it if it is right";
  return v;
}

Result<OrderHistory> ReadOrderHistory(Db& db, const std::string& customer_id,
                                      const std::string& except) {
  OrderHistory h;
  FB_RETURN_IF_ERROR(ReadTotals(db,
                                "SELECT o.amount_cents FROM orders o WHERE o.customer_id = ?1 "
                                "AND o.id <> ?2 AND o.amount_cents > 0 AND " FB_LIVE_ORDER,
                                {customer_id, except}, &h.customer));
  if (h.customer.size() >= kMinHistory) return h;
  FB_RETURN_IF_ERROR(ReadTotals(db,
                                "SELECT o.amount_cents FROM orders o JOIN customers c ON c.id = "
                                "o.customer_id WHERE c.territory_id = (SELECT territory_id FROM "
                                "customers WHERE id = ?1) AND o.id <> ?2 AND o.amount_cents > 0 "
                                "AND " FB_LIVE_ORDER,
                                {customer_id, except}, &h.territory));
  if (h.territory.size() >= kMinHistory) return h;
  FB_RETURN_IF_ERROR(ReadTotals(db,
                                "SELECT o.amount_cents FROM orders o WHERE o.id <> ?1 AND "
                                "o.amount_cents > 0 AND " FB_LIVE_ORDER,
                                {except}, &h.device));
  return h;
}

}  // namespace fieldbook::client
