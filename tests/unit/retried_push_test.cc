// A push goes out as the bytes the replica stored when it made the set (SyncRequest::push_bytes,
// Replica::PreparePushBytes, docs/sync.md "Pushing"): a retry after a lost answer sends the first
// attempt's bytes, byte for byte, even when the device's cursor moved meanwhile or the bytes are
// not what this build's encoder would write, and the hub applies the set once. Edits made while a
// set waits go in the next one. A hub older than wire version 4 gets the set inline; a stored set
// the device can no longer read is packed again. Real replica files, the real SyncEngine and the
// real SyncService in process, 600 garages in sets of 100 and pages of 50. On PostgreSQL every size
// is a fifth (N(): 120 garages in sets of 20, pages of 10): the same sets, pages and exchanges in
// the same proportions, while the SQLite run keeps the full shape (a pushed row costs ~10 round
// trips there, and the scale is the SQLite run's point, not the backend's).
#include <capnp/message.h>
#include <capnp/serialize-packed.h>
#include <gtest/gtest.h>
#include <kj/io.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "api/sync_service.h"
#include "fieldbook/change_set_codec.h"
#include "fieldbook/replica.h"
#include "http/metrics.h"
#include "store/server_store.h"
#include "support/fake_clock.h"
#include "support/server_store_fixture.h"
#include "support/service_transport.h"
#include "support/sync_fixture.h"
#include "support/temp_dir.h"
#include "sync.capnp.h"
#include "sync/sync_engine.h"

namespace fieldbook::server {
namespace {

using fieldbook::testing::Exec;
using fieldbook::testing::FakeWallClock;
using fieldbook::testing::PgScratchSchema;
using fieldbook::testing::QueryValue;
using fieldbook::testing::S;
using fieldbook::testing::ServiceTransport;
using fieldbook::testing::TempDir;
using fieldbook::testing::TestServerStoreLocation;

// The push of a request as it goes on the wire: the stored bytes, or the inline set's encoding.
std::string PushAsSent(const SyncRequest& request) {
  return request.push_bytes.empty() ? EncodeChangeSet(request.push) : request.push_bytes;
}

// The SyncService through the real codec, answering as the device's HTTP transport reports it
// (400 -> kInvalidArgument, another failure -> kUnavailable). Records every push as sent, and
// loses the answer to the `lose_push`-th one (the hub applied it; the device does not hear back).
// With `old_hub`, plays a hub of wire version 3: it cannot read push bytes (it sees a push without
// a set and answers 400) and its answers say version 3.
class DeviceLink final : public client::SyncTransport {
 public:
  explicit DeviceLink(ServiceTransport& to) : to_(to) {}
  Result<SyncResponse> Exchange(const SyncRequest& request) override {
    if (request.has_push) pushed.push_back(PushAsSent(request));
    if (old_hub && !request.push_bytes.empty()) {
      ++refused;
      return Status::InvalidArgument(
          "the server could not read the request: sync request push: schema version 0");
    }
    HttpResponse http = to_.Raw(request);
    if (http.status == 400) return Status::InvalidArgument(http.body);
    if (http.status != 200) return Status::Unavailable(http.body);
    Result<SyncResponse> answer = DecodeSyncResponse(http.body);
    if (request.has_push && static_cast<int>(pushed.size()) == lose_push) {
      return Status::Unavailable("connection reset while reading the answer");
    }
    if (answer.ok() && old_hub) answer->schema_version = 3;
    return answer;
  }
  std::vector<std::string> pushed;
  int lose_push = 0;
  bool old_hub = false;
  int refused = 0;

 private:
  ServiceTransport& to_;
};

class RetriedPushTest : public ::testing::Test {
 protected:
  // A size of the SQLite run's shape, a fifth of it on PostgreSQL (see the top of the file).
  static int N(int n) { return fieldbook::testing::ServerStoresOnPostgres() ? n / 5 : n; }
  static size_t Rows(int n) { return static_cast<size_t>(N(n)); }

