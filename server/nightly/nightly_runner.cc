#include "nightly/nightly_runner.h"

#include <unistd.h>

#include <map>
#include <random>
#include <thread>

#include "fieldbook/dates.h"
#include "fieldbook/grading.h"
#include "fieldbook/json.h"
#include "fieldbook/json_reader.h"
#include "fieldbook/phrase_json.h"
#include "http/log.h"

namespace fieldbook::server {

int64_t SystemUtcOffsetMs(uint64_t utc_ms) {
  return LocalUtcOffsetMs(static_cast<int64_t>(utc_ms));
}

std::string ProcessHolderName() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  std::random_device random;
  return std::string(host[0] != '\0' ? host : "localhost") + ":" + std::to_string(getpid()) + ":" +
         std::to_string(random() % 1000000);
}

NightlyRunner::NightlyRunner(ServerStore& store, WallClock& wall,
                             std::vector<std::unique_ptr<NightlyStep>> steps, RunnerOptions options)
    : store_(store),
      nightly_(store),
      wall_(wall),
      steps_(std::move(steps)),
      options_(std::move(options)) {
  if (options_.holder.empty()) options_.holder = ProcessHolderName();
}

bool NightlyRunner::StopRequested() const {
  return options_.stop != nullptr && options_.stop->load();
}

Status NightlyRunner::Renew(int64_t run_id) {
  return nightly_.RenewLease(options_.holder, static_cast<int64_t>(wall_.NowMs()),
                             options_.lease.count(), run_id);
}

Status NightlyRunner::Sleep(std::chrono::milliseconds duration, int64_t run_id) {
  const auto until = std::chrono::steady_clock::now() + duration;
  auto renewed = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() < until) {
    if (StopRequested()) return Status::Unavailable("the nightly run was asked to stop");
    if (std::chrono::steady_clock::now() - renewed > options_.lease / 3) {
      FB_RETURN_IF_ERROR(Renew(run_id));
      renewed = std::chrono::steady_clock::now();
    }
    std::this_thread::sleep_for(std::min<std::chrono::milliseconds>(
        std::chrono::milliseconds(50), std::chrono::duration_cast<std::chrono::milliseconds>(
                                           until - std::chrono::steady_clock::now())));
  }
  return Status::Ok();
}

