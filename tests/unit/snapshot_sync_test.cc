// Snapshots of a rep's scope in one process (docs/sync.md, "Pulling"): the real SyncService
// answering the real SyncEngine on real replica files, with thousands of rows, many reps on the hub
// and small pages; writes, reassignments, history trims and hostile tokens between the pages.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>

#include "api/snapshot_token.h"
#include "api/sync_service.h"
#include "fieldbook/change_set_codec.h"
#include "fieldbook/replica.h"
#include "http/metrics.h"
#include "store/backup.h"
#include "support/service_sync_fixture.h"
#include "support/service_transport.h"
#include "support/sync_fixture.h"

namespace fieldbook::server {
namespace {

using fieldbook::testing::QueryValue;
using fieldbook::testing::S;
using fieldbook::testing::ServiceTransport;

class SnapshotSyncTest : public fieldbook::testing::ServiceSyncFixture {
 protected:
  static constexpr int kCustomersA = 60;
  // Rounds of field work in the hub's history: 20; on PostgreSQL 5 (rep-a's ~600 rows rather than
  // ~1,650: still a dozen snapshot pages of 50, past every page the tests act between; the SQLite
  // run keeps the larger history).
  static int Rounds() { return fieldbook::testing::ServerStoresOnPostgres() ? 5 : 20; }

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenStore());
    for (const char* rep : {"rep-a", "rep-b", "rep-c", "rep-d"}) {
      auto added = store_->AddRep(NewRep{rep, rep, "rep", "", "", ""});
      ASSERT_TRUE(added.ok());
      tokens_[rep] = added->second;
    }
    // rep-a holds 60 garages, the others 40 each; each garage has 2 contacts, 20 visits and 5
    // orders (Rounds(): 5 and 2 on PostgreSQL): about 1,650 rows for rep-a and 4,000 for the
    // others, interleaved in the hub's history as field work is.
    std::vector<RowWrite> rows;
    for (int c = 0; c < kCustomersA + 120; ++c) {
      const std::string id = "c" + std::to_string(1000 + c * 7 % 997);
      const char* owner = c < kCustomersA ? "rep-a"
                          : c % 3 == 0    ? "rep-b"
                          : c % 3 == 1    ? "rep-c"
                                          : "rep-d";
      rows.push_back(RowWrite{
          "customers", id, {{"name", S(("鑫达 " + id).c_str())}, {"owner_rep_id", S(owner)}}});
      for (int k = 0; k < 2; ++k) {
        rows.push_back(RowWrite{"contacts",
                                "k" + id + "-" + std::to_string(k),
                                {{"customer_id", S(id.c_str())}, {"name", S("王")}}});
      }
    }
    ASSERT_NO_FATAL_FAILURE(Seed(rows));
    for (int round = 0; round < Rounds(); ++round) {
      rows.clear();
      for (int c = 0; c < kCustomersA + 120; ++c) {
        const std::string id = "c" + std::to_string(1000 + c * 7 % 997);
        rows.push_back(RowWrite{"visits",
                                "v" + id + "-" + std::to_string(round),
                                {{"customer_id", S(id.c_str())}, {"notes", S("换刹车片")}}});
        if (round % 4 == 0) {
          rows.push_back(
              RowWrite{"orders",
                       "o" + id + "-" + std::to_string(round),
                       {{"customer_id", S(id.c_str())}, {"amount_cents", int64_t{12000}}}});
        }
      }
      ASSERT_NO_FATAL_FAILURE(Seed(rows));
    }
    StartService();
  }
  static size_t Lines(const std::string& text) {
    return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
  }
  void Edit(const std::string& table, const std::string& id, const std::string& column,
            const Value& value) {
    ASSERT_TRUE(store_->Write({RowWrite{table, id, {{column, value}}}}).ok());
  }

  // Stops the service, restores server.db from `backup` (as `fieldbook-server restore --force`)
  // and serves it again.
  void RestoreFrom(const std::string& backup) {
    service_.reset();
    store_.reset();
    RestoreOptions force;
    force.force = true;
    auto restored = RestoreBackup(backup, dir_.File("server.db"), force, wall_);
    ASSERT_TRUE(restored.ok()) << restored.status().ToString();
    ASSERT_NO_FATAL_FAILURE(OpenStore());
    StartService();
  }

