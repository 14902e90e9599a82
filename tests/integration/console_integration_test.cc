// The manager's console API end to end (issue #16): `rep passwd`, login, the session cookie, CSRF,
// expiry, logout, back-off, and the console's static files — against the real fieldbook-server.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
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

class ConsoleTest : public ConsoleLogin<ServerFixture> {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(InitDb());
    manager_ = AddManager();
    rep_ = AddRep("rep-a", "Rep A", "rep");
  }
  // A console folder with a page, a module, a style sheet and a nested picture.
  std::string MakeAssets() {
    const std::string dir = dir_.File("console");
    std::filesystem::create_directories(dir + "/img");
    std::ofstream(dir + "/index.html") << "<!doctype html><title>console</title>";
    std::ofstream(dir + "/app.js") << "export const x = 1;\n";
    std::ofstream(dir + "/style.css") << "body { margin: 0 }\n";
    std::ofstream(dir + "/img/logo.svg") << "<svg xmlns='http://www.w3.org/2000/svg'/>";
    std::ofstream(dir_.File("secret.txt")) << "outside the console folder";
    return dir;
  }
  std::string manager_, rep_;
};

TEST_F(ConsoleTest, PasswdStoresOnlyAnArgon2idHashAndRefusesRepsAndWeakInput) {
  // A rep cannot be given a console password; a short one or none at all changes nothing.
  CommandResult for_rep = Passwd("rep-a", std::string(kConsolePassword) + "\n");
  EXPECT_EQ(for_rep.exit_code, 1);
  EXPECT_TRUE(Has(for_rep.err, "not a manager")) << for_rep.err;
  EXPECT_EQ(Passwd("mgr", "short\n").exit_code, 1);
  EXPECT_EQ(Passwd("mgr", "").exit_code, 1);
  EXPECT_EQ(Passwd("nobody", std::string(kConsolePassword) + "\n").exit_code, 1);
  // The password is never an argument.
  EXPECT_NE(RunServerCommand({"rep", "passwd", "--db", db_, "mgr", kConsolePassword}).exit_code, 0);
  // Only the hash is in the database (the file's bytes, or every row on PostgreSQL).
  const std::string bytes = server_db_.AllStoredText();
  EXPECT_FALSE(Has(bytes, kConsolePassword));
  EXPECT_TRUE(Has(bytes, "$argon2id$v=19$m=19456,t=2,p=1$"));
  // The change is audited.
  CommandResult audit =
      RunServerCommand({"audit", "list", "--db", db_, "--action", "rep.password"});
  EXPECT_TRUE(Has(audit.out, "mgr")) << audit.out << audit.err;
}

TEST_F(ConsoleTest, LoginSetsAHardenedSessionCookieThatActsAsTheManager) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  ConsoleClient c = Console();
  RawReply login = c.Login("mgr", kConsolePassword);
  ASSERT_EQ(login.status, 200) << login.body;
  const std::string cookie = login.Header("set-cookie");
  EXPECT_TRUE(Has(cookie, "fb_session=")) << cookie;
  EXPECT_TRUE(Has(cookie, "; HttpOnly")) << cookie;
  EXPECT_TRUE(Has(cookie, "; SameSite=Strict")) << cookie;
  EXPECT_TRUE(Has(cookie, "; Path=/")) << cookie;
  EXPECT_TRUE(Has(cookie, "; Max-Age=28800")) << cookie;
  EXPECT_FALSE(Has(cookie, "Secure")) << "plain HTTP: " << cookie;
  EXPECT_EQ(login.Header("cache-control"), "no-store");
  EXPECT_TRUE(Has(login.Header("content-security-policy"), "default-src 'none'"));
  EXPECT_TRUE(Has(login.Header("content-security-policy"), "frame-ancestors 'none'"));
  EXPECT_EQ(login.Header("x-content-type-options"), "nosniff");
  EXPECT_TRUE(Has(login.body, "\"role\":\"manager\"")) << login.body;
  ASSERT_EQ(c.csrf.size(), 64u);

  // The cookie stands for the manager on the admin API and whoami.
  RawReply reps = c.Get("/v1/admin/reps");
  EXPECT_EQ(reps.status, 200) << reps.body;
  EXPECT_TRUE(Has(reps.body, "rep-a"));
  EXPECT_TRUE(Has(c.Get("/v1/whoami").body, "\"rep\":\"mgr\""));
  RawReply session = c.Get("/v1/admin/session");
  EXPECT_EQ(session.status, 200);
  EXPECT_TRUE(Has(session.body, c.csrf)) << session.body;
  // ... never on a rep's routes.
  EXPECT_EQ(c.Get("/v1/pool").status, 401);
  EXPECT_EQ(c.Get("/v1/reports/tiers").status, 401);
  EXPECT_EQ(c.PostJson("/v1/sync", "x").status, 401);
  // The session's token is stored hashed: the cookie's value is nowhere in the database.
  const std::string token = c.cookie.substr(c.cookie.find('=') + 1);
  EXPECT_FALSE(Has(server_db_.AllStoredText(), token));
}

