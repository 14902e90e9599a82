// The hub's change stream on PostgreSQL (server/store/pg/pg_change_log.h): cursors never skip a
// row that commits later with a lower sequence number (issue #15 item 3, docs/postgres.md).
//
// FIELDBOOK_PG_NAIVE_CURSORS=1 switches the writers of the concurrency test to the naive
// allocation (a PostgreSQL SEQUENCE, nextval() per entry, no lock to commit): the test then fails,
// showing the rows the reader skipped. NaiveSequenceSkipsALaterCommit shows the same gap step by
// step, on every run.
#include "store/pg/pg_change_log.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>
#include <vector>

#include "postgres/pg_test_env.h"

namespace fieldbook::pg {
namespace {

using namespace std::chrono_literals;
using testing::PgMigratedTest;

class PgChangeLogTest : public PgMigratedTest {
 protected:
  void SetUp() override {
    PgMigratedTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(db_->ExecScript("CREATE SEQUENCE fb_naive_seq").ok());
  }

  std::vector<uint64_t> Seqs(PgDb& db, uint64_t cursor) {
    auto page = PgChangeLog(db).After(cursor, 100);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    std::vector<uint64_t> out;
    if (page.ok()) {
      for (const auto& e : *page) out.push_back(e.seq);
    }
    return out;
  }
};

// The naive allocation, as the concurrency test's switch uses it: a number from a sequence (not
// transactional: taken at once, never waits) and an insert, committed whenever the writer is done.
Status NaiveAppend(PgDb& db, const PgChange& c) {
  FB_ASSIGN_OR_RETURN(std::string feeds, TextArrayLiteral(c.feeds));
  return db
      .Exec(
          "WITH e AS (INSERT INTO fb_change_log (seq, table_code, row_id, customer_id) "
          "VALUES (nextval('fb_naive_seq'), $1, $2, $3) RETURNING seq) "
          "INSERT INTO srv_feed (rep_id, seq, tbl) SELECT f, e.seq, $1 FROM e, unnest($4::text[]) "
          "f",
          {c.table, c.row_id, c.customer_id, feeds})
      .status();
}

TEST_F(PgChangeLogTest, NaiveSequenceSkipsALaterCommit) {
  auto slow = Connect();
  auto fast = Connect();
  auto slow_tx = PgTransaction::Begin(*slow);
  auto fast_tx = PgTransaction::Begin(*fast);
  ASSERT_TRUE(slow_tx.ok() && fast_tx.ok());
  ASSERT_TRUE(NaiveAppend(*slow, {1, "slow", "c1", {}}).ok());  // takes number 1
  ASSERT_TRUE(NaiveAppend(*fast, {1, "fast", "c1", {}}).ok());  // takes number 2
  ASSERT_TRUE((*fast_tx)->Commit().ok());
  // A reader sees 2 and moves its cursor there; 1 commits afterwards, below the cursor.
  EXPECT_EQ(Seqs(*db_, 0), (std::vector<uint64_t>{2}));
  ASSERT_TRUE((*slow_tx)->Commit().ok());
  EXPECT_EQ(Seqs(*db_, 2), (std::vector<uint64_t>{}));  // the row of number 1 is never seen
  EXPECT_EQ(Seqs(*db_, 0), (std::vector<uint64_t>{1, 2}));
}

TEST_F(PgChangeLogTest, ALaterWriterWaitsSoNoNumberCommitsBelowAVisibleOne) {
  auto slow = Connect();
  auto fast = Connect();
  auto slow_tx = PgTransaction::Begin(*slow);
  ASSERT_TRUE(slow_tx.ok());
  const std::vector<PgChange> one = {{1, "slow", "c1", {}}};
  auto first = PgChangeLog(*slow).Append(one);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(*first, 1u);

  Result<uint64_t> second = Status::Internal("not run");
  std::atomic<bool> fast_committed{false};
  std::thread writer([&] {
    auto tx = PgTransaction::Begin(*fast);
    if (!tx.ok()) return;
    const std::vector<PgChange> two = {{2, "fast-1", "", {}}, {2, "fast-2", "", {}}};
    second = PgChangeLog(*fast).Append(two);
    if (second.ok() && (*tx)->Commit().ok()) fast_committed = true;
  });
  WaitUntilBlocked(fast->backend_pid());
  EXPECT_FALSE(fast_committed.load());
  EXPECT_EQ(Seqs(*db_, 0), (std::vector<uint64_t>{}));  // nothing committed yet
  ASSERT_TRUE((*slow_tx)->Commit().ok());
  writer.join();
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(*second, 2u);
  EXPECT_TRUE(fast_committed.load());
  EXPECT_EQ(Seqs(*db_, 0), (std::vector<uint64_t>{1, 2, 3}));
  auto latest = PgChangeLog(*db_).LatestSeq();
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(*latest, 3u);
}

// A writer that stalls holding the counter (its instance paused or cut off between Append and
// COMMIT) is ended by the server after idle_in_transaction_timeout_ms: its numbers go back and
// the other writers go on; the stalled one's commit fails.
TEST_F(PgChangeLogTest, AStalledWriterIsCutOffAndTheOthersGoOn) {
  auto stalled =
      PgDb::Connect(conninfo(), {.search_path = schema(), .idle_in_transaction_timeout_ms = 300});
  ASSERT_TRUE(stalled.ok()) << stalled.status().ToString();
  auto stalled_tx = PgTransaction::Begin(**stalled);
  ASSERT_TRUE(stalled_tx.ok());
  const std::vector<PgChange> one = {{1, "stalled", "", {}}};
  auto taken = PgChangeLog(**stalled).Append(one);
  ASSERT_TRUE(taken.ok());
  EXPECT_EQ(*taken, 1u);
  // ... and it stalls. Another writer waits for the counter, then gets the same number.
  auto tx = PgTransaction::Begin(*db_);
  ASSERT_TRUE(tx.ok());
  const std::vector<PgChange> other = {{1, "other", "", {}}};
  auto next = PgChangeLog(*db_).Append(other);
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(*next, 1u);
  ASSERT_TRUE((*tx)->Commit().ok());
  EXPECT_EQ((*stalled_tx)->Commit().code(), StatusCode::kUnavailable);
  auto page = PgChangeLog(*db_).After(0, 10);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ((*page)[0].change.row_id, "other");
}

TEST_F(PgChangeLogTest, ARolledBackWriterLeavesNoGapAndNoEntry) {
  {
    auto tx = PgTransaction::Begin(*db_);
    ASSERT_TRUE(tx.ok());
    const std::vector<PgChange> three = {{1, "a", "", {}}, {1, "b", "", {}}, {1, "c", "", {}}};
    ASSERT_TRUE(PgChangeLog(*db_).Append(three).ok());
  }  // rolled back
  auto tx = PgTransaction::Begin(*db_);
  ASSERT_TRUE(tx.ok());
  const std::vector<PgChange> one = {{1, "d", "", {}}};
  auto first = PgChangeLog(*db_).Append(one);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*first, 1u);
  ASSERT_TRUE((*tx)->Commit().ok());
  auto page = PgChangeLog(*db_).After(0, 10);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ((*page)[0].change.row_id, "d");
}

TEST_F(PgChangeLogTest, HostileIdsAndLimitsAreHandled) {
  PgChangeLog log(*db_);
  const std::vector<PgChange> none;
  const std::vector<PgChange> odd = {{7, "{\"a\",b}\\", "c,\"x\"", {"r{\"NULL\",\\}"}},
                                     {8, "NULL", "", {"NULL"}},
                                     {9, "'", "'", {}}};
  const std::vector<PgChange> nul = {{1, std::string("a\0b", 3), "", {}}};
  const std::vector<PgChange> nul_feed = {{1, "a", "", {std::string("r\0", 2)}}};
  // Outside a transaction Append refuses: the lock must last until the caller's commit.
  EXPECT_EQ(log.Append(odd).status().code(), StatusCode::kInternal);
  auto tx = PgTransaction::Begin(*db_);
  ASSERT_TRUE(tx.ok());
  EXPECT_EQ(log.Append(none).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(log.Append(nul).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(log.Append(nul_feed).status().code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(log.Append(odd).ok());  // the transaction is still usable
  ASSERT_TRUE((*tx)->Commit().ok());
  auto page = log.After(0, 10);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), odd.size());
  for (size_t i = 0; i < odd.size(); ++i) {
    EXPECT_EQ((*page)[i].seq, i + 1);
    EXPECT_EQ((*page)[i].change.table, odd[i].table);
    EXPECT_EQ((*page)[i].change.row_id, odd[i].row_id);
    EXPECT_EQ((*page)[i].change.customer_id, odd[i].customer_id);
  }
  // Each odd feed name holds its own entry and no other.
  for (size_t i = 0; i < 2; ++i) {
    auto feed = log.FeedAfter(odd[i].feeds[0], 0, 10);
    ASSERT_TRUE(feed.ok()) << feed.status().ToString();
    ASSERT_EQ(feed->size(), 1u) << odd[i].feeds[0];
    EXPECT_EQ((*feed)[0].change.row_id, odd[i].row_id);
  }
  EXPECT_EQ(log.After(0, 0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(log.After(0, PgChangeLog::kMaxPage + 1).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(log.After(uint64_t{1} << 63, 10).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(PgChangeLogTest, ARepsFeedHoldsItsOwnAndTheSharedEntries) {
  PgChangeLog log(*db_);
  auto tx = PgTransaction::Begin(*db_);
  ASSERT_TRUE(tx.ok());
  const std::vector<PgChange> changes = {
      {1, "c1", "c1", {"rep-a"}}, {1, "c2", "c2", {"rep-b"}},
      {3, "territory", "", {""}}, {1, "pool", "pool", {}},
      {2, "v1", "c1", {"rep-a"}}, {1, "both", "both", {"rep-a", "rep-b", "rep-a"}}};
  ASSERT_TRUE(log.Append(changes).ok());
  ASSERT_TRUE((*tx)->Commit().ok());
  auto ids = [&](const std::string& rep, uint64_t cursor) {
    std::vector<std::string> out;
    auto page = log.FeedAfter(rep, cursor, 10);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    if (page.ok()) {
      for (const auto& e : *page) out.push_back(e.change.row_id);
    }
    return out;
  };
  // A customer two reps hold: its change is in both feeds (once in each).
  EXPECT_EQ(ids("rep-a", 0), (std::vector<std::string>{"c1", "territory", "v1", "both"}));
  EXPECT_EQ(ids("rep-b", 0), (std::vector<std::string>{"c2", "territory", "both"}));
  EXPECT_EQ(ids("rep-a", 3), (std::vector<std::string>{"v1", "both"}));
  EXPECT_EQ(ids("rep-c", 0), (std::vector<std::string>{"territory"}));
  auto all = log.After(0, 10);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), changes.size());  // the whole stream holds the pool's row too
  EXPECT_EQ((*all)[3].change.row_id, "pool");
  EXPECT_EQ(log.FeedAfter("", 0, 10).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(PgChangeLogTest, ForgottenHistoryIsRefusedNotSkipped) {
  PgChangeLog log(*db_);
  {
    auto tx = PgTransaction::Begin(*db_);
    ASSERT_TRUE(tx.ok());
    std::vector<PgChange> ten;
    for (int i = 1; i <= 10; ++i) ten.push_back({1, "r" + std::to_string(i), "c", {"rep-a", ""}});
    ASSERT_TRUE(log.Append(ten).ok());
    ASSERT_TRUE((*tx)->Commit().ok());
  }
  auto forgot = log.Forget(4, 2);  // in batches: 2 now
  ASSERT_TRUE(forgot.ok()) << forgot.status().ToString();
  EXPECT_EQ(*forgot, 2u);
  auto floor = log.Floor();
  ASSERT_TRUE(floor.ok());
  EXPECT_EQ(*floor, 4u);
  // A cursor at the floor reads on; one below it is told to rebuild, even before every entry
  // below the floor is deleted.
  auto page = log.After(4, 100);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 6u);
  EXPECT_EQ(page->front().seq, 5u);
  EXPECT_EQ(log.After(3, 100).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(log.FeedAfter("rep-a", 0, 100).status().code(), StatusCode::kNotFound);
  auto rest = log.Forget(4, 100);
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(*rest, 2u);
  // The forgotten entries' feed entries went with them; the others stay.
  auto fed = db_->Exec("SELECT min(seq), count(*) FROM srv_feed");
  ASSERT_TRUE(fed.ok());
  EXPECT_EQ(fed->Int(0, 0), 5);
  EXPECT_EQ(fed->Int(0, 1), 12);
  auto lower = log.Forget(2, 100);  // the floor never goes down
  ASSERT_TRUE(lower.ok());
  EXPECT_EQ(*lower, 0u);
  EXPECT_EQ(*log.Floor(), 4u);
  EXPECT_EQ(log.Forget(11, 100).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(*log.LatestSeq(), 10u);
}

TEST_F(PgChangeLogTest, AdvanceSeqMovesForwardOnly) {
  PgChangeLog log(*db_);
  ASSERT_TRUE(log.AdvanceSeq(1000).ok());
  ASSERT_TRUE(log.AdvanceSeq(10).ok());
  auto tx = PgTransaction::Begin(*db_);
  ASSERT_TRUE(tx.ok());
  const std::vector<PgChange> one = {{1, "a", "", {}}};
  auto first = log.Append(one);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*first, 1001u);
  ASSERT_TRUE((*tx)->Commit().ok());
}

// The feeds of the concurrency test's entry j of transaction n: one of kReps reps, two of them (a
// customer two reps hold), the shared feed or none.
constexpr int kReps = 3;
std::vector<std::string> FeedOf(int n, int j) {
  if (j == 2) return n % 2 == 0 ? std::vector<std::string>{""} : std::vector<std::string>{};
  if (j == 1 && n % 3 == 0) {
    return {"rep-" + std::to_string(n % kReps), "rep-" + std::to_string((n + 1) % kReps)};
  }
  return {"rep-" + std::to_string((n + j) % kReps)};
}

// Many writers (each its own connection, random work before and after taking numbers, some
// rolling back) and readers paging by cursor with small pages while they write -- one reads the
// whole stream, one per rep reads that rep's feed: every reader sees every committed entry of its
// stream exactly once, in increasing order, and no rolled-back one.
TEST_F(PgChangeLogTest, ConcurrentWritersNeverMakeTheReaderSkipARow) {
  const char* naive_env = std::getenv("FIELDBOOK_PG_NAIVE_CURSORS");
  const bool naive = naive_env != nullptr && std::string(naive_env) == "1";
  constexpr int kWriters = 8;
  constexpr int kTransactions = 120;
  std::mutex mu;
  std::set<std::string> committed, rolled_back;
  std::map<std::string, std::vector<std::string>> committed_feeds;  // id -> its feeds
  std::atomic<int> writers_left{kWriters};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      auto write = [&] {
        auto db = PgDb::Connect(conninfo(), {.search_path = schema()});
        ASSERT_TRUE(db.ok()) << db.status().ToString();
        std::mt19937 rng(static_cast<unsigned>(w * 7919 + 1));
        std::uniform_int_distribution<int> delay_us(0, 3000), entries(1, 3), fate(0, 9);
        for (int n = 0; n < kTransactions; ++n) {
          std::vector<PgChange> changes;
          const int count = entries(rng);
          for (int j = 0; j < count; ++j) {
            changes.push_back(
                {1 + j, "w" + std::to_string(w) + "-" + std::to_string(n) + "-" + std::to_string(j),
                 "c" + std::to_string(n % 17), FeedOf(n, j)});
          }
          auto tx = PgTransaction::Begin(**db);
          ASSERT_TRUE(tx.ok()) << tx.status().ToString();
          std::this_thread::sleep_for(std::chrono::microseconds(delay_us(rng)));  // the merge work
          if (naive) {
            for (const auto& c : changes) ASSERT_TRUE(NaiveAppend(**db, c).ok());
          } else {
            auto first = PgChangeLog(**db).Append(changes);
            ASSERT_TRUE(first.ok()) << first.status().ToString();
          }
          std::this_thread::sleep_for(std::chrono::microseconds(delay_us(rng)));  // late commit
          const bool keep = fate(rng) != 0;
          if (keep) ASSERT_TRUE((*tx)->Commit().ok());
          tx->reset();  // rolls back when not committed
          std::lock_guard lock(mu);
          for (const auto& c : changes) (keep ? committed : rolled_back).insert(c.row_id);
          if (keep) {
            for (const auto& c : changes) committed_feeds[c.row_id] = c.feeds;
          }
        }
      };
      write();
      --writers_left;  // also when an assertion ended the writer early
    });
  }

  // A reader: pages of 5 from its cursor while the writers run, then one last drain. rep "":
  // the whole stream; otherwise that rep's feed.
  struct Seen {
    std::map<std::string, int> ids;
    std::vector<uint64_t> order;
  };
  auto read = [&](const std::string& rep, Seen& seen) {
    auto db = PgDb::Connect(conninfo(), {.search_path = schema()});
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    PgChangeLog log(**db);
    uint64_t cursor = 0;
    while (true) {
      const bool done = writers_left.load() == 0;
      auto page = rep.empty() ? log.After(cursor, 5) : log.FeedAfter(rep, cursor, 5);
      ASSERT_TRUE(page.ok()) << page.status().ToString();
      for (const auto& e : *page) {
        ++seen.ids[e.change.row_id];
        seen.order.push_back(e.seq);
        cursor = e.seq;
      }
      if (page->empty()) {
        if (done) break;  // read after every writer had finished: nothing more will come
        std::this_thread::sleep_for(200us);
      }
    }
  };
  std::vector<Seen> feeds(kReps);
  std::vector<std::thread> feed_readers;
  for (int r = 0; r < kReps; ++r) {
    feed_readers.emplace_back([&, r] { read("rep-" + std::to_string(r), feeds[r]); });
  }
  Seen whole;
  read("", whole);
  for (auto& t : writers) t.join();
  for (auto& t : feed_readers) t.join();
  const std::map<std::string, int>& seen = whole.ids;
  const std::vector<uint64_t>& order = whole.order;

  // Each rep's feed: exactly the committed entries of that rep and of the shared feed.
  for (int r = 0; r < kReps; ++r) {
    const std::string rep = "rep-" + std::to_string(r);
    size_t expected = 0;
    for (const auto& [id, in] : committed_feeds) {
      if (std::find(in.begin(), in.end(), rep) != in.end() ||
          std::find(in.begin(), in.end(), "") != in.end()) {
        ++expected;
        EXPECT_EQ(feeds[r].ids.count(id), 1u) << rep << "'s feed skipped " << id;
      }
    }
    EXPECT_EQ(feeds[r].ids.size(), expected) << rep;
    for (const auto& [id, times] : feeds[r].ids) EXPECT_EQ(times, 1) << rep << ": " << id;
    for (size_t i = 1; i < feeds[r].order.size(); ++i) {
      ASSERT_LT(feeds[r].order[i - 1], feeds[r].order[i]);
    }
  }

  size_t skipped = 0;
  for (const auto& id : committed) {
    auto it = seen.find(id);
    if (it == seen.end()) {
      ++skipped;
      continue;
    }
    EXPECT_EQ(it->second, 1) << id << " seen more than once";
  }
  EXPECT_EQ(skipped, 0u) << "the reader's cursor skipped " << skipped << " of " << committed.size()
                         << " committed entries"
                         << (naive ? " (naive allocation: FIELDBOOK_PG_NAIVE_CURSORS=1)" : "");
  for (const auto& id : rolled_back) EXPECT_EQ(seen.count(id), 0u) << id << " was rolled back";
  EXPECT_EQ(seen.size(), committed.size());
  for (size_t i = 1; i < order.size(); ++i) ASSERT_LT(order[i - 1], order[i]);
  if (!naive) {
    // Numbers are dense: rolled-back writers' numbers were handed out again.
    ASSERT_FALSE(order.empty());
    EXPECT_EQ(order.front(), 1u);
    EXPECT_EQ(order.back(), order.size());
  }
  EXPECT_GT(committed.size(), static_cast<size_t>(kWriters * kTransactions));  // 1-3 per commit
}

}  // namespace
}  // namespace fieldbook::pg
