// ClientStore: the rep's typed operations on a real replica file, offline, and one sync through an
// in-process hub.
#include "store/client_store.h"
#include "sync/device_sync.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>

#include "fieldbook/hub.h"
#include "fieldbook/migrations.h"
#include "support/fake_clock.h"
#include "support/hub_transport.h"
#include "support/sync_fixture.h"
#include "support/temp_dir.h"

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

// The hub's time as its replies report it: the device is 1.5 s ahead.
constexpr uint64_t kHubTimeMs = FakeWallClock::kDefaultStartMs - 1500;

class ClientStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.File("replica.db");
    auto store = ClientStore::Open(path_, wall_, ReplicaOptions{"", 2000, 42});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    ASSERT_TRUE(store_->SaveSettings({"http://127.0.0.1:9", "fbt_secret", "rep-a", "张伟"}).ok());
  }

  std::string AddCustomer(std::vector<FieldValue> fields) {
    auto id = store_->customers().Add(fields);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : "";
  }

  std::string Visit(const std::string& customer, const std::string& check_in,
                    const std::string& notes = "", const std::string& follow_up = "") {
    NewVisit v;
    v.customer_id = customer;
    v.check_in = check_in;
    v.notes = notes;
    v.next_follow_up = follow_up;
    auto id = store_->facts().LogVisit(v);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : "";
  }

  // Grades are written by the hub (the grading job) and reach the device by sync.
  void Grade(Hub& hub, const std::string& customer, const char* tier, double churn) {
    ASSERT_TRUE(
        hub.Write("customers", customer, {{"grade_tier", S(tier)}, {"grade_churn_risk", churn}})
            .ok());
  }

  std::vector<std::string> SearchIds(const std::string& query) {
    auto hits = store_->search().Search(query);
    EXPECT_TRUE(hits.ok()) << query << ": " << hits.status().ToString();
    std::vector<std::string> ids;
    if (hits.ok()) {
      for (const auto& h : *hits) ids.push_back(h.customer.id);
    }
    return ids;
  }

  TempDir dir_;
  FakeWallClock wall_;
  std::string path_;
  std::unique_ptr<ClientStore> store_;
};

