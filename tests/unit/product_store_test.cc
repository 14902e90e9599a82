// The product catalogue on the server: ProductStore's rules (part numbers unique, values checked,
// only changed columns written, every change audited), the admin API routes over it, and the push
// gate refusing a device's crafted product rows (a new product, an edit of a real one).
#include "store/product_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <set>

#include "api/admin_api.h"
#include "api/product_api.h"
#include "fieldbook/json.h"
#include "store/audit_store.h"
#include "support/server_store_fixture.h"
#include "support/sync_fixture.h"

namespace fieldbook::server {
namespace {

using fieldbook::testing::I;
using fieldbook::testing::QueryValue;
using fieldbook::testing::S;

ProductFields Brake(const std::string& part, int64_t cents = 12800) {
  ProductFields f;
  f.part_number = part;
  f.name = "前刹车片";
  f.brand = "博世";
  f.category = "制动";
  f.unit = "套";
  f.list_price_cents = cents;
  return f;
}

class ProductStoreTest : public fieldbook::testing::ServerStoreFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ServerStoreFixture::SetUp());
    ASSERT_FALSE(AddRep("rep-a", "A").empty());
    ASSERT_FALSE(AddRep("mgr", "Manager", "manager").empty());
    products_ = std::make_unique<ProductStore>(*store_, wall_);
  }

  int64_t Seq() {
    return std::get<int64_t>(QueryValue(store_->sql(), "SELECT max(_seq) FROM products"));
  }

  HttpResponse Api(const std::string& method, const std::string& target,
                   const std::string& body = "") {
    HttpRequest request;
    request.method = method;
    request.target = target;
    request.body = body;
    return HandleAdminRequest(*store_, request, Principal{"mgr", "Manager", "manager"}, wall_);
  }

  std::unique_ptr<ProductStore> products_;
};

TEST_F(ProductStoreTest, APartNumberNamesOneProduct) {
  auto added = products_->Add(Brake("BP-1001"), "manager:mgr");
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_TRUE(added->created);
  EXPECT_EQ(added->product.list_price_cents, 12800);
  EXPECT_TRUE(added->product.active);
  auto again = products_->Add(Brake("BP-1001", 1), "manager:mgr");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), StatusCode::kConflict);
  EXPECT_NE(again.status().message().find(added->product.id), std::string::npos);
  // Renaming another product onto a taken part number is refused too.
  auto other = products_->Add(Brake("BP-1002"), "manager:mgr");
  ASSERT_TRUE(other.ok());
  ProductFields rename;
  rename.part_number = "BP-1001";
  auto renamed = products_->Update("BP-1002", rename, "manager:mgr");
  EXPECT_EQ(renamed.status().code(), StatusCode::kConflict);
  // The hub's unique index backs the check for any other writer.
  auto direct = store_->Write(
      {RowWrite{"products", "p-direct", {{"part_number", S("BP-1001")}, {"name", S("x")}}}});
  EXPECT_TRUE(!direct.ok() || !direct->rejections.empty());
  EXPECT_EQ(QueryValue(store_->sql(), "SELECT count(*) FROM products"), I(2));
}

TEST_F(ProductStoreTest, BadValuesAreRefusedWithTheFieldNamed) {
  ProductFields no_name = Brake("BP-1");
  no_name.name.reset();
  EXPECT_NE(products_->Add(no_name, "m").status().message().find("name"), std::string::npos);
  ProductFields negative = Brake("BP-2", -1);
  EXPECT_NE(products_->Add(negative, "m").status().message().find("list price"), std::string::npos);
  ProductFields control = Brake("BP-\n3");
  EXPECT_NE(products_->Add(control, "m").status().message().find("control"), std::string::npos);
  ProductFields long_part = Brake(std::string(65, 'P'));
  EXPECT_NE(products_->Add(long_part, "m").status().message().find("part number"),
            std::string::npos);
  ProductFields tiers = Brake("BP-4");
  tiers.tier_prices = std::map<std::string, int64_t>{{"VIP", -5}};
  EXPECT_NE(products_->Add(tiers, "m").status().message().find("VIP"), std::string::npos);
  EXPECT_EQ(QueryValue(store_->sql(), "SELECT count(*) FROM products"), I(0));
}

