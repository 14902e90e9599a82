// NightlyRunner: runs the nightly job once -- the ordered steps of nightly_steps.h -- under the
// lease, and records the run and each step's outcome and report in the database (NightlyStore).
//
//  * One run at a time, across processes: Run() first takes the lease (kConflict while another
//    live process holds it) and renews it before every step and between a step's batches. A
//    process that loses its lease (it stalled past the expiry and someone took over) stops.
//  * Resuming: a run left unfinished -- its process was killed (status still 'running', lease
//    expired) or stopped gracefully ('interrupted') -- is taken over by the next Run() when it
//    started less than `resume_window` ago: steps already done or skipped are not run again, an
//    unfinished step runs again from what it recorded. An older unfinished run is marked
//    'abandoned' and a new run starts.
//  * A step that fails is recorded as failed with its error; the following steps still run (a
//    failed grading must not cost the night's backup) and the run ends 'failed'.
//  * A stop request (SIGTERM of serve) is noticed between steps and batches: the run is marked
//    'interrupted', the lease released, and the next run resumes it.
//
// Thread safety: one Run() at a time per runner; the runner uses its ServerStore on the calling
// thread only. `stop` may be set from any thread.
#ifndef FIELDBOOK_SERVER_NIGHTLY_RUNNER_H_
#define FIELDBOOK_SERVER_NIGHTLY_RUNNER_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "fieldbook/hlc.h"
#include "fieldbook/status.h"
#include "nightly/nightly_steps.h"
#include "store/nightly_store.h"
#include "store/server_store.h"

namespace fieldbook::server {

// The local time zone's offset from UTC at a UTC instant, in milliseconds (+8 h in China).
using UtcOffsetFn = std::function<int64_t(uint64_t utc_ms)>;
// The operating system's local time zone (TZ, /etc/localtime).
int64_t SystemUtcOffsetMs(uint64_t utc_ms);

// "host:pid:nonce", unique to this process: the lease holder's name.
std::string ProcessHolderName();

struct RunnerOptions {
  std::string holder;              // who takes the lease (ProcessHolderName())
  std::string trigger = "manual";  // recorded: manual or schedule
  std::chrono::milliseconds lease{10 * 60 * 1000};
  std::chrono::milliseconds resume_window{12 * 60 * 60 * 1000};
  UtcOffsetFn utc_offset;  // the run's local day; null = UTC
  const std::atomic<bool>* stop = nullptr;
  // Test hook: called after each step's outcome is recorded (an integration test pauses the
  // process there to kill it).
  std::function<void(const std::string& step)> after_step;
};

class NightlyRunner {
 public:
  NightlyRunner(ServerStore& store, WallClock& wall,
                std::vector<std::unique_ptr<NightlyStep>> steps, RunnerOptions options);

  // Runs (or resumes) one nightly run. Returns its record as stored at the end. kConflict when
  // another process holds the lease; other errors only when the run's own records cannot be
  // written (step failures are recorded in the run, not returned).
  Result<NightlyRunRecord> Run();

 private:
  Status Renew(int64_t run_id);
  bool StopRequested() const;
  Status Sleep(std::chrono::milliseconds duration, int64_t run_id);

  ServerStore& store_;
  NightlyStore nightly_;
  WallClock& wall_;
  std::vector<std::unique_ptr<NightlyStep>> steps_;
  RunnerOptions options_;
};

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_NIGHTLY_RUNNER_H_
