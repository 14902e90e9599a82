// `fieldbook-server` on a PostgreSQL --db (issue #15), through the real binaries, each test on a
// fresh database of the test cluster (FIELDBOOK_TEST_PG):
//  * every command that takes --db runs on it; the commands that work on a SQLite file by nature
//    (backup, restore, migrate --from) refuse it and name the tool to use instead;
//  * `serve`: two reps' devices (fieldbook-cli) sync through it and a manager's reassignment
//    reaches them; kill -9 of the server while a device pushes loses no acknowledged change; the
//    database ending the server's sessions answers 503 + Retry-After until it connects again;
//  * two `serve` processes on one database at once, devices alternating between them, converge;
//    two processes never run the nightly job at once (the lease);
//  * the database put back from a pg_dump under devices that kept working, then `new-epoch`:
//    every device sends again what it holds and rebuilds; nothing it held is lost.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "integration/server_fixture.h"
#include "integration/server_process.h"
#include "integration/test_server_db.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"

namespace fieldbook::testing {
namespace {

namespace json = boost::json;

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

std::string Trim(std::string s) {
  s.erase(s.find_last_not_of(" \n") + 1);
  return s;
}

// A sample of `server`'s /metrics ("name{labels}"), 0 when absent; -1 when it does not answer.
int64_t Metric(const ServerProcess& server, const std::string& sample) {
  auto http = client::HttpClient::Create(server.url());
  if (!http.ok()) return -1;
  auto reply = (*http)->Get("/metrics");
  if (!reply.ok() || reply->status != 200) return -1;
  const size_t at = reply->body.find("\n" + sample + " ");
  return at == std::string::npos ? 0 : std::stoll(reply->body.substr(at + sample.size() + 2));
}

// A PostgreSQL client program (pg_dump, pg_restore) as scripts/pg-cluster finds the cluster's:
// the newest /usr/lib/postgresql/*/bin that has it, else PATH; "" when there is none.
std::string PgTool(const std::string& name) {
  std::string found;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/usr/lib/postgresql", ec)) {
    const std::filesystem::path tool = e.path() / "bin" / name;
    if (std::filesystem::exists(tool) && (found.empty() || tool.string() > found)) {
      found = tool.string();
    }
  }
  if (!found.empty()) return found;
  const CommandResult which = RunCommand("/bin/sh", {"-c", "command -v " + name});
  return which.exit_code == 0 ? Trim(which.out) : std::string();
}

// Whether the process still runs (not exited, not killed).
bool Alive(const ServerProcess& server) {
  int status = 0;
  return server.pid() > 0 && waitpid(server.pid(), &status, WNOHANG) == 0;
}

// Needs no cluster: the refusal comes before any connection.
TEST(ServeOnPostgresTest, FileCommandsRefuseADatabaseAndNameTheToolToUse) {
  TempDir dir;
  const std::string url = "postgresql://fieldbook@127.0.0.1:1/fieldbook";
  const std::string keywords = "host=" + dir.path().string() + " dbname=fieldbook";
  struct Case {
    std::vector<std::string> args;
    std::string names;
  };
  const std::vector<Case> cases = {
      {{"backup", "--db", url}, "pg_dump"},
      {{"backup", "--db", keywords, "--backup-dir", dir.File("b")}, "pg_basebackup"},
      {{"restore", dir.File("fieldbook-x.db"), "--db", url}, "pg_restore"},
      {{"restore", dir.File("fieldbook-x.db"), "--db", keywords, "--force"}, "pg_restore"},
      {{"migrate", "--from", url, "--to", url}, "pg_dump and pg_restore"},
  };
  for (const Case& c : cases) {
    const CommandResult run = RunServerCommand(c.args);
    EXPECT_EQ(run.exit_code, 2) << c.args[0] << ": " << run.out << run.err;
    EXPECT_TRUE(Has(run.err, "PostgreSQL")) << run.err;
    EXPECT_TRUE(Has(run.err, c.names)) << run.err;
  }
  EXPECT_FALSE(std::filesystem::exists(dir.File("b"))) << "a backup folder was made";
  EXPECT_FALSE(std::filesystem::exists("postgresql:")) << "the URL was taken for a file name";
  EXPECT_FALSE(std::filesystem::exists(keywords)) << "the keywords were taken for a file name";
}

// A fresh PostgreSQL database per test on the test cluster (FIELDBOOK_TEST_PG), made `init` by the
// real binary; dropped at the end. The CLI devices, the server and every command are the real
// binaries, exactly as on SQLite (server_fixture.h), with --db the database's connection string.
class ServePgTest : public CliFixture {
 protected:
  void SetUp() override {
    cluster_ = Env("FIELDBOOK_TEST_PG");
    if (cluster_.empty()) {
      GTEST_SKIP() << "FIELDBOOK_TEST_PG is not set: no PostgreSQL cluster to test against "
                      "(scripts/test starts one; see tests/postgres/pg_test_env.h)";
    }
    // TestServerDb makes a fresh database when the run asks for PostgreSQL: this test always does.
    setenv("FIELDBOOK_TEST_SERVER_DB", "postgres", 1);
    pg_ = std::make_unique<TestServerDb>(dir_);
    unsetenv("FIELDBOOK_TEST_SERVER_DB");
    ASSERT_TRUE(pg_->postgres());
    db_ = pg_->url();
    ASSERT_NO_FATAL_FAILURE(InitDb());
  }

