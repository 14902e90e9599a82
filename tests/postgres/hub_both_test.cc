// The Hub on the storage seam (issue #15, docs/postgres.md "What is next" 1 and 2): pushes and
// pulls on PostgreSQL give what they give on SQLite, and concurrent pushes from several Hub
// instances on one PostgreSQL database never let a puller skip a row.
//
// HubBothTest runs one script on the SQLite hub (Hub::Open(path), the production path) and on a
// Hub over PostgreSQL (PgSqlDb + PgHubBackend) and compares the transcripts line by line: four
// reps' devices push thousands of rows in small sets (customers edited column by column with
// winning and losing versions, tombstones, CHECK refusals, insert-only visits with refused
// edits, a retried set, a far-future stamp re-stamped); hub-authored writes reassign customers
// mid-stream with scope events numbered inside the write; after every few pushes each rep pulls
// in pages of 50 (two reps through a per-rep feed, two walking the tables); at the end a new
// device pulls the whole stream in pages of 50 and one rep takes a snapshot in pages of 50. Every
// push answer, page (rows, columns, values, versions, origins, evictions, cursor, more), snapshot
// position, the latest sequence number and the per-owner digests (also against a recompute)
// must be equal.
//
// HubOnPostgresTest.ConcurrentPushesFromTwoInstancesNeverMakeAPullerSkipARow: two Hub instances
// (own connections) push at once, with random work between taking numbers and COMMIT, and both
// receive the same retried sets; a third pulls pages of 50 meanwhile. The puller receives every
// row exactly once, the numbers are 1..N without a gap, and each shared set is applied once.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <chrono>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "fieldbook/catalog.h"
#include "fieldbook/hub.h"
#include "fieldbook/migrations.h"
#include "fieldbook/sqlite_db.h"
#include "postgres/pg_test_env.h"
#include "postgres/sql_backend.h"
#include "store/pg/pg_hub_backend.h"
#include "store/pg/pg_sql_db.h"
#include "support/temp_dir.h"

namespace fieldbook::testing {
namespace {

constexpr size_t kPage = 50;
constexpr uint64_t kBaseMs = 1'780'000'000'000;

class FixedWall final : public WallClock {
 public:
  uint64_t NowMs() override { return now_ms; }
  std::atomic<uint64_t> now_ms{kBaseMs + 200'000};
};

std::string Describe(const ChangeSet& set) {
  std::string out = "cursor " + std::to_string(set.cursor) + " id " + set.set_id + " origins";
  for (const std::string& o : set.origins) out += " " + o;
  out += " evicted";
  for (const std::string& c : set.evicted_customers) out += " " + c;
  for (const RowChange& r : set.rows) {
    out += "\n  " + r.table + "/" + r.row_id + ":";
    for (const ColumnChange& c : r.columns) {
      out += " " + c.column + "=" + ShowValue(c.value) + "@" + std::to_string(c.hlc.packed()) +
             "/" + std::to_string(c.origin);
    }
  }
  return out;
}

std::string Describe(const PushResult& r) {
  std::string out = "push " + r.set_id + " accepted " + std::to_string(r.rows_accepted);
  // The reason of a CHECK refusal is the database's own wording; the code is the hub's.
  for (const RowRejection& j : r.rejections) {
    out +=
        " [" + j.table + "/" + j.row_id + " " + j.code + " #" + std::to_string(j.row_index) + "]";
  }
  for (const RowRestamp& s : r.restamps) {
    out += " {" + s.table + "/" + s.row_id + " " + std::to_string(s.hlc.packed()) + "}";
  }
  return out;
}

// Who holds which customer, the scope events and the per-rep feeds, kept by the test as the
// server keeps them (srv_scope, srv_scope_events, srv_feed), inside the hub's transactions.
struct Scopes {
  std::map<std::string, std::string> owner;         // customer -> rep
  std::map<std::string, std::string> row_customer;  // table/row -> customer
  std::map<std::string, std::vector<ScopeEvent>> events;
  std::map<std::string, std::vector<FeedEntry>> feeds;  // "" is the shared feed
};

class TestScope final : public PullScope {
 public:
  TestScope(Scopes& scopes, std::string rep, bool feed)
      : scopes_(scopes), rep_(std::move(rep)), feed_(feed) {}
  bool IncludesCustomer(const std::string& customer_id) override {
    auto it = scopes_.owner.find(customer_id);
    return it != scopes_.owner.end() && it->second == rep_;
  }
  Result<std::vector<ScopeEvent>> EventsAfter(uint64_t cursor, size_t limit) override {
    return After(scopes_.events[rep_], cursor, limit);
  }
  const std::vector<std::string>& SortedCustomers() override {
    sorted_.clear();
    for (const auto& [customer, rep] : scopes_.owner) {
      if (rep == rep_) sorted_.push_back(customer);
    }
    return sorted_;  // std::map: byte order
  }
  Result<std::optional<std::vector<FeedEntry>>> FeedAfter(uint64_t cursor, size_t limit) override {
    if (!feed_) return std::optional<std::vector<FeedEntry>>();
    std::vector<FeedEntry> merged = scopes_.feeds[rep_];
    const std::vector<FeedEntry>& shared = scopes_.feeds[""];
    merged.insert(merged.end(), shared.begin(), shared.end());
    std::sort(merged.begin(), merged.end(),
              [](const FeedEntry& a, const FeedEntry& b) { return a.seq < b.seq; });
    return std::optional<std::vector<FeedEntry>>(After(merged, cursor, limit));
  }

