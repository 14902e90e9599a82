// The JSON contract of /v1/pool, /v1/pool/claims, /v1/pool/release and the managers' assignment
// and pool routes, in process: status codes, field names, limits and roles.
#include "api/assignment_api.h"

#include <gtest/gtest.h>

#include "support/pool_fixture.h"

namespace fieldbook::server {
namespace {

using fieldbook::testing::PoolFixture;
namespace json = boost::json;

class AssignmentApiTest : public PoolFixture {
 protected:
  HttpResponse Call(const std::string& method, const std::string& target, const std::string& body,
                    const Principal& who) {
    HttpRequest request;
    request.method = method;
    request.target = target;
    request.body = body;
    return HandleAssignmentRequest(*store_, wall_, request, who);
  }
  json::object Body(const HttpResponse& r) {
    boost::system::error_code ec;
    json::value v = json::parse(r.body, ec);
    EXPECT_FALSE(ec) << r.body;
    return v.is_object() ? v.as_object() : json::object{};
  }
  std::string ErrorCode(const HttpResponse& r) {
    json::object o = Body(r);
    if (!o.contains("error")) return "";
    return std::string(o["error"].as_object()["code"].as_string());
  }

  const Principal rep_a_{"rep-a", "Rep rep-a", "rep"};
  const Principal rep_b_{"rep-b", "Rep rep-b", "rep"};
  const Principal mgr_{"mgr", "Manager", "manager"};
};

TEST_F(AssignmentApiTest, TheRoutesAreRecognised) {
  for (const char* p : {"/v1/pool", "/v1/pool/claims", "/v1/pool/release", "/v1/admin/assignment",
                        "/v1/admin/assignment/plan", "/v1/admin/pool", "/v1/admin/pool/audit"}) {
    EXPECT_TRUE(IsAssignmentRoute(p)) << p;
  }
  for (const char* p : {"/v1/pools", "/v1/admin/reps", "/v1/admin/assignments", "/v1/sync"}) {
    EXPECT_FALSE(IsAssignmentRoute(p)) << p;
  }
}

TEST_F(AssignmentApiTest, GetPoolGivesTheRepTheirRegionsPoolPolicyAndWarnings) {
  Profile("rep-a", {"GD-GZ"}, Skill::kSenior, 50, 5);
  AddCustomer("mine", "rep-a", "A");  // deadline start_ + 30
  AddCustomer("gz", "rep-c", "B");
  AddCustomer("sz", "rep-c", "B", "t-sz");
  ASSERT_TRUE(pool_->Release("gz", "", "rep left", "cli").ok());
  ASSERT_TRUE(pool_->Release("sz", "", "rep left", "cli").ok());
  SetDay(start_ + 25);
  const HttpResponse r = Call("GET", "/v1/pool", "", rep_a_);
  ASSERT_EQ(r.status, 200) << r.body;
  json::object o = Body(r);
  EXPECT_EQ(o["today"].as_string(), "2026-06-26");
  EXPECT_EQ(o["as_of"].as_string(), "2026-06-26T12:00:00Z");
  EXPECT_EQ(o["rep"].as_string(), "rep-a");
  json::object& policy = o["policy"].as_object();
  EXPECT_EQ(policy["rules_version"].as_int64(), 0);
  EXPECT_EQ(policy["reclaim_days"].as_object()["B"].as_int64(), 45);
  EXPECT_EQ(policy["default_reclaim_days"].as_int64(), 60);
  EXPECT_EQ(policy["warn_days"].as_int64(), 7);
  EXPECT_EQ(policy["max_wait_days"].as_int64(), 14);
  EXPECT_EQ(policy["upcoming_days"].as_int64(), 14);
  EXPECT_EQ(policy["daily_claims"].as_int64(), 5);
  EXPECT_EQ(policy["claims_today"].as_int64(), 0);
  EXPECT_EQ(policy["holding_cap"].as_int64(), 50);  // the rep's capacity, lower than the rules'
  EXPECT_EQ(policy["holding"].as_int64(), 1);
  EXPECT_EQ(policy["tier_a_cap"].as_int64(), 5);
  EXPECT_EQ(policy["tier_a_holding"].as_int64(), 1);
  EXPECT_EQ(policy["regions"].as_array().size(), 1u);

  json::array& pool = o["pool"].as_array();
  ASSERT_EQ(pool.size(), 1u);  // GD-GZ only
  json::object& entry = pool[0].as_object();
  EXPECT_EQ(entry["id"].as_string(), "gz");
  EXPECT_EQ(entry["name"].as_string(), "Garage gz");
  EXPECT_EQ(entry["city"].as_string(), "广州");
  EXPECT_EQ(entry["region"].as_string(), "GD-GZ");
  EXPECT_EQ(entry["tier"].as_string(), "B");
  EXPECT_EQ(entry["type"].as_string(), "garage");
  EXPECT_EQ(entry["since"].as_string(), "2026-06-01T12:00:00Z");
  EXPECT_EQ(entry["kind"].as_string(), "release");
  EXPECT_EQ(entry["reason"].as_string(), "rep left");
  EXPECT_EQ(entry["claimable"].as_bool(), true);
  EXPECT_EQ(entry["refusal"].as_string(), "");
  EXPECT_FALSE(entry.contains("from_rep"));  // reps do not see who lost it
  EXPECT_FALSE(o["pool_truncated"].as_bool());

  json::array& warnings = o["warnings"].as_array();
  ASSERT_EQ(warnings.size(), 1u);
  json::object& w = warnings[0].as_object();
  EXPECT_EQ(w["id"].as_string(), "mine");
  EXPECT_EQ(w["name"].as_string(), "Garage mine");
  EXPECT_EQ(w["tier"].as_string(), "A");
  EXPECT_EQ(w["deadline"].as_string(), "2026-07-01");
  EXPECT_EQ(w["days_left"].as_int64(), 5);
  EXPECT_TRUE(w["last_activity"].is_null());
  EXPECT_EQ(w["counting_from"].as_string(), "2026-06-01");
  EXPECT_EQ(w["reclaim_days"].as_int64(), 30);
  EXPECT_FALSE(w["waiting_for_sync"].as_bool());
  EXPECT_TRUE(o["upcoming"].as_array().empty());

  EXPECT_EQ(Call("GET", "/v1/pool", "", mgr_).status, 403);
  EXPECT_EQ(Call("DELETE", "/v1/pool", "", rep_a_).status, 404);
}

TEST_F(AssignmentApiTest, ClaimsAnswerPerRequestAndRetriesGetTheSameAnswer) {
  AddCustomer("p1", "rep-c", "C");
  ASSERT_TRUE(pool_->Release("p1", "", "closed", "cli").ok());
  const std::string body =
      R"({"claims":[{"request_id":"a-1","customer":"p1","requested_at_ms":1780300000000},)"
      R"({"request_id":"a-2","customer":"nope"}]})";
  const HttpResponse r = Call("POST", "/v1/pool/claims", body, rep_a_);
  ASSERT_EQ(r.status, 200) << r.body;
  json::object o = Body(r);
  json::array& results = o["results"].as_array();
  ASSERT_EQ(results.size(), 2u);
  json::object& first = results[0].as_object();
  EXPECT_EQ(first["request_id"].as_string(), "a-1");
  EXPECT_EQ(first["customer"].as_string(), "p1");
  EXPECT_EQ(first["status"].as_string(), "granted");
  EXPECT_EQ(first["reason"].as_string(), "claimed from the pool");
  EXPECT_EQ(first["decided_at"].as_string(), "2026-06-01T12:00:00Z");
  EXPECT_EQ(results[1].as_object()["status"].as_string(), "refused");
  EXPECT_EQ(results[1].as_object()["reason"].as_string(), "no customer nope");

  const HttpResponse again = Call("POST", "/v1/pool/claims", body, rep_a_);
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(again.body, r.body);
  const HttpResponse b = Call("POST", "/v1/pool/claims",
                              R"({"claims":[{"request_id":"b-1","customer":"p1"}]})", rep_b_);
  ASSERT_EQ(b.status, 200);
  EXPECT_EQ(Body(b)["results"].as_array()[0].as_object()["reason"].as_string(),
            "already claimed by Rep rep-a (rep-a) at 2026-06-01 12:00 UTC");
}

TEST_F(AssignmentApiTest, MalformedOrOversizedClaimsAreRefusedWithAReason) {
  auto call = [&](const std::string& body) {
    return Call("POST", "/v1/pool/claims", body, rep_a_);
  };
  EXPECT_EQ(call("not json").status, 400);
  EXPECT_EQ(call("{}").status, 400);
  EXPECT_EQ(call(R"({"claims":[]})").status, 400);
  EXPECT_EQ(ErrorCode(call(R"({"claims":[{"customer":"p1"}]})")), "missing_field");
  EXPECT_EQ(call(R"({"claims":[{"request_id":7,"customer":"p1"}]})").status, 400);
  EXPECT_EQ(
      call(R"({"claims":[{"request_id":"x","customer":"p1","requested_at_ms":"now"}]})").status,
      400);
  EXPECT_EQ(call(R"({"claims":["p1"]})").status, 400);
  std::string many = R"({"claims":[)";
  for (int i = 0; i < 51; ++i) {
    many += std::string(i ? "," : "") + R"({"request_id":"r)" + std::to_string(i) +
            R"(","customer":"p1"})";
  }
  many += "]}";
  EXPECT_EQ(call(many).status, 413);
  EXPECT_EQ(call(std::string(kMaxPoolBodyBytes + 1, ' ')).status, 413);
  EXPECT_EQ(Call("POST", "/v1/pool/claims", R"({"claims":[]})", mgr_).status, 403);
  EXPECT_EQ(Count("SELECT count(*) FROM srv_pool_claims"), 0);  // nothing decided
}

