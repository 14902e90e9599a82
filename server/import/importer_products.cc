// Importing the product catalogue (issues #17 and #18): each row is one product, keyed by its part
// number, so importing the same sheet twice changes nothing and a changed price updates the
// product in place. The rows go into the import's batches (one transaction each) and through the
// hub's change stream, so every rep's device receives them at its next sync. A product the sheet
// does not name is left as it is (deactivate it with `fieldbook-server product deactivate`).
#include <variant>

#include "import/importer_impl.h"
#include "store/product_store.h"

namespace fieldbook::server {

Status Importer::ProcessProduct(const ImportRecord& r) {
  const std::string part = Text(r, "part_number");
  if (part.empty()) {
    return Reject(r.row, F("part_number"), "", Phrase{"http_import_no_part_number", {}});
  }
  auto seen = file_parts_.find(part);
  if (seen != file_parts_.end()) {
    return Reject(r.row, F("part_number"), part,
                  Phrase{"http_import_part_again", {{"row", std::to_string(seen->second)}}});
  }
  ProductFields fields;
  fields.part_number = part;
  auto text = [&](const char* key, std::optional<std::string>* into) {
    if (r.Has(F(key))) *into = Text(r, key);
  };
  text("name", &fields.name);
  text("brand", &fields.brand);
  text("category", &fields.category);
  text("unit", &fields.unit);
  if (r.Has(F("list_price")))
    fields.list_price_cents = std::get<int64_t>(r.values[F("list_price")]);
  if (r.Has(F("active"))) fields.active = std::get<int64_t>(r.values[F("active")]) != 0;
  if (r.Has(F("tier_prices"))) {
    auto tiers = ProductStore::ParseTierPrices(Text(r, "tier_prices"));
    if (!tiers.ok()) {
      return Reject(r.row, F("tier_prices"), Text(r, "tier_prices"), tiers.status());
    }
    fields.tier_prices = std::move(*tiers);
  }
  ProductStore products(store_, wall_);
  auto plan = products.PlanUpsert(fields);
  if (!plan.ok()) {
    if (plan.status().code() != StatusCode::kInvalidArgument) return plan.status();
    return Reject(r.row, -1, part, plan.status());
  }
  file_parts_.emplace(part, r.row);
  if (!plan->row) {
    ++report_.unchanged;
    return Status::Ok();
  }
  ++(plan->result.created ? report_.created : report_.updated);
  Queue(std::move(*plan->row), plan->result.created);
  return Status::Ok();
}

}  // namespace fieldbook::server
