// `fieldbook-server migrate --from FILE.db --to postgresql://…` end to end (issue #15): the real
// binary copies a realistic hub (the demo distributor: several reps, thousands of customers,
// visits, orders and lines; a grading run; tombstones; merged duplicates; compacted history; an
// applied push and the nightly lease) into an empty PostgreSQL schema. The test then checks the
// copy itself, independently of the command's own verification: every table's row count, the
// canonical exports of both sides, the hub sequence, floor and epoch, every rep's feed, the ids
// that continue above the copied ones. Then the command's verification is shown to catch a
// changed row and a missing one, and a second copy into the filled target is refused. Hostile
// inputs: a truncated database file, a value PostgreSQL refuses, a damaged byte in a row (sound
// pages: quick_check passes over it), a wrong URL, a target at a newer schema version, one with
// a table of another shape, a damaged feed entry: each is refused, and the target keeps nothing. A
// change in two reps' feeds (a customer two reps hold) is copied into both (PostgreSQL keeps
// SQLite's feed model).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <sstream>

#include "commands/demo_seed.h"
#include "fieldbook/canonical_export.h"
#include "fieldbook/dates.h"
#include "postgres/pg_test_env.h"
#include "store/db_check.h"
#include "store/duplicate_store.h"
#include "store/grading_store.h"
#include "store/pg/pg_change_log.h"
#include "store/pg/pg_export.h"
#include "store/pg/pg_schema.h"
#include "store/server_store.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"

