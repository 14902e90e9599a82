// NightlyScheduler: starts the nightly job at a local time of day inside `serve`.
//
// A slot is the latest occurrence of the configured local time (e.g. 02:30) at or before now.
// Tick() runs the job when a slot is due: no run that started at or after the slot has finished
// yet, and the slot is less than `catch_up` old (a server that was down at 02:30 and comes back at
// 05:00 still runs that night's job; one that comes back at noon waits for the next night). A
// database whose job never ran before does not catch up on a slot that passed before this
// scheduler started (a fresh `serve` at 03:00 does not start a run at once). One run at a time
// even across processes is the runner's lease (nightly_runner.h): when another process holds it,
// `run` returns kConflict and the slot is tried again at the next poll.
//
// Time comes from the injected WallClock and UTC offset, so tests drive Tick() with a fake clock;
// Start() only adds a thread that calls Tick() every `poll` until Stop().
//
// Thread safety: Tick() from one thread at a time (the scheduler's own thread once started);
// Stop() from any thread, and it asks a run in progress to stop at its next checkpoint.
#ifndef FIELDBOOK_SERVER_NIGHTLY_SCHEDULER_H_
#define FIELDBOOK_SERVER_NIGHTLY_SCHEDULER_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "fieldbook/hlc.h"
#include "fieldbook/status.h"
#include "nightly/nightly_runner.h"

namespace fieldbook::server {

// "02:30" -> 150 (minutes after local midnight); kInvalidArgument otherwise.
Result<int> ParseTimeOfDay(const std::string& text);

struct ScheduleOptions {
  int at_minute = 150;  // 02:30 local time
  std::chrono::milliseconds catch_up{6 * 60 * 60 * 1000};
  std::chrono::milliseconds poll{30 * 1000};
};

// What the scheduler needs to know of past runs (NightlyStore).
struct RunHistory {
  int64_t last_started_ms = 0;         // any run; 0 = the job never ran
  int64_t last_finished_start_ms = 0;  // the newest run that succeeded or failed
};

class NightlyScheduler {
 public:
  using HistoryFn = std::function<Result<RunHistory>()>;
  // Runs the job once; `stop` turns true when the scheduler stops.
  using RunFn = std::function<Status(const std::atomic<bool>& stop)>;

  NightlyScheduler(WallClock& wall, UtcOffsetFn utc_offset, ScheduleOptions options,
                   HistoryFn history, RunFn run);
  ~NightlyScheduler();  // Stop()
  NightlyScheduler(const NightlyScheduler&) = delete;
  NightlyScheduler& operator=(const NightlyScheduler&) = delete;

  // The UTC time of the latest slot at or before `now_ms`.
  int64_t SlotAtOrBefore(int64_t now_ms) const;
  // Runs the job when a slot is due; true when it ran (whatever the run's outcome). kConflict
  // from `run` (another process holds the lease) is not an error: false, tried again later.
  Result<bool> Tick();

  void Start();
  void Stop();

 private:
  void Loop();

  WallClock& wall_;
  UtcOffsetFn utc_offset_;
  ScheduleOptions options_;
  HistoryFn history_;
  RunFn run_;
  int64_t started_ms_;

  std::mutex mu_;  // guards stopping_
  std::condition_variable wake_;
  bool stopping_ = false;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_NIGHTLY_SCHEDULER_H_
