#include "commands/import_commands.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "api/http_json.h"
#include "commands/command_actor.h"
#include "commands/command_lang.h"
#include "commands/server_commands.h"
#include "fieldbook/json.h"
#include "fieldbook/phrase_json.h"
#include "fieldbook/text_width.h"
#include "import/import_preview.h"
#include "import/table_export.h"

namespace fieldbook::server {

namespace {

int Fail(const std::string& what, const Status& s) {
  std::cerr << "fieldbook-server: " << what << ": " << CommandErrorText(s) << "\n";
  return 1;
}

// A progress bar on stderr: "[#########.........] 45%  12,345 rows".
void DrawProgress(const ImportProgress& p) {
  const double share =
      p.total_bytes > 0 ? static_cast<double>(p.bytes) / static_cast<double>(p.total_bytes) : 0;
  const int width = 30;
  const int filled = static_cast<int>(share * width);
  std::string bar(static_cast<size_t>(width), '.');
  for (int i = 0; i < filled && i < width; ++i) bar[static_cast<size_t>(i)] = '#';
  std::fprintf(stderr, "\r[%s] %3d%%  %lld rows%s", bar.c_str(), static_cast<int>(share * 100),
               static_cast<long long>(p.rows), p.done ? "\n" : "");
  std::fflush(stderr);
}

// The report's own words in both languages (issue #19): the English as the command always printed
// it (scripts may read it), the Chinese for `--lang zh`. What the report holds from a value (a
// note, a problem's reason, a placement's "how") is rendered by its own code.
constexpr LangText kReportTexts[] = {
    {"report_head", "imported {kind} from {file} ({format}): {rows} rows",
     "已从 {file}（{format}）导入{kind}：{rows} 行"},
    {"report_head_dry", "dry run: import {kind} from {file} ({format}): {rows} rows",
     "试运行：从 {file}（{format}）导入{kind}：{rows} 行"},
    {"report_note", "  note: {note}", "  提示：{note}"},
    {"report_not_imported", "  columns not imported: {columns} (map them with --mapping)",
     "  未导入的列：{columns}（可用 --mapping 映射）"},
    {"report_counts",
     "  {created} new, {updated} updated, {unchanged} unchanged (imported before), {rejected} "
     "rejected",
     "  新建 {created} 条，更新 {updated} 条，{unchanged} 条未变（之前已导入），{rejected} "
     "条被拒绝"},
    {"report_counts_dry",
     "  would be {created} new, would be {updated} updated, {unchanged} unchanged (imported "
     "before), {rejected} rejected",
     "  将新建 {created} 条，将更新 {updated} 条，{unchanged} 条未变（之前已导入），{rejected} "
     "条被拒绝"},
    {"report_lines", "  order lines: {created} new, {unchanged} imported before",
     "  订单行：新建 {created} 行，{unchanged} 行之前已导入"},
    {"report_lines_dry", "  order lines: would be {created} new, {unchanged} imported before",
     "  订单行：将新建 {created} 行，{unchanged} 行之前已导入"},
    {"report_duplicates",
     "  possible duplicates: {skipped} skipped, {merged} merged, {flagged} flagged",
     "  可能重复：跳过 {skipped} 条，合并 {merged} 条，标记 {flagged} 条"},
    {"report_placement", "  placement: {reps}public pool {pooled}", "  分配：{reps}公海 {pooled}"},
    {"report_rep_count", "{rep} {count}, ", "{rep} {count}，"},
    {"report_problems", "rows with problems ({count}):", "有问题的行（{count}）："},
    {"report_problems_first", "rows with problems ({count}, the first listed):",
     "有问题的行（{count}，列出前 {listed} 条）："},
    {"report_problem", "  row {row}: {level}: {reason}", "  第 {row} 行：{level}：{reason}"},
    {"report_problem_column", "  row {row}, column {column}: {level}: {reason}",
     "  第 {row} 行，{column} 列：{level}：{reason}"},
    {"report_problem_value", " — value: {value}", " — 值：{value}"},
    // The levels as the console's Import page names them.
    {"report_level_error", "error", "错误"},
    {"report_level_duplicate", "duplicate", "疑似重复"},
    {"report_level_warning", "warning", "提醒"},
    {"report_placements", "who gets each new customer:", "每个新客户的归属："},
    {"report_row", "row {row}", "第 {row} 行"},
    {"report_pool", "(pool)", "（公海）"},
    {"report_dry_end", "dry run: nothing was written; run again without --dry-run to import",
     "试运行：未写入任何内容；去掉 --dry-run 再运行即可导入"},
    {"report_done", "done in {batches} batch(es); devices receive the changes at their next sync",
     "完成，共 {batches} 批；设备在下次同步时收到这些更改"},
    {"report_done_regraded",
     "done in {batches} batch(es); devices receive the changes at their next sync; grades "
     "recomputed",
     "完成，共 {batches} 批；设备在下次同步时收到这些更改；已重新计算评级"},
};

std::string ReportText(Lang lang, std::string_view code, const TextValues& values = {}) {
  const LangText* t = FindText(kReportTexts, code);
  return t == nullptr ? std::string(code) : FillText(lang, t->In(lang), values);
}

// A word of the report that names a code (a kind, a problem's level): its label in Chinese.
std::string Label(Lang lang, const std::string& prefix, const std::string& value) {
  const LangText* t = FindText(kReportTexts, prefix + value);
  return t == nullptr || lang == Lang::kEnglish ? value : std::string(t->In(lang));
}

std::string N(int64_t n) { return std::to_string(n); }

}  // namespace

std::string ImportFailureText(const Status& refused, Lang lang) {
  // A code this build does not know: the English whole (it says nothing was written).
  std::string text = CommandErrorText(refused, lang);
  if (NothingWritten(refused) && text != refused.message()) {
    text += "（" + SayRefusal(lang, {"http_import_nothing_written", {}}) + "）";
  }
  return text;
}

std::string ImportReportText(const ImportReport& r, Lang lang) {
  std::string out;
  auto line = [&out](std::string text) { out += std::move(text) + "\n"; };
  std::string format = r.format;  // "CSV", "XLSX": the files' names, not English words
  if (lang == Lang::kChinese) {
    for (char& c : format) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  line(ReportText(lang, r.dry_run ? "report_head_dry" : "report_head",
                  {{"kind", std::string(CodeLabel(lang, "word", r.kind))},
                   {"file", r.file},
                   {"format", format},
                   {"rows", N(r.rows)}}));
  for (size_t k = 0; k < r.notes.size(); ++k) {
    const std::string note =
        k < r.note_phrases.size() ? SayPhrase(lang, r.note_phrases[k], r.notes[k]) : r.notes[k];
    line(ReportText(lang, "report_note", {{"note", note}}));
  }
  if (!r.ignored_columns.empty()) {
    std::vector<std::string> quoted;
    for (const auto& c : r.ignored_columns) {
      quoted.push_back(lang == Lang::kChinese ? "“" + c + "”" : "\"" + c + "\"");
    }
    line(ReportText(lang, "report_not_imported", {{"columns", JoinTexts(lang, quoted, false)}}));
  }
  line(ReportText(lang, r.dry_run ? "report_counts_dry" : "report_counts",
                  {{"created", N(r.created)},
                   {"updated", N(r.updated)},
                   {"unchanged", N(r.unchanged)},
                   {"rejected", N(r.rejected)}}));
  if (r.kind == "orders") {
    line(ReportText(lang, r.dry_run ? "report_lines_dry" : "report_lines",
                    {{"created", N(r.lines_created)}, {"unchanged", N(r.lines_unchanged)}}));
  }
  if (r.duplicates_skipped + r.merged + r.flagged > 0) {
    line(ReportText(lang, "report_duplicates",
                    {{"skipped", N(r.duplicates_skipped)},
                     {"merged", N(r.merged)},
                     {"flagged", N(r.flagged)}}));
  }
  if (r.kind == "customers") {
    std::string reps;
    for (const auto& [rep, n] : r.per_rep) {
      reps += ReportText(lang, "report_rep_count", {{"rep", rep}, {"count", N(n)}});
    }
    line(ReportText(lang, "report_placement", {{"reps", reps}, {"pooled", N(r.pooled)}}));
  }
  if (!r.issues.empty()) {
    const bool cut = r.issues_total > static_cast<int64_t>(r.issues.size());
    line(ReportText(lang, cut ? "report_problems_first" : "report_problems",
                    {{"count", N(r.issues_total)}, {"listed", std::to_string(r.issues.size())}}));
    for (const ImportIssue& i : r.issues) {
      std::string text =
          ReportText(lang, i.column.empty() ? "report_problem" : "report_problem_column",
                     {{"row", N(i.row)},
                      {"column", i.column},
                      {"level", Label(lang, "report_level_", i.level)},
                      {"reason", SayPhrase(lang, i.why, i.reason)}});
      if (!i.value.empty()) text += ReportText(lang, "report_problem_value", {{"value", i.value}});
      line(std::move(text));
    }
  }
  if (!r.placements.empty()) {
    line(ReportText(lang, "report_placements"));
    const std::string pool = ReportText(lang, "report_pool");
    // A table: its columns padded by display width (a Chinese name's character takes two
    // columns, three bytes), the rows' column to the widest ("row 9" beside "row 10").
    std::vector<std::string> rows;
    size_t row_width = 0;
    for (const ImportPlacement& p : r.placements) {
      rows.push_back(ReportText(lang, "report_row", {{"row", N(p.row)}}));
      row_width = std::max(row_width, DisplayWidth(rows.back()));
    }
    for (size_t k = 0; k < r.placements.size(); ++k) {
      const ImportPlacement& p = r.placements[k];
      const std::string& rep = p.rep.empty() ? pool : p.rep;
      line("  " + PadToWidth(rows[k], row_width) + "  " + PadToWidth(p.name, 24) + " -> " +
           PadToWidth(rep, 16) + " " + PlacementText(lang, p));
    }
  }
  if (r.dry_run) {
    line(ReportText(lang, "report_dry_end"));
  } else {
    line(ReportText(lang, r.regraded ? "report_done_regraded" : "report_done",
                    {{"batches", N(r.batches)}}));
  }
  return out;
}

boost::json::object ImportReportJson(const ImportReport& r) {
  const auto parsed = ParseImportKind(r.kind);
  const ImportKind kind = parsed.ok() ? *parsed : ImportKind::kCustomers;
  boost::json::object out = FieldsJson(r);
  out["per_rep"] = boost::json::value_from(r.per_rep);
  out["batches"] = r.batches;
  out["regraded"] = r.regraded;
  out["notes"] = boost::json::value_from(r.notes);
  out["note_codes"] = NoteCodesJson(r.note_phrases);
  out["ignored_columns"] = boost::json::value_from(r.ignored_columns);
  out["columns"] = ImportColumnsJson(kind, r.columns);
  out["fields"] = ImportFieldsJson(kind);
  out["issues_total"] = r.issues_total;
  // Each problem's English "reason" as before, and its code and values beside it (issue #19).
  out["issues"] = JsonArray(r.issues, [](const ImportIssue& i) {
    boost::json::object issue = FieldsJson(i);
    if (!i.why.code.empty()) {
      issue["reason_code"] = i.why.code;
      issue["reason_values"] = PhraseValuesJson(i.why.values);
    }
    return issue;
  });
  // Each placement's English "how" as before; its code and values beside it, the plan's reason
  // in it as its own code and values (and what no rep could offer), and the console's text in
  // both languages (issue #19).
  out["placements"] = JsonArray(r.placements, [](const ImportPlacement& p) {
    boost::json::object o{
        {"row", p.row},
        {"customer_id", p.customer_id},
        {"name", p.name},
        {"rep", p.rep.empty() ? boost::json::value(nullptr) : boost::json::value(p.rep)},
        {"how", p.how}};
    if (!p.how_why.code.empty()) {
      o["how_code"] = p.how_why.code;
      o["how_values"] = PhraseValuesJson(p.how_why.values);
      if (!p.reason.code.empty()) {
        o["how_reason"] = NoteCodesJson({p.reason}).at(0);
        o["how_needs"] = NoteCodesJson(p.needs);
      }
      o["how_text"] = boost::json::object{{"en", p.how}, {"zh", PlacementText(Lang::kChinese, p)}};
    }
    return o;
  });
  return out;
}

Result<ImportOptions> MakeImportOptions(const ImportArgs& args) {
  ImportOptions o;
  FB_ASSIGN_OR_RETURN(o.kind, ParseImportKind(args.kind));
  FB_ASSIGN_OR_RETURN(o.sheet.encoding, ParseEncoding(args.encoding));
  FB_ASSIGN_OR_RETURN(o.on_duplicate, ParseOnDuplicate(args.on_duplicate));
  o.sheet.sheet = args.sheet;
  o.dry_run = args.dry_run;
  o.today = args.today;
  o.batch_rows = args.batch_rows;
  std::string mapping = args.mapping_json;
  if (!args.mapping.empty()) {
    std::ifstream in(args.mapping, std::ios::binary);
    if (!in) return Status::NotFound("cannot open the mapping file " + args.mapping);
    std::ostringstream text;
    text << in.rdbuf();
    mapping = text.str();
  }
  if (mapping.size() > (1u << 20)) return Status::InvalidArgument("the mapping is over 1 MiB");
  if (!mapping.empty()) {
    FB_ASSIGN_OR_RETURN(o.mapping, ParseMapping(o.kind, mapping));
  }
  return o;
}

int RunImportCommand(const std::string& db, const ImportArgs& args) {
  auto options = MakeImportOptions(args);
  if (!options.ok()) return Fail("import", options.status());
  options->path = args.file;
  options->actor = CommandActor();
  options->own_connection = true;
  if (const char* kill = std::getenv("FIELDBOOK_TEST_IMPORT_KILL_AFTER_BATCHES")) {
    options->kill_after_batches = std::atoll(kill);
  }
  if (args.progress && !args.json && isatty(STDERR_FILENO)) options->progress = DrawProgress;
  auto opened = OpenStore(db);
  if (!opened.ok()) return Fail("import", opened.status());
  auto report = RunImport(*(*opened)->store, (*opened)->wall, *options);
  if (!report.ok()) {
    std::cerr << "fieldbook-server: import " << args.kind << " " << args.file << ": "
              << ImportFailureText(report.status(), CommandLang()) << "\n";
    return 1;
  }
  if (args.json) {
    boost::json::object json = ImportReportJson(*report);
    // For the reader: each problem's reason in --lang's language (or the locale's) as
    // "reason_text"; "reason" stays the English scripts read.
    boost::json::array& issues = json["issues"].as_array();
    for (size_t k = 0; k < issues.size() && k < report->issues.size(); ++k) {
      const ImportIssue& i = report->issues[k];
      issues[k].as_object()["reason_text"] = SayPhrase(CommandLang(), i.why, i.reason);
    }
    std::cout << WriteJson(json) << "\n";
  } else {
    std::fputs(ImportReportText(*report, CommandLang()).c_str(), stdout);
  }
  return 0;
}

int RunExportCommand(const std::string& db, const ExportArgs& args) {
  TableExportOptions o;
  auto kind = ParseImportKind(args.kind);
  if (!kind.ok()) return Fail("export", kind.status());
  o.kind = *kind;
  o.format = args.format;
  o.rep = args.rep;
  o.territory = args.territory;
  if (o.format != "csv" && o.format != "xlsx") {
    return Fail("export", Status::InvalidArgument("--format must be csv or xlsx"));
  }
  if (o.format == "xlsx" && args.out.empty()) {
    return Fail("export", Status::InvalidArgument("an xlsx export needs --out FILE"));
  }
  auto opened = OpenStore(db);
  if (!opened.ok()) return Fail("export", opened.status());
  Result<TableExportResult> result = TableExportResult{};
  if (o.format == "xlsx") {
    result = ExportTableXlsx(*(*opened)->store, o, args.out);
  } else if (args.out.empty()) {
    result = ExportTableCsv(*(*opened)->store, o, std::cout);
  } else {
    std::ofstream out(args.out, std::ios::binary | std::ios::trunc);
    if (!out) return Fail("export", Status::Io("cannot write " + args.out));
    result = ExportTableCsv(*(*opened)->store, o, out);
  }
  if (!result.ok()) return Fail("export " + args.kind, result.status());
  if (!args.out.empty()) {
    std::fprintf(stderr, "exported %lld %s to %s\n", static_cast<long long>(result->rows),
                 args.kind.c_str(), args.out.c_str());
  }
  return 0;
}

}  // namespace fieldbook::server