 private:
  template <typename Item>
  static std::vector<Item> After(const std::vector<Item>& items, uint64_t cursor, size_t limit) {
    std::vector<Item> out;
    for (const Item& item : items) {
      if (item.seq > cursor && out.size() < limit) out.push_back(item);
    }
    return out;
  }

  Scopes& scopes_;
  std::string rep_;
  bool feed_;
  std::vector<std::string> sorted_;
};

const std::vector<std::string> kReps = {"rep-a", "rep-b", "rep-c", "rep-d"};

// The pushes of the script: set k comes from one rep's device and holds about 12 rows.
std::vector<ChangeSet> Pushes(int sets, std::mt19937& rng) {
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  auto hlc = [&]() { return Hlc((kBaseMs + static_cast<uint64_t>(pick(100000))) << 16 | pick(3)); };
  const std::array<std::string, 4> relationship = {"potential", "existing", "vip", "bogus"};
  std::vector<ChangeSet> out;
  int next_visit = 0;
  for (int k = 0; k < sets; ++k) {
    const auto r = static_cast<size_t>(pick(static_cast<int>(kReps.size())));
    ChangeSet set;
    set.set_id = "set-" + std::to_string(k);
    set.replica_id = "dev-" + kReps[r];
    const uint32_t self = set.OriginIndex(set.replica_id);
    const int rows = 8 + pick(9);
    for (int i = 0; i < rows; ++i) {
      // A rep's customers are numbered r, r + 4, ...: 120 each.
      const std::string customer = "cus-" + std::to_string(pick(120) * 4 + static_cast<int>(r));
      if (pick(3) == 0) {
        const std::string id = "vis-" + std::to_string(next_visit++);
        const Hlc at = hlc();
        RowChange v{"visits", id, {}};
        v.columns.push_back({"customer_id", customer, at, self});
        v.columns.push_back({"check_in", "2026-05-0" + std::to_string(1 + pick(9)), at, self});
        v.columns.push_back({"notes", "visit " + id, at, self});
        set.rows.push_back(v);
        if (pick(6) == 0) {  // an edit of a recorded fact: refused
          set.rows.push_back({"visits", id, {{"notes", "edited", Hlc(at.packed() + 999), self}}});
        }
        continue;
      }
      RowChange c{"customers", customer, {}};
      auto put = [&](const std::string& column, Value v) {
        c.columns.push_back(ColumnChange{column, std::move(v), hlc(), self});
      };
      put("name", "鑫达汽修 " + customer + " v" + std::to_string(k));
      put("owner_rep_id", kReps[r]);
      if (pick(2)) put("city", pick(2) ? Value("广州") : Value());
      if (pick(3) == 0) put("relationship", relationship[static_cast<size_t>(pick(4))]);
      if (pick(3) == 0) put("lat", pick(10) ? Value(23.1 + pick(1000) / 997.0) : Value(95.5));
      if (pick(12) == 0) put("deleted", int64_t{pick(2)});
      if (pick(25) == 0) put("phone", "138 0013 " + std::to_string(1000 + pick(40)));
      if (pick(40) == 0) {  // a device whose date is a year ahead: re-stamped
        for (ColumnChange& col : c.columns) col.hlc = Hlc((kBaseMs + 31'536'000'000) << 16);
      }
      set.rows.push_back(std::move(c));
    }
    out.push_back(std::move(set));
  }
  return out;
}

// Runs the script on `hub`; returns its transcript, one entry per answer.
std::vector<std::string> RunScript(Hub& hub, FixedWall& wall) {
  std::vector<std::string> out;
  Scopes scopes;
  auto expect_ok = [&](const Status& s, const std::string& what) {
    EXPECT_TRUE(s.ok()) << what << ": " << s.ToString();
    if (!s.ok()) out.push_back("FAILED " + what + ": " + s.ToString());
  };
  // The server's bookkeeping, as an observer of every applied row.
  ApplyObserver observer = [&](const AppliedRow& row) -> Status {
    const std::string key = row.table->name + "/" + row.row_id;
    if (row.customer) scopes.row_customer[key] = *row.customer;
    std::string customer;
    if (row.table->customer_column == "id") {
      customer = row.row_id;
    } else if (!row.table->customer_column.empty()) {
      customer = scopes.row_customer[key];
    }
    if (row.table->name == "customers" && !scopes.owner.contains(row.row_id)) {
      // A new customer goes to the rep whose number it has (cus-N: rep N mod 4).
      const int n = std::stoi(row.row_id.substr(4));
      scopes.owner[row.row_id] = kReps[static_cast<size_t>(n % 4)];
    }
    const std::string feed = customer.empty() ? "" : scopes.owner[customer];
    scopes.feeds[feed].push_back(FeedEntry{row.seq, row.table->code});
    return Status::Ok();
  };
  // A manager moves customers from one rep to another: a hub-authored write whose observer
  // numbers the scope events inside the same transaction.
  auto reassign = [&](const std::vector<std::string>& customers, const std::string& to) {
    ApplyObserver moved = [&](const AppliedRow& row) -> Status {
      FB_RETURN_IF_ERROR(observer(row));
      const std::string from = scopes.owner[row.row_id];
      FB_ASSIGN_OR_RETURN(uint64_t left, hub.AllocateSeq());
      scopes.events[from].push_back(ScopeEvent{left, row.row_id, false});
      FB_ASSIGN_OR_RETURN(uint64_t entered, hub.AllocateSeq());
      scopes.events[to].push_back(ScopeEvent{entered, row.row_id, true});
      scopes.owner[row.row_id] = to;
      return Status::Ok();
    };
    std::vector<RowWrite> rows;
    for (const std::string& c : customers) rows.push_back({"customers", c, {{"owner_rep_id", to}}});
    auto written = hub.Write(rows, &moved);
    expect_ok(written.status(), "reassign");
    if (written.ok()) out.push_back("write " + Describe(*written));
  };
  std::map<std::string, uint64_t> cursors;
  auto pull_all = [&](const std::string& rep) {
    TestScope scope(scopes, rep, /*feed=*/rep == "rep-a" || rep == "rep-b");
    for (int pages = 0; pages < 1000; ++pages) {
      auto page = hub.Pull(cursors[rep], kPage, &scope);
      expect_ok(page.status(), "pull");
      if (!page.ok()) return;
      out.push_back(rep + " pull " + Describe(page->changes) + (page->more ? " more" : ""));
      cursors[rep] = page->changes.cursor;
      if (!page->more) return;
    }
    ADD_FAILURE() << "pull never ends";
  };

  std::mt19937 rng(20261207);
  const std::vector<ChangeSet> sets = Pushes(320, rng);
  const PushOptions options{.observer = &observer};
  for (size_t k = 0; k < sets.size(); ++k) {
    wall.now_ms += 1000;
    auto pushed = hub.ApplyPush(sets[k], options);
    expect_ok(pushed.status(), "push " + sets[k].set_id);
    if (pushed.ok()) out.push_back(Describe(*pushed));
    if (k % 40 == 7) {  // a retried set: the same answer, nothing applied again
      auto again = hub.ApplyPush(sets[k], options);
      expect_ok(again.status(), "retry");
      if (again.ok()) out.push_back("retry " + Describe(*again));
    }
    if (k == 150) {  // mid-stream, before some reps pulled what they hold
      std::vector<std::string> moved;
      for (int n = 0; n < 30; ++n) moved.push_back("cus-" + std::to_string(n * 4));
      reassign(moved, "rep-b");
    }
    if (k == 230) reassign({"cus-1", "cus-5", "cus-9", "cus-13"}, "rep-c");
    if (k % 25 == 24) {
      for (const std::string& rep : kReps) pull_all(rep);
    }
  }
  for (const std::string& rep : kReps) pull_all(rep);

  // A new device of nobody's scope: the whole stream, in pages of 50.
  uint64_t cursor = 0;
  size_t rows = 0;
  for (int pages = 0; pages < 1000; ++pages) {
    auto page = hub.Pull(cursor, kPage);
    expect_ok(page.status(), "full pull");
    if (!page.ok()) break;
    out.push_back("full " + Describe(page->changes));
    rows += page->changes.rows.size();
    cursor = page->changes.cursor;
    if (!page->more) break;
  }
  out.push_back("full stream rows " + std::to_string(rows));
  EXPECT_GT(rows, 1500u);

  // A snapshot of rep-b's scope, in pages of 50.
  auto latest = hub.LatestSeq();
  expect_ok(latest.status(), "latest");
  out.push_back("latest " + std::to_string(latest.ok() ? *latest : 0));
  TestScope scope(scopes, "rep-b", false);
  std::optional<SnapshotPosition> at = SnapshotPosition{.seq = latest.ok() ? *latest : 0};
  for (int pages = 0; at && pages < 1000; ++pages) {
    auto page = hub.PullSnapshot(*at, kPage, &scope);
    expect_ok(page.status(), "snapshot");
    if (!page.ok()) break;
    at = page->next;
    out.push_back("snapshot " + Describe(page->changes) +
                  (at ? " next " + std::to_string(at->table) + " " + at->customer + " " + at->id
                      : " complete"));
  }
  return out;
}

// The rows of a query of text columns, sorted.
std::vector<std::string> Lines(SqlDb& db, const std::string& sql) {
  std::vector<std::string> out;
  ForEachRow(db, sql, [&](SqlStatement& stmt) {
    std::string line;
    for (int i = 0; i < stmt.ColumnCount(); ++i) line += stmt.Text(i) + "|";
    out.push_back(line);
  });
  std::sort(out.begin(), out.end());
  return out;
}

// fb_owner_digests, sorted; an owner whose rows all went (a slot kept at zero by the incremental
// digests, left out by a recompute) is none.
std::vector<std::string> Digests(SqlDb& db) {
  return Lines(db,
               "SELECT owner, tbl, rows, sum FROM fb_owner_digests WHERE rows <> 0 OR sum <> 0");
}

Catalog HubCatalog() {
  auto db = Db::Open(":memory:");
  EXPECT_TRUE(db.ok());
  EXPECT_TRUE(ApplyMigrations(**db, HubMigrations()).ok());
  auto catalog = Catalog::Load(**db);  // PostgreSQL's columns are in the same order
  EXPECT_TRUE(catalog.ok()) << catalog.status().ToString();
  return catalog.ok() ? *catalog : Catalog();
}

// A Hub over one PostgreSQL connection.
struct PgHub {
  PgHub(std::unique_ptr<pg::PgDb> connection, const Catalog& catalog, WallClock& wall)
      : db(std::move(connection)), sql(*db), backend(*db) {
    auto opened = Hub::Open(sql, backend, catalog, wall);
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    if (opened.ok()) hub = std::move(opened).value();
  }
  std::unique_ptr<pg::PgDb> db;
  pg::PgSqlDb sql;
  pg::PgHubBackend backend;
  std::unique_ptr<Hub> hub;
};

class HubBothTest : public pg::testing::PgMigratedTest {};

TEST_F(HubBothTest, PushesAndPullsOnPostgresAnswerAsOnSqlite) {
  const Catalog catalog = HubCatalog();
  FixedWall sqlite_wall;
  // Declared before the hub, so the folder goes after the hub has closed its WAL.
  const fieldbook::testing::TempDir dir;
  const std::string path = dir.File("hub_both.db");
  auto sqlite_hub = Hub::Open(path, sqlite_wall);
  ASSERT_TRUE(sqlite_hub.ok()) << sqlite_hub.status().ToString();
  const std::vector<std::string> want = RunScript(**sqlite_hub, sqlite_wall);

  FixedWall pg_wall;
  PgHub pg(Connect(), catalog, pg_wall);
  ASSERT_NE(pg.hub, nullptr);
  const std::vector<std::string> got = RunScript(*pg.hub, pg_wall);

  ASSERT_GT(want.size(), 500u);
  size_t differing = 0;
  for (size_t i = 0; i < std::max(want.size(), got.size()); ++i) {
    const std::string w = i < want.size() ? want[i] : "(none)";
    const std::string g = i < got.size() ? got[i] : "(none)";
    if (w != g && ++differing <= 3) {
      ADD_FAILURE() << "entry " << i << "\n  sqlite:   " << w << "\n  postgres: " << g;
    }
  }
  EXPECT_EQ(differing, 0u);
  EXPECT_EQ(want.size(), got.size());
  // The script reached every kind of answer it means to compare.
  auto count = [&](std::string_view what) {
    return std::count_if(want.begin(), want.end(),
                         [&](const std::string& s) { return s.find(what) != std::string::npos; });
  };
  EXPECT_GT(count("immutable_fact"), 5);
  EXPECT_GT(count(" constraint "), 5);
  EXPECT_GT(count("{customers/"), 2);
  EXPECT_GT(count("retry push"), 5);
  EXPECT_GT(count("evicted cus-"), 1);
  EXPECT_GT(count(" pull "), 100);
  EXPECT_GT(count("snapshot "), 3);

  // The per-owner digests, kept by triggers' functions on SQLite and by the writing instance on
  // PostgreSQL, are the same, and a recompute from the rows finds them right.
  const std::vector<std::string> digests = Digests((*sqlite_hub)->sql());
  EXPECT_GT(digests.size(), 50u);
  EXPECT_EQ(Digests(pg.hub->sql()), digests);
  ASSERT_TRUE(pg.hub->RecomputeDigests().ok());
  EXPECT_EQ(Digests(pg.hub->sql()), digests);
  ASSERT_TRUE((*sqlite_hub)->RecomputeDigests().ok());
  EXPECT_EQ(Digests((*sqlite_hub)->sql()), digests);

  // The duplicate flags are the same.
  const std::string flags = "SELECT customer_a, customer_b, reason FROM fb_possible_duplicates";
  const std::vector<std::string> flagged = Lines((*sqlite_hub)->sql(), flags);
  EXPECT_GT(flagged.size(), 3u);
  EXPECT_EQ(Lines(pg.hub->sql(), flags), flagged);

  // PostgreSQL's change log holds an entry for every row's latest change, naming its customer.
  const int customers = catalog.Find("customers")->code;
  auto logged = pg.db->Exec(
      "SELECT count(*), count(*) FILTER (WHERE l.customer_id = c.id) FROM fb_change_log l "
      "JOIN customers c ON c.id = l.row_id AND c._seq = l.seq WHERE l.table_code = $1",
      {customers});
  ASSERT_TRUE(logged.ok()) << logged.status().ToString();
  auto stored = pg.db->Exec("SELECT count(*) FROM customers");
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(logged->Int(0, 0), stored->Int(0, 0));
  EXPECT_EQ(logged->Int(0, 1), stored->Int(0, 0));
}

TEST_F(HubBothTest, ConcurrentPushesFromTwoInstancesNeverMakeAPullerSkipARow) {
  const Catalog catalog = HubCatalog();
  FixedWall wall;
  constexpr int kWriters = 2;
  constexpr int kSets = 60;
  constexpr int kShared = 10;  // sets every instance receives (a device retrying elsewhere)
  // The rows of writer w's set k, and of shared set k: new customers, each written once.
  auto make_set = [](const std::string& name, const std::string& device, int rows) {
    ChangeSet set;
    set.set_id = name;
    set.replica_id = device;
    const uint32_t self = set.OriginIndex(device);
    for (int i = 0; i < rows; ++i) {
      const Hlc at((kBaseMs + static_cast<uint64_t>(i)) << 16);
      set.rows.push_back({"customers",
                          "cus-" + name + "-" + std::to_string(i),
                          {{"name", name + " " + std::to_string(i), at, self},
                           {"owner_rep_id", std::string("rep-a"), at, self}}});
    }
    return set;
  };
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::vector<std::map<std::string, PushResult>> shared_answers(kWriters);
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      PgHub instance(Connect(), catalog, wall);
      if (instance.hub == nullptr) {
        ++failures;
        return;
      }
      std::mt19937 rng(static_cast<unsigned>(w + 1));
      // Work between taking numbers and COMMIT: the window in which a naive allocation lets a
      // later number commit first.
      ApplyObserver slow = [&](const AppliedRow&) -> Status {
        std::this_thread::sleep_for(std::chrono::microseconds(rng() % 1500));
        return Status::Ok();
      };
      const PushOptions options{.observer = &slow};
      for (int k = 0; k < kSets; ++k) {
        const std::string device = "dev-" + std::to_string(w);
        auto own = make_set("w" + std::to_string(w) + "-" + std::to_string(k), device,
                            1 + static_cast<int>(rng() % 4));
        auto pushed = instance.hub->ApplyPush(own, options);
        if (!pushed.ok()) {
          ADD_FAILURE() << pushed.status().ToString();
          ++failures;
        }
        if (k < kShared) {
          auto shared = make_set("shared-" + std::to_string(k), "dev-shared", 3);
          auto answer = instance.hub->ApplyPush(shared, options);
          if (!answer.ok()) {
            ADD_FAILURE() << answer.status().ToString();
            ++failures;
          } else {
            shared_answers[static_cast<size_t>(w)][shared.set_id] = *answer;
          }
        }
      }
    });
  }
  // The puller: pages of 50 from its cursor while the instances write, then a last page.
  PgHub reader(Connect(), catalog, wall);
  ASSERT_NE(reader.hub, nullptr);
  std::map<std::string, int> received;
  uint64_t cursor = 0;
  auto pull = [&]() {
    while (true) {
      auto page = reader.hub->Pull(cursor, kPage);
      ASSERT_TRUE(page.ok()) << page.status().ToString();
      ASSERT_GE(page->changes.cursor, cursor);
      for (const RowChange& r : page->changes.rows) ++received[r.row_id];
      cursor = page->changes.cursor;
      if (!page->more) return;
    }
  };
  std::thread watcher([&] {
    for (std::thread& t : writers) t.join();
    done = true;
  });
  while (!done) {
    pull();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  watcher.join();
  pull();
  ASSERT_EQ(failures.load(), 0);

  auto stored = reader.db->Exec("SELECT count(*), min(_seq), max(_seq) FROM customers");
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  const int64_t rows = stored->Int(0, 0);
  EXPECT_GT(rows, kWriters * kSets);
  // Every row once: none skipped, none twice (each was written once).
  EXPECT_EQ(static_cast<int64_t>(received.size()), rows);
  for (const auto& [id, times] : received) EXPECT_EQ(times, 1) << id;
  // The numbers are exactly 1..N: one per row, and the shared sets applied once.
  EXPECT_EQ(stored->Int(0, 1), 1);
  EXPECT_EQ(stored->Int(0, 2), rows);
  auto latest = reader.hub->LatestSeq();
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(static_cast<int64_t>(*latest), rows);
  for (int k = 0; k < kShared; ++k) {
    const std::string id = "shared-" + std::to_string(k);
    EXPECT_EQ(shared_answers[0][id], shared_answers[1][id]) << id;
    EXPECT_EQ(shared_answers[0][id].rows_accepted, 3u) << id;
  }
  auto logged = reader.db->Exec("SELECT count(*) FROM fb_change_log");
  ASSERT_TRUE(logged.ok());
  EXPECT_EQ(logged->Int(0, 0), rows);
}

}  // namespace
}  // namespace fieldbook::testing
