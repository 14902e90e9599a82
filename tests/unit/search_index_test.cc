// SearchIndex (client/store/search_index.h): full-text search on the device, the queue the triggers
// fill, indexing during and after a sync, upgrades of older replica files.
#include "store/search_index.h"

#include <gtest/gtest.h>

#include <atomic>

#include "fieldbook/hub.h"
#include "fieldbook/migrations.h"
#include "support/client_store_fixture.h"
#include "support/hub_transport.h"
#include "sync/device_sync.h"

namespace fieldbook::testing {
namespace {

using client::ClientSettings;
using client::ClientStore;
using client::CustomerFilter;
using client::FieldValue;
using client::NewFeedback;
using client::NewOrder;
using client::NewTask;
using client::NewVisit;
using client::PlanItem;
using client::TaskFilter;

TEST_F(ClientStoreTest, SearchFindsChineseSubstringsPhoneDigitsContactsAndVisitNotes) {
  const std::string xinda = AddCustomer({{"name", "鑫达汽修厂"},
                                         {"name_latin", "Xinda Auto Repair"},
                                         {"city", "广州"},
                                         {"phone", "020-8888-1234"}});
  const std::string bright =
      AddCustomer({{"name", "Bright Auto"}, {"city", "深圳"}, {"primary_contact", "Mr Chen"}});
  const std::string huaxin = AddCustomer({{"name", "华信修理厂"}, {"city", "广州"}});
  client::Contact owner;
  owner.name = "李师傅";
  owner.phone = "139-0000-1111";
  ASSERT_TRUE(store_->customers().AddContact(huaxin, owner).ok());
  Visit(bright, "2026-11-20T09:00:00Z", "wants Bosch brake pads; 刹车片 sample");

  EXPECT_EQ(SearchIds("鑫达"), std::vector<std::string>{xinda});  // 2 characters
  EXPECT_EQ(SearchIds("鑫达汽修"), std::vector<std::string>{xinda});
  EXPECT_EQ(SearchIds("xinda"), std::vector<std::string>{xinda});      // case folded
  EXPECT_EQ(SearchIds("88881234"), std::vector<std::string>{xinda});   // digits only
  EXPECT_EQ(SearchIds("8888-1234"), std::vector<std::string>{xinda});  // as written
  EXPECT_EQ(SearchIds("13900001111"), std::vector<std::string>{huaxin});
  EXPECT_EQ(SearchIds("李师傅"), std::vector<std::string>{huaxin});
  EXPECT_EQ(SearchIds("Chen"), std::vector<std::string>{bright});
  EXPECT_EQ(SearchIds("bosch"), std::vector<std::string>{bright});
  EXPECT_EQ(SearchIds("刹车片"), std::vector<std::string>{bright});
  EXPECT_EQ(SearchIds("brake bosch"), std::vector<std::string>{bright});  // every word
  EXPECT_TRUE(SearchIds("brake xinda").empty());
  EXPECT_TRUE(SearchIds("nothing-like-this").empty());
  auto auto_hits = SearchIds("auto");
  EXPECT_EQ(auto_hits.size(), 2u);
  std::vector<std::string> guangzhou = SearchIds("广州");
  std::sort(guangzhou.begin(), guangzhou.end());
  std::vector<std::string> expected = {xinda, huaxin};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(guangzhou, expected);
  // A short word narrows a longer one.
  EXPECT_EQ(SearchIds("修理厂 华"), std::vector<std::string>{huaxin});

  auto hits = store_->search().Search("bosch");
  ASSERT_TRUE(hits.ok());
  EXPECT_EQ((*hits)[0].matched, "visit");

  // Names rank above visit notes that mention them.
  const std::string mentions = AddCustomer({{"name", "Other Garage"}});
  Visit(mentions, "2026-11-21T09:00:00Z", "they buy from Xinda now");
  auto ranked = SearchIds("Xinda");
  ASSERT_EQ(ranked.size(), 2u);
  EXPECT_EQ(ranked[0], xinda);

  // Edits re-index; deleted customers disappear from results.
  ASSERT_TRUE(store_->customers().Edit(xinda, {{"name", "新鑫达"}, {"phone", std::nullopt}}).ok());
  EXPECT_TRUE(SearchIds("88881234").empty());
  EXPECT_EQ(SearchIds("新鑫达"), std::vector<std::string>{xinda});
  ASSERT_TRUE(Exec(store_->replica().db(), "UPDATE customers SET deleted = 1 WHERE id = ?",
                   {S(huaxin.c_str())})
                  .ok());
  EXPECT_TRUE(SearchIds("李师傅").empty());

  // Rebuilding the index gives the same answers.
  ASSERT_TRUE(store_->search().Rebuild().ok());
  EXPECT_EQ(SearchIds("bosch"), std::vector<std::string>{bright});
  EXPECT_EQ(SearchIds("新鑫达"), std::vector<std::string>{xinda});
  EXPECT_EQ(store_->search().Search("  ").status().code(), StatusCode::kInvalidArgument);
}

TEST(ClientStoreUpgradeTest, AReplicaFromBeforeTheClientMigrationGetsItsSearchIndex) {
  TempDir dir;
  FakeWallClock wall;
  const std::string path = dir.File("old.db");
  {
    // A replica file as the sync core alone left it: migrations 1 and 2, with data.
    auto db = Db::Open(path);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(ApplyMigrations(**db, ReplicaMigrations().subspan(0, 2)).ok());
    ASSERT_TRUE(Exec(**db,
                     "INSERT INTO customers (id, name, phone) VALUES ('c1', '鑫达汽修厂', "
                     "'020-8888-1234')")
                    .ok());
    ASSERT_TRUE(Exec(**db,
                     "INSERT INTO visits (id, customer_id, notes) VALUES ('v1', 'c1', "
                     "'brake pads')")
                    .ok());
  }
  auto store = ClientStore::Open(path, wall);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  for (const char* query : {"鑫达", "88881234", "brake"}) {
    auto hits = (*store)->search().Search(query);
    ASSERT_TRUE(hits.ok());
    ASSERT_EQ(hits->size(), 1u) << query;
    EXPECT_EQ((*hits)[0].customer.id, "c1");
  }
}

TEST_F(ClientStoreTest, SearchTriggersNeverTouchCaptureAndFollowPulledRows) {
  // Rows arriving from the hub are indexed too, and index writes never reach the outbox.
  auto hub = Hub::Open(dir_.File("hub.db"), wall_);
  ASSERT_TRUE(hub.ok());
  ASSERT_TRUE((*hub)
                  ->Write("customers", "c-from-hub",
                          {{"name", S("顺通汽配")}, {"owner_rep_id", S("rep-a")}})
                  .ok());
  ASSERT_TRUE((*hub)
                  ->Write("visits", "v-from-hub",
                          {{"customer_id", S("c-from-hub")}, {"notes", S("needs oil filters")}})
                  .ok());
  HubTransport transport(**hub, kHubTimeMs);
  ASSERT_TRUE(client::DeviceSync(*store_).ExchangeChanges(transport).ok());
  EXPECT_EQ(*store_->replica().PendingWriteCount(), 0);
  EXPECT_EQ(SearchIds("顺通"), std::vector<std::string>{"c-from-hub"});
  EXPECT_EQ(SearchIds("oil filter"), std::vector<std::string>{"c-from-hub"});
}

// The search index is written from the queue the triggers of 0006_search_queue.sql fill.
int64_t QueuedDocs(ClientStore& store) {
  return std::get<int64_t>(
      QueryValue(store.replica().db(), "SELECT count(*) FROM fb_search_queue"));
}

int64_t IndexedDocs(ClientStore& store, const std::string& customer) {
  return std::get<int64_t>(QueryValue(store.replica().db(),
                                      "SELECT count(*) FROM fb_search WHERE customer_id = ?",
                                      {Value(customer)}));
}

// The whole index, document by document, to compare two ways of building it.
std::string IndexDump(ClientStore& store) {
  auto stmt = store.replica().db().Prepare(
      "SELECT rowid, customer_id, kind, title, body FROM fb_search ORDER BY rowid");
  EXPECT_TRUE(stmt.ok());
  if (!stmt.ok()) return "";
  std::string out;
  while (true) {
    auto row = (*stmt)->Step();
    EXPECT_TRUE(row.ok());
    if (!row.ok() || !*row) break;
    out += std::to_string((*stmt)->Int(0)) + "|" + (*stmt)->Text(1) + "|" + (*stmt)->Text(2) + "|" +
           (*stmt)->Text(3) + "|" + (*stmt)->Text(4) + "\n";
  }
  return out;
}

// Forwards to another transport, then fails every request after the first `calls`.
class CutOffTransport final : public client::SyncTransport {
 public:
  CutOffTransport(client::SyncTransport& to, int calls) : to_(to), left_(calls) {}
  Result<SyncResponse> Exchange(const SyncRequest& request) override {
    if (left_.fetch_sub(1) <= 0) return Status::Unavailable("cannot reach the server");
    return to_.Exchange(request);
  }

