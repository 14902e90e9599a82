#include "api/import_jobs.h"

#include <filesystem>
#include <utility>

#include "auth/auth.h"
#include "fieldbook/json.h"
#include "fieldbook/refusal_status.h"

namespace fieldbook::server {

struct ImportJobs::Job {
  std::string id, owner, kind, file;
  bool dry_run = false;
  bool ended = false;
  std::string phase = "queued";
  ImportProgress progress;
  int64_t started_ms = 0, finished_ms = 0;
  HttpResponse answer;  // once ended
};

ImportJobs::~ImportJobs() { Stop(); }

Result<std::string> ImportJobs::Start(const std::string& owner, ImportOptions options, RunFn run) {
  std::error_code ignored;
  std::unique_lock<std::mutex> lock(mu_);
  if (stop_ || running_) {
    lock.unlock();
    std::filesystem::remove(options.path, ignored);
    if (stop_) return RefusalStatus(StatusCode::kUnavailable, {"http_server_stopping", {}});
    return RefusalStatus(StatusCode::kConflict, {"http_import_running", {}});
  }
  auto id = RandomHex(16);
  if (!id.ok()) return id.status();
  // The previous job has ended (running_ is false): its thread only returns.
  if (runner_.joinable()) runner_.join();
  auto job = std::make_shared<Job>();
  job->id = *id;
  job->owner = owner;
  job->kind = ImportKindName(options.kind);
  job->file = options.name;
  job->dry_run = options.dry_run;
  job->started_ms = static_cast<int64_t>(wall_.NowMs());
  size_t ended = 0;
  for (const auto& j : jobs_) ended += j->ended ? 1 : 0;
  for (auto it = jobs_.begin(); ended >= kKeptJobs && it != jobs_.end();) {
    if ((*it)->ended) {
      it = jobs_.erase(it);
      --ended;
    } else {
      ++it;
    }
  }
  jobs_.push_back(job);
  running_ = true;
  runner_ = std::thread(&ImportJobs::Run, this, job, std::move(options), std::move(run));
  return job->id;
}

void ImportJobs::Run(std::shared_ptr<Job> job, ImportOptions options, RunFn run) {
  const std::string kind = job->kind;
  const bool dry_run = options.dry_run;
  options.progress = [this, job, kind, dry_run](const ImportProgress& p) {
    std::lock_guard<std::mutex> lock(mu_);
    const int64_t total = job->progress.total_rows;
    job->progress = p;
    if (p.total_rows == 0) job->progress.total_rows = total;  // counted by the check
    // After the rows: an import of orders regrades their customers, then the audit entry.
    job->phase = !p.done ? p.phase : kind == "orders" && !dry_run ? "grading" : "finishing";
  };
  options.stop = [this] { return stop_.load(); };
  HttpResponse answer = run(options);
  std::error_code ignored;
  std::filesystem::remove(options.path, ignored);
  std::lock_guard<std::mutex> lock(mu_);
  job->answer = std::move(answer);
  job->ended = true;
  job->phase = job->answer.status == 200 ? "done" : "failed";
  job->finished_ms = static_cast<int64_t>(wall_.NowMs());
  running_ = false;  // the last thing this thread does under mu_ (Start joins it)
}

std::optional<boost::json::object> ImportJobs::Get(const std::string& id,
                                                   const std::string& owner) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& job : jobs_) {
    if (job->id != id || job->owner != owner) continue;
    const ImportProgress& p = job->progress;
    boost::json::object out{{"id", job->id},
                            {"kind", job->kind},
                            {"file", job->file},
                            {"dry_run", job->dry_run},
                            {"state", !job->ended                 ? "running"
                                      : job->answer.status == 200 ? "done"
                                                                  : "failed"},
                            {"phase", job->phase},
                            {"rows", p.rows},
                            {"total_rows", p.total_rows},
                            {"bytes", static_cast<int64_t>(p.bytes)},
                            {"total_bytes", static_cast<int64_t>(p.total_bytes)},
                            {"issues", p.issues},
                            {"started_ms", job->started_ms},
                            {"finished_ms", job->finished_ms}};
    if (job->ended) {
      out["status"] = job->answer.status;
      boost::system::error_code ec;
      boost::json::value body = ReadJson(job->answer.body, ec);
      out["result"] = ec ? boost::json::value(job->answer.body) : std::move(body);
    }
    return out;
  }
  return std::nullopt;
}

void ImportJobs::Stop() {
  stop_ = true;
  std::thread runner;
  {
    std::lock_guard<std::mutex> lock(mu_);
    runner = std::move(runner_);
  }
  if (runner.joinable()) runner.join();
}

}  // namespace fieldbook::server
