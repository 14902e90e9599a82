// Imports as jobs (issue #16, the console's import progress; api/import_jobs.h): the real
// fieldbook-server takes an upload with `?job=1`, answers at once, and its progress route tells
// the session that started it the phase, the rows done of the total and the problems so far, then
// keeps the report; another session, another token, an unknown id and a dropped job read as
// unknown; CSRF, logout, session expiry, one job at a time, and a server stopped mid-job.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "integration/console_login.h"
#include "integration/server_fixture.h"
#include "support/import_sheets.h"
#include "support/subprocess.h"

namespace fieldbook::testing {
namespace {

using namespace std::chrono_literals;

size_t LineCount(const std::string& text) {
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

// Environment variables set for a scope (a server started in it inherits them), then restored.
class ScopedEnv {
 public:
  explicit ScopedEnv(std::vector<std::pair<std::string, std::string>> vars) {
    for (auto& [name, value] : vars) {
      const char* old = std::getenv(name.c_str());
      saved_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
      ::setenv(name.c_str(), value.c_str(), 1);
    }
  }
  ~ScopedEnv() {
    for (const auto& [name, old] : saved_) {
      if (old) ::setenv(name.c_str(), old->c_str(), 1);
      if (!old) ::unsetenv(name.c_str());
    }
  }

 private:
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

class ConsoleImportJobsTest : public ConsoleLogin<ServerFixture> {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(InitDb());
    manager_ = AddManager();
    AddRep("rep-a", "Zhang Wei");
    rep_ = AddRep("rep-b", "Li Na");
    tmp_ = dir_.File("server-tmp");
    std::filesystem::create_directories(tmp_);
  }
  // The server runs with TMPDIR in the test's folder (its upload files can be counted) and a pause
  // of `pause_ms` between an import's batches.
  void Start(const std::string& pause_ms, const std::vector<std::string>& extra = {}) {
    ScopedEnv env({{"TMPDIR", tmp_}, {"FIELDBOOK_TEST_IMPORT_PAUSE_MS", pause_ms}});
    StartServer(false, extra);
  }
  RawReply Upload(ConsoleClient& c, const std::string& query, const std::string& csv,
                  bool with_csrf = true) {
    std::vector<std::pair<std::string, std::string>> h = {{"Content-Type", "text/csv"}};
    if (with_csrf) h.emplace_back("X-CSRF-Token", c.csrf);
    return c.Request("POST", "/v1/admin/import/customers?" + query, csv, h);
  }
  std::string JobOf(const RawReply& started) {
    EXPECT_EQ(started.status, 202) << started.body;
    if (started.status != 202) return "";
    const std::string id = JsonStr(ParseJson(started.body), "job");
    EXPECT_EQ(id.size(), 32u);
    EXPECT_EQ(started.Header("location"), "/v1/admin/import/jobs/" + id);
    return id;
  }
  // Polls the job until it has ended; every answer is kept.
  std::vector<boost::json::value> Follow(ConsoleClient& c, const std::string& id) {
    std::vector<boost::json::value> seen;
    for (int i = 0; i < 6000; ++i) {
      RawReply r = c.Get("/v1/admin/import/jobs/" + id);
      EXPECT_EQ(r.status, 200) << r.body;
      if (r.status != 200) break;
      seen.push_back(ParseJson(r.body));
      if (JsonStr(seen.back(), "state") != "running") break;
      std::this_thread::sleep_for(20ms);
    }
    return seen;
  }
  // The uploads' temporary files (a job's included) left in the server's TMPDIR.
  size_t FilesLeft() {
    std::filesystem::directory_iterator files(tmp_);
    return static_cast<size_t>(std::count_if(begin(files), end(files), [](const auto& e) {
      return e.path().filename().string().rfind("fieldbook-body-", 0) == 0;
    }));
  }
  bool EventuallyNoFilesLeft() {
    const auto deadline = std::chrono::steady_clock::now() + 30s;  // the machine may be loaded
    while (FilesLeft() > 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(10ms);
    }
    return FilesLeft() == 0;
  }
  std::string CustomersCsv(int n) {
    auto rows = CustomerRows(n, {"rep-a", "rep-b"});
    // Every 1,000th row names a rep who does not exist: refused and reported.
    for (int i = 1000; i <= n; i += 1000) rows[static_cast<size_t>(i)].back() = "rep-nobody";
    return RowsToCsv(rows);
  }
  std::string CustomersOnServer() {
    CommandResult r = RunServerCommand({"export", "customers", "--db", db_});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }

  std::string manager_, rep_, tmp_;
};

TEST_F(ConsoleImportJobsTest, AJobShowsItsProgressToItsOwnSessionAndKeepsItsReport) {
  // 3,000 customers in batches of 250 with 150 ms between them: a dozen batches, 2 s at least
  // (session 16: half the rows of 6,000 in batches of 500, the same batches and pauses).
  ASSERT_NO_FATAL_FAILURE(Start("150"));
  ConsoleClient a = LoggedIn();
  ConsoleClient b = LoggedIn();  // the same manager in another browser
  const std::string csv = CustomersCsv(3000);

  // A state change: without the session's CSRF token nothing starts.
  EXPECT_EQ(Upload(a, "job=1&batch_rows=250", csv, /*with_csrf=*/false).status, 403);
  const std::string id = JobOf(Upload(a, "job=1&batch_rows=250&name=garages.csv", csv));
  ASSERT_FALSE(id.empty());

  // One import job at a time: a second one is refused, and its upload is not kept.
  RawReply second = Upload(b, "job=1", CustomersCsv(10));
  EXPECT_EQ(second.status, 409) << second.body;
  EXPECT_EQ(JsonStr(ParseJson(second.body).at("error"), "code"), "import_running");

  // Nobody but the session that started it sees the job: not the same manager's other session,
  // nor a manager's bearer token; a rep's token is refused outright; unknown ids read the same.
  RawReply other = b.Get("/v1/admin/import/jobs/" + id);
  EXPECT_EQ(other.status, 404) << other.body;
  auto by_token = Get("/v1/admin/import/jobs/" + id, manager_);
  ASSERT_TRUE(by_token.ok());
  EXPECT_EQ(by_token->status, 404) << by_token->body;
  auto by_rep = Get("/v1/admin/import/jobs/" + id, rep_);
  ASSERT_TRUE(by_rep.ok());
  EXPECT_EQ(by_rep->status, 403);
  for (const std::string& wrong :
       {std::string(32, '0'), id.substr(0, 31), id + "0", std::string("../") + id, std::string()}) {
    EXPECT_EQ(a.Get("/v1/admin/import/jobs/" + wrong).status, 404) << wrong;
  }
  EXPECT_EQ(a.Get("/v1/admin/import/jobs").status, 404);
  EXPECT_EQ(a.Request("POST", "/v1/admin/import/jobs/" + id, "", {{"X-CSRF-Token", a.csrf}}).status,
            405);

  const std::vector<boost::json::value> seen = Follow(a, id);
  ASSERT_FALSE(seen.empty());
  // The progress advanced: the check counts the rows, then the import's rows grow to the total,
  // never backwards, with the refused rows counted as they come.
  std::set<int64_t> importing;
  int64_t last_rows = -1, last_issues = 0;
  std::string last_phase;
  bool checked = false;
  for (const boost::json::value& p : seen) {
    EXPECT_EQ(JsonStr(p, "id"), id);
    EXPECT_EQ(JsonStr(p, "kind"), "customers");
    EXPECT_EQ(JsonStr(p, "file"), "garages.csv");
    const std::string phase = JsonStr(p, "phase");
    EXPECT_TRUE(phase == "queued" || phase == "checking" || phase == "importing" ||
                phase == "finishing" || phase == "done")
        << phase;
    if (phase != last_phase) last_rows = -1;
    EXPECT_GE(JsonInt(p, "rows"), last_rows) << phase;
    last_rows = JsonInt(p, "rows");
    last_phase = phase;
    EXPECT_LE(JsonInt(p, "bytes"), JsonInt(p, "total_bytes"));
    EXPECT_GE(JsonInt(p, "issues"), last_issues);
    last_issues = JsonInt(p, "issues");
    checked = checked || phase == "checking";
    if (phase == "importing") {
      EXPECT_EQ(JsonInt(p, "total_rows"), 3000);
      EXPECT_LE(JsonInt(p, "rows"), 3000);
      EXPECT_EQ(JsonInt(p, "total_bytes"), static_cast<int64_t>(csv.size()));
      importing.insert(JsonInt(p, "rows"));
    }
  }
  EXPECT_GE(importing.size(), 3u) << "the rows did not advance while the job ran";
  const boost::json::value& end = seen.back();
  EXPECT_EQ(JsonStr(end, "state"), "done");
  EXPECT_EQ(JsonStr(end, "phase"), "done");
  EXPECT_EQ(JsonInt(end, "rows"), 3000);
  EXPECT_EQ(JsonInt(end, "issues"), 3);
  EXPECT_EQ(JsonInt(end, "status"), 200);
  EXPECT_GE(JsonInt(end, "finished_ms"), JsonInt(end, "started_ms"));
  const boost::json::value& report = end.at("result");
  EXPECT_EQ(JsonInt(report, "rows"), 3000);
  EXPECT_EQ(JsonInt(report, "created"), 2997);
  EXPECT_EQ(JsonInt(report, "rejected"), 3);
  EXPECT_FALSE(report.at("dry_run").as_bool());
  EXPECT_EQ(LineCount(CustomersOnServer()), 2998u);  // with the header
  EXPECT_TRUE(EventuallyNoFilesLeft()) << "the job's upload was not removed";

  // The finished job keeps its report; still nobody else's.
  RawReply again = a.Get("/v1/admin/import/jobs/" + id);
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(JsonInt(ParseJson(again.body).at("result"), "created"), 2997);
  EXPECT_EQ(b.Get("/v1/admin/import/jobs/" + id).status, 404);

  // A job of the bearer token is the token's: the session does not see it.
  auto started =
      Post("/v1/admin/import/customers?job=1&dry_run=1", CustomersCsv(20), manager_, "text/csv");
  ASSERT_TRUE(started.ok());
  ASSERT_EQ(started->status, 202) << started->body;
  const std::string token_job = JsonStr(ParseJson(started->body), "job");
  EXPECT_EQ(a.Get("/v1/admin/import/jobs/" + token_job).status, 404);
  bool ended = false;
  for (int i = 0; i < 1000 && !ended; ++i) {
    auto r = Get("/v1/admin/import/jobs/" + token_job, manager_);
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->status, 200) << r->body;
    ended = JsonStr(ParseJson(r->body), "state") != "running";
    if (!ended) std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(ended);

  // Signed out, the session's cookie reads nothing.
  EXPECT_EQ(a.PostJson("/v1/admin/logout", "").status, 200);
  EXPECT_EQ(a.Get("/v1/admin/import/jobs/" + id).status, 401);
}

TEST_F(ConsoleImportJobsTest, AFailedJobKeepsItsErrorAndOldJobsAreDropped) {
  ASSERT_NO_FATAL_FAILURE(Start("0", {"--console-session-seconds", "30"}));
  ConsoleClient a = LoggedIn();
  // A file the import refuses: the job fails with the synchronous route's answer.
  const std::string bad = JobOf(Upload(a, "job=1", "just one line without a header we know\n"));
  ASSERT_FALSE(bad.empty());
  const std::vector<boost::json::value> failed = Follow(a, bad);
  ASSERT_FALSE(failed.empty());
  EXPECT_EQ(JsonStr(failed.back(), "state"), "failed");
  EXPECT_EQ(JsonStr(failed.back(), "phase"), "failed");
  EXPECT_EQ(JsonInt(failed.back(), "status"), 400);
  EXPECT_EQ(JsonStr(failed.back().at("result").at("error"), "code"), "invalid_file");
  EXPECT_FALSE(JsonStr(failed.back().at("result").at("error"), "message").empty());

  // Dry runs as jobs, one after the other: the latest 16 ended jobs are kept, older ones dropped.
  std::vector<std::string> ids;
  for (int i = 0; i < 16; ++i) {
    ids.push_back(JobOf(Upload(a, "job=1&dry_run=1", CustomersCsv(30))));
    ASSERT_FALSE(ids.back().empty());
    const std::vector<boost::json::value> run = Follow(a, ids.back());
    ASSERT_FALSE(run.empty());
    EXPECT_EQ(JsonStr(run.back(), "state"), "done");
    EXPECT_TRUE(run.back().at("result").at("dry_run").as_bool());
    EXPECT_EQ(JsonInt(run.back().at("result"), "created"), 30);
  }
  EXPECT_EQ(a.Get("/v1/admin/import/jobs/" + bad).status, 404);  // the oldest, dropped
  for (const std::string& id : ids) EXPECT_EQ(a.Get("/v1/admin/import/jobs/" + id).status, 200);
  EXPECT_EQ(LineCount(CustomersOnServer()), 1u);  // dry runs wrote nothing
  EXPECT_TRUE(EventuallyNoFilesLeft());
}

TEST_F(ConsoleImportJobsTest, AnExpiredSessionReadsNoJob) {
  // A session far longer than the test, ended below as if its time had passed.
  ASSERT_NO_FATAL_FAILURE(Start("0", {"--console-session-seconds", "600"}));
  ConsoleClient a = LoggedIn();
  const std::string id = JobOf(Upload(a, "job=1&dry_run=1", CustomersCsv(10)));
  ASSERT_FALSE(id.empty());
  ASSERT_NO_FATAL_FAILURE(ExpireConsoleSessions());
  EXPECT_EQ(a.Get("/v1/admin/import/jobs/" + id).status, 401);
  EXPECT_EQ(Upload(a, "job=1", CustomersCsv(10)).status, 401);
}

TEST_F(ConsoleImportJobsTest, AServerStoppedMidJobStopsItAndImportingAgainWritesTheRest) {
  // 3 s between batches of 200 rows: 3,000 rows take over 40 s; the server is stopped once the
  // first batch is in (whenever a loaded machine gets there), and stops well before the rest.
  ASSERT_NO_FATAL_FAILURE(Start("3000"));
  ConsoleClient a = LoggedIn();
  const std::string csv = CustomersCsv(3000);
  const std::string id = JobOf(Upload(a, "job=1&batch_rows=200", csv));
  ASSERT_FALSE(id.empty());
  const auto first_batch_deadline = std::chrono::steady_clock::now() + 60s;
  while (LineCount(CustomersOnServer()) <= 1 &&
         std::chrono::steady_clock::now() < first_batch_deadline) {
    std::this_thread::sleep_for(100ms);
  }
  const auto stop = std::chrono::steady_clock::now();
  EXPECT_EQ(server_->Stop(SIGTERM), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - stop, 25s) << "the server waited for the whole job";
  const size_t partial = LineCount(CustomersOnServer()) - 1;
  EXPECT_GT(partial, 0u);
  EXPECT_LT(partial, 2997u);
  EXPECT_TRUE(EventuallyNoFilesLeft());

  ASSERT_NO_FATAL_FAILURE(Start("0"));
  auto again = Post("/v1/admin/import/customers", csv, manager_, "text/csv");
  ASSERT_TRUE(again.ok());
  ASSERT_EQ(again->status, 200) << again->body;
  const boost::json::value report = ParseJson(again->body);
  EXPECT_EQ(JsonInt(report, "created"), static_cast<int64_t>(2997 - partial));
  EXPECT_EQ(JsonInt(report, "unchanged"), static_cast<int64_t>(partial));
  EXPECT_EQ(LineCount(CustomersOnServer()), 2998u);
}

}  // namespace
}  // namespace fieldbook::testing
