// SyncEngine against an in-process hub through the real wire codec: pages, pushes, the prefetch
// of the next page while one is stored, failures mid-pull and the page observer.
#include "sync/sync_engine.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <thread>

#include "fieldbook/canonical_export.h"
#include "fieldbook/change_set_codec.h"
#include "fieldbook/hub.h"
#include "support/fake_clock.h"
#include "support/sync_fixture.h"
#include "support/temp_dir.h"

namespace fieldbook::testing {
namespace {

// What the engine asked for, in order.
struct SentRequest {
  uint64_t cursor = 0;
  uint32_t page_limit = 0;
  bool has_push = false;
  std::thread::id thread;
};

// The hub behind the transport interface, recording every request. Fails the n-th request
// (1-based) when fail_at is set, and checks that requests never overlap.
class RecordingTransport final : public client::SyncTransport {
 public:
  explicit RecordingTransport(Hub& hub) : hub_(hub) {}

  Result<SyncResponse> Exchange(const SyncRequest& request) override {
    if (in_flight_.fetch_add(1) != 0) overlapped_ = true;
    Result<SyncResponse> r = Answer(request);
    in_flight_.fetch_sub(1);
    return r;
  }

  std::vector<SentRequest> Sent() {
    std::lock_guard<std::mutex> lock(mu_);
    return sent_;
  }
  bool overlapped() const { return overlapped_; }
  void FailAt(int n) {
    std::lock_guard<std::mutex> lock(mu_);
    fail_at_ = static_cast<int>(sent_.size()) + n;
  }
  // The n-th request from now takes `how_long` before it is answered.
  void SlowAt(int n, std::chrono::milliseconds how_long) {
    std::lock_guard<std::mutex> lock(mu_);
    slow_at_ = static_cast<int>(sent_.size()) + n;
    slow_for_ = how_long;
  }

 private:
  Result<SyncResponse> Answer(const SyncRequest& request) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      sent_.push_back(SentRequest{request.pull_cursor, request.page_limit, request.has_push,
                                  std::this_thread::get_id()});
      if (static_cast<int>(sent_.size()) == slow_at_) std::this_thread::sleep_for(slow_for_);
      if (static_cast<int>(sent_.size()) == fail_at_) {
        return Status::Unavailable("cannot reach the server: connection reset");
      }
    }
    FB_ASSIGN_OR_RETURN(SyncRequest wire, DecodeSyncRequest(EncodeSyncRequest(request)));
    SyncResponse response;
    if (wire.has_push) {
      FB_ASSIGN_OR_RETURN(response.push_result, hub_.ApplyPush(wire.push));
      response.has_push_result = true;
    }
    FB_ASSIGN_OR_RETURN(PullPage page, hub_.Pull(wire.pull_cursor, wire.page_limit));
    response.pull = std::move(page.changes);
    response.more = page.more;
    response.hub_time_ms = FakeWallClock::kDefaultStartMs;
    return DecodeSyncResponse(EncodeSyncResponse(response));
  }

  Hub& hub_;
  std::mutex mu_;
  std::vector<SentRequest> sent_;
  int fail_at_ = 0;
  int slow_at_ = 0;
  std::chrono::milliseconds slow_for_{0};
  std::atomic<int> in_flight_{0};
  std::atomic<bool> overlapped_{false};
};

// Counts stored pages; checks each is committed (the cursor has moved) when it is reported.
class CountingObserver final : public client::PullObserver {
 public:
  explicit CountingObserver(Replica& replica) : replica_(replica) {}
  Status PageStored(const PullStats& stats) override {
    ++pages;
    rows += stats.rows_received;
    if (replica_.cursor() != stats.cursor) cursor_mismatch = true;
    if (pages == fail_at_page) return Status::Io("disk full while indexing");
    return Status::Ok();
  }
  int pages = 0;
  size_t rows = 0;
  int fail_at_page = 0;
  bool cursor_mismatch = false;

 private:
  Replica& replica_;
};

class SyncEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto hub = Hub::Open(dir_.File("hub.db"), hub_wall_);
    ASSERT_TRUE(hub.ok()) << hub.status().ToString();
    hub_ = std::move(*hub);
    // 30 customers with two visits each: 90 rows.
    for (int c = 0; c < 30; ++c) {
      const std::string id = "cust" + std::to_string(100 + c);
      ASSERT_TRUE(hub_->Write("customers", id, {{"name", S(("鑫达汽修 " + id).c_str())}}).ok());
      for (int v = 0; v < 2; ++v) {
        ASSERT_TRUE(hub_->Write("visits", id + "-v" + std::to_string(v),
                                {{"customer_id", Value(id)}, {"notes", S("brake pads")}})
                        .ok());
      }
    }
  }

  std::unique_ptr<Replica> OpenReplica(const std::string& name, size_t max_push_rows = 2000) {
    auto r = Replica::Open(dir_.File(name + ".db"), wall_,
                           ReplicaOptions{name, max_push_rows, std::nullopt});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(*r) : nullptr;
  }

  std::string Export(Db& db, const Catalog& catalog) {
    auto e = CanonicalExport(db, catalog);
    EXPECT_TRUE(e.ok()) << e.status().ToString();
    return e.ok() ? *e : "";
  }

  TempDir dir_;
  FakeWallClock wall_;
  FakeWallClock hub_wall_;  // the hub's own, as it runs on the prefetch thread too
  std::unique_ptr<Hub> hub_;
};

TEST_F(SyncEngineTest, PrefetchingPullsEveryPageOnceInOrderAndStoresTheSameRows) {
  auto with = OpenReplica("with");
  auto without = OpenReplica("without");
  RecordingTransport t_with(*hub_);
  RecordingTransport t_without(*hub_);
  client::SyncOptions options{7, 1000};
  options.max_page_rows = 7;  // pages of 7 throughout
  options.prefetch = true;
  auto a = client::SyncEngine(*with, t_with, options).SyncOnce();
  options.prefetch = false;
  auto b = client::SyncEngine(*without, t_without, options).SyncOnce();
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(b.ok()) << b.status().ToString();

  EXPECT_EQ(a->rows_received, 90u);
  EXPECT_EQ(a->pages, 13u);  // 90 rows in pages of 7
  EXPECT_EQ(a->round_trips, 13);
  EXPECT_EQ(a->pages, b->pages);
  EXPECT_EQ(a->cursor, b->cursor);
  EXPECT_EQ(Export(with->db(), with->catalog()), Export(hub_->db(), hub_->catalog()));
  EXPECT_EQ(Export(with->db(), with->catalog()), Export(without->db(), without->catalog()));

  // Every page was asked for exactly once, with cursors only moving forward, and never two
  // requests at a time; the prefetches ran on a helper thread.
  const auto sent = t_with.Sent();
  ASSERT_EQ(sent.size(), 13u);
  for (size_t i = 1; i < sent.size(); ++i) EXPECT_GT(sent[i].cursor, sent[i - 1].cursor);
  EXPECT_FALSE(t_with.overlapped());
  size_t off_thread = 0;
  for (const SentRequest& s : sent) off_thread += s.thread != std::this_thread::get_id();
  EXPECT_EQ(off_thread, 12u);
  for (const SentRequest& s : t_without.Sent()) EXPECT_EQ(s.thread, std::this_thread::get_id());
}

TEST_F(SyncEngineTest, PagesGrowWhileRoundTripsAreQuickAndShrinkAfterASlowOne) {
  auto replica = OpenReplica("adaptive");
  RecordingTransport transport(*hub_);
  client::SyncOptions options{5, 1000};
  options.max_page_rows = 20;
  options.grow_below = std::chrono::milliseconds(1000);
  options.shrink_above = std::chrono::milliseconds(1500);
  transport.SlowAt(4, std::chrono::milliseconds(1600));  // the fourth round trip is slow
  auto report = client::SyncEngine(*replica, transport, options).SyncOnce();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->rows_received, 90u);
  std::vector<uint32_t> limits;
  for (const SentRequest& s : transport.Sent()) limits.push_back(s.page_limit);
  // 5, 10, 20, then capped at 20; after the slow fourth, 10, then growing again to 20.
  // Rows: 5 + 10 + 20 + 20 + 10 + 20 = 85, and the last 5 in a page of 20.
  EXPECT_EQ(limits, (std::vector<uint32_t>{5, 10, 20, 20, 10, 20, 20}));
  EXPECT_EQ(Export(replica->db(), replica->catalog()), Export(hub_->db(), hub_->catalog()));
}