namespace fieldbook::pg::testing {
namespace {

using fieldbook::testing::CommandResult;
using fieldbook::testing::RunCommand;
using fieldbook::testing::TempDir;

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The hubs the tests copy, each made once a process (the demo seed takes a while under the
// sanitizers): the realistic one, and a small one (the demo with 40 customers) for the hostile
// cases, which only need every kind of row present.
class SeededHub {
 public:
  static const SeededHub& Get(bool realistic) {
    static SeededHub* big = nullptr;
    static SeededHub* small = nullptr;
    SeededHub*& hub = realistic ? big : small;
    if (hub == nullptr) hub = new SeededHub(realistic);
    return *hub;
  }
  std::string path() const { return dir_.File("hub.db"); }
  std::string merged_loser, tombstone;  // a customer merged away, one deleted

 private:
  explicit SeededHub(bool realistic) { Build(realistic); }
  void Build(bool realistic) {
    ASSERT_TRUE(server::PrepareNewServerFile(path()).ok());
    SystemWallClock wall;
    auto store = server::ServerStore::Open(path(), wall);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    server::ServerStore& s = **store;
    server::DemoSeedOptions seed;
    seed.customers = realistic ? 700 : 40;
    seed.today = "2026-11-20";
    auto seeded = server::SeedDemo(s, wall, seed);
    ASSERT_TRUE(seeded.ok()) << seeded.status().ToString();
    ASSERT_GE(seeded->reps.size(), 3u);
    if (!realistic) return;
    auto graded = server::GradingStore(s).GradeAll(*ParseDay("2026-11-20"));
    ASSERT_TRUE(graded.ok()) << graded.status().ToString();

    // Pairs of customers of one rep: the first pairs merged, then the first of the next pairs
    // deleted.
    Db& db = s.hub().db();
    // Neighbours in id order among one rep's customers.
    auto ids = db.Prepare(
        "SELECT id, owner_rep_id FROM customers WHERE owner_rep_id IS NOT NULL AND deleted = 0 "
        "ORDER BY owner_rep_id, id");
    ASSERT_TRUE(ids.ok());
    std::vector<std::pair<std::string, std::string>> pairs;
    std::string last_id, last_rep;
    while (*(*ids)->Step()) {
      const std::string id = (*ids)->Text(0), rep = (*ids)->Text(1);
      if (!last_id.empty() && rep == last_rep) {
        pairs.emplace_back(last_id, id);
        last_id.clear();
      } else {
        last_id = id;
      }
      last_rep = rep;
    }
    (*ids)->Reset();
    ASSERT_GE(pairs.size(), 40u);
    server::DuplicateStore duplicates(s);
    for (size_t i = 0; i < 10; ++i) {
      auto merged = duplicates.Merge(pairs[i].first, pairs[i].second, "mgr", "same garage");
      ASSERT_TRUE(merged.ok()) << merged.status().ToString();
    }
    merged_loser = pairs[0].second;
    std::vector<RowWrite> deletes;
    for (size_t i = 10; i < 40; ++i) {
      deletes.push_back({"customers", pairs[i].first, {{"deleted", Value(int64_t{1})}}});
    }
    ASSERT_TRUE(s.Write(deletes).ok());
    tombstone = pairs[10].first;
    // Compaction below a third of the history, then more changes above it.
    auto latest = s.hub().LatestSeq();
    ASSERT_TRUE(latest.ok());
    ASSERT_TRUE(s.TrimHistory(*latest / 3, 0).ok());
    ASSERT_TRUE(
        s.Write({{"customers", pairs[41].first, {{"notes", Value(std::string("after the trim"))}}}})
            .ok());
    // What a device's push and the nightly job leave: an applied set, the lease.
    ASSERT_TRUE(db.ExecScript("INSERT INTO fb_applied_sets VALUES ('set-1', 'replica-1', "
                              "x'00ff10', 1764950400123);"
                              "INSERT INTO srv_nightly_lease VALUES ('nightly', 'host-1', 7, "
                              "1764950460999)")
                    .ok());
  }
  TempDir dir_;
};

class MigrateTest : public PgTest {
 protected:
  // The connection string of this test's schema for the binary.
  std::string Target() const { return ConninfoWithSchema(); }

  CommandResult Migrate(const std::string& from, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"migrate", "--from",       from, "--to",
                                     Target(),  "--batch-rows", "250"};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunCommand(FIELDBOOK_SERVER_BINARY, args);
  }

  // A copy of a hub file this test may change.
  std::string HubCopy(bool realistic = false) {
    const std::string copy = dir_.File("hub.db");
    std::filesystem::copy_file(SeededHub::Get(realistic).path(), copy);
    return copy;
  }

  // Runs `sql` on a copy of the hub (a hostile change the program would not make), then migrate:
  // refused with `message`, nothing copied.
  void ExpectRefusedAfter(const std::string& sql, const std::string& message) {
    const std::string copy = HubCopy();
    {
      auto db = Db::Open(copy);
      ASSERT_TRUE(db.ok()) << db.status().ToString();
      Status s = (*db)->ExecScript(sql);
      ASSERT_TRUE(s.ok()) << s.ToString();
    }
    const CommandResult run = Migrate(copy);
    EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
    EXPECT_TRUE(Has(run.err, message)) << run.err;
    ExpectNothingCopied();
  }

  int64_t Count(const std::string& table) {
    auto rows = db_->Exec("SELECT count(*) FROM \"" + table + "\"");
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() ? rows->Int(0, 0) : -1;
  }

  // Whether the schema holds no row anywhere (tables it may not even have).
  void ExpectNothingCopied() {
    auto tables = db_->Exec(
        "SELECT count(*) FROM pg_class WHERE relnamespace = current_schema()::regnamespace AND "
        "relname = 'customers'");
    ASSERT_TRUE(tables.ok());
    if (tables->Int(0, 0) == 0) return;
    EXPECT_EQ(Count("customers"), 0);
    EXPECT_EQ(Count("fb_change_log"), 0);
    EXPECT_EQ(Count("srv_scope"), 0);
  }

  TempDir dir_;
};

TEST_F(MigrateTest, ARealisticHubIsCopiedWhole) {
  SystemWallClock wall;
  auto store = server::ServerStore::Open(HubCopy(/*realistic=*/true), wall);
  ASSERT_TRUE(store.ok());
  Db& hub = (*store)->hub().db();
  const Catalog& catalog = (*store)->hub().catalog();

  const CommandResult run = Migrate(dir_.File("hub.db"));
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_TRUE(Has(run.out, "identical:")) << run.out;

  // Every table with a twin: the same number of rows, and thousands in the big ones.
  auto tables = hub.Prepare(
      "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite%' AND name "
      "NOT IN ('fb_meta', 'srv_nightly_lease')");
  ASSERT_TRUE(tables.ok());
  int compared = 0;
  while (*(*tables)->Step()) {
    const std::string t = (*tables)->Text(0);
    auto n = hub.Prepare("SELECT count(*) FROM \"" + t + "\"");
    ASSERT_TRUE(n.ok() && *(*n)->Step());
    EXPECT_EQ(Count(t), (*n)->Int(0)) << t;
    (*n)->Reset();
    ++compared;
  }
  EXPECT_GE(compared, 30);
  EXPECT_GE(Count("customers"), 700);
  EXPECT_GE(Count("visits"), 2000);
  EXPECT_GT(Count("srv_grade_runs"), 0);
  EXPECT_EQ(Count("srv_merges"), 10);
  EXPECT_EQ(Count("fb_leases"), 1);

  // The canonical exports are the same bytes, tombstones and merged rows included.
  auto source = CanonicalExport(hub, catalog);
  ASSERT_TRUE(source.ok());
  std::ostringstream target;
  ASSERT_TRUE(WritePgCanonicalExport(*db_, catalog, target).ok());
  EXPECT_TRUE(source.value() == target.str());
  EXPECT_GT(std::count(source->begin(), source->end(), '\n'), 10000);
  auto gone =
      db_->Exec("SELECT deleted FROM customers WHERE id = $1", {SeededHub::Get(true).tombstone});
  ASSERT_TRUE(gone.ok() && gone->size() == 1);
  EXPECT_EQ(gone->Int(0, 0), 1);

  // The hub's sequence, floor, epoch and clock; the translated tables.
  auto meta = hub.Prepare(
      "SELECT key, value FROM fb_meta WHERE key IN ('seq', 'history_floor', "
      "'epoch', 'feed_floor', 'hlc')");
  ASSERT_TRUE(meta.ok());
  std::map<std::string, int64_t> m;
  while (*(*meta)->Step()) m[(*meta)->Text(0)] = (*meta)->Int(1);
  (*meta)->Reset();
  ASSERT_GT(m["history_floor"], 0);
  auto seq = db_->Exec("SELECT value, floor, epoch, feed_floor, hlc FROM fb_hub_seq");
  ASSERT_TRUE(seq.ok());
  EXPECT_EQ(seq->Int(0, 0), m["seq"]);
  EXPECT_EQ(seq->Int(0, 1), m["history_floor"]);
  EXPECT_EQ(seq->Int(0, 2), m["epoch"]);
  EXPECT_EQ(seq->Int(0, 3), m["feed_floor"]);
  EXPECT_EQ(seq->Int(0, 4), m["hlc"]);
  EXPECT_NE(m["epoch"], 0);
  EXPECT_NE(m["hlc"], 0);
  auto set = db_->Exec(
      "SELECT replica_id, result, (extract(epoch FROM applied_at) * 1000)::bigint FROM "
      "fb_applied_sets WHERE set_id = 'set-1'");
  ASSERT_TRUE(set.ok() && set->size() == 1);
  EXPECT_EQ(set->Bytes(0, 1), std::string("\x00\xff\x10", 3));
  EXPECT_EQ(set->Int(0, 2), 1764950400123);

  // Every rep's feed: its entries above the floor whose row still has that sequence are entries
  // of the change stream on PostgreSQL too.
  const int64_t floor = m["history_floor"];
  auto reps = hub.Prepare("SELECT DISTINCT rep_id FROM srv_feed");
  ASSERT_TRUE(reps.ok());
  int feeds = 0;
  while (*(*reps)->Step()) {
    const std::string rep = (*reps)->Text(0);
    int64_t expected = 0;
    for (const TableInfo& t : catalog.tables()) {
      auto n = hub.Prepare("SELECT count(*) FROM srv_feed f JOIN \"" + t.name +
                           "\" r ON r._seq = f.seq WHERE f.tbl = ? AND f.rep_id = ? AND f.seq > ?");
      ASSERT_TRUE(n.ok());
      (*n)->Bind(1, t.code).Bind(2, rep).Bind(3, floor);
      ASSERT_TRUE(*(*n)->Step());
      expected += (*n)->Int(0);
      (*n)->Reset();
    }
    auto got = db_->Exec(
        "SELECT count(*) FROM srv_feed f JOIN fb_change_log l ON l.seq = f.seq AND l.table_code "
        "= f.tbl WHERE f.rep_id = $1 AND f.seq > $2",
        {rep, floor});
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(got->Int(0, 0), expected) << "feed of '" << rep << "'";
    if (!rep.empty()) EXPECT_GT(expected, 0) << rep;
    ++feeds;
  }
  (*reps)->Reset();
  EXPECT_GE(feeds, 4);  // the shared feed and three reps at least
  auto below = db_->Exec("SELECT count(*) FROM fb_change_log WHERE seq <= $1", {floor});
  ASSERT_TRUE(below.ok());
  EXPECT_EQ(below->Int(0, 0), 0);

  // Ids continue above the copied ones.
  auto top = hub.Prepare("SELECT max(id) FROM srv_audit");
  ASSERT_TRUE(top.ok() && *(*top)->Step());
  const int64_t audit_max = (*top)->Int(0);
  (*top)->Reset();
  ASSERT_GT(audit_max, 0);
  auto next = db_->Exec("SELECT nextval(pg_get_serial_sequence('srv_audit', 'id'))");
  ASSERT_TRUE(next.ok());
  EXPECT_GT(next->Int(0, 0), audit_max);

  // A second copy into the filled target is refused and changes nothing.
  const int64_t customers = Count("customers");
  const CommandResult again = Migrate(dir_.File("hub.db"));
  EXPECT_EQ(again.exit_code, 1) << again.out << again.err;
  EXPECT_TRUE(Has(again.err, "not empty")) << again.err;
  EXPECT_EQ(Count("customers"), customers);

  // The verification sees a changed row, names it, and then a missing server row.
  ASSERT_TRUE(db_->Exec("UPDATE customers SET name = name || ' (edited)' WHERE id = $1",
                        {SeededHub::Get(true).merged_loser})
                  .ok());
  const CommandResult edited = Migrate(dir_.File("hub.db"), {"--verify-only"});
  EXPECT_EQ(edited.exit_code, 3) << edited.out << edited.err;
  EXPECT_TRUE(Has(edited.err, "table customers, row " + SeededHub::Get(true).merged_loser))
      << edited.err;
  // Found by the canonical exports (the server's export code on each side): both lines shown,
  // the damaged value on the target's only.
  EXPECT_TRUE(Has(edited.err,
                  "source: {\"table\":\"customers\",\"id\":\"" + SeededHub::Get(true).merged_loser))
      << edited.err;
  EXPECT_TRUE(Has(edited.err, " (edited)\"")) << edited.err;
  EXPECT_FALSE(Has(edited.err.substr(0, edited.err.find("target:")), "(edited)")) << edited.err;
  ASSERT_TRUE(db_->Exec("UPDATE customers SET name = left(name, -9) WHERE id = $1",
                        {SeededHub::Get(true).merged_loser})
                  .ok());
  const CommandResult restored = Migrate(dir_.File("hub.db"), {"--verify-only"});
  EXPECT_EQ(restored.exit_code, 0) << restored.out << restored.err;
  auto scope = db_->Exec(
      "DELETE FROM srv_scope WHERE (rep_id, customer_id) = (SELECT rep_id, customer_id FROM "
      "srv_scope ORDER BY customer_id DESC LIMIT 1) RETURNING rep_id, customer_id");
  ASSERT_TRUE(scope.ok() && scope->size() == 1);
  const CommandResult missing = Migrate(dir_.File("hub.db"), {"--verify-only"});
  EXPECT_EQ(missing.exit_code, 3) << missing.out << missing.err;
  EXPECT_TRUE(
      Has(missing.err, "table srv_scope, row " + scope->Text(0, 0) + "/" + scope->Text(0, 1)))
      << missing.err;
  EXPECT_TRUE(Has(missing.err, "target: (no such row)")) << missing.err;
}

TEST_F(MigrateTest, ATruncatedDatabaseIsRefusedBeforeTheTargetIsTouched) {
  const std::string copy = HubCopy();
  std::filesystem::resize_file(copy, std::filesystem::file_size(copy) / 2);
  const CommandResult run = Migrate(copy);
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_FALSE(run.err.empty());
  auto tables = db_->Exec(
      "SELECT count(*) FROM pg_class WHERE relnamespace = current_schema()::regnamespace");
  ASSERT_TRUE(tables.ok());
  EXPECT_EQ(tables->Int(0, 0), 0) << "the target was touched";
}

TEST_F(MigrateTest, AValuePostgresRefusesRollsTheWholeCopyBack) {
  // SQLite keeps text in an INTEGER column; PostgreSQL's bigint does not.
  ExpectRefusedAfter(
      "UPDATE orders SET amount_cents = 'lots' WHERE rowid = (SELECT max(rowid) "
      "FROM orders)",
      "copying orders");
}

// A damaged byte inside a row's value (a customer's name that is no longer UTF-8) leaves every
// page sound: migrate's full quick_check passes over it, as serve's start check would. The copy
// reads each table whole, and PostgreSQL refuses the text: the copy is rolled back whole, the
// error names the table, and the target keeps nothing.
TEST_F(MigrateTest, ADamagedByteQuickCheckMissesRollsTheWholeCopyBack) {
  ExpectRefusedAfter(
      "UPDATE customers SET name = CAST(X'e5a4' AS TEXT) || name WHERE rowid = (SELECT "
      "max(rowid) FROM customers)",
      "copying customers");
}

// A change SQLite entered in two reps' feeds (a customer two reps hold) is in both feeds on
// PostgreSQL: each rep's pull finds it.
TEST_F(MigrateTest, AChangeInTwoRepsFeedsIsCopiedIntoBoth) {
  const std::string copy = HubCopy();
  int64_t seq = 0;
  std::string first_rep;
  {
    auto db = Db::Open(copy);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    auto last = (*db)->Prepare(
        "SELECT rep_id, seq FROM srv_feed WHERE rep_id <> '' ORDER BY seq DESC LIMIT 1");
    ASSERT_TRUE(last.ok() && *(*last)->Step());
    first_rep = (*last)->Text(0);
    seq = (*last)->Int(1);
    (*last)->Reset();
    ASSERT_TRUE((*db)
                    ->ExecScript("INSERT INTO srv_feed (rep_id, seq, tbl) SELECT 'rep-second', "
                                 "seq, tbl FROM srv_feed WHERE seq = " +
                                 std::to_string(seq) + " AND rep_id <> ''")
                    .ok());
  }
  const CommandResult run = Migrate(copy);
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  PgChangeLog log(*db_);
  std::vector<std::string> rows;
  for (const std::string& rep : {first_rep, std::string("rep-second")}) {
    auto page = log.FeedAfter(rep, static_cast<uint64_t>(seq - 1), 10);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    ASSERT_FALSE(page->empty()) << rep;
    EXPECT_EQ(page->front().seq, static_cast<uint64_t>(seq)) << rep;
    rows.push_back(page->front().change.row_id);
  }
  EXPECT_FALSE(rows[0].empty());  // the latest change: its row has that sequence
  EXPECT_EQ(rows[0], rows[1]);
}

// A damaged feed entry (text where the table code goes) is refused, naming the table, and
// nothing is copied.
TEST_F(MigrateTest, ADamagedFeedEntryRollsTheWholeCopyBack) {
  ExpectRefusedAfter(
      "UPDATE srv_feed SET tbl = 'customers' WHERE seq = (SELECT max(seq) FROM "
      "srv_feed)",
      "srv_feed");
}

// A target schema named in capitals (quoted in search_path) is found by its name: the emptiness
// check cast current_schema() to regnamespace, which reads the name unquoted ("schema does not
// exist"), so migrate refused every such target.
TEST_F(MigrateTest, ATargetSchemaNamedInCapitalsIsCheckedAndFilled) {
  const std::string capitals = "Fb_" + schema();  // test-made names: letters, digits and '_'
  ASSERT_TRUE(
      db_->ExecScript("ALTER SCHEMA \"" + schema() + "\" RENAME TO \"" + capitals + "\"").ok());
  std::string target = Target();
  const std::string plain = "-csearch_path=" + schema();
  const size_t at = target.find(plain);
  ASSERT_NE(at, std::string::npos) << target;
  target.replace(at, plain.size(), "-csearch_path=\"" + capitals + "\"");
  const std::string from = HubCopy();
  const CommandResult run = RunCommand(
      FIELDBOOK_SERVER_BINARY, {"migrate", "--from", from, "--to", target, "--batch-rows", "250"});
  const CommandResult again = RunCommand(
      FIELDBOOK_SERVER_BINARY, {"migrate", "--from", from, "--to", target, "--batch-rows", "250"});
  auto customers = db_->Exec("SELECT count(*) FROM \"" + capitals + "\".customers");
  ASSERT_TRUE(
      db_->ExecScript("ALTER SCHEMA \"" + capitals + "\" RENAME TO \"" + schema() + "\"").ok());
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_TRUE(Has(run.out, "identical:")) << run.out;
  ASSERT_TRUE(customers.ok()) << customers.status().ToString();
  EXPECT_GT(customers->Int(0, 0), 0);
  EXPECT_EQ(again.exit_code, 1) << again.out << again.err;
  EXPECT_TRUE(Has(again.err, "not empty")) << again.err;
}

TEST_F(MigrateTest, AWrongTargetIsRefused) {
  const std::string from = HubCopy();
  CommandResult run = RunCommand(FIELDBOOK_SERVER_BINARY, {"migrate", "--from", from, "--to",
                                                           "postgresql://127.0.0.1:1/nothing"});
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_TRUE(Has(run.err, "migrate:")) << run.err;
  run = RunCommand(FIELDBOOK_SERVER_BINARY, {"migrate", "--from", from, "--to", "hub2.db"});
  EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
  EXPECT_TRUE(Has(run.err, "connection string")) << run.err;
}

TEST_F(MigrateTest, ATargetAtANewerSchemaVersionIsRefused) {
  ASSERT_TRUE(MigratePg(*db_).ok());
  ASSERT_TRUE(db_->ExecScript("INSERT INTO fb_pg_migrations (version, name) VALUES (999, "
                              "'0999_from_the_future')")
                  .ok());
  const CommandResult run = Migrate(HubCopy());
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_TRUE(Has(run.err, "newer")) << run.err;
  ExpectNothingCopied();
}

TEST_F(MigrateTest, ATargetTableOfAnotherShapeIsRefused) {
  ASSERT_TRUE(MigratePg(*db_).ok());
  ASSERT_TRUE(db_->ExecScript("ALTER TABLE visits ADD COLUMN from_elsewhere text").ok());
  const CommandResult run = Migrate(HubCopy());
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_TRUE(Has(run.err, "visits")) << run.err;
  EXPECT_TRUE(Has(run.err, "schema version")) << run.err;
  ExpectNothingCopied();
}

}  // namespace
}  // namespace fieldbook::pg::testing