TEST_F(ProductStoreTest, TierPricesParseFromTextOrJsonAndNameTheBadEntry) {
  auto text = ProductStore::ParseTierPrices("VIP=88, A=95.5；B：99");
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_EQ(*text, (std::map<std::string, int64_t>{{"A", 9550}, {"B", 9900}, {"VIP", 8800}}));
  auto json = ProductStore::ParseTierPrices(R"({"VIP": 8800})");
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(json->at("VIP"), 8800);
  EXPECT_TRUE(ProductStore::ParseTierPrices("")->empty());
  EXPECT_NE(ProductStore::ParseTierPrices("VIP=abc").status().message().find("VIP=abc"),
            std::string::npos);
  EXPECT_FALSE(ProductStore::ParseTierPrices("VIP").ok());
  EXPECT_FALSE(ProductStore::ParseTierPrices(R"({"VIP": 1.5})").ok());
  EXPECT_EQ(ProductStore::TierPricesJson(*text), R"({"A":9550,"B":9900,"VIP":8800})");
}

TEST_F(ProductStoreTest, AnEditWritesOnlyWhatChangedAndIsAudited) {
  ASSERT_TRUE(products_->Add(Brake("BP-1001"), "manager:mgr").ok());
  const int64_t before = Seq();
  // The same values again: nothing is written, nothing goes to devices.
  auto same = products_->Update("BP-1001", Brake("BP-1001"), "manager:mgr");
  ASSERT_TRUE(same.ok());
  EXPECT_FALSE(same->changed);
  EXPECT_EQ(Seq(), before);
  wall_.Advance(1000);
  ProductFields price;
  price.list_price_cents = 9900;
  auto edited = products_->Update("BP-1001", price, "manager:mgr");
  ASSERT_TRUE(edited.ok());
  EXPECT_TRUE(edited->changed);
  EXPECT_GT(Seq(), before);
  ProductFields off;
  off.active = false;
  ASSERT_TRUE(products_->Update(edited->product.id, off, "manager:mgr").ok());  // by id too
  auto found = products_->Find("BP-1001");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_FALSE((*found)->active);
  EXPECT_EQ((*found)->list_price_cents, 9900);
  EXPECT_EQ((*found)->brand, "博世");
  EXPECT_EQ(products_->Update("BP-404", price, "m").status().code(), StatusCode::kNotFound);

  AuditStore audit(store_->sql(), wall_);
  auto entries = audit.List(AuditFilter{});
  ASSERT_TRUE(entries.ok());
  std::vector<std::string> actions;
  for (const AuditEntry& e : entries->entries) actions.push_back(e.action);
  EXPECT_NE(std::find(actions.begin(), actions.end(), "product.add"), actions.end());
  EXPECT_NE(std::find(actions.begin(), actions.end(), "product.edit"), actions.end());
  EXPECT_NE(std::find(actions.begin(), actions.end(), "product.deactivate"), actions.end());
}

TEST_F(ProductStoreTest, ListSearchesPartNumberNameAndBrandAndPagesByPartNumber) {
  for (int i = 0; i < 250; ++i) {
    ProductFields f = Brake("BP-" + std::to_string(1000 + i));
    f.brand = i % 2 ? "博世" : "Brembo";
    f.name = i == 7 ? "机油滤清器" : "刹车片";
    ASSERT_TRUE(products_->Add(f, "m").ok());
  }
  ProductFields off;
  off.active = false;
  ASSERT_TRUE(products_->Update("BP-1003", off, "m").ok());
  ProductQuery q;
  q.text = "brembo";
  q.limit = 1000;
  auto brembo = products_->List(q);
  ASSERT_TRUE(brembo.ok());
  EXPECT_EQ(brembo->size(), 125u);
  q.text = "滤清";
  EXPECT_EQ(products_->List(q)->size(), 1u);
  q.text = "BP-100";  // BP-1000 .. BP-1009 without the inactive BP-1003
  EXPECT_EQ(products_->List(q)->size(), 9u);
  q.include_inactive = true;
  EXPECT_EQ(products_->List(q)->size(), 10u);
  // Pages of 100 by part number cover everything once.
  std::set<std::string> seen;
  ProductQuery page;
  page.include_inactive = true;
  page.limit = 100;
  while (true) {
    auto got = products_->List(page);
    ASSERT_TRUE(got.ok());
    for (const Product& p : *got) EXPECT_TRUE(seen.insert(p.part_number).second);
    if (got->size() < 100) break;
    page.after = got->back().part_number;
  }
  EXPECT_EQ(seen.size(), 250u);
}

