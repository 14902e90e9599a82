// NightlyLauncher: "run now" runs the job on the launcher's own thread, one run at a time, and
// stops a run in progress when it is destroyed.
#include "nightly/nightly_launcher.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace fieldbook::server {
namespace {

using namespace std::chrono_literals;

// A run that waits until the test lets it finish (or the launcher asks it to stop).
struct Gate {
  std::mutex mu;
  std::condition_variable cv;
  bool open = false;
  bool entered = false;
  std::thread::id thread;

  NightlyLauncher::RunFn Run(int64_t id, const std::string& status) {
    return [this, id, status](const std::atomic<bool>& stop) -> Result<NightlyRunRecord> {
      std::unique_lock<std::mutex> lock(mu);
      entered = true;
      thread = std::this_thread::get_id();
      cv.notify_all();
      while (!open && !stop) cv.wait_for(lock, 5ms);
      NightlyRunRecord r;
      r.id = id;
      r.status = stop ? "interrupted" : status;
      return r;
    };
  }
  void WaitEntered() {
    std::unique_lock<std::mutex> lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, 10s, [this] { return entered; }));
  }
  void Open() {
    std::lock_guard<std::mutex> lock(mu);
    open = true;
    cv.notify_all();
  }
};

bool WaitIdle(NightlyLauncher& launcher) {
  for (int i = 0; i < 2000; ++i) {
    if (!launcher.Now().running) return true;
    std::this_thread::sleep_for(5ms);
  }
  return false;
}

TEST(NightlyLauncherTest, RunsOnItsOwnThreadOneAtATime) {
  Gate gate;
  NightlyLauncher launcher(gate.Run(7, "succeeded"));
  EXPECT_FALSE(launcher.Now().running);
  ASSERT_TRUE(launcher.Start("mgr", 1000).ok());
  gate.WaitEntered();
  EXPECT_NE(gate.thread, std::this_thread::get_id());  // Start() returned before the run ended
  NightlyLauncher::State running = launcher.Now();
  EXPECT_TRUE(running.running);
  EXPECT_EQ(running.by, "mgr");
  EXPECT_EQ(running.started_ms, 1000);
  EXPECT_EQ(running.finished_ms, 0);

  Status second = launcher.Start("mgr-2", 1001);
  EXPECT_EQ(second.code(), StatusCode::kConflict);
  EXPECT_NE(second.message().find("mgr"), std::string::npos) << second.message();
  EXPECT_EQ(launcher.Now().by, "mgr");  // the refused request changed nothing
  // The refusal carries the run that decided it, as Start read it (nightly_api sends these values:
  // a second look, after the run ended, would find none).
  ASSERT_NE(second.phrase(), nullptr);
  EXPECT_EQ(second.phrase()->code, "http_nightly_running");
  EXPECT_EQ(second.phrase()->values, (TextValues{{"by", "mgr"}, {"at", "1970-01-01T00:00:01Z"}}));

  gate.Open();
  ASSERT_TRUE(WaitIdle(launcher));
  NightlyLauncher::State done = launcher.Now();
  EXPECT_EQ(done.run_id, 7);
  EXPECT_EQ(done.outcome, "succeeded");
  EXPECT_GT(done.finished_ms, 0);
  EXPECT_EQ(done.error, "");

  // Once finished, another run may start.
  ASSERT_TRUE(launcher.Start("mgr-2", 2000).ok());
  ASSERT_TRUE(WaitIdle(launcher));
  EXPECT_EQ(launcher.Now().by, "mgr-2");
}

TEST(NightlyLauncherTest, KeepsWhyARunCouldNotRun) {
  NightlyLauncher launcher([](const std::atomic<bool>&) -> Result<NightlyRunRecord> {
    return Status::Conflict("the nightly lease is held by host:1:2");
  });
  ASSERT_TRUE(launcher.Start("mgr", 1000).ok());
  ASSERT_TRUE(WaitIdle(launcher));
  EXPECT_EQ(launcher.Now().error, "the nightly lease is held by host:1:2");
  EXPECT_EQ(launcher.Now().run_id, 0);
}

TEST(NightlyLauncherTest, StoppingAsksTheRunToStopAndWaitsForIt) {
  Gate gate;
  auto launcher = std::make_unique<NightlyLauncher>(gate.Run(3, "succeeded"));
  ASSERT_TRUE(launcher->Start("mgr", 1000).ok());
  gate.WaitEntered();
  launcher->Stop();  // returns only once the run has ended
  EXPECT_FALSE(launcher->Now().running);
  EXPECT_EQ(launcher->Now().outcome, "interrupted");
  EXPECT_EQ(launcher->Start("mgr", 2000).code(), StatusCode::kUnavailable);
  launcher.reset();  // a second stop is harmless
}

}  // namespace
}  // namespace fieldbook::server
