// The merge engine on the storage seam (issue #15): the hub's merge run on PostgreSQL stores what
// it stores on SQLite. Thousands of pushed row changes from several reps (customers edited column
// by column, with losing and winning versions, tombstones, CHECK refusals; insert-only visits
// with refused edits) are applied in small batches on the backend under test and, as the
// reference, by the engine on a plain SQLite Db (the code path every replica and today's hub
// run). Every outcome, every stored value, version and sequence number, and the origins must be
// the same. Then everything is applied again row by row in another order: nothing changes.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "column_versions.h"
#include "fieldbook/catalog.h"
#include "fieldbook/migrations.h"
#include "fieldbook/sqlite_db.h"
#include "merge_engine.h"
#include "postgres/sql_backend.h"

namespace fieldbook::testing {
namespace {

constexpr MergeOptions kHubMerge{.enforce_fact_immutability = true, .update_changed_columns = true};

std::string Describe(const Status& s, const MergeOutcome& o) {
  if (!s.ok()) return std::string(StatusCodeName(s.code())) + ": " + s.message();
  std::string out = o.changed ? (o.created ? "created" : "changed") : "unchanged";
  for (int c : o.changed_columns) out += " " + std::to_string(c);
  return out;
}

// Every row of the tables, by id: values, then each column's version with its origin's replica
// id (the origin indexes themselves may differ between databases).
template <typename Database>
std::map<std::string, std::string> Rows(Database& db, const Catalog& catalog,
                                        OriginRegistry& origins,
                                        const std::vector<std::string>& tables) {
  std::map<std::string, std::string> out;
  for (const std::string& name : tables) {
    const TableInfo& t = *catalog.Find(name);
    ForEachRow(db, "SELECT " + StoredRowColumns(t) + " FROM \"" + t.name + "\"", [&](auto& stmt) {
      StoredRow row;
      EXPECT_TRUE(DecodeStoredRow(t, stmt, row).ok());
      std::string line = "seq " + std::to_string(row.seq) + ":";
      for (size_t i = 0; i < row.values.size(); ++i) {
        const ColumnVersion& v = row.versions[i];
        line += " " + ShowValue(row.values[i]);
        if (!v.empty()) {
          line += "@" + std::to_string(v.hlc.packed()) + "/" + origins.IdOf(v.origin) + "/" +
                  std::to_string(v.seq);
        }
      }
      out[name + "/" + stmt.Text(static_cast<int>(t.columns.size() + 2))] = line;
    });
  }
  return out;
}

// Pushed changes from `reps`: customers edited column by column over time, some tombstoned, some
// values a CHECK rule refuses; visits recorded once and sometimes "edited" (refused: facts).
std::vector<RowChange> Changes(const std::vector<std::string>& reps, int customers, int visits,
                               std::mt19937& rng) {
  std::vector<RowChange> out;
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  const uint64_t base_ms = 1'780'000'000'000;
  auto hlc = [&]() { return Hlc((base_ms + static_cast<uint64_t>(pick(100000))) << 16 | pick(3)); };
  const std::array<std::string, 4> relationship = {"potential", "existing", "vip", "bogus"};
  for (int k = 0; k < customers; ++k) {
    const std::string id = "cus-" + std::to_string(k * 7919 % 100003);
    const int edits = 1 + pick(4);
    for (int e = 0; e < edits; ++e) {
      RowChange rc{.table = "customers", .row_id = id, .columns = {}};
      const auto origin = static_cast<uint32_t>(pick(static_cast<int>(reps.size())));
      auto put = [&](const std::string& column, Value v) {
        rc.columns.push_back(ColumnChange{column, std::move(v), hlc(), origin});
      };
      if (e == 0 || pick(2)) put("name", "鑫达汽修 " + std::to_string(k) + "-" + std::to_string(e));
      if (pick(2)) put("city", pick(2) ? Value("广州") : Value());
      if (pick(3) == 0) put("relationship", relationship[static_cast<size_t>(pick(4))]);
      if (pick(3) == 0) put("lat", pick(10) ? Value(23.1 + pick(1000) / 997.0) : Value(95.5));
      if (pick(4) == 0) put("owner_rep_id", reps[static_cast<size_t>(pick(3))]);
      if (pick(9) == 0) put("deleted", int64_t{pick(2)});
      if (rc.columns.empty()) put("notes", std::string(static_cast<size_t>(pick(300)), 'n'));
      out.push_back(std::move(rc));
    }
  }
  for (int k = 0; k < visits; ++k) {
    const std::string id = "vis-" + std::to_string(k);
    const auto origin = static_cast<uint32_t>(pick(static_cast<int>(reps.size())));
    const Hlc at = hlc();
    RowChange rc{.table = "visits", .row_id = id, .columns = {}};
    rc.columns.push_back({"customer_id", "cus-" + std::to_string(pick(customers)), at, origin});
    rc.columns.push_back({"check_in", "2026-05-0" + std::to_string(1 + pick(9)), at, origin});
    rc.columns.push_back({"notes", "visit " + std::to_string(k), at, origin});
    out.push_back(rc);
    if (pick(5) == 0) {  // an edit of a recorded fact (a later version): refused
      RowChange edit = rc;
      edit.columns = {{"notes", "edited", Hlc(at.packed() + 1000), origin}};
      out.push_back(edit);
    }
  }
  std::shuffle(out.begin(), out.end(), rng);
  return out;
}

class MergeEngineBothTest : public SqlBackendTest {
 protected:
  void SetUp() override {
    SqlBackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    Migrate();
    if (HasFatalFailure()) return;
    // The reference: the engine on a plain SQLite Db, as replicas and today's hub run it.
    auto db = Db::Open(":memory:");
    ASSERT_TRUE(db.ok());
    ref_db_ = std::move(db).value();
    ASSERT_TRUE(ApplyMigrations(*ref_db_, HubMigrations()).ok());
    auto catalog = Catalog::Load(*ref_db_);  // PostgreSQL's columns are in the same order
    ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
    catalog_ = std::move(catalog).value();
    ref_origins_ = std::make_unique<OriginRegistry>(*ref_db_);
    ASSERT_TRUE(ref_origins_->Load().ok());
    ref_merge_ = std::make_unique<MergeEngine>(*ref_db_, *ref_origins_, kHubMerge);
    origins_ = std::make_unique<OriginRegistry>(sql());
    ASSERT_TRUE(origins_->Load().ok());
    merge_ = std::make_unique<MergeEngine>(sql(), *origins_, kHubMerge);
  }
  void TearDown() override {
    merge_.reset();
    origins_.reset();
    SqlBackendTest::TearDown();
  }

