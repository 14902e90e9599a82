// Digest tracking: after any mix of writes (local, pulled, acknowledged, rebuilt, purged), the
// incrementally kept digests equal the digests recomputed from the rows, on replicas and on the
// hub, and a replica and the hub holding the same rows hold the same digests. Tampering with the
// triggers is noticed at the next open.
#include "digest_tracker.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "change_capture.h"
#include "fieldbook/hub.h"
#include "fieldbook/migrations.h"
#include "fieldbook/replica.h"
#include "fieldbook/row_digest.h"
#include "support/digest_fixture.h"
#include "support/fake_clock.h"
#include "support/sync_fixture.h"
#include "support/temp_dir.h"

namespace fieldbook {
namespace {

using testing::Exec;
using testing::FakeWallClock;
using testing::HubDigestsOfEverything;
using testing::I;
using testing::QueryValue;
using testing::S;
using testing::SyncOnce;

std::vector<BucketDigest> DigestsOf(Replica& r, bool recompute = false) {
  auto d = r.Digests(recompute);
  EXPECT_TRUE(d.ok()) << d.status().ToString();
  return d.ok() ? d->digests : std::vector<BucketDigest>();
}

std::map<std::pair<uint32_t, uint32_t>, BucketDigest> ByKey(const std::vector<BucketDigest>& v) {
  std::map<std::pair<uint32_t, uint32_t>, BucketDigest> out;
  for (const BucketDigest& d : v) out[{d.table, d.bucket}] = d;
  return out;
}

class DigestTrackerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto h = Hub::Open(dir_.File("hub.db"), wall_);
    ASSERT_TRUE(h.ok()) << h.status().ToString();
    hub_ = std::move(*h);
    a_ = OpenReplica("rep-a");
    b_ = OpenReplica("rep-b");
  }
  std::unique_ptr<Replica> OpenReplica(const std::string& id) {
    ReplicaOptions o;
    o.replica_id = id;
    o.id_seed = std::hash<std::string>{}(id);
    auto r = Replica::Open(dir_.File(id + ".db"), wall_, o);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(*r) : nullptr;
  }
  // One random local write on `r`.
  void RandomWrite(Replica& r, std::mt19937_64& rng, int step) {
    wall_.Advance(1 + rng() % 50);
    const std::string c = "c" + std::to_string(rng() % 12);
    const std::string tag = r.replica_id() + "-" + std::to_string(step);
    Status s;
    switch (rng() % 8) {
      case 0:
        s = Exec(r.db(),
                 "INSERT INTO customers (id, name, city, phone) VALUES (?, ?, '广州', ?) "
                 "ON CONFLICT (id) DO UPDATE SET name = excluded.name",
                 {S(c.c_str()), S(("鑫达 " + tag).c_str()), S(tag.c_str())});
        break;
      case 1:
        s = Exec(
            r.db(), "UPDATE customers SET phone = ?, lat = ? WHERE id = ?",
            {S(tag.c_str()), Value(23.0 + static_cast<double>(rng() % 100) / 1000), S(c.c_str())});
        break;
      case 2:
        s = Exec(r.db(), "UPDATE customers SET deleted = ? WHERE id = ?",
                 {I(static_cast<int64_t>(rng() % 2)), S(c.c_str())});
        break;
      case 3:
        s = Exec(r.db(), "INSERT INTO visits (id, customer_id, notes) VALUES (?, ?, ?)",
                 {S(("v-" + tag).c_str()), S(c.c_str()), S("换刹车片")});
        break;
      case 4:
        s = Exec(r.db(),
                 "INSERT INTO orders (id, customer_id, amount_cents, currency) VALUES (?, ?, ?, "
                 "'CNY')",
                 {S(("o-" + tag).c_str()), S(c.c_str()), I(static_cast<int64_t>(rng() % 100000))});
        break;
      case 5:
        s = Exec(r.db(),
                 "INSERT INTO contacts (id, customer_id, name) VALUES (?, ?, ?) "
                 "ON CONFLICT (id) DO UPDATE SET name = excluded.name",
                 {S(("k" + std::to_string(rng() % 6)).c_str()), S(c.c_str()), S(tag.c_str())});
        break;
      case 6:
        s = Exec(r.db(), "UPDATE contacts SET deleted = 1 - deleted WHERE id = ?",
                 {S(("k" + std::to_string(rng() % 6)).c_str())});
        break;
      default:
        s = Exec(r.db(), "UPDATE customers SET notes = NULL, lat = NULL WHERE id = ?",
                 {S(c.c_str())});
    }
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  testing::TempDir dir_;
  FakeWallClock wall_;
  std::unique_ptr<Hub> hub_;
  std::unique_ptr<Replica> a_;
  std::unique_ptr<Replica> b_;
};

TEST_F(DigestTrackerTest, IncrementalDigestsEqualRecomputedOnesAfterManyWrites) {
  std::mt19937_64 rng(20261123);
  for (int round = 0; round < 12; ++round) {
    for (int i = 0; i < 25; ++i) {
      RandomWrite(*a_, rng, round * 100 + i);
      RandomWrite(*b_, rng, round * 100 + 50 + i);
    }
    // Local writes (capture on) are tracked in the writing statement.
    const std::vector<BucketDigest> a_kept = DigestsOf(*a_);
    EXPECT_EQ(a_kept, DigestsOf(*a_, /*recompute=*/true)) << "round " << round;
    // Pushes, acknowledgements and pulls (capture suspended) go through the deltas.
    ASSERT_TRUE(SyncOnce(*a_, *hub_, /*page_rows=*/7).ok());
    ASSERT_TRUE(SyncOnce(*b_, *hub_, /*page_rows=*/7).ok());
    if (round % 3 == 2) ASSERT_TRUE(SyncOnce(*a_, *hub_).ok());
    const std::vector<BucketDigest> b_kept = DigestsOf(*b_);
    EXPECT_EQ(b_kept, DigestsOf(*b_, /*recompute=*/true)) << "round " << round;
  }
  ASSERT_TRUE(SyncOnce(*a_, *hub_).ok());
  const std::vector<BucketDigest> a_kept = DigestsOf(*a_);
  EXPECT_EQ(a_kept, DigestsOf(*a_, /*recompute=*/true));
  // Both replicas now hold what the hub holds: the same digests, and the hub's (kept on every
  // write, per owner) sum to them too.
  EXPECT_FALSE(a_kept.empty());
  EXPECT_EQ(a_kept, DigestsOf(*b_));
  EXPECT_EQ(a_kept, HubDigestsOfEverything(*hub_));
  // ... which are what a recompute of the hub gives.
  std::vector<BucketDigest> hub_kept = HubDigestsOfEverything(*hub_);
  DigestContext context;
  context.role = DigestRole::kHub;
  ASSERT_TRUE(hub_->db().ExecScript("BEGIN").ok());
  ASSERT_TRUE(RecomputeHubDigests(hub_->db(), hub_->catalog(), context).ok());
  ASSERT_TRUE(hub_->db().ExecScript("COMMIT").ok());
  EXPECT_EQ(hub_kept, HubDigestsOfEverything(*hub_));
}

TEST_F(DigestTrackerTest, TombstonesDoNotCountAndPurgingThemChangesNothing) {
  ASSERT_TRUE(hub_->Write("customers", "c1", {{"name", S("A")}}).ok());
  ASSERT_TRUE(hub_->Write("customers", "c2", {{"name", S("B")}}).ok());
  ASSERT_TRUE(SyncOnce(*a_, *hub_).ok());
  const auto before = ByKey(DigestsOf(*a_));
  const uint32_t customers = static_cast<uint32_t>(a_->catalog().Find("customers")->code);
  uint64_t rows = 0;
  for (const auto& [key, d] : before) {
    if (key.first == customers) rows += d.rows;
  }
  EXPECT_EQ(rows, 2u);

  ASSERT_TRUE(hub_->Write("customers", "c2", {{"deleted", I(1)}}).ok());
  ASSERT_TRUE(SyncOnce(*a_, *hub_).ok());
  rows = 0;
  for (const BucketDigest& d : DigestsOf(*a_)) {
    if (d.table == customers) rows += d.rows;
  }
  EXPECT_EQ(rows, 1u);
  const std::vector<BucketDigest> with_tombstone = HubDigestsOfEverything(*hub_);
  EXPECT_EQ(DigestsOf(*a_), with_tombstone);
  // Compaction removes the tombstone on the hub only: digests stay comparable.
  auto purged = hub_->PurgeTombstones(*hub_->LatestSeq() + 1, 100);
  ASSERT_TRUE(purged.ok()) << purged.status().ToString();
  EXPECT_EQ(purged->rows, 1u);
  EXPECT_EQ(HubDigestsOfEverything(*hub_), with_tombstone);
}

TEST_F(DigestTrackerTest, ARebuildEmptiesTheDigests) {
  ASSERT_TRUE(hub_->Write("customers", "c1", {{"name", S("A")}}).ok());
  ASSERT_TRUE(hub_->Write("visits", "v1", {{"customer_id", S("c1")}, {"notes", S("x")}}).ok());
  ASSERT_TRUE(SyncOnce(*a_, *hub_).ok());
  EXPECT_FALSE(DigestsOf(*a_).empty());
  ASSERT_TRUE(a_->ResetForRebuild().ok());
  EXPECT_TRUE(DigestsOf(*a_).empty());
  ASSERT_TRUE(SyncOnce(*a_, *hub_).ok());
  EXPECT_EQ(DigestsOf(*a_), HubDigestsOfEverything(*hub_));
}

TEST_F(DigestTrackerTest, ARowLeavesTheDigestsWhileItsLocalWritesArePending) {
  ASSERT_TRUE(hub_->Write("customers", "c1", {{"name", S("A")}, {"phone", S("1")}}).ok());
  ASSERT_TRUE(SyncOnce(*a_, *hub_).ok());
  const std::vector<BucketDigest> settled = DigestsOf(*a_);
  ASSERT_EQ(settled, HubDigestsOfEverything(*hub_));

  wall_.Advance(100);
  ASSERT_TRUE(Exec(a_->db(), "UPDATE customers SET name = 'local' WHERE id = 'c1'").ok());
  EXPECT_TRUE(DigestsOf(*a_).empty());  // c1 is pending
  ASSERT_TRUE(Exec(a_->db(), "UPDATE customers SET phone = '2' WHERE id = 'c1'").ok());
  EXPECT_TRUE(DigestsOf(*a_).empty());  // removed once only
  EXPECT_EQ(DigestsOf(*a_), DigestsOf(*a_, /*recompute=*/true));

  // Pushed and acknowledged: back, with its new values.
  ASSERT_TRUE(SyncOnce(*a_, *hub_).ok());
  EXPECT_EQ(QueryValue(hub_->db(), "SELECT name FROM customers WHERE id = 'c1'"), S("local"));
  EXPECT_EQ(DigestsOf(*a_), HubDigestsOfEverything(*hub_));
  EXPECT_NE(DigestsOf(*a_), settled);

  // A local write that a newer hub write supersedes before it is pushed: the push finds nothing
  // left to send and retires it, and the row counts again with the hub's value.
  wall_.Advance(100);
  ASSERT_TRUE(Exec(a_->db(), "UPDATE customers SET name = 'stale' WHERE id = 'c1'").ok());
  wall_.Advance(100);
  ASSERT_TRUE(hub_->Write("customers", "c1", {{"name", S("newer")}}).ok());
  auto page = hub_->Pull(a_->cursor(), 100);
  ASSERT_TRUE(page.ok());
  ASSERT_TRUE(a_->ApplyPull(page->changes).ok());
  auto push = a_->PreparePush();
  ASSERT_TRUE(push.ok());
  EXPECT_FALSE(push->has_value());
  EXPECT_EQ(*a_->PendingWriteCount(), 0);
  EXPECT_EQ(QueryValue(a_->db(), "SELECT name FROM customers WHERE id = 'c1'"), S("newer"));
  EXPECT_EQ(DigestsOf(*a_), HubDigestsOfEverything(*hub_));
  EXPECT_EQ(DigestsOf(*a_), DigestsOf(*a_, /*recompute=*/true));
}

// A value re-entered as it was is a local write too (capture records it): the row leaves the
// digests until its push is acknowledged, then counts once again, not twice.
TEST_F(DigestTrackerTest, AReEnteredValueLeavesTheDigestsUntilAcknowledged) {
  ASSERT_TRUE(hub_->Write("customers", "c1", {{"name", S("A")}, {"phone", S("1")}}).ok());
  ASSERT_TRUE(SyncOnce(*a_, *hub_).ok());
  ASSERT_EQ(DigestsOf(*a_), HubDigestsOfEverything(*hub_));
  wall_.Advance(100);
  ASSERT_TRUE(Exec(a_->db(), "UPDATE customers SET phone = '1' WHERE id = 'c1'").ok());
  EXPECT_EQ(*a_->PendingWriteCount(), 1);
  EXPECT_TRUE(DigestsOf(*a_).empty());
  EXPECT_EQ(DigestsOf(*a_), DigestsOf(*a_, /*recompute=*/true));
  ASSERT_TRUE(SyncOnce(*a_, *hub_).ok());
  EXPECT_EQ(*a_->PendingWriteCount(), 0);
  EXPECT_EQ(DigestsOf(*a_), HubDigestsOfEverything(*hub_));
  EXPECT_EQ(DigestsOf(*a_), DigestsOf(*a_, /*recompute=*/true));
}

TEST_F(DigestTrackerTest, APurgedCustomerLeavesTheDigests) {
  ASSERT_TRUE(hub_->Write("customers", "c1", {{"name", S("A")}}).ok());
  ASSERT_TRUE(hub_->Write("customers", "c2", {{"name", S("B")}}).ok());
  for (const char* c : {"c1", "c2"}) {
    for (int v = 0; v < 3; ++v) {
      const std::string id = std::string("v-") + c + "-" + std::to_string(v);
      ASSERT_TRUE(hub_->Write("visits", id, {{"customer_id", S(c)}}).ok());
    }
    ASSERT_TRUE(hub_->Write("contacts", std::string("k-") + c, {{"customer_id", S(c)}}).ok());
  }
  ASSERT_TRUE(SyncOnce(*a_, *hub_).ok());
  ChangeSet eviction;
  eviction.cursor = a_->cursor();
  eviction.evicted_customers = {"c1"};
  auto stats = a_->ApplyPull(eviction);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  ASSERT_EQ(stats->customers_evicted, 1u);
  EXPECT_EQ(QueryValue(a_->db(), "SELECT count(*) FROM visits"), I(3));
  const std::vector<BucketDigest> kept = DigestsOf(*a_);
  EXPECT_EQ(kept, DigestsOf(*a_, /*recompute=*/true));
  uint64_t rows = 0;
  for (const BucketDigest& d : kept) rows += d.rows;
  EXPECT_EQ(rows, 5u);  // c2, its three visits and its contact
}

TEST_F(DigestTrackerTest, AFreshReplicaDoesNotAskForVerification) {
  auto wanted = a_->VerificationWanted();
  ASSERT_TRUE(wanted.ok());
  EXPECT_FALSE(*wanted);
  a_.reset();
  a_ = OpenReplica("rep-a");
  EXPECT_FALSE(*a_->VerificationWanted());
}

TEST_F(DigestTrackerTest, WritesThatEscapedDroppedTriggersAreNoticedAtTheNextOpen) {
  ASSERT_TRUE(Exec(a_->db(), "INSERT INTO customers (id, name) VALUES ('c1', 'A')").ok());
  ASSERT_TRUE(Exec(a_->db(),
                   "INSERT INTO visits (id, customer_id, notes) VALUES ('v1', 'c1', "
                   "'x'), ('v2', 'c1', 'y')")
                  .ok());
  // Local writes count once they are settled (pushed and acknowledged).
  EXPECT_TRUE(DigestsOf(*a_).empty());
  ASSERT_TRUE(SyncOnce(*a_, *hub_).ok());
  const std::vector<BucketDigest> before = DigestsOf(*a_);
  EXPECT_EQ(before, HubDigestsOfEverything(*hub_));
  a_.reset();
  {
    // What another program has to do to write: drop the triggers that call Fieldbook's
    // functions.
    auto raw = Db::Open(dir_.File("rep-a.db"));
    ASSERT_TRUE(raw.ok());
    Db& db = **raw;
    EXPECT_FALSE(db.ExecScript("DELETE FROM visits WHERE id = 'v2'").ok());  // no such function
    auto triggers = db.Prepare(
        "SELECT name FROM sqlite_schema WHERE type = 'trigger' AND (name GLOB 'fb_*_digest_*' "
        "OR name GLOB 'fb_*_capture_*' OR name GLOB 'fb_*_guard_*' OR name GLOB "
        "'fb_*_keep_*')");
    ASSERT_TRUE(triggers.ok());
    std::vector<std::string> names;
    while (true) {
      auto row = (*triggers)->Step();
      ASSERT_TRUE(row.ok());
      if (!*row) break;
      names.push_back((*triggers)->Text(0));
    }
    for (const std::string& name : names) {
      ASSERT_TRUE(db.ExecScript("DROP TRIGGER \"" + name + "\"").ok());
    }
    ASSERT_TRUE(db.ExecScript("DELETE FROM visits WHERE id = 'v2'").ok());
    ASSERT_TRUE(db.ExecScript("UPDATE customers SET name = 'edited' WHERE id = 'c1'").ok());
  }
  a_ = OpenReplica("rep-a");
  ASSERT_NE(a_, nullptr);
  EXPECT_TRUE(*a_->VerificationWanted());
  const std::vector<BucketDigest> after = DigestsOf(*a_);
  EXPECT_NE(after, before);
  EXPECT_EQ(after, DigestsOf(*a_, /*recompute=*/true));
  // The triggers are back: a raw write fails again, and tracked writes are tracked.
  ASSERT_TRUE(Exec(a_->db(), "INSERT INTO visits (id, customer_id) VALUES ('v3', 'c1')").ok());
  EXPECT_EQ(DigestsOf(*a_), DigestsOf(*a_, /*recompute=*/true));
  ASSERT_TRUE(a_->SetVerificationWanted(false).ok());
  EXPECT_FALSE(*a_->VerificationWanted());
}

TEST_F(DigestTrackerTest, AHandEditedDigestTableIsRebuiltAtTheNextOpen) {
  ASSERT_TRUE(Exec(a_->db(), "INSERT INTO customers (id, name) VALUES ('c1', 'A')").ok());
  ASSERT_TRUE(SyncOnce(*a_, *hub_).ok());
  const std::vector<BucketDigest> before = DigestsOf(*a_);
  ASSERT_FALSE(before.empty());
  a_.reset();
  {
    auto raw = Db::Open(dir_.File("rep-a.db"));
    ASSERT_TRUE(raw.ok());
    ASSERT_TRUE((*raw)
                    ->ExecScript("DELETE FROM fb_digests WHERE bucket = " +
                                 std::to_string(before[0].bucket))
                    .ok());
  }
  a_ = OpenReplica("rep-a");
  EXPECT_EQ(DigestsOf(*a_), before);
  EXPECT_EQ(QueryValue(a_->db(), "SELECT count(*) FROM fb_digests"),
            Value(static_cast<int64_t>(a_->catalog().tables().size() * kReplicaDigestBuckets)));
}

// The guard for a commit that forgot FlushDigestDeltas: the deltas are dropped and the digests
// marked stale, so that they are recomputed before use rather than trusted.
TEST(DigestDeltas, ACommitWithoutFlushMarksTheDigestsStaleAndARollbackDropsThem) {
  auto db = Db::Open(":memory:");
  ASSERT_TRUE(db.ok());
  FakeWallClock wall;
  HybridClock clock(wall, Hlc());
  CaptureContext capture;
  capture.clock = &clock;
  DigestContext context;
  ASSERT_TRUE(RegisterCaptureFunctions(**db, &capture).ok());
  ASSERT_TRUE(RegisterDigestFunctions(**db, &context).ok());
  ASSERT_TRUE(ApplyMigrations(**db, ReplicaMigrations()).ok());
  auto catalog = Catalog::Load(**db);
  ASSERT_TRUE(catalog.ok());
  ASSERT_TRUE(InstallDigestTriggers(**db, *catalog, context).ok());
  const int customers = catalog->Find("customers")->code;

  ASSERT_TRUE((*db)->ExecScript("BEGIN").ok());
  context.deltas.Add(customers, 1, 1, 42);
  ASSERT_TRUE((*db)->ExecScript("ROLLBACK").ok());
  EXPECT_TRUE(context.deltas.empty());
  EXPECT_FALSE(context.stale);

  context.deltas.Add(customers, 1, 1, 42);
  ASSERT_TRUE((*db)->ExecScript("INSERT INTO fb_meta (key, value) VALUES ('x', 1)").ok());
  EXPECT_TRUE(context.stale);
  EXPECT_TRUE(context.deltas.empty());

  ASSERT_TRUE((*db)->ExecScript("BEGIN").ok());
  ASSERT_TRUE(RecomputeReplicaDigests(**db, *catalog, context).ok());
  ASSERT_TRUE((*db)->ExecScript("COMMIT").ok());
  EXPECT_FALSE(context.stale);

  ASSERT_TRUE((*db)->ExecScript("BEGIN").ok());
  context.deltas.Add(customers, 1, 1, 40);
  context.deltas.Add(customers, 1, 1, 2);
  context.deltas.Add(customers, 2, 0, 0);  // touched, cancelled out
  ASSERT_TRUE(FlushDigestDeltas(**db, context).ok());
  ASSERT_TRUE((*db)->ExecScript("COMMIT").ok());
  EXPECT_FALSE(context.stale);
  auto digests = ReadReplicaDigests(**db);
  ASSERT_TRUE(digests.ok());
  EXPECT_EQ(*digests, (std::vector<BucketDigest>{{static_cast<uint32_t>(customers), 1, 2, 42}}));
}

}  // namespace
}  // namespace fieldbook