  std::map<std::string, std::string> tokens_;
};

// The restore tests: backup and restore copy server.db, SQLite's by nature (PostgreSQL's pg_restore
// + new-epoch: tests/postgres/serve_postgres_test.cc ARestoredDumpThenNewEpoch...). On PostgreSQL
// they skip before the fixture writes its 5,000 rows (they used to skip after it, 40-63 s of set-up
// under load for nothing), and ctest does not register them there (tests/unit/CMakeLists.txt).
class SnapshotRestoreTest : public SnapshotSyncTest {
 protected:
  void SetUp() override {
    FB_SKIP_UNIT_ON_POSTGRES(
        "backup and restore copy server.db (PostgreSQL's pg_restore + new-epoch: "
        "tests/postgres/serve_postgres_test.cc ARestoredDumpThenNewEpoch...)");
    SnapshotSyncTest::SetUp();
  }
};

TEST_F(SnapshotSyncTest, AFirstSyncIsASnapshotPagedByTheRepsOwnRows) {
  auto device = OpenDevice("a-1");
  ServiceTransport transport(*service_, tokens_["rep-a"]);
  auto report = SyncDevice(*device, transport);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  const std::string expected = ServerExport("rep-a");
  EXPECT_EQ(DeviceExport(*device), expected);
  // Every row once, in pages of the rep's own rows: the other reps' 4,000 rows cost nothing.
  EXPECT_EQ(report->rows_received, Lines(expected));
  EXPECT_LE(transport.snapshot_pages, static_cast<int>(Lines(expected) / 50 + 2));
  EXPECT_EQ(device->snapshot_token(), "");
  EXPECT_EQ(device->cursor(), *store_->hub().LatestSeq());
  EXPECT_NE(device->epoch(), 0u);
  EXPECT_EQ(device->epoch(), *store_->Epoch());

  // Steady state: one exchange, nothing received.
  transport.exchanges = 0;
  auto again = SyncDevice(*device, transport);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(transport.exchanges, 1);
  EXPECT_EQ(again->rows_received, 0u);
}

TEST_F(SnapshotSyncTest, WorkDoneDuringTheSnapshotArrivesAndNothingIsLeftOver) {
  auto device = OpenDevice("a-1");
  ServiceTransport transport(*service_, tokens_["rep-a"]);
  // The first garage in id order is sent early, the last one late; the work lands after page 4.
  auto scope = store_->ScopeOf("rep-a");
  ASSERT_TRUE(scope.ok());
  std::vector<std::string> mine(scope->begin(), scope->end());
  std::sort(mine.begin(), mine.end());
  const std::string early = mine.front(), late = mine.back();
  std::string theirs;
  for (int c = kCustomersA; theirs.empty(); ++c) {
    const std::string id = "c" + std::to_string(1000 + c * 7 % 997);
    if (store_->ScopeOf("rep-b")->count(id) > 0) theirs = id;
  }
  transport.between = [&](int n) {
    if (n != 4) return;
    Edit("customers", early, "notes", S("早"));
    Edit("customers", late, "notes", S("晚"));
    Edit("contacts", "k" + early + "-0", "deleted", int64_t{1});
    ASSERT_TRUE(store_->ReassignCustomer(mine[1], "rep-b", "test").ok());  // sent, then moved away
    ASSERT_TRUE(store_->ReassignCustomer(theirs, "rep-a", "test").ok());   // arrives with history
    ASSERT_TRUE(store_
                    ->Write({RowWrite{
                        "customers", "c-new", {{"name", S("新店")}, {"owner_rep_id", S("rep-a")}}}})
                    .ok());
  };
  auto report = SyncDevice(*device, transport);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  const std::string expected = ServerExport("rep-a");
  EXPECT_NE(expected.find("晚"), std::string::npos);
  EXPECT_NE(expected.find(theirs), std::string::npos);
  EXPECT_EQ(expected.find("\"" + mine[1] + "\""), std::string::npos);
  EXPECT_EQ(DeviceExport(*device), expected);
  EXPECT_FALSE(report->rebuilt);
}

