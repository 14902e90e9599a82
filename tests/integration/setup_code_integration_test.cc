// One-time setup codes for a new device (issue #16; server/store/setup_codes.h) end to end: a
// manager issues a code from the console's session (CSRF) or with a bearer token, the real
// fieldbook-cli exchanges it (`init --code`) and syncs; a code used once, expired, mistyped or
// guessed is refused with a clear message; guesses are throttled; only hashes are stored.
#include <gtest/gtest.h>

#include <chrono>
#include <set>
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

class SetupCodeTest : public ConsoleLogin<CliFixture> {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(InitDb());
    manager_ = AddManager();
    rep_ = AddRep("rep-a", "张伟 Zhang Wei", "rep");
    ASSERT_NO_FATAL_FAILURE(StartServer());
  }

  // A code for rep-a's `device` from the manager's bearer token; "" and a failure otherwise.
  std::string Issue(const std::string& device, const std::string& extra = "") {
    auto r = Post("/v1/admin/devices/code",
                  R"({"rep":"rep-a","device":")" + device + "\"" + extra + "}", manager_);
    EXPECT_TRUE(r.ok());
    if (!r.ok()) return "";
    EXPECT_EQ(r->status, 200) << r->body;
    return JsonStr(ParseJson(r->body), "code");
  }

  RawReply Exchange(const std::string& code, const std::string& source = "127.0.0.1") {
    return Console(source).PostJson("/v1/setup", R"({"code":")" + code + "\"}", false);
  }

  std::string manager_, rep_;
};

TEST_F(SetupCodeTest, ACodeSetsUpOneDeviceThroughTheCliAndOnlyOnce) {
  // From the console: the session's cookie and CSRF token.
  ConsoleClient console = LoggedIn();
  RawReply no_csrf =
      console.PostJson("/v1/admin/devices/code", R"({"rep":"rep-a","device":"tablet"})", false);
  EXPECT_EQ(no_csrf.status, 403) << no_csrf.body;
  RawReply issued =
      console.PostJson("/v1/admin/devices/code", R"({"rep":"rep-a","device":"tablet"})");
  ASSERT_EQ(issued.status, 200) << issued.body;
  boost::json::value reply = ParseJson(issued.body);
  const std::string code = JsonStr(reply, "code");
  // 10 characters without look-alikes, shown as two groups of five.
  ASSERT_EQ(code.size(), 11u) << code;
  EXPECT_EQ(code[5], '-');
  for (char c : code) EXPECT_EQ(std::string("0O1IL").find(c), std::string::npos) << code;
  EXPECT_EQ(JsonStr(reply, "rep"), "rep-a");
  const int64_t ttl = JsonInt(reply, "expires_ms") - static_cast<int64_t>(wall_.NowMs());
  EXPECT_GT(ttl, 14 * 60 * 1000);
  EXPECT_LE(ttl, 15 * 60 * 1000);

  // The rep types it in lower case: the CLI exchanges it, learns whose device it is, and syncs.
  std::string typed = code;
  for (char& c : typed) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const std::string init = Ok("tablet", {"init", "--server", server_->url(), "--code", typed});
  EXPECT_TRUE(Has(init, "rep-a")) << init;
  ASSERT_FALSE(
      JsonStr(OkJson("tablet", {"customer", "add", "--name", "鑫达汽修厂", "--city", "广州"}), "id")
          .empty());
  Ok("tablet", {"sync"});
  CommandResult devices = RunServerCommand({"rep", "devices", "rep-a", "--db", db_, "--json"});
  EXPECT_TRUE(Has(devices.out, "\"tablet\"")) << devices.out;
  EXPECT_TRUE(Has(ServerExport("rep-a"), "鑫达汽修厂"));

  // Used once: a second device is refused with a clear message, and nothing is set up.
  CommandResult again = Cli("phone", {"init", "--server", server_->url(), "--code", code});
  EXPECT_EQ(again.exit_code, 4) << again.out << again.err;
  EXPECT_TRUE(Has(again.err, "used already")) << again.err;
  EXPECT_EQ(Cli("phone", {"status"}).exit_code, 2);
  // --token and --code together, or neither, is a usage error.
  EXPECT_NE(
      Cli("phone", {"init", "--server", server_->url(), "--code", code, "--token", "t"}).exit_code,
      0);
  EXPECT_EQ(Cli("phone", {"init", "--server", server_->url()}).exit_code, 2);

  // Only the code's hash is in the database; issuing and exchanging are audited.
  const std::string bytes = server_db_.AllStoredText();
  EXPECT_FALSE(Has(bytes, code.substr(0, 5) + code.substr(6)));
  CommandResult audit =
      RunServerCommand({"audit", "list", "--db", db_, "--action", "device.setup_code"});
  EXPECT_TRUE(Has(audit.out, "rep-a")) << audit.out << audit.err;
  CommandResult issue_audit =
      RunServerCommand({"audit", "list", "--db", db_, "--action", "device.issue"});
  EXPECT_TRUE(Has(issue_audit.out, "setup-code:")) << issue_audit.out;
}