  void SetUp() override {
    auto s = ServerStore::Open(TestServerStoreLocation(dir_.File("server.db"), pg_), wall_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    for (const char* rep : {"rep-a", "rep-b"}) {
      auto added = store_->AddRep(NewRep{rep, rep, "rep", "", "", ""});
      ASSERT_TRUE(added.ok()) << added.status().ToString();
      tokens_.push_back(added->second);
    }
    // Garages already on the server, three of rep-a's for one of rep-b's (rep-a's pulls move its
    // device's cursor).
    std::vector<RowWrite> rows;
    for (int c = 0; c < N(400); ++c) {
      const bool theirs = c % 4 == 3;
      rows.push_back(
          RowWrite{"customers",
                   (theirs ? "b" : "s") + std::to_string(1000 + c),
                   {{"name", S("博世服务站")}, {"owner_rep_id", S(theirs ? "rep-b" : "rep-a")}}});
    }
    // New rows through the hub's bulk path (what Write would store, in a few statements).
    auto seeded = store_->WriteBulk(rows, std::vector<bool>(rows.size(), true));
    ASSERT_TRUE(seeded.ok()) << seeded.status().ToString();
    ASSERT_TRUE(seeded->rejections.empty());
    service_ = std::make_unique<SyncService>(*store_, metrics_, wall_);
    to_service_ = std::make_unique<ServiceTransport>(*service_, tokens_[0]);
    options_.page_rows = N(50);
    options_.max_page_rows = N(50);
    options_.prefetch = false;  // the service runs on the test thread
  }

  std::unique_ptr<Replica> OpenDevice(const std::string& name) {
    auto r = Replica::Open(dir_.File(name + ".db"), device_wall_,
                           ReplicaOptions{name, /*max_push_rows=*/Rows(100), std::nullopt});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(*r) : nullptr;
  }

  // `n` new garages of rep-a, written on the device.
  void AddGarages(Replica& device, int from, int n) {
    for (int i = from; i < from + n; ++i) {
      const std::string id = "a" + std::to_string(1000 + i);
      ASSERT_TRUE(Exec(device.db(),
                       "INSERT INTO customers (id, name, owner_rep_id, phone) VALUES (?, ?, ?, ?)",
                       {S(id.c_str()), S("鑫达汽修"), S("rep-a"), S("13800000000")})
                      .ok());
    }
  }

  Result<client::SyncReport> Sync(Replica& device, DeviceLink& link) {
    return client::SyncEngine(device, link, options_).SyncOnce();
  }

  // The hub's latest change sequence (-1 when it cannot be read).
  int64_t Seq() {
    auto seq = store_->hub().LatestSeq();
    EXPECT_TRUE(seq.ok()) << seq.status().ToString();
    return seq.ok() ? static_cast<int64_t>(*seq) : -1;
  }
  int64_t HubCount(const std::string& sql) {
    Value v = QueryValue(store_->sql(), sql);
    return std::holds_alternative<int64_t>(v) ? std::get<int64_t>(v) : -1;
  }

  TempDir dir_;
  FakeWallClock wall_;
  FakeWallClock device_wall_;
  Metrics metrics_;
  std::unique_ptr<PgScratchSchema> pg_;  // PostgreSQL runs only; outlives store_
  std::unique_ptr<ServerStore> store_;
  std::unique_ptr<SyncService> service_;
  std::unique_ptr<ServiceTransport> to_service_;
  std::vector<std::string> tokens_;
  client::SyncOptions options_;
};

TEST_F(RetriedPushTest, ARetryAfterALostAnswerSendsTheStoredBytesAndIsAppliedOnce) {
  auto device = OpenDevice("laptop-a");
  ASSERT_NE(device, nullptr);
  DeviceLink link(*to_service_);
  ASSERT_TRUE(Sync(*device, link).ok());  // a device in use: rep-a's 300 garages, a cursor
  AddGarages(*device, 0, N(600));
  link.lose_push = 3;  // the third set's answer is lost, after the hub applied it
  auto first = Sync(*device, link);
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.status().code(), StatusCode::kUnavailable) << first.status().ToString();
  ASSERT_EQ(link.pushed.size(), 3u);
  const std::string lost = link.pushed[2];
  // What went out is what the replica stored, a set of 100 rows made at the cursor of then.
  EXPECT_TRUE(QueryValue(device->db(), "SELECT body FROM fb_pending_push") == Value(lost));
  auto set = DecodeChangeSet(lost);
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(set->rows.size(), Rows(100));
  const uint64_t cursor_when_made = set->cursor;

