#include "commands/import_commands.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "api/http_json.h"
#include "commands/command_actor.h"
#include "commands/command_lang.h"
#include "commands/server_commands.h"
#include "fieldbook/json.h"
#include "fieldbook/phrase_json.h"
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

void PrintReport(const ImportReport& r) {
  std::printf("%s %s from %s (%s): %lld rows\n", r.dry_run ? "dry run: import" : "imported",
              r.kind.c_str(), r.file.c_str(), r.format.c_str(), static_cast<long long>(r.rows));
  for (size_t k = 0; k < r.notes.size(); ++k) {  // in the manager's language (command_lang.h)
    const std::string note = k < r.note_phrases.size()
                                 ? SayPhrase(CommandLang(), r.note_phrases[k], r.notes[k])
                                 : r.notes[k];
    std::printf("  note: %s\n", note.c_str());
  }
  if (!r.ignored_columns.empty()) {
    std::string cols;
    for (const auto& c : r.ignored_columns) cols += (cols.empty() ? "\"" : ", \"") + c + "\"";
    std::printf("  columns not imported: %s (map them with --mapping)\n", cols.c_str());
  }
  const char* would = r.dry_run ? "would be " : "";
  std::printf("  %s%lld new, %s%lld updated, %lld unchanged (imported before), %lld rejected\n",
              would, static_cast<long long>(r.created), would, static_cast<long long>(r.updated),
              static_cast<long long>(r.unchanged), static_cast<long long>(r.rejected));
  if (r.kind == "orders") {
    std::printf("  order lines: %s%lld new, %lld imported before\n", would,
                static_cast<long long>(r.lines_created), static_cast<long long>(r.lines_unchanged));
  }
  if (r.duplicates_skipped + r.merged + r.flagged > 0) {
    std::printf("  possible duplicates: %lld skipped, %lld merged, %lld flagged\n",
                static_cast<long long>(r.duplicates_skipped), static_cast<long long>(r.merged),
                static_cast<long long>(r.flagged));
  }
  if (r.kind == "customers") {
    std::printf("  placement: ");
    for (const auto& [rep, n] : r.per_rep)
      std::printf("%s %lld, ", rep.c_str(), static_cast<long long>(n));
    std::printf("public pool %lld\n", static_cast<long long>(r.pooled));
  }
  if (!r.issues.empty()) {
    std::printf("rows with problems (%lld%s):\n", static_cast<long long>(r.issues_total),
                r.issues_total > static_cast<int64_t>(r.issues.size()) ? ", the first listed" : "");
    for (const ImportIssue& i : r.issues) {
      // The reason in the manager's language (command_lang.h); the rest of the line as it was.
      const std::string reason = SayPhrase(CommandLang(), i.why, i.reason);
      std::printf("  row %lld%s%s: %s: %s%s%s\n", static_cast<long long>(i.row),
                  i.column.empty() ? "" : ", column ", i.column.c_str(), i.level.c_str(),
                  reason.c_str(), i.value.empty() ? "" : " — value: ", i.value.c_str());
    }
  }
  if (!r.placements.empty()) {
    std::printf("who gets each new customer:\n");
    for (const ImportPlacement& p : r.placements) {
      std::printf("  row %lld  %-24s -> %-16s %s\n", static_cast<long long>(p.row), p.name.c_str(),
                  p.rep.empty() ? "(pool)" : p.rep.c_str(),
                  PlacementText(CommandLang(), p).c_str());
    }
  }
  if (r.dry_run) {
    std::printf("dry run: nothing was written; run again without --dry-run to import\n");
  } else {
    std::printf("done in %lld batch(es); devices receive the changes at their next sync%s\n",
                static_cast<long long>(r.batches), r.regraded ? "; grades recomputed" : "");
  }
}

}  // namespace

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
  if (!report.ok()) return Fail("import " + args.kind + " " + args.file, report.status());
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
    PrintReport(*report);
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
