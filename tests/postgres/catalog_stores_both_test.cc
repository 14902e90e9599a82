// The server's domain stores on both backends of the storage seam (issue #15), continued:
// duplicates (flagged by the hub's writes, listed, merged), verification requests and their
// summary, the product catalogue and import keys, on the 1,000-customer distributor of
// DomainStoresTest, with expectations from the seed and SQLite's byte order of ids, part numbers
// and keys on both backends.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "fieldbook/duplicate_detector.h"
#include "postgres/domain_stores_fixture.h"
#include "store/duplicate_store.h"
#include "store/import_store.h"
#include "store/product_store.h"
#include "store/verification_store.h"

namespace fieldbook::testing {
namespace {

class CatalogStoresBothTest : public DomainStoresTest {};

// --- DuplicateStore: the pairs the hub flagged, newest first then in byte order; merges ---------

TEST_P(CatalogStoresBothTest, DuplicatesAreListedInByteOrderAndMergedWithTheirRecords) {
  server::DuplicateStore duplicates(store());
  // Every 50th customer shares the previous one's phone: one open pair each, both alive.
  std::vector<std::pair<std::string, std::string>> pairs;
  for (int i = 50; i <= kCustomers; i += 50) {
    if (Deleted(i) || Deleted(i - 1)) continue;
    pairs.emplace_back(std::min(Id(i - 1), Id(i)), std::max(Id(i - 1), Id(i)));
  }
  std::sort(pairs.begin(), pairs.end());  // one write time: by customer a, then b, in bytes
  ASSERT_GT(pairs.size(), 10u);
  auto all = duplicates.List("open", 500);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  std::vector<std::pair<std::string, std::string>> listed;
  for (const auto& c : *all) {
    listed.emplace_back(c.a.id, c.b.id);
    EXPECT_EQ(c.reason.rfind("same phone", 0), 0u) << c.reason;
  }
  EXPECT_EQ(listed, pairs);
  auto first = duplicates.List("open", 7);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->size(), 7u);
  for (size_t k = 0; k < 7; ++k) EXPECT_EQ((*first)[k].a.id, pairs[k].first);
  // A side as a reviewer sees it: its records counted.
  const int survivor_i = std::stoi(pairs[0].first.substr(4));
  EXPECT_EQ((*all)[0].a.records["visits"], Visits(survivor_i));
  EXPECT_EQ((*all)[0].a.holder, HolderOf(survivor_i));

  // Three merges: the loser's orders and visits follow the survivor.
  for (size_t k = 0; k < 3; ++k) {
    const auto& [survivor, loser] = pairs[k];
    const int l = std::stoi(loser.substr(4));
    auto merged = duplicates.Merge(survivor, loser, "mgr-1", "same garage");
    ASSERT_TRUE(merged.ok()) << merged.status().ToString();
    EXPECT_EQ(merged->moved["orders"], Orders(l)) << loser;
    EXPECT_EQ(merged->moved["visits"], Visits(l)) << loser;
    auto followed = duplicates.SurvivorOf(loser);
    ASSERT_TRUE(followed.ok());
    EXPECT_EQ(*followed, survivor);
  }
  auto open = duplicates.List("open", 500);
  ASSERT_TRUE(open.ok());
  EXPECT_EQ(open->size(), pairs.size() - 3);
  auto merged = duplicates.List("merged", 500);
  ASSERT_TRUE(merged.ok());
  ASSERT_EQ(merged->size(), 3u);
  EXPECT_EQ(duplicates.Merge(pairs[0].first, pairs[0].second, "mgr-1", "").status().code(),
            StatusCode::kConflict);  // the loser is gone already
}

// --- VerificationStore: requests to every active rep, what a device is asked, the summary -------

TEST_P(CatalogStoresBothTest, VerificationRequestsReachEveryActiveRep) {
  server::VerificationStore verification(store(), wall_);
  auto asked = verification.RequestVerification("", /*deep=*/true, "after the restore");
  ASSERT_TRUE(asked.ok()) << asked.status().ToString();
  EXPECT_EQ(*asked, static_cast<size_t>(kReps));  // not the disabled rep, not the manager
  for (int r = 1; r <= kReps + 1; ++r) {
    auto wanted = verification.Wanted(Rep(r), "device-" + std::to_string(r));
    ASSERT_TRUE(wanted.ok()) << wanted.status().ToString();
    EXPECT_EQ(wanted->verify, r <= kReps) << Rep(r);
    EXPECT_EQ(wanted->deep, r <= kReps) << Rep(r);
  }
  auto summary = verification.Summary(0);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->reps_pending, kReps);
  EXPECT_EQ(summary->checks, 0);
  // A second request for one rep numbers it above the first.
  ASSERT_TRUE(verification.RequestVerification(Rep(2)).ok());
  EXPECT_EQ(Column("SELECT max(request_id) FROM srv_verify_requests"),
            std::vector<std::string>{"2"});
  EXPECT_EQ(verification.RequestVerification("rep-77").status().code(), StatusCode::kNotFound);
}

