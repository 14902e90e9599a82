// The server's own refusals in the rep's language, end to end (issue #19): the real
// fieldbook-server (JSON bodies limited to 1 KiB) and the real fieldbook-cli with --lang zh hit
// a body too large (a pool release whose reason escapes past the limit), a token the server does
// not know (init) or no longer takes (a disabled rep's sync) and the setup codes' rate limit; each
// reads in Chinese, with no English sentence, and the failed sync still says what stays queued.
// The wire carries the refusal as a value beside the English an old device reads: "error_code"
// and "error_values" next to {"error": {"code", "message"}}.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <csignal>
#include <regex>
#include <string>
#include <vector>

#include "fieldbook/lang_text.h"
#include "integration/server_fixture.h"
#include "store/server_store.h"
#include "support/sync_fixture.h"

namespace fieldbook::testing {
namespace {

bool Has(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// Three English words in a row, or an English sentence of the server's refusals.
std::string EnglishIn(const std::string& text) {
  // The command's name ("fieldbook-cli: sync: ") is the same in both languages.
  const std::string said = std::regex_replace(text, std::regex("fieldbook-cli: [a-z ]+: "), "");
  std::smatch m;
  if (std::regex_search(said, m, std::regex("(^|[^-a-z_/.])([a-z]+ ){2}[a-z]+"))) return m.str();
  for (const LangText& t : HttpRefusals()) {
    const std::string en(t.en.substr(0, t.en.find('{')));
    if (en.size() > 8 && Has(said, en)) return en;
  }
  return "";
}

class RefusalLangCliTest : public CliFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(InitDb());
    token_ = AddRep("rep-a", "张伟");
    {
      auto store = server::ServerStore::Open(db_, wall_);
      ASSERT_TRUE(store.ok()) << store.status().ToString();
      auto written = (*store)->Write({RowWrite{"customers",
                                               "ca",
                                               {{"name", S("鑫达汽修")},
                                                {"city", S("广州")},
                                                {"customer_type", S("garage")},
                                                {"owner_rep_id", S("rep-a")}}}});
      ASSERT_TRUE(written.ok()) << written.status().ToString();
    }
    ASSERT_NO_FATAL_FAILURE(StartServer(/*keep_port=*/false, {"--json-body-limit-kb", "1"}));
    Init("a", token_);
  }

  CommandResult Zh(const std::string& device, std::vector<std::string> args) {
    args.insert(args.end(), {"--lang", "zh"});
    return Cli(device, args);
  }