TEST_F(SnapshotSyncTest, AFloorThatOvertakesARunningSnapshotRestartsItOnceAndItFinishes) {
  auto device = OpenDevice("a-1");
  ServiceTransport transport(*service_, tokens_["rep-a"]);
  transport.between = [&](int n) {
    if (n != 5) return;
    Edit("customers", "c1000", "notes", S("trimmed"));  // the sequence moves past S
    auto latest = store_->hub().LatestSeq();
    ASSERT_TRUE(latest.ok());
    ASSERT_TRUE(store_->TrimHistory(*latest, 0).ok());
  };
  auto report = SyncDevice(*device, transport);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->rebuilt);
  const std::string expected = ServerExport("rep-a");
  EXPECT_EQ(DeviceExport(*device), expected);
  // One restart: at most two snapshots' worth of pages.
  EXPECT_LE(transport.snapshot_pages, static_cast<int>(2 * (Lines(expected) / 50 + 2)));

  // A floor above the latest sequence moves the sequence with it: a snapshot can always finish.
  auto latest = store_->hub().LatestSeq();
  ASSERT_TRUE(store_->TrimHistory(*latest + 500, 0).ok());
  EXPECT_GE(*store_->hub().LatestSeq(), *latest + 500);
  auto fresh = OpenDevice("a-2");
  auto second = SyncDevice(*fresh, transport);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_FALSE(second->rebuilt);
  EXPECT_EQ(DeviceExport(*fresh), expected);
  auto rebuilt = SyncDevice(*device, transport);  // behind the new floor
  ASSERT_TRUE(rebuilt.ok());
  EXPECT_TRUE(rebuilt->rebuilt);
  EXPECT_EQ(DeviceExport(*device), expected);
}

// A transport that dies after `budget` exchanges, as a device killed mid-sync.
class CutTransport final : public client::SyncTransport {
 public:
  CutTransport(ServiceTransport& inner, int budget) : inner_(inner), budget_(budget) {}
  Result<SyncResponse> Exchange(const SyncRequest& request) override {
    if (budget_-- <= 0) return Status::Unavailable("the device was killed");
    return inner_.Exchange(request);
  }

 private:
  ServiceTransport& inner_;
  int budget_;
};

