// NightlyStore: the lease, run and step records, and the measurements the job reports.
#include "store/nightly_store.h"

#include <gtest/gtest.h>

#include "support/server_store_fixture.h"
#include "support/sync_fixture.h"

namespace fieldbook::server {
namespace {

using fieldbook::testing::S;

class NightlyStoreTest : public fieldbook::testing::ServerStoreFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ServerStoreFixture::SetUp());
    nightly_ = std::make_unique<NightlyStore>(*store_);
  }

  std::unique_ptr<NightlyStore> nightly_;
};

TEST_F(NightlyStoreTest, TheLeaseIsExclusiveUntilItExpires) {
  const int64_t now = static_cast<int64_t>(wall_.NowMs());
  ASSERT_TRUE(nightly_->AcquireLease("host:1:a", now + 1000, 5000).ok());
  Status taken = nightly_->AcquireLease("host:2:b", now + 3000, 5000);
  EXPECT_EQ(taken.code(), StatusCode::kConflict);
  EXPECT_NE(taken.message().find("host:1:a"), std::string::npos) << taken.message();
  EXPECT_TRUE(nightly_->AcquireLease("host:1:a", now + 3000, 5000).ok());  // its own: renewed
  EXPECT_EQ(nightly_->RenewLease("host:2:b", now + 3000, 5000, 0).code(), StatusCode::kConflict);
  EXPECT_TRUE(nightly_->RenewLease("host:1:a", now + 6000, 5000, 7).ok());
  EXPECT_EQ(nightly_->Lease()->value().run_id, 7);
  // The expiry on the store's clock: by the callers' times on SQLite; on PostgreSQL by the
  // database's, which gave it 5 s from the renewal (the now_ms arguments are not used there).
  const int64_t expires = nightly_->Lease()->value().expires_ms;
  if (on_postgres()) {
    EXPECT_GT(expires, now);
    EXPECT_LE(expires, now + 5000);
  } else {
    EXPECT_EQ(expires, now + 11000);
  }

  // host:1 dies (stops renewing); once its lease has expired anyone takes it over.
  EXPECT_EQ(nightly_->AcquireLease("host:2:b", now + 10999, 5000).code(), StatusCode::kConflict);
  LetLeasesExpire(11001);
  ASSERT_TRUE(nightly_->AcquireLease("host:2:b", now + 11001, 5000).ok());
  EXPECT_EQ(nightly_->RenewLease("host:1:a", now + 11002, 5000, 7).code(), StatusCode::kConflict);
  ASSERT_TRUE(nightly_->ReleaseLease("host:1:a").ok());  // not its lease any more: no effect
  EXPECT_EQ(nightly_->Lease()->value().holder, "host:2:b");
  ASSERT_TRUE(nightly_->ReleaseLease("host:2:b").ok());
  EXPECT_FALSE(nightly_->Lease()->has_value());
}

TEST_F(NightlyStoreTest, RunsAndStepsAreRecordedAndFoundForResuming) {
  auto first = nightly_->CreateRun("schedule", 1000, "2026-11-23", 40, "h1");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE(nightly_->BeginStep(*first, "grade", 0, 1100).ok());
  ASSERT_TRUE(nightly_->FinishStep(*first, "grade", "done", R"({"changed":3})", "", 1200).ok());
  ASSERT_TRUE(nightly_->BeginStep(*first, "compact", 3, 1300).ok());
  ASSERT_TRUE(nightly_->SaveStepProgress(*first, "compact", R"({"scope_events":10})").ok());

  // Killed here: the run is unfinished, with what it had recorded.
  auto unfinished = nightly_->UnfinishedRun();
  ASSERT_TRUE(unfinished.ok() && unfinished->has_value());
  const NightlyRunRecord& run = **unfinished;
  EXPECT_EQ(run.id, *first);
  EXPECT_EQ(run.status, "running");
  EXPECT_EQ(run.seq_at_start, 40u);
  ASSERT_EQ(run.steps.size(), 2u);
  EXPECT_EQ(run.steps[0].name, "grade");
  EXPECT_EQ(run.steps[0].status, "done");
  EXPECT_EQ(run.steps[1].status, "running");
  EXPECT_EQ(run.steps[1].report_json, R"({"scope_events":10})");

  ASSERT_TRUE(nightly_->ResumeRun(*first, "h2").ok());
  ASSERT_TRUE(nightly_->BeginStep(*first, "compact", 3, 5000).ok());  // second attempt
  // A failure without a report keeps the progress saved so far.
  ASSERT_TRUE(nightly_->FinishStep(*first, "compact", "failed", "", "disk full", 5100).ok());
  ASSERT_TRUE(nightly_->FinishRun(*first, "failed", 5200).ok());
  EXPECT_FALSE(nightly_->UnfinishedRun()->has_value());

  auto second = nightly_->CreateRun("manual", 90000, "2026-11-24", 75, "h3");
  ASSERT_TRUE(second.ok());
  auto runs = nightly_->Runs(10);
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 2u);
  EXPECT_EQ((*runs)[0].id, *second);  // newest first
  const NightlyRunRecord& done = (*runs)[1];
  EXPECT_EQ(done.resumed, 1);
  EXPECT_EQ(done.holder, "h2");
  EXPECT_EQ(done.finished_ms, 5200);
  EXPECT_EQ(done.steps[1].attempts, 2);
  EXPECT_EQ(done.steps[1].error, "disk full");
  EXPECT_EQ(done.steps[1].report_json, R"({"scope_events":10})");

  EXPECT_EQ(*nightly_->LastFinishedStartMs(), 1000);
  EXPECT_EQ(*nightly_->LastStartedMs(), 90000);
  EXPECT_FALSE(nightly_->SeqAtOrBefore(999)->has_value());
  EXPECT_EQ(nightly_->SeqAtOrBefore(1000)->value(), 40u);
  EXPECT_EQ(nightly_->SeqAtOrBefore(89999)->value(), 40u);
  EXPECT_EQ(nightly_->SeqAtOrBefore(100000)->value(), 75u);
  EXPECT_EQ(nightly_->FinishStep(*second, "nope", "done", "{}", "", 1).code(),
            StatusCode::kNotFound);
}

