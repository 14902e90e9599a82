// The public pool (公海) from the rep's side, end to end: the real fieldbook-cli binary, one
// replica file per device, against the real fieldbook-server on a loopback port (stopped and
// restarted to play "no signal"). Two reps claim the same pooled customer offline; the first to
// sync gets it (with its history), the other is told why. A rep releases a customer and is warned
// ahead of a reclaim.
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/json.hpp>
#include <ctime>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "integration/server_fixture.h"
#include "store/server_store.h"
#include "support/sync_fixture.h"

namespace fieldbook::testing {
namespace {

namespace json = boost::json;

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// Today and a later day, as the server counts them (UTC).
std::string UtcDay(int plus_days = 0) {
  const time_t t = time(nullptr) + static_cast<time_t>(plus_days) * 86400;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

class PoolCliIntegrationTest : public CliFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(InitDb());
    token_a_ = AddRep("rep-a", "张伟 Zhang Wei");
    token_b_ = AddRep("rep-b", "李娜 Li Na");
    token_c_ = AddRep("rep-c", "王强 Wang Qiang");
    ASSERT_NO_FATAL_FAILURE(StartServer(/*keep_port=*/true));
  }

  // The ids of the customers in a device's copy of the pool.
  std::vector<std::string> PoolIds(const std::string& device) {
    std::vector<std::string> ids;
    const json::value listing = OkJson(device, {"pool", "list"});
    for (const json::value& c : JsonArr(listing, "pool")) {
      ids.push_back(JsonStr(c, "id"));
    }
    return ids;
  }

