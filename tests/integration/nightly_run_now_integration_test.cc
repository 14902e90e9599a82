// "Run now" (issue #16, the console's Night page): POST /v1/admin/nightly/run against the real
// fieldbook-server — the run goes on the server's own thread while the HTTP threads keep answering,
// a second run is refused while one goes on (this server's own, or another process holding the
// lease), CSRF and an expired session are refused, a rep's token is refused, and a run stopped by
// the server's shutdown is recorded as interrupted.
#include <gtest/gtest.h>

#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

#include "integration/console_login.h"
#include "integration/server_fixture.h"
#include "support/subprocess.h"

namespace fieldbook::testing {
namespace {

using namespace std::chrono_literals;

bool Has(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

class NightlyRunNowTest : public ConsoleLogin<ServerFixture> {
 protected:
  void SetUp() override {
    ASSERT_EQ(RunServerCommand({"seed-demo", "--db", db_, "--customers", "60", "--json"}).exit_code,
              0);
    manager_ = AddManager();
    rep_ = AddRep("rep-x", "Rep X");
  }
  // Starts serve; with `pause_after`, its runs pause after that step (the test hook) until the
  // server stops.
  void Start(const std::vector<std::string>& extra, const std::string& pause_after = "") {
    if (!pause_after.empty()) setenv("FIELDBOOK_TEST_NIGHTLY_PAUSE_AFTER", pause_after.c_str(), 1);
    std::vector<std::string> flags = {"--backup-dir", backups_};
    flags.insert(flags.end(), extra.begin(), extra.end());
    StartServer(false, flags);
    unsetenv("FIELDBOOK_TEST_NIGHTLY_PAUSE_AFTER");
  }
  // GET /v1/admin/nightly/run until `done` says so (up to 120 s under the sanitizers).
  boost::json::value PollUntil(ConsoleClient& c,
                               const std::function<bool(const boost::json::value&)>& done) {
    boost::json::value last;
    for (int i = 0; i < 1200; ++i) {
      RawReply r = c.Get("/v1/admin/nightly/run");
      EXPECT_EQ(r.status, 200) << r.body;
      last = ParseJson(r.body);
      if (done(last)) return last;
      std::this_thread::sleep_for(100ms);
    }
    ADD_FAILURE() << "still waiting: " << boost::json::serialize(last);
    return last;
  }
  boost::json::array Runs(ConsoleClient& c) {
    RawReply r = c.Get("/v1/admin/nightly/runs");
    EXPECT_EQ(r.status, 200) << r.body;
    return JsonArr(ParseJson(r.body), "runs");
  }
  static bool Running(const boost::json::value& v) { return v.at("state").at("running").as_bool(); }

  std::string manager_, rep_;
  std::string backups_ = dir_.File("backups");
};

TEST_F(NightlyRunNowTest, RunsTheWholeJobOffTheHttpThreadsAndRecordsIt) {
  ASSERT_NO_FATAL_FAILURE(Start({}));
  ConsoleClient c = LoggedIn();
  EXPECT_TRUE(Runs(c).empty());
  RawReply started = c.PostJson("/v1/admin/nightly/run", "{}");
  ASSERT_EQ(started.status, 202) << started.body;
  EXPECT_EQ(JsonStr(ParseJson(started.body).at("state"), "by"), "mgr");
  boost::json::value done = PollUntil(c, [](const boost::json::value& v) { return !Running(v); });
  const boost::json::value& state = done.at("state");
  EXPECT_EQ(JsonStr(state, "outcome"), "succeeded") << boost::json::serialize(done);
  EXPECT_TRUE(done.at("lease").is_null());  // released at the end

  boost::json::array runs = Runs(c);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(JsonInt(runs[0], "id"), JsonInt(state, "run"));
  EXPECT_EQ(JsonStr(runs[0], "trigger"), "manual");
  EXPECT_EQ(JsonStr(runs[0], "status"), "succeeded");
  std::vector<std::string> steps;
  for (const auto& s : JsonArr(runs[0], "steps")) {
    steps.push_back(JsonStr(s, "name"));
    EXPECT_TRUE(JsonStr(s, "status") == "done" || JsonStr(s, "status") == "skipped")
        << boost::json::serialize(s);
  }
  EXPECT_EQ(steps, (std::vector<std::string>{"grade", "reclaim", "verify", "compact", "backup"}));
  EXPECT_EQ(JsonInt(runs[0].at("summary"), "customers_graded"), 60);
  const std::string backup = JsonStr(runs[0].at("summary"), "backup_file");
  if (server_db_.postgres()) {
    // PostgreSQL is backed up by its own tools (pg_dump, pg_basebackup): no file, the step skipped.
    EXPECT_EQ(backup, "");
    EXPECT_EQ(JsonStr(JsonArr(runs[0], "steps").back(), "status"), "skipped");
    EXPECT_FALSE(std::filesystem::exists(backups_) && !std::filesystem::is_empty(backups_));
  } else {
    EXPECT_TRUE(std::filesystem::exists(backup)) << backup;
    EXPECT_EQ(std::filesystem::path(backup).parent_path(), std::filesystem::path(backups_));
  }

  // Once finished, a second run may start (a manager's bearer token needs no CSRF token).
  auto again = Post("/v1/admin/nightly/run", "{}", manager_);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->status, 202) << again->body;
  PollUntil(c, [](const boost::json::value& v) { return !Running(v); });
  EXPECT_EQ(Runs(c).size(), 2u);
}

TEST_F(NightlyRunNowTest, RefusesASecondRunWhileOneGoesOnHereOrElsewhere) {
  ASSERT_NO_FATAL_FAILURE(Start({"--lease-seconds", "600"}, "grade"));
  ConsoleClient c = LoggedIn();
  ASSERT_EQ(c.PostJson("/v1/admin/nightly/run", "{}").status, 202);
  // The run pauses after grading (the test hook) and holds the lease.
  boost::json::value held =
      PollUntil(c, [](const boost::json::value& v) { return !v.at("lease").is_null(); });
  EXPECT_TRUE(Running(held));
  // The HTTP threads are free meanwhile.
  const auto before = std::chrono::steady_clock::now();
  EXPECT_EQ(c.Get("/v1/admin/reps").status, 200);
  EXPECT_EQ(c.Get("/healthz").status, 200);
  EXPECT_LT(std::chrono::steady_clock::now() - before, 30s);  // the paused run holds a minute

  RawReply second = c.PostJson("/v1/admin/nightly/run", "{}");
  EXPECT_EQ(second.status, 409) << second.body;
  EXPECT_TRUE(Has(second.body, "nightly_running")) << second.body;
  EXPECT_TRUE(Has(second.body, "started by mgr")) << second.body;
  // Another process cannot run the job either: the lease is held.
  CommandResult cli = RunServerCommand({"nightly", "--db", db_, "--backup-dir", backups_});
  EXPECT_EQ(cli.exit_code, 1) << cli.out;
  EXPECT_TRUE(Has(cli.err, "lease")) << cli.err;
  boost::json::array runs = Runs(c);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(JsonStr(runs[0], "status"), "running");

  // Stopping the server stops the run at its next checkpoint: interrupted, resumed by the next.
  const auto stopping = std::chrono::steady_clock::now();
  EXPECT_EQ(server_->Stop(SIGTERM), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - stopping, 30s);
  ASSERT_TRUE(server_->Start({"--backup-dir", backups_})) << server_->Log();  // a new port file
  ConsoleClient again = LoggedIn();
  runs = Runs(again);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(JsonStr(runs[0], "status"), "interrupted");
  ASSERT_EQ(again.PostJson("/v1/admin/nightly/run", "{}").status, 202);
  boost::json::value done =
      PollUntil(again, [](const boost::json::value& v) { return !Running(v); });
  runs = Runs(again);
  ASSERT_EQ(runs.size(), 1u);  // the interrupted run was resumed, not started anew
  EXPECT_EQ(JsonStr(runs[0], "status"), "succeeded");
  EXPECT_EQ(JsonInt(runs[0], "resumed"), 1);
}

TEST_F(NightlyRunNowTest, RefusedWhenAnotherProcessHoldsTheLease) {
  ASSERT_NO_FATAL_FAILURE(Start({}));
  // `fieldbook-server nightly` pauses after grading, holding the lease.
  setenv("FIELDBOOK_TEST_NIGHTLY_PAUSE_AFTER", "grade", 1);
  const std::string err = dir_.File("nightly.err");
  const pid_t pid =
      SpawnProcess(FIELDBOOK_SERVER_BINARY, {"nightly", "--db", db_, "--backup-dir", backups_},
                   dir_.File("nightly.out"), err);
  unsetenv("FIELDBOOK_TEST_NIGHTLY_PAUSE_AFTER");
  ASSERT_GT(pid, 0);
  bool paused = false;
  for (int i = 0; i < 1200 && !paused; ++i) {
    paused = Has(ReadWholeFile(err), "paused after grade");
    if (!paused) std::this_thread::sleep_for(50ms);
  }
  ASSERT_TRUE(paused) << ReadWholeFile(err);
  ConsoleClient c = LoggedIn();
  RawReply refused = c.PostJson("/v1/admin/nightly/run", "{}");
  EXPECT_EQ(refused.status, 409) << refused.body;
  EXPECT_TRUE(Has(refused.body, "the nightly job is running (run 1")) << refused.body;
  boost::json::value state = ParseJson(c.Get("/v1/admin/nightly/run").body);
  EXPECT_FALSE(Running(state));
  EXPECT_EQ(JsonInt(state.at("lease"), "run"), 1);
  // SIGTERM: the other process records its run as interrupted and gives the lease up.
  kill(pid, SIGTERM);
  EXPECT_EQ(WaitForExit(pid), 1) << ReadWholeFile(err);  // its run did not succeed
  EXPECT_TRUE(ParseJson(c.Get("/v1/admin/nightly/run").body).at("lease").is_null());
  EXPECT_EQ(c.PostJson("/v1/admin/nightly/run", "{}").status, 202);
  PollUntil(c, [](const boost::json::value& v) { return !Running(v); });
  boost::json::array runs = Runs(c);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(JsonStr(runs[0], "status"), "succeeded");
}

TEST_F(NightlyRunNowTest, NeedsCsrfAManagerAndALiveSession) {
  // A session far longer than the test, ended below as if its time had passed.
  ASSERT_NO_FATAL_FAILURE(Start({"--console-session-seconds", "600"}));
  ConsoleClient c = LoggedIn();
  EXPECT_EQ(NewestSessionLifetimeMs(), 600 * 1000);
  RawReply no_csrf = c.PostJson("/v1/admin/nightly/run", "{}", /*with_csrf=*/false);
  EXPECT_EQ(no_csrf.status, 403);
  EXPECT_TRUE(Has(no_csrf.body, "\"csrf\"")) << no_csrf.body;
  auto as_rep = Post("/v1/admin/nightly/run", "{}", rep_);
  ASSERT_TRUE(as_rep.ok());
  EXPECT_EQ(as_rep->status, 403);
  auto rep_reads = Get("/v1/admin/nightly/run", rep_);
  ASSERT_TRUE(rep_reads.ok());
  EXPECT_EQ(rep_reads->status, 403);
  auto nobody = Post("/v1/admin/nightly/run", "{}", "");
  ASSERT_TRUE(nobody.ok());
  EXPECT_EQ(nobody->status, 401);
  EXPECT_EQ(c.Get("/v1/admin/nightly/run").status, 200);
  ASSERT_NO_FATAL_FAILURE(ExpireConsoleSessions());
  EXPECT_EQ(c.Get("/v1/admin/nightly/run").status, 401);
  EXPECT_EQ(c.PostJson("/v1/admin/nightly/run", "{}").status, 401);
  ConsoleClient fresh = LoggedIn();
  EXPECT_TRUE(Runs(fresh).empty());  // nothing ran
}

}  // namespace
}  // namespace fieldbook::testing
