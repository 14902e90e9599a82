#include "nightly/nightly_launcher.h"

#include "fieldbook/dates.h"
#include "fieldbook/hlc.h"
#include "fieldbook/refusal_status.h"
#include "http/log.h"

namespace fieldbook::server {

NightlyLauncher::NightlyLauncher(RunFn run) : run_(std::move(run)) {}

NightlyLauncher::~NightlyLauncher() { Stop(); }

Status NightlyLauncher::Start(const std::string& by, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  if (stopped_) return Status::Unavailable("the server is shutting down");
  if (state_.running) return RunningRefusal(state_);
  // The previous run's thread has finished its work (running is false); collect it.
  if (thread_.joinable()) thread_.join();
  state_ = State{};
  state_.running = true;
  state_.by = by;
  state_.started_ms = now_ms;
  LogEvent("info", "nightly_run_now", {{"by", by}});
  thread_ = std::thread([this] {
    Result<NightlyRunRecord> result = Status::Internal("the nightly run did not start");
    try {
      result = run_(stop_);
    } catch (const std::exception& e) {
      result = Status::Internal(std::string("the nightly run threw: ") + e.what());
    }
    Finish(result, static_cast<int64_t>(SystemWallClock().NowMs()));
  });
  return Status::Ok();
}

void NightlyLauncher::Finish(const Result<NightlyRunRecord>& result, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  state_.running = false;
  state_.finished_ms = now_ms;
  if (result.ok()) {
    state_.run_id = result->id;
    state_.outcome = result->status;
  } else {
    state_.error = result.status().message();
    LogEvent("error", "nightly_run_now_failed", {{"error", result.status().ToString()}});
  }
}

Status NightlyLauncher::RunningRefusal(const State& running) {
  return RefusalStatus(
      StatusCode::kConflict,
      {"http_nightly_running", {{"by", running.by}, {"at", FormatIsoUtc(running.started_ms)}}});
}

NightlyLauncher::State NightlyLauncher::Now() const {
  std::lock_guard<std::mutex> lock(mu_);
  return state_;
}

void NightlyLauncher::Stop() {
  std::thread thread;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopped_ = true;
    thread = std::move(thread_);
  }
  stop_ = true;
  if (thread.joinable()) thread.join();
}

}  // namespace fieldbook::server
