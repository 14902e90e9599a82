#include "nightly/nightly_report.h"

#include <cstdio>
#include "fieldbook/dates.h"
#include "fieldbook/json.h"
#include "fieldbook/json_reader.h"

namespace fieldbook::server {

namespace {

const boost::json::object* Report(const boost::json::object& reports, const char* step) {
  const boost::json::value* v = reports.if_contains(step);
  return v != nullptr && v->is_object() ? &v->as_object() : nullptr;
}

boost::json::value Field(const boost::json::object* report, const char* key) {
  if (report == nullptr) return nullptr;
  const boost::json::value* v = report->if_contains(key);
  return v != nullptr ? *v : boost::json::value(nullptr);
}

int64_t Int(const boost::json::object* report, const char* key) {
  const boost::json::value v = Field(report, key);
  if (v.is_int64()) return v.as_int64();
  if (v.is_uint64()) return static_cast<int64_t>(v.as_uint64());
  if (v.is_double()) return static_cast<int64_t>(v.as_double());
  return 0;
}

std::string Str(const boost::json::object* report, const char* key) {
  const boost::json::value v = Field(report, key);
  return v.is_string() ? std::string(v.as_string()) : std::string();
}

std::string Bytes(int64_t n) {
  char buf[32];
  if (n >= (int64_t{1} << 20)) {
    std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(n) / (1 << 20));
  } else if (n >= 1024) {
    std::snprintf(buf, sizeof buf, "%.1f KiB", static_cast<double>(n) / 1024);
  } else {
    std::snprintf(buf, sizeof buf, "%lld bytes", static_cast<long long>(n));
  }
  return buf;
}

double Seconds(const NightlyRunRecord& run) {
  return run.finished_ms > run.started_ms ? (run.finished_ms - run.started_ms) / 1000.0 : 0.0;
}

// What one step did, in a phrase.
std::string StepLine(const NightlyStepRecord& step, const boost::json::object& report) {
  if (step.status == "skipped") {
    const std::string why = Str(&report, "skipped");
    return why.empty() ? "skipped" : why;
  }
  if (step.status == "failed") return "FAILED: " + step.error;
  std::string prefix = step.status == "running" ? "unfinished so far: " : "";
  if (step.name == "grade") {
    return prefix + std::to_string(Int(&report, "customers")) + " customers graded as of " +
           Str(&report, "day") + ", " + std::to_string(Int(&report, "changed")) +
           " grades changed (rules version " + std::to_string(Int(&report, "rules_version")) + ")";
  }
  if (step.name == "reclaim") {
    return prefix + std::to_string(Int(&report, "reclaimed")) +
           " customers reclaimed to the public pool";
  }
  if (step.name == "verify") {
    return prefix + std::to_string(Int(&report, "verified")) + " replicas verified, " +
           std::to_string(Int(&report, "repaired")) + " repaired";
  }
  if (step.name == "compact") {
    std::string line = prefix + "forgot " + std::to_string(Int(&report, "scope_events")) +
                       " scope events, " + std::to_string(Int(&report, "applied_sets")) +
                       " push answers, " + std::to_string(Int(&report, "tombstones")) +
                       " tombstones older than " + Str(&report, "horizon") + "; " +
                       Bytes(Int(&report, "bytes_freed")) + " freed; history floor " +
                       std::to_string(Int(&report, "floor"));
    const boost::json::value book = Field(&report, "bookkeeping");
    if (book.is_object()) {
      const boost::json::value* pct = book.as_object().if_contains("percent_of_user_data");
      if (pct != nullptr && pct->is_number()) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "; sync bookkeeping %.1f%% of user data",
                      pct->to_number<double>());
        line += buf;
      }
    }
    return line;
  }
  if (step.name == "backup") {
    std::string line =
        prefix + Str(&report, "file") + " (" + Bytes(Int(&report, "bytes")) + ", integrity ok)";
    const boost::json::value removed = Field(&report, "removed");
    if (removed.is_array() && !removed.as_array().empty()) {
      line += ", " + std::to_string(removed.as_array().size()) + " older backup(s) rotated out";
    }
    return line;
  }
  return prefix + WriteJson(report);
}

}  // namespace

