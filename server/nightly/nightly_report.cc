#include "nightly/nightly_report.h"

#include <cstdio>
#include "fieldbook/dates.h"
#include "fieldbook/json.h"
#include "fieldbook/json_reader.h"
#include "fieldbook/lang_text.h"
#include "fieldbook/phrase_json.h"
#include "fieldbook/text_width.h"

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

double Seconds(const NightlyRunRecord& run) {
  return run.finished_ms > run.started_ms ? (run.finished_ms - run.started_ms) / 1000.0 : 0.0;
}

// The report's words (issue #19): codes with values, the English as `nightly report` always
// printed it (a {day} or time a Chinese text shows as a date is plain in English).
constexpr LangText kTexts[] = {
    {"nightly_run_head", "nightly run {id}: {status} ({trigger}, day {day}) started {started}",
     "夜间任务第 {id} 次运行：{status}（{trigger}，日期 {day:date}），开始于 {started:date}"},
    {"nightly_run_took", ", took {seconds} s", "，用时 {seconds} 秒"},
    {"nightly_run_resumed", ", resumed {n}x after a crash or stop", "，崩溃或停止后续跑 {n} 次"},
    {"nightly_errors_none", "errors: none", "错误：无"},
    {"nightly_errors", "errors:", "错误："},
    {"nightly_status_running", "running", "运行中"},
    {"nightly_status_succeeded", "succeeded", "成功"},
    {"nightly_status_failed", "failed", "失败"},
    {"nightly_status_interrupted", "interrupted", "已中断"},
    {"nightly_status_abandoned", "abandoned", "已放弃"},
    {"nightly_status_done", "done", "完成"},
    {"nightly_status_skipped", "skipped", "已跳过"},
    {"nightly_trigger_schedule", "schedule", "定时"},
    {"nightly_trigger_manual", "manual", "手动"},
    {"nightly_step_grade", "grade", "分级"},
    {"nightly_step_reclaim", "reclaim", "回收"},
    {"nightly_step_verify", "verify", "校验"},
    {"nightly_step_compact", "compact", "压缩"},
    {"nightly_step_backup", "backup", "备份"},
    {"nightly_line_skipped", "skipped", "已跳过"},
    {"nightly_line_skipped_why", "{why}", "已跳过：{why}"},
    {"nightly_line_failed", "FAILED: {error}", "失败：{error}"},
    {"nightly_line_unfinished", "unfinished so far: {line}", "尚未完成，目前：{line}"},
    {"nightly_line_grade",
     "{customers} customers graded as of {day}, {changed} grades changed (rules version "
     "{version})",
     "截至 {day:date} 已为 {customers} 个客户分级，{changed} 个等级有变化（规则版本 {version}）"},
    {"nightly_line_reclaim", "{n} customers reclaimed to the public pool",
     "{n} 个客户已回收到公海"},
    {"nightly_line_verify", "{verified} replicas verified, {repaired} repaired",
     "已校验 {verified} 个副本，修复 {repaired} 个"},
    {"nightly_line_compact",
     "forgot {scope_events} scope events, {applied_sets} push answers, {tombstones} tombstones "
     "older than {horizon}; {freed} freed; history floor {floor}",
     "清除了早于 {horizon:date} 的 {scope_events} 条范围事件、{applied_sets} 条推送应答和 "
     "{tombstones} 条删除标记；释放 {freed}；历史下限 {floor}"},
    {"nightly_line_bookkeeping", "; sync bookkeeping {percent}% of user data",
     "；同步记录占用户数据的 {percent}%"},
    {"nightly_line_backup", "{file} ({size}, integrity ok)", "{file}（{size}，完整性检查通过）"},
    {"nightly_line_rotated", ", {n} older backup(s) rotated out", "，已轮换移除 {n} 个较旧的备份"},
    {"nightly_bytes", "{n} bytes", "{n} 字节"},
    {"nightly_no_runs", "no nightly run yet", "还没有夜间任务的运行记录"},
    // `fieldbook-server backup` and `restore` (server/commands/nightly_commands.cc).
    {"nightly_backed_up",
     "backed up {db} to {file} ({bytes} bytes, integrity ok) in {seconds} s; {removed} older "
     "removed",
     "已将 {db} 备份到 {file}（{bytes} 字节，完整性检查通过），用时 {seconds} 秒；移除了 {removed} "
     "个较旧的备份"},
    {"nightly_restored", "restored {backup} into {db} (schema version {version})",
     "已将 {backup} 恢复到 {db}（架构版本 {version}）"},
    {"nightly_restore_kept",
     "the database it replaced is kept as {copy}; {n} audit entries written after the backup were "
     "carried over",
     "被替换的数据库保存为 {copy}；备份之后写入的 {n} 条审计记录已带过来"},
    {"nightly_restore_rebuild",
     "every device rebuilds from the restored data at its next sync, after pushing what it has "
     "not synced (history floor {floor})",
     "每台设备在下次同步时先推送尚未同步的内容，再从恢复的数据重建（历史下限 {floor}）"},
};

