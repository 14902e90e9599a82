// ImportJobs: imports that run as jobs, so that the console can show their progress (issue #16).
// `POST /v1/admin/import/{kind}?job=1` (import_api.h) hands the uploaded file to a job on this
// registry's own thread and answers at once with the job's id; `GET /v1/admin/import/jobs/{id}`
// then answers the job's phase, rows done of the total, bytes read, problems so far and, once it
// ended, the import's answer (its report, or its error) as the synchronous route would have given.
//
//  * Bounded: one job runs at a time (Start refuses with kConflict while one runs); the latest
//    kKeptJobs ended jobs keep their answer, older ones are dropped (their id then reads as
//    unknown).
//  * A job belongs to whoever started it (`owner`: the console session or the bearer token):
//    anyone else asking for its id gets the same "no such job" as for an unknown id.
//  * The job owns its file (`file`, moved out of the HTTP server's upload) and removes it at its
//  end.
//  * Stop() (and the destructor) asks a running job to stop at its next check (ImportOptions::stop:
//    the import ends with kUnavailable; the batches it committed stay, and importing the same file
//    again writes the rest) and waits for its thread.
//
// Thread safety: every method may be called from any thread.
#ifndef FIELDBOOK_SERVER_IMPORT_JOBS_H_
#define FIELDBOOK_SERVER_IMPORT_JOBS_H_

#include <atomic>
#include <boost/json.hpp>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "fieldbook/hlc.h"
#include "fieldbook/status.h"
#include "http/http_types.h"
#include "import/importer.h"

namespace fieldbook::server {

class ImportJobs {
 public:
  static constexpr size_t kKeptJobs = 16;
  // Runs the import with `options` (its progress and stop already set) and gives the answer the
  // synchronous route gives: the report as JSON, or an error.
  using RunFn = std::function<HttpResponse(const ImportOptions& options)>;

  explicit ImportJobs(WallClock& wall) : wall_(wall) {}
  ~ImportJobs();  // Stop()
  ImportJobs(const ImportJobs&) = delete;
  ImportJobs& operator=(const ImportJobs&) = delete;

  // Starts a job importing `options.path` (which the job then owns and removes) for `owner`;
  // returns its id (32 hex digits from the system's generator). kConflict while a job runs,
  // kUnavailable once stopped (the file is removed then too).
  Result<std::string> Start(const std::string& owner, ImportOptions options, RunFn run);
  // The job `id` of `owner` as JSON: {"id","kind","file","dry_run","state" (running, done,
  // failed),"phase" (queued, checking, importing, grading, finishing, done, failed),"rows",
  // "total_rows" (0: not counted yet),"bytes","total_bytes","issues","started_ms","finished_ms",
  // and once ended "status" (the HTTP status of the answer) and "result" (its JSON body)}.
  // Empty when there is no such job of that owner.
  std::optional<boost::json::object> Get(const std::string& id, const std::string& owner) const;
  void Stop();

 private:
  struct Job;
  void Run(std::shared_ptr<Job> job, ImportOptions options, RunFn run);

  WallClock& wall_;
  mutable std::mutex mu_;
  std::deque<std::shared_ptr<Job>> jobs_;  // oldest first; the running one last
  std::thread runner_;
  std::atomic<bool> stop_{false};
  bool running_ = false;
};

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_IMPORT_JOBS_H_