TEST_F(ConsoleTest, WrongPasswordUnknownRepAndRepsAllGetTheSame401) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  ConsoleClient c = Console();
  RawReply wrong = c.Login("mgr", "not the password");
  RawReply unknown = c.Login("ghost", kConsolePassword);
  RawReply rep = c.Login("rep-a", kConsolePassword);
  for (const RawReply* r : {&wrong, &unknown, &rep}) {
    EXPECT_EQ(r->status, 401) << r->body;
    EXPECT_TRUE(Has(r->body, "wrong rep id or password")) << r->body;
    EXPECT_EQ(r->Header("set-cookie"), "");
  }
  // A rep's device token does not open the admin API either.
  auto as_rep = Get("/v1/admin/reps", rep_);
  ASSERT_TRUE(as_rep.ok());
  EXPECT_EQ(as_rep->status, 403);
}

TEST_F(ConsoleTest, EveryStateChangeNeedsTheSessionsCsrfToken) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  ConsoleClient c = LoggedIn();
  const std::string body = R"({"rep":"rep-a"})";
  RawReply none = c.PostJson("/v1/admin/reps/disable", body, /*with_csrf=*/false);
  EXPECT_EQ(none.status, 403);
  EXPECT_TRUE(Has(none.body, "\"csrf\"")) << none.body;
  RawReply wrong =
      c.Request("POST", "/v1/admin/reps/disable", body,
                {{"Content-Type", "application/json"}, {"X-CSRF-Token", std::string(64, 'a')}});
  EXPECT_EQ(wrong.status, 403);
  // Another session's token is no good either.
  ConsoleClient other = LoggedIn();
  RawReply others = c.Request("POST", "/v1/admin/reps/disable", body,
                              {{"Content-Type", "application/json"}, {"X-CSRF-Token", other.csrf}});
  EXPECT_EQ(others.status, 403);
  // None of them disabled the rep.
  EXPECT_TRUE(Has(c.Get("/v1/admin/reps").body,
                  R"("id":"rep-a","name":"Rep A","role":"rep","active":true)"));
  RawReply right = c.PostJson("/v1/admin/reps/disable", body);
  EXPECT_EQ(right.status, 200) << right.body;
  EXPECT_TRUE(Has(c.Get("/v1/admin/reps").body,
                  R"("id":"rep-a","name":"Rep A","role":"rep","active":false)"));
  // Audited in the manager's name.
  auto audit = c.Get("/v1/admin/audit?action=rep.disable");
  EXPECT_TRUE(Has(audit.body, "manager:mgr")) << audit.body;
  // A bearer token needs no CSRF token (scripts keep working).
  auto enabled = Post("/v1/admin/reps/enable", body, manager_);
  ASSERT_TRUE(enabled.ok());
  EXPECT_EQ(enabled->status, 200) << enabled->body;
}

