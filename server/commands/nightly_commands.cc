#include "commands/nightly_commands.h"

#include <signal.h>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <thread>

#include "commands/command_actor.h"
#include "commands/command_lang.h"
#include "commands/server_commands.h"
#include "fieldbook/json.h"
#include "http/log.h"
#include "nightly/nightly_launcher.h"
#include "nightly/nightly_report.h"
#include "nightly/nightly_runner.h"
#include "nightly/nightly_scheduler.h"
#include "nightly/nightly_steps.h"
#include "store/backup.h"
#include "store/db_check.h"
#include "store/nightly_store.h"
#include "store/server_store.h"

namespace fieldbook::server {

namespace fs = std::filesystem;

namespace {

Status CheckSettings(const NightlySettings& settings) {
  if (settings.retention_days < 0) return Status::InvalidArgument("--retention-days must be >= 0");
  if (settings.push_answers_days < 0) {
    return Status::InvalidArgument("--push-answers-days must be >= 0");
  }
  if (settings.backup_keep < 1) return Status::InvalidArgument("--backup-keep must be >= 1");
  if (settings.lease_seconds < 1) return Status::InvalidArgument("--lease-seconds must be >= 1");
  return Status::Ok();
}

// Backing up PostgreSQL is the database's own tools' job (the nightly job's backup step says so).
constexpr char kPgBackup[] =
    "PostgreSQL: back up with pg_dump (one database) or pg_basebackup (the whole cluster, with "
    "point-in-time recovery)";

NightlyConfig ConfigFor(const std::string& db, const NightlySettings& settings) {
  NightlyConfig config;
  config.compact.retention_days = settings.retention_days;
  config.compact.push_answers_days = settings.push_answers_days;
  if (ServerStore::NamesPostgres(db)) {
    config.backup_elsewhere = kPgBackup;
    return config;
  }
  config.backup.dir = settings.backup_dir.empty()
                          ? (fs::absolute(db).parent_path() / "backups").string()
                          : settings.backup_dir;
  config.backup.keep = settings.backup_keep;
  return config;
}

Result<std::unique_ptr<ServerStore>> OpenExisting(const std::string& db, WallClock& wall) {
  return OpenServerStore(db, wall);  // a file is checked first: missing, empty, foreign: refused
}

// FIELDBOOK_TEST_NIGHTLY_PAUSE_AFTER=<step>: pause after that step (a minute, or until `stop`)
// so a test can kill the run.
std::function<void(const std::string&)> TestPauseHook(const std::atomic<bool>* stop = nullptr) {
  const char* env = std::getenv("FIELDBOOK_TEST_NIGHTLY_PAUSE_AFTER");
  if (env == nullptr || *env == '\0') return {};
  return [pause_after = std::string(env), stop](const std::string& step) {
    if (step != pause_after) return;
    std::fprintf(stderr, "nightly: paused after %s\n", step.c_str());
    std::fflush(stderr);
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < until && (stop == nullptr || !stop->load())) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  };
}

// SIGINT/SIGTERM set `stop` (the run finishes its current batch, records itself as interrupted
// and releases the lease) instead of killing the process mid-step.
class StopOnSignal {
 public:
  explicit StopOnSignal(std::atomic<bool>& stop) : stop_(stop) {
    sigemptyset(&signals_);
    sigaddset(&signals_, SIGINT);
    sigaddset(&signals_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals_, &previous_);
    watcher_ = std::thread([this] {
      const timespec tick{0, 100 * 1000 * 1000};
      while (!done_) {
        if (sigtimedwait(&signals_, nullptr, &tick) > 0) stop_ = true;
      }
    });
  }
  ~StopOnSignal() {
    done_ = true;
    watcher_.join();
    pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
  }

 private:
  std::atomic<bool>& stop_;
  std::atomic<bool> done_{false};
  sigset_t signals_{}, previous_{};
  std::thread watcher_;
};

}  // namespace