  std::string token_;
};

// Bug (#19, before session 13): a release the server refused as too large (413) stayed waiting
// and was resent, and refused, on every sync, holding back the claims behind it. Now the rep is
// told once, in Chinese; the release is kept as refused with its reason (nothing lost), is not
// sent again, and the rep can release the customer again with a shorter reason.
TEST_F(RefusalLangCliTest, AReleaseTooLargeForTheServerIsToldOnceAndNotResent) {
  ASSERT_EQ(Zh("a", {"sync"}).exit_code, 0);
  const std::string reason(500, '"');  // 500 bytes, over 1 KiB once escaped as JSON
  ASSERT_EQ(Zh("a", {"pool", "release", "ca", "--reason", reason}).exit_code, 0);

  const CommandResult first = Zh("a", {"sync"});
  EXPECT_EQ(first.exit_code, 0) << first.err;
  EXPECT_TRUE(Has(first.out, "退回 鑫达汽修 (ca)：被拒绝：请求内容超过了 1024 字节的上限"))
      << first.out;
  EXPECT_FALSE(Has(first.out, "未交换")) << "the pool was exchanged: " << first.out;
  EXPECT_EQ(EnglishIn(first.out + first.err), "") << first.out << first.err;

  // Kept, not waiting: refused with the server's refusal as a value, the rep's reason intact.
  const CommandResult listed = Cli("a", {"pool", "requests", "--json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  const boost::json::value requests = ParseJson(listed.out);
  ASSERT_TRUE(requests.is_array() && requests.as_array().size() == 1) << listed.out;
  const boost::json::value& kept = requests.as_array()[0];
  EXPECT_EQ(JsonStr(kept, "kind"), "release");
  EXPECT_EQ(JsonStr(kept, "status"), "refused");
  EXPECT_EQ(JsonStr(kept, "note"), reason);
  EXPECT_EQ(JsonStr(kept, "reason_code"), "http_body_too_large_route") << listed.out;
  const CommandResult shown = Zh("a", {"pool", "requests"});
  EXPECT_TRUE(Has(shown.out, "被拒绝：请求内容超过了 1024 字节的上限")) << shown.out;

  // The next sync does not send it again: nothing about it, and the pool is exchanged.
  const CommandResult second = Zh("a", {"sync"});
  EXPECT_EQ(second.exit_code, 0) << second.err;
  EXPECT_FALSE(Has(second.out, "退回")) << second.out;
  EXPECT_FALSE(Has(second.out, "未交换")) << second.out;

  // Released again with a shorter reason: it goes through, and the customer leaves the device.
  ASSERT_EQ(Zh("a", {"pool", "release", "ca", "--reason", "店已关门"}).exit_code, 0);
  const CommandResult third = Zh("a", {"sync"});
  EXPECT_EQ(third.exit_code, 0) << third.err;
  EXPECT_TRUE(Has(third.out, "退回 鑫达汽修 (ca)：已完成")) << third.out;
  const CommandResult gone = Cli("a", {"customer", "show", "ca", "--json"});
  EXPECT_NE(gone.exit_code, 0) << gone.out;
}

TEST_F(RefusalLangCliTest, TheServersOwnRefusalsReadInChineseAndRideTheWireAsValues) {
  ASSERT_EQ(Zh("a", {"sync"}).exit_code, 0);

  // A body too large: a release whose 500-byte reason is all quotes, twice that escaped.
  const CommandResult released =
      Zh("a", {"pool", "release", "ca", "--reason", std::string(500, '"')});
  ASSERT_EQ(released.exit_code, 0) << released.err;
  const CommandResult large = Zh("a", {"sync"});
  EXPECT_EQ(large.exit_code, 0) << large.err;  // the release is refused, not the sync
  EXPECT_TRUE(Has(large.out, "退回 鑫达汽修 (ca)：被拒绝：")) << large.out;
  EXPECT_TRUE(Has(large.out, "1024 字节")) << large.out;
  EXPECT_EQ(EnglishIn(large.out + large.err), "") << large.out << large.err;

  // On the wire: the English where old devices read it, the code and values beside it.
  auto big = Post("/v1/pool/claim", std::string(2000, ' '), token_);
  ASSERT_TRUE(big.ok()) << big.status().ToString();
  EXPECT_EQ(big->status, 413);
  const boost::json::value too_large = ParseJson(big->body);
  ASSERT_TRUE(too_large.is_object()) << big->body;
  EXPECT_TRUE(JsonStr(too_large, "error_code").rfind("http_", 0) == 0) << big->body;
  EXPECT_EQ(JsonStr(too_large.as_object().at("error_values"), "limit"), "1024") << big->body;
  EXPECT_TRUE(Has(JsonStr(too_large.as_object().at("error"), "message"), "1024 bytes"))
      << big->body;

  // A token the server does not know, at init.
  const CommandResult unknown =
      Zh("b", {"init", "--server", server_->url(), "--token", "fbt_not_a_token"});
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_TRUE(Has(unknown.err, "设备令牌缺失、未知或已被吊销，或业务员已被停用")) << unknown.err;
  EXPECT_EQ(EnglishIn(unknown.err), "") << unknown.err;

  // A token the server no longer takes (the rep is disabled), at sync: what failed, in Chinese,
  // and that the visit logged meanwhile stays queued.
  ASSERT_EQ(Zh("a", {"visit", "log", "--customer", "ca", "--notes", "看了库存"}).exit_code, 0);
  CommandResult disabled = RunServerCommand({"rep", "disable", "--db", db_, "rep-a"});
  ASSERT_EQ(disabled.exit_code, 0) << disabled.err;
  const CommandResult refused = Zh("a", {"sync"});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_TRUE(Has(refused.err, "同步失败（设备令牌缺失、未知或已被吊销，或业务员已被停用）"))
      << refused.err;
  EXPECT_TRUE(Has(refused.err, "没有丢失任何数据")) << refused.err;
  EXPECT_TRUE(std::regex_search(refused.err, std::regex("[1-9][0-9]* 条改动已安全保存在本机")))
      << refused.err;
  EXPECT_EQ(EnglishIn(refused.err), "") << refused.err;
  // Without --lang (and no Chinese locale) it is the English, what scripts read.
  const CommandResult json = Cli("a", {"sync", "--json", "--lang", "en"});
  EXPECT_TRUE(Has(json.out, "missing, unknown or revoked device token")) << json.out;
  // --json says it as a value too, whatever the language: the failed sync's code with what stays
  // queued, and the server's refusal's code beside it (the English message is unchanged).
  for (const char* lang : {"en", "zh"}) {
    const CommandResult coded = Cli("a", {"sync", "--json", "--lang", lang});
    EXPECT_EQ(coded.exit_code, 4) << coded.err;
    const boost::json::value doc = ParseJson(coded.out);
    ASSERT_TRUE(doc.is_object() && doc.as_object().contains("error")) << coded.out;
    const boost::json::value& e = doc.as_object().at("error");
    EXPECT_EQ(JsonStr(e, "code"), "rejected") << coded.out;
    EXPECT_TRUE(Has(JsonStr(e, "message"), "or a disabled rep; nothing was lost: 1 change"))
        << coded.out;
    EXPECT_EQ(JsonStr(e, "message_code"), "sync_failed") << coded.out;
    const boost::json::value& values = e.as_object().at("message_values");
    EXPECT_TRUE(Has(JsonStr(values, "detail"), "missing, unknown or revoked")) << coded.out;
    EXPECT_EQ(JsonStr(values, "queued"), "1") << coded.out;
    EXPECT_EQ(JsonStr(values, "pool_waiting"), "0") << coded.out;
    EXPECT_EQ(JsonStr(e, "detail_code"), "http_unauthorized") << coded.out;
    EXPECT_TRUE(e.as_object().at("detail_values").is_object()) << coded.out;
  }
  // A server that cannot be reached: sync_unreachable, and why as a value too.
  ASSERT_EQ(server_->Stop(SIGTERM), 0);
  const CommandResult offline = Cli("a", {"sync", "--json", "--lang", "zh"});
  EXPECT_EQ(offline.exit_code, 3) << offline.err;
  const boost::json::value off = ParseJson(offline.out);
  ASSERT_TRUE(off.is_object() && off.as_object().contains("error")) << offline.out;
  EXPECT_EQ(JsonStr(off.as_object().at("error"), "message_code"), "sync_unreachable")
      << offline.out;
  EXPECT_EQ(JsonStr(off.as_object().at("error"), "detail_code"), "err_net_cannot_reach")
      << offline.out;
  EXPECT_EQ(JsonStr(off.as_object().at("error").at("detail_values"), "why"),
            "why_connection_refused")
      << offline.out;
  EXPECT_EQ(EnglishIn(offline.err), "") << offline.err;
  ASSERT_NO_FATAL_FAILURE(StartServer(/*keep_port=*/true, {"--json-body-limit-kb", "1"}));

  // Wrong setup codes until the server holds this address back.
  std::string throttled;
  for (int i = 0; i < 8 && throttled.empty(); ++i) {
    const CommandResult r = Zh("c", {"init", "--server", server_->url(), "--code", "ABCDE-FGHJK"});
    EXPECT_NE(r.exit_code, 0);
    if (Has(r.err, "输错设置码的次数过多")) throttled = r.err;
  }
  EXPECT_TRUE(std::regex_search(throttled, std::regex("请在 [0-9]+ 秒后重试"))) << throttled;
  EXPECT_EQ(EnglishIn(throttled), "") << throttled;

  // The same on the wire for a token the server does not know and a route it does not have.
  auto who = Get("/v1/whoami", "fbt_not_a_token");
  ASSERT_TRUE(who.ok()) << who.status().ToString();
  EXPECT_EQ(who->status, 401);
  const boost::json::value body = ParseJson(who->body);
  ASSERT_TRUE(body.is_object()) << who->body;
  const boost::json::value& error = body.as_object().at("error");
  EXPECT_EQ(JsonStr(error, "code"), "unauthorized");
  EXPECT_EQ(JsonStr(error, "message"),
            "missing, unknown or revoked device token, or a disabled rep");
  EXPECT_EQ(JsonStr(body, "error_code"), "http_unauthorized");
  EXPECT_TRUE(body.as_object().at("error_values").as_object().empty());

  auto nowhere = Get("/v1/nowhere", token_);
  ASSERT_TRUE(nowhere.ok()) << nowhere.status().ToString();
  EXPECT_EQ(nowhere->status, 404);
  const boost::json::value no_route = ParseJson(nowhere->body);
  ASSERT_TRUE(no_route.is_object()) << nowhere->body;
  EXPECT_EQ(JsonStr(no_route, "error_code"), "http_no_route");
  EXPECT_EQ(JsonStr(no_route.as_object().at("error_values"), "path"), "/v1/nowhere");
  EXPECT_EQ(JsonStr(no_route.as_object().at("error"), "message"), "no route /v1/nowhere");
}

}  // namespace
}  // namespace fieldbook::testing