TEST_F(ConsoleTest, LogoutEndsTheSessionAndNeedsTheCsrfToken) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  ConsoleClient c = LoggedIn();
  EXPECT_EQ(c.PostJson("/v1/admin/logout", "", /*with_csrf=*/false).status, 403);
  EXPECT_EQ(c.Get("/v1/admin/reps").status, 200);  // still in
  RawReply out = c.PostJson("/v1/admin/logout", "");
  EXPECT_EQ(out.status, 200) << out.body;
  EXPECT_TRUE(Has(out.Header("set-cookie"), "fb_session=; Path=/; Max-Age=0"))
      << out.Header("set-cookie");
  // The old cookie is dead, even if a browser kept it.
  EXPECT_EQ(c.Get("/v1/admin/reps").status, 401);
  EXPECT_EQ(c.Get("/v1/admin/session").status, 401);
  EXPECT_EQ(c.PostJson("/v1/admin/logout", "").status, 401);
}

TEST_F(ConsoleTest, SessionsExpire) {
  // A lifetime far longer than the test; the session's end comes as if that time had passed
  // (a wait sized to a short lifetime races with a loaded machine).
  ASSERT_NO_FATAL_FAILURE(StartServer(false, {"--console-session-seconds", "600"}));
  ConsoleClient c = Console();
  RawReply login = c.Login("mgr", kConsolePassword);
  ASSERT_EQ(login.status, 200);
  EXPECT_TRUE(Has(login.Header("set-cookie"), "Max-Age=600"));
  EXPECT_EQ(NewestSessionLifetimeMs(), 600 * 1000);
  EXPECT_EQ(c.Get("/v1/admin/reps").status, 200);
  ASSERT_NO_FATAL_FAILURE(ExpireConsoleSessions());
  EXPECT_EQ(c.Get("/v1/admin/reps").status, 401);
  EXPECT_EQ(c.Get("/v1/admin/session").status, 401);
  EXPECT_EQ(c.Login("mgr", kConsolePassword).status, 200);  // a new login works
  EXPECT_EQ(c.Get("/v1/admin/reps").status, 200);
}

TEST_F(ConsoleTest, ANewPasswordOrADisabledManagerEndsTheirSessions) {
  const std::string second = AddRep("mgr2", "Li Na", "manager");
  ASSERT_NO_FATAL_FAILURE(StartServer());
  ConsoleClient c = LoggedIn();
  ASSERT_EQ(Passwd("mgr", "another long password\n").exit_code, 0);
  EXPECT_EQ(c.Get("/v1/admin/reps").status, 401);
  EXPECT_EQ(c.Login("mgr", kConsolePassword).status, 401);
  ASSERT_EQ(c.Login("mgr", "another long password").status, 200);
  auto disabled = Post("/v1/admin/reps/disable", R"({"rep":"mgr"})", second);
  ASSERT_TRUE(disabled.ok());
  ASSERT_EQ(disabled->status, 200) << disabled->body;
  EXPECT_EQ(c.Get("/v1/admin/reps").status, 401);
  // With the right password a disabled manager learns why, and gets no session.
  RawReply again = c.Login("mgr", "another long password");
  EXPECT_EQ(again.status, 403) << again.body;
  EXPECT_EQ(again.Header("set-cookie"), "");
}

