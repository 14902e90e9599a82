#include "commands/server_commands.h"

#include <signal.h>

#include <boost/json.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <limits>
#include <set>
#include <sstream>
#include <thread>

#include "api/admin_api.h"
#include "api/http_json.h"
#include "api/sync_service.h"
#include "commands/command_actor.h"
#include "commands/command_lang.h"
#include "commands/migrate_command.h"
#include "fieldbook/json.h"
#include "http/log.h"
#include "http/metrics.h"
#include "nightly/nightly_scheduler.h"
#include "store/backup.h"
#include "store/db_check.h"
#include "store/grading_store.h"

namespace fieldbook::server {

int CommandFailed(const std::string& what, const Status& s) {
  std::cerr << "fieldbook-server: " << what << ": " << CommandErrorText(s) << "\n";
  return 1;
}

int RefuseOnPostgres(const std::string& what, const std::string& instead) {
  std::cerr << "fieldbook-server: " << what
            << ": this command works on a SQLite database file and --db names a PostgreSQL "
               "database; "
            << instead << "\n";
  return 2;
}

int OnStore(const std::string& db, const std::string& what,
            const std::function<Status(Opened&)>& body) {
  auto opened = OpenStore(db);
  Status s = opened.ok() ? body(**opened) : opened.status();
  return s.ok() ? 0 : CommandFailed(what, s);
}

Result<std::string> ReadCommandFile(const std::string& file, size_t max_bytes) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Status::NotFound("cannot read " + file);
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().size() > max_bytes) {
    return Status::InvalidArgument(file + " is larger than " + std::to_string(max_bytes >> 10) +
                                   " KiB");
  }
  return text.str();
}

Result<std::unique_ptr<ServerStore>> OpenServerStore(const std::string& db, WallClock& wall,
                                                     bool create) {
  if (db.empty()) return Status::InvalidArgument("--db is required");
  // A PostgreSQL database has no file to check: connecting and migrating say what is wrong.
  if (!ServerStore::NamesPostgres(db) && create) {
    FB_RETURN_IF_ERROR(PrepareNewServerFile(db));
  } else if (!ServerStore::NamesPostgres(db)) {
    FB_ASSIGN_OR_RETURN(DbCheck check, CheckServerFile(db));
    (void)check;
  }
  return ServerStore::Open(db, wall);
}

Result<std::unique_ptr<Opened>> OpenStore(const std::string& db, bool create) {
  auto opened = std::make_unique<Opened>();
  FB_ASSIGN_OR_RETURN(opened->store, OpenServerStore(db, opened->wall, create));
  return opened;
}

int RunInit(const std::string& db) {
  auto opened = OpenStore(db, /*create=*/true);
  if (!opened.ok()) return CommandFailed("init", opened.status());
  std::cout << "initialised " << db << "\n";
  return 0;
}

std::string RedactedUrl(std::string db) {
  if (ServerStore::NamesPostgres(db) && db.find("://") != std::string::npos) {
    const size_t user = db.find("://") + 3;
    const size_t at = db.find('@', user);
    const size_t colon = db.find(':', user);
    if (at != std::string::npos && colon < at) db.replace(colon + 1, at - colon - 1, "***");
  }
  const size_t password = db.find("password=");
  if (password != std::string::npos) {
    const size_t from = password + 9;
    const size_t end = db.find_first_of(" &", from);
    db.replace(from, (end == std::string::npos ? db.size() : end) - from, "***");
  }
  return db;
}

