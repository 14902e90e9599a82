// The console's sign-in attacked (issue #16, label `hostile`): hostile login bodies, forged and
// oversized cookies, cross-site requests without the CSRF token, racing password guesses and
// path tricks on /console/. Each test ends by checking that the server is healthy and that the
// real manager still logs in and works.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "integration/console_login.h"
#include "integration/server_fixture.h"
#include "support/subprocess.h"

namespace fieldbook::testing {
namespace {

bool Has(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

class ConsoleHostileTest : public ConsoleLogin<ServerFixture> {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(InitDb());
    manager_ = AddManager("mgr", "Manager");
    rep_ = AddRep("rep-a", "Rep A", "rep");
    const std::string dir = dir_.File("console");
    std::filesystem::create_directories(dir);
    std::ofstream(dir + "/index.html") << "<!doctype html><title>console</title>";
    ASSERT_NO_FATAL_FAILURE(StartServer(false, {"--console-dir", dir}));
  }
  // The server answers, and the manager logs in (from a fresh address) and reads the reps.
  void ExpectHealthy() {
    ASSERT_TRUE(server_->running());
    auto health = Get("/healthz");
    ASSERT_TRUE(health.ok());
    EXPECT_EQ(health->status, 200);
    ConsoleClient c = LoggedIn("127.0.0.200");
    EXPECT_EQ(c.Get("/v1/admin/reps").status, 200);
  }
  std::string manager_, rep_;
};

TEST_F(ConsoleHostileTest, HostileLoginBodiesAreRefusedCleanly) {
  ConsoleClient c = Console("127.0.0.2");
  const std::vector<std::pair<std::string, int>> bodies = {
      {"", 400},
      {"not json", 400},
      {"[]", 400},
      {"\"mgr\"", 400},
      {R"({"rep":"mgr"})", 400},
      {R"({"password":"x"})", 400},
      {R"({"rep":1,"password":"x"})", 400},
      {R"({"rep":"mgr","password":null})", 400},
      {R"({"rep":"mgr","password":"x","admin":true})", 400},
      {R"({"rep":"","password":"x"})", 400},
      {"{\"rep\":\"" + std::string(200, 'm') + "\",\"password\":\"x\"}", 400},
      {"{\"rep\":\"mgr\",\"password\":\"" + std::string(1100, 'p') + "\"}", 400},
      {std::string(40, '[') + std::string(40, ']'), 400},
      {"{\"rep\":\"mgr\",\"password\":\"" + std::string(9000, 'p') + "\"}", 413},
  };
  for (const auto& [body, status] : bodies) {
    RawReply r = c.PostJson("/v1/admin/login", body, false);
    EXPECT_EQ(r.status, status) << body.substr(0, 80) << ": " << r.body;
    EXPECT_EQ(r.Header("set-cookie"), "");
  }
  // A cross-site HTML form can only send form types: refused before any password is checked.
  for (const char* type :
       {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data"}) {
    RawReply r =
        c.Request("POST", "/v1/admin/login",
                  std::string("{\"rep\":\"mgr\",\"password\":\"") + kConsolePassword + "\"}",
                  {{"Content-Type", type}});
    EXPECT_EQ(r.status, 415) << type;
  }
  EXPECT_EQ(c.Get("/v1/admin/login").status, 405);
  ExpectHealthy();
}

TEST_F(ConsoleHostileTest, ForgedOversizedAndMisplacedCookiesOpenNothing) {
  ConsoleClient c = Console("127.0.0.3");
  for (const std::string& cookie :
       {std::string("fb_session=") + std::string(64, '0'),
        std::string("fb_session=") + std::string(64, 'z'),
        std::string("fb_session=; fb_session=") + std::string(64, 'a'),
        std::string("fb_session=") + std::string(10000, 'a'), std::string("fb_session"),
        std::string("fb_session=' OR 1=1 --")}) {
    c.cookie = cookie;
    const int status = c.Get("/v1/admin/reps").status;
    EXPECT_TRUE(status == 401 || status == 431) << cookie.substr(0, 40) << " -> " << status;
  }
  // A real session's cookie on the rep's routes and /v1/sync is nobody.
  ConsoleClient m = LoggedIn("127.0.0.3");
  EXPECT_EQ(
      m.Request("POST", "/v1/sync", "x", {{"Content-Type", "application/x-fieldbook-sync"}}).status,
      401);
  EXPECT_EQ(m.PostJson("/v1/pool/claim", R"({"customers":["c-1"]})").status, 401);
  EXPECT_EQ(m.PostJson("/v1/conflicts/status", "{}").status, 401);
  // A session with a bearer token of a rep is the rep (the token wins), so still refused.
  RawReply mixed = m.Request("GET", "/v1/admin/reps", "", {{"Authorization", "Bearer " + rep_}});
  EXPECT_EQ(mixed.status, 403);
  ExpectHealthy();
}

TEST_F(ConsoleHostileTest, CrossSiteStateChangesWithoutTheTokenChangeNothing) {
  ConsoleClient c = LoggedIn("127.0.0.4");
  // What a hostile page could make a browser send (if SameSite failed): the cookie, no token.
  for (const char* target : {"/v1/admin/reps/disable", "/v1/admin/devices", "/v1/admin/grade",
                             "/v1/admin/customers/reassign", "/v1/admin/conflicts/resolve",
                             "/v1/admin/logout", "/v1/admin/pool/assign"}) {
    RawReply r = c.Request("POST", target, R"({"rep":"rep-a"})",
                           {{"Content-Type", "text/plain"}, {"Origin", "https://evil.example"}});
    EXPECT_EQ(r.status, 403) << target << ": " << r.body;
  }
  RawReply put =
      c.Request("PUT", "/v1/admin/grading", "{}", {{"Content-Type", "application/json"}});
  EXPECT_EQ(put.status, 403);
  // Nothing happened: the rep is active, no device was issued, the session lives.
  EXPECT_TRUE(Has(c.Get("/v1/admin/reps").body,
                  R"("id":"rep-a","name":"Rep A","role":"rep","active":true)"));
  RawReply devices = c.Get("/v1/admin/devices?rep=rep-a");
  EXPECT_EQ(devices.status, 200);
  EXPECT_EQ(devices.body.find("device-"), std::string::npos) << devices.body;
  ExpectHealthy();
}

TEST_F(ConsoleHostileTest, RacingGuessesCannotOutrunTheBackOff) {
  std::atomic<int> checked{0}, throttled{0}, other{0};
  std::vector<std::thread> guessers;
  for (int i = 0; i < 12; ++i) {
    guessers.emplace_back([&, i] {
      ConsoleClient c = Console("127.0.1." + std::to_string(i + 1));
      const int status = c.Login("mgr", "guess number " + std::to_string(i)).status;
      (status == 401 ? checked : status == 429 ? throttled : other)++;
    });
  }
  for (auto& t : guessers) t.join();
  EXPECT_EQ(other.load(), 0);
  EXPECT_LE(checked.load(), 5);  // the account's free attempts, however many race
  EXPECT_GE(throttled.load(), 7);
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  ExpectHealthy();
}

TEST_F(ConsoleHostileTest, PathTricksNeverLeaveTheConsoleFolder) {
  std::ofstream(dir_.File("outside.txt")) << "secret outside";
  ConsoleClient c = Console("127.0.0.5");
  for (const std::string& path :
       {std::string("/console/../outside.txt"), std::string("/console/..%2foutside.txt"),
        std::string("/console/%2e%2e%2foutside.txt"), std::string("/console/.%2e/outside.txt"),
        std::string("/console/%252e%252e/outside.txt"),
        std::string("/console/") + std::string(3000, '/'),
        std::string("/console/index.html%00.png"), std::string("/console/\\..\\outside.txt"),
        std::string("/console/") + server_->url()}) {
    RawReply r = c.Get(path);
    EXPECT_TRUE(r.status == 400 || r.status == 404) << path.substr(0, 60) << " -> " << r.status;
    EXPECT_FALSE(Has(r.body, "secret outside"));
  }
  ExpectHealthy();
}

}  // namespace
}  // namespace fieldbook::testing
