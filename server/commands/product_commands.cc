#include "commands/product_commands.h"

#include <cstdio>
#include <iostream>

#include "commands/command_actor.h"
#include "commands/server_commands.h"
#include "fieldbook/json.h"
#include "import/import_values.h"
#include "store/product_store.h"

namespace fieldbook::server {

namespace {

std::string Yuan(const std::optional<int64_t>& cents) {
  if (!cents) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld.%02lld", static_cast<long long>(*cents / 100),
                static_cast<long long>(*cents % 100));
  return buf;
}

Result<ProductFields> FieldsOf(const ProductArgs& a) {
  ProductFields f = a.fields;
  if (a.price) {
    auto cents = ParseAmountCents(*a.price);
    if (!cents.ok()) return Status::InvalidArgument("--price: " + cents.status().message());
    f.list_price_cents = *cents;
  }
  if (a.tier_prices) {
    FB_ASSIGN_OR_RETURN(f.tier_prices, ProductStore::ParseTierPrices(*a.tier_prices));
  }
  return f;
}

void Print(const Product& p) {
  std::cout << p.part_number << "  " << p.name;
  if (!p.brand.empty()) std::cout << "  " << p.brand;
  if (!p.category.empty()) std::cout << "  [" << p.category << "]";
  std::cout << "  ¥" << Yuan(p.list_price_cents);
  if (!p.unit.empty()) std::cout << "/" << p.unit;
  for (const auto& [tier, cents] : p.tier_prices) std::cout << "  " << tier << " ¥" << Yuan(cents);
  if (!p.active) std::cout << "  (inactive)";
  std::cout << "\n";
}

int Write(const std::string& db, const ProductArgs& args, const char* what, bool create) {
  auto fields = FieldsOf(args);
  if (!fields.ok()) return CommandFailed(std::string("product ") + what, fields.status());
  auto opened = OpenStore(db);
  if (!opened.ok()) return CommandFailed(std::string("product ") + what, opened.status());
  ProductStore products(*(*opened)->store, (*opened)->wall);
  auto written = create ? products.Add(*fields, CommandActor())
                        : products.Update(args.ref, *fields, CommandActor());
  if (!written.ok()) return CommandFailed(std::string("product ") + what, written.status());
  if (args.json) {
    std::cout << WriteJson(boost::json::object{{"product", ProductJson(written->product)},
                                               {"changed", written->changed}})
              << "\n";
    return 0;
  }
  std::cout << (create ? "added " : written->changed ? "updated " : "unchanged ");
  Print(written->product);
  return 0;
}

}  // namespace

int RunProductAdd(const std::string& db, const ProductArgs& args) {
  return Write(db, args, "add", /*create=*/true);
}

int RunProductEdit(const std::string& db, const ProductArgs& args) {
  return Write(db, args, "edit", /*create=*/false);
}

int RunProductDeactivate(const std::string& db, const ProductArgs& args) {
  ProductArgs deactivate;
  deactivate.ref = args.ref;
  deactivate.fields.active = false;
  deactivate.json = args.json;
  return Write(db, deactivate, "deactivate", /*create=*/false);
}

int RunProductList(const std::string& db, const ProductArgs& args) {
  auto opened = OpenStore(db);
  if (!opened.ok()) return CommandFailed("product list", opened.status());
  ProductStore products(*(*opened)->store, (*opened)->wall);
  ProductQuery q;
  q.text = args.search;
  q.include_inactive = args.all;
  q.limit = args.limit;
  auto list = products.List(q);
  if (!list.ok()) return CommandFailed("product list", list.status());
  if (args.json) {
    boost::json::array out;
    for (const Product& p : *list) out.push_back(ProductJson(p));
    std::cout << WriteJson(boost::json::object{{"products", std::move(out)}}) << "\n";
    return 0;
  }
  for (const Product& p : *list) Print(p);
  if (list->empty())
    std::cout << "no products" << (q.text.empty() ? "" : " match '" + q.text + "'") << "\n";
  return 0;
}

}  // namespace fieldbook::server
