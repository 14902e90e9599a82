// Replica verification end to end in one process: the real SyncService answering the real
// SyncEngine on real replica files, with VerificationStore deciding who is asked, comparing
// digests against each rep's scope and re-sending only the buckets that differ.
#include "store/verification_store.h"

#include <gtest/gtest.h>

#include "api/sync_service.h"
#include "fieldbook/change_set_codec.h"
#include "fieldbook/replica.h"
#include "fieldbook/row_digest.h"
#include "http/metrics.h"
#include "support/service_sync_fixture.h"
#include "support/service_transport.h"
#include "support/sync_fixture.h"
#include "sync/sync_engine.h"

namespace fieldbook::server {
namespace {

using fieldbook::testing::Exec;
using fieldbook::testing::I;
using fieldbook::testing::QueryValue;
using fieldbook::testing::S;
using fieldbook::testing::ServiceTransport;

class VerificationTest : public fieldbook::testing::ServiceSyncFixture {
 protected:
  void SetUp() override { Start(SyncServiceOptions{}); }
  void Start(SyncServiceOptions options) {
    ASSERT_NO_FATAL_FAILURE(OpenStore());
    auto a = store_->AddRep(NewRep{"rep-a", "A", "rep", "", "", ""});
    auto b = store_->AddRep(NewRep{"rep-b", "B", "rep", "", "", ""});
    ASSERT_TRUE(a.ok() && b.ok());
    token_a_ = a->second;
    token_b_ = b->second;
    // 30 garages for rep-a and 10 for rep-b, each with a contact and three visits.
    std::vector<RowWrite> rows;
    for (int c = 0; c < 40; ++c) {
      const std::string id = "c" + std::to_string(c);
      const char* owner = c < 30 ? "rep-a" : "rep-b";
      rows.push_back(RowWrite{
          "customers", id, {{"name", S(("鑫达 " + id).c_str())}, {"owner_rep_id", S(owner)}}});
      rows.push_back(
          RowWrite{"contacts", "k" + id, {{"customer_id", S(id.c_str())}, {"name", S("王")}}});
      for (int v = 0; v < 3; ++v) {
        rows.push_back(RowWrite{"visits",
                                "v" + id + "-" + std::to_string(v),
                                {{"customer_id", S(id.c_str())}, {"notes", S("换刹车片")}}});
      }
    }
    ASSERT_TRUE(store_->Write(rows).ok());
    service_ = std::make_unique<SyncService>(*store_, metrics_, wall_, options);
  }
  Result<client::SyncReport> Sync(Replica& device, ServiceTransport& transport) {
    client::SyncEngine engine(device, transport, client::SyncOptions{.page_rows = 50});
    return engine.SyncOnce();
  }
  // An outside program edits the closed replica file: it must drop Fieldbook's triggers first.
  // With `restore_triggers` it puts them back afterwards, byte for byte, so that the replica
  // cannot tell at open (only a deep verification finds such an edit).
  std::unique_ptr<Replica> EditBehindTheAppsBack(std::unique_ptr<Replica> device,
                                                 const std::string& name, const std::string& sql,
                                                 bool restore_triggers = false) {
    device.reset();
    {
      auto raw = Db::Open(dir_.File(name + ".db"));
      EXPECT_TRUE(raw.ok());
      Db& db = **raw;
      std::vector<std::pair<std::string, std::string>> triggers;
      auto list = db.Prepare(
          "SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND (name GLOB "
          "'fb_*_capture_*' OR name GLOB 'fb_*_guard_*' OR name GLOB 'fb_*_digest_*' OR name "
          "GLOB 'fb_*_keep_*')");
      EXPECT_TRUE(list.ok());
      while (true) {
        auto row = (*list)->Step();
        if (!row.ok() || !*row) break;
        triggers.emplace_back((*list)->Text(0), (*list)->Text(1));
      }
      for (const auto& [trigger, text] : triggers) {
        EXPECT_TRUE(db.ExecScript("DROP TRIGGER \"" + trigger + "\"").ok());
      }
      EXPECT_TRUE(db.ExecScript(sql).ok()) << sql;
      if (restore_triggers) {
        for (const auto& [trigger, text] : triggers) EXPECT_TRUE(db.ExecScript(text).ok());
      }
    }
    return OpenDevice(name);
  }
  int64_t DeviceRows(Replica& device) {
    return std::get<int64_t>(
        QueryValue(device.db(),
                   "SELECT (SELECT count(*) FROM customers) + (SELECT count(*) FROM contacts) + "
                   "(SELECT count(*) FROM visits) + (SELECT count(*) FROM reps)"));
  }