  std::string token_a_, token_b_, token_c_;
};

TEST_F(PoolCliIntegrationTest, TwoRepsClaimTheSameCustomerOfflineOneGetsItTheOtherIsToldWhy) {
  // 王强 had the garage, with a visit; a manager puts it back into the pool.
  Init("wang", token_c_);
  const std::string xinda =
      JsonStr(OkJson("wang", {"customer", "add", "--name", "鑫达汽修", "--city", "广州"}), "id");
  ASSERT_FALSE(xinda.empty());
  Ok("wang", {"visit", "log", "--customer", xinda, "--notes", "换了刹车片"});
  Ok("wang", {"sync"});
  CommandResult released = RunServerCommand(
      {"pool", "release", "--db", db_, xinda, "--reason", "王强 moved to another city"});
  ASSERT_EQ(released.exit_code, 0) << released.err;

  // Both reps sync once and see it in their copy of the pool, with the reason.
  Init("zhang", token_a_);
  Init("li", token_b_);
  Ok("zhang", {"sync"});
  Ok("li", {"sync"});
  EXPECT_EQ(PoolIds("zhang"), std::vector<std::string>{xinda});
  EXPECT_EQ(PoolIds("li"), std::vector<std::string>{xinda});
  const std::string listed = Ok("li", {"pool", "list"});
  EXPECT_TRUE(Contains(listed, "Public pool (公海) as of ")) << listed;
  EXPECT_TRUE(Contains(listed, "鑫达汽修")) << listed;
  EXPECT_TRUE(Contains(listed, "why: 王强 moved to another city")) << listed;

  // No signal: both claim it; the claims are recorded on the devices.
  ASSERT_EQ(server_->Stop(SIGTERM), 0) << server_->Log();
  const std::string zhang_claim = Ok("zhang", {"pool", "claim", xinda});
  EXPECT_TRUE(Contains(zhang_claim, "sent at the next sync")) << zhang_claim;
  Ok("li", {"pool", "claim", "鑫达汽修"});  // by name
  // Asking twice, or for a customer not in the pool, is refused on the device (exit 1).
  CommandResult twice = Cli("li", {"pool", "claim", xinda});
  EXPECT_EQ(twice.exit_code, 1);
  EXPECT_TRUE(Contains(twice.err, "already waits for the next sync")) << twice.err;
  CommandResult unknown = Cli("li", {"pool", "claim", "c9999999999999999999999999999999"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_TRUE(Contains(unknown.err, "is not in the public pool")) << unknown.err;
  json::value li_pool = OkJson("li", {"pool", "list"});
  ASSERT_EQ(JsonArr(li_pool, "pool").size(), 1u);
  EXPECT_TRUE(JsonArr(li_pool, "pool")[0].as_object().at("claim_pending").as_bool());
  CommandResult offline = Cli("zhang", {"sync"});
  EXPECT_EQ(offline.exit_code, 3);
  EXPECT_TRUE(Contains(offline.err, "1 pool request waits")) << offline.err;
  EXPECT_EQ(JsonInt(OkJson("zhang", {"status"}).as_object().at("pool_requests"), "pending"), 1);

  // Back online. 张伟 syncs first: granted, and the garage arrives with its history in that sync.
  ASSERT_TRUE(server_->Start()) << server_->Log();
  json::value zhang_sync = OkJson("zhang", {"sync"});
  const json::value& zhang_pool = zhang_sync.as_object().at("pool");
  EXPECT_EQ(JsonInt(zhang_pool, "granted"), 1) << json::serialize(zhang_sync);
  EXPECT_EQ(JsonInt(zhang_pool, "refused"), 0);
  EXPECT_TRUE(zhang_pool.as_object().at("refreshed").as_bool());
  json::value shown = OkJson("zhang", {"customer", "show", xinda});
  EXPECT_EQ(JsonStr(shown.as_object().at("customer"), "owner_rep_id"), "rep-a");
  EXPECT_EQ(JsonInt(shown, "visit_count"), 1);
  EXPECT_TRUE(PoolIds("zhang").empty());
  json::value zhang_requests = OkJson("zhang", {"pool", "requests"});
  ASSERT_EQ(zhang_requests.as_array().size(), 1u);
  EXPECT_EQ(JsonStr(zhang_requests.as_array()[0], "status"), "granted");

  // 李娜 syncs next: refused, with the server's reason, in `sync`, `pool requests` and `status`.
  const std::string li_sync = Ok("li", {"sync"});
  EXPECT_TRUE(Contains(li_sync, "refused: already claimed by 张伟 Zhang Wei (rep-a)")) << li_sync;
  json::value li_requests = OkJson("li", {"pool", "requests"});
  ASSERT_EQ(li_requests.as_array().size(), 1u);
  EXPECT_EQ(JsonStr(li_requests.as_array()[0], "status"), "refused");
  EXPECT_TRUE(Contains(JsonStr(li_requests.as_array()[0], "reason"),
                       "already claimed by 张伟 Zhang Wei (rep-a)"))
      << json::serialize(li_requests);
  const std::string li_requests_text = Ok("li", {"pool", "requests"});
  EXPECT_TRUE(
      Contains(li_requests_text, "claim of 鑫达汽修 (" + xinda + "): refused: already claimed"))
      << li_requests_text;
  const std::string li_status = Ok("li", {"status"});
  EXPECT_TRUE(Contains(li_status, "pool requests:  0 waiting")) << li_status;
  EXPECT_TRUE(Contains(li_status, "refused: already claimed by 张伟 Zhang Wei (rep-a)"))
      << li_status;
  json::value li_status_json = OkJson("li", {"status"});
  const json::array& refusals =
      JsonArr(li_status_json.as_object().at("pool_requests"), "recent_refusals");
  ASSERT_EQ(refusals.size(), 1u);
  EXPECT_EQ(JsonStr(refusals[0], "customer_id"), xinda);
  EXPECT_EQ(Cli("li", {"customer", "show", xinda}).exit_code, 1);  // not on 李娜's device
  EXPECT_TRUE(PoolIds("li").empty());

  // The server recorded both: the claim and the refusal, with who and why.
  CommandResult audit =
      RunServerCommand({"pool", "audit", "--db", db_, "--customer", xinda, "--json"});
  ASSERT_EQ(audit.exit_code, 0) << audit.err;
  EXPECT_TRUE(Contains(audit.out, "\"claim_refused\"")) << audit.out;
  EXPECT_TRUE(Contains(audit.out, "\"rep:rep-a\"")) << audit.out;
  EXPECT_TRUE(Contains(audit.out, "\"rep:rep-b\"")) << audit.out;
}

TEST_F(PoolCliIntegrationTest, PlanWarnsAheadOfAReclaimAndAReleaseReturnsTheCustomer) {
  // Rules where every tier but VIP returns to the pool after 5 days without a visit or order.
  CommandResult shown = RunServerCommand({"assignment", "show", "--db", db_});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  json::value rules = ParseJson(shown.out);
  ASSERT_TRUE(rules.is_object());
  rules.as_object().erase("version");
  json::object& pool = rules.as_object()["pool"].as_object();
  pool["reclaim_days"] = json::object{{"A", 5}, {"B", 5}, {"C", 5}, {"D", 5}, {"VIP", 0}};
  pool["default_reclaim_days"] = 5;
  pool["warn_days"] = 7;
  const std::string rules_file = dir_.File("rules.json");
  std::ofstream(rules_file) << json::serialize(rules);
  CommandResult set = RunServerCommand({"assignment", "set", "--db", db_, rules_file});
  ASSERT_EQ(set.exit_code, 0) << set.err << set.out;

  Init("zhang", token_a_);
  const std::string shuntong =
      JsonStr(OkJson("zhang", {"customer", "add", "--name", "顺通汽配", "--city", "佛山"}), "id");
  // Before any sync the device does not know the policy: no warning.
  json::value before = OkJson("zhang", {"plan", "--date", UtcDay()});
  EXPECT_TRUE(JsonArr(before, "reclaim_warnings").empty());
  Ok("zhang", {"sync"});

  // Created today: it returns on day 6 unless visited or ordered.
  const std::string plan = Ok("zhang", {"plan", "--date", UtcDay()});
  EXPECT_TRUE(Contains(plan, "Public pool (公海) warnings:")) << plan;
  EXPECT_TRUE(Contains(plan,
                       "顺通汽配: will return to the public pool in 6 days unless visited or "
                       "ordered (no visit or order on record)"))
      << plan;
  json::value plan_json = OkJson("zhang", {"plan", "--date", UtcDay()});
  ASSERT_EQ(JsonArr(plan_json, "reclaim_warnings").size(), 1u);
  const json::value& w = JsonArr(plan_json, "reclaim_warnings")[0];
  EXPECT_EQ(JsonStr(w, "customer_id"), shuntong);
  EXPECT_EQ(JsonStr(w, "deadline"), UtcDay(5));
  EXPECT_EQ(JsonInt(w, "days_until"), 6);
  // Four days on, offline, a visit restarts its clock on the device at once.
  EXPECT_EQ(JsonInt(JsonArr(OkJson("zhang", {"plan", "--date", UtcDay(4)}), "reclaim_warnings")[0],
                    "days_until"),
            2);
  Ok("zhang", {"visit", "log", "--customer", shuntong, "--check-in", UtcDay(4) + "T09:00Z"});
  EXPECT_EQ(JsonInt(JsonArr(OkJson("zhang", {"plan", "--date", UtcDay(4)}), "reclaim_warnings")[0],
                    "days_until"),
            6);

  // The rep gives it back: the customer leaves the device at the next sync and is in the pool.
  CommandResult no_reason = Cli("zhang", {"pool", "release", shuntong, "--reason", " "});
  EXPECT_EQ(no_reason.exit_code, 2);
  const std::string recorded = Ok(
      "zhang", {"pool", "release", shuntong, "--reason", "只做轮胎, 不需要我们 only sells tyres"});
  EXPECT_TRUE(Contains(recorded, "sent at the next sync")) << recorded;
  json::value synced = OkJson("zhang", {"sync"});
  EXPECT_EQ(JsonInt(synced.as_object().at("pool"), "granted"), 1) << json::serialize(synced);
  EXPECT_EQ(JsonInt(synced, "evicted"), 1);
  EXPECT_EQ(Cli("zhang", {"customer", "show", shuntong}).exit_code, 1);
  EXPECT_EQ(PoolIds("zhang"), std::vector<std::string>{shuntong});
  EXPECT_TRUE(Contains(Ok("zhang", {"pool", "list"}), "only sells tyres"));
  EXPECT_TRUE(JsonArr(OkJson("zhang", {"plan", "--date", UtcDay()}), "reclaim_warnings").empty());
  const std::string requests = Ok("zhang", {"pool", "requests"});
  EXPECT_TRUE(Contains(requests, "release of 顺通汽配 (" + shuntong + "): done")) << requests;
  EXPECT_TRUE(Contains(requests, "your reason: 只做轮胎")) << requests;
}

// The pool's answers in the rep's language (issue #19): reps whose devices run in 中文 hit every
// refusal the server gives a claim — not in their region, a tier that needs a more senior rep, the
// daily claim cap, the holding cap, tier-A capacity, already claimed by another rep — and read
// each in Chinese in `sync`, `pool requests`, `pool list` and `status`, with no English sentence,
// as are the store's own errors (a visit for a garage not on the device, a bad order line) and a
// visit's time in `customer show`; the same answers read in English with --lang en (what old
// devices and scripts read).
class PoolLangCliTest : public CliFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(InitDb());
    AddRep("rep-old", "老刘");
    zhou_ = AddRep("rep-z", "周杰");  // junior, 广州: claims four
    li_ = AddRep("rep-l", "李娜");    // senior, 广州, tier-A capacity 1 (holds one)
    wang_ = AddRep("rep-w", "王强");  // senior, 广州, holds two (the holding cap)
    Server({"rep", "profile", "rep-z", "--regions", "GD-GZ", "--skill", "junior"});
    Server({"rep", "profile", "rep-l", "--regions", "GD-GZ", "--skill", "senior", "--capacity-a",
            "1"});
    Server({"rep", "profile", "rep-w", "--regions", "GD-GZ", "--skill", "senior"});
    const std::string rules = dir_.File("rules.json");
    std::ofstream(rules) << R"({"skill_for_tier":{"A":"senior"},"region_match":true,)"
                            R"("capacity":{"enforce":true,"tier_a_tiers":["A"]},)"
                            R"("pool":{"reclaim_days":{},"default_reclaim_days":30,"warn_days":7,)"
                            R"("max_wait_days":5,"daily_claims":1,"holding_cap":2}})";
    Server({"assignment", "set", rules});
    {
      auto store = server::ServerStore::Open(db_, wall_);
      ASSERT_TRUE(store.ok()) << store.status().ToString();
      std::vector<RowWrite> rows = {
          RowWrite{"territories", "t-gz", {{"name", S("天河")}, {"region", S("GD-GZ")}}},
          RowWrite{"territories", "t-sz", {{"name", S("宝安")}, {"region", S("GD-SZ")}}}};
      auto garage = [&](const std::string& id, const std::string& name, const std::string& owner,
                        const std::string& tier, const std::string& territory) {
        rows.push_back(RowWrite{"customers",
                                id,
                                {{"name", Value(name)},
                                 {"city", S("广州")},
                                 {"customer_type", S("garage")},
                                 {"owner_rep_id", Value(owner)},
                                 {"grade_tier", Value(tier)},
                                 {"territory_id", Value(territory)}}});
      };
      garage("pb1", "鑫达汽修", "rep-old", "B", "t-gz");
      garage("pb2", "顺风车行", "rep-old", "B", "t-gz");
      garage("psz", "宝安快修", "rep-old", "B", "t-gz");  // moves to 宝安 once listed
      garage("pa", "嘉实多旗舰店", "rep-old", "A", "t-gz");
      garage("la", "李娜的A级客户", "rep-l", "A", "t-gz");
      garage("w1", "王强的客户一", "rep-w", "B", "t-gz");
      garage("w2", "王强的客户二", "rep-w", "B", "t-gz");
      auto written = (*store)->Write(rows);
      ASSERT_TRUE(written.ok()) << written.status().ToString();
      ASSERT_TRUE(written->rejections.empty()) << written->rejections[0].reason;
    }
    for (const char* id : {"pb1", "pb2", "psz", "pa"}) {
      Server({"pool", "release", id, "--reason", "老刘离职"});
    }
    ASSERT_NO_FATAL_FAILURE(StartServer(/*keep_port=*/true));
    Init("zhou", zhou_);
    Init("li", li_);
    Init("wang", wang_);
  }

  void Server(std::vector<std::string> args) {
    args.insert(args.begin() + 2, {"--db", db_});
    CommandResult r = RunServerCommand(args);
    ASSERT_EQ(r.exit_code, 0) << args[0] << " " << args[1] << ": " << r.err;
  }

  std::string Zh(const std::string& device, std::vector<std::string> args) {
    args.insert(args.end(), {"--lang", "zh"});
    std::string out = Ok(device, args);
    zh_ += out;
    return out;
  }

  std::string zhou_, li_, wang_;
  std::string zh_;  // every line the reps read in Chinese
};

TEST_F(PoolLangCliTest, EveryRefusalOfAClaimReadsInTheRepsLanguage) {
  for (const char* device : {"zhou", "li", "wang"}) Zh(device, {"sync"});
  // 周杰 (junior, 广州) sees why the server would refuse the tier-A garage before asking.
  const std::string listed = Zh("zhou", {"pool", "list"});
  EXPECT_TRUE(Contains(listed, "现在认领会被服务器拒绝：A 级客户需要高级及以上业务员：您是初级"))
      << listed;
  {  // 宝安快修 moves to a 深圳 territory after the devices listed the pool.
    auto store = server::ServerStore::Open(db_, wall_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    auto moved = (*store)->Write({RowWrite{"customers", "psz", {{"territory_id", S("t-sz")}}}});
    ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  }
  // He asks for all four; the server grants one and refuses three, each in his language.
  for (const char* id : {"psz", "pa", "pb1", "pb2"}) Zh("zhou", {"pool", "claim", id});
  const std::string zhou_sync = Zh("zhou", {"sync"});
  EXPECT_TRUE(Contains(zhou_sync, "认领 鑫达汽修 (pb1)：已批准")) << zhou_sync;
  EXPECT_TRUE(
      Contains(zhou_sync, "认领 宝安快修 (psz)：被拒绝：不在您的区域：客户在 GD-SZ，您负责 GD-GZ"))
      << zhou_sync;
  EXPECT_TRUE(
      Contains(zhou_sync, "认领 嘉实多旗舰店 (pa)：被拒绝：A 级客户需要高级及以上业务员：您是初级"))
      << zhou_sync;
  EXPECT_TRUE(Contains(zhou_sync, "认领 顺风车行 (pb2)：被拒绝：今日认领次数已达上限（1/1）"))
      << zhou_sync;
  // 王强 holds two (the cap); 李娜 holds her one tier-A garage and is too late for 鑫达汽修.
  Zh("wang", {"pool", "claim", "pb2"});
  const std::string wang_sync = Zh("wang", {"sync"});
  EXPECT_TRUE(Contains(wang_sync, "被拒绝：持有客户数已达上限（2/2）")) << wang_sync;
  Zh("li", {"pool", "claim", "pa"});
  Zh("li", {"pool", "claim", "pb1"});
  const std::string li_sync = Zh("li", {"sync"});
  EXPECT_TRUE(Contains(li_sync, "认领 嘉实多旗舰店 (pa)：被拒绝：A 级客户容量已满（1/1）"))
      << li_sync;
  EXPECT_TRUE(Contains(li_sync, "认领 鑫达汽修 (pb1)：被拒绝：已被 周杰 (rep-z) 认领（"))
      << li_sync;
  // The answers stay on the devices in the same words.
  const std::string requests = Zh("zhou", {"pool", "requests"});
  EXPECT_TRUE(Contains(requests, "今日认领次数已达上限（1/1）")) << requests;
  const std::string status = Zh("li", {"status"});
  EXPECT_TRUE(Contains(status, "A 级客户容量已满（1/1）")) << status;
  // The store's own errors read in Chinese too: a visit for a garage not on this device, an
  // order line whose quantity is not a number.
  for (const std::vector<std::string>& bad :
       {std::vector<std::string>{"visit", "log", "--customer", "nosuch", "--notes", "看了库存"},
        std::vector<std::string>{"order", "add", "--customer", "pb1", "--line", "BP-1024:x"}}) {
    std::vector<std::string> args = bad;
    args.insert(args.end(), {"--lang", "zh"});
    CommandResult refused = Cli("zhou", args);
    EXPECT_NE(refused.exit_code, 0) << refused.out;
    zh_ += std::regex_replace(refused.err, std::regex("fieldbook-cli: [a-z ]+: "), "");
  }
  EXPECT_TRUE(Contains(zh_, "本设备上没有客户 nosuch")) << zh_;
  EXPECT_TRUE(Contains(zh_, "“BP-1024:x”中的数量不是整数")) << zh_;
  // The visit 周杰 logs at his new garage shows its time as 中文 reads it.
  Zh("zhou", {"visit", "log", "--customer", "pb1", "--notes", "看了库存"});
  const std::string shown = Zh("zhou", {"customer", "show", "pb1"});
  EXPECT_TRUE(std::regex_search(shown, std::regex("20[0-9]{2}年[0-9]{1,2}月[0-9]{1,2}日 "
                                                  "[0-9]{2}:[0-9]{2}  \"看了库存\"")))
      << shown;
  // No English sentence anywhere (command lines such as "fieldbook-cli pool claim ID" aside).
  std::string latin = std::regex_replace(zh_, std::regex("fieldbook-cli [a-z -]+"), "");
  latin = std::regex_replace(latin, std::regex("--[a-z]+( [A-Z]+)?"), "");
  std::smatch english;
  EXPECT_FALSE(std::regex_search(latin, english, std::regex("[a-z]+ [a-z]+ [a-z]+")))
      << english.str() << "\n"
      << zh_;
  // The same answers in English, as old devices and scripts read them.
  const std::string en = Ok("zhou", {"pool", "requests", "--lang", "en"});
  EXPECT_TRUE(Contains(en, "refused: daily claim cap reached (1/1)")) << en;
  EXPECT_TRUE(Contains(en, "refused: tier A needs senior+: you are junior")) << en;
  EXPECT_TRUE(Contains(en, "refused: not in your region: customer in GD-SZ, you serve GD-GZ"))
      << en;
  const json::value as_json = OkJson("zhou", {"pool", "requests"});
  bool coded = false;
  for (const json::value& r : as_json.as_array()) {
    if (JsonStr(r, "reason") == "daily claim cap reached (1/1)") {
      coded = JsonStr(r, "reason_code") == "pool_daily_cap";
    }
  }
  EXPECT_TRUE(coded) << json::serialize(as_json);
}

}  // namespace
}  // namespace fieldbook::testing
