// NightlyLauncher: the nightly job on demand -- the console's "run now" (POST
// /v1/admin/nightly/run, nightly_api.h). Start() hands the run to the launcher's own thread and
// returns at once, so the HTTP worker that asked is free again; the page then polls the run's
// progress (State() and the runs' records, which the runner writes step by step).
//
//  * One run at a time: Start() refuses with kConflict while this launcher's run is going. Against
//    the scheduled run and other processes (`fieldbook-server nightly`), the runner's lease decides
//    (nightly_runner.h): the caller checks the lease before Start(), and a run that loses the race
//    for it ends with the runner's kConflict, kept in State().error.
//  * The destructor (and Stop()) asks a run in progress to stop at its next checkpoint -- it is
//    recorded 'interrupted' and the next run resumes it -- and waits for the thread.
//
// Thread safety: every method may be called from any thread.
#ifndef FIELDBOOK_SERVER_NIGHTLY_LAUNCHER_H_
#define FIELDBOOK_SERVER_NIGHTLY_LAUNCHER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "fieldbook/status.h"
#include "store/nightly_store.h"

namespace fieldbook::server {

class NightlyLauncher {
 public:
  // Runs the job once, on the launcher's thread (open the database there); `stop` turns true when
  // the launcher stops.
  using RunFn = std::function<Result<NightlyRunRecord>(const std::atomic<bool>& stop)>;

  // What the launcher did last (all zero / empty before its first run).
  struct State {
    bool running = false;
    std::string by;           // who asked (the manager's id)
    int64_t started_ms = 0;   // when it was asked
    int64_t finished_ms = 0;  // 0 while running
    int64_t run_id = 0;       // the run it made or resumed, once finished
    std::string outcome;      // the run's status (succeeded, failed, interrupted), once finished
    std::string error;        // why it could not run (the lease held elsewhere, a database error)
  };

  explicit NightlyLauncher(RunFn run);
  ~NightlyLauncher();  // Stop()
  NightlyLauncher(const NightlyLauncher&) = delete;
  NightlyLauncher& operator=(const NightlyLauncher&) = delete;

  // Starts a run for manager `by` at `now_ms`; kConflict while this launcher's run is going (its
  // RunningRefusal, made from the state Start read), kUnavailable once stopped.
  Status Start(const std::string& by, int64_t now_ms);
  // The refusal of a start while `running` goes on: kConflict carrying http_nightly_running with
  // who started it and when (fieldbook/refusal_status.h), its message the table's English.
  static Status RunningRefusal(const State& running);
  State Now() const;
  void Stop();

 private:
  void Finish(const Result<NightlyRunRecord>& result, int64_t now_ms);

  RunFn run_;
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;  // guards state_, stopped_ and thread_
  State state_;
  bool stopped_ = false;
  std::thread thread_;
};

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_NIGHTLY_LAUNCHER_H_
