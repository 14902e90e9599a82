// fieldbook-cli product search (cli_commands.h): the product catalogue on the device.
#include <boost/json.hpp>
#include <iostream>

#include "cli/cli_commands.h"
#include "cli/device_replica.h"
#include "cli/output.h"
#include "store/products.h"

namespace fieldbook::client::cli {

namespace json = boost::json;

int RunProductSearch(const CliContext& ctx, const std::string& text, size_t limit, bool all) {
  const char* what = "product search";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  ProductCatalog catalog(store->replica().db());
  auto hits = catalog.Search(text, limit, all);
  if (!hits.ok()) return Fail(ctx, what, hits.status());
  if (ctx.json) {
    PrintJsonList(*hits, ProductRecordJson);
    return kExitOk;
  }
  for (const ProductRow& p : *hits) {
    std::cout << p.part_number << "  " << p.name;
    if (!p.brand.empty()) std::cout << "  " << p.brand;
    if (p.list_price_cents) std::cout << "  " << FormatYuan(*p.list_price_cents);
    if (!p.unit.empty()) std::cout << "/" << p.unit;
    for (const auto& [tier, cents] : p.tier_prices) {
      std::cout << "  " << tier << " " << FormatYuan(cents);
    }
    if (!p.active) std::cout << "  " << Render(LangOf(ctx), "cli_product_discontinued");
    std::cout << "\n";
  }
  if (hits->empty()) std::cout << Render(LangOf(ctx), "cli_product_none", {text}) << "\n";
  return kExitOk;
}

}  // namespace fieldbook::client::cli
