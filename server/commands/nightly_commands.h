// The nightly job's commands (main.cc parses them, like server_commands.h) and its place in
// `serve`:
//   fieldbook-server nightly [--now]           run (or resume) the job now, print its report
//   fieldbook-server nightly report [--last N] [--json]
//   fieldbook-server backup                    an online backup now (same as the job's last step)
//   fieldbook-server restore BACKUP_FILE --db PATH [--force]
// Exit codes: 0 done, 1 failed (a one-line reason on stderr; for `nightly`, a run with a failed
// step, after printing its report).
//
// Test hook: with FIELDBOOK_TEST_NIGHTLY_PAUSE_AFTER=<step> in the environment, `nightly` prints
// "nightly: paused after <step>" on stderr after that step and sleeps for a minute, so a test can
// kill it there (tests/integration/nightly_integration_test.cc). `serve`'s run now pauses the same
// way (nightly_run_now_integration_test.cc), until the server stops.
//
// Thread safety: commands run on the main thread; StartServeNightly's scheduler runs the job on
// its own thread with its own database connection.
#ifndef FIELDBOOK_SERVER_NIGHTLY_COMMANDS_H_
#define FIELDBOOK_SERVER_NIGHTLY_COMMANDS_H_

#include <memory>
#include <string>

#include "fieldbook/status.h"

namespace fieldbook::server {

// Shared by `nightly`, `backup` and `serve` (flags, or keys of the [serve] / [nightly] sections
// of a --config file).
struct NightlySettings {
  std::string at = "02:30";   // serve: local time of the nightly run; "off" = no schedule
  int retention_days = 30;    // history older than this is compacted
  int push_answers_days = 7;  // stored push answers (for retried pushes) are kept this long
  std::string backup_dir;     // default: "backups" beside the database
  int backup_keep = 7;
  int lease_seconds = 600;  // a crashed run's lease is taken over after this
};

int RunNightly(const std::string& db, const NightlySettings& settings, bool json);
int RunNightlyReport(const std::string& db, int last, bool json);
int RunBackup(const std::string& db, const NightlySettings& settings, bool json);
int RunRestore(const std::string& backup_file, const std::string& db, bool force);

class NightlyScheduler;
class NightlyLauncher;

// "Run now" inside `serve` (POST /v1/admin/nightly/run): each run opens its own connection to
// `db` on the launcher's thread, trigger manual, with the same settings as the schedule.
std::shared_ptr<NightlyLauncher> ServeNightlyLauncher(const std::string& db,
                                                      const NightlySettings& settings);

// The scheduled job inside `serve`: a scheduler on its own thread, which owns its own connection
// to `db`, clock and settings (they live as long as the scheduler). nullptr when settings.at is
// "off". Stopping it (Stop(), or destroying it) stops a run in progress at its next checkpoint
// (it is resumed later).
Result<std::unique_ptr<NightlyScheduler>> StartServeNightly(const std::string& db,
                                                            const NightlySettings& settings);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_NIGHTLY_COMMANDS_H_