std::string FormatUtcSeconds(int64_t ms) {
  if (ms <= 0) return "";
  return FormatIsoUtc(ms);
}

boost::json::object NightlyRunJson(const NightlyRunRecord& run) {
  boost::json::object reports;
  boost::json::array steps, errors;
  for (const NightlyStepRecord& s : run.steps) {
    boost::json::object report = JsonObjectOrEmpty(s.report_json);
    reports[s.name] = report;
    boost::json::object step{{"name", s.name},
                             {"status", s.status},
                             {"attempts", s.attempts},
                             {"started", FormatUtcSeconds(s.started_ms)},
                             {"finished", FormatUtcSeconds(s.finished_ms)},
                             {"report", report}};
    if (!s.error.empty()) {
      step["error"] = s.error;
      errors.push_back(boost::json::object{{"step", s.name}, {"error", s.error}});
    }
    steps.push_back(std::move(step));
  }
  const boost::json::object* grade = Report(reports, "grade");
  const boost::json::object* reclaim = Report(reports, "reclaim");
  const boost::json::object* verify = Report(reports, "verify");
  const boost::json::object* compact = Report(reports, "compact");
  const boost::json::object* backup = Report(reports, "backup");
  boost::json::object summary{
      {"customers_graded", Int(grade, "customers")},
      {"grades_changed", Int(grade, "changed")},
      {"customers_reclaimed", Int(reclaim, "reclaimed")},
      {"replicas_verified", Int(verify, "verified")},
      {"replicas_repaired", Int(verify, "repaired")},
      {"history_compacted", boost::json::object{{"scope_events", Int(compact, "scope_events")},
                                                {"applied_sets", Int(compact, "applied_sets")},
                                                {"tombstones", Int(compact, "tombstones")},
                                                {"bytes_freed", Int(compact, "bytes_freed")},
                                                {"history_floor", Int(compact, "floor")}}},
      {"backup_file", Str(backup, "file")},
      {"backup_bytes", Int(backup, "bytes")},
      {"errors", errors}};
  return boost::json::object{{"id", run.id},
                             {"trigger", run.trigger},
                             {"status", run.status},
                             {"day", run.day},
                             {"started", FormatUtcSeconds(run.started_ms)},
                             {"finished", FormatUtcSeconds(run.finished_ms)},
                             {"seconds", Seconds(run)},
                             {"resumed", run.resumed},
                             {"holder", run.holder},
                             {"summary", summary},
                             {"steps", steps}};
}

std::string NightlyRunText(const NightlyRunRecord& run) {
  char head[256];
  std::snprintf(head, sizeof head, "nightly run %lld: %s (%s, day %s) started %s",
                static_cast<long long>(run.id), run.status.c_str(), run.trigger.c_str(),
                run.day.c_str(), FormatUtcSeconds(run.started_ms).c_str());
  std::string out = head;
  if (run.finished_ms > 0 && run.status != "running") {
    char tail[64];
    std::snprintf(tail, sizeof tail, ", took %.1f s", Seconds(run));
    out += tail;
  }
  if (run.resumed > 0)
    out += ", resumed " + std::to_string(run.resumed) + "x after a crash or stop";
  out += "\n";
  std::string errors;
  for (const NightlyStepRecord& s : run.steps) {
    char line[64];
    std::snprintf(line, sizeof line, "  %-8s %-8s ", s.name.c_str(), s.status.c_str());
    out += line + StepLine(s, JsonObjectOrEmpty(s.report_json)) + "\n";
    if (!s.error.empty()) errors += "  " + s.name + ": " + s.error + "\n";
  }
  out += errors.empty() ? "  errors: none\n" : "  errors:\n" + errors;
  return out;
}

}  // namespace fieldbook::server
