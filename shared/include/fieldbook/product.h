// A product of the catalogue (the replicated `products` table, issues #17/#18) as both sides read
// it: the server's ProductStore (with its own updated_at) and the device's ProductCatalog. One
// column list, one row reader and one JSON shape.
//
// Thread safety: plain values and pure functions; the reader uses the caller's Statement on the
// caller's thread.
#ifndef FIELDBOOK_PRODUCT_H_
#define FIELDBOOK_PRODUCT_H_

#include <boost/json.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace fieldbook {

class Statement;
class SqlStatement;

struct ProductRecord {
  std::string id, part_number, name, brand, category, unit;
  std::optional<int64_t> list_price_cents;
  std::map<std::string, int64_t> tier_prices;  // grade tier -> cents
  bool active = true;

  // The price a customer of grade tier `tier` pays: its tier price, else the list price.
  std::optional<int64_t> PriceFor(const std::string& tier) const;
};

// The columns ReadProductRecord reads, in its order (a SELECT list of `products`).
#define FB_PRODUCT_COLUMNS \
  "id, part_number, name, brand, category, unit, list_price_cents, tier_prices, active"
inline constexpr int kProductColumnCount = 9;

// FB_PRODUCT_COLUMNS from column 0 of the current row. The stored tier prices are read with
// TierPricesOf; a NULL active reads as active. On SQLite's Statement or the seam's SqlStatement.
ProductRecord ReadProductRecord(const Statement& s);
ProductRecord ReadProductRecord(const SqlStatement& s);
// The tier prices the server stores (a JSON object of whole cents, {"VIP": 9800}). Written by the
// server, but not trusted: text that is not such an object, and entries that are not whole cents
// of 0 or more, are left out.
std::map<std::string, int64_t> TierPricesOf(std::string_view stored_json);
// {"id", "part_number", "name", "brand", "category", "unit", "tier_prices" {tier: cents},
// "active", "list_price_cents" (null when unset)}.
boost::json::object ProductRecordJson(const ProductRecord& p);

}  // namespace fieldbook

#endif  // FIELDBOOK_PRODUCT_H_
