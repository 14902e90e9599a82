// NightlyRunner: step order and records, failures, the lease, resuming a killed or stopped run.
// Steps here are fakes so each rule is seen alone; nightly_steps_test.cc runs the real steps.
#include "nightly/nightly_runner.h"

#include <gtest/gtest.h>

#include "fieldbook/grading.h"

#include "support/server_store_fixture.h"

namespace fieldbook::server {
namespace {

class FakeStep final : public NightlyStep {
 public:
  using Body = std::function<Result<boost::json::object>(StepContext&)>;
  FakeStep(std::string name, std::vector<std::string>* log, Body body = nullptr)
      : name_(std::move(name)), log_(log), body_(std::move(body)) {}
  std::string name() const override { return name_; }
  Result<boost::json::object> Run(StepContext& ctx) override {
    log_->push_back(name_);
    if (body_) return body_(ctx);
    return boost::json::object{{"ran", name_}};
  }

 private:
  std::string name_;
  std::vector<std::string>* log_;
  Body body_;
};

class NightlyRunnerTest : public fieldbook::testing::ServerStoreFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ServerStoreFixture::SetUp());
    nightly_ = std::make_unique<NightlyStore>(*store_);
  }

  RunnerOptions Options(const std::string& holder = "me:1:1") {
    RunnerOptions o;
    o.holder = holder;
    o.lease = std::chrono::minutes(10);
    o.stop = &stop_;
    return o;
  }
  // a, a step that is not configured, b.
  std::vector<std::unique_ptr<NightlyStep>> Steps(FakeStep::Body a = nullptr,
                                                  FakeStep::Body b = nullptr) {
    std::vector<std::unique_ptr<NightlyStep>> steps;
    steps.push_back(std::make_unique<FakeStep>("a", &log_, std::move(a)));
    steps.push_back(std::make_unique<NotConfiguredStep>("reclaim", "not configured: for the test"));
    steps.push_back(std::make_unique<FakeStep>("b", &log_, std::move(b)));
    return steps;
  }
  const NightlyStepRecord* StepOf(const NightlyRunRecord& run, const std::string& name) {
    for (const NightlyStepRecord& s : run.steps) {
      if (s.name == name) return &s;
    }
    return nullptr;
  }

  std::unique_ptr<NightlyStore> nightly_;
  std::vector<std::string> log_;
  std::atomic<bool> stop_{false};
};

TEST_F(NightlyRunnerTest, RunsTheStepsInOrderAndRecordsEachReport) {
  NightlyRunner runner(*store_, wall_, Steps(), Options());
  auto run = runner.Run();
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->status, "succeeded");
  EXPECT_EQ(run->trigger, "manual");
  EXPECT_EQ(log_, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(run->steps.size(), 3u);
  EXPECT_EQ(run->steps[0].name, "a");
  EXPECT_EQ(run->steps[0].status, "done");
  EXPECT_EQ(run->steps[0].report_json, R"({"ran":"a"})");
  EXPECT_EQ(run->steps[1].name, "reclaim");
  EXPECT_EQ(run->steps[1].status, "skipped");
  EXPECT_NE(run->steps[1].report_json.find("not configured"), std::string::npos);
  EXPECT_EQ(run->steps[2].status, "done");
  EXPECT_GT(run->finished_ms, 0);
  EXPECT_FALSE(nightly_->Lease()->has_value());  // released
}

TEST_F(NightlyRunnerTest, AFailedStepIsRecordedAndTheOthersStillRun) {
  NightlyRunner runner(*store_, wall_, Steps([](StepContext&) -> Result<boost::json::object> {
    return Status::Io("disk full");
  }),
                       Options());
  auto run = runner.Run();
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->status, "failed");
  EXPECT_EQ(StepOf(*run, "a")->status, "failed");
  EXPECT_EQ(StepOf(*run, "a")->error, "disk full");
  EXPECT_EQ(StepOf(*run, "b")->status, "done");
  // A failed run is finished: the next run starts afresh rather than resuming it.
  NightlyRunner next(*store_, wall_, Steps(), Options());
  auto second = next.Run();
  ASSERT_TRUE(second.ok());
  EXPECT_NE(second->id, run->id);
  EXPECT_EQ(second->status, "succeeded");
}

TEST_F(NightlyRunnerTest, AnotherLiveHolderKeepsTheRunFromStarting) {
  ASSERT_TRUE(nightly_->AcquireLease("other:9:9", static_cast<int64_t>(wall_.NowMs()), 60000).ok());
  NightlyRunner runner(*store_, wall_, Steps(), Options());
  auto run = runner.Run();
  EXPECT_EQ(run.status().code(), StatusCode::kConflict);
  EXPECT_TRUE(log_.empty());
  EXPECT_TRUE(nightly_->Runs(10)->empty());
  EXPECT_EQ(nightly_->Lease()->value().holder, "other:9:9");  // untouched
}