TEST_F(SyncEngineTest, RequestsCarryingAPushAreNeverPrefetchedAndEveryWriteLands) {
  // Five local writes in sets of two: three pushes, interleaved with a pull of many pages.
  auto replica = OpenReplica("pusher", /*max_push_rows=*/2);
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(Exec(replica->db(), "INSERT INTO customers (id, name) VALUES (?, ?)",
                     {Value("local" + std::to_string(i)), S("华信修理厂")})
                    .ok());
  }
  RecordingTransport transport(*hub_);
  client::SyncOptions options{10, 1000};
  options.max_page_rows = 10;
  auto report = client::SyncEngine(*replica, transport, options).SyncOnce();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->rows_pushed, 5u);
  EXPECT_EQ(*replica->PendingWriteCount(), 0);
  EXPECT_EQ(QueryValue(hub_->db(), "SELECT count(*) FROM customers WHERE id LIKE 'local%'"), I(5));
  EXPECT_EQ(Export(replica->db(), replica->catalog()), Export(hub_->db(), hub_->catalog()));
  const auto sent = transport.Sent();
  size_t pushes = 0;
  for (const SentRequest& s : sent) {
    if (!s.has_push) continue;
    ++pushes;
    EXPECT_EQ(s.thread, std::this_thread::get_id());
  }
  EXPECT_EQ(pushes, 3u);
  EXPECT_FALSE(transport.overlapped());
}

TEST_F(SyncEngineTest, AFailedPrefetchEndsTheSyncKeepingThePagesStoredBeforeIt) {
  auto replica = OpenReplica("flaky");
  RecordingTransport transport(*hub_);
  transport.FailAt(3);  // the third page, asked for while the second is stored
  client::SyncOptions options{20, 1000};
  options.max_page_rows = 20;
  client::SyncEngine engine(*replica, transport, options);
  auto failed = engine.SyncOnce();
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), StatusCode::kUnavailable);
  // Two pages of 20 are stored and the cursor says so; the rest comes with the next sync.
  EXPECT_EQ(QueryValue(replica->db(),
                       "SELECT (SELECT count(*) FROM customers) + (SELECT count(*) FROM visits)"),
            I(40));
  const auto sent = transport.Sent();
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(replica->cursor(), sent[2].cursor);

  auto resumed = engine.SyncOnce();
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  EXPECT_EQ(resumed->rows_received, 50u);
  EXPECT_EQ(transport.Sent()[3].cursor, sent[2].cursor);
  EXPECT_EQ(Export(replica->db(), replica->catalog()), Export(hub_->db(), hub_->catalog()));
}

TEST_F(SyncEngineTest, TheObserverSeesEveryCommittedPageAndItsErrorEndsTheSync) {
  auto replica = OpenReplica("observed");
  RecordingTransport transport(*hub_);
  CountingObserver observer(*replica);
  observer.fail_at_page = 2;
  client::SyncOptions options{40, 1000};
  options.max_page_rows = 40;
  options.batch_rows = 0;  // a commit per page (batches: ALongPullIsStoredInBatches...)
  client::SyncEngine engine(*replica, transport, options, &observer);
  auto failed = engine.SyncOnce();
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), StatusCode::kIo);
  EXPECT_EQ(observer.pages, 2);
  // The page the observer failed on stays stored.
  EXPECT_EQ(QueryValue(replica->db(),
                       "SELECT (SELECT count(*) FROM customers) + (SELECT count(*) FROM visits)"),
            I(80));

  observer.fail_at_page = 0;
  auto done = engine.SyncOnce();
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(observer.pages, 3);
  EXPECT_EQ(observer.rows, 90u);
  EXPECT_FALSE(observer.cursor_mismatch);
}

