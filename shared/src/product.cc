#include "fieldbook/product.h"

#include "fieldbook/columns.h"
#include "fieldbook/json_reader.h"
#include "fieldbook/sql_db.h"
#include "fieldbook/sqlite_db.h"

namespace fieldbook {

std::optional<int64_t> ProductRecord::PriceFor(const std::string& tier) const {
  auto it = tier_prices.find(tier);
  if (it != tier_prices.end()) return it->second;
  return list_price_cents;
}

namespace {

template <typename Stmt>
ProductRecord ReadProductRecordOf(const Stmt& s) {
  ProductRecord p;
  ReadTextColumns(s, 0, {&p.id, &p.part_number, &p.name, &p.brand, &p.category, &p.unit});
  p.list_price_cents = s.IntOrNull(6);
  p.tier_prices = TierPricesOf(s.Text(7));
  p.active = s.IsNull(8) || s.Int(8) != 0;
  return p;
}

}  // namespace

ProductRecord ReadProductRecord(const Statement& s) { return ReadProductRecordOf(s); }
ProductRecord ReadProductRecord(const SqlStatement& s) { return ReadProductRecordOf(s); }

std::map<std::string, int64_t> TierPricesOf(std::string_view stored_json) {
  std::map<std::string, int64_t> out;
  if (stored_json.empty()) return out;
  const Result<boost::json::value> v =
      ParseJson(stored_json, "tier prices", StatusCode::kCorrupt, JsonLimits{1u << 20, 4});
  if (!v.ok() || !v->is_object()) return out;
  for (const auto& [tier, cents] : v->as_object()) {
    if (cents.is_int64() && cents.as_int64() >= 0) out[std::string(tier)] = cents.as_int64();
  }
  return out;
}

boost::json::object ProductRecordJson(const ProductRecord& p) {
  boost::json::object tiers;
  for (const auto& [tier, cents] : p.tier_prices) tiers[tier] = cents;
  boost::json::object o{{"id", p.id},
                        {"part_number", p.part_number},
                        {"name", p.name},
                        {"brand", p.brand},
                        {"category", p.category},
                        {"unit", p.unit},
                        {"tier_prices", std::move(tiers)},
                        {"active", p.active}};
  o["list_price_cents"] = p.list_price_cents ? boost::json::value(*p.list_price_cents) : nullptr;
  return o;
}

}  // namespace fieldbook