// Restores (docs/sync.md, "What a restore can give back"): the server is restored from a backup
// taken before two edits of rep-a's phone were acknowledged, while that phone is rebuilding after a
// history trim and has so far received only the first snapshot page back. The phone sends again
// the edit that page returned (its own write, with its own version), and it merges; the other edit
// is on no device as its own write any more -- the phone had been emptied for the rebuild, and the
// tablet that pulled it keeps it as the phone's write, which it never sends in the phone's name --
// so it is lost with the restore. The property test checks the same boundary at random moments.
TEST_F(SnapshotRestoreTest, ARestoreGetsBackTheEditsADeviceHoldsAsItsOwnAndNoOthers) {
  auto phone = OpenDevice("a-phone");
  auto tablet = OpenDevice("a-tablet");
  ServiceTransport transport(*service_, tokens_["rep-a"]);
  ASSERT_TRUE(SyncDevice(*phone, transport).ok());
  ASSERT_TRUE(SyncDevice(*tablet, transport).ok());
  // rep-a's first and last customers in id order: the snapshot sends them in its first and its
  // second page (customers come first, 50 rows a page, and rep-a has 60).
  const std::vector<std::string> ids = [&] {
    std::vector<std::string> out;
    auto stmt = phone->db().Prepare("SELECT id FROM customers ORDER BY id");
    EXPECT_TRUE(stmt.ok());
    while (stmt.ok() && *(*stmt)->Step()) out.push_back((*stmt)->Text(0));
    return out;
  }();
  ASSERT_EQ(ids.size(), static_cast<size_t>(kCustomersA));
  const std::string first = ids.front(), last = ids.back();
  auto backup =
      WriteBackup(dir_.File("server.db"), BackupOptions{dir_.File("backups"), 2}, wall_.NowMs());
  ASSERT_TRUE(backup.ok()) << backup.status().ToString();
  wall_.Advance(1000);
  for (const std::string& id : {first, last}) {
    ASSERT_TRUE(fieldbook::testing::Exec(phone->db(),
                                         "UPDATE customers SET notes = '备份后' WHERE id = ?",
                                         {S(id.c_str())})
                    .ok());
  }
  ASSERT_TRUE(SyncDevice(*phone, transport).ok());
  ASSERT_TRUE(SyncDevice(*tablet, transport).ok());
  auto notes = [&](auto& db, const std::string& id) {
    return QueryValue(db, "SELECT notes FROM customers WHERE id = ?", {S(id.c_str())});
  };
  ASSERT_EQ(notes(tablet->db(), last), S("备份后"));

  // History trimmed past the phone's cursor: it rebuilds and is killed after the first snapshot
  // page.
  Edit("customers", ids[1], "phone", S("020-8888-6666"));
  auto latest = store_->hub().LatestSeq();
  ASSERT_TRUE(latest.ok());
  ASSERT_TRUE(store_->TrimHistory(*latest, 0).ok());
  CutTransport dying(transport, 2);  // the rebuild answer, then one page
  EXPECT_FALSE(SyncDevice(*phone, dying).ok());
  ASSERT_EQ(notes(phone->db(), first), S("备份后"));  // back from the first page
  ASSERT_EQ(notes(phone->db(), last), Value());       // not yet received

  // The server is restored from the backup.
  ASSERT_NO_FATAL_FAILURE(RestoreFrom(backup->file));
  ServiceTransport after(*service_, tokens_["rep-a"]);
  ASSERT_NE(notes(store_->sql(), first), S("备份后"));

  auto tablet_sync = SyncDevice(*tablet, after);
  ASSERT_TRUE(tablet_sync.ok()) << tablet_sync.status().ToString();
  EXPECT_TRUE(tablet_sync->server_restored);
  EXPECT_EQ(tablet_sync->rows_repushed, 0u);  // it holds only the phone's writes
  auto phone_sync = SyncDevice(*phone, after);
  ASSERT_TRUE(phone_sync.ok()) << phone_sync.status().ToString();
  EXPECT_TRUE(phone_sync->server_restored);
  EXPECT_TRUE(phone_sync->rebuilt);
  EXPECT_EQ(phone_sync->rows_repushed, 1u);
  EXPECT_EQ(notes(store_->sql(), first), S("备份后"));  // sent again, merged
  EXPECT_NE(notes(store_->sql(), last), S("备份后"));   // held by no device as its own
  ASSERT_TRUE(SyncDevice(*tablet, after).ok());
  const std::string expected = ServerExport("rep-a");
  EXPECT_EQ(DeviceExport(*phone), expected);
  EXPECT_EQ(DeviceExport(*tablet), expected);
}

// A second restore while a device is still recovering from the first (the property test's seed
// 19): the device had sent some of its writes again -- the first restored server acknowledged them
// -- and was stopped before it finished and rebuilt. The second restore loses those again, so the
// device must send them once more although it was already waiting to rebuild; it used to skip that
// and rebuild at once, losing them.
TEST_F(SnapshotRestoreTest, ASecondRestoreDuringTheRecoveryFromTheFirstLosesNothingTheDeviceHolds) {
  ReplicaOptions small;
  small.replica_id = "a-phone";
  small.max_push_rows = 1;  // one row a push, so that the recovery takes several exchanges
  auto opened = Replica::Open(dir_.File("a-phone.db"), wall_, small);
  ASSERT_TRUE(opened.ok());
  Replica& phone = **opened;
  ServiceTransport transport(*service_, tokens_["rep-a"]);
  ASSERT_TRUE(SyncDevice(phone, transport).ok());
  auto backup =
      WriteBackup(dir_.File("server.db"), BackupOptions{dir_.File("backups"), 2}, wall_.NowMs());
  ASSERT_TRUE(backup.ok()) << backup.status().ToString();
  wall_.Advance(1000);
  std::vector<std::string> ids;
  {
    auto stmt = phone.db().Prepare("SELECT id FROM customers ORDER BY id LIMIT 3");
    ASSERT_TRUE(stmt.ok());
    while (*(*stmt)->Step()) ids.push_back((*stmt)->Text(0));
  }
  ASSERT_EQ(ids.size(), 3u);
  for (const std::string& id : ids) {
    ASSERT_TRUE(fieldbook::testing::Exec(phone.db(),
                                         "UPDATE customers SET notes = '两次恢复' WHERE id = ?",
                                         {S(id.c_str())})
                    .ok());
  }
  ASSERT_TRUE(SyncDevice(phone, transport).ok());
  auto notes_at_server = [&](const std::string& id) {
    return QueryValue(store_->sql(), "SELECT notes FROM customers WHERE id = ?", {S(id.c_str())});
  };
  ASSERT_EQ(notes_at_server(ids[0]), S("两次恢复"));

  ASSERT_NO_FATAL_FAILURE(RestoreFrom(backup->file));
  {
    // The answer "restored", then the first of the three writes sent again; then the phone dies.
    ServiceTransport first(*service_, tokens_["rep-a"]);
    CutTransport dying(first, 2);
    auto cut = SyncDevice(phone, dying);
    EXPECT_FALSE(cut.ok());
    EXPECT_TRUE(phone.rebuild_wanted());
    EXPECT_EQ(*phone.PendingWriteCount(), 2);
  }
  ASSERT_NO_FATAL_FAILURE(RestoreFrom(backup->file));
  ServiceTransport second(*service_, tokens_["rep-a"]);
  auto report = SyncDevice(phone, second);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->server_restored);
  EXPECT_TRUE(report->rebuilt);
  for (const std::string& id : ids) EXPECT_EQ(notes_at_server(id), S("两次恢复")) << id;
  EXPECT_EQ(DeviceExport(phone), ServerExport("rep-a"));
}

