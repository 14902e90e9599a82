// The view model without pixels where possible: the bounded intent queue, snapshots that never
// change once published, all data access on the worker thread, and 50,000 customers in a replica
// where one frame of the list submits only the rows in view.
#include <gtest/gtest.h>
#include <imgui.h>

#include <chrono>
#include <cstdio>
#include <mutex>
#include <set>
#include <thread>

#include "data_source.h"
#include "fieldbook/sqlite_db.h"
#include "headless.h"
#include "intents.h"
#include "store/client_store.h"
#include "store_data_source.h"
#include "support/fake_clock.h"
#include "support/temp_dir.h"
#include "ui_strings.h"
#include "view_model.h"

namespace fieldbook::testing {
namespace {

using namespace std::chrono_literals;
using app::Intent;
using app::IntentQueue;

TEST(IntentQueueTest, IsBoundedAndNeverBlocksThePoster) {
  IntentQueue q(2);
  EXPECT_TRUE(q.Post(app::SyncNow{}));
  EXPECT_TRUE(q.Post(app::CompleteTask{"t1"}));
  EXPECT_FALSE(q.Post(app::CompleteTask{"t2"})) << "a full queue refuses commands";
  EXPECT_EQ(q.accepted(), 2u);
  IntentQueue::Batch batch = q.TakeAll(std::chrono::steady_clock::now());
  ASSERT_EQ(batch.intents.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<app::SyncNow>(batch.intents[0]));
  EXPECT_EQ(std::get<app::CompleteTask>(batch.intents[1]).task_id, "t1");
  EXPECT_EQ(batch.accepted, 2u);
}

TEST(IntentQueueTest, TheLatestFilterAndSelectionReplacePendingOnes) {
  IntentQueue q(2);
  app::CustomerFilter f;
  for (const char* text : {"鑫", "鑫达", "鑫达汽"}) {
    f.text = text;
    EXPECT_TRUE(q.Post(app::SetFilter{f}));
  }
  EXPECT_TRUE(q.Post(app::SelectCustomer{"a"}));
  EXPECT_TRUE(q.Post(app::SelectCustomer{"b"})) << "coalesced even though the queue is full";
  EXPECT_EQ(q.accepted(), 5u);
  IntentQueue::Batch batch = q.TakeAll(std::chrono::steady_clock::now());
  ASSERT_EQ(batch.intents.size(), 2u);
  EXPECT_EQ(std::get<app::SetFilter>(batch.intents[0]).filter.text, "鑫达汽");
  EXPECT_EQ(std::get<app::SelectCustomer>(batch.intents[1]).customer_id, "b");
}

TEST(IntentQueueTest, CloseWakesTheConsumerAndRefusesLaterPosts) {
  IntentQueue q;
  std::thread closer([&q] {
    std::this_thread::sleep_for(20ms);
    q.Close();
  });
  IntentQueue::Batch batch = q.TakeAll(std::chrono::steady_clock::now() + 1h);
  closer.join();
  EXPECT_TRUE(batch.intents.empty());
  EXPECT_FALSE(q.Post(app::SyncNow{}));
}

// Records which threads call it; answers from memory.
class FakeDataSource final : public app::DataSource {
 public:
  struct Calls {
    std::mutex mu;
    std::set<std::thread::id> threads;
    int lists = 0;
    void Note() {
      std::lock_guard<std::mutex> lock(mu);
      threads.insert(std::this_thread::get_id());
    }
  };
  explicit FakeDataSource(Calls& calls) : calls_(calls) {}

