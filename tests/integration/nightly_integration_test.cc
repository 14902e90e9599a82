// The nightly job end to end with the real fieldbook-server binary: a run killed with SIGKILL
// halfway and started again, a device offline past the retention horizon, backup and restore
// around a running server, the schedule inside `serve`, and the admin API's run reports.
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>

#include <boost/json.hpp>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <thread>

#include "fieldbook/sqlite_db.h"
#include "integration/server_fixture.h"
#include "support/sync_fixture.h"
#include "sync/http_client.h"
#include "sync/sync_engine.h"

namespace fieldbook::testing {
namespace {

namespace fs = std::filesystem;
using client::HttpClient;

// The newest runs, as `nightly report --json` prints them.
boost::json::array Runs(const std::string& db) {
  CommandResult r = RunServerCommand({"nightly", "report", "--db", db, "--json", "--last", "10"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  boost::json::value v = ParseJson(r.out);
  return v.is_object() ? v.at("runs").as_array() : boost::json::array{};
}

const boost::json::object* Step(const boost::json::value& run, const std::string& name) {
  for (const boost::json::value& s : run.at("steps").as_array()) {
    if (s.at("name").as_string() == name) return &s.as_object();
  }
  return nullptr;
}

int64_t QueryInt(const std::string& db_path, const std::string& sql) {
  DbOptions o;
  o.read_only = true;
  o.create = false;
  auto db = Db::Open(db_path, o);
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  if (!db.ok()) return -1;
  const Value v = QueryValue(**db, sql);
  return std::holds_alternative<int64_t>(v) ? std::get<int64_t>(v) : -1;
}

// An export without its tombstones (rows with "deleted":1).
std::string LiveRows(const std::string& exported) {
  std::string out;
  size_t start = 0;
  while (start < exported.size()) {
    size_t end = exported.find('\n', start);
    if (end == std::string::npos) end = exported.size();
    const std::string line = exported.substr(start, end - start);
    if (line.find("\"deleted\":1") == std::string::npos) out += line + "\n";
    start = end + 1;
  }
  return out;
}

class NightlyIntegrationTest : public ServerFixture {
 protected:
  // A database with reps and a running server (its own nightly schedule off).
  void StartServerWithReps() {
    ASSERT_NO_FATAL_FAILURE(InitDb());
    manager_token_ = AddRep("mgr", "Manager Zhou", "manager");
    token_a_ = AddRep("rep-a", "张伟 Zhang Wei", "rep");
    token_b_ = AddRep("rep-b", "李娜 Li Na", "rep");
    ASSERT_NO_FATAL_FAILURE(StartServer(/*keep_port=*/true, {"--nightly-at", "off"}));
  }
  void Sql(Replica& r, const std::string& sql, std::initializer_list<Value> params) {
    Status s = Exec(r.db(), sql, params);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  void AddCustomer(Replica& r, const std::string& id, const std::string& owner) {
    Sql(r,
        "INSERT INTO customers (id, name, city, owner_rep_id, customer_type) VALUES (?, ?, "
        "'广州', ?, 'garage')",
        {S(id.c_str()), S(("garage " + id).c_str()), S(owner.c_str())});
  }
  // Starts `nightly` with the test pause hook after `step`, waits until it pauses there and
  // kills it with SIGKILL.
  void KillNightlyAfter(const std::string& step, const std::vector<std::string>& flags) {
    const std::string err = dir_.File("nightly-" + step + ".err");
    setenv("FIELDBOOK_TEST_NIGHTLY_PAUSE_AFTER", step.c_str(), 1);
    std::vector<std::string> args = {"nightly", "--db", db_};
    args.insert(args.end(), flags.begin(), flags.end());
    const pid_t pid = SpawnProcess(FIELDBOOK_SERVER_BINARY, args, dir_.File("nightly.out"), err);
    unsetenv("FIELDBOOK_TEST_NIGHTLY_PAUSE_AFTER");
    ASSERT_GT(pid, 0);
    bool paused = false;
    for (int i = 0; i < 1200 && !paused; ++i) {  // up to 60 s under sanitizers
      paused = ReadWholeFile(err).find("paused after " + step) != std::string::npos;
      if (!paused) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    kill(pid, SIGKILL);
    EXPECT_EQ(WaitForExit(pid), -SIGKILL);
    ASSERT_TRUE(paused) << ReadWholeFile(err);
  }

  // Moves the nightly lease's expiry to `expires_ms` (the clock passing it, without the wait).
  // The lease is srv_nightly_lease on SQLite, fb_leases' 'nightly' row on PostgreSQL.
  void ExpireLease(int64_t expires_ms) {
    const std::string ms = std::to_string(expires_ms);  // a number made here
    Status s =
        server_db_.Exec(server_db_.postgres() ? "UPDATE fb_leases SET expires_at = to_timestamp(" +
                                                    ms + " / 1000.0) WHERE name = 'nightly'"
                                              : "UPDATE srv_nightly_lease SET expires_ms = " + ms);
    ASSERT_TRUE(s.ok()) << s.ToString();
    ASSERT_EQ(LeaseCount(), 1);
  }
  int64_t LeaseExpiresMs() {
    return server_db_.QueryInt(server_db_.postgres()
                                   ? "SELECT (extract(epoch FROM expires_at) * 1000)::bigint FROM "
                                     "fb_leases WHERE name = 'nightly'"
                                   : "SELECT expires_ms FROM srv_nightly_lease");
  }
  int64_t LeaseCount() {
    return server_db_.QueryInt(server_db_.postgres()
                                   ? "SELECT count(*) FROM fb_leases WHERE name = 'nightly'"
                                   : "SELECT count(*) FROM srv_nightly_lease");
  }

  // Kills a run after `step`, checks it stays unfinished and locked, then lets it complete.
  void KilledRunCompletes(const std::string& step, const std::vector<std::string>& done_before) {
    ASSERT_EQ(
        RunServerCommand({"seed-demo", "--db", db_, "--customers", "40", "--today", "2026-11-20"})
            .exit_code,
        0);
    const std::string backups = dir_.File("backups");
    // A lease far longer than the test: the dead process's lease cannot run out by itself while
    // the test looks at what it left, however slow the machine; the test ends it below.
    const std::vector<std::string> flags = {"--lease-seconds", "600", "--backup-dir", backups};
    ASSERT_NO_FATAL_FAILURE(KillNightlyAfter(step, flags));

    boost::json::array runs = Runs(db_);
    ASSERT_EQ(runs.size(), 1u);
    EXPECT_EQ(runs[0].at("status").as_string(), "running");
    for (const std::string& name : done_before) {
      ASSERT_NE(Step(runs[0], name), nullptr) << name;
      EXPECT_NE(Step(runs[0], name)->at("status").as_string(), "running") << name;
    }
    EXPECT_EQ(server_db_.QueryInt("SELECT count(*) FROM srv_grade_runs"), 1);

    // The dead process's lease still holds: a second run is refused, not run alongside.
    std::vector<std::string> args = {"nightly", "--db", db_};
    args.insert(args.end(), flags.begin(), flags.end());
    CommandResult busy = RunServerCommand(args);
    EXPECT_EQ(busy.exit_code, 1);
    EXPECT_NE(busy.err.find("another nightly run is in progress"), std::string::npos) << busy.err;

    // The dead holder's lease runs the whole --lease-seconds from its last renewal; then, as if
    // those ten minutes had passed, it expires.
    const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
    const int64_t expires_ms = LeaseExpiresMs();
    EXPECT_GT(expires_ms, now_ms + 300 * 1000);
    EXPECT_LE(expires_ms, now_ms + 600 * 1000);
    ExpireLease(now_ms - 1);
    CommandResult resumed = RunServerCommand(args);
    ASSERT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
    EXPECT_NE(resumed.out.find("resumed 1x"), std::string::npos) << resumed.out;

    runs = Runs(db_);
    ASSERT_EQ(runs.size(), 1u);  // the same run, completed
    const boost::json::value& run = runs[0];
    EXPECT_EQ(run.at("status").as_string(), "succeeded");
    EXPECT_EQ(run.at("resumed").as_int64(), 1);
    for (const std::string& name : done_before) {
      EXPECT_EQ(Step(run, name)->at("attempts").as_int64(), 1) << name << " was redone";
    }
    for (const char* name : {"grade", "reclaim", "verify", "compact"}) {
      ASSERT_NE(Step(run, name), nullptr) << name;
      EXPECT_EQ(Step(run, name)->at("status").as_string(), "done") << name;
    }
    // Graded exactly once.
    EXPECT_EQ(server_db_.QueryInt("SELECT count(*) FROM srv_grade_runs"), 1);
    EXPECT_EQ(run.at("summary").at("grades_changed").as_int64(), 40);
    const boost::json::object* backup = Step(run, "backup");
    ASSERT_NE(backup, nullptr);
    if (server_db_.postgres()) {
      // PostgreSQL is backed up by its own tools: the step is recorded as skipped, saying which,
      // and no file is written.
      EXPECT_EQ(backup->at("status").as_string(), "skipped");
      EXPECT_NE(JsonStr(backup->at("report"), "skipped").find("pg_dump"), std::string::npos)
          << boost::json::serialize(*backup);
      EXPECT_EQ(JsonStr(run.at("summary"), "backup_file"), "") << boost::json::serialize(run);
      EXPECT_TRUE(!fs::exists(backups) || fs::is_empty(backups)) << backups;
    } else {
      // Backed up once, and the backup is a good database.
      EXPECT_EQ(backup->at("status").as_string(), "done");
      const std::string file(run.at("summary").at("backup_file").as_string());
      ASSERT_TRUE(fs::exists(file)) << file;
      EXPECT_EQ(QueryInt(file, "SELECT count(*) FROM customers"), 40);
      size_t backups_made = 0;
      for (const auto& e : fs::directory_iterator(backups)) {
        ++backups_made;
        EXPECT_EQ(e.path().extension(), ".db") << e.path();  // no partial file left behind
      }
      EXPECT_EQ(backups_made, 1u);
    }
    EXPECT_EQ(LeaseCount(), 0);  // released
  }

  std::string manager_token_, token_a_, token_b_;
};

TEST_F(NightlyIntegrationTest, ARunKilledAfterGradingIsResumedWithoutGradingTwice) {
  ASSERT_NO_FATAL_FAILURE(KilledRunCompletes("grade", {"grade"}));
}

TEST_F(NightlyIntegrationTest, ARunKilledAfterCompactionIsResumedWithTheBackupOnly) {
  ASSERT_NO_FATAL_FAILURE(KilledRunCompletes("compact", {"grade", "reclaim", "verify", "compact"}));
}

TEST_F(NightlyIntegrationTest, ADeviceOfflinePastTheHorizonGetsASnapshotAndItsEditsLand) {
  ASSERT_NO_FATAL_FAILURE(StartServerWithReps());
  auto a = OpenReplica("a");
  auto b = OpenReplica("b");
  AddCustomer(*a, "c1", "rep-a");
  AddCustomer(*a, "c2", "rep-a");
  ASSERT_TRUE(Sync(*a, token_a_).ok());
  AddCustomer(*b, "cb", "rep-b");
  Sql(*b, "INSERT INTO contacts (id, customer_id, name) VALUES ('kb', 'cb', '王师傅')", {});
  ASSERT_TRUE(Sync(*b, token_b_).ok());

  // Zhang Wei's device goes out of signal and he keeps working.
  Sql(*a,
      "INSERT INTO visits (id, customer_id, rep_id, check_in, notes) VALUES ('v-off', 'c1', "
      "'rep-a', '2026-11-23T09:00:00Z', '换了刹车片')",
      {});
  Sql(*a, "UPDATE customers SET notes = '老板姓陈' WHERE id = 'c2'", {});
  AddCustomer(*a, "c3", "rep-a");
  // Meanwhile a manager moves c1 to Li Na, and Li Na deletes a contact.
  ASSERT_EQ(
      RunServerCommand({"customer", "reassign", "--db", db_, "--customer", "c1", "--to", "rep-b"})
          .exit_code,
      0);
  Sql(*b, "UPDATE contacts SET deleted = 1 WHERE id = 'kb'", {});
  ASSERT_TRUE(Sync(*b, token_b_).ok());

  // The nightly job, beside the running server, compacts everything up to now.
  CommandResult nightly = RunServerCommand({"nightly", "--db", db_, "--retention-days", "0",
                                            "--backup-dir", dir_.File("backups"), "--json"});
  ASSERT_EQ(nightly.exit_code, 0) << nightly.out << nightly.err;
  const boost::json::value run = ParseJson(nightly.out);
  const boost::json::object& compact = Step(run, "compact")->at("report").as_object();
  EXPECT_GT(compact.at("floor").to_number<int64_t>(), static_cast<int64_t>(a->cursor()));
  EXPECT_GE(compact.at("tombstones").to_number<int64_t>(), 1);
  EXPECT_EQ(server_db_.QueryInt("SELECT count(*) FROM contacts WHERE id = 'kb'"), 0);  // purged

  // Back in signal: the device pushes first, then rebuilds from a fresh snapshot.
  auto report = Sync(*a, token_a_);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->rebuilt);
  EXPECT_EQ(*a->PendingWriteCount(), 0);
  const std::string exported_a = ServerExport("rep-a");
  EXPECT_NE(exported_a.find("老板姓陈"), std::string::npos);  // the field edit landed
  EXPECT_NE(exported_a.find("\"c3\""), std::string::npos);    // the new customer landed
  EXPECT_EQ(exported_a.find("\"c1\""), std::string::npos);    // moved away, purged from a
  // The visit to the customer that moved away is kept for the new owner: the compaction kept the
  // removal the push gate needs.
  EXPECT_NE(ServerExport("rep-b").find("换了刹车片"), std::string::npos);
  EXPECT_EQ(ReplicaExport(*a), exported_a);
  // The rebuilt device is not behind the floor: the next sync is an ordinary one.
  auto again = Sync(*a, token_a_);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_FALSE(again->rebuilt);

  // Li Na's device had synced everything before the compaction: no rebuild. It keeps its own
  // (hidden) copy of the deleted contact the hub has forgotten; everything live is the same.
  auto report_b = Sync(*b, token_b_);
  ASSERT_TRUE(report_b.ok()) << report_b.status().ToString();
  EXPECT_FALSE(report_b->rebuilt);
  EXPECT_EQ(LiveRows(ReplicaExport(*b)), LiveRows(ServerExport("rep-b")));
  EXPECT_EQ(std::get<int64_t>(QueryValue(b->db(), "SELECT deleted FROM contacts WHERE id = 'kb'")),
            1);
}

TEST_F(NightlyIntegrationTest, RestoreRefusesARunningServerThenRewindsEveryDevice) {
  FB_SKIP_ON_POSTGRES("`backup` and `restore` copy server.db (PostgreSQL's are pg_dump's)");
  ASSERT_NO_FATAL_FAILURE(StartServerWithReps());
  auto a = OpenReplica("a");
  AddCustomer(*a, "c1", "rep-a");
  ASSERT_TRUE(Sync(*a, token_a_).ok());
  CommandResult backup = RunServerCommand(
      {"backup", "--db", db_, "--backup-dir", dir_.File("backups"), "--json"});  // online
  ASSERT_EQ(backup.exit_code, 0) << backup.err;
  const std::string file = JsonStr(ParseJson(backup.out), "file");
  ASSERT_TRUE(fs::exists(file));
  AddCustomer(*a, "c2", "rep-a");  // synced after the backup: the restore loses it at first
  ASSERT_TRUE(Sync(*a, token_a_).ok());

  CommandResult refused = RunServerCommand({"restore", file, "--db", db_, "--force"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("is serving"), std::string::npos) << refused.err;
  ASSERT_EQ(server_->Stop(SIGTERM), 0);
  CommandResult exists = RunServerCommand({"restore", file, "--db", db_});
  EXPECT_EQ(exists.exit_code, 1);
  EXPECT_NE(exists.err.find("--force"), std::string::npos) << exists.err;
  std::ofstream(dir_.File("junk.db")) << "not a database";
  EXPECT_EQ(RunServerCommand({"restore", dir_.File("junk.db"), "--db", db_, "--force"}).exit_code,
            1);
  EXPECT_EQ(server_db_.QueryInt("SELECT count(*) FROM customers WHERE id = 'c2'"), 1);  // untouched

  CommandResult restored = RunServerCommand({"restore", file, "--db", db_, "--force"});
  ASSERT_EQ(restored.exit_code, 0) << restored.err;
  EXPECT_NE(restored.out.find("before-restore"), std::string::npos) << restored.out;
  EXPECT_EQ(server_db_.QueryInt("SELECT count(*) FROM customers WHERE id = 'c2'"), 0);

  ASSERT_TRUE(server_->Start({"--nightly-at", "off"})) << server_->Log();
  AddCustomer(*a, "c3", "rep-a");  // not synced yet: it lands before the rebuild
  auto report = Sync(*a, token_a_);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->rebuilt);
  const std::string exported = ServerExport("rep-a");
  EXPECT_NE(exported.find("\"c1\""), std::string::npos);
  EXPECT_NE(exported.find("\"c3\""), std::string::npos);
  // c2 reached the server after the backup; the device still holds it and pushes it again when it
  // sees the restored server's new epoch (issue 12: restores lose nothing a device holds).
  EXPECT_NE(exported.find("\"c2\""), std::string::npos);
  EXPECT_TRUE(report->server_restored);
  EXPECT_EQ(ReplicaExport(*a), exported);
  auto again = Sync(*a, token_a_);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->rebuilt);
}

TEST_F(NightlyIntegrationTest, ServeRunsAMissedNightOnItsScheduleAndReportsIt) {
  ASSERT_NO_FATAL_FAILURE(StartServerWithReps());
  ASSERT_EQ(server_->Stop(SIGTERM), 0);
  // The job ran yesterday; tonight's slot passed two minutes ago while the server was down.
  ASSERT_EQ(
      RunServerCommand({"nightly", "--db", db_, "--backup-dir", dir_.File("backups")}).exit_code,
      0);
  ASSERT_TRUE(
      server_db_.Exec("UPDATE srv_nightly_runs SET started_ms = started_ms - 86400000").ok());
  const std::time_t two_minutes_ago = std::time(nullptr) - 120;
  std::tm local{};
  localtime_r(&two_minutes_ago, &local);
  char at[8];
  std::snprintf(at, sizeof at, "%02d:%02d", local.tm_hour, local.tm_min);
  ASSERT_TRUE(server_->Start({"--nightly-at", at, "--backup-dir", dir_.File("backups")}))
      << server_->Log();

  boost::json::array runs;
  // Wait for the scheduled run to end, whatever its outcome; each report is a whole process, so
  // the wall-clock bound matters, not the count (a loaded machine under sanitizers is slow).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(180);
  while (std::chrono::steady_clock::now() < deadline) {
    runs = Runs(db_);
    if (runs.size() == 2 && runs[0].at("status").as_string() != "running") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ASSERT_EQ(runs.size(), 2u) << server_->Log();
  EXPECT_EQ(runs[0].at("trigger").as_string(), "schedule");
  EXPECT_EQ(runs[0].at("status").as_string(), "succeeded")
      << boost::json::serialize(runs[0]) << "\n"
      << server_->Log();
  EXPECT_NE(server_->Log().find("event=nightly_finished"), std::string::npos);

  // Managers read the same reports over HTTP; reps may not.
  auto http = HttpClient::Create(server_->url());
  ASSERT_TRUE(http.ok());
  auto reply = (*http)->Get("/v1/admin/nightly/runs?last=1", manager_token_);
  ASSERT_TRUE(reply.ok());
  ASSERT_EQ(reply->status, 200) << reply->body;
  const boost::json::value body = ParseJson(reply->body);
  ASSERT_EQ(body.at("runs").as_array().size(), 1u);
  EXPECT_EQ(body.at("runs").as_array()[0].at("trigger").as_string(), "schedule");
  auto as_rep = (*http)->Get("/v1/admin/nightly/runs", token_a_);
  ASSERT_TRUE(as_rep.ok());
  EXPECT_EQ(as_rep->status, 403);
  // A stopped server stops cleanly with its scheduler.
  EXPECT_EQ(server_->Stop(SIGTERM), 0);
}

// Regression: `serve` with a schedule re-checked the database file while its store was open; the
// plain open and close of the file dropped the server's SQLite locks, and the next process that
// closed the database (any `nightly report`) deleted the WAL the server was still committing to.
TEST_F(NightlyIntegrationTest, AServerWithAScheduleKeepsItsLocksOnTheDatabase) {
  FB_SKIP_ON_POSTGRES("it checks SQLite's -wal and -shm files and the server's file locks");
  ASSERT_NO_FATAL_FAILURE(InitDb());
  manager_token_ = AddRep("mgr", "Manager Zhou", "manager");
  const std::time_t later = std::time(nullptr) + 6 * 3600;  // scheduled, but not run in this test
  std::tm local{};
  localtime_r(&later, &local);
  char at[8];
  std::snprintf(at, sizeof at, "%02d:%02d", local.tm_hour, local.tm_min);
  ASSERT_NO_FATAL_FAILURE(
      StartServer(/*keep_port=*/false, {"--nightly-at", at, "--backup-dir", dir_.File("backups")}));
  // Other processes open and close the database meanwhile, as `nightly report` does.
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(RunServerCommand({"nightly", "report", "--db", db_}).exit_code, 0);
  }
  EXPECT_TRUE(std::filesystem::exists(db_ + "-wal"));
  EXPECT_TRUE(std::filesystem::exists(db_ + "-shm"));
  const std::string fds = "/proc/" + std::to_string(server_->pid()) + "/fd";
  const std::string db_path = std::filesystem::weakly_canonical(db_).string();
  int db_files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(fds)) {
    std::error_code ec;
    const std::string target = std::filesystem::read_symlink(entry.path(), ec).string();
    // Only the database's own files: SQLite's temporary files (a sort, a statement journal) are
    // unlinked as they are opened, and a busy server may hold one at this moment.
    if (target.rfind(db_path, 0) != 0) continue;
    ++db_files;
    EXPECT_EQ(target.find("(deleted)"), std::string::npos) << "the server writes to " << target;
  }
  EXPECT_GE(db_files, 2) << "the server holds its database and WAL open";
  EXPECT_EQ(server_->Stop(SIGTERM), 0);
}

TEST_F(NightlyIntegrationTest, MisuseIsRefusedWithAReason) {
  ASSERT_EQ(RunServerCommand({"init", "--db", db_}).exit_code, 0);
  CommandResult bad_time = RunServerCommand({"serve", "--db", db_, "--nightly-at", "25:00"});
  EXPECT_EQ(bad_time.exit_code, 2);
  EXPECT_NE(bad_time.err.find("HH:MM"), std::string::npos) << bad_time.err;
  EXPECT_EQ(RunServerCommand({"nightly"}).exit_code, 2);  // no --db
  CommandResult missing = RunServerCommand({"nightly", "--db", dir_.File("nope.db")});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("no database"), std::string::npos) << missing.err;
  CommandResult none = RunServerCommand({"nightly", "report", "--db", db_});
  EXPECT_EQ(none.exit_code, 0);
  EXPECT_NE(none.out.find("no nightly run yet"), std::string::npos);
  EXPECT_EQ(RunServerCommand({"nightly", "report", "--db", db_, "--last", "0"}).exit_code, 2);
  EXPECT_EQ(RunServerCommand({"restore", "--db", db_}).exit_code, 2);  // no backup file
}

}  // namespace
}  // namespace fieldbook::testing
