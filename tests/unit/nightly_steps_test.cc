// The real nightly steps on a real server database: grading committed with its record,
// compaction against the retention horizon, and the backup with rotation.
#include "nightly/nightly_steps.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "fieldbook/grading.h"
#include "store/verification_store.h"
#include "support/server_store_fixture.h"
#include "support/sync_fixture.h"

namespace fieldbook::server {
namespace {

using fieldbook::testing::I;
using fieldbook::testing::QueryValue;
using fieldbook::testing::S;

constexpr uint64_t kDayMs = 86400000;

class NightlyStepsTest : public fieldbook::testing::ServerStoreFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ServerStoreFixture::SetUp());
    nightly_ = std::make_unique<NightlyStore>(*store_);
    ASSERT_FALSE(AddRep("rep-a", "A").empty());
    ASSERT_FALSE(AddRep("rep-b", "B").empty());
  }

  // A run record, as the runner makes it, so that steps can record themselves.
  int64_t NewRun() {
    auto seq = store_->hub().LatestSeq();
    auto id = nightly_->CreateRun("manual", static_cast<int64_t>(wall_.NowMs()), "2026-11-23", *seq,
                                  "test:1:1");
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : 0;
  }
  // Runs `step` as the runner would; returns its report.
  Result<boost::json::object> RunStep(NightlyStep& step, int64_t run_id,
                                      boost::json::object previous = {}, int32_t today = 20415) {
    FB_RETURN_IF_ERROR(
        nightly_->BeginStep(run_id, step.name(), 0, static_cast<int64_t>(wall_.NowMs())));
    StepContext ctx{*store_, *nightly_,          wall_, run_id, step.name(), today, nullptr,
                    nullptr, std::move(previous)};
    FB_ASSIGN_OR_RETURN(boost::json::object report, step.Run(ctx));
    if (!ctx.completed) {
      FB_RETURN_IF_ERROR(nightly_->FinishStep(run_id, step.name(), "done",
                                              boost::json::serialize(report), "",
                                              static_cast<int64_t>(wall_.NowMs())));
    }
    return report;
  }
  void Write(const std::string& table, const std::string& id,
             std::vector<std::pair<std::string, Value>> cols) {
    wall_.Advance(10);
    auto written = store_->Write({RowWrite{table, id, std::move(cols)}});
    ASSERT_TRUE(written.ok()) << written.status().ToString();
  }
  // c1, written and then deleted: a tombstone for compaction to purge.
  void AddTombstone() {
    Write("customers", "c1", {{"name", S("x")}, {"owner_rep_id", S("rep-a")}});
    Write("customers", "c1", {{"deleted", I(1)}});
  }
  // A compaction that may forget everything up to its run's start: no retention, no grace.
  static CompactOptions KeepNoHistory() {
    CompactOptions options;
    options.retention_days = 0;
    options.floor_grace = std::chrono::milliseconds(0);
    return options;
  }
  void Push(const std::string& set_id) {
    ChangeSet set;
    set.set_id = set_id;
    set.replica_id = "device-a";
    set.OriginIndex("device-a");
    const Hlc at = Hlc::FromParts(wall_.NowMs(), 0);
    set.rows = {{"customers",
                 "pushed-" + set_id,
                 {{"name", S("from the field"), at, 0}, {"owner_rep_id", S("rep-a"), at, 0}}}};
    auto r = store_->ApplyRepPush(Principal{"rep-a", "A", "rep"}, set);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    StampAnswerNow(set_id);
  }
  int64_t Count(const std::string& sql) {
    return std::get<int64_t>(QueryValue(store_->sql(), sql));
  }
  static int64_t Int(const boost::json::object& o, const char* key) {
    const boost::json::value* v = o.if_contains(key);
    if (v == nullptr) return -1;
    return v->is_int64() ? v->as_int64() : static_cast<int64_t>(v->as_uint64());
  }

  std::unique_ptr<NightlyStore> nightly_;
};

TEST_F(NightlyStepsTest, GradingCommitsTogetherWithItsRecord) {
  Write("customers", "c1", {{"name", S("鑫达汽修")}, {"owner_rep_id", S("rep-a")}});
  Write("orders", "o1",
        {{"customer_id", S("c1")}, {"order_date", S("2026-11-01")}, {"amount_cents", I(120000)}});
  GradeStep grade;
  const int64_t run = NewRun();
  auto report = RunStep(grade, run);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(Int(*report, "customers"), 1);
  EXPECT_EQ(Int(*report, "changed"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM srv_grade_runs"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM customers WHERE grade_tier IS NOT NULL"), 1);
  auto recorded = nightly_->Run(run);
  ASSERT_EQ(recorded->value().steps.size(), 1u);
  EXPECT_EQ(recorded->value().steps[0].status, "done");

  // When the step's record cannot be written, the grading is rolled back with it: a resumed run
  // then grades once, never twice.
  StepContext orphan{*store_, *nightly_, wall_, run, "no-such-step", 20415, nullptr, nullptr, {}};
  EXPECT_FALSE(grade.Run(orphan).ok());
  EXPECT_EQ(Count("SELECT count(*) FROM srv_grade_runs"), 1);
}