int RunNightly(const std::string& db, const NightlySettings& settings, bool json) {
  Status valid = CheckSettings(settings);
  if (!valid.ok()) return CommandFailed("nightly", valid);
  SystemWallClock wall;
  auto store = OpenExisting(db, wall);
  if (!store.ok()) return CommandFailed("nightly", store.status());
  std::atomic<bool> stop{false};
  StopOnSignal on_signal(stop);
  RunnerOptions options;
  options.holder = ProcessHolderName();
  options.trigger = "manual";
  options.lease = std::chrono::seconds(settings.lease_seconds);
  options.utc_offset = SystemUtcOffsetMs;
  options.stop = &stop;
  options.after_step = TestPauseHook(&stop);
  NightlyRunner runner(**store, wall, DefaultNightlySteps(ConfigFor(db, settings)), options);
  auto run = runner.Run();
  if (!run.ok()) return CommandFailed("nightly", run.status());
  if (json) {
    std::cout << WriteJson(NightlyRunJson(*run)) << "\n";
  } else {
    std::cout << NightlyRunText(*run, CommandLang());
  }
  return run->status == "succeeded" ? 0 : 1;
}

int RunNightlyReport(const std::string& db, int last, bool json) {
  SystemWallClock wall;
  auto store = OpenExisting(db, wall);
  if (!store.ok()) return CommandFailed("nightly report", store.status());
  NightlyStore nightly(**store);
  auto runs = nightly.Runs(static_cast<size_t>(std::max(last, 1)));
  if (!runs.ok()) return CommandFailed("nightly report", runs.status());
  if (json) {
    PrintJsonList("runs", *runs, NightlyRunJson);
    return 0;
  }
  if (runs->empty()) std::cout << NoNightlyRunText(CommandLang()) << "\n";
  for (size_t i = 0; i < runs->size(); ++i) {
    std::cout << (i > 0 ? "\n" : "") << NightlyRunText((*runs)[i], CommandLang());
  }
  return 0;
}

int RunBackup(const std::string& db, const NightlySettings& settings, bool json) {
  if (ServerStore::NamesPostgres(db)) return RefuseOnPostgres("backup", kPgBackup);
  Status valid = CheckSettings(settings);
  if (!valid.ok()) return CommandFailed("backup", valid);
  SystemWallClock wall;
  {
    auto store = OpenExisting(db, wall);  // also upgrades an older schema before copying
    if (!store.ok()) return CommandFailed("backup", store.status());
  }
  const NightlyConfig config = ConfigFor(db, settings);
  auto info = WriteBackup(db, config.backup, wall.NowMs());
  if (!info.ok()) return CommandFailed("backup", info.status());
  if (json) {
    std::cout << WriteJson(boost::json::object{{"file", info->file},
                                               {"bytes", info->bytes},
                                               {"seconds", info->seconds},
                                               {"removed", boost::json::value_from(info->removed)}})
              << "\n";
    return 0;
  }
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.2f", info->seconds);
  std::cout << NightlyText(CommandLang(), "nightly_backed_up",
                           {{"db", db},
                            {"file", info->file},
                            {"bytes", std::to_string(info->bytes)},
                            {"seconds", seconds},
                            {"removed", std::to_string(info->removed.size())}})
            << "\n";
  return 0;
}

int RunRestore(const std::string& backup_file, const std::string& db, bool force) {
  if (db.empty()) return CommandFailed("restore", Status::InvalidArgument("--db is required"));
  if (ServerStore::NamesPostgres(db)) {
    return RefuseOnPostgres("restore",
                            "restore a PostgreSQL database with pg_restore (a pg_dump -Fc "
                            "archive) or psql (a plain dump), with every serve instance stopped");
  }
  SystemWallClock wall;
  RestoreOptions options;
  options.force = force;
  options.actor = CommandActor();
  auto info = RestoreBackup(backup_file, db, options, wall);
  if (!info.ok()) return CommandFailed("restore", info.status());
  const Lang lang = CommandLang();
  std::cout << NightlyText(lang, "nightly_restored",
                           {{"backup", backup_file},
                            {"db", db},
                            {"version", std::to_string(info->schema_version)}})
            << "\n";
  if (!info->safety_copy.empty()) {
    std::cout << NightlyText(
                     lang, "nightly_restore_kept",
                     {{"copy", info->safety_copy}, {"n", std::to_string(info->audit_carried)}})
              << "\n";
  }
  if (!info->audit_problem.empty()) {
    std::cerr << "fieldbook-server: restore: warning: the replaced database's audit entries could "
                 "not be carried over: "
              << info->audit_problem << "\n";
  }
  std::cout << NightlyText(lang, "nightly_restore_rebuild",
                           {{"floor", std::to_string(info->history_floor)}})
            << "\n";
  return 0;
}