TEST_F(AssignmentApiTest, ARepReleasesTheirOwnCustomer) {
  AddCustomer("c1", "rep-a", "C");
  EXPECT_EQ(Call("POST", "/v1/pool/release", R"({"customer":"c1"})", rep_a_).status, 400);
  const HttpResponse not_yours =
      Call("POST", "/v1/pool/release", R"({"customer":"c1","reason":"x"})", rep_b_);
  EXPECT_EQ(not_yours.status, 409);
  EXPECT_EQ(Call("POST", "/v1/pool/release", R"({"customer":"zz","reason":"x"})", rep_a_).status,
            404);
  const HttpResponse r =
      Call("POST", "/v1/pool/release", R"({"customer":"c1","reason":"moved away"})", rep_a_);
  ASSERT_EQ(r.status, 200) << r.body;
  json::object o = Body(r);
  EXPECT_EQ(o["customer"].as_string(), "c1");
  EXPECT_EQ(o["status"].as_string(), "released");
  EXPECT_EQ(o["since"].as_string(), "2026-06-01T12:00:00Z");
  EXPECT_EQ(o["reason"].as_string(), "moved away");
  EXPECT_FALSE(Holds("rep-a", "c1"));
  const HttpResponse retry =
      Call("POST", "/v1/pool/release", R"({"customer":"c1","reason":"moved away"})", rep_a_);
  EXPECT_EQ(retry.status, 200);
  EXPECT_EQ(retry.body, r.body);
}