  // Another device of the hub's would answer the same bytes with the same answer and change
  // nothing: the set id is in fb_applied_sets with its answer (the hub's push idempotency).
  const int64_t seq_after_first = Seq();
  SyncRequest replay;
  replay.replica_id = "laptop-a";
  replay.has_push = true;
  replay.push_bytes = lost;
  HttpResponse replayed = to_service_->Raw(replay);
  ASSERT_EQ(replayed.status, 200) << replayed.body;
  EXPECT_EQ(Seq(), seq_after_first);
  EXPECT_EQ(HubCount("SELECT count(*) FROM fb_applied_sets WHERE set_id = '" + set->set_id + "'"),
            1);

  // Meanwhile a manager adds a garage for rep-a and the device stores the page that brings it
  // (as a pull-only round does): the cursor moves on while the set waits.
  ASSERT_TRUE(store_
                  ->Write({RowWrite{
                      "customers", "s-new", {{"name", S("新店")}, {"owner_rep_id", S("rep-a")}}}})
                  .ok());
  SyncRequest pull_only;
  pull_only.replica_id = "laptop-a";
  pull_only.pull_cursor = device->cursor();
  pull_only.page_limit = N(50);
  pull_only.snapshot_token = device->snapshot_token();
  pull_only.epoch = device->epoch();
  auto page = to_service_->Exchange(pull_only);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_TRUE(
      device->ApplyPull(page->pull, PullPosition{page->snapshot, page->snapshot_token, page->epoch})
          .ok());
  ASSERT_GT(device->cursor(), cursor_when_made);