// Issue 12: a long pull is stored in a few transactions. Pages go into one batch until it holds
// batch_rows rows; the observer hears of each batch once it is committed (its rows summed, the
// cursor already moved); a sync that breaks off keeps every page stored before the break.
TEST_F(SyncEngineTest, ALongPullIsStoredInBatchesThatTheObserverSeesCommitted) {
  auto replica = OpenReplica("batched");
  RecordingTransport transport(*hub_);
  CountingObserver observer(*replica);
  client::SyncOptions options{7, 1000};
  options.max_page_rows = 7;
  options.batch_rows = 30;
  transport.FailAt(8);  // the eighth page: the second batch is open, with pages 6 and 7
  client::SyncEngine engine(*replica, transport, options, &observer);
  auto failed = engine.SyncOnce();
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), StatusCode::kUnavailable);
  EXPECT_FALSE(replica->in_pull_batch());
  // Pages 1-5 (35 rows) in the first batch, then pages 6-7, committed as the sync broke off.
  EXPECT_EQ(observer.pages, 2);
  EXPECT_EQ(observer.rows, 49u);
  EXPECT_EQ(QueryValue(replica->db(),
                       "SELECT (SELECT count(*) FROM customers) + (SELECT count(*) FROM visits)"),
            I(49));
  EXPECT_EQ(replica->cursor(), transport.Sent()[7].cursor);

  auto done = engine.SyncOnce();
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(done->rows_received, 41u);
  // 41 rows in pages of 7: one batch of 35 and the last page, which ends the pull and its batch.
  EXPECT_EQ(observer.pages, 4);
  EXPECT_EQ(observer.rows, 90u);
  EXPECT_FALSE(observer.cursor_mismatch);
  EXPECT_EQ(Export(replica->db(), replica->catalog()), Export(hub_->db(), hub_->catalog()));
}

// A transport that alters the n-th answer (1-based) of the one it wraps, as a hostile or broken
// server would send it.
class TamperingTransport final : public client::SyncTransport {
 public:
  TamperingTransport(client::SyncTransport& to, int n, std::function<void(SyncResponse&)> tamper)
      : to_(to), n_(n), tamper_(std::move(tamper)) {}
  Result<SyncResponse> Exchange(const SyncRequest& request) override {
    Result<SyncResponse> r = to_.Exchange(request);
    if (r.ok() && ++answered_ == n_) tamper_(*r);
    return r;
  }

 private:
  client::SyncTransport& to_;
  const int n_;
  std::function<void(SyncResponse&)> tamper_;
  std::atomic<int> answered_{0};
};

// The hub numbers its changes and epochs with SQLite integers (at most 2^63 - 1), and its clock
// is a Unix time: a cursor, an epoch or a hub time beyond that (a negative number sent unsigned,
// or an absurd one) is refused before anything of its answer is stored. The device's position
// stays where it was, and the next honest sync resumes from it and ends equal to the hub.
TEST_F(SyncEngineTest, AnAnswerWithAnImpossibleCursorEpochOrTimeIsRefusedAndNothingOfItStored) {
  auto replica = OpenReplica("hostile");
  RecordingTransport honest(*hub_);
  client::SyncOptions options{7, 1000};
  options.max_page_rows = 7;
  constexpr uint64_t kNegativeOne = ~uint64_t{0};
  constexpr uint64_t kTwoTo63 = uint64_t{1} << 63;
  const std::vector<std::pair<const char*, std::function<void(SyncResponse&)>>> tampers = {
      {"cursor -1", [](SyncResponse& r) { r.pull.cursor = kNegativeOne; }},
      {"cursor 2^63", [](SyncResponse& r) { r.pull.cursor = kTwoTo63; }},
      {"epoch -1", [](SyncResponse& r) { r.epoch = kNegativeOne; }},
      {"hub time 2^63", [](SyncResponse& r) { r.hub_time_ms = kTwoTo63; }},
  };
  for (const auto& [what, tamper] : tampers) {
    SCOPED_TRACE(what);
    const uint64_t epoch_before = replica->epoch();
    const size_t sent_before = honest.Sent().size();
    TamperingTransport hostile(honest, 2, tamper);
    auto refused = client::SyncEngine(*replica, hostile, options).SyncOnce();
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.status().code(), StatusCode::kCorrupt) << refused.status().ToString();
    // The first page was stored; nothing of the second, the tampered one: the cursor is the one
    // the second request was sent with.
    const auto sent = honest.Sent();
    ASSERT_EQ(sent.size(), sent_before + 2);
    EXPECT_EQ(replica->cursor(), sent.back().cursor);
    EXPECT_LE(replica->cursor(), *hub_->LatestSeq());
    EXPECT_EQ(replica->epoch(), epoch_before);
    // Reopened, the stored position is the same.
    const uint64_t cursor = replica->cursor();
    replica.reset();
    replica = OpenReplica("hostile");
    EXPECT_EQ(replica->cursor(), cursor);
  }
  auto done = client::SyncEngine(*replica, honest, options).SyncOnce();
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(Export(replica->db(), replica->catalog()), Export(hub_->db(), hub_->catalog()));
}

}  // namespace
}  // namespace fieldbook::testing
