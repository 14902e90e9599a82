// ImportJobs: an import runs on the registry's own thread, one at a time; its progress and then its
// answer are read by its owner only; ended jobs are kept up to kKeptJobs; Stop() stops a running
// one through ImportOptions::stop; the job's file is removed at its end.
#include "api/import_jobs.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "support/temp_dir.h"

namespace fieldbook::server {
namespace {

using namespace std::chrono_literals;
using fieldbook::testing::TempDir;

class ImportJobsTest : public ::testing::Test {
 protected:
  // A new upload file the job will own.
  ImportOptions Options(const std::string& name) {
    ImportOptions o;
    o.path = dir_.File(name);
    std::ofstream(o.path) << "客户名称\n甲\n";
    o.name = name;
    return o;
  }
  // Polls until the job has ended (or 10 s).
  boost::json::object Ended(ImportJobs& jobs, const std::string& id, const std::string& owner) {
    for (int i = 0; i < 2000; ++i) {
      auto j = jobs.Get(id, owner);
      if (!j) return {};
      if (j->at("state").as_string() != "running") return *j;
      std::this_thread::sleep_for(5ms);
    }
    return {};
  }

  TempDir dir_;
  SystemWallClock wall_;
};

// A run that reports progress and then waits for `release` (or the registry's stop).
ImportJobs::RunFn Waiting(std::atomic<bool>& release, std::atomic<bool>& stopped) {
  return [&release, &stopped](const ImportOptions& o) {
    ImportProgress p;
    p.phase = "checking";
    p.rows = 1000;
    o.progress(p);
    p.phase = "importing";
    p.total_rows = 3000;
    p.rows = 2000;
    p.issues = 4;
    o.progress(p);
    while (!release) {
      if (o.stop()) {
        stopped = true;
        return JsonError(503, "unavailable", "stopped");
      }
      std::this_thread::sleep_for(2ms);
    }
    return HttpResponse{200, "application/json", R"({"rows":3000,"created":2996})", {}};
  };
}

TEST_F(ImportJobsTest, AJobReportsItsProgressThenItsAnswerToItsOwnerOnly) {
  ImportJobs jobs(wall_);
  std::atomic<bool> release{false}, stopped{false};
  const ImportOptions options = Options("a.csv");
  auto id = jobs.Start("session:a", options, Waiting(release, stopped));
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(id->size(), 32u);
  // Its progress, once the run has reported the import's phase.
  std::optional<boost::json::object> j;
  for (int i = 0; i < 2000; ++i) {
    j = jobs.Get(*id, "session:a");
    ASSERT_TRUE(j);
    if (j->at("phase").as_string() == "importing") break;
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_EQ(j->at("phase").as_string(), "importing");
  EXPECT_EQ(j->at("state").as_string(), "running");
  EXPECT_EQ(j->at("rows").as_int64(), 2000);
  EXPECT_EQ(j->at("total_rows").as_int64(), 3000);
  EXPECT_EQ(j->at("issues").as_int64(), 4);
  EXPECT_EQ(j->at("file").as_string(), "a.csv");
  EXPECT_FALSE(j->contains("result"));
  // Nobody else's, and one at a time: a second job is refused and its file removed.
  EXPECT_FALSE(jobs.Get(*id, "session:b"));
  EXPECT_FALSE(jobs.Get(std::string(32, '0'), "session:a"));
  const ImportOptions second = Options("b.csv");
  auto refused = jobs.Start("session:b", second, Waiting(release, stopped));
  EXPECT_EQ(refused.status().code(), StatusCode::kConflict);
  EXPECT_FALSE(std::filesystem::exists(second.path));

  release = true;
  const boost::json::object end = Ended(jobs, *id, "session:a");
  ASSERT_FALSE(end.empty());
  EXPECT_EQ(end.at("state").as_string(), "done");
  EXPECT_EQ(end.at("phase").as_string(), "done");
  EXPECT_EQ(end.at("status").as_int64(), 200);
  EXPECT_EQ(end.at("result").at("created").as_int64(), 2996);
  EXPECT_FALSE(std::filesystem::exists(options.path)) << "the job's file is removed at its end";
  EXPECT_FALSE(stopped);
}

TEST_F(ImportJobsTest, TheLatestEndedJobsAreKeptAndOlderOnesDropped) {
  ImportJobs jobs(wall_);
  std::vector<std::string> ids;
  for (size_t i = 0; i < ImportJobs::kKeptJobs + 3; ++i) {
    auto id =
        jobs.Start("token:mgr", Options("f" + std::to_string(i) + ".csv"),
                   [](const ImportOptions&) { return JsonError(400, "invalid_file", "bad"); });
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    const boost::json::object end = Ended(jobs, *id, "token:mgr");
    ASSERT_FALSE(end.empty());
    EXPECT_EQ(end.at("state").as_string(), "failed");
    EXPECT_EQ(end.at("result").at("error").at("code").as_string(), "invalid_file");
    ids.push_back(*id);
  }
  for (size_t i = 0; i < ids.size(); ++i) {
    EXPECT_EQ(jobs.Get(ids[i], "token:mgr").has_value(), i >= 3) << i;
  }
}

TEST_F(ImportJobsTest, StopStopsTheRunningJobAndRefusesNewOnes) {
  std::atomic<bool> release{false}, stopped{false};
  auto jobs = std::make_unique<ImportJobs>(wall_);
  auto id = jobs->Start("session:a", Options("a.csv"), Waiting(release, stopped));
  ASSERT_TRUE(id.ok());
  const auto start = std::chrono::steady_clock::now();
  jobs->Stop();
  EXPECT_TRUE(stopped) << "the run was not asked to stop";
  EXPECT_LT(std::chrono::steady_clock::now() - start, 30s);  // not waiting for the release
  const boost::json::object end = Ended(*jobs, *id, "session:a");
  ASSERT_FALSE(end.empty());
  EXPECT_EQ(end.at("state").as_string(), "failed");
  EXPECT_EQ(end.at("status").as_int64(), 503);
  const ImportOptions late = Options("late.csv");
  auto refused = jobs->Start("session:a", late, Waiting(release, stopped));
  EXPECT_EQ(refused.status().code(), StatusCode::kUnavailable);
  EXPECT_FALSE(std::filesystem::exists(late.path));
  jobs.reset();  // the destructor after Stop() is harmless
}

}  // namespace
}  // namespace fieldbook::server