int RunServe(const ServeOptions& options) {
  const bool postgres = ServerStore::NamesPostgres(options.db);
  std::unique_ptr<ServeLock> serve_lock;
  if (!postgres) {
    // Never serve a file that is not a healthy server database: answering "healthy" from an
    // empty one, or 500s from a damaged one, hides the damage from the operator.
    auto checked = CheckServerFile(options.db, options.start_check_ms);
    if (!checked.ok()) return CommandFailed("serve", checked.status());
    if (!checked->note.empty()) LogEvent("warn", "start_check", {{"note", checked->note}});
  }
  auto opened = OpenStore(options.db);
  if (!opened.ok()) return CommandFailed("serve", opened.status());
  if (!postgres) {
    // One file, one serving process: `restore` and `migrate` refuse while this is held. On
    // PostgreSQL there is no such lock: any number of instances serve one database (the database
    // orders their writes; docs/postgres.md "Serving from PostgreSQL").
    auto lock = ServeLock::AcquireShared(options.db);
    if (!lock.ok()) return CommandFailed("serve", lock.status());
    serve_lock = std::move(*lock);
  }
  Metrics metrics;
  SyncServiceOptions sync_options;
  sync_options.default_page_rows = options.page_rows;
  sync_options.limits.max_message_bytes = options.http.body_limit;
  sync_options.json_body_limit = options.json_body_limit;
  sync_options.import.max_upload_bytes = options.upload_limit;
  sync_options.console.session_ttl_ms = options.console_session_s * 1000;
  const std::string console_dir =
      options.console_dir.empty() ? ConsoleAssets::DefaultDir() : options.console_dir;
  if (!console_dir.empty()) {
    auto assets = ConsoleAssets::Load(console_dir);
    if (!assets.ok()) return CommandFailed("serve", assets.status());
    sync_options.console_assets = *assets;
  } else {
    LogEvent("warn", "console_not_installed",
             {{"note", "no console files beside the binary; /console/ answers 404"}});
  }
  sync_options.nightly_launcher = ServeNightlyLauncher(options.db, options.nightly);  // run now
  // Read connections for pulls and device tokens (docs/server.md, "Concurrency").
  const size_t readers = options.read_connections > 0
                             ? options.read_connections
                             : DefaultReadConnections(std::thread::hardware_concurrency());
  auto read_stores = ReadStores::Open(options.db, (*opened)->wall, HubOptions{}, readers);
  if (!read_stores.ok()) return CommandFailed("serve", read_stores.status());
  sync_options.readers = std::move(*read_stores);
  // On PostgreSQL /healthz is the process's liveness alone: the database is shared by every
  // instance and watched on its own, and a request that finds it gone answers 503 + Retry-After.
  sync_options.health_reads_store = !postgres;
  SyncService service(*(*opened)->store, metrics, (*opened)->wall, sync_options);

  // Signals are taken by this thread alone (sigwait); the workers inherit the blocked mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto server = HttpServer::Start(options.http, service, metrics);
  if (!server.ok()) return CommandFailed("serve", server.status());
  const uint16_t port = (*server)->port();
  if (!options.port_file.empty()) {
    const std::string tmp = options.port_file + ".tmp";
    std::ofstream(tmp) << port << "\n";
    std::rename(tmp.c_str(), options.port_file.c_str());  // appears complete or not at all
  }
  auto nightly = StartServeNightly(options.db, options.nightly);  // after the signal mask
  if (!nightly.ok()) return CommandFailed("serve", nightly.status());
  LogEvent("info", "serving",
           {{"db", postgres ? RedactedUrl(options.db) : options.db},
            {"backend", postgres ? "postgresql" : "sqlite"},
            {"serve_lock", postgres ? "none: any number of instances may serve one PostgreSQL "
                                      "database"
                                    : "held"},
            {"page_rows", std::to_string(options.page_rows)},
            {"read_connections", std::to_string(readers)}});
  std::cout << "listening on " << options.http.address << ":" << port << std::endl;

  int sig = 0;
  sigwait(&signals, &sig);
  LogEvent("info", "shutting_down", {{"signal", sig == SIGINT ? "SIGINT" : "SIGTERM"}});
  if (*nightly) (*nightly)->Stop();  // a run in progress stops at its next checkpoint
  (*server)->Shutdown();
  (*server)->Wait();
  LogEvent("info", "stopped");
  return 0;
}