namespace {

// What the scheduled job's closures share: the scheduler's thread uses it alone.
struct ScheduleState {
  SystemWallClock wall;
  std::unique_ptr<ServerStore> store;
  NightlySettings settings;
  NightlyConfig config;
  std::string holder;
};

}  // namespace

Result<std::unique_ptr<NightlyScheduler>> StartServeNightly(const std::string& db,
                                                            const NightlySettings& settings) {
  if (settings.at == "off") return std::unique_ptr<NightlyScheduler>();
  FB_RETURN_IF_ERROR(CheckSettings(settings));
  FB_ASSIGN_OR_RETURN(int minute, ParseTimeOfDay(settings.at));
  // Held by the scheduler's two closures: it outlives the scheduler's thread, which the
  // scheduler's destructor joins before its closures go.
  auto s = std::make_shared<ScheduleState>();
  // `serve` checked the file before opening its own store; checking it again here would open and
  // close the file outside SQLite, which drops this process's locks on it (see db_check.h).
  FB_ASSIGN_OR_RETURN(s->store, ServerStore::Open(db, s->wall));
  s->settings = settings;
  s->config = ConfigFor(db, settings);
  s->holder = ProcessHolderName();
  ScheduleOptions schedule;
  schedule.at_minute = minute;
  auto history = [s]() -> Result<RunHistory> {
    FB_RETURN_IF_ERROR(s->store->Reconnect());  // a PostgreSQL connection lost since the last poll
    NightlyStore nightly(*s->store);
    RunHistory h;
    FB_ASSIGN_OR_RETURN(h.last_started_ms, nightly.LastStartedMs());
    FB_ASSIGN_OR_RETURN(h.last_finished_start_ms, nightly.LastFinishedStartMs());
    return h;
  };
  auto run = [s](const std::atomic<bool>& stop) -> Status {
    RunnerOptions options;
    options.holder = s->holder;
    options.trigger = "schedule";
    options.lease = std::chrono::seconds(s->settings.lease_seconds);
    options.utc_offset = SystemUtcOffsetMs;
    options.stop = &stop;
    NightlyRunner runner(*s->store, s->wall, DefaultNightlySteps(s->config), options);
    auto finished = runner.Run();
    return finished.ok() ? Status::Ok() : finished.status();
  };
  auto scheduler =
      std::make_unique<NightlyScheduler>(s->wall, SystemUtcOffsetMs, schedule, history, run);
  scheduler->Start();
  LogEvent("info", "nightly_scheduled",
           {{"at", settings.at},
            {"retention_days", std::to_string(settings.retention_days)},
            {"backup_dir", s->config.backup.dir}});
  return scheduler;
}

std::shared_ptr<NightlyLauncher> ServeNightlyLauncher(const std::string& db,
                                                      const NightlySettings& settings) {
  const NightlyConfig config = ConfigFor(db, settings);
  const std::string holder = ProcessHolderName();  // not the schedule's: the lease tells them apart
  return std::make_shared<NightlyLauncher>(
      [db, settings, config, holder](const std::atomic<bool>& stop) -> Result<NightlyRunRecord> {
        SystemWallClock wall;
        FB_ASSIGN_OR_RETURN(std::unique_ptr<ServerStore> store, ServerStore::Open(db, wall));
        RunnerOptions options;
        options.holder = holder;
        options.trigger = "manual";
        options.lease = std::chrono::seconds(settings.lease_seconds);
        options.utc_offset = SystemUtcOffsetMs;
        options.stop = &stop;
        options.after_step = TestPauseHook(&stop);
        NightlyRunner runner(*store, wall, DefaultNightlySteps(config), options);
        return runner.Run();
      });
}

}  // namespace fieldbook::server
