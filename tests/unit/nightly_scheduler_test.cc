// NightlyScheduler driven by a fake clock in China's time zone (+8 h): when a night's run is due,
// catch-up after downtime, one run per night, and another process holding the lease.
#include "nightly/nightly_scheduler.h"

#include <gtest/gtest.h>

#include <thread>

#include "support/fake_clock.h"

namespace fieldbook::server {
namespace {

using fieldbook::testing::FakeWallClock;

constexpr int64_t kHour = 3600 * 1000;
constexpr int64_t kMinute = 60 * 1000;
// 2026-11-22T18:30:00Z = 2026-11-23 02:30 in China.
constexpr int64_t kSlot = 1795392000000 - 5 * kHour - 30 * kMinute;

class NightlySchedulerTest : public ::testing::Test {
 protected:
  std::unique_ptr<NightlyScheduler> Make(int64_t start_ms) {
    wall_.Set(static_cast<uint64_t>(start_ms));
    ScheduleOptions options;
    options.at_minute = 150;
    options.poll = std::chrono::milliseconds(10);
    auto history = [this]() -> Result<RunHistory> { return history_; };
    auto run = [this](const std::atomic<bool>& stop) -> Status {
      ++runs_;
      if (!next_result_.ok()) return next_result_;
      const auto now = static_cast<int64_t>(wall_.NowMs());
      history_.last_started_ms = now;
      history_.last_finished_start_ms = now;
      saw_stop_ = stop.load();
      return Status::Ok();
    };
    return std::make_unique<NightlyScheduler>(
        wall_, [](uint64_t) -> int64_t { return 8 * kHour; }, options, history, run);
  }
  bool Tick(NightlyScheduler& s) {
    auto ran = s.Tick();
    EXPECT_TRUE(ran.ok()) << ran.status().ToString();
    return ran.ok() && *ran;
  }

  FakeWallClock wall_;
  RunHistory history_;
  Status next_result_;
  std::atomic<int> runs_{0};  // the thread test reads it while the scheduler's thread runs
  bool saw_stop_ = false;
};

TEST(ParseTimeOfDay, AcceptsOnlyHoursAndMinutes) {
  EXPECT_EQ(*ParseTimeOfDay("02:30"), 150);
  EXPECT_EQ(*ParseTimeOfDay("00:00"), 0);
  EXPECT_EQ(*ParseTimeOfDay("23:59"), 1439);
  for (const char* bad : {"24:00", "2:30", "02:60", "ab:cd", "0230", "", "02:30pm"}) {
    EXPECT_EQ(ParseTimeOfDay(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST_F(NightlySchedulerTest, TheSlotIsTheLatestLocalTimeAtOrBeforeNow) {
  auto s = Make(kSlot);
  EXPECT_EQ(s->SlotAtOrBefore(kSlot), kSlot);
  EXPECT_EQ(s->SlotAtOrBefore(kSlot + 5 * kHour), kSlot);  // 07:30 local
  EXPECT_EQ(s->SlotAtOrBefore(kSlot - 1), kSlot - 24 * kHour);
  EXPECT_EQ(s->SlotAtOrBefore(kSlot + 24 * kHour - 1), kSlot);
}

TEST_F(NightlySchedulerTest, RunsOncePerNightAtTheConfiguredLocalTime) {
  auto s = Make(kSlot - 90 * kMinute);  // serve started at 01:00 local
  EXPECT_FALSE(Tick(*s));
  wall_.Set(kSlot - 1);
  EXPECT_FALSE(Tick(*s));
  wall_.Set(kSlot);
  EXPECT_TRUE(Tick(*s));
  EXPECT_EQ(runs_, 1);
  wall_.Set(kSlot + kMinute);
  EXPECT_FALSE(Tick(*s));
  wall_.Set(kSlot + 20 * kHour);
  EXPECT_FALSE(Tick(*s));
  wall_.Set(kSlot + 24 * kHour + 30000);  // the next night
  EXPECT_TRUE(Tick(*s));
  EXPECT_EQ(runs_, 2);
}

TEST_F(NightlySchedulerTest, AServerThatWasDownCatchesUpWithinTheWindowOnly) {
  history_.last_started_ms = kSlot - 24 * kHour;  // the job ran last night
  history_.last_finished_start_ms = kSlot - 24 * kHour;
  auto late = Make(kSlot + 40 * kMinute);  // back at 03:10 local
  EXPECT_TRUE(Tick(*late));
  EXPECT_EQ(runs_, 1);

  history_.last_started_ms = kSlot - 24 * kHour;
  history_.last_finished_start_ms = kSlot - 24 * kHour;
  auto too_late = Make(kSlot + 9 * kHour);  // back at 11:30 local: wait for tonight
  EXPECT_FALSE(Tick(*too_late));
  EXPECT_EQ(runs_, 1);
}

TEST_F(NightlySchedulerTest, AFreshDatabaseDoesNotCatchUpOnANightBeforeServeStarted) {
  auto s = Make(kSlot + 30 * kMinute);
  EXPECT_FALSE(Tick(*s));
  EXPECT_EQ(runs_, 0);
}

TEST_F(NightlySchedulerTest, AnotherProcessRunningTheJobIsWaitedFor) {
  auto s = Make(kSlot - kMinute);
  wall_.Set(kSlot);
  next_result_ = Status::Conflict("another nightly run is in progress");
  EXPECT_FALSE(Tick(*s));  // not an error: try again at the next poll
  EXPECT_EQ(runs_, 1);
  // The other process finished tonight's run meanwhile.
  history_.last_started_ms = kSlot + 1000;
  history_.last_finished_start_ms = kSlot + 1000;
  next_result_ = Status::Ok();
  wall_.Set(kSlot + 10 * kMinute);
  EXPECT_FALSE(Tick(*s));
  EXPECT_EQ(runs_, 1);
}

TEST_F(NightlySchedulerTest, AnUnfinishedRunStillCountsAsDue) {
  // Tonight's run was killed (started, never finished): it is still due, and resumed.
  history_.last_started_ms = kSlot + 1000;
  history_.last_finished_start_ms = kSlot - 24 * kHour;
  auto s = Make(kSlot + 15 * kMinute);
  EXPECT_TRUE(Tick(*s));
}

TEST_F(NightlySchedulerTest, OtherRunErrorsAreReported) {
  auto s = Make(kSlot);
  next_result_ = Status::Io("database is locked");
  auto ran = s->Tick();
  EXPECT_EQ(ran.status().code(), StatusCode::kIo);
}

TEST_F(NightlySchedulerTest, TheThreadRunsTheDueJobAndStopsPromptly) {
  auto s = Make(kSlot);
  s->Start();
  for (int i = 0; i < 500 && runs_ == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const auto stop_started = std::chrono::steady_clock::now();
  s->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - stop_started, std::chrono::seconds(20));
  EXPECT_EQ(runs_, 1);  // polled many times, ran once
  EXPECT_FALSE(saw_stop_);
}

}  // namespace
}  // namespace fieldbook::server