std::string Text(Lang lang, std::string_view code, const TextValues& values = {}) {
  return NightlyText(lang, code, values);
}

// A recorded word (a status, a trigger, a step's name) in `lang`; unknown ones as they are.
std::string Word(Lang lang, std::string_view kind, const std::string& word) {
  const LangText* t = FindText(kTexts, "nightly_" + std::string(kind) + "_" + word);
  return t == nullptr ? word : std::string(t->In(lang));
}

std::string Bytes(Lang lang, int64_t n) {
  char buf[32];
  if (n >= (int64_t{1} << 20)) {
    std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(n) / (1 << 20));
  } else if (n >= 1024) {
    std::snprintf(buf, sizeof buf, "%.1f KiB", static_cast<double>(n) / 1024);
  } else {
    return Text(lang, "nightly_bytes", {{"n", std::to_string(n)}});
  }
  return buf;
}

std::string Count(const boost::json::object* report, const char* key) {
  return std::to_string(Int(report, key));
}

// A step's recorded error in `lang`: the English as recorded (the server's words, kept for the
// report file and the log); in Chinese its phrase's text when it has one (a damaged backup).
std::string ErrorText(Lang lang, const std::string& stored) {
  const StoredPhrase error = ReadStoredPhrase(stored);
  if (lang == Lang::kEnglish || error.phrase.code.empty()) return error.detail;
  return SayPhrase(lang, error.phrase, error.detail);
}