TEST_F(AssignmentApiTest, ManagersSetRulesAndProfilesPlanApplyAndSteerThePool) {
  EXPECT_EQ(Call("GET", "/v1/admin/assignment", "", rep_a_).status, 403);
  const HttpResponse bad =
      Call("PUT", "/v1/admin/assignment", R"({"pool":{"warn_days":-1}})", mgr_);
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("pool.warn_days"), std::string::npos) << bad.body;
  const HttpResponse set = Call("PUT", "/v1/admin/assignment", R"({"pool":{"warn_days":3}})", mgr_);
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(Body(set)["version"].as_int64(), 1);
  json::object rules = Body(Call("GET", "/v1/admin/assignment", "", mgr_));
  EXPECT_EQ(rules["version"].as_int64(), 1);
  EXPECT_EQ(rules["pool"].as_object()["warn_days"].as_int64(), 3);

  const HttpResponse profile = Call("PUT", "/v1/admin/assignment/profiles",
                                    R"({"rep":"rep-b","skill":"senior","regions":["GD-GZ"],)"
                                    R"("capacity":80,"capacity_a":null,"closer":true})",
                                    mgr_);
  ASSERT_EQ(profile.status, 200) << profile.body;
  EXPECT_EQ(Call("PUT", "/v1/admin/assignment/profiles", R"({"rep":"rep-b","skill":"guru"})", mgr_)
                .status,
            400);
  EXPECT_EQ(
      Call("PUT", "/v1/admin/assignment/profiles", R"({"rep":"rep-b","mood":"good"})", mgr_).status,
      400);
  EXPECT_EQ(Call("PUT", "/v1/admin/assignment/profiles", R"({"rep":"ghost"})", mgr_).status, 404);
  json::object profiles = Body(Call("GET", "/v1/admin/assignment/profiles", "", mgr_));
  bool found = false;
  for (const json::value& v : profiles["reps"].as_array()) {
    const json::object& p = v.as_object();
    if (p.at("rep").as_string() != "rep-b") continue;
    found = true;
    EXPECT_EQ(p.at("skill").as_string(), "senior");
    EXPECT_EQ(p.at("capacity").as_int64(), 80);
    EXPECT_TRUE(p.at("capacity_a").is_null());
    EXPECT_TRUE(p.at("closer").as_bool());
  }
  EXPECT_TRUE(found);

  AddCustomer("a1", "rep-a", "A");
  const HttpResponse plan = Call("GET", "/v1/admin/assignment/plan", "", mgr_);
  ASSERT_EQ(plan.status, 200) << plan.body;
  json::object p = Body(plan);
  EXPECT_FALSE(p["applied"].as_bool());
  ASSERT_EQ(p["moves"].as_array().size(), 1u);
  json::object& move = p["moves"].as_array()[0].as_object();
  EXPECT_EQ(move["customer"].as_string(), "a1");
  EXPECT_EQ(move["from"].as_string(), "rep-a");
  EXPECT_EQ(move["to"].as_string(), "rep-b");
  EXPECT_EQ(move["rule"].as_string(), "skill");
  EXPECT_EQ(move["reason"].as_string(), "tier A needs senior+: rep-a is junior");
  EXPECT_EQ(move["to_load"].as_string(), "1/80");
  EXPECT_TRUE(Holds("rep-a", "a1"));
  EXPECT_EQ(Call("GET", "/v1/admin/assignment/plan?territory=t-none", "", mgr_).status, 404);
  const HttpResponse apply = Call("POST", "/v1/admin/assignment/apply", "", mgr_);
  ASSERT_EQ(apply.status, 200) << apply.body;
  EXPECT_TRUE(Body(apply)["applied"].as_bool());
  EXPECT_TRUE(Holds("rep-b", "a1"));

  const HttpResponse release =
      Call("POST", "/v1/admin/pool/release", R"({"customer":"a1","reason":"review"})", mgr_);
  ASSERT_EQ(release.status, 200) << release.body;
  json::object list = Body(Call("GET", "/v1/admin/pool?region=GD-GZ", "", mgr_));
  ASSERT_EQ(list["pool"].as_array().size(), 1u);
  EXPECT_EQ(list["pool"].as_array()[0].as_object()["from_rep"].as_string(), "rep-b");
  EXPECT_TRUE(
      Body(Call("GET", "/v1/admin/pool?region=GD-SZ", "", mgr_))["pool"].as_array().empty());
  const HttpResponse assign =
      Call("POST", "/v1/admin/pool/assign", R"({"customer":"a1","rep":"rep-a"})", mgr_);
  ASSERT_EQ(assign.status, 200) << assign.body;
  EXPECT_EQ(Body(assign)["note"].as_string(), "note: tier A needs senior+: rep-a is junior");
  json::object audit = Body(Call("GET", "/v1/admin/pool/audit?customer=a1&limit=1", "", mgr_));
  ASSERT_EQ(audit["audit"].as_array().size(), 1u);
  json::object& last = audit["audit"].as_array()[0].as_object();
  EXPECT_EQ(last["action"].as_string(), "assign");
  EXPECT_EQ(last["actor"].as_string(), "manager:mgr");
  EXPECT_EQ(last["rep"].as_string(), "rep-a");
  EXPECT_EQ(last["at"].as_string(), "2026-06-01T12:00:00Z");
  EXPECT_EQ(Call("GET", "/v1/admin/pool/audit?limit=x", "", mgr_).status, 400);

  SetDay(start_ + 40);
  const HttpResponse dry = Call("POST", "/v1/admin/pool/reclaim?dry_run=1", "", mgr_);
  ASSERT_EQ(dry.status, 200) << dry.body;
  json::object d = Body(dry);
  EXPECT_FALSE(d["applied"].as_bool());
  EXPECT_EQ(d["today"].as_string(), "2026-07-11");
  ASSERT_EQ(d["waiting"].as_array().size(), 1u);  // a1: rep-a never synced
  EXPECT_EQ(d["waiting"].as_array()[0].as_object()["id"].as_string(), "a1");
  EXPECT_EQ(Call("POST", "/v1/admin/pool/reclaim?today=2026-13-01", "", mgr_).status, 400);
}

}  // namespace
}  // namespace fieldbook::server
