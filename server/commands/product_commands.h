// `fieldbook-server product add|edit|list|deactivate` (issues #17 and #18; docs/server.md,
// "Products"): the managers' command line over ProductStore. Prices are given in yuan ("98.50")
// and tier prices as "VIP=98,A=105". Exit codes: 0 done, 1 refused or failed (one line on stderr),
// 2 bad arguments (CLI11).
//
// Thread safety: each command runs on the main thread.
#ifndef FIELDBOOK_SERVER_COMMANDS_PRODUCT_COMMANDS_H_
#define FIELDBOOK_SERVER_COMMANDS_PRODUCT_COMMANDS_H_

#include <optional>
#include <string>

#include "store/product_store.h"

namespace fieldbook::server {

struct ProductArgs {
  std::string ref;       // edit, deactivate: the part number or id
  ProductFields fields;  // add, edit: the options bind to it directly, but for the prices
  std::optional<std::string> price;        // yuan
  std::optional<std::string> tier_prices;  // "VIP=98,A=105" ("" clears them)
  // list
  std::string search;
  bool all = false;
  size_t limit = 100;
  bool json = false;
};

int RunProductAdd(const std::string& db, const ProductArgs& args);
int RunProductEdit(const std::string& db, const ProductArgs& args);
int RunProductDeactivate(const std::string& db, const ProductArgs& args);
int RunProductList(const std::string& db, const ProductArgs& args);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_COMMANDS_PRODUCT_COMMANDS_H_
