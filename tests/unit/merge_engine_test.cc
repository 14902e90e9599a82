// MergeEngine::ApplyBatch against MergeEngine::Apply: a batch leaves the same rows (values,
// versions, sequence numbers, even rowids), gives every row the same outcome or refusal, tells the
// listener the same before and after images, and registers the same origins as applying its rows
// one after the other -- with new rows, stored rows, a row named twice, pending local writes,
// changes that lose, unknown columns, rows a CHECK rule refuses, and refused fact edits.
#include "merge_engine.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "column_versions.h"
#include "fieldbook/catalog.h"
#include "fieldbook/migrations.h"
#include "fieldbook/sqlite_db.h"
#include "support/temp_dir.h"

namespace fieldbook {
namespace {

// Everything the listener hears, per row, in the order it hears it about that row.
class RecordingListener final : public RowWriteListener {
 public:
  void Before(const TableInfo& table, const std::string& row_id,
              const std::vector<Value>& values) override {
    events[table.name + "/" + row_id].push_back("before " + Show(values));
  }
  void After(const TableInfo& table, const std::string& row_id, bool created,
             const std::vector<Value>& values) override {
    events[table.name + "/" + row_id].push_back(std::string(created ? "created " : "after ") +
                                                Show(values));
  }
  std::map<std::string, std::vector<std::string>> events;

 private:
  static std::string Show(const std::vector<Value>& values) {
    std::string out;
    for (const Value& v : values) {
      if (const auto* s = std::get_if<std::string>(&v)) {
        out += "'" + *s + "'";
      } else if (const auto* i = std::get_if<int64_t>(&v)) {
        out += std::to_string(*i);
      } else if (const auto* d = std::get_if<double>(&v)) {
        out += std::to_string(*d);
      } else {
        out += "NULL";
      }
      out += ",";
    }
    return out;
  }
};

// A database with the domain tables, the sync bookkeeping (fb_origins) and the client's search
// index triggers (the replica's migrations up to 0004, and the products table), a trigger that logs
// the rowid every insert gets, and a merge engine on it.
struct Side {
  explicit Side(const std::string& path, MergeOptions options = {}) {
    auto opened = Db::Open(path);
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    db = std::move(*opened);
    // Tables the catalog names that later migrations add (the product catalogue, customer
    // preferences, visit check-ins, review dismissals) come too.
    std::vector<Migration> migrations;
    for (const Migration& m : ReplicaMigrations()) {
      if (m.version <= 4 || std::string_view(m.name).ends_with("_products.sql") ||
          std::string_view(m.name).ends_with("_customer_preferences.sql") ||
          std::string_view(m.name).ends_with("_visit_checkins.sql") ||
          std::string_view(m.name).ends_with("_review_dismissals.sql")) {
        migrations.push_back(m);
      }
    }
    auto migrated = ApplyMigrations(*db, migrations);
    EXPECT_TRUE(migrated.ok()) << migrated.status().ToString();
    EXPECT_TRUE(db->ExecScript("CREATE TABLE inserted (tbl TEXT, row_id TEXT, rid INTEGER);"
                               "CREATE TRIGGER log_visits AFTER INSERT ON visits BEGIN INSERT INTO "
                               "inserted VALUES ('visits', NEW.id, NEW.rowid); END;"
                               "CREATE TRIGGER log_customers AFTER INSERT ON customers BEGIN "
                               "INSERT INTO inserted VALUES ('customers', NEW.id, NEW.rowid); END;")
                    .ok());
    auto loaded = Catalog::Load(*db);
    EXPECT_TRUE(loaded.ok()) << loaded.status().ToString();
    catalog = std::move(*loaded);
    origins = std::make_unique<OriginRegistry>(*db);
    EXPECT_TRUE(origins->Load().ok());
    merge = std::make_unique<MergeEngine>(*db, *origins, options, &listener);
  }

  // Every row of `sql`, each as text.
  std::vector<std::string> Dump(const std::string& sql) {
    std::vector<std::string> out;
    auto stmt = db->Prepare(sql);
    EXPECT_TRUE(stmt.ok()) << sql;
    if (!stmt.ok()) return out;
    while (true) {
      auto row = (*stmt)->Step();
      EXPECT_TRUE(row.ok());
      if (!row.ok() || !*row) break;
      std::string line;
      for (int i = 0; i < (*stmt)->ColumnCount(); ++i) {
        line += (*stmt)->IsNull(i) ? std::string("NULL") : (*stmt)->Text(i);
        line += "|";
      }
      out.push_back(line);
    }
    return out;
  }

