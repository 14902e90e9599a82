// ClientStore: opening the replica file (private, settings kept) and the device's status.
#include "store/client_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "fieldbook/hub.h"
#include "lang/store_errors.h"
#include "store/replica_health.h"
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

// A replica that cannot be opened or its folder made: the operating system's reason in the rep's
// language (English until session 15: "无法打开本地数据 ...：No such file or directory").
TEST(ClientStoreOsErrorTest, AFileTheSystemRefusesIsToldInTheRepsLanguage) {
  FakeWallClock wall;
  auto opened = ClientStore::Open("/proc/fieldbook-none/replica.db", wall);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().message(),
            "cannot open the replica /proc/fieldbook-none/replica.db: No such file or directory");
  EXPECT_EQ(client::RenderError(Lang::kChinese, opened.status()),
            "无法打开本地数据 /proc/fieldbook-none/replica.db：没有那个文件或文件夹");
  auto folder = client::ReplicaPath("/proc/fieldbook-none/replica.db", /*create_folder=*/true);
  ASSERT_FALSE(folder.ok());
  EXPECT_EQ(client::RenderError(Lang::kChinese, folder.status()),
            "无法创建 /proc/fieldbook-none：没有那个文件或文件夹");
  // An error the table does not know stays in the system's words.
  EXPECT_EQ(client::OsReason(std::make_error_code(std::errc::too_many_links)),
            std::make_error_code(std::errc::too_many_links).message());
}

// The rarer errors a rep can meet on the replica itself, in SQLite's words (another program holding
// it locked, a full disk, a file that cannot be written), read in the rep's language with nothing
// lost (English until session 16: "无法打开本地数据 r.db：database is locked"); the English stays.
TEST_F(ClientStoreTest, ALockedFullOrReadOnlyReplicaIsToldInTheRepsLanguage) {
  const std::string kept = AddCustomer({{"name", "鑫达汽修"}});
  Db& db = store_->replica().db();
  const auto said = [](const Status& s) { return client::RenderError(Lang::kChinese, s); };

  auto other = Db::Open(path_);  // another program holding the replica
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  ASSERT_TRUE(db.ExecScript("PRAGMA busy_timeout = 0").ok());
  ASSERT_TRUE((*other)->ExecScript("BEGIN EXCLUSIVE").ok());
  auto locked = store_->customers().Add({{"name", "宏图汽配"}});
  ASSERT_FALSE(locked.ok());
  EXPECT_TRUE(locked.status().message().ends_with("database is locked"))
      << locked.status().message();
  EXPECT_EQ(said(locked.status()), "本地数据正被另一个程序使用（已锁定）；请关闭它或稍后再试");
  ASSERT_TRUE((*other)->ExecScript("ROLLBACK").ok());
  other->reset();
  // A lock that stops even a read stops the quick check before a push and `status`: told locked,
  // not damaged ("err_replica_damaged" before). Made here with a rollback-journal file held in a
  // write (in WAL mode a reader is stopped only by a program in exclusive locking mode).
  ASSERT_TRUE(db.ExecScript("PRAGMA journal_mode = DELETE").ok());
  DbOptions rollback;
  rollback.wal = false;
  other = Db::Open(path_, rollback);
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  ASSERT_TRUE((*other)->ExecScript("BEGIN EXCLUSIVE").ok());
  const Status check = client::QuickCheckReplica(db);
  EXPECT_EQ(check.code(), StatusCode::kUnavailable) << check.ToString();
  EXPECT_EQ(said(check), "本地数据正被另一个程序使用（已锁定）；请关闭它或稍后再试");
  ASSERT_TRUE((*other)->ExecScript("COMMIT").ok());
  other->reset();
  EXPECT_TRUE(client::QuickCheckReplica(db).ok());
  ASSERT_TRUE(db.ExecScript("PRAGMA journal_mode = WAL").ok());

  ASSERT_TRUE(db.ExecScript("PRAGMA max_page_count = 1").ok());  // no page more than it has
  auto full = store_->customers().Add({{"name", "宏图汽配"}, {"notes", std::string(200000, 'x')}});
  ASSERT_FALSE(full.ok());
  EXPECT_TRUE(full.status().message().ends_with("database or disk is full"))
      << full.status().message();
  EXPECT_EQ(said(full.status()), "磁盘空间已满，无法写入本地数据");
  ASSERT_TRUE(db.ExecScript("PRAGMA max_page_count = 1073741823").ok());

  ASSERT_TRUE(db.ExecScript("PRAGMA query_only = 1").ok());  // as a file that cannot be written
  auto read_only = store_->customers().Add({{"name", "宏图汽配"}});
  ASSERT_FALSE(read_only.ok());
  EXPECT_EQ(said(read_only.status()), "本地数据是只读的，无法写入（请检查文件的权限）")
      << read_only.status().message();
  ASSERT_TRUE(db.ExecScript("PRAGMA query_only = 0").ok());

  // Nothing was lost: the one customer, and the store writes again.
  auto listed = store_->customers().List({});
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].id, kept);
  EXPECT_TRUE(store_->customers().Add({{"name", "宏图汽配"}}).ok());
  // Another status without a phrase stays as it is.
  EXPECT_EQ(said(Status::Io("step: no such table: x")), "step: no such table: x");
}

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

}  // namespace
}  // namespace fieldbook::testing