  void TearDown() override {
    server_.reset();
    second_.reset();
    pg_.reset();  // drops the database
  }

  CommandResult Server(std::vector<std::string> args) {
    args.insert(args.end(), {"--db", db_});
    return RunServerCommand(args);
  }
  std::string ServerOk(const std::vector<std::string>& args) {
    const CommandResult run = Server(args);
    EXPECT_EQ(run.exit_code, 0) << args[0] << ": " << run.out << run.err;
    return run.out;
  }
  // The database's own view, through a connection of the test.
  int64_t Count(const std::string& sql) { return pg_->QueryInt(sql); }
  // Starts a second `serve` on the same database.
  void StartSecond() {
    second_ = std::make_unique<ServerProcess>(db_, SecondDir());
    ASSERT_TRUE(second_->Start()) << second_->Log();
  }
  std::string SecondDir() {
    const std::string dir = dir_.File("second");
    std::filesystem::create_directories(dir);
    return dir;
  }
  // A customer added on `device`; its id.
  std::string AddCustomerOn(const std::string& device, const std::string& name) {
    return JsonStr(OkJson(device, {"customer", "add", "--name", name, "--city", "广州"}), "id");
  }
  // Points `device` at `server` (a device moved behind a load balancer is the same thing).
  void PointAt(const std::string& device, const ServerProcess& server, const std::string& token) {
    Ok(device, {"init", "--server", server.url(), "--token", token});
  }
  // Reps rep-a (张伟) and rep-b (李娜), `serve` started (a restart keeps its port), and device "a"
  // of rep-a and "b" of rep-b set up against it; the reps' tokens in token_a_ and token_b_.
  void ServeTwoRepsWithADeviceEach() {
    token_a_ = AddRep("rep-a", "张伟");
    token_b_ = AddRep("rep-b", "李娜");
    ASSERT_NO_FATAL_FAILURE(StartServer(/*keep_port=*/true));
    Init("a", token_a_);
    Init("b", token_b_);
  }