  Result<app::CustomerList> ListCustomers(const app::CustomerFilter& filter,
                                          const std::string&) override {
    calls_.Note();
    {
      std::lock_guard<std::mutex> lock(calls_.mu);
      ++calls_.lists;
    }
    app::CustomerList list;
    for (const char* name : {"鑫达汽修", "Golden Wrench"}) {
      if (std::string(name).find(filter.text) != std::string::npos) {
        list.rows.push_back(app::CustomerRow{name, name, "广州", "", "", "", "", "", false});
      }
    }
    return list;
  }
  Result<app::CustomerDetail> LoadCustomer(const std::string& id, const std::string&) override {
    calls_.Note();
    app::CustomerDetail d;
    d.id = id;
    d.name = id;
    return d;
  }
  Result<app::Plan> LoadPlan(const std::string& today) override {
    calls_.Note();
    app::Plan p;
    p.today = today;
    return p;
  }
  Result<app::LocalSyncState> LoadSyncState() override {
    calls_.Note();
    return app::LocalSyncState{};
  }
  Result<std::string> LogVisit(const app::VisitDraft& draft) override {
    calls_.Note();
    if (draft.notes.empty()) return Status::InvalidArgument("say what happened");
    return std::string("visit-1");
  }
  Status CompleteTask(const std::string&) override {
    calls_.Note();
    return Status::Ok();
  }
  Result<uint64_t> DataVersion() override {
    calls_.Note();
    return uint64_t{1};
  }
  Result<app::SyncSummary> Sync() override {
    calls_.Note();
    return Status::Unavailable("no signal");
  }