  std::unique_ptr<Db> db;
  Catalog catalog;
  std::unique_ptr<OriginRegistry> origins;
  RecordingListener listener;
  std::unique_ptr<MergeEngine> merge;
};

std::string Describe(const Status& s, const MergeOutcome& o) {
  if (!s.ok()) return s.ToString();
  std::string out = o.changed ? (o.created ? "created" : "changed") : "unchanged";
  for (int c : o.changed_columns) out += " " + std::to_string(c);
  return out;
}

// Applies `rows` row by row on `a` and as one batch on `b`, then compares everything.
void ExpectBatchMatchesRowByRow(Side& a, Side& b, const std::vector<RowChange>& rows,
                                const std::vector<std::string>& origins,
                                const std::map<std::string, PendingVersions>& pending, uint64_t seq,
                                bool assume_new = false) {
  const std::string local = "replica-local";
  std::vector<std::string> one_by_one;
  ASSERT_TRUE(a.db->ExecScript("BEGIN").ok());
  for (const RowChange& rc : rows) {
    const TableInfo* t = a.catalog.Find(rc.table);
    ASSERT_NE(t, nullptr);
    auto it = pending.find(rc.row_id);
    auto outcome =
        a.merge->Apply(*t, rc, origins, seq, it == pending.end() ? nullptr : &it->second, local);
    one_by_one.push_back(outcome.ok() ? Describe(Status::Ok(), *outcome)
                                      : Describe(outcome.status(), {}));
  }
  ASSERT_TRUE(a.db->ExecScript("COMMIT").ok());

  std::vector<BatchRow> batch;
  for (const RowChange& rc : rows) {
    auto it = pending.find(rc.row_id);
    batch.push_back(BatchRow{b.catalog.Find(rc.table), &rc,
                             it == pending.end() ? nullptr : &it->second,
                             assume_new && it == pending.end()});
  }
  std::vector<RowOutcome> outcomes;
  ASSERT_TRUE(b.db->ExecScript("BEGIN").ok());
  ASSERT_TRUE(b.merge->ApplyBatch(batch, origins, seq, local, outcomes).ok());
  ASSERT_TRUE(b.db->ExecScript("COMMIT").ok());
  ASSERT_EQ(outcomes.size(), rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(Describe(outcomes[i].status, outcomes[i].outcome), one_by_one[i])
        << "row " << i << ": " << rows[i].table << " " << rows[i].row_id;
  }
  for (const char* sql :
       {"SELECT rowid, * FROM customers ORDER BY rowid",
        "SELECT rowid, * FROM visits ORDER BY rowid", "SELECT rowid, * FROM orders ORDER BY rowid",
        "SELECT * FROM inserted ORDER BY tbl, rid",
        "SELECT idx, replica_id FROM fb_origins ORDER BY idx"}) {
    EXPECT_EQ(b.Dump(sql), a.Dump(sql)) << sql;
  }
  EXPECT_EQ(b.listener.events, a.listener.events);
}

ColumnChange Col(std::string column, Value value, uint64_t hlc, uint32_t origin) {
  return ColumnChange{std::move(column), std::move(value), Hlc(hlc), origin};
}

class MergeEngineBatchTest : public ::testing::Test {
 protected:
  testing::TempDir dir_;
};

// The random batches of ABatchMatchesApplyingItsRowsOneAfterTheOther, every row of them marked
// assume_new or not.
// `a` applies them row by row, `b` as batches, each with its options.
void RandomBatchesMatchRowByRow(const testing::TempDir& dir, bool assume_new,
                                MergeOptions a_options = {}, MergeOptions b_options = {}) {
  Side a(dir.File("a.db"), a_options);
  Side b(dir.File("b.db"), b_options);
  std::mt19937_64 rng(20261123);
  const std::vector<std::string> origins = {"replica-1", "replica-2", "hub", "replica-local"};
  std::map<std::string, PendingVersions> pending;
  uint64_t hlc = 1000;
  for (int round = 0; round < 6; ++round) {
    std::vector<RowChange> rows;
    for (int i = 0; i < 400; ++i) {
      const int kind = static_cast<int>(rng() % 3);
      // A small id space, so that later rounds (and rows of the same batch) meet stored rows.
      const std::string id = std::to_string(rng() % 300);
      const uint32_t origin = static_cast<uint32_t>(rng() % 3);
      // Versions now and then older than what is stored: such columns must not change.
      const uint64_t at = rng() % 5 == 0 ? hlc - 500 : ++hlc;
      RowChange rc;
      if (kind == 0) {
        rc.table = "customers";
        rc.row_id = "c" + id;
        rc.columns.push_back(Col("name", "顺通汽配 " + std::to_string(rng() % 50), at, origin));
        if (rng() % 2) rc.columns.push_back(Col("city", "广州", at, origin));
        if (rng() % 3 == 0) {
          // Every so often a value a CHECK rule refuses.
          rc.columns.push_back(
              Col("customer_type", rng() % 4 == 0 ? "spaceship" : "garage", at, origin));
        }
        if (rng() % 20 == 0) rc.columns.push_back(Col("deleted", int64_t{1}, at, origin));
      } else {
        rc.table = kind == 1 ? "visits" : "orders";
        rc.row_id = (kind == 1 ? "v" : "o") + id;
        rc.columns.push_back(Col("customer_id", "c" + std::to_string(rng() % 300), at, origin));
        if (kind == 1) {
          rc.columns.push_back(Col("notes", "换刹车片 " + std::to_string(rng() % 9), at, origin));
          if (rng() % 25 == 0) rc.columns.push_back(Col("lat", 123.0, at, origin));  // refused
        } else {
          rc.columns.push_back(
              Col("amount_cents", static_cast<int64_t>(rng() % 90000), at, origin));
        }
      }
      switch (rng() % 40) {
        case 0:
          rc.columns.push_back(Col("no_such_column", "x", at, origin));
          break;
        case 1:
          rc.columns.push_back(Col("notes", "x", at, 9));  // an origin the set does not list
          break;
        case 2:
          rc.columns.front().hlc = Hlc();  // no timestamp
          break;
        default:
          break;
      }
      rows.push_back(std::move(rc));
    }
    // Local writes waiting to be pushed on a few rows: newer ones keep their columns.
    if (round == 3) {
      for (const char* id : {"c1", "c2", "c3", "v5"}) {
        const TableInfo* t = a.catalog.Find(id[0] == 'c' ? "customers" : "visits");
        PendingVersions p(t->columns.size());
        for (Hlc& h : p) h = Hlc(hlc + 200);
        pending[id] = p;
      }
    }
    SCOPED_TRACE("round " + std::to_string(round));
    ExpectBatchMatchesRowByRow(a, b, rows, origins, pending, /*seq=*/0, assume_new);
  }
  // The batches met every case at least once.
  auto count = [&](const char* sql) { return a.Dump(sql).front(); };
  EXPECT_NE(count("SELECT count(*) FROM customers"), "0|");
  EXPECT_NE(count("SELECT count(*) FROM orders"), "0|");
  EXPECT_NE(count("SELECT count(*) FROM customers WHERE customer_type = 'garage'"), "0|");
}

TEST_F(MergeEngineBatchTest, ABatchMatchesApplyingItsRowsOneAfterTheOther) {
  RandomBatchesMatchRowByRow(dir_, /*assume_new=*/false);
}

// Issue 12: a snapshot's rows are inserted without being looked for first (BatchRow::assume_new).
// Here most of them are stored after all (the same small id space, rows named twice): their
// inserts fail and they are read and merged then, with exactly the outcome of reading first --
// rows, rowids, versions, refusals, origins and what the listener hears.
TEST_F(MergeEngineBatchTest, RowsAssumedNewThatAreStoredAfterAllMergeAsIfReadFirst) {
  RandomBatchesMatchRowByRow(dir_, /*assume_new=*/true);
}

// Issue 17: the hub writes a stored row that changes with an UPDATE of the columns that changed
// (MergeOptions::update_changed_columns), not an upsert of all of them. Row by row and in batches,
// it stores exactly what the upsert stores: values, versions, rowids, refusals by CHECK rules,
// and what the listener hears.
TEST_F(MergeEngineBatchTest, AnUpdateOfTheChangedColumnsStoresWhatTheUpsertStores) {
  const MergeOptions update{.update_changed_columns = true};
  {
    SCOPED_TRACE("batches with updates, rows one by one with upserts");
    RandomBatchesMatchRowByRow(dir_, /*assume_new=*/false, {}, update);
  }
  testing::TempDir other;
  {
    SCOPED_TRACE("rows one by one with updates, batches of rows assumed new with upserts");
    RandomBatchesMatchRowByRow(other, /*assume_new=*/true, update, {});
  }
}

TEST_F(MergeEngineBatchTest, AsOnTheHubRefusedFactEditsAndSequenceNumbersMatch) {
  Side a(dir_.File("a.db"), MergeOptions{.enforce_fact_immutability = true});
  Side b(dir_.File("b.db"), MergeOptions{.enforce_fact_immutability = true});
  const std::vector<std::string> origins = {"replica-1"};
  std::vector<RowChange> first;
  for (int i = 0; i < 70; ++i) {
    first.push_back(RowChange{"visits",
                              "v" + std::to_string(i),
                              {Col("customer_id", "c1", 100, 0), Col("notes", "first", 100, 0)}});
  }
  ExpectBatchMatchesRowByRow(a, b, first, origins, {}, /*seq=*/7);
  // Editing a recorded fact is refused; recording new ones in the same batch is not.
  std::vector<RowChange> second;
  for (int i = 60; i < 80; ++i) {
    second.push_back(
        RowChange{"visits", "v" + std::to_string(i), {Col("notes", "edited", 200, 0)}});
  }
  ExpectBatchMatchesRowByRow(a, b, second, origins, {}, /*seq=*/8);
  EXPECT_EQ(a.Dump("SELECT count(*) FROM visits WHERE notes = 'edited'").front(), "10|");
  EXPECT_EQ(a.Dump("SELECT count(*) FROM visits WHERE _seq = 7").front(), "70|");
}

TEST_F(MergeEngineBatchTest, ARowARuleRefusesLeavesTheRestOfItsInsertStatementWritten) {
  Side b(dir_.File("b.db"));
  const std::vector<std::string> origins = {"hub"};
  std::vector<RowChange> rows;
  for (int i = 0; i < 100; ++i) {
    rows.push_back(
        RowChange{"customers",
                  "c" + std::to_string(i),
                  {Col("name", "店 " + std::to_string(i), 100, 0),
                   Col("customer_type", i == 10 || i == 70 ? "spaceship" : "garage", 100, 0)}});
  }
  std::vector<BatchRow> batch;
  for (const RowChange& rc : rows) batch.push_back(BatchRow{b.catalog.Find("customers"), &rc});
  std::vector<RowOutcome> outcomes;
  ASSERT_TRUE(b.db->ExecScript("BEGIN").ok());
  ASSERT_TRUE(b.merge->ApplyBatch(batch, origins, 0, "local", outcomes).ok());
  ASSERT_TRUE(b.db->ExecScript("COMMIT").ok());
  for (int i = 0; i < 100; ++i) {
    if (i == 10 || i == 70) {
      EXPECT_EQ(outcomes[i].status.code(), StatusCode::kRejected) << i;
      EXPECT_NE(outcomes[i].status.message().find("refused by a rule of customers"),
                std::string::npos)
          << outcomes[i].status.ToString();
    } else {
      EXPECT_TRUE(outcomes[i].status.ok()) << i << ": " << outcomes[i].status.ToString();
      EXPECT_TRUE(outcomes[i].outcome.created) << i;
    }
  }
  EXPECT_EQ(b.Dump("SELECT count(*) FROM customers").front(), "98|");
  EXPECT_TRUE(b.Dump("SELECT id FROM customers WHERE id IN ('c10', 'c70')").empty());
  // The listener heard of the 98 rows written, and of nothing else.
  EXPECT_EQ(b.listener.events.size(), 98u);
  EXPECT_EQ(b.listener.events.count("customers/c10"), 0u);
}

}  // namespace
}  // namespace fieldbook