TEST_F(ProductStoreTest, ADevicesCraftedProductRowsAreRefusedAndChangeNothing) {
  auto real = products_->Add(Brake("BP-1001"), "manager:mgr");
  ASSERT_TRUE(real.ok());
  const Principal rep{"rep-a", "A", "rep"};
  const Hlc stamp = Hlc::FromParts(static_cast<uint64_t>(wall_.NowMs() + 1000), 0);
  auto column = [&](const char* name, Value v) {
    return ColumnChange{name, std::move(v), stamp, 0};
  };
  // A new product, an edit of the real one's price, and its deactivation, in one set.
  auto result = store_->ApplyRepPush(
      rep,
      Push("evil-1", {RowChange{"products",
                                "p-evil",
                                {column("part_number", S("EVIL-1")), column("name", S("假货")),
                                 column("list_price_cents", I(1))}},
                      RowChange{"products", real->product.id, {column("list_price_cents", I(1))}},
                      RowChange{"products", real->product.id, {column("active", I(0))}}}));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ(result->rejections.size(), 3u);
  for (const RowRejection& r : result->rejections) EXPECT_EQ(r.code, "read_only_table");
  EXPECT_EQ(QueryValue(store_->sql(), "SELECT count(*) FROM products"), I(1));
  auto found = products_->Find("BP-1001");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->list_price_cents, 12800);
  EXPECT_TRUE((*found)->active);
}

TEST_F(ProductStoreTest, TheAdminRoutesCreateListUpdateAndRefuseBadBodies) {
  HttpResponse created = Api("POST", "/v1/admin/products",
                             R"({"part_number": "BP-1001", "name": "前刹车片", "brand": "博世",
                                 "unit": "套", "list_price_cents": 12800,
                                 "tier_prices": {"VIP": 11000}})");
  ASSERT_EQ(created.status, 201) << created.body;
  boost::system::error_code ec;
  const boost::json::value product = ReadJson(created.body, ec).at("product");
  EXPECT_EQ(product.at("tier_prices").at("VIP").as_int64(), 11000);
  EXPECT_EQ(Api("POST", "/v1/admin/products", R"({"part_number": "BP-1001", "name": "x"})").status,
            409);
  HttpResponse unknown = Api("POST", "/v1/admin/products", R"({"part_number": "X", "name": "x",
                                                               "colour": "red"})");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_NE(unknown.body.find("colour"), std::string::npos);
  HttpResponse price = Api("POST", "/v1/admin/products",
                           R"({"part_number": "X", "name": "x", "list_price_cents": "12"})");
  EXPECT_EQ(price.status, 400);
  EXPECT_NE(price.body.find("list_price_cents"), std::string::npos);
  EXPECT_EQ(Api("POST", "/v1/admin/products", R"({"name": "no part"})").status, 400);
  EXPECT_EQ(Api("POST", "/v1/admin/products", "[1]").status, 400);
  EXPECT_EQ(
      Api("POST", "/v1/admin/products", R"({"part_number": "Y", "name": "y", "id": "p"})").status,
      400);

  HttpResponse updated = Api("PUT", "/v1/admin/products/BP-1001", R"({"active": false})");
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_NE(updated.body.find("\"changed\":true"), std::string::npos);
  EXPECT_EQ(Api("PUT", "/v1/admin/products/BP-404", R"({"active": false})").status, 404);
  HttpResponse listed = Api("GET", "/v1/admin/products?q=bp");
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(ReadJson(listed.body, ec).at("products").as_array().size(), 0u);  // inactive
  listed = Api("GET", "/v1/admin/products?q=bp&all=1");
  EXPECT_EQ(ReadJson(listed.body, ec).at("products").as_array().size(), 1u);
  EXPECT_EQ(Api("GET", "/v1/admin/products?limit=0").status, 400);
  EXPECT_EQ(Api("GET", "/v1/admin/products/BP-1001").status, 200);
  EXPECT_EQ(Api("DELETE", "/v1/admin/products/BP-1001").status, 405);
  // A rep's token never reaches the routes.
  HttpRequest as_rep;
  as_rep.method = "GET";
  as_rep.target = "/v1/admin/products";
  EXPECT_EQ(HandleAdminRequest(*store_, as_rep, Principal{"rep-a", "A", "rep"}, wall_).status, 403);
}

}  // namespace
}  // namespace fieldbook::server
