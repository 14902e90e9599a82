// SearchIndex (client/store/search_index.h), issue #19: every text a rep would look for, pinyin,
// one- and two-character queries through an index with bounded cost, and the reindex of an
// upgraded replica in bounded batches.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fieldbook/migrations.h"
#include "fieldbook/sqlite_db.h"
#include "store/search_index.h"
#include "support/client_store_fixture.h"

namespace fieldbook::testing {
namespace {

using client::ClientStore;

class SearchEverythingTest : public ClientStoreTest {
 protected:
  std::string Matched(const std::string& query) {
    auto hits = store_->search().Search(query);
    EXPECT_TRUE(hits.ok()) << hits.status().ToString();
    return hits.ok() && !hits->empty() ? (*hits)[0].matched : "";
  }
};

TEST_F(SearchEverythingTest, FindsNotesTagsAddressTitlesFeedbackAndPartNumbers) {
  const std::string xinda = AddCustomer({{"name", "鑫达汽修厂"},
                                         {"address", "南海区桂城街道海八路"},
                                         {"province", "广东"},
                                         {"tags", "月结,连锁"},
                                         {"notes", "只用嘉实多机油"}});
  const std::string other = AddCustomer({{"name", "顺通汽配"}});
  client::Contact buyer;
  buyer.name = "陈小姐";
  buyer.title = "采购经理";
  buyer.wechat = "chen_wx_88";
  buyer.notes = "周三下午不在";
  ASSERT_TRUE(store_->customers().AddContact(other, buyer).ok());
  client::NewFeedback fb;
  fb.customer_id = xinda;
  fb.satisfaction = 2;
  fb.complaint = "送货太慢，包装破损";
  ASSERT_TRUE(store_->facts().AddFeedback(fb).ok());
  client::NewOrder order;
  order.customer_id = other;
  order.notes = "急件，下午送到";
  order.lines.push_back({"BOSCH-0986452041", "刹车片前轮", 4, 12000});
  order.lines.push_back({"NGK-BKR6E", "火花塞", 10, 2500});
  auto placed = store_->facts().AddOrder(order);
  ASSERT_TRUE(placed.ok()) << placed.status().ToString();

  EXPECT_EQ(SearchIds("嘉实多"), std::vector<std::string>{xinda});    // customer notes
  EXPECT_EQ(SearchIds("月结"), std::vector<std::string>{xinda});      // a tag (2 characters)
  EXPECT_EQ(SearchIds("桂城街道"), std::vector<std::string>{xinda});  // address
  EXPECT_EQ(SearchIds("广东"), std::vector<std::string>{xinda});      // province
  EXPECT_EQ(SearchIds("采购经理"), std::vector<std::string>{other});  // a contact's title
  EXPECT_EQ(Matched("采购经理"), "contact");
  EXPECT_EQ(SearchIds("chen_wx"), std::vector<std::string>{other});   // wechat
  EXPECT_EQ(SearchIds("周三下午"), std::vector<std::string>{other});  // contact notes
  EXPECT_EQ(SearchIds("包装破损"), std::vector<std::string>{xinda});  // feedback
  EXPECT_EQ(Matched("包装破损"), "feedback");
  EXPECT_EQ(SearchIds("0986452041"), std::vector<std::string>{other});  // a part number
  EXPECT_EQ(SearchIds("bkr6e"), std::vector<std::string>{other});
  EXPECT_EQ(Matched("NGK-BKR6E"), "order");
  EXPECT_EQ(SearchIds("火花塞"), std::vector<std::string>{other});  // a line's description
  EXPECT_EQ(SearchIds("急件"), std::vector<std::string>{other});    // order notes
  EXPECT_EQ(SearchIds("刹车片 bosch"), std::vector<std::string>{other});

  // Edits re-index what changed.
  ASSERT_TRUE(store_->customers().Edit(xinda, {{"notes", "改用美孚"}}).ok());
  EXPECT_TRUE(SearchIds("嘉实多").empty());
  EXPECT_EQ(SearchIds("美孚"), std::vector<std::string>{xinda});
  ASSERT_TRUE(store_->search().Rebuild().ok());
  EXPECT_EQ(SearchIds("0986452041"), std::vector<std::string>{other});
  EXPECT_EQ(SearchIds("美孚"), std::vector<std::string>{xinda});
}

TEST_F(SearchEverythingTest, PinyinFullSpellingAndInitialsFindChineseNames) {
  const std::string xinda = AddCustomer({{"name", "鑫达汽修厂"}});
  const std::string changsha = AddCustomer({{"name", "长沙顺通汽配"}});
  const std::string bright = AddCustomer({{"name", "Bright Auto"}});
  client::Contact owner;
  owner.name = "李师傅";
  ASSERT_TRUE(store_->customers().AddContact(bright, owner).ok());

  EXPECT_EQ(SearchIds("xinda"), std::vector<std::string>{xinda});
  EXPECT_EQ(SearchIds("XinDa"), std::vector<std::string>{xinda});
  EXPECT_EQ(SearchIds("xd"), std::vector<std::string>{xinda});           // initials, 2 letters
  EXPECT_EQ(SearchIds("xdqxc"), std::vector<std::string>{xinda});        // initials, in full
  EXPECT_EQ(SearchIds("qixiu"), std::vector<std::string>{xinda});        // a later syllable
  EXPECT_EQ(SearchIds("changsha"), std::vector<std::string>{changsha});  // 长: chang here
  EXPECT_EQ(SearchIds("cs"), std::vector<std::string>{changsha});
  EXPECT_EQ(SearchIds("lishifu"), std::vector<std::string>{bright});  // a contact's name
  EXPECT_EQ(Matched("lishifu"), "contact");
  EXPECT_TRUE(SearchIds("xq").empty());
}

TEST_F(SearchEverythingTest, OneAndTwoCharacterQueriesComeFromTheIndexRankedAndBounded) {
  // A few thousand customers: every name holds 汽, one holds 鑫.
  {
    Db& db = store_->replica().db();
    auto txn = Transaction::Begin(db);
    ASSERT_TRUE(txn.ok());
    for (int i = 0; i < 3000; ++i) {
      ASSERT_TRUE(
          Exec(db, "INSERT INTO customers (id, name, notes) VALUES (?, ?, ?)",
               {Value("s" + std::to_string(i)), Value("顺通汽配" + std::to_string(i) + "号店"),
                S(i % 10 == 0 ? "常买鑫牌机油" : "")})
              .ok());
    }
    ASSERT_TRUE((*txn)->Commit().ok());
  }
  const std::string xinda = AddCustomer({{"name", "鑫达汽修"}});
  const std::string noted = AddCustomer({{"name", "华信修理厂"}, {"notes", "鑫达的老客户"}});
  const std::string city = AddCustomer({{"name", "汽配城"}});
  ASSERT_TRUE(store_->search().Update().ok());

  // One character: names first (鑫达汽修), then the 300 notes that mention 鑫; at most `limit`.
  auto one = store_->search().Search("鑫", 20);
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  ASSERT_EQ(one->size(), 20u);
  EXPECT_EQ((*one)[0].customer.id, xinda);
  // Two characters: the pair, not the two characters apart.
  auto two = store_->search().Search("鑫达", 20);
  ASSERT_TRUE(two.ok());
  std::vector<std::string> ids;
  for (const auto& h : *two) ids.push_back(h.customer.id);
  EXPECT_EQ(ids, (std::vector<std::string>{xinda, noted}));
  // A very common character: bounded to the limit; a name that starts with it first, although
  // it was added last, then names that hold it.
  auto common = store_->search().Search("汽", 50);
  ASSERT_TRUE(common.ok());
  ASSERT_EQ(common->size(), 50u);
  EXPECT_EQ((*common)[0].customer.id, city);
  for (const auto& hit : *common) {
    EXPECT_NE(hit.customer.name.find("汽"), std::string::npos) << hit.customer.name;
  }
  // No limit: every match (the 3,002 names with 汽).
  auto all = store_->search().Search("汽", 0);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 3002u);
  // Short words with long ones, and a short ASCII word as a prefix.
  EXPECT_EQ(SearchIds("修理厂 鑫"), std::vector<std::string>{noted});
  EXPECT_EQ(SearchIds("hx"), std::vector<std::string>{noted});
  EXPECT_TRUE(SearchIds("\"").empty());  // a quote is text, never FTS5 syntax
  EXPECT_TRUE(SearchIds("* OR").empty());
}

// Applies the replica migrations before the one named `name` (a replica of that age).
void MigrateUpTo(Db& db, const std::string& name) {
  auto migrations = ReplicaMigrations();
  size_t before = 0;
  while (before < migrations.size() && std::string(migrations[before].name) != name) ++before;
  ASSERT_LT(before, migrations.size()) << name;
  ASSERT_TRUE(ApplyMigrations(db, migrations.subspan(0, before)).ok());
}

TEST(SearchUpgradeTest, AnUpgradedReplicaIsReindexedInBoundedBatches) {
  TempDir dir;
  FakeWallClock wall;
  const std::string path = dir.File("old.db");
  {
    // A replica indexed by the previous search schema (every migration before 0022).
    auto db = Db::Open(path);
    ASSERT_TRUE(db.ok());
    ASSERT_NO_FATAL_FAILURE(MigrateUpTo(**db, "0022_search_everything.sql"));
    for (int i = 0; i < 50; ++i) {
      ASSERT_TRUE(Exec(**db, "INSERT INTO customers (id, name, notes) VALUES (?, ?, ?)",
                       {Value("c" + std::to_string(i)), Value("顺通汽配" + std::to_string(i)),
                        S(i == 7 ? "嘉实多" : "")})
                      .ok());
    }
    ASSERT_TRUE(Exec(**db,
                     "INSERT INTO order_lines (id, order_id, customer_id, part_no) VALUES "
                     "('l1', 'o1', 'c3', 'NGK-BKR6E')")
                    .ok());
  }
  auto store = ClientStore::Open(path, wall);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  client::SearchIndex& search = (*store)->search();
  // Every document is queued by the migration; batches index them a bounded number at a time.
  EXPECT_EQ(*search.Pending(), 51);
  auto left = search.UpdateSome(20);
  ASSERT_TRUE(left.ok()) << left.status().ToString();
  EXPECT_EQ(*left, 31);
  EXPECT_EQ(*search.UpdateSome(20), 11);
  auto hits = search.Search("嘉实多");  // indexes the rest first (within its budget)
  ASSERT_TRUE(hits.ok());
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ((*hits)[0].customer.id, "c7");
  EXPECT_EQ(*search.Pending(), 0);
  auto part = search.Search("bkr6e");
  ASSERT_TRUE(part.ok());
  ASSERT_EQ(part->size(), 1u);
  EXPECT_EQ((*part)[0].customer.id, "c3");
}

TEST_F(SearchEverythingTest, TheNamePassesReadAnIndexOfNamesAlone) {
  // 0026: the title passes read fb_search_title(_short), which hold the customers' and contacts'
  // names only, so a word found only in notes never makes them walk the notes' documents.
  const std::string xinda = AddCustomer({{"name", "鑫达汽修"}, {"notes", "下周再来 BKR6E"}});
  const std::string other = AddCustomer({{"name", "顺通汽配"}, {"notes", "下周再来"}});
  client::Contact buyer;
  buyer.name = "陈小姐";
  buyer.notes = "下周再来";
  ASSERT_TRUE(store_->customers().AddContact(other, buyer).ok());
  ASSERT_TRUE(store_->search().Update().ok());
  Db& db = store_->replica().db();
  for (const char* table : {"fb_search_title", "fb_search_title_short"}) {
    auto n =
        db.Prepare(std::string("SELECT count(*), sum(instr(title, '下周') > 0) FROM ") + table);
    ASSERT_TRUE(n.ok()) << n.status().ToString();
    ASSERT_TRUE(*(*n)->Step());
    EXPECT_EQ((*n)->Int(0), 3) << table << ": two customers and a contact";
    EXPECT_EQ((*n)->Int(1), 0) << table << ": names only";
    (*n)->Reset();
  }
  // Found through the notes (the third pass), names through the name passes first.
  EXPECT_EQ(SearchIds("下周再来").size(), 2u);
  EXPECT_EQ(SearchIds("bkr6e"), std::vector<std::string>{xinda});
  EXPECT_EQ(Matched("陈小姐"), "contact");
  EXPECT_EQ(SearchIds("xdqx"), std::vector<std::string>{xinda});
  EXPECT_EQ(SearchIds("陈"), std::vector<std::string>{other});
  // A customer renamed: the names index follows, and still holds names only.
  ASSERT_TRUE(
      Exec(db, "UPDATE customers SET name = '华信修理厂' WHERE id = ?", {Value(xinda)}).ok());
  EXPECT_TRUE(SearchIds("鑫达汽修").empty());
  EXPECT_EQ(SearchIds("华信"), std::vector<std::string>{xinda});
  auto n = db.Prepare("SELECT count(*) FROM fb_search_title WHERE instr(title, '华信') > 0");
  ASSERT_TRUE(n.ok());
  ASSERT_TRUE(*(*n)->Step());
  EXPECT_EQ((*n)->Int(0), 1);
  (*n)->Reset();
}

TEST(SearchUpgradeTest, AReplicaIndexedBeforeTheNamesIndexQueuesItsNames) {
  TempDir dir;
  FakeWallClock wall;
  const std::string path = dir.File("old.db");
  {
    // Indexed by 0022's schema: nothing queued any more.
    auto db = Db::Open(path);
    ASSERT_TRUE(db.ok());
    ASSERT_NO_FATAL_FAILURE(MigrateUpTo(**db, "0026_search_titles.sql"));
    for (int i = 0; i < 30; ++i) {
      ASSERT_TRUE(Exec(**db, "INSERT INTO customers (id, name) VALUES (?, ?)",
                       {Value("c" + std::to_string(i)), Value("顺通汽配" + std::to_string(i))})
                      .ok());
    }
    ASSERT_TRUE(Exec(**db,
                     "INSERT INTO visits (id, customer_id, rep_id, check_in, notes) VALUES "
                     "('v1', 'c3', 'rep-a', '2026-11-01T09:00:00Z', '下周再来')")
                    .ok());
    ASSERT_TRUE(Exec(**db, "DELETE FROM fb_search_queue").ok());
  }
  auto store = ClientStore::Open(path, wall);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  // The 30 customers' documents are queued again (their names); the visit is not.
  EXPECT_EQ(*(*store)->search().Pending(), 30);
  ASSERT_TRUE((*store)->search().Update().ok());
  auto hits = (*store)->search().Search("顺通汽配7");
  ASSERT_TRUE(hits.ok());
  ASSERT_FALSE(hits->empty());
  EXPECT_EQ((*hits)[0].customer.id, "c7");
}

}  // namespace
}  // namespace fieldbook::testing