  std::string cluster_;
  std::string token_a_, token_b_;  // ServeTwoRepsWithADeviceEach
  std::unique_ptr<TestServerDb> pg_;
  std::unique_ptr<ServerProcess> second_;
};

// Every command that takes --db takes the database: init (again: an upgrade), reps, territories,
// reassignment, products, an import, grading, reports, the audit log, the console password,
// export, the nightly job (its backup step says to use pg_dump) and its report.
TEST_F(ServePgTest, EveryCommandRunsOnTheDatabase) {
  ServerOk({"init"});
  AddRep("rep-a", "张伟");
  AddRep("rep-b", "李娜");
  AddRep("mgr", "Manager", "manager");
  const std::string territory =
      Trim(ServerOk({"territory", "add", "--name", "天河", "--region", "华南", "--city", "广州"}));
  ASSERT_FALSE(territory.empty());
  ServerOk({"territory", "assign", "--territory", territory, "--rep", "rep-a"});
  EXPECT_TRUE(Has(ServerOk({"territory", "list"}), "rep-a"));
  ServerOk({"product", "add", "BP-1024", "--name", "刹车片", "--price", "128.50"});
  EXPECT_TRUE(Has(ServerOk({"product", "list"}), "BP-1024"));
  const std::string csv = dir_.File("c.csv");
  std::ofstream(csv) << "name,city,phone,rep\n鑫达汽修厂,广州,13800138000,rep-a\n"
                        "顺通汽配,深圳,13900139000,rep-b\n";
  EXPECT_EQ(JsonInt(ParseJson(ServerOk({"import", "customers", csv, "--json"})), "created"), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM customers WHERE owner_rep_id = 'rep-a'"), 1);
  EXPECT_TRUE(Has(ServerOk({"grade"}), "graded 2 customers"));
  EXPECT_FALSE(ServerOk({"report", "tiers", "--csv"}).empty());
  const CommandResult passwd = RunCommandWithInput(
      FIELDBOOK_SERVER_BINARY, {"rep", "passwd", "--db", db_, "mgr"}, "a long console password\n");
  EXPECT_EQ(passwd.exit_code, 0) << passwd.err;
  EXPECT_TRUE(Has(ServerOk({"audit", "list", "--action", "rep.password"}), "mgr"));
  const std::string export_a = ServerOk({"export", "--rep", "rep-a"});
  EXPECT_TRUE(Has(export_a, "鑫达汽修厂"));
  EXPECT_FALSE(Has(export_a, "顺通汽配"));

  const CommandResult nightly = Server({"nightly", "--json"});
  EXPECT_EQ(nightly.exit_code, 0) << nightly.out << nightly.err;
  EXPECT_TRUE(Has(nightly.out, "pg_dump")) << nightly.out;
  EXPECT_TRUE(Has(nightly.out, "\"skipped\"")) << nightly.out;
  EXPECT_TRUE(Has(nightly.out, "autovacuum")) << nightly.out;
  EXPECT_TRUE(Has(ServerOk({"nightly", "report"}), "succeeded"));
}

// Two reps' devices sync through `serve` on PostgreSQL; a manager's reassignment (a command run
// beside the server, on the same database) reaches both; every device ends equal to the server.
TEST_F(ServePgTest, DevicesSyncThroughServeAndAReassignmentReachesThem) {
  ASSERT_NO_FATAL_FAILURE(ServeTwoRepsWithADeviceEach());
  const std::string x = AddCustomerOn("a", "鑫达汽修厂");
  Ok("a", {"visit", "log", "--customer", x, "--notes", "换了刹车片"});
  Ok("a", {"order", "add", "--customer", x, "--line", "BP-1024:4:128.50"});
  const std::string y = AddCustomerOn("b", "顺通汽配");
  Ok("a", {"sync"});
  Ok("b", {"sync"});
  EXPECT_EQ(Cli("b", {"customer", "show", x}).exit_code, 1);

  ServerOk({"customer", "reassign", "--customer", x, "--to", "rep-b", "--reason", "route"});
  Ok("a", {"sync"});
  Ok("b", {"sync"});
  EXPECT_EQ(Cli("a", {"customer", "show", x}).exit_code, 1);
  json::value moved = OkJson("b", {"customer", "show", x});
  EXPECT_EQ(JsonStr(moved.as_object().at("customer"), "owner_rep_id"), "rep-b");
  EXPECT_EQ(JsonInt(moved, "visit_count"), 1);
  EXPECT_EQ(JsonInt(moved, "order_count"), 1);
  EXPECT_EQ(Ok("a", {"export"}), ServerExport("rep-a"));
  EXPECT_EQ(Ok("b", {"export"}), ServerExport("rep-b"));
  EXPECT_TRUE(Has(ServerExport("rep-b"), y));
  EXPECT_TRUE(Has(server_->Log(), "backend=postgresql")) << server_->Log();
}

// kill -9 of the server while a device pushes, again and again: every sync the device saw
// acknowledged is on the server after the restart, and the device converges.
TEST_F(ServePgTest, KillNineMidPushLosesNoAcknowledgedChange) {
  const std::string token = AddRep("rep-a", "张伟");
  ASSERT_NO_FATAL_FAILURE(StartServer(/*keep_port=*/true));
  Init("a", token);
  const std::string x = AddCustomerOn("a", "鑫达汽修厂");
  Ok("a", {"visit", "log", "--customer", x, "--notes", "before the kills"});
  // How long a whole sync of a few changes takes here: the kills below land from its very start
  // to after its end, so some syncs are cut and some are acknowledged.
  const auto started = std::chrono::steady_clock::now();
  Ok("a", {"sync"});
  const auto whole = std::chrono::steady_clock::now() - started;
  constexpr int kRounds = 6, kVisits = 5;
  std::vector<std::string> acknowledged;
  for (int round = 0; round < kRounds; ++round) {
    std::vector<std::string> notes;
    for (int i = 0; i < kVisits; ++i) {
      notes.push_back("round " + std::to_string(round) + " visit " + std::to_string(i));
      Ok("a", {"visit", "log", "--customer", x, "--notes", notes.back()});
    }
    // The sync and the kill race: whichever wins, what the device was told is kept.
    const pid_t sync = SpawnProcess(FIELDBOOK_CLI_BINARY, {"--replica", dir_.File("a.db"), "sync"},
                                    dir_.File("sync.out"), dir_.File("sync.err"));
    ASSERT_GT(sync, 0);
    std::this_thread::sleep_for(whole * round / (kRounds - 2));
    EXPECT_EQ(server_->Stop(SIGKILL), -SIGKILL);
    const int code = WaitForExit(sync);
    if (code == 0) acknowledged.insert(acknowledged.end(), notes.begin(), notes.end());
    ASSERT_TRUE(server_->Start()) << server_->Log();
  }
  Ok("a", {"sync"});
  // The race went both ways over the rounds (else this test proves nothing about one of them).
  EXPECT_GT(acknowledged.size(), 0u) << "every sync was cut by the kill";
  EXPECT_LT(acknowledged.size(), static_cast<size_t>(kRounds * kVisits)) << "no sync was cut";
  const std::string hub = ServerExport("rep-a");
  for (const std::string& note : acknowledged) EXPECT_TRUE(Has(hub, note)) << note;
  // Everything, once: a push the server committed but the device never heard of was sent again
  // and not applied twice.
  EXPECT_EQ(Count("SELECT count(*) FROM visits"), 1 + kRounds * kVisits);
  EXPECT_EQ(Ok("a", {"export"}), hub);
  EXPECT_EQ(JsonInt(OkJson("a", {"status"}), "pending_writes"), 0);
}

// Two `serve` processes on one database at once (no serve lock on PostgreSQL): devices alternate
// between them, both reps edit, a reassignment lands in between; everything converges.
TEST_F(ServePgTest, TwoInstancesServeOneDatabaseAndDevicesAlternatingConverge) {
  ASSERT_NO_FATAL_FAILURE(ServeTwoRepsWithADeviceEach());
  ASSERT_NO_FATAL_FAILURE(StartSecond());
  EXPECT_EQ(Get("/healthz")->status, 200);
  const std::string x = AddCustomerOn("a", "鑫达汽修厂");
  const std::string y = AddCustomerOn("b", "顺通汽配");
  for (int round = 0; round < 6; ++round) {
    const ServerProcess& one = round % 2 == 0 ? *server_ : *second_;
    const ServerProcess& other = round % 2 == 0 ? *second_ : *server_;
    PointAt("a", one, token_a_);
    PointAt("b", other, token_b_);
    const std::string on_x = round < 3 ? "a" : "b";  // x moves to rep-b after round 2
    Ok(on_x, {"visit", "log", "--customer", x, "--notes", "x round " + std::to_string(round)});
    Ok("b", {"visit", "log", "--customer", y, "--notes", "y round " + std::to_string(round)});
    Ok("a", {"sync"});
    Ok("b", {"sync"});
    if (round == 2) {
      ServerOk({"customer", "reassign", "--customer", x, "--to", "rep-b"});
      Ok("a", {"sync"});
      Ok("b", {"sync"});
    }
  }
  for (const char* device : {"a", "b"}) Ok(device, {"sync"});
  EXPECT_EQ(Count("SELECT count(*) FROM visits"), 12);
  EXPECT_EQ(Ok("a", {"export"}), ServerExport("rep-a"));
  EXPECT_EQ(Ok("b", {"export"}), ServerExport("rep-b"));
  EXPECT_EQ(JsonInt(OkJson("b", {"customer", "show", x}), "visit_count"), 6);
  // Both instances took pushes and pulls: 6 rounds, each device on each instance 3 times.
  EXPECT_GE(Metric(*server_, "fieldbook_syncs_total{result=\"ok\"}"), 6);
  EXPECT_GE(Metric(*second_, "fieldbook_syncs_total{result=\"ok\"}"), 6);
  EXPECT_TRUE(Alive(*server_)) << server_->Log();
  EXPECT_TRUE(Alive(*second_)) << second_->Log();
}

// The nightly job never runs twice at once across processes (the lease, PgLease): a second run
// while the first is paused mid-way is refused; the first, killed, is resumed by the next.
TEST_F(ServePgTest, TwoProcessesNeverRunTheNightlyJobTwice) {
  AddRep("rep-a", "张伟");
  const std::string err = dir_.File("first.err");
  setenv("FIELDBOOK_TEST_NIGHTLY_PAUSE_AFTER", "grade", 1);
  const pid_t first =
      SpawnProcess(FIELDBOOK_SERVER_BINARY, {"nightly", "--db", db_}, dir_.File("first.out"), err);
  unsetenv("FIELDBOOK_TEST_NIGHTLY_PAUSE_AFTER");
  ASSERT_GT(first, 0);
  bool paused = false;
  for (int i = 0; i < 1200 && !paused; ++i) {
    paused = Has(ReadWholeFile(err), "paused after grade");
    if (!paused) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(paused) << ReadWholeFile(err);
  const CommandResult second = Server({"nightly"});
  EXPECT_EQ(second.exit_code, 1) << second.out << second.err;
  EXPECT_TRUE(Has(second.err, "lease")) << second.err;
  kill(first, SIGKILL);
  EXPECT_EQ(WaitForExit(first), -SIGKILL);
  EXPECT_EQ(Count("SELECT count(*) FROM srv_nightly_runs"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM srv_nightly_steps WHERE step = 'grade' AND status = "
                  "'done'"),
            1);
}

// The database put back from a pg_dump (pg_restore) while the devices kept working, then
// `new-epoch`: each device sends again what it wrote and still holds (synced after the dump, or
// never synced) and rebuilds; every device ends equal to the server and nothing it held is lost.
// Without `new-epoch` the device that synced after the dump loses that work once another device
// has pushed the sequence past its cursor (the restored database cannot tell it anything).
TEST_F(ServePgTest, ARestoredDumpThenNewEpochLosesNothingTheDevicesHold) {
  const std::string pg_dump = PgTool("pg_dump"), pg_restore = PgTool("pg_restore");
  ASSERT_FALSE(pg_dump.empty() || pg_restore.empty()) << "pg_dump and pg_restore come with the "
                                                         "cluster's binaries (scripts/setup)";
  ASSERT_NO_FATAL_FAILURE(ServeTwoRepsWithADeviceEach());
  const std::string x = AddCustomerOn("a", "鑫达汽修厂");
  Ok("a", {"visit", "log", "--customer", x, "--notes", "before the dump"});
  const std::string y = AddCustomerOn("b", "顺通汽配");
  Ok("a", {"sync"});
  Ok("b", {"sync"});
  const std::string dump = dir_.File("fieldbook.dump");
  const CommandResult dumped = RunCommand(pg_dump, {"-Fc", "-f", dump, "-d", pg_->conninfo()});
  ASSERT_EQ(dumped.exit_code, 0) << dumped.err;

  // Work acknowledged after the dump (the restore loses it at first), and work never synced.
  Ok("a", {"visit", "log", "--customer", x, "--notes", "after the dump"});
  const std::string z = AddCustomerOn("a", "后来的车行");
  Ok("a", {"sync"});
  const std::string w = AddCustomerOn("b", "晚到汽修");
  Ok("a", {"visit", "log", "--customer", x, "--notes", "never synced"});
  ServerOk({"customer", "reassign", "--customer", y, "--to", "rep-a"});  // lost with the restore

  ASSERT_EQ(server_->Stop(SIGTERM), 0);
  const int64_t epoch = Count("SELECT epoch FROM fb_hub_seq");
  const CommandResult restored =
      RunCommand(pg_restore, {"--clean", "--if-exists", "-d", pg_->conninfo(), dump});
  ASSERT_EQ(restored.exit_code, 0) << restored.err;
  ASSERT_EQ(Count("SELECT count(*) FROM customers WHERE id = '" + z + "'"), 0);
  EXPECT_EQ(Count("SELECT epoch FROM fb_hub_seq"), epoch);  // the dump's: devices cannot tell
  const int64_t seq = Count("SELECT value FROM fb_hub_seq");
  EXPECT_TRUE(Has(ServerOk({"new-epoch"}), "new epoch"));
  EXPECT_NE(Count("SELECT epoch FROM fb_hub_seq"), epoch);
  EXPECT_GE(Count("SELECT floor FROM fb_hub_seq"), seq + 1000000000);
  EXPECT_EQ(Count("SELECT count(*) FROM srv_audit WHERE action = 'database.new_epoch'"), 1);

  ASSERT_TRUE(server_->Start()) << server_->Log();
  // b, which never synced after the dump, comes first with new customers: the restored database
  // hands out the numbers a's cursor had passed again (without a new epoch, a would then look up
  // to date, and its work acknowledged after the dump would never be sent again).
  std::vector<std::string> added;
  for (int i = 0; i < 6; ++i) added.push_back(AddCustomerOn("b", "新车行 " + std::to_string(i)));
  for (const char* device : {"b", "a"}) {
    const json::value synced = OkJson(device, {"sync"});
    EXPECT_TRUE(synced.as_object().at("server_restored").as_bool()) << device;
  }
  for (const char* device : {"a", "b"}) Ok(device, {"sync"});
  const std::string hub_a = ServerExport("rep-a"), hub_b = ServerExport("rep-b");
  for (const std::string& kept : {std::string("before the dump"), std::string("after the dump"),
                                  std::string("never synced"), z}) {
    EXPECT_TRUE(Has(hub_a, kept)) << kept;
  }
  EXPECT_TRUE(Has(hub_b, w));
  for (const std::string& id : added) EXPECT_TRUE(Has(hub_b, id)) << id;
  EXPECT_TRUE(Has(hub_b, y));  // the reassignment was the server's, not a device's: undone
  EXPECT_EQ(Count("SELECT count(*) FROM visits"), 3);
  EXPECT_EQ(Ok("a", {"export"}), hub_a);
  EXPECT_EQ(Ok("b", {"export"}), hub_b);
  EXPECT_EQ(JsonInt(OkJson("a", {"status"}), "pending_writes"), 0);
}

// The database ends the server's sessions (a restart, a failover): requests in between answer
// 503 with Retry-After, the device asks again, the server connects again; no crash.
TEST_F(ServePgTest, ALostConnectionAnswers503AndTheServerConnectsAgain) {
  const std::string token = AddRep("rep-a", "张伟");
  ASSERT_NO_FATAL_FAILURE(StartServer());
  Init("a", token);
  const std::string x = AddCustomerOn("a", "鑫达汽修厂");
  Ok("a", {"sync"});
  for (int round = 0; round < 3; ++round) {
    // Every session of the database but this query's: the writer, the read connections.
    const int64_t ended = Count(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = "
        "current_database() AND pid <> pg_backend_pid()");
    EXPECT_GE(ended, 2) << "the writer and its read connections";
    auto health = Get("/healthz");
    ASSERT_TRUE(health.ok());
    EXPECT_EQ(health->status, 200);  // liveness: never the database
    Ok("a", {"visit", "log", "--customer", x, "--notes", "after loss " + std::to_string(round)});
    Ok("a", {"sync"});
    EXPECT_TRUE(Alive(*server_)) << server_->Log();
  }
  // The lost connections were met: answered 503 (with Retry-After, or the device would not have
  // asked again and the syncs above would have failed), never 500.
  EXPECT_GE(Metric(*server_, "fieldbook_http_requests_total{code=\"503\"}"), 3);
  EXPECT_EQ(Metric(*server_, "fieldbook_http_requests_total{code=\"500\"}"), 0);
  EXPECT_EQ(Ok("a", {"export"}), ServerExport("rep-a"));
  EXPECT_TRUE(Has(ServerExport("rep-a"), "after loss 2"));
}

}  // namespace
}  // namespace fieldbook::testing
