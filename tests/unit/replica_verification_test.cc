// Replica::ApplyRepair and friends (docs/sync.md, "Verification and repair"), in process against
// a scope-less hub: a replica edited behind the app's back is made whole by re-sending only the
// buckets whose digests differ, without touching the outbox or the device's pending writes.
#include <gtest/gtest.h>

#include "fieldbook/canonical_export.h"
#include "fieldbook/hub.h"
#include "fieldbook/replica.h"
#include "support/digest_fixture.h"
#include "support/fake_clock.h"
#include "support/sync_fixture.h"
#include "support/temp_dir.h"

namespace fieldbook {
namespace {

using testing::BuildRepair;
using testing::DifferingBuckets;
using testing::Exec;
using testing::FakeWallClock;
using testing::HubDigestsOfEverything;
using testing::I;
using testing::QueryValue;
using testing::S;
using testing::SyncOnce;

class ReplicaVerificationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto h = Hub::Open(dir_.File("hub.db"), wall_);
    ASSERT_TRUE(h.ok()) << h.status().ToString();
    hub_ = std::move(*h);
    // 40 garages with two visits and a contact each.
    std::vector<RowWrite> rows;
    for (int c = 0; c < 40; ++c) {
      const std::string id = "c" + std::to_string(c);
      rows.push_back(RowWrite{"customers", id, {{"name", S(("鑫达 " + id).c_str())}}});
      rows.push_back(
          RowWrite{"contacts", "k" + id, {{"customer_id", S(id.c_str())}, {"name", S("王师傅")}}});
      for (int v = 0; v < 2; ++v) {
        rows.push_back(RowWrite{"visits",
                                "v" + id + "-" + std::to_string(v),
                                {{"customer_id", S(id.c_str())}, {"notes", S("换刹车片")}}});
      }
    }
    rows.push_back(RowWrite{"reps", "rep-a", {{"name", S("A")}, {"role", S("rep")}}});
    ASSERT_TRUE(hub_->Write(rows).ok());
    ASSERT_TRUE(hub_->Write("customers", "c5", {{"deleted", I(1)}}).ok());  // a tombstone too
    a_ = OpenReplica();
    ASSERT_TRUE(SyncOnce(*a_, *hub_).ok());
    total_rows_ = std::get<int64_t>(
        QueryValue(a_->db(),
                   "SELECT (SELECT count(*) FROM customers) + (SELECT count(*) FROM contacts) + "
                   "(SELECT count(*) FROM visits) + (SELECT count(*) FROM reps)"));
  }
  std::unique_ptr<Replica> OpenReplica() {
    ReplicaOptions o;
    o.replica_id = "device-a";
    auto r = Replica::Open(dir_.File("a.db"), wall_, o);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(*r) : nullptr;
  }
  std::string Export(Db& db, const Catalog& c) {
    auto e = CanonicalExport(db, c);
    EXPECT_TRUE(e.ok()) << e.status().ToString();
    return e.ok() ? *e : std::string();
  }
  // What an outside program does to the closed replica file: drop the triggers that call
  // Fieldbook's functions, then run `sql`.
  void EditBehindTheAppsBack(const std::string& sql) {
    a_.reset();
    auto raw = Db::Open(dir_.File("a.db"));
    ASSERT_TRUE(raw.ok());
    Db& db = **raw;
    std::vector<std::string> names;
    auto triggers = db.Prepare(
        "SELECT name FROM sqlite_schema WHERE type = 'trigger' AND (name GLOB 'fb_*_capture_*' "
        "OR name GLOB 'fb_*_guard_*' OR name GLOB 'fb_*_digest_*' OR name GLOB "
        "'fb_*_keep_*')");
    ASSERT_TRUE(triggers.ok());
    while (true) {
      auto row = (*triggers)->Step();
      ASSERT_TRUE(row.ok());
      if (!*row) break;
      names.push_back((*triggers)->Text(0));
    }
    for (const std::string& name : names) {
      ASSERT_TRUE(db.ExecScript("DROP TRIGGER \"" + name + "\"").ok());
    }
    ASSERT_TRUE(db.ExecScript(sql).ok()) << sql;
    raw->reset();
    a_ = OpenReplica();
  }
  int64_t Count(Db& db, const std::string& sql) { return std::get<int64_t>(QueryValue(db, sql)); }

  testing::TempDir dir_;
  FakeWallClock wall_;
  std::unique_ptr<Hub> hub_;
  std::unique_ptr<Replica> a_;
  int64_t total_rows_ = 0;
};

