#include "postgres/domain_stores_fixture.h"

#include <utility>

namespace fieldbook::testing {

void DomainStoresTest::SetUp() {
  today_ = DayOfMs(static_cast<int64_t>(wall_.NowMs()));
  std::string db = dir_.File("server.db");
  if (postgres()) {
    if (TestPgCluster().empty()) GTEST_SKIP() << kNoTestPgCluster;
    // A database of its own whose collation is not byte order (ICU en-US: 'cus-0001' before
    // 'CUS-0007', punctuation ignored), as a production database may well be: every order the
    // stores give must still be SQLite's.
    database_ = std::make_unique<PgScratchDatabase>(
        "fbd", PgScratchDatabaseOptions{.migrated = true,
                                        .create_options =
                                            "TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8' "
                                            "LOCALE_PROVIDER icu ICU_LOCALE 'en-US'"});
    ASSERT_TRUE(database_->status().ok()) << database_->status().ToString();
    db = database_->conninfo();
  }
  auto opened = server::ServerStore::Open(db, wall_);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  store_ = std::move(opened).value();
  Seed();
}

void DomainStoresTest::TearDown() {
  store_.reset();
  database_.reset();
}

void DomainStoresTest::WriteAll(const std::vector<RowWrite>& rows) {
  constexpr size_t kBatch = 400;
  for (size_t at = 0; at < rows.size(); at += kBatch) {
    std::vector<RowWrite> batch(
        rows.begin() + static_cast<std::ptrdiff_t>(at),
        rows.begin() + static_cast<std::ptrdiff_t>(std::min(rows.size(), at + kBatch)));
    auto written = store_->Write(batch);
    ASSERT_TRUE(written.ok()) << written.status().ToString();
    ASSERT_TRUE(written->rejections.empty()) << written->rejections[0].reason;
  }
}

std::vector<std::string> DomainStoresTest::Column(const std::string& sql) {
  std::vector<std::string> out;
  ForEachRow(store_->sql(), sql, [&](SqlStatement& stmt) { out.push_back(stmt.Text(0)); });
  return out;
}

std::vector<int> DomainStoresTest::LiveCustomers() {
  std::vector<int> out;
  for (int i = 1; i <= kCustomers; ++i) {
    if (!Deleted(i)) out.push_back(i);
  }
  std::sort(out.begin(), out.end(), [](int a, int b) { return Id(a) < Id(b); });
  return out;
}

void DomainStoresTest::Seed() {
  for (int r = 1; r <= kReps + 1; ++r) {
    auto added = store_->AddRep(
        server::NewRep{Rep(r), "Rep " + std::to_string(r), "rep", "", "", Region(r)});
    ASSERT_TRUE(added.ok()) << added.status().ToString();
  }
  ASSERT_TRUE(store_->AddRep(server::NewRep{"mgr-1", "Manager", "manager", "", "", ""}).ok());
  ASSERT_TRUE(store_->DisableRep(Rep(kReps + 1), "test").ok());
  std::vector<RowWrite> rows;
  for (int t = 1; t <= kTerritories; ++t) {
    rows.push_back(RowWrite{"territories",
                            Territory(t),
                            {{"name", Value("Territory " + Num(t, 2))},
                             {"region", Value(Region(t))},
                             {"city", Value(t % 2 ? "广州" : "佛山")}}});
  }
  ASSERT_NO_FATAL_FAILURE(WriteAll(rows));
  for (int t = 1; t <= kTerritories; ++t) {
    Status given = store_->AssignTerritory(Territory(t), Rep(TerritoryRep(t)), "test");
    ASSERT_TRUE(given.ok()) << given.ToString();
  }
  rows.clear();
  for (int i = 1; i <= kCustomers; ++i) {
    std::vector<std::pair<std::string, Value>> cols = {
        {"name", Name(i) ? Value(*Name(i)) : Value()},
        {"name_latin", Latin(i) ? Value(*Latin(i)) : Value()},
        {"city", Value(City(i))},
        {"phone", Value(Phone(i))},
        {"customer_type", Value("garage")},
        {"created_at", Value(CreatedAt(i))}};
    if (TerritoryOf(i)) cols.emplace_back("territory_id", Value(Territory(TerritoryOf(i))));
    if (OwnerOf(i)) cols.emplace_back("owner_rep_id", Value(Rep(OwnerOf(i))));
    if (!TierOf(i).empty()) cols.emplace_back("grade_tier", Value(TierOf(i)));
    if (!Relationship(i).empty()) cols.emplace_back("relationship", Value(Relationship(i)));
    if (!Stage(i).empty()) cols.emplace_back("purchase_stage", Value(Stage(i)));
    rows.push_back(RowWrite{"customers", Id(i), std::move(cols)});
  }
  ASSERT_NO_FATAL_FAILURE(WriteAll(rows));
  rows.clear();
  for (int i = 1; i <= kCustomers; ++i) {
    const std::string holder = HolderOf(i).empty() ? Rep(1) : HolderOf(i);
    for (int k = 0; k < Orders(i); ++k) {
      rows.push_back(RowWrite{"orders",
                              OrderId(i, k),
                              {{"customer_id", Value(Id(i))},
                               {"rep_id", Value(holder)},
                               {"order_date", Value(FormatDay(OrderDay(i, k)))},
                               {"amount_cents", Value(Amount(i))},
                               {"currency", Value("CNY")}}});
    }
    for (int k = 0; k < Visits(i); ++k) {
      rows.push_back(RowWrite{"visits",
                              VisitId(i, k),
                              {{"customer_id", Value(Id(i))},
                               {"rep_id", Value(holder)},
                               {"check_in", Value(FormatDay(VisitDay(i, k)) + "T09:30:00Z")}}});
    }
  }
  ASSERT_NO_FATAL_FAILURE(WriteAll(rows));
  rows.clear();
  for (int i = 1; i <= kCustomers; ++i) {
    if (Deleted(i)) rows.push_back(RowWrite{"customers", Id(i), {{"deleted", Value(int64_t{1})}}});
  }
  ASSERT_NO_FATAL_FAILURE(WriteAll(rows));
}

}  // namespace fieldbook::testing