int RunRepAdd(const std::string& db, const NewRep& rep, bool json) {
  return OnStore(db, "rep add", [&](Opened& opened) -> Status {
    FB_ASSIGN_OR_RETURN(auto added, opened.store->AddRep(rep, CommandActor()));
    if (json) {
      std::cout << WriteJson(boost::json::object{
                       {"id", added.first}, {"role", rep.role}, {"token", added.second}})
                << "\n";
    } else {
      std::cout << rep.role << " " << added.first << " added\n"
                << "device token (shown once, keep it safe): " << added.second << "\n";
    }
    return Status::Ok();
  });
}

int RunTerritoryAdd(const std::string& db, const std::string& name, const std::string& region,
                    const std::string& city) {
  return OnStore(db, "territory add", [&](Opened& opened) -> Status {
    FB_ASSIGN_OR_RETURN(std::string id, opened.store->AddTerritory(name, region, city));
    std::cout << id << "\n";
    return Status::Ok();
  });
}

int RunTerritoryList(const std::string& db, bool json) {
  return OnStore(db, "territory list", [&](Opened& opened) -> Status {
    FB_ASSIGN_OR_RETURN(std::vector<TerritoryInfo> list, opened.store->ListTerritories());
    if (json) {
      std::cout << WriteJson(JsonArray(list, TerritoryJson)) << "\n";
      return Status::Ok();
    }
    for (const TerritoryInfo& t : list) {
      std::printf("%-20s %-16s %6lld customers  %s\n", t.id.c_str(),
                  t.rep_id.empty() ? "(no rep)" : t.rep_id.c_str(),
                  static_cast<long long>(t.customers), t.name.c_str());
    }
    return Status::Ok();
  });
}

int RunTerritoryAssign(const std::string& db, const std::string& territory, const std::string& rep,
                       const std::string& reason) {
  return OnStore(db, "territory assign", [&](Opened& opened) -> Status {
    FB_RETURN_IF_ERROR(opened.store->AssignTerritory(territory, rep, CommandActor(), reason));
    std::cout << "territory " << territory << " assigned to " << rep
              << "; devices pick the change up at their next sync\n";
    return Status::Ok();
  });
}

int RunCustomerReassign(const std::string& db, const std::string& customer, const std::string& to,
                        const std::string& reason) {
  return OnStore(db, "customer reassign", [&](Opened& opened) -> Status {
    FB_RETURN_IF_ERROR(opened.store->ReassignCustomer(customer, to, CommandActor(), reason));
    std::cout << "customer " << customer << " reassigned to " << to << "\n";
    return Status::Ok();
  });
}

int RunConflictsList(const std::string& db, const std::string& owner, bool all, bool json) {
  return OnStore(db, "conflicts list", [&](Opened& opened) -> Status {
    FB_ASSIGN_OR_RETURN(std::vector<Conflict> list, opened.store->ListConflicts(owner, !all));
    if (json) {
      std::cout << WriteJson(JsonArray(list, ConflictJson)) << "\n";
      return Status::Ok();
    }
    for (const Conflict& c : list) {
      std::printf("#%lld %s %s.%s of %s = %s (by %s at %s; owner now %s)\n",
                  static_cast<long long>(c.id), c.status.c_str(), c.table.c_str(), c.column.c_str(),
                  c.customer_id.c_str(), c.value_json.c_str(), c.from_rep.c_str(),
                  c.hlc.ToString().c_str(), c.owner_rep.c_str());
    }
    return Status::Ok();
  });
}

int RunConflictResolve(const std::string& db, int64_t id, const std::string& action,
                       const std::string& reason) {
  return OnStore(db, "conflicts resolve", [&](Opened& opened) -> Status {
    FB_RETURN_IF_ERROR(opened.store->ResolveConflict(id, action, CommandActor(), reason));
    std::cout << "conflict " << id << (action == "apply" ? " applied" : " dismissed") << "\n";
    return Status::Ok();
  });
}