TEST_F(ReplicaVerificationTest, ADriftedReplicaIsMadeWholeByResendingOnlyTheDifferingBuckets) {
  const std::string hub_export = Export(hub_->db(), hub_->catalog());
  ASSERT_EQ(Export(a_->db(), a_->catalog()), hub_export);
  ASSERT_TRUE(DifferingBuckets(a_->Digests()->digests, HubDigestsOfEverything(*hub_)).empty());

  EditBehindTheAppsBack(
      "DELETE FROM visits WHERE id IN ('vc1-0', 'vc7-1');"
      "UPDATE customers SET name = 'renamed' WHERE id = 'c3';"
      "DELETE FROM contacts WHERE id = 'kc9';"
      "UPDATE visits SET notes = 'forged' WHERE id = 'vc11-0';"
      "UPDATE customers SET deleted = 0 WHERE id = 'c5';"
      "INSERT INTO visits (id, customer_id, notes) VALUES ('v-extra', 'c12', 'never synced');");
  ASSERT_NE(a_, nullptr);
  EXPECT_TRUE(*a_->VerificationWanted());
  ASSERT_NE(Export(a_->db(), a_->catalog()), hub_export);

  auto digests = a_->Digests();
  ASSERT_TRUE(digests.ok());
  const auto differing = DifferingBuckets(digests->digests, HubDigestsOfEverything(*hub_));
  auto slot = [&](const char* table, const char* customer) {
    return testing::DigestKey{static_cast<uint32_t>(a_->catalog().Find(table)->code),
                              DigestBucket(customer, kReplicaDigestBuckets)};
  };
  EXPECT_EQ(differing, (std::set<testing::DigestKey>{
                           slot("visits", "c1"), slot("visits", "c7"), slot("visits", "c11"),
                           slot("visits", "c12"), slot("customers", "c3"), slot("customers", "c5"),
                           slot("contacts", "c9")}));
  testing::TestRepair repair = BuildRepair(*hub_, differing);
  EXPECT_LT(static_cast<int64_t>(repair.rows.rows.size()), total_rows_ / 4)
      << "only the differing buckets are re-sent";
  const int64_t outbox_before = *a_->PendingWriteCount();

  auto stats = a_->ApplyRepair(repair.buckets, repair.rows);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->buckets, differing.size());
  EXPECT_EQ(stats->rows_removed, 1u);  // v-extra
  EXPECT_EQ(stats->rows_written, 6u);  // two visits, a contact, a name, a note, a tombstone
  EXPECT_EQ(stats->rows_failed, 0u);
  EXPECT_EQ(stats->buckets_still_different, 0u);
  EXPECT_EQ(Export(a_->db(), a_->catalog()), hub_export);
  EXPECT_TRUE(DifferingBuckets(a_->Digests()->digests, HubDigestsOfEverything(*hub_)).empty());
  EXPECT_EQ(a_->Digests()->digests, a_->Digests(/*recompute=*/true)->digests);
  EXPECT_EQ(*a_->PendingWriteCount(), outbox_before);  // nothing to push back

  // Repaired rows merge normally afterwards.
  wall_.Advance(1000);
  ASSERT_TRUE(hub_->Write("customers", "c3", {{"phone", S("13800138000")}}).ok());
  ASSERT_TRUE(SyncOnce(*a_, *hub_).ok());
  EXPECT_EQ(Export(a_->db(), a_->catalog()), Export(hub_->db(), hub_->catalog()));
}

