// The nightly run's JSON and readable summary, from recorded step reports.
#include "nightly/nightly_report.h"

#include <gtest/gtest.h>

namespace fieldbook::server {
namespace {

NightlyRunRecord SampleRun() {
  NightlyRunRecord run;
  run.id = 7;
  run.trigger = "schedule";
  run.status = "failed";
  run.day = "2026-11-23";
  run.started_ms = 1795372200000;  // 2026-11-22T18:30:00Z
  run.finished_ms = run.started_ms + 12500;
  run.resumed = 1;
  run.steps = {
      {"grade", 0, "done", run.started_ms, run.started_ms + 2000, 1,
       R"({"customers":2000,"changed":37,"rules_version":3,"day":"2026-11-23"})", ""},
      {"reclaim", 1, "skipped", run.started_ms, run.started_ms, 1,
       R"({"skipped":"not configured: reclaiming to the public pool (issue #7) is not wired in yet"})",
       ""},
      {"verify", 2, "done", run.started_ms, run.started_ms, 1, R"({"verified":8,"repaired":1})",
       ""},
      {"compact", 3, "done", run.started_ms, run.started_ms + 5000, 2,
       R"({"scope_events":1200,"applied_sets":340,"tombstones":5,"bytes_freed":2097152,)"
       R"("floor":4567,"horizon":"2026-10-24T18:30:00Z",)"
       R"("bookkeeping":{"percent_of_user_data":14.8}})",
       ""},
      {"backup", 4, "failed", run.started_ms, run.finished_ms, 1, "{}", "disk full"},
  };
  return run;
}

TEST(NightlyReport, JsonSummarisesEveryStep) {
  const boost::json::object json = NightlyRunJson(SampleRun());
  EXPECT_EQ(json.at("id").as_int64(), 7);
  EXPECT_EQ(json.at("status").as_string(), "failed");
  EXPECT_EQ(json.at("started").as_string(), "2026-11-22T18:30:00Z");
  EXPECT_DOUBLE_EQ(json.at("seconds").as_double(), 12.5);
  const boost::json::object& summary = json.at("summary").as_object();
  EXPECT_EQ(summary.at("grades_changed").as_int64(), 37);
  EXPECT_EQ(summary.at("customers_reclaimed").as_int64(), 0);
  EXPECT_EQ(summary.at("replicas_verified").as_int64(), 8);
  EXPECT_EQ(summary.at("replicas_repaired").as_int64(), 1);
  const boost::json::object& compacted = summary.at("history_compacted").as_object();
  EXPECT_EQ(compacted.at("scope_events").as_int64(), 1200);
  EXPECT_EQ(compacted.at("bytes_freed").as_int64(), 2097152);
  ASSERT_EQ(summary.at("errors").as_array().size(), 1u);
  EXPECT_EQ(summary.at("errors").as_array()[0].at("step").as_string(), "backup");
  ASSERT_EQ(json.at("steps").as_array().size(), 5u);
  EXPECT_EQ(json.at("steps").as_array()[3].at("attempts").as_int64(), 2);
  EXPECT_EQ(json.at("steps").as_array()[0].at("report").at("changed").as_int64(), 37);
}

TEST(NightlyReport, TextSaysWhatHappenedOvernight) {
  const std::string text = NightlyRunText(SampleRun());
  for (const char* expected :
       {"nightly run 7: failed (schedule, day 2026-11-23) started 2026-11-22T18:30:00Z",
        "took 12.5 s", "resumed 1x", "2000 customers graded as of 2026-11-23, 37 grades changed",
        "reclaim  skipped  not configured", "8 replicas verified, 1 repaired",
        "forgot 1200 scope events, 340 push answers, 5 tombstones", "2.0 MiB freed",
        "history floor 4567", "sync bookkeeping 14.8% of user data", "backup   failed   FAILED",
        "errors:\n  backup: disk full"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << "missing: " << expected << "\n" << text;
  }
}

}  // namespace
}  // namespace fieldbook::server