TEST_F(NightlyRunnerTest, ARunKilledHalfwayIsResumedOnceItsLeaseExpires) {
  // What a process killed during step b leaves: a done, b running with progress, the lease held.
  const int64_t now = static_cast<int64_t>(wall_.NowMs());
  ASSERT_TRUE(nightly_->AcquireLease("dead:1:1", now, 60000).ok());
  auto id = nightly_->CreateRun("schedule", now, "2026-11-23", 0, "dead:1:1");
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(nightly_->BeginStep(*id, "a", 0, now).ok());
  ASSERT_TRUE(nightly_->FinishStep(*id, "a", "done", R"({"ran":"a"})", "", now).ok());
  ASSERT_TRUE(nightly_->BeginStep(*id, "b", 2, now).ok());
  ASSERT_TRUE(nightly_->SaveStepProgress(*id, "b", R"({"batches":4})").ok());

  boost::json::object seen_previous;
  auto b = [&seen_previous](StepContext& ctx) -> Result<boost::json::object> {
    seen_previous = ctx.previous;
    return boost::json::object{{"batches", 9}};
  };
  {
    NightlyRunner early(*store_, wall_, Steps(nullptr, b), Options());
    EXPECT_EQ(early.Run().status().code(), StatusCode::kConflict);  // the lease is still live
  }
  LetLeasesExpire(60001);
  NightlyRunner runner(*store_, wall_, Steps(nullptr, b), Options());
  auto run = runner.Run();
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->id, *id);  // the same run, completed
  EXPECT_EQ(run->status, "succeeded");
  EXPECT_EQ(run->resumed, 1);
  EXPECT_EQ(run->holder, "me:1:1");
  EXPECT_EQ(log_, (std::vector<std::string>{"b"}));  // a was done and is not redone
  EXPECT_EQ(seen_previous, (boost::json::object{{"batches", 4}}));
  EXPECT_EQ(StepOf(*run, "b")->attempts, 2);
  EXPECT_EQ(StepOf(*run, "b")->report_json, R"({"batches":9})");
  EXPECT_EQ(StepOf(*run, "reclaim")->status, "skipped");
  EXPECT_EQ(nightly_->Runs(10)->size(), 1u);
}

TEST_F(NightlyRunnerTest, AnUnfinishedRunTooOldToResumeIsAbandoned) {
  const int64_t now = static_cast<int64_t>(wall_.NowMs());
  auto old = nightly_->CreateRun("schedule", now, "2026-11-23", 0, "dead:1:1");
  ASSERT_TRUE(old.ok());
  ASSERT_TRUE(nightly_->BeginStep(*old, "a", 0, now).ok());
  ASSERT_TRUE(nightly_->FinishStep(*old, "a", "done", "{}", "", now).ok());
  wall_.Advance(13 * 3600 * 1000);
  NightlyRunner runner(*store_, wall_, Steps(), Options());
  auto run = runner.Run();
  ASSERT_TRUE(run.ok());
  EXPECT_NE(run->id, *old);
  EXPECT_EQ(log_, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(nightly_->Run(*old)->value().status, "abandoned");
}

TEST_F(NightlyRunnerTest, AStopRequestInterruptsAndTheNextRunResumes) {
  int b_calls = 0;
  auto b = [this, &b_calls](StepContext& ctx) -> Result<boost::json::object> {
    if (++b_calls == 1) {
      FB_RETURN_IF_ERROR(ctx.SaveProgress(boost::json::object{{"half", true}}));
      stop_ = true;  // SIGTERM arrives in the middle of the step
      FB_RETURN_IF_ERROR(ctx.Checkpoint());
      ADD_FAILURE() << "the checkpoint should have stopped the step";
    }
    return boost::json::object{{"whole", true}};
  };
  {
    NightlyRunner runner(*store_, wall_, Steps(nullptr, b), Options());
    auto run = runner.Run();
    ASSERT_TRUE(run.ok()) << run.status().ToString();
    EXPECT_EQ(run->status, "interrupted");
    EXPECT_EQ(StepOf(*run, "b")->status, "running");
    EXPECT_EQ(StepOf(*run, "b")->report_json, R"({"half":true})");
    EXPECT_FALSE(nightly_->Lease()->has_value());  // released at once: no wait to resume
  }
  stop_ = false;
  NightlyRunner runner(*store_, wall_, Steps(nullptr, b), Options("me:2:2"));
  auto run = runner.Run();
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->status, "succeeded");
  EXPECT_EQ(run->resumed, 1);
  EXPECT_EQ(log_, (std::vector<std::string>{"a", "b", "b"}));
  EXPECT_EQ(StepOf(*run, "b")->report_json, R"({"whole":true})");
}

TEST_F(NightlyRunnerTest, ARunThatLostItsLeaseStopsAndLeavesTheRunToTheNewHolder) {
  auto a = [this](StepContext& ctx) -> Result<boost::json::object> {
    // This process stalls past its lease; another one takes over.
    LetLeasesExpire(11 * 60 * 1000);
    EXPECT_TRUE(
        nightly_->AcquireLease("thief:3:3", static_cast<int64_t>(wall_.NowMs()), 600000).ok());
    FB_RETURN_IF_ERROR(ctx.Checkpoint());
    return boost::json::object{};
  };
  NightlyRunner runner(*store_, wall_, Steps(a), Options());
  auto run = runner.Run();
  EXPECT_EQ(run.status().code(), StatusCode::kConflict);
  EXPECT_EQ(log_, (std::vector<std::string>{"a"}));  // b never ran
  auto runs = nightly_->Runs(1);
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_EQ((*runs)[0].status, "running");  // for the new holder to resume
  EXPECT_EQ(nightly_->Lease()->value().holder, "thief:3:3");
}

TEST_F(NightlyRunnerTest, TheRunsDayIsTheLocalDay) {
  wall_.Set(1795456800000);  // 2026-11-23T18:00:00Z = 2026-11-24 02:00 in China
  RunnerOptions options = Options();
  options.utc_offset = [](uint64_t) -> int64_t { return 8 * 3600 * 1000; };
  int32_t seen = 0;
  auto a = [&seen](StepContext& ctx) -> Result<boost::json::object> {
    seen = ctx.today;
    return boost::json::object{};
  };
  NightlyRunner runner(*store_, wall_, Steps(a), options);
  auto run = runner.Run();
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->day, "2026-11-24");
  EXPECT_EQ(FormatDay(seen), "2026-11-24");
}

}  // namespace
}  // namespace fieldbook::server
