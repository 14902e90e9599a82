// Order lines from the product catalogue (order_pricing.h).
#include "store/order_pricing.h"

#include "lang/store_errors.h"
#include "store/money.h"
#include "store/rows.h"

namespace fieldbook::client {

namespace {

using internal::CodePoints;
using internal::Stmt;
using internal::Trim;

constexpr size_t kMaxReason = 200;  // code points

Result<std::string> CustomerTier(Db& db, const std::string& customer_id) {
  FB_ASSIGN_OR_RETURN(Statement * raw, db.Prepare("SELECT grade_tier FROM customers WHERE id = ?"));
  Stmt s(raw);
  s->Bind(1, customer_id);
  FB_ASSIGN_OR_RETURN(bool found, s->Step());
  return found ? s->Text(0) : std::string();
}

}  // namespace

Result<std::optional<int64_t>> ListPriceFor(Db& db, const std::string& customer_id,
                                            const ProductRow& product) {
  FB_ASSIGN_OR_RETURN(std::string tier, CustomerTier(db, customer_id));
  return product.PriceFor(tier);
}

Result<std::vector<NewOrderLine>> PriceOrderLines(Db& db, const std::string& customer_id,
                                                  const std::vector<LineRequest>& lines) {
  ProductCatalog catalog(db);
  FB_ASSIGN_OR_RETURN(int64_t products, catalog.Count(/*include_inactive=*/true));
  FB_ASSIGN_OR_RETURN(std::string tier, CustomerTier(db, customer_id));
  std::vector<NewOrderLine> out;
  for (size_t i = 0; i < lines.size(); ++i) {
    const LineRequest& in = lines[i];
    const std::string where = std::to_string(i + 1);
    NewOrderLine line;
    line.part_no = Trim(in.part_no);
    line.quantity = in.quantity;
    const std::string reason = Trim(in.price_reason);
    if (CodePoints(reason) > kMaxReason) {
      return Invalid("err_line_price_reason_long",
                     {{"line", where}, {"max", std::to_string(kMaxReason)}});
    }
    std::optional<ProductRow> product;
    if (products > 0 && !in.free_text && !line.part_no.empty()) {
      FB_ASSIGN_OR_RETURN(product, catalog.ByPartNumber(line.part_no));
      if (!product) {
        return Invalid("err_line_part_unknown", {{"line", where}, {"part", line.part_no}});
      }
      if (!product->active) {
        return Invalid("err_line_part_discontinued", {{"line", where}, {"part", line.part_no}});
      }
    }
    const std::optional<int64_t> listed = product ? product->PriceFor(tier) : std::nullopt;
    if (!in.unit_price_cents) {
      if (!listed) {
        return product
                   ? Invalid("err_line_no_list_price", {{"line", where}, {"part", line.part_no}})
                   : Invalid("err_line_free_needs_price", {{"line", where}});
      }
      line.unit_price_cents = *listed;
    } else {
      line.unit_price_cents = *in.unit_price_cents;
      if (listed && *listed != line.unit_price_cents && reason.empty()) {
        return Invalid(tier.empty() ? "err_line_price_differs" : "err_line_price_differs_tier",
                       {{"line", where},
                        {"listed", FormatYuan(*listed)},
                        {"part", line.part_no},
                        {"tier", tier},
                        {"price", FormatYuan(line.unit_price_cents)}});
      }
    }
    if (product) {
      line.description = product->name;
      if (listed && *listed != line.unit_price_cents) {
        line.description += std::string(line.description.empty() ? "" : "; ") + "price ¥" +
                            FormatYuan(line.unit_price_cents) + " instead of ¥" +
                            FormatYuan(*listed) + ": " + reason;
      }
    }
    out.push_back(std::move(line));
  }
  return out;
}

}  // namespace fieldbook::client