TEST_F(NightlyStoreTest, MeasuresBookkeepingAgainstUserData) {
  ASSERT_FALSE(AddRep("rep-a", "A").empty());
  std::vector<RowWrite> rows;
  for (int i = 0; i < 200; ++i) {
    const std::string id = "c" + std::to_string(i);
    rows.push_back(RowWrite{"customers",
                            id,
                            {{"name", S("鑫达汽修 garage with a long enough name")},
                             {"city", S("广州")},
                             {"owner_rep_id", S("rep-a")},
                             {"notes", S("notes that make the row a realistic size for a test")}}});
  }
  ASSERT_TRUE(store_->Write(rows).ok());
  auto stats = nightly_->MeasureBookkeeping();
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_GT(stats->user_bytes, 0);
  EXPECT_GT(stats->user_table_bytes, 0);
  EXPECT_LE(stats->user_table_bytes, stats->user_bytes);
  EXPECT_GT(stats->in_row_bytes, 200 * 5);  // every row has versions and a sequence
  int64_t sum = 0;
  bool has_scope = false, has_versions = false, has_seq_index = false;
  for (const auto& [name, bytes] : stats->by_object) {
    sum += bytes;
    has_scope |= name == "srv_scope_events";
    has_versions |= name == "customers._v";
    has_seq_index |= name == "customers_seq";
  }
  EXPECT_EQ(sum, stats->bookkeeping_bytes);
  EXPECT_TRUE(has_scope && has_versions && has_seq_index);
  EXPECT_GT(stats->share(), 0.0);
  EXPECT_GE(stats->strict_share(), stats->share());
}

// PostgreSQL: a schema whose quoted name keeps its capitals is found by its name (a cast to
// regnamespace read it as unquoted, lower case: "schema does not exist").
TEST_F(NightlyStoreTest, MeasuresBookkeepingInASchemaNamedInCapitals) {
  if (!on_postgres()) GTEST_SKIP() << "PostgreSQL's schemas";
  ASSERT_FALSE(AddRep("rep-a", "A").empty());
  ASSERT_TRUE(
      store_->Write({RowWrite{"customers", "c1", {{"name", S("x")}, {"owner_rep_id", S("rep-a")}}}})
          .ok());
  SqlDb& db = store_->sql();
  const std::string schema =
      std::get<std::string>(fieldbook::testing::QueryValue(db, "SELECT current_schema()::text"));
  const std::string capitals = "Fb_" + schema;  // test-made names: letters, digits and '_'
  auto rename = [&](const std::string& from, const std::string& to) {
    return db.ExecScript("ALTER SCHEMA \"" + from + "\" RENAME TO \"" + to +
                         "\"; SELECT set_config('search_path', '\"" + to + "\"', false)");
  };
  ASSERT_TRUE(rename(schema, capitals).ok());
  auto stats = nightly_->MeasureBookkeeping();
  ASSERT_TRUE(rename(capitals, schema).ok());
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_GT(stats->user_bytes, 0);
  EXPECT_GT(stats->in_row_bytes, 0);
  bool has_scope = false;
  for (const auto& [name, bytes] : stats->by_object) has_scope |= name == "srv_scope_events";
  EXPECT_TRUE(has_scope);
}

TEST_F(NightlyStoreTest, PageStatsDescribeTheFile) {
  FB_SKIP_UNIT_ON_POSTGRES(
      "page counts and the free list are server.db's (PRAGMA page_count); "
      "the compaction step reports no file sizes on PostgreSQL");
  auto pages = nightly_->Pages();
  ASSERT_TRUE(pages.ok());
  EXPECT_GT(pages->page_size, 0);
  EXPECT_GT(pages->pages, 0);
  EXPECT_GE(pages->free_pages, 0);
}

}  // namespace
}  // namespace fieldbook::server
