#include "fieldbook/product.h"

#include <boost/describe/class.hpp>
#include <boost/json.hpp>

#include "fieldbook/columns.h"
#include "fieldbook/json_reader.h"
#include "fieldbook/sql_db.h"
#include "fieldbook/sqlite_db.h"

namespace fieldbook {

// A product as JSON (ProductRecordJson): these fields under their own names, in this order; the
// tier prices an object of cents by tier, no list price null.
BOOST_DESCRIBE_STRUCT(ProductRecord, (),
                      (id, part_number, name, brand, category, unit, tier_prices, active,
                       list_price_cents))

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
  boost::json::value v = boost::json::value_from(p);
  return std::move(v.as_object());
}

}  // namespace fieldbook
