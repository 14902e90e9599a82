// The fieldbook-cli commands, each a function from parsed options to an exit code. main()
// (cli_main.cc) parses the command line with CLI11 and calls them.
//
// Exit codes: 0 success; 1 failure (a one-line reason on stderr); 2 usage (bad options or values,
// device not set up); 3 the server could not be reached; 4 the server refused the token or the
// request. With --json, results are printed as one JSON document on stdout (errors as
// {"error":{"code","message"}}); the one-line reason still goes to stderr.
//
// Thread safety: each command runs on the main thread.
#ifndef FIELDBOOK_CLIENT_CLI_COMMANDS_H_
#define FIELDBOOK_CLIENT_CLI_COMMANDS_H_

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "lang/messages.h"
#include "store/client_store.h"

namespace CLI {
class App;
}
namespace boost::json {
class array;
class object;
}  // namespace boost::json

namespace fieldbook::client::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitUnreachable = 3;
inline constexpr int kExitRefused = 4;

// Options every command takes.
struct CliContext {
  std::string replica;  // "" = FIELDBOOK_REPLICA, else ~/.local/share/fieldbook/replica.db
  bool json = false;
  std::string lang;  // --lang en|zh; "" = the locale's (LangOf)
};

// The language messages are shown in: --lang, else the locale, else English.
inline client::Lang LangOf(const CliContext& ctx) { return client::ChooseLang(ctx.lang); }

struct InitOptions {
  std::string server;
  std::string token;
  std::string code;            // a one-time setup code, exchanged for the token (instead of it)
  std::string rep;             // required when the server cannot be reached
  std::string name;            // the rep's display name when set up offline
  std::string ca_file;         // PEM file of the private CA that signed the server's certificate
  bool insecure_http = false;  // allow http:// to a host other than this machine
};

struct RecoverOptions {
  std::string server;  // when the damaged replica's settings cannot be read
  std::string token;
};

// "BP-1024:4:128.50" -> part BP-1024, quantity 4, unit price 12850 fen; "BP-1024:4" -> the price
// list's price. With two or more ':' the last two fields are quantity and price (a part number
// containing ':' needs its price given).
Result<LineRequest> ParseOrderLine(const std::string& spec);

int RunInit(const CliContext& ctx, const InitOptions& options);
// `page_rows` > 0 asks for pull pages of at most that many rows (a slow or metered link);
// 0 lets them grow from 1,000 to the server's cap. `batch_rows` >= 0 sets how many rows of a
// long pull are stored per transaction (SyncOptions::batch_rows; 0: one per page).
int RunSync(const CliContext& ctx, uint32_t page_rows = 0, int64_t batch_rows = -1);
int RunStatus(const CliContext& ctx);
int RunCustomerAdd(const CliContext& ctx, const std::vector<FieldValue>& fields);
int RunCustomerEdit(const CliContext& ctx, const std::string& customer,
                    const std::vector<FieldValue>& edits);
int RunCustomerShow(const CliContext& ctx, const std::string& customer);
// An empty filter.today means today.
int RunCustomerList(const CliContext& ctx, CustomerFilter filter);
// `--pref payment_terms=月结` -> kind and value (preference_commands.cc); throws
// CLI::ValidationError (in `lang`) when there is no KIND before a '='.
void SplitPref(const std::string& spec, std::string& kind, std::string& value, Lang lang);
int RunCustomerSearch(const CliContext& ctx, const std::string& query, size_t limit);
// The product catalogue the last sync brought (part number, name or brand contains `text`).
int RunProductSearch(const CliContext& ctx, const std::string& text, size_t limit, bool all);
int RunContactAdd(const CliContext& ctx, const std::string& customer, const Contact& contact);
int RunVisitLog(const CliContext& ctx, const NewVisit& visit);
// Lines by part number (order_pricing.h): `free_text` allows parts not in the catalogue,
// `price_reason` explains prices that differ from the price list.
struct OrderLineOptions {
  std::vector<std::string> lines;
  bool free_text = false;
  std::string price_reason;
};
int RunOrderAdd(const CliContext& ctx, NewOrder order, const OrderLineOptions& lines);
// `order list|void|correct` (order_commands.cc; store/orders.h).
int RunOrderList(const CliContext& ctx, const std::string& customer);
int RunOrderVoid(const CliContext& ctx, const std::string& order, const std::string& reason);
int RunOrderCorrect(const CliContext& ctx, const std::string& order, OrderCorrection correction,
                    const OrderLineOptions& lines);
// One entry of a customer's ledger as `order list` and `customer show` print it: the date, the
// amount and lines, or VOID; voided orders marked [VOIDED], with what voids or corrects what (in
// `lang`).
std::string OrderEntryLine(const OrderEntry& e, Lang lang);
// The same as JSON: the order with is_void, voided_by, corrected, void_reason and counts (a void's
// amount_cents is null).
boost::json::object OrderEntryJson(const OrderEntry& e);
// Adds a subcommand (parent, name, the code of its description in the help table) with the common
// options (--replica, --json, --lang) under a parent.
using LeafFactory = std::function<CLI::App*(CLI::App* parent, const char*, const char*)>;
// Registers `order add|list|void|correct` under `group` (descriptions in `lang`); the chosen one's
// run goes to `action`.
void AddOrderCommands(CLI::App* group, CliContext& ctx, std::function<int()>& action,
                      const LeafFactory& leaf, Lang lang);
int RunTaskAdd(const CliContext& ctx, const NewTask& task);
int RunTaskDone(const CliContext& ctx, const std::string& task);
int RunTaskList(const CliContext& ctx, const TaskFilter& filter);
int RunFeedbackAdd(const CliContext& ctx, const NewFeedback& feedback);
// Open items only; with `all`, the resolved ones too.
int RunReviewList(const CliContext& ctx, bool all = false);
int RunExport(const CliContext& ctx, const std::string& out_path);
// An empty date means today. Lists the public pool's reclaim warnings after the plan, and the
// care items (birthdays, care tasks) of the days ahead (care_commands.cc).
int RunPlan(const CliContext& ctx, const std::string& date, size_t limit);
// Care items as JSON and as text ("Care (DATE and the next N days):" and one line each, with the
// command that makes a care task from a birthday).
boost::json::array CareJson(const std::vector<CareItem>& items);
void PrintCare(const std::vector<CareItem>& items, const std::string& today, int64_t days,
               Lang lang);

// The public pool (公海, issue #7): `pool list` shows the device's copy (as of its last sync),
// `claim` and `release` record requests that the next sync sends (the server grants or refuses
// them), `requests` shows them with the server's answers.
int RunPoolList(const CliContext& ctx);
int RunPoolClaim(const CliContext& ctx, const std::string& customer);
int RunPoolRelease(const CliContext& ctx, const std::string& customer, const std::string& reason);
int RunPoolRequests(const CliContext& ctx);

// Rebuilds a damaged replica (issue 13): salvages its settings and the writes it has not synced
// (replica_health.h), downloads the rep's data into a fresh replica, replays the salvaged writes
// there and pushes them. The damaged file is kept beside it as <replica>.damaged-<UTC time>.
int RunRecover(const CliContext& ctx, const RecoverOptions& options);

}  // namespace fieldbook::client::cli

#endif  // FIELDBOOK_CLIENT_CLI_COMMANDS_H_