TEST_F(ReplicaVerificationTest, PendingLocalWritesSurviveARepairAndStillLand) {
  wall_.Advance(1000);
  ASSERT_TRUE(Exec(a_->db(), "UPDATE customers SET name = 'local edit' WHERE id = 'c2'").ok());
  ASSERT_TRUE(
      Exec(a_->db(), "INSERT INTO visits (id, customer_id, notes) VALUES ('v-new', 'c2', 'today')")
          .ok());
  const int64_t pending = *a_->PendingWriteCount();
  ASSERT_EQ(pending, 2);
  // Digests count settled rows only: c2 left them when it was edited here.
  const auto differing = DifferingBuckets(a_->Digests()->digests, HubDigestsOfEverything(*hub_));
  const testing::DigestKey c2_customers{
      static_cast<uint32_t>(a_->catalog().Find("customers")->code),
      DigestBucket("c2", kReplicaDigestBuckets)};
  const testing::DigestKey c2_visits{static_cast<uint32_t>(a_->catalog().Find("visits")->code),
                                     DigestBucket("c2", kReplicaDigestBuckets)};
  EXPECT_EQ(differing, std::set<testing::DigestKey>{c2_customers});
  // Repairing those buckets (and c2's visits, where the new visit waits) keeps both writes.
  testing::TestRepair repair = BuildRepair(*hub_, {c2_customers, c2_visits});

  auto stats = a_->ApplyRepair(repair.buckets, repair.rows);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->rows_removed, 0u);
  EXPECT_EQ(stats->rows_kept_pending, 2u);
  EXPECT_GT(stats->buckets_still_different, 0u);  // until the writes land
  EXPECT_EQ(QueryValue(a_->db(), "SELECT name FROM customers WHERE id = 'c2'"), S("local edit"));
  EXPECT_EQ(Count(a_->db(), "SELECT count(*) FROM visits WHERE id = 'v-new'"), 1);
  EXPECT_EQ(*a_->PendingWriteCount(), pending);

  ASSERT_TRUE(SyncOnce(*a_, *hub_).ok());
  EXPECT_EQ(QueryValue(hub_->db(), "SELECT name FROM customers WHERE id = 'c2'"), S("local edit"));
  EXPECT_EQ(Count(hub_->db(), "SELECT count(*) FROM visits WHERE id = 'v-new'"), 1);
  EXPECT_EQ(Export(a_->db(), a_->catalog()), Export(hub_->db(), hub_->catalog()));
  EXPECT_TRUE(DifferingBuckets(a_->Digests()->digests, HubDigestsOfEverything(*hub_)).empty());
}

TEST_F(ReplicaVerificationTest, RowsOutsideTheListedBucketsAreNotStored) {
  EditBehindTheAppsBack("DELETE FROM visits WHERE id = 'vc1-0';");
  const auto differing = DifferingBuckets(a_->Digests()->digests, HubDigestsOfEverything(*hub_));
  ASSERT_EQ(differing.size(), 1u);
  testing::TestRepair repair = BuildRepair(*hub_, differing);
  // A row of another bucket slipped in: it is not the repair's to change.
  RowChange stray = repair.rows.rows.front();
  stray.row_id = "v-stray";
  for (ColumnChange& c : stray.columns) {
    if (c.column == "customer_id") {
      for (int i = 0; i < 40; ++i) {
        const std::string other = "c" + std::to_string(i);
        if (DigestBucket(other, kReplicaDigestBuckets) != differing.begin()->second) {
          c.value = Value(other);
          break;
        }
      }
    }
  }
  repair.rows.rows.push_back(stray);
  auto stats = a_->ApplyRepair(repair.buckets, repair.rows);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->rows_failed, 1u);
  EXPECT_EQ(Count(a_->db(), "SELECT count(*) FROM visits WHERE id = 'v-stray'"), 0);
  EXPECT_EQ(Export(a_->db(), a_->catalog()), Export(hub_->db(), hub_->catalog()));
}

TEST_F(ReplicaVerificationTest, ARepairNamingAnImpossibleBucketIsRefusedWholesale) {
  const std::string before = Export(a_->db(), a_->catalog());
  std::vector<BucketDigest> buckets = {BucketDigest{3, 1, 0, 0},
                                       BucketDigest{3, kReplicaDigestBuckets, 0, 0}};
  auto stats = a_->ApplyRepair(buckets, ChangeSet{});
  EXPECT_EQ(stats.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Export(a_->db(), a_->catalog()), before);
}

TEST_F(ReplicaVerificationTest, AnEmptyBucketOnTheHubEmptiesTheReplicasBucket) {
  // The device holds a customer (and its visits) the hub never had.
  EditBehindTheAppsBack(
      "INSERT INTO customers (id, name) VALUES ('ghost', 'not on the hub');"
      "INSERT INTO visits (id, customer_id) VALUES ('v-ghost', 'ghost');");
  const auto differing = DifferingBuckets(a_->Digests()->digests, HubDigestsOfEverything(*hub_));
  testing::TestRepair repair = BuildRepair(*hub_, differing);
  auto stats = a_->ApplyRepair(repair.buckets, repair.rows);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->rows_removed, 2u);
  EXPECT_EQ(Count(a_->db(), "SELECT count(*) FROM customers WHERE id = 'ghost'"), 0);
  EXPECT_EQ(Export(a_->db(), a_->catalog()), Export(hub_->db(), hub_->catalog()));
}

}  // namespace
}  // namespace fieldbook
