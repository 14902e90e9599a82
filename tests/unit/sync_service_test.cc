// SyncService's admission on the header and its locking (issue 13 items 7 and 8). The sync
// exchange itself is covered through the client in sync_engine_test, verification_store_test and
// the integration suites.
#include "api/sync_service.h"

#include <gtest/gtest.h>

#include <any>
#include <chrono>
#include <future>
#include <string>

#include "http/metrics.h"
#include "support/server_store_fixture.h"

namespace fieldbook::server {
namespace {

using namespace std::chrono_literals;

class SyncServiceTest : public fieldbook::testing::ServerStoreFixture {
 protected:
  void SetUp() override {
    ServerStoreFixture::SetUp();
    rep_ = AddRep("rep-a", "Rep A");
    manager_ = AddRep("mgr", "Manager", "manager");
    SyncServiceOptions options;
    options.limits.max_message_bytes = 5000;
    options.json_body_limit = 300;
    service_ = std::make_unique<SyncService>(*store_, metrics_, wall_, options);
  }

  static HttpRequest Head(const std::string& method, const std::string& target,
                          const std::string& token = "") {
    HttpRequest head;
    head.method = method;
    head.target = target;
    if (!token.empty()) head.authorization = "Bearer " + token;
    return head;
  }

  Metrics metrics_;
  std::unique_ptr<SyncService> service_;
  std::string rep_, manager_;
};

TEST_F(SyncServiceTest, AdmitJudgesTheHeaderAndPicksTheRoutesBodyLimit) {
  auto missing = service_->Admit(Head("POST", "/nowhere"));
  ASSERT_TRUE(missing.response);
  EXPECT_EQ(missing.response->status, 404);
  EXPECT_EQ(missing.route, "not_found");

  auto anonymous = service_->Admit(Head("POST", "/v1/sync"));
  ASSERT_TRUE(anonymous.response);
  EXPECT_EQ(anonymous.response->status, 401);
  auto forged = service_->Admit(Head("POST", "/v1/admin/grading", "fbt_" + std::string(64, '0')));
  ASSERT_TRUE(forged.response);
  EXPECT_EQ(forged.response->status, 401);

  auto manager_sync = service_->Admit(Head("POST", "/v1/sync", manager_));
  ASSERT_TRUE(manager_sync.response);
  EXPECT_EQ(manager_sync.response->status, 403);
  auto get_sync = service_->Admit(Head("GET", "/v1/sync", rep_));
  ASSERT_TRUE(get_sync.response);
  EXPECT_EQ(get_sync.response->status, 405);

  auto sync = service_->Admit(Head("POST", "/v1/sync", rep_));
  EXPECT_FALSE(sync.response);
  EXPECT_EQ(sync.body_limit, 5000u);
  EXPECT_EQ(sync.route, "sync");
  ASSERT_NE(std::any_cast<Principal>(&sync.context), nullptr);
  EXPECT_EQ(std::any_cast<Principal>(sync.context).rep_id, "rep-a");

  auto admin = service_->Admit(Head("PUT", "/v1/admin/grading?x=1", manager_));
  EXPECT_FALSE(admin.response);
  EXPECT_EQ(admin.body_limit, 300u);
  EXPECT_EQ(admin.route, "admin");
  EXPECT_EQ(service_->Admit(Head("POST", "/v1/pool/claims", rep_)).body_limit, 300u);

  auto health = service_->Admit(Head("GET", "/healthz"));
  EXPECT_FALSE(health.response);
  EXPECT_EQ(health.body_limit, 0u);
}

TEST_F(SyncServiceTest, HandleUsesThePrincipalAdmitFound) {
  HttpRequest request = Head("GET", "/v1/whoami", rep_);
  request.admitted = service_->Admit(request).context;
  request.authorization.clear();  // the header is not read twice
  const HttpResponse who = service_->Handle(request);
  EXPECT_EQ(who.status, 200);
  EXPECT_NE(who.body.find("\"rep-a\""), std::string::npos) << who.body;
}

// Issue 13 item 8: /healthz waited for the store's lock behind slow admin requests.
TEST_F(SyncServiceTest, HealthzNeverWaitsForTheStore) {
  const HttpResponse idle = service_->Handle(Head("GET", "/healthz"));
  EXPECT_EQ(idle.status, 200);
  EXPECT_NE(idle.body.find("\"store\":\"idle\""), std::string::npos) << idle.body;

  auto held = service_->LockStoreForTesting();
  auto health =
      std::async(std::launch::async, [&] { return service_->Handle(Head("GET", "/healthz")); });
  ASSERT_EQ(health.wait_for(2s), std::future_status::ready) << "healthz waited for the lock";
  const HttpResponse busy = health.get();
  EXPECT_EQ(busy.status, 200);
  EXPECT_NE(busy.body.find("\"store\":\"busy\""), std::string::npos) << busy.body;
  auto metrics =
      std::async(std::launch::async, [&] { return service_->Handle(Head("GET", "/metrics")); });
  ASSERT_EQ(metrics.wait_for(2s), std::future_status::ready);
  held.unlock();
  EXPECT_NE(metrics.get().body.find("fieldbook_store_lock_wait_seconds_count"), std::string::npos);
}

// #15: on PostgreSQL /healthz is the process's liveness alone: it never asks the store (a
// database every instance shares, which may be out of reach), even when the writer is free.
TEST_F(SyncServiceTest, HealthzWithoutTheStoreNeverReadsIt) {
  SyncServiceOptions options;
  options.health_reads_store = false;
  SyncService service(*store_, metrics_, wall_, options);
  service_.reset();
  store_.reset();  // any read of the store would crash
  const HttpResponse health = service.Handle(Head("GET", "/healthz"));
  EXPECT_EQ(health.status, 200);
  EXPECT_NE(health.body.find("\"store\":\"not_read\""), std::string::npos) << health.body;
}

// Issue 13 item 8: admin JSON was parsed while holding the store's lock, with the 32 MB body limit.
// Bodies over the JSON limit are refused without waiting for the store; the rest are parsed
// before the lock is taken and reach the route as a document (a null one when not JSON).
TEST_F(SyncServiceTest, JsonBodiesHaveTheirOwnLimitAndAreParsedBeforeTheStoreLock) {
  HttpRequest big = Head("POST", "/v1/admin/customers/reassign", manager_);
  big.admitted = service_->Admit(big).context;
  big.body = "{\"customer\":\"" + std::string(400, 'c') + "\"}";
  {
    auto held = service_->LockStoreForTesting();
    auto answer = std::async(std::launch::async, [&] { return service_->Handle(big); });
    ASSERT_EQ(answer.wait_for(2s), std::future_status::ready) << "waited for the store";
    EXPECT_EQ(answer.get().status, 413);
  }
  HttpRequest bad = big;
  bad.body = "{\"customer\": \"c-1\", \"to\": ";  // cut short
  HttpRequest deep = big;
  deep.body = std::string(100, '[') + std::string(100, ']');  // deeper than 32 levels
  for (const HttpRequest* request : {&bad, &deep}) {
    const HttpResponse response = service_->Handle(*request);
    EXPECT_EQ(response.status, 400) << response.body;
    EXPECT_NE(response.body.find("JSON object"), std::string::npos) << response.body;
  }
  HttpRequest good = big;
  good.body = "{\"customer\": \"nobody\", \"to\": \"rep-a\"}";
  const HttpResponse response = service_->Handle(good);
  EXPECT_LT(response.status, 500) << response.body;  // parsed, and then the store answered
  EXPECT_EQ(response.body.find("malformed"), std::string::npos) << response.body;
}

// The rules routes validate the document SyncService parsed (no second parse under the lock).
TEST_F(SyncServiceTest, RulesBodiesAreValidatedFromTheParsedDocument) {
  HttpRequest put = Head("PUT", "/v1/admin/grading", manager_);
  put.admitted = service_->Admit(put).context;
  put.body = R"({"window_days": 180})";
  const HttpResponse ok = service_->Handle(put);
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_NE(ok.body.find("\"version\""), std::string::npos) << ok.body;
  put.body = R"({"window_days": 1})";
  const HttpResponse bad = service_->Handle(put);
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_NE(bad.body.find("window_days"), std::string::npos) << bad.body;
  put.body = "not json";
  EXPECT_EQ(service_->Handle(put).status, 400);

  HttpRequest assignment = Head("PUT", "/v1/admin/assignment", manager_);
  assignment.admitted = service_->Admit(assignment).context;
  assignment.body = R"({"unknown_field": 1})";
  const HttpResponse refused = service_->Handle(assignment);
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_NE(refused.body.find("unknown_field"), std::string::npos) << refused.body;
}

TEST_F(SyncServiceTest, WaitsForTheStoreLockAreMeasured) {
  for (int i = 0; i < 3; ++i) service_->Handle(Head("GET", "/v1/whoami", rep_));
  const std::string text = metrics_.RenderPrometheus();
  EXPECT_NE(text.find("\nfieldbook_store_lock_wait_seconds_count 3\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace fieldbook::server