// --- ProductStore: a catalogue paged by part number, searched as SQLite folds case --------------

TEST_P(CatalogStoresBothTest, TheProductCataloguePagesInByteOrderAndFoldsAsciiCaseOnly) {
  server::ProductStore products(store(), wall_);
  struct Seeded {
    std::string part, name, brand;
    bool active;
  };
  std::vector<Seeded> seeded;
  for (int k = 1; k <= 240; ++k) {
    Seeded s;
    s.part = (k % 2 ? "brk-" : "BRK-") + Num(k, 3);
    s.name = k % 3 == 0   ? "Brake pad " + std::to_string(k)
             : k % 3 == 1 ? "BRAKE DISC " + std::to_string(k)
                          : "Bremsbeläge ÄÖ " + std::to_string(k);
    s.brand = k % 4 == 0 ? "Bosch" : "ATE";
    s.active = k % 17 != 0;
    server::ProductFields f;
    f.part_number = s.part;
    f.name = s.name;
    f.brand = s.brand;
    f.list_price_cents = 1000 + k;
    f.active = s.active;
    auto added = products.Add(f, "test");
    ASSERT_TRUE(added.ok()) << s.part << ": " << added.status().ToString();
    seeded.push_back(s);
  }
  auto fold = [](std::string s) {
    for (char& c : s) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return s;
  };
  for (const std::string text : {"", "brake", "BRK-1", "bosch", "äö", "ÄÖ"}) {
    std::vector<std::string> want;
    for (const Seeded& s : seeded) {
      const std::string t = fold(text);
      if (s.active &&
          (fold(s.part).find(t) != std::string::npos || fold(s.name).find(t) != std::string::npos ||
           fold(s.brand).find(t) != std::string::npos)) {
        want.push_back(s.part);
      }
    }
    std::sort(want.begin(), want.end());
    std::vector<std::string> got;
    server::ProductQuery q;
    q.text = text;
    q.limit = 41;
    for (int pages = 0; pages < 20; ++pages) {
      auto page = products.List(q);
      ASSERT_TRUE(page.ok()) << page.status().ToString();
      for (const auto& p : *page) got.push_back(p.part_number);
      if (page->size() < 41) break;
      q.after = page->back().part_number;
    }
    EXPECT_EQ(got, want) << "'" << text << "'";
  }
  // Every product, inactive ones too, in byte order of part numbers.
  std::vector<std::string> every, want;
  for (const Seeded& s : seeded) want.push_back(s.part);
  std::sort(want.begin(), want.end());
  ASSERT_TRUE(products
                  .ForEach([&](const server::Product& p) {
                    every.push_back(p.part_number);
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(every, want);
  server::ProductFields price;
  price.list_price_cents = 4321;
  auto updated = products.Update("brk-001", price, "test");
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_TRUE(updated->changed);
  auto found = products.Find("brk-001");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->list_price_cents, 4321);
  EXPECT_EQ(products.Find("BRK-001").value(), std::nullopt);  // case matters in part numbers
}

// --- ImportStore: keys (the last of a key given twice wins), rows in byte order of ids ----------

TEST_P(CatalogStoresBothTest, ImportKeysAndRowsReadAsWritten) {
  server::ImportStore imports(store());
  std::vector<server::ImportStore::Key> keys;
  for (int i = 1; i <= 600; ++i) keys.emplace_back("customer", "k" + Num(i, 4), Id(i));
  keys.emplace_back("customer", "k0007", Id(8));  // given again: the last wins
  keys.emplace_back("customer", "x:a", Id(1));
  keys.emplace_back("customer", "x:B", Id(1));
  {
    auto txn = store().BeginWrite();
    ASSERT_TRUE(txn.ok());
    Status put = imports.PutKeys(keys);
    ASSERT_TRUE(put.ok()) << put.ToString();
    ASSERT_TRUE((*txn)->Commit().ok());
  }
  EXPECT_EQ(Column("SELECT count(*) FROM srv_import_keys"), std::vector<std::string>{"602"});
  EXPECT_EQ(imports.RowOfKey("customer", "k0007").value(), Id(8));
  EXPECT_EQ(imports.RowOfKey("customer", "k0600").value(), Id(600));
  EXPECT_EQ(imports.RowOfKey("customer", "k0601").value(), std::nullopt);
  EXPECT_EQ(imports.ExternalIdOf("customer", Id(1)).value(), "B");  // "x:B" < "x:a" in bytes
  EXPECT_EQ(imports.ExternalIdOf("customer", Id(2)).value(), "");

  // The two customers of a shared phone, in byte order; a live one by id; holders.
  const int i = 350;  // 350 and 349 share a phone; 350 = 7 * 50: "CUS-0350" < "cus-0349"
  auto same_phone = imports.CustomersByPhoneKey(NormalizePhone(Phone(i)), 5);
  ASSERT_TRUE(same_phone.ok()) << same_phone.status().ToString();
  EXPECT_EQ(*same_phone, (std::vector<std::string>{Id(350), Id(349)}));
  EXPECT_EQ(imports.LiveCustomer(Id(31)).value(), std::nullopt);  // deleted
  EXPECT_EQ(imports.LiveCustomer(Id(32)).value(), Id(32));
  EXPECT_EQ(imports.HolderOf(Id(12)).value(), HolderOf(12));

  // Rows for an export: every live customer, one rep's visits (a deleted customer's too: facts
  // stay), one territory's orders with their (no) lines, each in byte order of ids.
  std::vector<std::string> ids;
  auto first_column = [&](const std::vector<Value>& row) {
    ids.push_back(std::get<std::string>(row[0]));
    return Status::Ok();
  };
  std::vector<std::string> customers, visits, orders;
  for (int c : LiveCustomers()) customers.push_back(Id(c));
  for (int c = 1; c <= kCustomers; ++c) {
    for (int k = 0; HolderOf(c) == Rep(4) && k < Visits(c); ++k) visits.push_back(VisitId(c, k));
    for (int k = 0; TerritoryOf(c) == 3 && k < Orders(c); ++k) orders.push_back(OrderId(c, k));
  }
  std::sort(visits.begin(), visits.end());
  std::sort(orders.begin(), orders.end());
  ASSERT_TRUE(imports.ForEachRow("customers", {"id", "name"}, "", "", first_column).ok());
  EXPECT_EQ(ids, customers);
  ids.clear();
  ASSERT_TRUE(imports.ForEachRow("visits", {"id"}, Rep(4), "", first_column).ok());
  EXPECT_EQ(ids, visits);
  ids.clear();
  ASSERT_TRUE(imports
                  .ForEachOrderLine("", Territory(3),
                                    [&](const std::vector<Value>& row) {
                                      EXPECT_TRUE(IsNull(row[7]));  // no lines
                                      return first_column(row);
                                    })
                  .ok());
  EXPECT_EQ(ids, orders);
}

FB_BOTH_BACKENDS(CatalogStoresBothTest);

}  // namespace
}  // namespace fieldbook::testing