int RunExport(const std::string& db, const std::string& rep, const std::string& out_path) {
  return OnStore(db, "export", [&](Opened& opened) -> Status {
    if (out_path.empty() || out_path == "-") return opened.store->ExportForRep(rep, std::cout);
    std::ofstream out(out_path);
    if (!out) return Status::Io("cannot write " + out_path);
    return opened.store->ExportForRep(rep, out);
  });
}

int RunSeedDemo(const std::string& db, const DemoSeedOptions& options, bool json) {
  auto opened = OpenStore(db, /*create=*/true);
  if (!opened.ok()) return CommandFailed("seed-demo", opened.status());
  auto report = SeedDemo(*(*opened)->store, (*opened)->wall, options);
  if (!report.ok()) return CommandFailed("seed-demo", report.status());
  if (json) {
    std::cout << WriteJson(
                     boost::json::object{{"reps", JsonArray(report->reps, FieldsJson<DemoRep>)},
                                         {"customers", report->customers},
                                         {"visits", report->visits},
                                         {"orders", report->orders},
                                         {"order_lines", report->order_lines}})
              << "\n";
    return 0;
  }
  std::printf(
      "demo data: %d customers, %d contacts, %d visits, %d orders (%d lines), %d tasks, "
      "%d feedback\n",
      report->customers, report->contacts, report->visits, report->orders, report->order_lines,
      report->tasks, report->feedback);
  std::printf("device tokens (shown once):\n");
  for (const DemoRep& r : report->reps) {
    std::printf("  %-16s %-8s %5d customers  %s  %s\n", r.id.c_str(), r.role.c_str(), r.customers,
                r.token.c_str(), r.name.c_str());
  }
  return 0;
}

int RunHistoryTrim(const std::string& db, uint64_t before_seq) {
  return OnStore(db, "history trim", [&](Opened& opened) -> Status {
    FB_ASSIGN_OR_RETURN(uint64_t floor,
                        opened.store->TrimHistory(before_seq, /*applied_before_ms=*/0));
    std::cout << "history before sequence " << floor
              << " forgotten; devices with an older cursor will rebuild from a snapshot\n";
    return Status::Ok();
  });
}

namespace {

Result<int32_t> TodayOr(const std::string& today) {
  SystemWallClock wall;
  return DayOrToday(today, wall);
}

std::string Yuan(int64_t cents) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", static_cast<double>(cents) / 100.0);
  return buf;
}

}  // namespace

int RunGradingShow(const std::string& db) {
  return OnStore(db, "grading show", [&](Opened& opened) -> Status {
    GradingStore grading(*opened.store);
    FB_ASSIGN_OR_RETURN(auto rules, grading.CurrentRules());
    std::cout << GradingStore::RulesJson(rules) << "\n";
    if (rules.second == 0) std::cerr << "(built-in defaults: no rules have been set yet)\n";
    return Status::Ok();
  });
}

int RunGradingSet(const std::string& db, const std::string& file) {
  auto text = ReadCommandFile(file, std::numeric_limits<size_t>::max());
  if (!text.ok()) return CommandFailed("grading set", text.status());
  return OnStore(db, "grading set", [&](Opened& opened) -> Status {
    GradingStore grading(*opened.store);
    FB_ASSIGN_OR_RETURN(int version, grading.SetRules(*text, CommandActor()));
    std::cout
        << "grading rules version " << version
        << " in force; run `fieldbook-server grade` (or wait for the nightly job) to apply them\n";
    return Status::Ok();
  });
}

int RunGrade(const std::string& db, const std::string& today) {
  auto day = TodayOr(today);
  if (!day.ok()) return CommandFailed("grade", day.status());
  return OnStore(db, "grade", [&](Opened& opened) -> Status {
    GradingStore grading(*opened.store);
    FB_ASSIGN_OR_RETURN(auto run, grading.GradeAll(*day));
    std::printf(
        "graded %d customers as of %s with rules version %d in %.2f s; %d grades moved "
        "(run %lld)\n",
        run.customers, run.today.c_str(), run.rules_version, run.seconds, run.changed,
        static_cast<long long>(run.run_id));
    return Status::Ok();
  });
}

