// DomainStoresTest: a ServerStore on either backend of the storage seam (/Sqlite: a server.db in a
// temporary folder; /Postgres: ServerStore::Open on a database of its own on FIELDBOOK_TEST_PG's
// cluster (a migrated PgScratchDatabase, support/pg_scratch.h), collated en-US by ICU, so that only
// SQLite's byte order asked for by the stores gives SQLite's orders), seeded through the store
// itself (hub writes, so scopes, feeds and duplicate flags are the server's own) with a
// distributor's worth of data: 6 reps with regions, a manager and a disabled rep, 12 territories in
// 3 regions, each given to a rep, and 1,000 customers (every 31st deleted; every 4th owned by
// nobody, so held through its territory; every 13th of no territory; every 40th without a name;
// every 7th id upper-case, so byte order and a database collation disagree; names mixing
// "garage"/"Garage", "ÄRGER" and Chinese; every 50th sharing the previous one's phone) with their
// orders and visits. Every expectation is computed from the seed below, never from the other
// backend.
//
// Thread safety: one test thread.
#ifndef FIELDBOOK_TESTS_POSTGRES_DOMAIN_STORES_FIXTURE_H_
#define FIELDBOOK_TESTS_POSTGRES_DOMAIN_STORES_FIXTURE_H_

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fieldbook/dates.h"
#include "postgres/sql_backend.h"
#include "store/server_store.h"
#include "support/fake_clock.h"
#include "support/pg_scratch.h"
#include "support/temp_dir.h"

namespace fieldbook::testing {

class DomainStoresTest : public ::testing::TestWithParam<Backend> {
 public:
  // The seed, customer i of 1..kCustomers.
  static constexpr int kCustomers = 1000;
  static constexpr int kReps = 6;
  static constexpr int kTerritories = 12;

  static std::string Num(int n, int width) {
    std::string s = std::to_string(n);
    return std::string(static_cast<size_t>(std::max(0, width - static_cast<int>(s.size()))), '0') +
           s;
  }
  static std::string Id(int i) { return (i % 7 == 0 ? "CUS-" : "cus-") + Num(i, 4); }
  static std::string Rep(int r) { return "rep-" + Num(r, 2); }
  static std::string Territory(int t) { return "ter-" + Num(t, 2); }
  static bool Deleted(int i) { return i % 31 == 0; }
  static std::optional<std::string> Name(int i) {
    if (i % 40 == 0) return std::nullopt;
    if (i % 11 == 0) return "ÄRGER Autohaus " + Num(i, 4);
    if (i % 3 == 0) return "garage " + Num(i, 4);
    if (i % 3 == 1) return "Garage " + Num(i, 4);
    return "鑫达汽修 " + Num(i, 4);
  }
  static std::optional<std::string> Latin(int i) {
    if (i % 5 == 0) return "GARAGE-LATIN " + Num(i, 4);
    return std::nullopt;
  }
  static std::string City(int i) { return i % 2 ? "广州" : "佛山"; }
  static std::string Phone(int i) { return "138" + Num(i % 50 == 0 ? i - 1 : i, 8); }
  static int TerritoryOf(int i) { return i % 13 == 0 ? 0 : 1 + i % kTerritories; }  // 0: none
  static int TerritoryRep(int t) { return 1 + t % kReps; }
  static std::string Region(int t) { return "R" + std::to_string(t % 3); }
  static int OwnerOf(int i) { return i % 4 == 0 ? 0 : 1 + i % kReps; }  // 0: none
  // Who holds customer i: its owner, else its territory's rep, else nobody ("").
  static std::string HolderOf(int i) {
    if (OwnerOf(i) != 0) return Rep(OwnerOf(i));
    if (TerritoryOf(i) != 0) return Rep(TerritoryRep(TerritoryOf(i)));
    return "";
  }
  static std::string TierOf(int i) {
    static const char* kTiers[] = {"VIP", "A", "B", "C", ""};
    return kTiers[i % 5];
  }
  static std::string CreatedAt(int i) {
    return "2025-" + Num(1 + i % 12, 2) + "-" + Num(1 + i % 28, 2) + "T08:00:00Z";
  }
  static std::string Relationship(int i) {
    static const char* k[] = {"potential", "existing", "vip", ""};
    return k[i % 4];
  }
  static std::string Stage(int i) {
    static const char* k[] = {"aware", "interested", "deciding", "customer", ""};
    return k[i % 5];
  }
  static int Orders(int i) { return i % 4; }
  static std::string OrderId(int i, int k) { return "ord-" + Num(i, 4) + "-" + std::to_string(k); }
  int32_t OrderDay(int i, int k) const { return today_ - (i * 7 + k * 29) % 400; }
  static int64_t Amount(int i) { return 1000 + (i * 37 % 500) * 100; }
  static int Visits(int i) { return i % 3; }
  static std::string VisitId(int i, int k) { return "vis-" + Num(i, 4) + "-" + std::to_string(k); }
  int32_t VisitDay(int i, int k) const { return today_ - (i * 3 + k * 11) % 200; }
  // Live customers, in byte order of their ids.
  static std::vector<int> LiveCustomers();

 protected:
  void SetUp() override;
  void TearDown() override;

  bool postgres() const { return GetParam() == Backend::kPostgres; }
  server::ServerStore& store() { return *store_; }
  // Rows written through the store in batches; fails the test on a refusal.
  void WriteAll(const std::vector<RowWrite>& rows);
  // The first column of every row `sql` selects, as text.
  std::vector<std::string> Column(const std::string& sql);

  FakeWallClock wall_;
  int32_t today_ = 0;
  TempDir dir_;
  std::unique_ptr<server::ServerStore> store_;

 private:
  void Seed();
  std::unique_ptr<PgScratchDatabase> database_;  // PostgreSQL: the test's own database
};

}  // namespace fieldbook::testing

#endif  // FIELDBOOK_TESTS_POSTGRES_DOMAIN_STORES_FIXTURE_H_