Result<NightlyRunRecord> NightlyRunner::Run() {
  const int64_t ttl = options_.lease.count();
  int64_t now = static_cast<int64_t>(wall_.NowMs());
  FB_RETURN_IF_ERROR(nightly_.AcquireLease(options_.holder, now, ttl));
  struct ReleaseLease {
    NightlyStore& nightly;
    const std::string& holder;
    ~ReleaseLease() { (void)nightly.ReleaseLease(holder); }
  } release{nightly_, options_.holder};

  // Resume what a killed or stopped run left, or start a new run.
  int64_t run_id = 0;
  {
    FB_ASSIGN_OR_RETURN(auto txn, store_.BeginWrite());
    FB_ASSIGN_OR_RETURN(std::optional<NightlyRunRecord> unfinished, nightly_.UnfinishedRun());
    if (unfinished && now - unfinished->started_ms <= options_.resume_window.count()) {
      run_id = unfinished->id;
      FB_RETURN_IF_ERROR(nightly_.ResumeRun(run_id, options_.holder));
      LogEvent("info", "nightly_resumed",
               {{"run", std::to_string(run_id)}, {"previous_holder", unfinished->holder}});
    } else {
      if (unfinished) FB_RETURN_IF_ERROR(nightly_.FinishRun(unfinished->id, "abandoned", now));
      FB_ASSIGN_OR_RETURN(uint64_t seq, store_.hub().LatestSeq());
      const int64_t offset = options_.utc_offset ? options_.utc_offset(now) : 0;
      const int32_t day = DayOfMs(now + offset);
      FB_ASSIGN_OR_RETURN(
          run_id, nightly_.CreateRun(options_.trigger, now, FormatDay(day), seq, options_.holder));
      LogEvent("info", "nightly_started",
               {{"run", std::to_string(run_id)}, {"trigger", options_.trigger}});
    }
    FB_RETURN_IF_ERROR(txn->Commit());
  }
  FB_RETURN_IF_ERROR(Renew(run_id));
  FB_ASSIGN_OR_RETURN(std::optional<NightlyRunRecord> record, nightly_.Run(run_id));
  if (!record) return Status::Internal("nightly run " + std::to_string(run_id) + " vanished");
  const int32_t today = ParseDay(record->day).value_or(0);
  std::map<std::string, NightlyStepRecord> recorded;
  for (const NightlyStepRecord& s : record->steps) recorded[s.name] = s;

  bool failed = false, stopped = false, lease_lost = false;
  Status lease_error;
  for (size_t i = 0; i < steps_.size(); ++i) {
    NightlyStep& step = *steps_[i];
    const std::string name = step.name();
    auto before = recorded.find(name);
    if (before != recorded.end() &&
        (before->second.status == "done" || before->second.status == "skipped")) {
      continue;  // finished by an earlier attempt of this run
    }
    if (StopRequested()) {
      stopped = true;
      break;
    }
    lease_error = Renew(run_id);
    if (!lease_error.ok()) {
      lease_lost = true;
      break;
    }
    now = static_cast<int64_t>(wall_.NowMs());
    FB_RETURN_IF_ERROR(nightly_.BeginStep(run_id, name, static_cast<int>(i), now));
    if (!step.configured()) {
      FB_RETURN_IF_ERROR(nightly_.FinishStep(
          run_id, name, "skipped",
          WriteJson(boost::json::object{{"skipped", step.why_not_configured()}}), "", now));
      LogEvent("info", "nightly_step", {{"step", name}, {"status", "skipped"}});
      if (options_.after_step) options_.after_step(name);
      continue;
    }

    StepContext ctx{store_, nightly_, wall_, run_id, name, today, nullptr, nullptr, {}};
    if (before != recorded.end()) ctx.previous = JsonObjectOrEmpty(before->second.report_json);
    bool step_stopped = false, step_lease_lost = false;
    ctx.checkpoint = [this, run_id, &step_stopped, &step_lease_lost]() -> Status {
      if (StopRequested()) {
        step_stopped = true;
        return Status::Unavailable("the nightly run was asked to stop");
      }
      Status s = Renew(run_id);
      if (!s.ok()) step_lease_lost = true;
      return s;
    };
    ctx.sleep = [this, run_id, &step_stopped](std::chrono::milliseconds d) -> Status {
      Status s = Sleep(d, run_id);
      if (!s.ok() && StopRequested()) step_stopped = true;
      return s;
    };
    const auto started = std::chrono::steady_clock::now();
    Result<boost::json::object> result = step.Run(ctx);
    const std::string seconds = std::to_string(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    now = static_cast<int64_t>(wall_.NowMs());
    if (result.ok()) {
      if (!ctx.completed) {
        FB_RETURN_IF_ERROR(nightly_.FinishStep(run_id, name, "done", WriteJson(*result), "", now));
      }
      LogEvent("info", "nightly_step", {{"step", name}, {"status", "done"}, {"seconds", seconds}});
    } else if (step_stopped) {
      stopped = true;  // the step stays 'running' with its progress; a later run resumes it
      break;
    } else if (step_lease_lost) {
      lease_lost = true;
      lease_error = result.status();
      break;
    } else {
      failed = true;
      // An error with a phrase (a damaged backup's) is kept as the phrase with its English
      // (fieldbook/phrase_json.h): the report shows it in the reader's language (issue #19).
      const Status& error = result.status();
      FB_RETURN_IF_ERROR(nightly_.FinishStep(run_id, name, "failed", "",
                                             error.phrase() != nullptr
                                                 ? StorePhrase(*error.phrase(), error.message())
                                                 : error.message(),
                                             now));
      LogEvent("error", "nightly_step",
               {{"step", name}, {"status", "failed"}, {"error", result.status().ToString()}});
    }
    if (options_.after_step) options_.after_step(name);
  }

  if (lease_lost) {
    // Whoever holds the lease now owns the run; leave its record alone.
    LogEvent("error", "nightly_lease_lost",
             {{"run", std::to_string(run_id)}, {"error", lease_error.ToString()}});
    return Status::Conflict("nightly run " + std::to_string(run_id) +
                            " stopped: " + lease_error.message());
  }
  now = static_cast<int64_t>(wall_.NowMs());
  const char* status = stopped ? "interrupted" : failed ? "failed" : "succeeded";
  FB_RETURN_IF_ERROR(nightly_.FinishRun(run_id, status, now));
  LogEvent(failed ? "error" : "info", "nightly_finished",
           {{"run", std::to_string(run_id)}, {"status", status}});
  FB_ASSIGN_OR_RETURN(std::optional<NightlyRunRecord> finished, nightly_.Run(run_id));
  if (!finished) return Status::Internal("nightly run " + std::to_string(run_id) + " vanished");
  return *finished;
}

}  // namespace fieldbook::server