TEST_F(SetupCodeTest, ExpiredWrongAndForeignCodesAreRefusedClearly) {
  const std::string short_lived = Issue("phone", R"(,"ttl_seconds":1)");
  ASSERT_FALSE(short_lived.empty());
  std::this_thread::sleep_for(1500ms);
  RawReply expired = Exchange(short_lived);
  EXPECT_EQ(expired.status, 409) << expired.body;
  EXPECT_TRUE(Has(expired.body, "expired")) << expired.body;
  CommandResult cli = Cli("phone", {"init", "--server", server_->url(), "--code", short_lived});
  EXPECT_EQ(cli.exit_code, 4);
  EXPECT_TRUE(Has(cli.err, "expired")) << cli.err;

  // A well-formed code never issued; a malformed one; bodies that are not a code request.
  RawReply unknown = Exchange("ABCDE-FGHJK");
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  EXPECT_TRUE(Has(unknown.body, "unknown setup code")) << unknown.body;
  EXPECT_EQ(Exchange("O0O0O-I1I1I").status, 400);
  EXPECT_EQ(Exchange(std::string(70, 'A')).status, 400);
  ConsoleClient raw(server_->port(), "127.0.0.9");
  for (const std::string& body :
       {std::string("[1]"), std::string(R"({"code":7})"), std::string(R"({"code":"A","x":1})"),
        std::string("{"), std::string(2000, ' ')}) {
    RawReply r = raw.PostJson("/v1/setup", body, false);
    EXPECT_TRUE(r.status == 400 || r.status == 413) << body << " -> " << r.status;
  }
  EXPECT_EQ(raw.Get("/v1/setup").status, 405);
  EXPECT_EQ(raw.Request("POST", "/v1/setup", R"({"code":"ABCDE-FGHJK"})",
                        {{"Content-Type", "text/plain"}})
                .status,
            415);

  // Managers get no codes (the app and the CLI refuse a manager's token), nor unknown reps; a rep
  // may not issue one; bad fields are named.
  auto for_manager = Post("/v1/admin/devices/code", R"({"rep":"mgr"})", manager_);
  ASSERT_TRUE(for_manager.ok());
  EXPECT_EQ(for_manager->status, 422) << for_manager->body;
  auto for_nobody = Post("/v1/admin/devices/code", R"({"rep":"nobody"})", manager_);
  ASSERT_TRUE(for_nobody.ok());
  EXPECT_EQ(for_nobody->status, 404);
  auto by_rep = Post("/v1/admin/devices/code", R"({"rep":"rep-a"})", rep_);
  ASSERT_TRUE(by_rep.ok());
  EXPECT_EQ(by_rep->status, 403);
  for (const char* body :
       {R"({"rep":"rep-a","ttl_seconds":0})", R"({"rep":"rep-a","ttl_seconds":"60"})",
        R"({"rep":"rep-a","id":3})", R"({"rep":"rep-a","extra":1})"}) {
    auto bad = Post("/v1/admin/devices/code", body, manager_);
    ASSERT_TRUE(bad.ok());
    EXPECT_EQ(bad->status, 400) << body << " -> " << bad->body;
  }
  // 127.0.0.1 has had its free wrong codes by now: it waits.
  RawReply slowed = Exchange("ABCDE-FGHJK");
  EXPECT_EQ(slowed.status, 429) << slowed.body;
  // A disabled rep's code is refused at the exchange (from another address).
  const std::string code = Issue("laptop");
  ASSERT_EQ(RunServerCommand({"rep", "disable", "rep-a", "--db", db_}).exit_code, 0);
  RawReply disabled = Exchange(code, "127.0.0.5");
  EXPECT_EQ(disabled.status, 422) << disabled.body;
}

TEST_F(SetupCodeTest, GuessingIsThrottledPerAddressAndCodesAreUnique) {
  // Codes are random: 200 of them, all different.
  std::set<std::string> codes;
  for (int i = 0; i < 200; ++i) codes.insert(Issue("d" + std::to_string(i)));
  EXPECT_EQ(codes.size(), 200u);
  // A guesser's address is slowed down after a few wrong codes (429 with Retry-After)...
  int refused = 0;
  for (int i = 0; i < 12; ++i) {
    RawReply r = Exchange("ABCDE-FGH" + std::string(1, "23456789AB"[i % 10]) + "K", "127.0.0.7");
    if (r.status == 429) {
      ++refused;
      EXPECT_FALSE(r.Header("retry-after").empty());
    } else {
      EXPECT_EQ(r.status, 404) << r.body;
    }
  }
  EXPECT_GT(refused, 0);
  // ...while a rep at another address exchanges a right code at once.
  RawReply ok = Exchange(*codes.begin(), "127.0.0.8");
  EXPECT_EQ(ok.status, 200) << ok.body;
  const std::string token = JsonStr(ParseJson(ok.body), "token");
  auto who = Get("/v1/whoami", token);
  ASSERT_TRUE(who.ok());
  EXPECT_EQ(who->status, 200) << who->body;
  EXPECT_TRUE(Has(who->body, "rep-a")) << who->body;
}

}  // namespace
}  // namespace fieldbook::testing