  std::unique_ptr<Db> ref_db_;
  Catalog catalog_;
  std::unique_ptr<OriginRegistry> ref_origins_;
  std::unique_ptr<MergeEngine> ref_merge_;
  std::unique_ptr<OriginRegistry> origins_;
  std::unique_ptr<MergeEngine> merge_;
};

TEST_P(MergeEngineBothTest, ThousandsOfPushedChangesMergeAsOnSqlite) {
  const std::vector<std::string> reps = {"rep-wang", "rep-li", "rep-zhang", "rep-chen"};
  std::mt19937 rng(20261206);
  const std::vector<RowChange> changes = Changes(reps, 1200, 500, rng);
  ASSERT_GT(changes.size(), 3000u);
  constexpr size_t kBatch = 37;  // small pushes
  std::vector<std::string> outcomes;
  std::vector<std::string> ref_outcomes;
  uint64_t seq = 0;
  for (size_t first = 0; first < changes.size(); first += kBatch) {
    ++seq;
    std::vector<BatchRow> rows;
    for (size_t i = first; i < std::min(changes.size(), first + kBatch); ++i) {
      rows.push_back(BatchRow{.table = catalog_.Find(changes[i].table), .change = &changes[i]});
    }
    std::vector<RowOutcome> got;
    std::vector<RowOutcome> want;
    {
      auto tx = sql().Begin();
      ASSERT_TRUE(tx.ok());
      Status s = merge_->ApplyBatch(rows, reps, seq, "hub", got);
      ASSERT_TRUE(s.ok()) << s.ToString();
      ASSERT_TRUE((*tx)->Commit().ok());
    }
    {
      auto tx = Transaction::Begin(*ref_db_);
      ASSERT_TRUE(tx.ok());
      ASSERT_TRUE(ref_merge_->ApplyBatch(rows, reps, seq, "hub", want).ok());
      ASSERT_TRUE((*tx)->Commit().ok());
    }
    for (const RowOutcome& o : got) outcomes.push_back(Describe(o.status, o.outcome));
    for (const RowOutcome& o : want) ref_outcomes.push_back(Describe(o.status, o.outcome));
  }
  // Some of each kind, so the comparison covers them.
  auto count = [&](std::string_view prefix) {
    return std::count_if(outcomes.begin(), outcomes.end(),
                         [&](const std::string& s) { return s.starts_with(prefix); });
  };
  EXPECT_GT(count("created"), 1000);
  EXPECT_GT(count("changed"), 100);
  EXPECT_GT(count("unchanged"), 10);
  EXPECT_GT(count("rejected"), 20);
  ASSERT_EQ(outcomes.size(), ref_outcomes.size());
  for (size_t i = 0; i < outcomes.size(); ++i) {
    // Refusal messages name the database's own wording; the kind must match.
    const bool refused = outcomes[i].starts_with("rejected") || outcomes[i].starts_with("invalid");
    if (refused) {
      EXPECT_EQ(outcomes[i].substr(0, 8), ref_outcomes[i].substr(0, 8)) << i;
    } else {
      EXPECT_EQ(outcomes[i], ref_outcomes[i]) << i << " " << changes[i].row_id;
    }
  }
  const std::vector<std::string> tables = {"customers", "visits"};
  const auto stored = Rows(sql(), catalog_, *origins_, tables);
  const auto reference = Rows(*ref_db_, catalog_, *ref_origins_, tables);
  EXPECT_EQ(stored.size(), reference.size());
  EXPECT_GT(stored.size(), 1500u);
  size_t differing = 0;
  for (const auto& [key, line] : reference) {
    auto it = stored.find(key);
    if (it == stored.end() || it->second != line) {
      if (++differing <= 5) {
        ADD_FAILURE() << key << "\n  stored:    "
                      << (it == stored.end() ? std::string("(missing)") : it->second)
                      << "\n  reference: " << line;
      }
    }
  }
  EXPECT_EQ(differing, 0u);

  // Every change that was applied, again, one row at a time, in another order: nothing changes.
  // (A refused change is left out: in another order its refused column may lose to a newer one,
  // and the rest of it then applies, on both backends alike.)
  std::vector<size_t> order;
  for (size_t i = 0; i < changes.size(); ++i) {
    if (!outcomes[i].starts_with("rejected") && !outcomes[i].starts_with("invalid")) {
      order.push_back(i);
    }
  }
  std::shuffle(order.begin(), order.end(), rng);
  {
    auto tx = sql().Begin();
    ASSERT_TRUE(tx.ok());
    for (size_t i : order) {
      auto applied = merge_->Apply(*catalog_.Find(changes[i].table), changes[i], reps, seq + 1,
                                   nullptr, "hub");
      ASSERT_TRUE(applied.ok()) << applied.status().ToString();
      EXPECT_FALSE(applied->changed) << changes[i].row_id;
    }
    ASSERT_TRUE((*tx)->Commit().ok());
  }
  EXPECT_TRUE(Rows(sql(), catalog_, *origins_, tables) == stored);
}

FB_BOTH_BACKENDS(MergeEngineBothTest);

// Two instances register the same new replica at once: the second waits for the first's commit,
// then reads its index, rather than failing on the unique key or registering it twice.
class OriginRegistryPgTest : public pg::testing::PgMigratedTest {};

TEST_F(OriginRegistryPgTest, TwoInstancesRegisteringOneReplicaAgreeOnItsIndex) {
  auto other = Connect();
  ASSERT_NE(other, nullptr);
  pg::PgSqlDb first_sql(*db_), second_sql(*other);
  OriginRegistry first(first_sql), second(second_sql);
  ASSERT_TRUE(first.Load().ok());
  ASSERT_TRUE(second.Load().ok());
  auto tx1 = first_sql.Begin();
  ASSERT_TRUE(tx1.ok());
  auto one = first.Intern("rep-new");
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  Result<uint32_t> two = Status::Internal("not run");
  std::thread waiter([&] {
    auto tx2 = second_sql.Begin();
    ASSERT_TRUE(tx2.ok());
    two = second.Intern("rep-new");
    ASSERT_TRUE((*tx2)->Commit().ok());
  });
  WaitUntilBlocked(other->backend_pid());
  ASSERT_TRUE((*tx1)->Commit().ok());
  waiter.join();
  ASSERT_TRUE(two.ok()) << two.status().ToString();
  EXPECT_EQ(*two, *one);
  auto count = db_->Exec("SELECT count(*) FROM fb_origins WHERE replica_id = 'rep-new'");
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(count->Int(0, 0), 1);
  EXPECT_EQ(second.IdOf(*one), "rep-new");
}

}  // namespace
}  // namespace fieldbook::testing