 private:
  client::SyncTransport& to_;
  std::atomic<int> left_;
};

TEST_F(ClientStoreTest, PagesStoredBeforeASyncBreaksOffAreIndexedBeforeSyncReturns) {
  auto hub = Hub::Open(dir_.File("hub.db"), wall_);
  ASSERT_TRUE(hub.ok());
  for (int i = 1; i <= 6; ++i) {
    const std::string id = "c" + std::to_string(i);
    ASSERT_TRUE((*hub)
                    ->Write("customers", id,
                            {{"name", Value("顺通汽配 " + id)}, {"owner_rep_id", S("rep-a")}})
                    .ok());
  }
  // Pages of two rows; the sync breaks off after the second page is stored (the third request,
  // sent while the second page is stored, fails). Sync indexes what it stored before it returns,
  // even when it fails.
  HubTransport hub_transport(**hub, kHubTimeMs);
  CutOffTransport transport(hub_transport, 2);
  client::SyncOptions pages_of_two{2, 1000};
  pages_of_two.max_page_rows = 2;
  auto report = client::DeviceSync(*store_).ExchangeChanges(transport, pages_of_two);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(QueryValue(store_->replica().db(), "SELECT count(*) FROM customers"), I(4));
  // Read the index directly: Search() would index the queue itself.
  EXPECT_EQ(QueuedDocs(*store_), 0);
  for (const char* id : {"c1", "c2", "c3", "c4"}) EXPECT_EQ(IndexedDocs(*store_, id), 1) << id;
  EXPECT_EQ(SearchIds("汽配 c3"), std::vector<std::string>{"c3"});

  CutOffTransport healthy(hub_transport, 100);
  ASSERT_TRUE(client::DeviceSync(*store_).ExchangeChanges(healthy, pages_of_two).ok());
  EXPECT_EQ(QueuedDocs(*store_), 0);
  EXPECT_EQ(IndexedDocs(*store_, "c6"), 1);
}

TEST_F(ClientStoreTest, ALocalWriteIsQueuedAndTheNextSearchIndexesItFirst) {
  const std::string xinda = AddCustomer({{"name", "鑫达汽修厂"}, {"phone", "020-8888-1234"}});
  // The write only noted the document; the search brings the index up to date before it runs.
  EXPECT_EQ(QueuedDocs(*store_), 1);
  EXPECT_EQ(IndexedDocs(*store_, xinda), 0);
  EXPECT_EQ(SearchIds("鑫达汽修"), std::vector<std::string>{xinda});
  EXPECT_EQ(QueuedDocs(*store_), 0);
  EXPECT_EQ(IndexedDocs(*store_, xinda), 1);

  ASSERT_TRUE(
      store_->customers().Edit(xinda, {{"name", "新鑫达汽修"}, {"phone", "139-1111-2222"}}).ok());
  Visit(xinda, "2026-11-23T09:00:00Z", "换刹车片 next week");
  EXPECT_EQ(QueuedDocs(*store_), 2);  // the customer's document once, the visit's
  EXPECT_EQ(SearchIds("新鑫达"), std::vector<std::string>{xinda});
  EXPECT_TRUE(SearchIds("88881234").empty());
  EXPECT_EQ(SearchIds("13911112222"), std::vector<std::string>{xinda});
  EXPECT_EQ(SearchIds("换刹车片"), std::vector<std::string>{xinda});

  // A contact removed (a tombstone) leaves the index.
  client::Contact owner;
  owner.name = "李师傅";
  auto contact = store_->customers().AddContact(xinda, owner);
  ASSERT_TRUE(contact.ok()) << contact.status().ToString();
  EXPECT_EQ(SearchIds("李师傅"), std::vector<std::string>{xinda});
  ASSERT_TRUE(Exec(store_->replica().db(), "UPDATE contacts SET deleted = 1 WHERE id = ?",
                   {Value(*contact)})
                  .ok());
  EXPECT_TRUE(SearchIds("李师傅").empty());
  EXPECT_EQ(IndexedDocs(*store_, xinda), 2);  // the customer and the visit
}

TEST_F(ClientStoreTest, AnEvictedCustomerLeavesTheIndexWithItsContactsAndVisits) {
  auto hub = Hub::Open(dir_.File("hub.db"), wall_);
  ASSERT_TRUE(hub.ok());
  ASSERT_TRUE(
      (*hub)
          ->Write("customers", "c-gone", {{"name", S("华信修理厂")}, {"owner_rep_id", S("rep-a")}})
          .ok());
  ASSERT_TRUE(
      (*hub)
          ->Write("contacts", "k-gone", {{"customer_id", S("c-gone")}, {"name", S("王师傅")}})
          .ok());
  ASSERT_TRUE(
      (*hub)
          ->Write("visits", "v-gone", {{"customer_id", S("c-gone")}, {"notes", S("oil filters")}})
          .ok());
  ASSERT_TRUE(
      (*hub)
          ->Write("customers", "c-kept", {{"name", S("顺通汽配")}, {"owner_rep_id", S("rep-a")}})
          .ok());
  HubTransport transport(**hub, kHubTimeMs);
  ASSERT_TRUE(client::DeviceSync(*store_).ExchangeChanges(transport).ok());
  EXPECT_EQ(IndexedDocs(*store_, "c-gone"), 3);
  EXPECT_EQ(SearchIds("王师傅"), std::vector<std::string>{"c-gone"});

  transport.evict_next = {"c-gone"};
  auto report = client::DeviceSync(*store_).ExchangeChanges(transport);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->customers_evicted, 1u);
  EXPECT_EQ(IndexedDocs(*store_, "c-gone"), 0);
  EXPECT_EQ(QueuedDocs(*store_), 0);
  for (const char* query : {"华信修理厂", "王师傅", "oil filters"}) {
    EXPECT_TRUE(SearchIds(query).empty()) << query;
  }
  EXPECT_EQ(SearchIds("顺通汽配"), std::vector<std::string>{"c-kept"});
}

TEST_F(ClientStoreTest, RebuildingTheIndexEmptiesTheQueueAndGivesTheSameDocuments) {
  const std::string xinda = AddCustomer({{"name", "鑫达汽修厂"}, {"phone", "(020) 8888.1234"}});
  const std::string bright = AddCustomer({{"name", "Bright Auto"}, {"primary_contact", "Mr Chen"}});
  client::Contact contact;
  contact.name = "李师傅";
  contact.phone = "+86 139-0000-1111";
  ASSERT_TRUE(store_->customers().AddContact(bright, contact).ok());
  Visit(xinda, "2026-11-20T09:00:00Z", "wants Bosch brake pads");
  ASSERT_TRUE(store_->customers().Edit(bright, {{"city", "深圳"}}).ok());
  ASSERT_TRUE(store_->search().Update().ok());
  const std::string incremental = IndexDump(*store_);
  EXPECT_NE(incremental.find("02088881234"), std::string::npos);  // phone digits only
  EXPECT_NE(incremental.find("8613900001111"), std::string::npos);

  // A write waiting in the queue is covered by the rebuild, which leaves the queue empty.
  ASSERT_TRUE(store_->customers().Edit(xinda, {{"city", "广州"}}).ok());
  EXPECT_EQ(QueuedDocs(*store_), 1);
  ASSERT_TRUE(store_->search().Rebuild().ok());
  EXPECT_EQ(QueuedDocs(*store_), 0);
  EXPECT_EQ(SearchIds("广州"), std::vector<std::string>{xinda});
  ASSERT_TRUE(store_->customers().Edit(xinda, {{"city", std::nullopt}}).ok());
  ASSERT_TRUE(store_->search().Update().ok());
  EXPECT_EQ(IndexDump(*store_), incremental);
  ASSERT_TRUE(store_->search().Rebuild().ok());
  EXPECT_EQ(IndexDump(*store_), incremental);
}

TEST(ClientStoreUpgradeTest, AReplicaIndexedByTheOldTriggersIsQueuedToBeIndexedAgain) {
  TempDir dir;
  FakeWallClock wall;
  const std::string path = dir.File("indexed.db");
  {
    // A replica file from before the queue: the search triggers of 0003 index every row.
    auto db = Db::Open(path);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(ApplyMigrations(**db, ReplicaMigrations().subspan(0, 5)).ok());
    ASSERT_TRUE(Exec(**db, "INSERT INTO customers (id, name) VALUES ('c1', '鑫达汽修厂')").ok());
    ASSERT_TRUE(
        Exec(**db, "INSERT INTO visits (id, customer_id, notes) VALUES ('v1', 'c1', 'brake pads')")
            .ok());
  }
  auto store = ClientStore::Open(path, wall);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  Db& db = (*store)->replica().db();
  EXPECT_EQ(QueryValue(db,
                       "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND name "
                       "GLOB 'fb_search_*' AND name NOT GLOB 'fb_search_queue_*'"),
            I(0));
  // Migration 0022 (issue #19: more fields, pinyin) queues every document to be indexed again.
  EXPECT_EQ(QueuedDocs(**store), 2);
  EXPECT_EQ(IndexedDocs(**store, "c1"), 0);
  ASSERT_TRUE((*store)->SaveSettings({"", "", "rep-a", "张伟"}).ok());
  ASSERT_TRUE((*store)->customers().Edit("c1", {{"name", "新鑫达"}}).ok());
  EXPECT_EQ(QueuedDocs(**store), 2);
  auto hits = (*store)->search().Search("新鑫达");
  ASSERT_TRUE(hits.ok());
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ((*hits)[0].customer.id, "c1");
  auto brake = (*store)->search().Search("brake");
  ASSERT_TRUE(brake.ok());
  EXPECT_EQ(brake->size(), 1u);
}

}  // namespace
}  // namespace fieldbook::testing