// What one step did, in a phrase of `lang`.
std::string StepLine(Lang lang, const NightlyStepRecord& step, const boost::json::object& report) {
  if (step.status == "skipped") {
    const std::string why = Str(&report, "skipped");
    return why.empty() ? Text(lang, "nightly_line_skipped")
                       : Text(lang, "nightly_line_skipped_why", {{"why", why}});
  }
  if (step.status == "failed") {
    return Text(lang, "nightly_line_failed", {{"error", ErrorText(lang, step.error)}});
  }
  std::string line;
  if (step.name == "grade") {
    line = Text(lang, "nightly_line_grade",
                {{"customers", Count(&report, "customers")},
                 {"day", Str(&report, "day")},
                 {"changed", Count(&report, "changed")},
                 {"version", Count(&report, "rules_version")}});
  } else if (step.name == "reclaim") {
    line = Text(lang, "nightly_line_reclaim", {{"n", Count(&report, "reclaimed")}});
  } else if (step.name == "verify") {
    line =
        Text(lang, "nightly_line_verify",
             {{"verified", Count(&report, "verified")}, {"repaired", Count(&report, "repaired")}});
  } else if (step.name == "compact") {
    line = Text(lang, "nightly_line_compact",
                {{"scope_events", Count(&report, "scope_events")},
                 {"applied_sets", Count(&report, "applied_sets")},
                 {"tombstones", Count(&report, "tombstones")},
                 {"horizon", Str(&report, "horizon")},
                 {"freed", Bytes(lang, Int(&report, "bytes_freed"))},
                 {"floor", Count(&report, "floor")}});
    const boost::json::value book = Field(&report, "bookkeeping");
    if (book.is_object()) {
      const boost::json::value* pct = book.as_object().if_contains("percent_of_user_data");
      if (pct != nullptr && pct->is_number()) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.1f", pct->to_number<double>());
        line += Text(lang, "nightly_line_bookkeeping", {{"percent", buf}});
      }
    }
  } else if (step.name == "backup") {
    line = Text(lang, "nightly_line_backup",
                {{"file", Str(&report, "file")}, {"size", Bytes(lang, Int(&report, "bytes"))}});
    const boost::json::value removed = Field(&report, "removed");
    if (removed.is_array() && !removed.as_array().empty()) {
      line +=
          Text(lang, "nightly_line_rotated", {{"n", std::to_string(removed.as_array().size())}});
    }
  } else {
    line = WriteJson(report);  // a step this build does not know: its report as it is
  }
  return step.status == "running" ? Text(lang, "nightly_line_unfinished", {{"line", line}}) : line;
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
    boost::json::object step{
        {"name", s.name},
        {"status", s.status},
        {"attempts", s.attempts},
        {"started", FormatUtcSeconds(s.started_ms)},
        {"finished", FormatUtcSeconds(s.finished_ms)},
        {"report", report},
        {"line", boost::json::object{{"en", NightlyStepLine(Lang::kEnglish, s)},
                                     {"zh", NightlyStepLine(Lang::kChinese, s)}}}};
    if (!s.error.empty()) {
      const StoredPhrase error = ReadStoredPhrase(s.error);
      step["error"] = error.detail;
      if (!error.phrase.code.empty()) {
        step["error_code"] = error.phrase.code;
        step["error_values"] = PhraseValuesJson(error.phrase.values);
      }
      errors.push_back(boost::json::object{{"step", s.name}, {"error", error.detail}});
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

std::span<const LangText> NightlyTexts() { return kTexts; }

std::string NightlyText(Lang lang, std::string_view code, const TextValues& values) {
  const LangText* t = FindText(kTexts, code);
  return t == nullptr ? std::string(code) : FillText(lang, t->In(lang), values);
}

std::string NoNightlyRunText(Lang lang) { return Text(lang, "nightly_no_runs"); }

std::string NightlyStepLine(Lang lang, const NightlyStepRecord& step) {
  return StepLine(lang, step, JsonObjectOrEmpty(step.report_json));
}

std::string NightlyRunText(const NightlyRunRecord& run, Lang lang) {
  std::string out = Text(lang, "nightly_run_head",
                         {{"id", std::to_string(run.id)},
                          {"status", Word(lang, "status", run.status)},
                          {"trigger", Word(lang, "trigger", run.trigger)},
                          {"day", run.day},
                          {"started", FormatUtcSeconds(run.started_ms)}});
  if (run.finished_ms > 0 && run.status != "running") {
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.1f", Seconds(run));
    out += Text(lang, "nightly_run_took", {{"seconds", seconds}});
  }
  if (run.resumed > 0) {
    out += Text(lang, "nightly_run_resumed", {{"n", std::to_string(run.resumed)}});
  }
  out += "\n";
  std::string errors;
  for (const NightlyStepRecord& s : run.steps) {
    const std::string name = Word(lang, "step", s.name);
    const std::string status = Word(lang, "status", s.status);
    // Built whole, never cut (a step of a newer build's, unknown here, is named as stored, at
    // any length); in English padded to columns as it always read ("  grade    done     ").
    if (lang == Lang::kEnglish) {
      out += "  " + PadToWidth(name, 8) + " " + PadToWidth(status, 8) + " ";
    } else {
      out += "  " + name + " " + status + " ";
    }
    out += NightlyStepLine(lang, s) + "\n";
    if (!s.error.empty()) errors += "  " + name + ": " + ErrorText(lang, s.error) + "\n";
  }
  out += errors.empty() ? "  " + Text(lang, "nightly_errors_none") + "\n"
                        : "  " + Text(lang, "nightly_errors") + "\n" + errors;
  return out;
}

}  // namespace fieldbook::server