TEST_F(ConsoleTest, RepeatedFailuresBackOffPerAccountAndPerAddress) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  ConsoleClient c = Console();
  for (int i = 0; i < 5; ++i)
    ASSERT_EQ(c.Login("mgr", "wrong password " + std::to_string(i)).status, 401);
  RawReply locked = c.Login("mgr", kConsolePassword);  // even the right password waits
  ASSERT_EQ(locked.status, 429) << locked.body;
  const int retry = std::atoi(locked.Header("retry-after").c_str());
  EXPECT_GE(retry, 1);
  // From another address too: the account is locked, not the address.
  EXPECT_EQ(Console("127.0.0.5").Login("mgr", kConsolePassword).status, 429);
  std::this_thread::sleep_for(std::chrono::seconds(retry) + 200ms);
  ASSERT_EQ(c.Login("mgr", kConsolePassword).status, 200);
  // Guessing many accounts from one address locks that address.
  ConsoleClient guesser = Console("127.0.0.9");
  int refused = 0;
  for (int i = 0; i < 21; ++i) {
    const int status = guesser.Login("guess-" + std::to_string(i), "some password").status;
    refused += status == 429;
    EXPECT_TRUE(status == 401 || status == 429) << status;
  }
  EXPECT_GE(refused, 1);
  EXPECT_EQ(guesser.Login("mgr", kConsolePassword).status, 429);
  EXPECT_EQ(Console("127.0.0.10").Login("mgr", kConsolePassword).status, 200);
}

TEST_F(ConsoleTest, StaticFilesWithTypesCachingAndNoWayOut) {
  const std::string assets = MakeAssets();
  ASSERT_NO_FATAL_FAILURE(StartServer(false, {"--console-dir", assets}));
  ConsoleClient c = Console();
  RawReply root = c.Get("/");
  EXPECT_EQ(root.status, 302);
  EXPECT_EQ(root.Header("location"), "/console/");
  EXPECT_EQ(c.Get("/console").Header("location"), "/console/");
  RawReply index = c.Get("/console/");
  ASSERT_EQ(index.status, 200);
  EXPECT_EQ(index.Header("content-type"), "text/html; charset=utf-8");
  EXPECT_TRUE(Has(index.body, "<title>console</title>"));
  EXPECT_TRUE(Has(index.Header("content-security-policy"), "script-src 'self'"));
  EXPECT_EQ(index.Header("x-frame-options"), "DENY");
  EXPECT_EQ(index.Header("cache-control"), "no-cache");
  EXPECT_EQ(c.Get("/console/app.js").Header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(c.Get("/console/style.css").Header("content-type"), "text/css; charset=utf-8");
  EXPECT_EQ(c.Get("/console/img/logo.svg").Header("content-type"), "image/svg+xml");
  // Revalidation.
  const std::string etag = c.Get("/console/app.js").Header("etag");
  ASSERT_FALSE(etag.empty());
  RawReply same = c.Request("GET", "/console/app.js", "", {{"If-None-Match", etag}});
  EXPECT_EQ(same.status, 304);
  EXPECT_TRUE(same.body.empty());
  EXPECT_EQ(c.Request("GET", "/console/app.js", "", {{"If-None-Match", "\"other\""}}).status, 200);
  // Nothing outside the folder, however the path is spelled.
  for (const char* path :
       {"/console/../secret.txt", "/console/%2e%2e/secret.txt", "/console/img/../../secret.txt",
        "/console/%2E%2E%2Fsecret.txt", "/console//etc/passwd", "/console/./index.html",
        "/console/a%00b", "/console/..%5csecret.txt", "/console/%zz", "/console/%2"}) {
    RawReply r = c.Get(path);
    EXPECT_EQ(r.status, 400) << path << ": " << r.body;
    EXPECT_FALSE(Has(r.body, "outside the console folder")) << path;
  }
  EXPECT_EQ(c.Get("/console/missing.js").status, 404);
  EXPECT_EQ(c.Request("POST", "/console/index.html", "x").status, 405);
  EXPECT_EQ(c.Request("HEAD", "/console/").status, 200);
}

TEST_F(ConsoleTest, ANamedConsoleFolderThatIsMissingStopsTheStart) {
  CommandResult serve = RunServerCommand(
      {"serve", "--db", db_, "--port", "0", "--console-dir", dir_.File("nothing-here")});
  EXPECT_EQ(serve.exit_code, 1);
  EXPECT_TRUE(Has(serve.err, "no console folder")) << serve.err;
}

}  // namespace
}  // namespace fieldbook::testing
