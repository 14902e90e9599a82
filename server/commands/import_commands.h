// `fieldbook-server import` and `fieldbook-server export KIND` (issue #17): the command-line ends
// of importer.h and table_export.h — options in, a report or a file out, a progress bar on a
// terminal. Exit codes: 0 done (a dry run too, whatever it found), 1 refused or failed (one line on
// stderr naming the row and column where there is one).
//
// Thread safety: each command runs on the main thread.
#ifndef FIELDBOOK_SERVER_IMPORT_COMMANDS_H_
#define FIELDBOOK_SERVER_IMPORT_COMMANDS_H_

#include <boost/json.hpp>
#include <string>

#include "import/importer.h"

namespace fieldbook::server {

struct ImportArgs {
  std::string kind;
  std::string file;
  std::string mapping;       // a mapping file's path
  std::string mapping_json;  // or the mapping itself (the admin API's &mapping=)
  bool dry_run = false;
  std::string encoding = "auto";
  std::string sheet;
  std::string on_duplicate = "skip";
  bool json = false;
  std::string today;
  size_t batch_rows = 5000;
  bool progress = true;  // a progress bar when stderr is a terminal
};

struct ExportArgs {
  std::string kind;
  std::string format = "csv";
  std::string rep;
  std::string territory;
  std::string out;  // "" = standard output (csv only)
};

// The report as JSON (the command's --json and the admin API's answer).
boost::json::object ImportReportJson(const ImportReport& report);
// The report as the command prints it (without --json), in `lang`: the English as it always
// read, the Chinese with no English word but names (files, columns, reps' ids) and codes.
std::string ImportReportText(const ImportReport& report, Lang lang);
// Why an import failed as the command prints it, in `lang`: the English message as it is; in
// Chinese its phrase, and that nothing was written when so (NothingWritten).
std::string ImportFailureText(const Status& refused, Lang lang);

// ImportOptions from the arguments (kind, mapping file, encoding, duplicate policy); the file and
// the actor are the caller's.
Result<ImportOptions> MakeImportOptions(const ImportArgs& args);

int RunImportCommand(const std::string& db, const ImportArgs& args);
int RunExportCommand(const std::string& db, const ExportArgs& args);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_IMPORT_COMMANDS_H_