TEST_F(SnapshotSyncTest, ReadOnlyPagesWriteNothingDurable) {
  auto device = OpenDevice("a-1");
  ServiceTransport transport(*service_, tokens_["rep-a"]);
  // Another connection sees data_version change only when someone commits a write (SQLite's
  // own counter; on PostgreSQL only the recorded sync is checked).
  std::unique_ptr<Db> watcher;
  if (!fieldbook::testing::ServerStoresOnPostgres()) {
    auto opened = Db::Open(dir_.File("server.db"));
    ASSERT_TRUE(opened.ok());
    watcher = std::move(*opened);
  }
  auto version = [&] {
    return watcher ? std::get<int64_t>(QueryValue(*watcher, "PRAGMA data_version")) : 0;
  };
  auto synced = [&] {
    return QueryValue(store_->sql(),
                      "SELECT last_sync_ms FROM srv_rep_sync WHERE rep_id = 'rep-a'");
  };
  ASSERT_TRUE(SyncDevice(*device, transport).ok());  // the day's first sync is recorded
  const Value first = synced();
  ASSERT_TRUE(std::holds_alternative<int64_t>(first));
  const int64_t before = version();
  wall_.Advance(3600 * 1000);
  auto fresh = OpenDevice("a-2");  // a whole snapshot, and incremental pulls
  ASSERT_TRUE(SyncDevice(*fresh, transport).ok());
  ASSERT_TRUE(SyncDevice(*device, transport).ok());
  EXPECT_EQ(version(), before);
  EXPECT_EQ(synced(), first);
  // The next UTC day's first sync is recorded again (the pool's offline-work rule counts days).
  wall_.Advance(24 * 3600 * 1000);
  ASSERT_TRUE(SyncDevice(*device, transport).ok());
  if (watcher) EXPECT_NE(version(), before);
  EXPECT_GT(std::get<int64_t>(synced()), std::get<int64_t>(first));
}

