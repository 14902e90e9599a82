// ProductStore: the product catalogue and price list on the server (issues #17 and #18;
// docs/server.md, "Products"). Owns the SQL that reads the `products` table of the hub; every
// write goes through the hub's change stream (ServerStore::Write), so a product added, edited or
// deactivated reaches every rep's device at its next sync through the shared feed. Devices never
// write products (the push gate refuses tables of no customer; the device's triggers refuse local
// writes: catalog.h, server_managed).
//
// Rules kept here, for the commands, the admin API and the import alike:
//  * a part number is unique among products (checked in the write's transaction; the hub's
//    unique index, server migration 0019, is the backstop), 1-64 bytes of printable text;
//  * a name of 1-200 bytes; brand, category and unit at most 100 bytes;
//  * prices in integer cents, 0 to 10^11 (¥1,000,000,000.00); tier prices (a customer's grade
//    tier -> cents) at most 32 tiers, names of 1-32 bytes, stored as a JSON object;
//  * products are deactivated (active = 0), never deleted: old order lines name them.
//
// Thread safety: not thread-safe; use under the same lock as the ServerStore it wraps.
#ifndef FIELDBOOK_SERVER_STORE_PRODUCT_STORE_H_
#define FIELDBOOK_SERVER_STORE_PRODUCT_STORE_H_

#include <boost/json.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "fieldbook/hlc.h"
#include "fieldbook/product.h"
#include "store/server_store.h"

namespace fieldbook::server {

// A product (fieldbook/product.h) with the time of its last change.
struct Product : ProductRecord {
  std::string updated_at;
};

// The product as JSON (the audit log's before/after, the admin API, `product list --json`):
// {"id", "part_number", "name", "brand", "category", "unit", "list_price_cents" (null when
// unset), "tier_prices" {tier: cents}, "active", "updated_at"}.
boost::json::object ProductJson(const Product& p);

// The fields a command, an API call or an import row sets; unset fields are left as they are.
struct ProductFields {
  std::optional<std::string> part_number, name, brand, category, unit;
  std::optional<int64_t> list_price_cents;
  std::optional<std::map<std::string, int64_t>> tier_prices;
  std::optional<bool> active;
};

struct ProductQuery {
  std::string text;  // part number, name or brand contains it (case-insensitive ASCII)
  bool include_inactive = false;
  std::string after;   // paging: part numbers after this one
  size_t limit = 100;  // at most 1,000
};

// What a write did: the product as it is now and whether anything changed.
struct ProductWrite {
  Product product;
  bool created = false;
  bool changed = false;
};

class ProductStore {
 public:
  ProductStore(ServerStore& store, WallClock& wall) : store_(store), wall_(wall) {}

  // Checks `fields` against the rules above (a new product needs a part number and a name).
  static Status Validate(const ProductFields& fields, bool creating);
  // "VIP=98.00,A=105" or a JSON object {"VIP": 9800} (cents) -> tiers; an error names the entry.
  static Result<std::map<std::string, int64_t>> ParseTierPrices(const std::string& text);
  static std::string TierPricesJson(const std::map<std::string, int64_t>& tiers);

  // A new product; refused (kAlreadyExists) when its part number is taken.
  Result<ProductWrite> Add(const ProductFields& fields, const std::string& actor);
  // Edits the product `ref` names (its id or part number); only the columns that differ are
  // written (none: nothing changes and nothing is sent to devices).
  Result<ProductWrite> Update(const std::string& ref, const ProductFields& fields,
                              const std::string& actor);
  // The write an import row makes (importer_products.cc): the product with fields.part_number
  // brought to `fields`, created when there is none; `row` is unset when nothing changes. Nothing
  // is written: the import writes the rows of a batch in one transaction (a part number taken
  // meanwhile is refused there by the hub's unique index).
  struct Plan {
    ProductWrite result;
    std::optional<RowWrite> row;
  };
  Result<Plan> PlanUpsert(const ProductFields& fields);

  Result<std::optional<Product>> Find(const std::string& ref);
  Result<std::vector<Product>> List(const ProductQuery& query);
  // Every product (inactive ones too) by part number; stops at the first error `row` returns.
  Status ForEach(const std::function<Status(const Product&)>& row);

 private:
  Result<std::optional<Product>> FindBy(const char* column, const std::string& value);
  Result<Plan> PlanWrite(std::optional<Product> existing, const ProductFields& fields);
  // Plans and writes, checking first that the part number is free.
  Result<ProductWrite> Write(std::optional<Product> existing, const ProductFields& fields);

  ServerStore& store_;
  WallClock& wall_;
};

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_STORE_PRODUCT_STORE_H_
