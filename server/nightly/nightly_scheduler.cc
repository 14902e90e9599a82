#include "nightly/nightly_scheduler.h"

#include "fieldbook/dates.h"
#include "http/log.h"

namespace fieldbook::server {

namespace {}  // namespace

Result<int> ParseTimeOfDay(const std::string& text) {
  auto bad = [&text]() {
    return Status::InvalidArgument("a time of day is HH:MM (24-hour), not '" + text + "'");
  };
  if (text.size() != 5 || text[2] != ':') return bad();
  for (size_t i : {0u, 1u, 3u, 4u}) {
    if (text[i] < '0' || text[i] > '9') return bad();
  }
  const int hours = (text[0] - '0') * 10 + (text[1] - '0');
  const int minutes = (text[3] - '0') * 10 + (text[4] - '0');
  if (hours > 23 || minutes > 59) return bad();
  return hours * 60 + minutes;
}

NightlyScheduler::NightlyScheduler(WallClock& wall, UtcOffsetFn utc_offset, ScheduleOptions options,
                                   HistoryFn history, RunFn run)
    : wall_(wall),
      utc_offset_(std::move(utc_offset)),
      options_(options),
      history_(std::move(history)),
      run_(std::move(run)),
      started_ms_(static_cast<int64_t>(wall.NowMs())) {}

NightlyScheduler::~NightlyScheduler() { Stop(); }

int64_t NightlyScheduler::SlotAtOrBefore(int64_t now_ms) const {
  const int64_t offset = utc_offset_ ? utc_offset_(static_cast<uint64_t>(now_ms)) : 0;
  const int64_t local = now_ms + offset;
  int64_t slot_local = MsOfDay(DayOfMs(local)) + int64_t{options_.at_minute} * 60000;
  if (slot_local > local) slot_local -= kMsPerDay;
  return slot_local - offset;
}

Result<bool> NightlyScheduler::Tick() {
  const int64_t now = static_cast<int64_t>(wall_.NowMs());
  const int64_t slot = SlotAtOrBefore(now);
  if (now - slot > options_.catch_up.count()) return false;
  FB_ASSIGN_OR_RETURN(RunHistory history, history_());
  if (history.last_finished_start_ms >= slot) return false;  // this night's run is done
  if (slot < started_ms_ && history.last_started_ms == 0) return false;
  Status s = run_(stop_);
  if (s.code() == StatusCode::kConflict) {
    LogEvent("info", "nightly_busy", {{"reason", s.message()}});
    return false;
  }
  if (!s.ok()) return s;
  return true;
}

void NightlyScheduler::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] { Loop(); });
}

void NightlyScheduler::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  stop_ = true;
  wake_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void NightlyScheduler::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    lock.unlock();
    auto ran = Tick();
    if (!ran.ok()) LogEvent("error", "nightly_failed", {{"error", ran.status().ToString()}});
    lock.lock();
    wake_.wait_for(lock, options_.poll, [this] { return stopping_; });
  }
}

}  // namespace fieldbook::server