 private:
  Calls& calls_;
};

TEST(ViewModelTest, SnapshotsAreImmutableAndOnlyTheWorkerTouchesTheData) {
  FakeWallClock clock;
  FakeDataSource::Calls calls;
  app::ViewModel vm(
      [&calls]() -> Result<std::unique_ptr<app::DataSource>> {
        return std::unique_ptr<app::DataSource>(new FakeDataSource(calls));
      },
      clock);
  ASSERT_TRUE(vm.WaitIdle(10s));
  std::shared_ptr<const app::Snapshot> first = vm.snapshot();
  ASSERT_TRUE(first->ready);
  EXPECT_EQ(first->customers->rows.size(), 2u);

  app::CustomerFilter filter;
  filter.text = "鑫达";
  ASSERT_TRUE(vm.intents().Post(app::SetFilter{filter}));
  ASSERT_TRUE(vm.intents().Post(app::SelectCustomer{"鑫达汽修"}));
  ASSERT_TRUE(vm.WaitIdle(10s));
  std::shared_ptr<const app::Snapshot> second = vm.snapshot();

  // The first snapshot is as it was; the second answers the new filter.
  EXPECT_EQ(first->filter.text, "");
  EXPECT_EQ(first->customers->rows.size(), 2u);
  EXPECT_TRUE(first->selected_id.empty());
  EXPECT_EQ(second->filter.text, "鑫达");
  EXPECT_EQ(second->customers->rows.size(), 1u);
  EXPECT_EQ(second->customer->id, "鑫达汽修");
  EXPECT_GT(second->version, first->version);
  // The list's glyphs are collected for the font atlas.
  const std::vector<uint32_t>& glyphs = *second->glyphs;
  EXPECT_TRUE(std::binary_search(glyphs.begin(), glyphs.end(), 0x946B));  // 鑫

  // A refused visit comes back with the reason; a failed sync says offline.
  app::SubmitVisit bad;
  bad.request_id = 7;
  ASSERT_TRUE(vm.intents().Post(bad));
  ASSERT_TRUE(vm.intents().Post(app::SyncNow{}));
  ASSERT_TRUE(vm.WaitIdle(10s));
  EXPECT_EQ(vm.snapshot()->last_visit.request_id, 7u);
  EXPECT_FALSE(vm.snapshot()->last_visit.ok);
  EXPECT_EQ(vm.snapshot()->last_visit.error.message(), "say what happened");
  EXPECT_EQ(vm.snapshot()->status.connectivity, app::Connectivity::kOffline);

  std::lock_guard<std::mutex> lock(calls.mu);
  ASSERT_EQ(calls.threads.size(), 1u);
  EXPECT_NE(*calls.threads.begin(), std::this_thread::get_id());
}

TEST(ViewModelTest, AReplicaThatCannotOpenIsReportedNotHung) {
  FakeWallClock clock;
  app::ViewModel vm(
      []() -> Result<std::unique_ptr<app::DataSource>> { return Status::Io("disk full"); }, clock);
  ASSERT_TRUE(vm.WaitIdle(10s));
  EXPECT_FALSE(vm.snapshot()->ready);
  EXPECT_NE(vm.snapshot()->error.find("disk full"), std::string::npos);
  ASSERT_TRUE(vm.intents().Post(app::SyncNow{}));
  EXPECT_TRUE(vm.WaitIdle(10s));
}

std::string NameOf(int i) {
  static const char* const kPrefixes[] = {"鑫达", "顺通", "华信", "永安",
                                          "金轮", "东风", "宏发", "利民"};
  static const char* const kSuffixes[] = {"汽修", "汽配", "快修", "车行", "轮胎店"};
  return std::string(kPrefixes[i % 8]) + kSuffixes[(i / 8) % 5] + std::to_string(i);
}

TEST(ViewModelTest, FiftyThousandCustomersScrollWithOnlyTheVisibleRowsSubmitted) {
  setenv("TZ", "UTC", 1);
  tzset();
  TempDir dir;
  FakeWallClock clock(FakeWallClock::kDefaultStartMs + 9 * 3600 * 1000);
  const std::string path = dir.File("replica.db");
  constexpr int kCustomers = 50000;
  {
    auto store = client::ClientStore::Open(path, clock);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    Db& db = (*store)->replica().db();
    auto txn = Transaction::Begin(db);
    ASSERT_TRUE(txn.ok());
    auto insert = db.Prepare(
        "INSERT INTO customers (id, name, name_latin, city, phone, customer_type, "
        "purchase_stage, region_class) VALUES (?1, ?2, ?3, ?4, ?5, 'garage', 'interested', "
        "'local')");
    ASSERT_TRUE(insert.ok());
    const char* cities[] = {"广州", "佛山", "深圳"};
    for (int i = 0; i < kCustomers; ++i) {
      char id[40];
      std::snprintf(id, sizeof id, "%032d", i);
      char latin[32];
      std::snprintf(latin, sizeof latin, "Garage %05d", i);
      char phone[32];
      std::snprintf(phone, sizeof phone, "020-%08d", i);
      const std::string name = NameOf(i);
      (*insert)->Bind(1, id).Bind(2, name).Bind(3, latin).Bind(4, cities[i % 3]).Bind(5, phone);
      ASSERT_TRUE((*insert)->Run().ok());
      (*insert)->Reset();
    }
    ASSERT_TRUE((*txn)->Commit().ok());
  }

  app::ViewModel vm(
      [&path, &clock]() -> Result<std::unique_ptr<app::DataSource>> {
        FB_ASSIGN_OR_RETURN(std::unique_ptr<app::StoreDataSource> ds,
                            app::StoreDataSource::Open(path, clock, nullptr));
        return std::unique_ptr<app::DataSource>(std::move(ds));
      },
      clock);
  ASSERT_TRUE(vm.WaitIdle(300s));
  ASSERT_TRUE(vm.snapshot()->ready) << vm.snapshot()->error;
  ASSERT_EQ(vm.snapshot()->customers->rows.size(), static_cast<size_t>(kCustomers));

  app::HeadlessOptions options;
  options.lang = app::Lang::kChinese;
  auto created = app::HeadlessApp::Create(vm, clock, options);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  app::HeadlessApp& ui = **created;
  ui.Frame();
  ui.Frame();
  // One screen of rows, not 50,000: an 800-pixel window holds a few dozen.
  const size_t submitted = ui.ui().list().rows_submitted;
  EXPECT_GT(submitted, 10u);
  EXPECT_LT(submitted, 60u);
  const std::string first_id = vm.snapshot()->customers->rows.front().id;
  EXPECT_TRUE(ui.Find("list.row:" + first_id));

  // Scroll far down: other rows, still only a screenful.
  ASSERT_TRUE(ui.Scroll("list.row:" + first_id, -50.0f));
  for (int i = 0; i < 20; ++i) ui.Wheel(-50.0f);
  EXPECT_FALSE(ui.Find("list.row:" + first_id));
  EXPECT_LT(ui.ui().list().rows_submitted, 60u);

  // Searching the 50,000 in Chinese.
  app::CustomerFilter filter;
  filter.text = NameOf(12344);  // 鑫达车行12344
  ASSERT_TRUE(vm.intents().Post(app::SetFilter{filter}));
  ASSERT_TRUE(vm.WaitIdle(60s));
  ASSERT_EQ(vm.snapshot()->customers->rows.size(), 1u) << vm.snapshot()->error;
  EXPECT_EQ(vm.snapshot()->customers->rows[0].name, NameOf(12344));
}

}  // namespace
}  // namespace fieldbook::testing
