// The product catalogue as the shared sync core sees it (catalog.cc: `products`, a table of no
// customer declared server_managed): the hub writes it, every replica receives it through pulls
// with small pages, the replica's local edit path refuses it (insert, update, delete: nothing is
// queued), and canonical export and digests cover it like any replicated table.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fieldbook/canonical_export.h"
#include "fieldbook/hub.h"
#include "fieldbook/replica.h"
#include "support/fake_clock.h"
#include "support/sync_fixture.h"
#include "support/temp_dir.h"

namespace fieldbook {
namespace {

using testing::Exec;
using testing::FakeWallClock;
using testing::I;
using testing::QueryValue;
using testing::S;

std::string Part(int i) { return "BP-" + std::to_string(10000 + i); }
std::string ProductId(int i) { return "p" + std::to_string(100000 + i); }

std::vector<RowWrite> Products(int from, int to) {
  std::vector<RowWrite> rows;
  for (int i = from; i < to; ++i) {
    rows.push_back(RowWrite{"products",
                            ProductId(i),
                            {{"part_number", Value(Part(i))},
                             {"name", Value("刹车片 " + std::to_string(i))},
                             {"brand", S(i % 2 ? "博世" : "Brembo")},
                             {"category", S("制动")},
                             {"unit", S("套")},
                             {"list_price_cents", I(10000 + i)},
                             {"active", I(1)}}});
  }
  return rows;
}

// Only the products table of a database's canonical export.
std::string ProductsExport(Db& db, const Catalog& catalog) {
  ExportFilter only = [](const TableInfo& t, const std::string&, const std::vector<Value>&) {
    return t.name == "products";
  };
  auto out = CanonicalExport(db, catalog, &only);
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  return out.ok() ? *out : std::string();
}

class ServerManagedTable : public ::testing::Test {
 protected:
  void SetUp() override {
    auto hub = Hub::Open(dir_.File("hub.db"), wall_);
    ASSERT_TRUE(hub.ok()) << hub.status().ToString();
    hub_ = std::move(*hub);
    for (int i = 0; i < 3; ++i) {
      auto r = Replica::Open(dir_.File("r" + std::to_string(i) + ".db"), wall_);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      replicas_.push_back(std::move(*r));
    }
  }

  testing::TempDir dir_;
  FakeWallClock wall_;
  std::unique_ptr<Hub> hub_;
  std::vector<std::unique_ptr<Replica>> replicas_;
};

TEST_F(ServerManagedTable, TheCatalogDeclaresProductsServerManagedOfNoCustomer) {
  const TableInfo* products = hub_->catalog().Find("products");
  ASSERT_NE(products, nullptr);
  EXPECT_TRUE(products->server_managed);
  EXPECT_TRUE(products->customer_column.empty());
  EXPECT_GE(products->ColumnIndex("part_number"), 0);
  EXPECT_GE(products->ColumnIndex("tier_prices"), 0);
  EXPECT_GE(products->deleted_column, 0);
  EXPECT_FALSE(hub_->catalog().Find("customers")->server_managed);
  EXPECT_FALSE(hub_->catalog().Find("reps")->server_managed);
}

TEST_F(ServerManagedTable, ADeviceCannotInsertEditOrDeleteAProduct) {
  Replica& r = *replicas_[0];
  Status insert = Exec(r.db(),
                       "INSERT INTO products (id, part_number, name, list_price_cents, active) "
                       "VALUES ('p-evil', 'X-1', '假货', 1, 1)");
  EXPECT_FALSE(insert.ok());
  EXPECT_NE(insert.message().find("products are managed on the server"), std::string::npos)
      << insert.ToString();

  ASSERT_TRUE(hub_->Write(Products(0, 1)).ok());
  ASSERT_TRUE(testing::SyncOnce(r, *hub_, 50).ok());
  ASSERT_EQ(QueryValue(r.db(), "SELECT list_price_cents FROM products WHERE id = ?",
                       {Value(ProductId(0))}),
            I(10000));
  Status update =
      Exec(r.db(), "UPDATE products SET list_price_cents = 1 WHERE id = ?", {Value(ProductId(0))});
  EXPECT_FALSE(update.ok());
  EXPECT_NE(update.message().find("read-only on this device"), std::string::npos);
  Status tombstone =
      Exec(r.db(), "UPDATE products SET deleted = 1 WHERE id = ?", {Value(ProductId(0))});
  EXPECT_FALSE(tombstone.ok());
  Status remove = Exec(r.db(), "DELETE FROM products WHERE id = ?", {Value(ProductId(0))});
  EXPECT_FALSE(remove.ok());

  // Nothing was queued and the row is as the hub wrote it.
  auto pending = r.PendingWriteCount();
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(*pending, 0);
  EXPECT_EQ(QueryValue(r.db(), "SELECT count(*) FROM products"), I(1));
  EXPECT_EQ(QueryValue(r.db(), "SELECT list_price_cents FROM products WHERE id = ?",
                       {Value(ProductId(0))}),
            I(10000));
  auto push = r.PreparePush();
  ASSERT_TRUE(push.ok());
  EXPECT_FALSE(push->has_value());

  // The guard survives a reopen (the triggers are regenerated from the catalog).
  const std::string path = dir_.File("r0.db");
  replicas_[0].reset();
  auto reopened = Replica::Open(path, wall_);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_FALSE(Exec((*reopened)->db(), "UPDATE products SET name = 'x'").ok());
}

TEST_F(ServerManagedTable, ThousandsOfProductsReachEveryReplicaInSmallPagesWithTheirEdits) {
  // 2,400 products in batches, pulled 97 rows a page.
  for (int from = 0; from < 2400; from += 400) {
    ASSERT_TRUE(hub_->Write(Products(from, from + 400)).ok());
  }
  for (auto& r : replicas_) ASSERT_TRUE(testing::SyncOnce(*r, *hub_, 97).ok());
  // A price change, a deactivation and a new product after the first sync.
  wall_.Advance(1000);
  ASSERT_TRUE(hub_->Write("products", ProductId(7), {{"list_price_cents", I(8800)}}).ok());
  ASSERT_TRUE(hub_->Write("products", ProductId(1999), {{"active", I(0)}}).ok());
  ASSERT_TRUE(hub_->Write(Products(2400, 2401)).ok());
  for (auto& r : replicas_) ASSERT_TRUE(testing::SyncOnce(*r, *hub_, 97).ok());

  const std::string hub_export = ProductsExport(hub_->db(), hub_->catalog());
  ASSERT_NE(hub_export.find("8800"), std::string::npos);
  for (auto& r : replicas_) {
    EXPECT_EQ(QueryValue(r->db(), "SELECT count(*) FROM products"), I(2401));
    EXPECT_EQ(
        QueryValue(r->db(), "SELECT active FROM products WHERE id = ?", {Value(ProductId(1999))}),
        I(0));
    EXPECT_EQ(ProductsExport(r->db(), r->catalog()), hub_export);
    // Digests count the products like any table (verification covers them).
    auto digests = r->Digests(true);
    ASSERT_TRUE(digests.ok()) << digests.status().ToString();
    const auto code = static_cast<uint32_t>(r->catalog().Find("products")->code);
    uint64_t rows = 0;
    for (const BucketDigest& d : digests->digests) {
      if (d.table == code) rows += d.rows;
    }
    EXPECT_EQ(rows, 2401u);
  }
}

}  // namespace
}  // namespace fieldbook
