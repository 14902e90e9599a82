// ProductCatalog: the product catalogue and price list on a rep's device (issue #18;
// docs/server.md, "Products"). The rows arrive with every sync (the `products` table is replicated
// to every device through the shared feed) and are read-only here: the replica's triggers refuse a
// local write (catalog.h, server_managed), so this repository only reads.
//
// Search matches the part number, the name or the brand (case-insensitive for Latin letters):
// an exact part number first, then part numbers that start with the text, then the rest, each by
// part number. Inactive (discontinued) products are left out unless asked for.
//
// Thread safety: not thread-safe; use on the thread that owns the replica's connection.
#ifndef FIELDBOOK_CLIENT_STORE_PRODUCTS_H_
#define FIELDBOOK_CLIENT_STORE_PRODUCTS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "fieldbook/product.h"
#include "fieldbook/status.h"

namespace fieldbook {
class Db;
}

namespace fieldbook::client {

// A product as the device reads it (fieldbook/product.h; PriceFor gives a tier's price).
using ProductRow = ProductRecord;

class ProductCatalog {
 public:
  explicit ProductCatalog(Db& db) : db_(db) {}

  // At most `limit` (1-500) products matching `text` (1-200 bytes), best matches first.
  Result<std::vector<ProductRow>> Search(const std::string& text, size_t limit = 50,
                                         bool include_inactive = false);
  // The product with this part number (inactive ones too), or nullopt.
  Result<std::optional<ProductRow>> ByPartNumber(const std::string& part_number);
  // Products on the device (live rows; with inactive ones when asked).
  Result<int64_t> Count(bool include_inactive = false);

 private:
  Db& db_;
};

}  // namespace fieldbook::client

#endif  // FIELDBOOK_CLIENT_STORE_PRODUCTS_H_
