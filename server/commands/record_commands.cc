// `fieldbook-server records [TABLE]`: the managers' generic read of a replicated table
// (store/record_store.h), the command-line twin of GET /v1/admin/records/{table}: every table of
// the catalog is readable this way without a command of its own. Rows print one JSON object per
// line in id order (all pages); --json prints {"table", "rows"} as one document. Without a table,
// the tables' names. This family wires itself (command_family.h): no line in main.cc.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "commands/command_family.h"
#include "commands/server_commands.h"
#include "fieldbook/json.h"
#include "store/record_store.h"

namespace fieldbook::server {

namespace {

struct RecordArgs {
  RecordQuery query;
  size_t max_rows = 0;  // 0 = all
  bool json = false;
};

int RunRecords(const std::string& db, RecordArgs args) {
  auto fail = [](const Status& s) {
    std::cerr << "fieldbook-server: records: " << s.message() << "\n";
    return 1;
  };
  auto opened = OpenStore(db);
  if (!opened.ok()) return fail(opened.status());
  RecordStore records(*(*opened)->store);
  if (args.query.table.empty()) {
    for (const std::string& t : records.Tables()) std::cout << t << "\n";
    return 0;
  }
  boost::json::array all;
  size_t printed = 0;
  args.query.limit = 1000;
  while (true) {
    if (args.max_rows > 0) args.query.limit = std::min<size_t>(1000, args.max_rows - printed);
    auto page = records.List(args.query);
    if (!page.ok()) return fail(page.status());
    for (boost::json::object& row : page->rows) {
      if (args.json) {
        all.emplace_back(std::move(row));
      } else {
        std::cout << WriteJson(row) << "\n";
      }
      ++printed;
    }
    if (page->next.empty() || (args.max_rows > 0 && printed >= args.max_rows)) break;
    args.query.after = page->next;
  }
  if (args.json) {
    std::cout << WriteJson(boost::json::object{{"table", args.query.table}, {"rows", all}}) << "\n";
  }
  return 0;
}

void AddRecordCommands(CLI::App& app, CommandWiring& w) {
  auto args = std::make_shared<RecordArgs>();
  CLI::App* cmd = app.add_subcommand(
      "records",
      "read any replicated table as the devices have it (e.g. customer_preferences --customer C)");
  w.add_db(cmd);
  cmd->add_option("table", args->query.table, "the table (without one: the tables' names)");
  cmd->add_option("--customer", args->query.customer, "only this customer's rows");
  cmd->add_option("--after", args->query.after, "rows after this id");
  cmd->add_option("--limit", args->max_rows, "at most this many rows (0 = all)")
      ->capture_default_str();
  cmd->add_flag("--deleted", args->query.include_deleted, "removed rows too");
  cmd->add_flag("--json", args->json, "print one JSON document");
  cmd->callback([&w, args] { w.rc = RunRecords(w.db, *args); });
}

const CommandFamily kRecordCommands{"records", &AddRecordCommands};

}  // namespace

}  // namespace fieldbook::server