  // The retry: the stored bytes, byte for byte, not the set decoded and re-encoded with today's
  // cursor; recognised by the hub, which applies nothing of it again.
  auto second = Sync(*device, link);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  ASSERT_EQ(link.pushed.size(), 7u);  // 3 + the retry + 3 more sets of 100
  EXPECT_TRUE(link.pushed[3] == lost) << "the retry is not the first attempt's bytes";
  EXPECT_EQ(DecodeChangeSet(link.pushed[3])->cursor, cursor_when_made);
  EXPECT_EQ(second->rows_pushed, Rows(400));  // the retried set and the three after it
  EXPECT_EQ(HubCount("SELECT count(*) FROM customers WHERE owner_rep_id = 'rep-a'"),
            N(300) + N(600) + 1);
  EXPECT_EQ(HubCount("SELECT count(*) FROM fb_applied_sets"), 6);
  EXPECT_EQ(QueryValue(device->db(), "SELECT count(*) FROM fb_outbox"), Value(int64_t{0}));
  EXPECT_EQ(QueryValue(device->db(), "SELECT count(*) FROM fb_pending_push"), Value(int64_t{0}));
  EXPECT_EQ(QueryValue(device->db(), "SELECT count(*) FROM customers"),
            Value(int64_t{N(300) + N(600) + 1}));
}

// The bytes another encoder wrote (an older build, other segment sizes) mean the same set but are
// not what this build would write: they go out as stored, so nothing re-encodes them.
TEST_F(RetriedPushTest, AStoredSetGoesOutAsItWasStoredNotReEncoded) {
  auto device = OpenDevice("laptop-a");
  ASSERT_NE(device, nullptr);
  DeviceLink link(*to_service_);
  ASSERT_TRUE(Sync(*device, link).ok());  // it has heard this hub: version 4
  AddGarages(*device, 0, N(150));
  auto made = device->PreparePushBytes();
  ASSERT_TRUE(made.ok() && made->has_value()) << made.status().ToString();
  // The same message copied into tiny segments joined by far pointers.
  kj::ArrayInputStream in(kj::ArrayPtr<const kj::byte>(
      reinterpret_cast<const kj::byte*>((*made)->bytes.data()), (*made)->bytes.size()));
  capnp::PackedMessageReader reader(in);
  capnp::MallocMessageBuilder copy(8, capnp::AllocationStrategy::FIXED_SIZE);
  copy.setRoot(reader.getRoot<wire::ChangeSet>());
  kj::VectorOutputStream out;
  capnp::writePackedMessage(out, copy);
  const std::string other(reinterpret_cast<const char*>(out.getArray().begin()),
                          out.getArray().size());
  ASSERT_FALSE(other == (*made)->bytes);
  ASSERT_TRUE(*DecodeChangeSet(other) == *DecodeChangeSet((*made)->bytes));
  ASSERT_TRUE(
      Exec(device->db(), "UPDATE fb_pending_push SET body = ?", {Value(std::string(other))}).ok());

  auto report = Sync(*device, link);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_EQ(link.pushed.size(), 2u);
  EXPECT_TRUE(link.pushed[0] == other) << "the stored bytes were re-encoded";
  EXPECT_EQ(report->rows_pushed, Rows(150));
  EXPECT_EQ(HubCount("SELECT count(*) FROM customers WHERE id LIKE 'a%'"), N(150));
}

TEST_F(RetriedPushTest, EditsMadeWhileASetWaitsGoInTheNextSet) {
  auto device = OpenDevice("laptop-a");
  ASSERT_NE(device, nullptr);
  AddGarages(*device, 0, N(80));
  DeviceLink link(*to_service_);
  link.lose_push = 1;
  ASSERT_FALSE(Sync(*device, link).ok());
  const std::string lost = link.pushed[0];
  // Offline again: a garage of the waiting set is edited, and new ones are added.
  ASSERT_TRUE(
      Exec(device->db(), "UPDATE customers SET phone = '13911112222' WHERE id = 'a1005'").ok());
  AddGarages(*device, N(80), N(30));
  auto report = Sync(*device, link);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_EQ(link.pushed.size(), 3u);
  EXPECT_TRUE(link.pushed[1] == lost);  // the waiting set first, as it was
  auto next = DecodeChangeSet(link.pushed[2]);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->rows.size(), Rows(30) + 1);  // the edit and the 30 new garages
  EXPECT_EQ(QueryValue(store_->sql(), "SELECT phone FROM customers WHERE id = 'a1005'"),
            S("13911112222"));
  EXPECT_EQ(HubCount("SELECT count(*) FROM customers WHERE id LIKE 'a%'"), N(80) + N(30));
}

// Compatibility: a hub of wire version 3 cannot read push bytes. A device that has not heard a
// version-4 hub sends its sets inline; one that had (the hub was put back to an older build)
// has one request refused, falls back in the same sync, and loses nothing.
TEST_F(RetriedPushTest, AHubOlderThanVersion4GetsTheSetInline) {
  auto device = OpenDevice("laptop-a");
  ASSERT_NE(device, nullptr);
  EXPECT_EQ(device->hub_wire_version(), 0u);
  AddGarages(*device, 0, N(250));
  DeviceLink old_hub(*to_service_);
  old_hub.old_hub = true;
  auto report = Sync(*device, old_hub);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(old_hub.refused, 0);
  EXPECT_EQ(report->rows_pushed, Rows(250));
  EXPECT_EQ(device->hub_wire_version(), 3u);

  // The hub is upgraded: the device learns it from the first answer and sends bytes after it.
  AddGarages(*device, N(250), N(150));
  DeviceLink new_hub(*to_service_);
  new_hub.lose_push = 1;  // the first set went inline, its answer is lost
  ASSERT_FALSE(Sync(*device, new_hub).ok());
  ASSERT_EQ(new_hub.pushed.size(), 1u);
  report = Sync(*device, new_hub);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(device->hub_wire_version(), kWireSchemaVersion);
  ASSERT_EQ(new_hub.pushed.size(), 3u);
  EXPECT_TRUE(new_hub.pushed[1] == new_hub.pushed[0]);  // inline or as bytes, the same set

  // And put back to the old build: one refused request, then inline again, in the same sync.
  AddGarages(*device, N(400), N(40));
  report = Sync(*device, old_hub);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(old_hub.refused, 1);
  EXPECT_EQ(report->rows_pushed, Rows(40));
  EXPECT_EQ(device->hub_wire_version(), 3u);
  EXPECT_EQ(HubCount("SELECT count(*) FROM customers WHERE id LIKE 'a%'"), N(440));
  EXPECT_EQ(QueryValue(device->db(), "SELECT count(*) FROM fb_outbox"), Value(int64_t{0}));
}

// Compatibility the other way: a device of wire version 3 pushes inline to this hub; when it is
// upgraded before it heard the answer, its retry as bytes is recognised as the same set.
TEST_F(RetriedPushTest, AnOlderDevicesSetIsRecognisedWhenItsUpgradeRetriesItAsBytes) {
  auto device = OpenDevice("laptop-a");
  ASSERT_NE(device, nullptr);
  AddGarages(*device, 0, N(60));
  auto set = device->PreparePush();
  ASSERT_TRUE(set.ok() && set->has_value());
  SyncRequest old_request;
  old_request.schema_version = 3;
  old_request.replica_id = "laptop-a";
  old_request.has_push = true;
  old_request.push = **set;
  old_request.push.schema_version = 3;
  HttpResponse answer = to_service_->Raw(old_request);
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(HubCount("SELECT count(*) FROM customers WHERE id LIKE 'a%'"), N(60));
  const int64_t seq = Seq();

  ASSERT_TRUE(device->RecordHubWireVersion(kWireSchemaVersion).ok());
  DeviceLink link(*to_service_);
  auto report = Sync(*device, link);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_EQ(link.pushed.size(), 1u);
  EXPECT_EQ(report->rows_pushed, Rows(60));
  EXPECT_EQ(Seq(), seq);
  EXPECT_EQ(HubCount("SELECT count(*) FROM fb_applied_sets"), 1);
}

// Bytes damaged on the device's disk: the hub refuses them as unreadable; the device cannot read
// them either, so it packs the writes again (still in its outbox) under a new set id.
TEST_F(RetriedPushTest, AStoredSetThatCannotBeReadAnyMoreIsPackedAgain) {
  auto device = OpenDevice("laptop-a");
  ASSERT_NE(device, nullptr);
  AddGarages(*device, 0, N(120));
  ASSERT_TRUE(device->RecordHubWireVersion(kWireSchemaVersion).ok());
  auto made = device->PreparePushBytes();
  ASSERT_TRUE(made.ok() && made->has_value());
  std::string damaged = (*made)->bytes;
  damaged.resize(damaged.size() / 2);
  ASSERT_TRUE(
      Exec(device->db(), "UPDATE fb_pending_push SET body = ?", {Value(std::string(damaged))})
          .ok());
  DeviceLink link(*to_service_);
  auto report = Sync(*device, link);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->rows_pushed, Rows(120));
  EXPECT_TRUE(link.pushed[0] == damaged);
  EXPECT_EQ(HubCount("SELECT count(*) FROM customers WHERE id LIKE 'a%'"), N(120));
  EXPECT_EQ(
      HubCount("SELECT count(*) FROM fb_applied_sets WHERE set_id = '" + (*made)->set_id + "'"), 0);
  EXPECT_EQ(QueryValue(device->db(), "SELECT count(*) FROM fb_outbox"), Value(int64_t{0}));
  EXPECT_TRUE(device->ReviewList()->empty());
}

}  // namespace
}  // namespace fieldbook::server