TEST_F(SnapshotSyncTest, HostileSnapshotTokensAreRefusedOrRestarted) {
  ServiceTransport transport(*service_, tokens_["rep-a"]);
  const uint64_t epoch = *store_->Epoch();
  auto ask = [&](const std::string& token, uint64_t request_epoch) {
    SyncRequest r;
    r.replica_id = "device-x";
    r.snapshot_token = token;
    r.epoch = request_epoch;
    r.page_limit = 10;
    return transport.Raw(r);
  };
  // A genuine first page and its token.
  HttpResponse first = ask("", 0);
  ASSERT_EQ(first.status, 200);
  auto page = DecodeSyncResponse(first.body);
  ASSERT_TRUE(page.ok());
  ASSERT_TRUE(page->snapshot);
  ASSERT_FALSE(page->snapshot_token.empty());
  EXPECT_EQ(page->epoch, epoch);
  EXPECT_EQ(page->pull.rows.size(), 10u);
  auto parsed = ParseSnapshotToken(page->snapshot_token, store_->hub().catalog().tables().size());
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(EncodeSnapshotToken(*parsed), page->snapshot_token);

  for (const std::string& bad :
       {std::string("garbage"), std::string("s1:"), std::string("s1:1:2:99:0:"),
        std::string("s1:1:2:0:999:x"), std::string("s1:01:2:0:0:"), std::string("s1:1:2:-1:1:xy"),
        "s1:" + std::to_string(epoch) + ":18446744073709551616:0:0:", std::string("s1:0:2:0:0:"),
        "s1:" + std::to_string(epoch) + ":5:0:0:" + std::string(200, 'x')}) {
    HttpResponse r = ask(bad, epoch);
    EXPECT_EQ(r.status, 400) << bad << " -> " << r.body;
  }
  // Too long for the decoder.
  EXPECT_EQ(ask(std::string(kMaxSnapshotTokenBytes + 1, 'x'), epoch).status, 413);

  // Well formed, but from before the floor, from the future, or from another epoch: start again.
  SnapshotToken stale = *parsed;
  stale.position.seq = *store_->hub().LatestSeq() + 10;
  auto future = DecodeSyncResponse(ask(EncodeSnapshotToken(stale), epoch).body);
  ASSERT_TRUE(future.ok());
  EXPECT_TRUE(future->rebuild);
  EXPECT_FALSE(future->restored);
  stale = *parsed;
  stale.epoch = epoch + 1;
  auto other = DecodeSyncResponse(ask(EncodeSnapshotToken(stale), epoch).body);
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE(other->rebuild);
  // The device's own epoch differs from the hub's: the hub was restored.
  auto restored = DecodeSyncResponse(ask(page->snapshot_token, epoch + 1).body);
  ASSERT_TRUE(restored.ok());
  EXPECT_TRUE(restored->rebuild);
  EXPECT_TRUE(restored->restored);
  // A token for another rep's position only ever yields this rep's rows.
  SnapshotToken elsewhere = *parsed;
  elsewhere.position.table = 2;  // customers
  elsewhere.position.customer = "";
  auto mine = DecodeSyncResponse(ask(EncodeSnapshotToken(elsewhere), epoch).body);
  ASSERT_TRUE(mine.ok());
  auto scope = store_->ScopeOf("rep-a");
  for (const RowChange& row : mine->pull.rows) {
    if (row.table == "customers") {
      EXPECT_EQ(scope->count(row.row_id), 1u) << row.row_id;
    }
  }
}

TEST(SnapshotWireTest, TheNewFieldsRoundTripAndAreRangeChecked) {
  SyncRequest request;
  request.replica_id = "device-x";
  request.snapshot_token = "s1:7:42:3:4:c100k1";
  request.epoch = 7;
  auto decoded = DecodeSyncRequest(EncodeSyncRequest(request));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, request);

  SyncResponse response;
  response.snapshot = true;
  response.snapshot_token = request.snapshot_token;
  response.epoch = 7;
  response.restored = true;
  response.rebuild = true;
  auto back = DecodeSyncResponse(EncodeSyncResponse(response));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, response);

  request.snapshot_token = std::string("s1:\0", 4);
  EXPECT_EQ(DecodeSyncRequest(EncodeSyncRequest(request)).status().code(), StatusCode::kCorrupt);
  request.snapshot_token = "\xff\xfe";
  EXPECT_EQ(DecodeSyncRequest(EncodeSyncRequest(request)).status().code(), StatusCode::kCorrupt);
  request.snapshot_token = std::string(kMaxSnapshotTokenBytes + 1, 'a');
  EXPECT_EQ(DecodeSyncRequest(EncodeSyncRequest(request)).status().code(),
            StatusCode::kResourceExhausted);
  response.snapshot = false;  // a token without a snapshot page
  EXPECT_EQ(DecodeSyncResponse(EncodeSyncResponse(response)).status().code(), StatusCode::kCorrupt);
}

}  // namespace
}  // namespace fieldbook::server