  std::string token_a_, token_b_;
};

TEST_F(VerificationTest, AReplicaIsOnlyAskedWhenVerificationWasRequested) {
  auto device = OpenDevice("laptop-a");
  ServiceTransport transport(*service_, token_a_);
  auto first = Sync(*device, transport);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_FALSE(first->verified);
  EXPECT_EQ(transport.digest_requests, 0);

  VerificationStore verification(*store_, wall_);
  auto asked = verification.RequestVerification("rep-a", false, "test");
  ASSERT_TRUE(asked.ok()) << asked.status().ToString();
  EXPECT_EQ(*asked, 1u);
  EXPECT_TRUE(verification.Wanted("rep-a", "laptop-a")->verify);
  EXPECT_FALSE(verification.Wanted("rep-b", "laptop-b")->verify);

  auto second = Sync(*device, transport);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_TRUE(second->verified);
  EXPECT_EQ(second->buckets_repaired, 0u);
  EXPECT_EQ(second->round_trips, 2);  // the sync, then the digests
  EXPECT_EQ(transport.digest_requests, 1);
  EXPECT_FALSE(verification.Wanted("rep-a", "laptop-a")->verify);

  // Answered: the next sync is one round trip again.
  auto third = Sync(*device, transport);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->round_trips, 1);
  EXPECT_EQ(transport.digest_requests, 1);

  auto summary = verification.Summary(0);
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->checks, 1);
  EXPECT_EQ(summary->replicas_verified, 1);
  EXPECT_EQ(summary->replicas_repaired, 0);
  EXPECT_EQ(summary->reps_pending, 0);

  EXPECT_EQ(verification.RequestVerification("nobody").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(*verification.RequestVerification(""), 2u);  // every active rep
  EXPECT_TRUE(verification.Wanted("rep-a", "laptop-a")->verify);
  EXPECT_EQ(verification.Summary(0)->reps_pending, 2);
}

TEST_F(VerificationTest, ADriftedReplicaIsRepairedByResendingOnlyTheBucketsThatDiffer) {
  auto device = OpenDevice("laptop-a");
  ServiceTransport transport(*service_, token_a_);
  ASSERT_TRUE(Sync(*device, transport).ok());
  const std::string expected = ServerExport("rep-a");
  ASSERT_EQ(DeviceExport(*device), expected);
  const int64_t total = DeviceRows(*device);

  device = EditBehindTheAppsBack(std::move(device), "laptop-a",
                                 "DELETE FROM visits WHERE id IN ('vc1-0', 'vc1-2', 'vc4-1');"
                                 "UPDATE customers SET name = 'renamed' WHERE id = 'c2';"
                                 "DELETE FROM contacts WHERE id = 'kc3';"
                                 "INSERT INTO visits (id, customer_id) VALUES ('v-stray', 'c5');");
  ASSERT_NE(device, nullptr);
  ASSERT_NE(DeviceExport(*device), expected);

  VerificationStore verification(*store_, wall_);
  ASSERT_TRUE(verification.RequestVerification("rep-a").ok());
  auto report = Sync(*device, transport);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->verified);
  EXPECT_GE(report->buckets_repaired, 3u);  // visits of c1, c4, c5 (unless they share one)
  EXPECT_LE(report->buckets_repaired, 5u);  // and c2's customer row, c3's contacts
  EXPECT_EQ(report->rows_removed, 1u);
  EXPECT_EQ(report->rows_repaired, 5u);
  EXPECT_EQ(DeviceExport(*device), expected);
  EXPECT_EQ(*device->PendingWriteCount(), 0);

  auto summary = verification.Summary(0);
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->replicas_verified, 1);
  EXPECT_EQ(summary->replicas_repaired, 1);
  EXPECT_EQ(summary->buckets_repaired, static_cast<int64_t>(report->buckets_repaired));
  EXPECT_GT(summary->rows_resent, 0);
  EXPECT_LT(summary->rows_resent, total / 4) << "only the differing buckets are re-sent";

  // The device was whole after one answer; asked again, it matches.
  ASSERT_TRUE(verification.RequestVerification("rep-a").ok());
  auto again = Sync(*device, transport);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->verified);
  EXPECT_EQ(again->buckets_repaired, 0u);
}

TEST_F(VerificationTest, ADeviceThatNoticesTamperingAsksToBeCheckedItself) {
  auto device = OpenDevice("laptop-a");
  ServiceTransport transport(*service_, token_a_);
  ASSERT_TRUE(Sync(*device, transport).ok());
  device = EditBehindTheAppsBack(std::move(device), "laptop-a",
                                 "DELETE FROM visits WHERE id = 'vc7-0';");
  EXPECT_TRUE(*device->VerificationWanted());
  // Nobody asked on the server: the device sends its digests anyway, and is repaired.
  auto report = Sync(*device, transport);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->verified);
  EXPECT_EQ(report->buckets_repaired, 1u);
  EXPECT_EQ(report->round_trips, 1);  // caught up already: the digests rode the only request
  EXPECT_EQ(DeviceExport(*device), ServerExport("rep-a"));
  EXPECT_FALSE(*device->VerificationWanted());
  auto summary = VerificationStore(*store_, wall_).Summary(0);
  EXPECT_EQ(summary->replicas_repaired, 1);
}