TEST_F(NightlyStepsTest, CompactionForgetsOnlyWhatIsOlderThanTheHorizon) {
  // Day 0: work, a deletion, a reassignment, a device push; then a nightly run starts.
  Write("customers", "c1", {{"name", S("moves to b")}, {"owner_rep_id", S("rep-a")}});
  Write("customers", "c2", {{"name", S("stays")}, {"owner_rep_id", S("rep-a")}});
  Write("contacts", "k-old", {{"customer_id", S("c2")}, {"name", S("left long ago")}});
  Write("contacts", "k-old", {{"deleted", I(1)}});
  ASSERT_TRUE(store_->ReassignCustomer("c1", "rep-b", "test").ok());
  Push("old-set");
  const int64_t old_run = NewRun();
  ASSERT_TRUE(nightly_->FinishRun(old_run, "succeeded", static_cast<int64_t>(wall_.NowMs())).ok());
  const uint64_t horizon_seq = nightly_->Run(old_run)->value().seq_at_start;

  // Day 20: newer history that must stay.
  wall_.Advance(20 * kDayMs);
  Write("contacts", "k-new", {{"customer_id", S("c2")}, {"name", S("left last week")}});
  Write("contacts", "k-new", {{"deleted", I(1)}});
  Push("new-set");
  ASSERT_TRUE(store_->ReassignCustomer("c2", "rep-b", "test").ok());

  const std::string old_events =
      "SELECT count(*) FROM srv_scope_events WHERE seq <= " + std::to_string(horizon_seq);
  const int64_t events_before = Count(old_events);
  ASSERT_EQ(events_before, 5);  // c1, c2 and the pushed customer added; c1 moved (2 events)
  const std::string old_feed =
      "SELECT count(*) FROM srv_feed WHERE seq <= " + std::to_string(horizon_seq);
  const std::string new_feed =
      "SELECT count(*) FROM srv_feed WHERE seq > " + std::to_string(horizon_seq);
  const int64_t feed_before = Count(old_feed), feed_after = Count(new_feed);
  ASSERT_GT(feed_before, 2);
  ASSERT_GT(feed_after, 0);

  // Day 31: the compaction with a 30-day horizon.
  wall_.Advance(11 * kDayMs);
  CompactOptions options;
  options.retention_days = 30;
  options.push_answers_days = 30;
  options.batch_rows = 2;
  options.floor_grace = std::chrono::milliseconds(0);
  CompactStep compact(options);
  auto report = RunStep(compact, NewRun());
  ASSERT_TRUE(report.ok()) << report.status().ToString();

  EXPECT_EQ(*store_->HistoryFloor(), horizon_seq);
  EXPECT_EQ(Int(*report, "floor"), static_cast<int64_t>(horizon_seq));
  EXPECT_EQ(Int(*report, "history_through_seq"), static_cast<int64_t>(horizon_seq));
  // Old scope events go, except rep-a's removal of c1 (the push gate still needs it).
  EXPECT_EQ(Count(old_events), 1);
  EXPECT_EQ(Int(*report, "scope_events"), events_before - 1);
  EXPECT_EQ(Int(*report, "scope_removals_kept"), 1);
  EXPECT_GT(
      Count("SELECT count(*) FROM srv_scope_events WHERE seq > " + std::to_string(horizon_seq)), 0);
  // The per-rep feeds below the floor go too, in bounded batches; later entries stay.
  EXPECT_EQ(Count(old_feed), 0);
  EXPECT_EQ(Count(new_feed), feed_after);
  EXPECT_EQ(Int(*report, "feed_entries"), feed_before);
  // The old tombstone is purged, the recent one kept; live rows untouched.
  EXPECT_EQ(Count("SELECT count(*) FROM contacts WHERE id = 'k-old'"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM contacts WHERE id = 'k-new'"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM customers WHERE id IN ('c1', 'c2')"), 2);
  EXPECT_EQ(Int(*report, "tombstones"), 1);
  // The stored answer of the old push goes, the recent one stays.
  EXPECT_EQ(Count("SELECT count(*) FROM fb_applied_sets WHERE set_id = 'old-set'"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM fb_applied_sets WHERE set_id = 'new-set'"), 1);
  EXPECT_EQ(Int(*report, "applied_sets"), 1);
  EXPECT_GT(Int(*report, "batches"), 3);  // two rows per transaction
  ASSERT_TRUE(report->contains("bookkeeping"));
  EXPECT_TRUE(report->at("bookkeeping").is_object()) << boost::json::serialize(*report);

  // Running it again (a resumed run) forgets nothing more and keeps the floor.
  auto again = RunStep(compact, NewRun());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(Int(*again, "scope_events"), 0);
  EXPECT_EQ(Int(*again, "tombstones"), 0);
  EXPECT_EQ(*store_->HistoryFloor(), horizon_seq);
}

TEST_F(NightlyStepsTest, WithoutARunOlderThanTheHorizonNoHistoryIsForgotten) {
  AddTombstone();
  Push("a-set");
  wall_.Advance(40 * kDayMs);
  CompactOptions options;
  options.floor_grace = std::chrono::milliseconds(0);
  CompactStep compact(options);
  auto report = RunStep(compact, NewRun());
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(*store_->HistoryFloor(), 0u);
  EXPECT_EQ(Count("SELECT count(*) FROM customers WHERE id = 'c1'"), 1);
  EXPECT_TRUE(report->contains("history_kept"));
  // Push answers are dated by themselves: those go by time alone.
  EXPECT_EQ(Count("SELECT count(*) FROM fb_applied_sets"), 0);
}

TEST_F(NightlyStepsTest, PushAnswersHaveTheirOwnShorterHorizon) {
  Push("day-0");
  wall_.Advance(5 * kDayMs);
  Push("day-5");
  wall_.Advance(3 * kDayMs);
  CompactOptions options;  // history: 30 days; push answers: 7
  options.floor_grace = std::chrono::milliseconds(0);
  CompactStep compact(options);
  auto report = RunStep(compact, NewRun());
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(Count("SELECT count(*) FROM fb_applied_sets WHERE set_id = 'day-0'"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM fb_applied_sets WHERE set_id = 'day-5'"), 1);
  EXPECT_EQ(Int(*report, "applied_sets"), 1);
  EXPECT_EQ(Int(*report, "push_answers_days"), 7);
}

TEST_F(NightlyStepsTest, ZeroRetentionCompactsUpToTheRunsOwnStart) {
  AddTombstone();
  CompactStep compact(KeepNoHistory());
  const int64_t run = NewRun();
  const uint64_t start_seq = nightly_->Run(run)->value().seq_at_start;
  auto report = RunStep(compact, run);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(*store_->HistoryFloor(), start_seq);
  EXPECT_EQ(Count("SELECT count(*) FROM customers WHERE id = 'c1'"), 0);
}

TEST_F(NightlyStepsTest, AResumedCompactionAddsToTheCountsOfTheInterruptedAttempt) {
  AddTombstone();
  CompactStep compact(KeepNoHistory());
  auto report =
      RunStep(compact, NewRun(),
              boost::json::object{{"scope_events", 5},
                                  {"tombstones", 2},
                                  {"tombstones_by_table", boost::json::object{{"contacts", 2}}}});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(Int(*report, "tombstones"), 3);
  EXPECT_EQ(Int(report->at("tombstones_by_table").as_object(), "contacts"), 2);
  EXPECT_EQ(Int(report->at("tombstones_by_table").as_object(), "customers"), 1);
  EXPECT_GE(Int(*report, "scope_events"), 5);
}

TEST_F(NightlyStepsTest, BackupsAreCheckedAndRotated) {
  FB_SKIP_UNIT_ON_POSTGRES(
      "copies server.db's pages; on PostgreSQL the backup step is not "
      "configured (ADatabaseBackedUpElsewhereSkipsTheBackupSayingHow)");
  Write("customers", "c1", {{"name", S("鑫达汽修")}, {"owner_rep_id", S("rep-a")}});
  BackupOptions options;
  options.dir = dir_.File("backups");
  options.keep = 2;
  options.pages_per_chunk = 3;
  BackupStep backup(options);
  std::vector<std::string> files;
  for (int i = 0; i < 3; ++i) {
    auto report = RunStep(backup, NewRun());
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    files.push_back(std::string(report->at("file").as_string()));
    EXPECT_GT(Int(*report, "chunks"), 1);  // copied a few pages at a time
    if (i == 2) {
      ASSERT_EQ(report->at("removed").as_array().size(), 1u);
      EXPECT_EQ(report->at("removed").as_array()[0].as_string(), files[0]);
    }
    wall_.Advance(kDayMs);
  }
  EXPECT_FALSE(std::filesystem::exists(files[0]));
  EXPECT_TRUE(std::filesystem::exists(files[1]));
  EXPECT_TRUE(std::filesystem::exists(files[2]));
  auto check = CheckServerDatabase(files[2]);
  ASSERT_TRUE(check.ok()) << check.status().ToString();
}

TEST_F(NightlyStepsTest, ReclaimReturnsNeglectedCustomersToThePoolOnceAndRecordsIt) {
  const int32_t assigned = static_cast<int32_t>(wall_.NowMs() / kDayMs);
  Write("territories", "t-gz", {{"name", S("天河")}, {"region", S("GD-GZ")}});
  // Tier C is reclaimed after 60 days without a visit or order by default; "kept" was visited.
  for (const char* id : {"neglected", "kept"}) {
    Write("customers", id,
          {{"name", Value(std::string("Garage ") + id)},
           {"territory_id", S("t-gz")},
           {"owner_rep_id", S("rep-a")},
           {"grade_tier", S("C")},
           {"created_at", Value(FormatDay(assigned) + "T08:00:00Z")}});
  }
  const int32_t today = assigned + 70;
  wall_.Set(static_cast<uint64_t>(today) * kDayMs + 3600000);
  Write("visits", "v-kept",
        {{"customer_id", S("kept")}, {"check_in", Value(FormatDay(today - 5) + "T09:00:00Z")}});
  ASSERT_TRUE(store_->PullForRep("rep-a", 0, 1).ok());  // the rep's device has synced since

  auto step = MakeReclaimStep();
  auto report = RunStep(*step, NewRun(), {}, today);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->at("reclaimed").as_int64(), 1);
  EXPECT_EQ(report->at("waiting").as_int64(), 0);
  ASSERT_EQ(report->at("reclaimed_customers").as_array().size(), 1u);
  EXPECT_EQ(report->at("reclaimed_customers").as_array()[0].at("id").as_string(), "neglected");
  auto scope = store_->ScopeOf("rep-a");
  ASSERT_TRUE(scope.ok());
  EXPECT_EQ(scope->count("neglected"), 0u);
  EXPECT_EQ(scope->count("kept"), 1u);
  EXPECT_EQ(
      QueryValue(store_->sql(), "SELECT count(*) FROM srv_pool_audit WHERE action = 'reclaim'", {}),
      I(1));

  // Another run the same night finds nothing more to reclaim.
  auto again = RunStep(*step, NewRun(), {}, today);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->at("reclaimed").as_int64(), 0);
}

TEST_F(NightlyStepsTest, VerifyAsksEveryActiveRepsDevicesToVerifyAtTheirNextSync) {
  VerificationStore verification(*store_, wall_);
  auto before = verification.Wanted("rep-a", "device-a");
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  EXPECT_FALSE(before->verify);

  auto step = MakeVerifyStep();
  auto report = RunStep(*step, NewRun());
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->at("requested_reps").as_int64(), 2);  // rep-a and rep-b
  EXPECT_EQ(report->at("verified").as_int64(), 0);        // no device has answered yet
  EXPECT_EQ(report->at("reps_not_answered").as_int64(), 0);
  for (const char* rep : {"rep-a", "rep-b"}) {
    auto wanted = verification.Wanted(rep, "device-a");
    ASSERT_TRUE(wanted.ok()) << wanted.status().ToString();
    EXPECT_TRUE(wanted->verify) << rep;
  }
}

TEST_F(NightlyStepsTest, TheDefaultListHasEveryStepInOrder) {
  auto steps = DefaultNightlySteps(NightlyConfig{});
  std::vector<std::string> names;
  for (const auto& s : steps) names.push_back(s->name());
  EXPECT_EQ(names, (std::vector<std::string>{"grade", "reclaim", "verify", "compact", "backup"}));
  for (const auto& s : steps) EXPECT_TRUE(s->configured()) << s->name();
}

// #15: on PostgreSQL the backup is pg_dump's or pg_basebackup's; the step says so instead of
// copying a file that is not there.
TEST_F(NightlyStepsTest, ADatabaseBackedUpElsewhereSkipsTheBackupSayingHow) {
  NightlyConfig config;
  config.backup_elsewhere = "PostgreSQL: back up with pg_dump";
  auto steps = DefaultNightlySteps(config);
  ASSERT_EQ(steps.size(), 5u);
  EXPECT_EQ(steps.back()->name(), "backup");
  EXPECT_FALSE(steps.back()->configured());
  EXPECT_EQ(steps.back()->why_not_configured(), "PostgreSQL: back up with pg_dump");
  for (size_t i = 0; i + 1 < steps.size(); ++i) EXPECT_TRUE(steps[i]->configured());
}

}  // namespace
}  // namespace fieldbook::server