int RunReport(const std::string& db, const std::string& kind, const std::string& rep, bool csv,
              const std::string& today) {
  auto day = TodayOr(today);
  if (!day.ok()) return CommandFailed("report", day.status());
  return OnStore(db, "report", [&](Opened& opened) -> Status {
    if (!rep.empty() && !opened.store->RepExists(rep)) return Status::NotFound("no rep " + rep);
    GradingStore grading(*opened.store);
    const char* sep = csv ? "," : "  ";
    if (kind == "tiers") {
      FB_ASSIGN_OR_RETURN(std::vector<TierCount> tiers, grading.Tiers(rep));
      if (csv) std::cout << "tier,customers\n";
      for (const TierCount& t : tiers) std::cout << t.tier << sep << t.customers << "\n";
      return Status::Ok();
    }
    if (kind == "movement") {
      FB_ASSIGN_OR_RETURN(auto m, grading.Movement(rep, 0, 0));
      if (!csv) {
        std::cout << "tier migration from run " << m.from_run << " to run " << m.to_run
                  << " (rows: before, columns: after)\n";
      }
      std::set<std::string> before, after;
      for (const auto& [cell, n] : m.cells) {
        before.insert(cell.first);
        after.insert(cell.second);
      }
      std::cout << (csv ? "before" : "before\\after");
      for (const std::string& a : after) std::cout << sep << a;
      std::cout << "\n";
      for (const std::string& b : before) {
        std::cout << b;
        for (const std::string& a : after) {
          auto it = m.cells.find({b, a});
          std::cout << sep << (it == m.cells.end() ? 0 : it->second);
        }
        std::cout << "\n";
      }
      return Status::Ok();
    }
    if (kind == "at-risk") {
      FB_ASSIGN_OR_RETURN(std::vector<AtRiskCustomer> list, grading.AtRisk(rep, 200));
      if (csv) std::cout << "customer,name,rep,tier,lifecycle,churn_risk,reasons\n";
      for (const AtRiskCustomer& a : list) {
        if (csv) {
          std::cout << a.id << "," << a.name << "," << a.owner_rep << "," << a.tier << ","
                    << a.lifecycle << "," << a.churn_risk << ",\"" << a.reasons << "\"\n";
        } else {
          std::printf("%-4s %-8s risk %.2f  %s (%s)\n      %s\n", a.tier.c_str(),
                      a.lifecycle.c_str(), a.churn_risk, a.name.c_str(), a.owner_rep.c_str(),
                      a.reasons.c_str());
        }
      }
      return Status::Ok();
    }
    if (kind == "portfolio") {
      FB_ASSIGN_OR_RETURN(std::vector<PortfolioRow> rows, grading.Portfolio(rep, *day, 365));
      if (csv)
        std::cout << "rep,customers,tiers,follow_ups_due,follow_ups_overdue,revenue_yuan_365d\n";
      for (const PortfolioRow& p : rows) {
        std::string tiers;
        for (const auto& [tier, n] : p.customers_by_tier) {
          tiers += (tiers.empty() ? "" : " ") + tier + ":" + std::to_string(n);
        }
        if (csv) {
          std::cout << p.rep_id << "," << p.customers << ",\"" << tiers << "\"," << p.follow_ups_due
                    << "," << p.follow_ups_overdue << "," << Yuan(p.revenue_cents) << "\n";
        } else {
          std::printf("%-16s %5lld customers  [%s]  due today %lld, overdue %lld, revenue ¥%s\n",
                      p.rep_id.c_str(), static_cast<long long>(p.customers), tiers.c_str(),
                      static_cast<long long>(p.follow_ups_due),
                      static_cast<long long>(p.follow_ups_overdue), Yuan(p.revenue_cents).c_str());
        }
      }
      return Status::Ok();
    }
    return Status::InvalidArgument("unknown report " + kind);
  });
}

}  // namespace fieldbook::server