TEST_F(VerificationTest, UnaskedDigestsAreComparedAtMostOnceInAWhile) {
  VerificationStore verification(*store_, wall_);
  DigestReport report{"rep-a",
                      "laptop-a",
                      kReplicaDigestBuckets,
                      DigestSchemaFingerprint(store_->hub().catalog()),
                      {}};
  auto first = verification.Check(report);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(first->compared);
  EXPECT_EQ(first->outcome, "repaired");  // an empty device: every bucket of its scope
  wall_.Advance(60 * 1000);
  auto second = verification.Check(report);
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(second->compared);
  EXPECT_EQ(second->outcome, "declined");
  wall_.Advance(10 * 60 * 1000);
  EXPECT_TRUE(verification.Check(report)->compared);
  // Asked by the server, it is compared whenever it answers.
  ASSERT_TRUE(verification.RequestVerification("rep-a").ok());
  EXPECT_TRUE(verification.Check(report)->compared);
}

TEST_F(VerificationTest, DigestsOfAnotherSchemaAreNotComparedButAnswerTheRequest) {
  VerificationStore verification(*store_, wall_);
  ASSERT_TRUE(verification.RequestVerification("rep-a").ok());
  DigestReport report{"rep-a", "old-laptop", kReplicaDigestBuckets, 12345, {{3, 1, 1, 1}}};
  auto check = verification.Check(report);
  ASSERT_TRUE(check.ok());
  EXPECT_FALSE(check->compared);
  EXPECT_EQ(check->outcome, "incompatible");
  EXPECT_TRUE(check->repair.rows.empty());
  EXPECT_FALSE(verification.Wanted("rep-a", "old-laptop")->verify);
  EXPECT_EQ(verification.Summary(0)->replicas_incompatible, 1);
  report.buckets = 0;
  report.schema = DigestSchemaFingerprint(store_->hub().catalog());
  wall_.Advance(3600 * 1000);
  EXPECT_EQ(verification.Check(report).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(VerificationTest, ScopesAfterAReassignmentVerifyClean) {
  auto a = OpenDevice("laptop-a");
  auto b = OpenDevice("laptop-b");
  ServiceTransport to_a(*service_, token_a_);
  ServiceTransport to_b(*service_, token_b_);
  ASSERT_TRUE(Sync(*a, to_a).ok());
  ASSERT_TRUE(Sync(*b, to_b).ok());
  wall_.Advance(1000);
  ASSERT_TRUE(store_->ReassignCustomer("c3", "rep-b", "manager").ok());
  ASSERT_TRUE(store_->Write({RowWrite{"visits", "v-new", {{"customer_id", S("c3")}}}}).ok());
  ASSERT_TRUE(Sync(*a, to_a).ok());
  ASSERT_TRUE(Sync(*b, to_b).ok());
  VerificationStore verification(*store_, wall_);
  ASSERT_EQ(*verification.RequestVerification(""), 2u);
  auto ra = Sync(*a, to_a);
  auto rb = Sync(*b, to_b);
  ASSERT_TRUE(ra.ok() && rb.ok());
  EXPECT_TRUE(ra->verified && rb->verified);
  EXPECT_EQ(ra->buckets_repaired, 0u);
  EXPECT_EQ(rb->buckets_repaired, 0u);
  EXPECT_EQ(DeviceExport(*b), ServerExport("rep-b"));
  EXPECT_EQ(verification.Summary(0)->reps_pending, 0);
}

TEST_F(VerificationTest, ADeepCheckFindsEditsThatHidTheirTracks) {
  auto device = OpenDevice("laptop-a");
  ServiceTransport transport(*service_, token_a_);
  ASSERT_TRUE(Sync(*device, transport).ok());
  // The triggers are put back exactly: the replica cannot tell at open, and its kept digests
  // still say what it held before.
  device = EditBehindTheAppsBack(std::move(device), "laptop-a",
                                 "UPDATE visits SET notes = 'forged' WHERE id = 'vc8-1';",
                                 /*restore_triggers=*/true);
  EXPECT_FALSE(*device->VerificationWanted());
  VerificationStore verification(*store_, wall_);
  ASSERT_TRUE(verification.RequestVerification("rep-a").ok());
  auto shallow = Sync(*device, transport);
  ASSERT_TRUE(shallow.ok());
  EXPECT_TRUE(shallow->verified);
  EXPECT_EQ(shallow->buckets_repaired, 0u);
  EXPECT_NE(DeviceExport(*device), ServerExport("rep-a"));

  ASSERT_TRUE(verification.RequestVerification("rep-a", /*deep=*/true).ok());
  auto deep = Sync(*device, transport);
  ASSERT_TRUE(deep.ok());
  EXPECT_EQ(deep->buckets_repaired, 1u);
  EXPECT_EQ(DeviceExport(*device), ServerExport("rep-a"));
}

TEST_F(VerificationTest, ALargeRepairIsSpreadOverSeveralAnswersAndSyncs) {
  SyncServiceOptions options;
  options.verification.max_repair_rows = 3;
  service_ = std::make_unique<SyncService>(*store_, metrics_, wall_, options);
  auto device = OpenDevice("laptop-a");
  ServiceTransport transport(*service_, token_a_);
  ASSERT_TRUE(Sync(*device, transport).ok());
  // Most of the device is lost.
  device = EditBehindTheAppsBack(std::move(device), "laptop-a",
                                 "DELETE FROM visits; DELETE FROM contacts;");
  VerificationStore verification(*store_, wall_);
  ASSERT_TRUE(verification.RequestVerification("rep-a").ok());
  auto first = Sync(*device, transport);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(first->verified);
  EXPECT_EQ(transport.digest_requests, 16);  // the most one sync sends
  EXPECT_GT(first->rows_repaired, 16u);
  EXPECT_NE(DeviceExport(*device), ServerExport("rep-a"));
  EXPECT_TRUE(verification.Wanted("rep-a", "laptop-a")->verify);  // not done: asked again
  for (int i = 0; i < 10 && DeviceExport(*device) != ServerExport("rep-a"); ++i) {
    ASSERT_TRUE(Sync(*device, transport).ok());
  }
  EXPECT_EQ(DeviceExport(*device), ServerExport("rep-a"));
  EXPECT_FALSE(verification.Wanted("rep-a", "laptop-a")->verify);
  auto summary = verification.Summary(0);
  EXPECT_EQ(summary->replicas_repaired, 1);
  EXPECT_EQ(summary->rows_resent, 30 * 4);  // every contact and visit, once
}

TEST_F(VerificationTest, ARepairThatCannotConvergeStopsAndARecomputeOfTheHubEndsIt) {
  SyncServiceOptions options;
  options.verification.max_repair_rows = 1;
  service_ = std::make_unique<SyncService>(*store_, metrics_, wall_, options);
  auto device = OpenDevice("laptop-a");
  ServiceTransport transport(*service_, token_a_);
  ASSERT_TRUE(Sync(*device, transport).ok());
  // The server's database edited by hand: its digest of the first (table, bucket) of rep-a's
  // scope no longer describes its rows, so re-sending that bucket can never make it match.
  auto first_bucket = [&]() -> std::pair<int64_t, std::string> {
    int64_t best_table = 1 << 30;
    uint32_t best_bucket = 1u << 30;
    std::string owner;
    for (int c = 0; c < 30; ++c) {
      const std::string id = "c" + std::to_string(c);
      const uint32_t b = DigestBucket(id, kReplicaDigestBuckets);
      const int64_t t = store_->hub().catalog().Find("customers")->code;
      if (std::make_pair(t, b) < std::make_pair(best_table, best_bucket)) {
        best_table = t;
        best_bucket = b;
        owner = id;
      }
    }
    return {best_table, owner};
  }();
  ASSERT_TRUE(Exec(store_->sql(),
                   "UPDATE fb_owner_digests SET sum = sum + 1 WHERE owner = ? AND tbl = ?",
                   {S(first_bucket.second.c_str()), I(first_bucket.first)})
                  .ok());
  // And the device lost a visit: a second bucket to repair, after that one.
  device = EditBehindTheAppsBack(std::move(device), "laptop-a",
                                 "DELETE FROM visits WHERE id = 'vc29-0';");
  VerificationStore verification(*store_, wall_);
  ASSERT_TRUE(verification.RequestVerification("rep-a").ok());
  auto report = Sync(*device, transport);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->verified);
  EXPECT_EQ(report->buckets_repaired, 1u);  // the customers bucket, which changes nothing
  EXPECT_EQ(transport.digest_requests, 1);  // so the device stops asking in this sync
  EXPECT_TRUE(verification.Wanted("rep-a", "laptop-a")->verify);

  ASSERT_TRUE(store_->hub().RecomputeDigests().ok());
  auto again = Sync(*device, transport);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->verified);
  EXPECT_EQ(again->buckets_repaired, 1u);  // the visit's
  EXPECT_EQ(DeviceExport(*device), ServerExport("rep-a"));
  EXPECT_FALSE(verification.Wanted("rep-a", "laptop-a")->verify);
}

}  // namespace
}  // namespace fieldbook::server