TEST_F(ClientStoreTest, TheReplicaFileIsPrivateAndSettingsPersist) {
  struct stat st {};
  ASSERT_EQ(stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  store_.reset();
  auto reopened = ClientStore::Open(path_, wall_);
  ASSERT_TRUE(reopened.ok());
  auto settings = (*reopened)->Settings();
  ASSERT_TRUE(settings.ok());
  EXPECT_EQ(settings->server_url, "http://127.0.0.1:9");
  EXPECT_EQ(settings->device_token, "fbt_secret");
  EXPECT_EQ(settings->rep_id, "rep-a");
  EXPECT_EQ(settings->rep_name, "张伟");
  // Settings are client-only: nothing to push.
  EXPECT_EQ(*(*reopened)->replica().PendingWriteCount(), 0);
}

TEST_F(ClientStoreTest, AddingACustomerNeedsANameAndASetUpDevice) {
  auto blank = ClientStore::Open(dir_.File("blank.db"), wall_);
  ASSERT_TRUE(blank.ok());
  auto refused = (*blank)->customers().Add({{"name", "鑫达汽修"}});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("fieldbook-cli init"), std::string::npos);

  auto nameless = store_->customers().Add({{"city", "广州"}});
  ASSERT_FALSE(nameless.ok());
  EXPECT_EQ(nameless.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(nameless.status().message(), "a new customer needs a name");

  const std::string id = AddCustomer({{"name", "鑫达汽修厂"},
                                      {"city", "广州"},
                                      {"lat", "23.1"},
                                      {"lon", "113.3"},
                                      {"customer_type", "garage"}});
  auto profile = store_->customers().Show(id);
  ASSERT_TRUE(profile.ok());
  EXPECT_EQ(profile->customer.owner_rep_id, "rep-a");
  EXPECT_EQ(profile->customer.created_at, "2026-11-23T00:00:00Z");
  EXPECT_EQ(profile->customer.lat, 23.1);
  EXPECT_EQ(profile->customer.customer_type, "garage");
  EXPECT_EQ(*store_->replica().PendingWriteCount(), 1);
  EXPECT_EQ(id.size(), 32u);
}

TEST_F(ClientStoreTest, EditChangesOnlyTheNamedFieldsAndRefusesServerOwnedOnes) {
  const std::string id =
      AddCustomer({{"name", "鑫达汽修"}, {"phone", "020-1234"}, {"notes", "old notes"}});
  ASSERT_TRUE(store_->customers().Edit(id.substr(0, 10), {{"phone", "13800138000"}}).ok());
  auto p = store_->customers().Show(id);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->customer.phone, "13800138000");
  EXPECT_EQ(p->customer.notes, "old notes");
  EXPECT_EQ(p->customer.name, "鑫达汽修");
  // Capture recorded the phone alone.
  const TableInfo* customers = store_->replica().catalog().Find("customers");
  EXPECT_EQ(QueryValue(store_->replica().db(), "SELECT cols FROM fb_outbox ORDER BY seq DESC"),
            I(int64_t{1} << customers->ColumnIndex("phone")));

  ASSERT_TRUE(store_->customers().Edit(id, {{"notes", std::nullopt}}).ok());
  EXPECT_TRUE(store_->customers().Show(id)->customer.notes.empty());

  for (const char* field : {"owner_rep_id", "territory_id", "grade_tier", "grade_churn_risk"}) {
    Status s = store_->customers().Edit(id, {{field, "x"}});
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << field;
    EXPECT_NE(s.message().find(field), std::string::npos) << s.message();
    EXPECT_NE(s.message().find("server"), std::string::npos) << s.message();
  }
  EXPECT_EQ(store_->customers().Edit(id, {{"owner_rep_id", "rep-b"}}).message(),
            "owner_rep_id is set by managers on the server; ask your manager to reassign the "
            "customer");
  EXPECT_NE(
      store_->customers().Edit(id, {{"colour", "red"}}).message().find("unknown customer field"),
      std::string::npos);
  EXPECT_EQ(store_->customers().Edit(id, {{"purchase_stage", "maybe"}}).message(),
            "purchase stage must be one of aware, interested, deciding, customer (not 'maybe')");
  EXPECT_EQ(store_->customers().Edit(id, {{"lat", "23.1"}}).message(),
            "give both latitude and longitude, or neither");
  EXPECT_EQ(store_->customers().Edit(id, {{"lat", "123"}, {"lon", "1"}}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->customers().Edit(id, {{"name", "  "}}).message(), "name cannot be empty");
  EXPECT_EQ(store_->customers().Edit("ffffffffffff", {{"notes", "x"}}).code(),
            StatusCode::kNotFound);
  // A refused edit changed nothing.
  EXPECT_TRUE(IsNull(QueryValue(store_->replica().db(), "SELECT lat FROM customers")));
}

TEST_F(ClientStoreTest, ShowGathersContactsVisitsOrdersTasksAndFeedback) {
  const std::string id = AddCustomer({{"name", "鑫达汽修"}});
  client::Contact contact;
  contact.name = "王师傅";
  contact.phone = "139 0000 1111";
  contact.is_primary = true;
  ASSERT_TRUE(store_->customers().AddContact(id, contact).ok());
  Visit(id, "2026-11-01T09:00:00Z", "first");
  Visit(id, "2026-11-20T09:00:00Z", "second");
  NewOrder order;
  order.customer_id = id;
  order.order_date = "2026-11-20";
  order.lines = {{"BP-1024", "brake pads", 4, 12850}, {"OF-7", "", 10, 1999}};
  auto added = store_->facts().AddOrder(order);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ(added->amount_cents, 4 * 12850 + 10 * 1999);
  EXPECT_EQ(added->currency, "CNY");
  ASSERT_TRUE(store_->tasks().Add({id, "2026-11-25", "call", "send the catalogue", ""}).ok());
  ASSERT_TRUE(store_->facts().AddFeedback({id, 4, "delivery was late"}).ok());

  auto p = store_->customers().Show(id);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_EQ(p->contacts.size(), 1u);
  EXPECT_EQ(p->contacts[0].name, "王师傅");
  EXPECT_TRUE(p->contacts[0].is_primary);
  ASSERT_EQ(p->recent_visits.size(), 2u);
  EXPECT_EQ(p->recent_visits[0].notes, "second");  // newest first
  EXPECT_EQ(p->recent_visits[0].rep_id, "rep-a");
  EXPECT_EQ(p->visit_count, 2);
  ASSERT_EQ(p->recent_orders.size(), 1u);
  ASSERT_EQ(p->recent_orders[0].lines.size(), 2u);
  EXPECT_EQ(p->recent_orders[0].amount_cents, 71390);
  EXPECT_EQ(p->recent_orders[0].lines[0].part_no, "BP-1024");
  ASSERT_EQ(p->open_tasks.size(), 1u);
  EXPECT_EQ(p->open_tasks[0].title, "send the catalogue");
  ASSERT_EQ(p->feedback.size(), 1u);
  EXPECT_EQ(p->feedback[0].satisfaction, 4);
  EXPECT_EQ(p->customer.last_visit, "2026-11-20T09:00:00Z");
  EXPECT_EQ(store_->customers().Show("nope-nope").status().code(), StatusCode::kNotFound);
}

TEST_F(ClientStoreTest, ValidationErrorsSpeakTheRepsLanguage) {
  const std::string id = AddCustomer({{"name", "鑫达汽修"}});
  for (int bad : {0, 6, -1}) {
    auto r = store_->facts().AddFeedback({id, bad, ""});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(r.status().message(), "satisfaction must be 1 to 5");
  }
  EXPECT_EQ(store_->facts().AddFeedback({id, std::nullopt, " "}).status().code(),
            StatusCode::kInvalidArgument);

  NewOrder empty;
  empty.customer_id = id;
  EXPECT_EQ(store_->facts().AddOrder(empty).status().message(), "an order needs at least one line");
  NewOrder zero = empty;
  zero.lines = {{"BP-1", "", 0, 100}};
  EXPECT_EQ(store_->facts().AddOrder(zero).status().message(),
            "line 1: quantity must be a whole number above 0");
  NewOrder bad_date = empty;
  bad_date.lines = {{"BP-1", "", 1, 100}};
  bad_date.order_date = "2026-02-30";
  EXPECT_EQ(store_->facts().AddOrder(bad_date).status().code(), StatusCode::kInvalidArgument);

  EXPECT_EQ(store_->tasks().Add({id, "tomorrow", "call", "x", ""}).status().message(),
            "the due date must look like 2026-11-23 (not 'tomorrow')");
  EXPECT_EQ(store_->tasks().Add({id, "2026-11-24", "party", "x", ""}).status().message(),
            "task kind must be one of call, visit, care, birthday (not 'party')");
  EXPECT_EQ(store_->tasks().Add({id, "2026-11-24", "call", "", ""}).status().message(),
            "a task needs a title");

  NewVisit v;
  v.customer_id = id;
  v.check_in = "2026-11-23T10:00:00Z";
  v.check_out = "2026-11-23T09:00:00Z";
  EXPECT_EQ(store_->facts().LogVisit(v).status().message(), "check-out is before check-in");
  v.check_out.clear();
  v.next_follow_up = "2026-13-01";
  EXPECT_EQ(store_->facts().LogVisit(v).status().code(), StatusCode::kInvalidArgument);
  v.next_follow_up.clear();
  v.lat = 23.0;
  EXPECT_EQ(store_->facts().LogVisit(v).status().message(),
            "give both latitude and longitude, or neither");
  v.lon = 200.0;
  EXPECT_EQ(store_->facts().LogVisit(v).status().message(), "longitude must be from -180 to 180");
  v.lat.reset();
  v.lon.reset();
  v.check_in = "yesterday";
  EXPECT_EQ(store_->facts().LogVisit(v).status().code(), StatusCode::kInvalidArgument);
  v.check_in = "2026-11-23T09:00+08:00";
  auto logged = store_->facts().LogVisit(v);
  ASSERT_TRUE(logged.ok()) << logged.status().ToString();
  EXPECT_EQ(QueryValue(store_->replica().db(), "SELECT check_in FROM visits WHERE id = ?",
                       {S(logged->c_str())}),
            S("2026-11-23T01:00:00Z"));
  // Nothing refused reached the outbox: the customer and the one visit.
  EXPECT_EQ(*store_->replica().PendingWriteCount(), 2);
}

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

  EXPECT_EQ(SearchIds("鑫达"), std::vector<std::string>{xinda});  // 2 characters: LIKE
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

TEST_F(ClientStoreTest, ListFiltersByStageTypeRegionTierAndOverdue) {
  auto hub = Hub::Open(dir_.File("hub.db"), wall_);
  ASSERT_TRUE(hub.ok());
  const std::string a = AddCustomer({{"name", "A garage"},
                                     {"purchase_stage", "deciding"},
                                     {"customer_type", "garage"},
                                     {"region_class", "local"}});
  const std::string b = AddCustomer({{"name", "B fleet"},
                                     {"purchase_stage", "customer"},
                                     {"customer_type", "fleet"},
                                     {"region_class", "domestic"}});
  const std::string c = AddCustomer({{"name", "C garage"}, {"customer_type", "garage"}});
  HubTransport transport(**hub, kHubTimeMs);
  ASSERT_TRUE(client::DeviceSync(*store_).ExchangeChanges(transport).ok());
  Grade(**hub, a, "A", 0.1);
  ASSERT_TRUE(client::DeviceSync(*store_).ExchangeChanges(transport).ok());
  ASSERT_TRUE(store_->tasks().Add({b, "2026-11-20", "call", "overdue call", ""}).ok());
  Visit(c, "2026-11-10T09:00:00Z", "", "2026-11-23");  // due today: not overdue yet

  auto ids = [&](CustomerFilter f) {
    f.today = "2026-11-23";
    auto list = store_->customers().List(f);
    EXPECT_TRUE(list.ok()) << list.status().ToString();
    std::vector<std::string> out;
    if (list.ok()) {
      for (const auto& x : *list) out.push_back(x.id);
    }
    return out;
  };
  CustomerFilter all;
  EXPECT_EQ(ids(all), (std::vector<std::string>{a, b, c}));
  CustomerFilter stage;
  stage.stage = "deciding";
  EXPECT_EQ(ids(stage), std::vector<std::string>{a});
  CustomerFilter type;
  type.type = "garage";
  EXPECT_EQ(ids(type), (std::vector<std::string>{a, c}));
  CustomerFilter region;
  region.region_class = "domestic";
  EXPECT_EQ(ids(region), std::vector<std::string>{b});
  CustomerFilter tier_a;
  tier_a.tier = "a";
  EXPECT_EQ(ids(tier_a), std::vector<std::string>{a});
  CustomerFilter tier_c;  // ungraded counts as C
  tier_c.tier = "C";
  EXPECT_EQ(ids(tier_c), (std::vector<std::string>{b, c}));
  CustomerFilter overdue;
  overdue.overdue = true;
  EXPECT_EQ(ids(overdue), std::vector<std::string>{b});
  overdue.today = "2026-11-24";
  auto later = store_->customers().List(overdue);
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->size(), 2u);  // b's task, and c's follow-up is now overdue too
  CustomerFilter limited;
  limited.limit = 1;
  EXPECT_EQ(ids(limited).size(), 1u);
  CustomerFilter bad;
  bad.stage = "ready";
  EXPECT_EQ(store_->customers().List(bad).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(ClientStoreTest, TasksAreAddedListedAndDone) {
  const std::string id = AddCustomer({{"name", "鑫达汽修"}});
  auto t1 = store_->tasks().Add({id, "2026-11-25", "visit", "bring the catalogue", ""});
  auto t2 = store_->tasks().Add({id, "2026-11-24", "call", "confirm the order", "after 2pm"});
  ASSERT_TRUE(t1.ok() && t2.ok());
  auto open = store_->tasks().List({});
  ASSERT_TRUE(open.ok());
  ASSERT_EQ(open->size(), 2u);
  EXPECT_EQ((*open)[0].id, *t2);  // earliest due first
  EXPECT_EQ((*open)[0].customer_name, "鑫达汽修");
  TaskFilter due;
  due.due_by = "2026-11-24";
  EXPECT_EQ(store_->tasks().List(due)->size(), 1u);

  ASSERT_TRUE(store_->tasks().Complete(t2->substr(0, 16)).ok());  // a unique prefix
  EXPECT_EQ(store_->tasks().Complete(*t2).code(), StatusCode::kConflict);
  EXPECT_EQ(store_->tasks().Complete("nosuchtask").code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->tasks().List({})->size(), 1u);
  TaskFilter all;
  all.include_closed = true;
  auto everything = store_->tasks().List(all);
  ASSERT_TRUE(everything.ok());
  ASSERT_EQ(everything->size(), 2u);
  EXPECT_EQ((*everything)[1].status, "done");
  EXPECT_EQ((*everything)[1].done_at, "2026-11-23T00:00:00Z");
}

TEST_F(ClientStoreTest, PlanPutsFollowUpsFirstThenRanksSuggestionsByTierRecencyAndRisk) {
  auto hub = Hub::Open(dir_.File("hub.db"), wall_);
  ASSERT_TRUE(hub.ok());
  HubTransport transport(**hub, kHubTimeMs);
  const std::string today = "2026-11-23";
  const std::string task_customer = AddCustomer({{"name", "Task garage"}});
  const std::string a_old = AddCustomer({{"name", "A-tier, 60 days"}});
  const std::string c_recent = AddCustomer({{"name", "C-tier, yesterday"}});
  const std::string a_older_risky = AddCustomer({{"name", "A-tier, 60 days, risky"}});
  const std::string b_never = AddCustomer({{"name", "B-tier, never visited"}});
  const std::string promised = AddCustomer({{"name", "Promised follow-up"}});
  const std::string settled = AddCustomer({{"name", "Settled follow-up"}});
  ASSERT_TRUE(client::DeviceSync(*store_).ExchangeChanges(transport).ok());
  Grade(**hub, task_customer, "B", 0.2);
  Grade(**hub, a_old, "A", 0.1);
  Grade(**hub, a_older_risky, "A", 0.7);
  Grade(**hub, c_recent, "C", 0.9);
  Grade(**hub, b_never, "B", 0.0);
  Grade(**hub, promised, "D", 0.0);
  Grade(**hub, settled, "D", 0.0);
  ASSERT_TRUE(client::DeviceSync(*store_).ExchangeChanges(transport).ok());

  ASSERT_TRUE(store_->tasks().Add({task_customer, "2026-11-20", "call", "call back", ""}).ok());
  ASSERT_TRUE(store_->tasks().Add({task_customer, "2026-12-20", "visit", "not yet", ""}).ok());
  // Visit times without a zone are the device's local time, as a rep types them.
  Visit(task_customer, "2026-11-22T09:00");
  Visit(a_old, "2026-09-24T10:00");  // 60 days before today
  Visit(a_older_risky, "2026-09-24T11:00");
  Visit(c_recent, "2026-11-22T10:00");  // yesterday
  Visit(promised, "2026-11-15T10:00", "", today);
  Visit(settled, "2026-11-01T10:00", "", "2026-11-10");
  Visit(settled, "2026-11-12T10:00");  // a later visit settles that follow-up

  auto plan = store_->plan().For(today, 10);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  std::vector<std::string> order;
  for (const PlanItem& p : *plan) order.push_back(p.customer_id);
  const std::vector<std::string> expected = {task_customer, promised, a_older_risky, a_old,
                                             b_never,       c_recent, settled};
  EXPECT_EQ(order, expected);
  ASSERT_EQ(plan->size(), expected.size());
  EXPECT_EQ((*plan)[0].kind, PlanItem::Kind::kFollowUp);
  EXPECT_FALSE((*plan)[0].task_id.empty());
  EXPECT_EQ((*plan)[0].days_overdue, 3);
  EXPECT_NE((*plan)[0].reason.find("overdue since 2026-11-20"), std::string::npos)
      << (*plan)[0].reason;
  EXPECT_EQ((*plan)[1].kind, PlanItem::Kind::kFollowUp);
  EXPECT_FALSE((*plan)[1].visit_id.empty());
  EXPECT_NE((*plan)[1].reason.find("due today"), std::string::npos) << (*plan)[1].reason;
  EXPECT_EQ((*plan)[2].kind, PlanItem::Kind::kSuggestedVisit);
  EXPECT_EQ((*plan)[3].days_since_visit, 60);
  EXPECT_NE((*plan)[3].reason.find("tier A, last visit 60 days ago"), std::string::npos)
      << (*plan)[3].reason;
  EXPECT_NE((*plan)[4].reason.find("never visited"), std::string::npos);
  EXPECT_EQ((*plan)[5].days_since_visit, 1);
  EXPECT_EQ((*plan)[6].tier, "D");

  auto short_plan = store_->plan().For(today, 2);
  ASSERT_TRUE(short_plan.ok());
  ASSERT_EQ(short_plan->size(), 2u);
  EXPECT_EQ((*short_plan)[1].customer_id, promised);
  EXPECT_EQ(store_->plan().For("23/11/2026", 5).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(ClientStoreTest, StatusCountsPendingWritesReviewItemsEvictionsAndTheLastSync) {
  auto hub = Hub::Open(dir_.File("hub.db"), wall_);
  ASSERT_TRUE(hub.ok());
  HubTransport transport(**hub, kHubTimeMs);
  auto before = store_->GetStatus();
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(before->rep_id, "rep-a");
  EXPECT_EQ(before->server_url, "http://127.0.0.1:9");
  EXPECT_TRUE(before->has_token);
  EXPECT_FALSE(before->last_sync_ms.has_value());
  EXPECT_EQ(before->pending_writes, 0);

  const std::string kept = AddCustomer({{"name", "鑫达汽修"}});
  const std::string leaving = AddCustomer({{"name", "Moves away"}});
  Visit(kept, "2026-11-22T09:00:00Z", "brake pads");
  EXPECT_EQ(store_->GetStatus()->pending_writes, 3);

  wall_.Advance(60'000);
  auto report = client::DeviceSync(*store_).ExchangeChanges(transport);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->rows_pushed, 3u);
  auto after = store_->GetStatus();
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->pending_writes, 0);
  EXPECT_EQ(after->last_sync_ms, static_cast<int64_t>(wall_.NowMs()));
  EXPECT_EQ(after->clock_skew_ms, static_cast<int64_t>(wall_.NowMs() - kHubTimeMs));
  EXPECT_GT(after->cursor, 0u);
  EXPECT_EQ(after->customers, 2);
  EXPECT_TRUE(after->review.empty());

  // A visit logged offline for a customer that is then moved away: the purge waits for it.
  Visit(leaving, "2026-11-23T09:00:00Z", "offline visit");
  transport.evict_next = {leaving};
  SyncRequest pull_only;
  pull_only.replica_id = store_->replica().replica_id();
  pull_only.pull_cursor = store_->replica().cursor();
  auto page = transport.Exchange(pull_only);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_TRUE(store_->replica().ApplyPull(page->pull).ok());
  auto waiting = store_->GetStatus();
  ASSERT_TRUE(waiting.ok());
  EXPECT_EQ(waiting->deferred_evictions, std::vector<std::string>{leaving});
  EXPECT_EQ(waiting->pending_writes, 1);
  // The next sync lands the visit, then the customer leaves: search no longer finds it.
  ASSERT_TRUE(client::DeviceSync(*store_).ExchangeChanges(transport).ok());
  auto done = store_->GetStatus();
  ASSERT_TRUE(done.ok());
  EXPECT_TRUE(done->deferred_evictions.empty());
  EXPECT_EQ(done->customers, 1);
  EXPECT_TRUE(SearchIds("Moves away").empty());
  EXPECT_TRUE(SearchIds("offline visit").empty());
  EXPECT_EQ(SearchIds("brake pads"), std::vector<std::string>{kept});

  // A refused change lands in the review list with the server's reason.
  ASSERT_TRUE(Exec(store_->replica().db(),
                   "INSERT INTO fb_rejections (set_id, tbl, row_id, code, reason, payload, "
                   "created_ms) VALUES ('s1', 'customers', 'c9', 'out_of_scope', 'customer c9 is "
                   "not assigned to you', '{}', 1)")
                  .ok());
  auto review = store_->GetStatus();
  ASSERT_TRUE(review.ok());
  ASSERT_EQ(review->review.size(), 1u);
  EXPECT_EQ(review->review[0].code, "out_of_scope");
  auto items = store_->ReviewList();
  ASSERT_TRUE(items.ok());
  ASSERT_EQ(items->size(), 1u);
  EXPECT_EQ((*items)[0].reason, "customer c9 is not assigned to you");
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
  // Read the index directly: SearchCustomers would index the queue itself.
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

TEST(ClientStoreUpgradeTest, AReplicaIndexedByTheOldTriggersKeepsItsIndexAndQueuesFromThen) {
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
  EXPECT_EQ(QueuedDocs(**store), 0);
  EXPECT_EQ(IndexedDocs(**store, "c1"), 2);
  ASSERT_TRUE((*store)->SaveSettings({"", "", "rep-a", "张伟"}).ok());
  ASSERT_TRUE((*store)->customers().Edit("c1", {{"name", "新鑫达"}}).ok());
  EXPECT_EQ(QueuedDocs(**store), 1);
  auto hits = (*store)->search().Search("新鑫达");
  ASSERT_TRUE(hits.ok());
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ((*hits)[0].customer.id, "c1");
  auto brake = (*store)->search().Search("brake");
  ASSERT_TRUE(brake.ok());
  EXPECT_EQ(brake->size(), 1u);
}

TEST(ClientTextTest, DatesTimesAndMoney) {
  EXPECT_TRUE(client::IsValidDate("2028-02-29"));
  EXPECT_FALSE(client::IsValidDate("2026-02-29"));
  EXPECT_FALSE(client::IsValidDate("2026-1-05"));
  EXPECT_FALSE(client::IsValidDate("2026-11-2x"));
  EXPECT_EQ(client::NormalizeTime("2026-11-23T09:30:15Z"), "2026-11-23T09:30:15Z");
  EXPECT_EQ(client::NormalizeTime("2026-11-23 09:30-05:00"), "2026-11-23T14:30:00Z");
  EXPECT_EQ(client::NormalizeTime("2026-11-23T09:30:15.250+0800"), "2026-11-23T01:30:15Z");
  EXPECT_FALSE(client::NormalizeTime("2026-11-23T25:00Z").has_value());
  EXPECT_FALSE(client::NormalizeTime("noon").has_value());
  EXPECT_EQ(client::ParseYuan("128.5"), 12850);
  EXPECT_EQ(client::ParseYuan("12"), 1200);
  EXPECT_EQ(client::ParseYuan("0.05"), 5);
  EXPECT_FALSE(client::ParseYuan("1.234").has_value());
  EXPECT_FALSE(client::ParseYuan("-3").has_value());
  EXPECT_FALSE(client::ParseYuan("3.").has_value());
  EXPECT_EQ(client::FormatYuan(71390), "713.90");
  EXPECT_EQ(client::FormatYuan(5), "0.05");
}

}  // namespace
}  // namespace fieldbook::testing
