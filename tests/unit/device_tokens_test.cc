// Device tokens per device (issue #13): keyed hashes, the upgrade of bare SHA-256 rows, naming,
// revoking one device, disabling and enabling a rep, and recording last syncs in batches.
#include "store/device_tokens.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>

#include "api/device_api.h"
#include "api/sync_service.h"
#include "auth/auth.h"
#include "fieldbook/change_set_codec.h"
#include "fieldbook/migrations.h"
#include "http/metrics.h"
#include "store/device_activity.h"
#include "support/server_store_fixture.h"
#include "support/sync_fixture.h"

namespace fieldbook::server {
namespace {

using fieldbook::testing::FakeWallClock;
using fieldbook::testing::QueryValue;
using fieldbook::testing::S;

class DeviceTokensTest : public fieldbook::testing::ServerStoreFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ServerStoreFixture::SetUp());
    phone_ = AddRep("rep-a", "A");
    ASSERT_FALSE(AddRep("rep-b", "B").empty());
  }

  std::optional<Principal> Who(const std::string& token) {
    auto who = store_->Authenticate(token);
    EXPECT_TRUE(who.ok()) << who.status().ToString();
    return who.ok() ? *who : std::nullopt;
  }

  std::string Issue(const std::string& rep, const std::string& device) {
    auto token = store_->IssueToken(rep, device, "os:test");
    EXPECT_TRUE(token.ok()) << token.status().ToString();
    return token.ok() ? *token : "";
  }

  std::string Key() {
    Value v = QueryValue(store_->sql(),
                         "SELECT value FROM srv_secrets WHERE name = 'token_hmac_key'", {});
    const auto* s = std::get_if<std::string>(&v);
    return s != nullptr ? *s : "";
  }

  std::string phone_;
};

TEST_F(DeviceTokensTest, TokensAreStoredAsHmacUnderTheServersKeyNotBareSha256) {
  const std::string key = Key();
  ASSERT_EQ(key.size(), 32u);
  auto count = [&](const std::string& hash) {
    return QueryValue(store_->sql(), "SELECT count(*) FROM srv_credentials WHERE token_hash = ?",
                      {S(hash.c_str())});
  };
  EXPECT_EQ(count(HashToken(phone_)), Value(int64_t{0}));
  EXPECT_EQ(count(phone_), Value(int64_t{0}));
  EXPECT_EQ(count(KeyedTokenHash(key, phone_)), Value(int64_t{1}));
  // Another server has another key: the same token would hash differently there.
  fieldbook::testing::TempDir other_dir;
  FakeWallClock wall;
  std::unique_ptr<fieldbook::testing::PgScratchSchema> other_pg;
  auto other = ServerStore::Open(
      fieldbook::testing::TestServerStoreLocation(other_dir.File("other.db"), other_pg), wall);
  ASSERT_TRUE(other.ok());
  Value other_key = QueryValue((*other)->sql(),
                               "SELECT value FROM srv_secrets WHERE name = 'token_hmac_key'", {});
  EXPECT_NE(other_key, Value(key));
  // Reopening keeps the key (tokens keep working across restarts).
  store_.reset();
  auto reopened = ServerStore::Open(db_path_, wall_);
  ASSERT_TRUE(reopened.ok());
  store_ = std::move(*reopened);
  EXPECT_EQ(Key(), key);
  ASSERT_TRUE(Who(phone_).has_value());
  EXPECT_EQ(Who(phone_)->device, "first device");
}

TEST_F(DeviceTokensTest, ATokenStoredAsBareSha256BeforeTheUpgradeWorksAndIsRehashedOnce) {
  FB_SKIP_UNIT_ON_POSTGRES(
      "the upgrade of a server.db as SQLite migration 0009 left it; PostgreSQL's schema begins "
      "after it (ReadConnectionsTest covers a bare SHA-256 row on both backends)");
  // A database as release 0009 left it: srv_credentials with a bare SHA-256 per token.
  fieldbook::testing::TempDir old_dir;
  const std::string path = old_dir.File("old.db");
  {
    auto db = Db::Open(path, DbOptions{});
    ASSERT_TRUE(db.ok());
    auto all = HubMigrations();
    std::vector<Migration> upto9;
    for (const Migration& m : all) {
      if (m.version <= 9) upto9.push_back(m);
    }
    ASSERT_TRUE(ApplyMigrations(**db, upto9).ok());
    ASSERT_TRUE((*db)
                    ->ExecScript("INSERT INTO reps (id, name, role, active, deleted) VALUES "
                                 "('old-rep', 'Old', 'rep', 1, 0), ('gone', 'Gone', 'rep', 0, 0)")
                    .ok());
    auto insert = (*db)->Prepare(
        "INSERT INTO srv_credentials (token_hash, rep_id, label, created_ms, revoked) VALUES "
        "(?, ?, ?, 1000, ?)");
    ASSERT_TRUE(insert.ok());
    (*insert)->Bind(1, HashToken("fbt_old_phone")).Bind(2, "old-rep").Bind(3, "demo device");
    (*insert)->Bind(4, int64_t{0});
    ASSERT_TRUE((*insert)->Run().ok());
    (*insert)->Reset();
    (*insert)->Bind(1, HashToken("fbt_old_revoked")).Bind(2, "gone").Bind(3, "first device");
    (*insert)->Bind(4, int64_t{1});
    ASSERT_TRUE((*insert)->Run().ok());
  }
  FakeWallClock wall;
  auto opened = ServerStore::Open(path, wall);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  ServerStore& store = **opened;
  auto devices = store.ListDevices("");
  ASSERT_TRUE(devices.ok());
  ASSERT_EQ(devices->size(), 2u);
  EXPECT_EQ((*devices)[0].device, "first device");
  EXPECT_TRUE((*devices)[0].revoked);
  EXPECT_EQ((*devices)[1].device, "demo device");
  EXPECT_TRUE((*devices)[1].legacy_hash);

  auto who = store.Authenticate("fbt_old_phone");
  ASSERT_TRUE(who.ok() && who->has_value());
  EXPECT_EQ((*who)->rep_id, "old-rep");
  EXPECT_EQ((*who)->device, "demo device");
  // Stored keyed now; the bare hash is gone, and the token still works.
  EXPECT_EQ(QueryValue(store.sql(),
                       "SELECT count(*) FROM srv_credentials WHERE hash_scheme = 'sha256' AND "
                       "token_hash = ?",
                       {S(HashToken("fbt_old_phone").c_str())}),
            Value(int64_t{0}));
  ASSERT_TRUE(store.Authenticate("fbt_old_phone")->has_value());
  EXPECT_FALSE(store.ListDevices("old-rep")->at(0).legacy_hash);
  // A bare hash of a revoked token stays refused, and a wrong token finds nothing.
  EXPECT_FALSE(store.Authenticate("fbt_old_revoked")->has_value());
  EXPECT_FALSE(store.Authenticate("fbt_other")->has_value());
  // A keyed hash is never mistaken for a bare one: a row whose stored hash happens to be the
  // keyed form is only looked up as keyed.
  EXPECT_EQ(
      QueryValue(store.sql(),
                 "SELECT count(*) FROM srv_credentials WHERE hash_scheme = 'hmac-sha256'", {}),
      Value(int64_t{1}));
}

TEST_F(DeviceTokensTest, RevokingOneDeviceLeavesTheRepsOtherDevicesWorking) {
  const std::string tablet = Issue("rep-a", "tablet");
  ASSERT_TRUE(Who(tablet).has_value());
  EXPECT_EQ(Who(tablet)->device, "tablet");
  EXPECT_NE(Who(tablet)->device_id, Who(phone_)->device_id);

  auto revoked = store_->RevokeDevice("rep-a", "tablet", 0, "manager:boss");
  ASSERT_TRUE(revoked.ok()) << revoked.status().ToString();
  EXPECT_TRUE(revoked->revoked);
  EXPECT_EQ(revoked->revoked_by, "manager:boss");
  EXPECT_FALSE(Who(tablet).has_value());
  ASSERT_TRUE(Who(phone_).has_value());
  // Again: refused; another rep's device by that name: not found; the name is free again.
  EXPECT_EQ(store_->RevokeDevice("rep-a", "tablet", 0, "x").status().code(), StatusCode::kConflict);
  EXPECT_EQ(store_->RevokeDevice("rep-b", "tablet", 0, "x").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->RevokeDevice("nobody", "tablet", 0, "x").status().code(),
            StatusCode::kNotFound);
  const std::string tablet2 = Issue("rep-a", "tablet");
  ASSERT_TRUE(Who(tablet2).has_value());
  // By id, across reps: an id of rep-a's device is not rep-b's.
  EXPECT_EQ(store_->RevokeDevice("rep-b", "", Who(tablet2)->device_id, "x").status().code(),
            StatusCode::kNotFound);
  ASSERT_TRUE(store_->RevokeDevice("rep-a", "", Who(tablet2)->device_id, "x").ok());
  EXPECT_FALSE(Who(tablet2).has_value());
  EXPECT_TRUE(Who(phone_).has_value());
}

TEST_F(DeviceTokensTest, DeviceNamesAreCheckedAndUniqueAmongTheDevicesInUse) {
  Issue("rep-a", "tablet");
  EXPECT_EQ(store_->IssueToken("rep-a", "tablet", "x").status().code(), StatusCode::kConflict);
  EXPECT_TRUE(store_->IssueToken("rep-b", "tablet", "x").ok());  // another rep's
  EXPECT_EQ(store_->IssueToken("rep-a", std::string(65, 'x'), "x").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->IssueToken("rep-a", "bad\nname", "x").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->IssueToken("nobody", "phone", "x").status().code(), StatusCode::kNotFound);
  // Without a name: device-<n>, never one in use.
  auto first = store_->IssueDeviceToken("rep-a", "", "x");
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->first.device, "device-3");
  Issue("rep-a", "device-5");
  auto next = store_->IssueDeviceToken("rep-a", "", "x");
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->first.device, "device-6");
}

TEST_F(DeviceTokensTest, ADisabledRepIsRefusedAndEnablingBringsBackTheDevicesNotRevoked) {
  const std::string tablet = Issue("rep-a", "tablet");
  ASSERT_TRUE(store_->RevokeDevice("rep-a", "tablet", 0, "x").ok());
  const std::string laptop = Issue("rep-a", "laptop");
  ASSERT_TRUE(store_->DisableRep("rep-a", "os:test").ok());
  EXPECT_FALSE(Who(phone_).has_value());
  EXPECT_FALSE(Who(laptop).has_value());
  ASSERT_TRUE(store_->EnableRep("rep-a", "os:test").ok());
  EXPECT_TRUE(Who(phone_).has_value());
  EXPECT_TRUE(Who(laptop).has_value());
  EXPECT_FALSE(Who(tablet).has_value());
  EXPECT_EQ(store_->EnableRep("nobody", "x").code(), StatusCode::kNotFound);
}

TEST(DeviceActivity, BatchesSyncsAndWritesAtMostOncePerInterval) {
  DeviceActivity activity(30000);
  activity.Note(1, 1000, "10.0.0.1");
  EXPECT_TRUE(activity.TakeDue(1000, false).empty());  // the first batch waits too
  activity.Note(1, 2000, "10.0.0.2");
  activity.Note(1, 1500, "10.0.0.9");  // older: ignored
  activity.Note(2, 2500, "10.0.0.3");
  activity.Note(0, 2500, "ignored");
  EXPECT_TRUE(activity.TakeDue(30999, false).empty());
  auto due = activity.TakeDue(31000, false);
  ASSERT_EQ(due.size(), 2u);
  std::sort(due.begin(), due.end(),
            [](const DeviceSync& a, const DeviceSync& b) { return a.device_id < b.device_id; });
  EXPECT_EQ(due[0].at_ms, 2000);
  EXPECT_EQ(due[0].address, "10.0.0.2");
  EXPECT_EQ(activity.pending(), 0u);
  activity.Note(1, 32000, "10.0.0.4");
  EXPECT_TRUE(activity.TakeDue(40000, false).empty());
  activity.Restore(due);  // a failed write: the newer note wins
  auto forced = activity.TakeDue(40000, true);
  ASSERT_EQ(forced.size(), 2u);
  for (const DeviceSync& s : forced) {
    if (s.device_id == 1) EXPECT_EQ(s.address, "10.0.0.4");
  }
  EXPECT_EQ(AddressWithoutPort("203.0.113.7:51234"), "203.0.113.7");
  EXPECT_EQ(AddressWithoutPort("::1:8080"), "::1");
  EXPECT_EQ(AddressWithoutPort("unknown"), "unknown");
  EXPECT_EQ(AddressWithoutPort("test"), "test");
}

// The sync service records each device's last sync and address without a database write per
// request: at most one per interval, before a manager lists devices, and at shutdown.
TEST_F(DeviceTokensTest, TheSyncServiceRecordsLastSyncsInBatches) {
  const std::string tablet = Issue("rep-a", "tablet");
  Metrics metrics;
  SyncServiceOptions options;
  options.device_flush_interval_ms = 30000;
  auto service = std::make_unique<SyncService>(*store_, metrics, wall_, options);
  auto pull = [&](const std::string& token, const std::string& from) {
    SyncRequest req;
    req.replica_id = "replica-" + token.substr(4, 8);
    req.pull_cursor = 0;
    HttpRequest http{
        "POST", "/v1/sync", "Bearer " + token, kSyncContentType, EncodeSyncRequest(req), from};
    return service->Handle(http).status;
  };
  auto last_sync = [&](const std::string& device) {
    return QueryValue(store_->sql(),
                      "SELECT last_sync_ms FROM srv_credentials WHERE device = ? AND rep_id = "
                      "'rep-a'",
                      {S(device.c_str())});
  };
  const int64_t t0 = static_cast<int64_t>(wall_.NowMs());
  ASSERT_EQ(pull(phone_, "198.51.100.4:40000"), 200);
  ASSERT_EQ(pull(tablet, "198.51.100.5:40001"), 200);
  // Pull-only syncs wrote nothing yet.
  EXPECT_EQ(last_sync("first device"), Value());
  wall_.Advance(31000);
  // The interval passed: this sync writes the batch, its own time included.
  ASSERT_EQ(pull(phone_, "198.51.100.6:40002"), 200);
  EXPECT_EQ(last_sync("first device"), Value(t0 + 31000));
  EXPECT_EQ(last_sync("tablet"), Value(t0));
  wall_.Advance(1000);
  ASSERT_EQ(pull(phone_, "198.51.100.8:40009"), 200);
  EXPECT_EQ(last_sync("first device"), Value(t0 + 31000));  // within the interval: held
  // A manager's listing writes what is pending first.
  const std::string boss = AddRep("boss", "Boss", "manager");
  HttpRequest list{"GET", "/v1/admin/devices?rep=rep-a", "Bearer " + boss, "", "", "t"};
  HttpResponse listed = service->Handle(list);
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_NE(listed.body.find("198.51.100.8"), std::string::npos) << listed.body;
  EXPECT_EQ(last_sync("first device"), Value(t0 + 32000));
  // Shutdown writes the rest.
  wall_.Advance(1000);
  ASSERT_EQ(pull(tablet, "198.51.100.7:40003"), 200);
  service.reset();
  EXPECT_EQ(last_sync("tablet"), Value(t0 + 33000));
  auto devices = store_->ListDevices("rep-a");
  ASSERT_TRUE(devices.ok());
  EXPECT_EQ(devices->at(1).last_address, "198.51.100.7");
}

TEST_F(DeviceTokensTest, TheAdminApiIssuesListsRevokesDisablesAndEnables) {
  const std::string boss = AddRep("boss", "Boss", "manager");
  Metrics metrics;
  SyncService service(*store_, metrics, wall_);
  auto call = [&](const char* method, const std::string& target, const std::string& body,
                  const std::string& token) {
    return service.Handle(
        HttpRequest{method, target, "Bearer " + token, "application/json", body, "t"});
  };
  // Reps cannot use these routes.
  EXPECT_EQ(call("GET", "/v1/admin/devices", "", phone_).status, 403);
  HttpResponse issued =
      call("POST", "/v1/admin/devices", R"({"rep":"rep-a","device":"tablet"})", boss);
  ASSERT_EQ(issued.status, 200) << issued.body;
  const std::string tablet =
      std::string(boost::json::parse(issued.body).as_object().at("token").as_string());
  EXPECT_EQ(call("GET", "/v1/whoami", "", tablet).status, 200);
  EXPECT_EQ(call("POST", "/v1/admin/devices", R"({"rep":"rep-a","device":"tablet"})", boss).status,
            409);
  EXPECT_EQ(call("POST", "/v1/admin/devices", R"({"rep":"rep-a","extra":1})", boss).status, 400);
  EXPECT_EQ(call("POST", "/v1/admin/devices", R"({"device":"x"})", boss).status, 400);
  EXPECT_EQ(call("POST", "/v1/admin/devices", "[1]", boss).status, 400);
  EXPECT_EQ(call("POST", "/v1/admin/devices", std::string(9000, ' '), boss).status, 413);
  EXPECT_EQ(call("POST", "/v1/admin/devices/revoke", R"({"rep":"rep-a"})", boss).status, 400);
  EXPECT_EQ(call("POST", "/v1/admin/devices/revoke", R"({"rep":"rep-a","id":-3})", boss).status,
            400);
  HttpResponse revoked =
      call("POST", "/v1/admin/devices/revoke", R"({"rep":"rep-a","device":"tablet"})", boss);
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_EQ(call("GET", "/v1/whoami", "", tablet).status, 401);
  EXPECT_EQ(call("GET", "/v1/whoami", "", phone_).status, 200);
  ASSERT_EQ(call("POST", "/v1/admin/reps/disable", R"({"rep":"rep-a"})", boss).status, 200);
  EXPECT_EQ(call("GET", "/v1/whoami", "", phone_).status, 401);
  ASSERT_EQ(call("POST", "/v1/admin/reps/enable", R"({"rep":"rep-a"})", boss).status, 200);
  EXPECT_EQ(call("GET", "/v1/whoami", "", phone_).status, 200);
  EXPECT_EQ(call("GET", "/v1/whoami", "", tablet).status, 401);
  HttpResponse listed = call("GET", "/v1/admin/devices?rep=rep-a", "", boss);
  ASSERT_EQ(listed.status, 200);
  const boost::json::value parsed = boost::json::parse(listed.body);
  const auto& devices = parsed.as_object().at("devices").as_array();
  ASSERT_EQ(devices.size(), 2u);
  EXPECT_EQ(devices[1].as_object().at("device").as_string(), "tablet");
  EXPECT_TRUE(devices[1].as_object().at("revoked").as_bool());
  EXPECT_EQ(call("GET", "/v1/admin/devices?rep=nobody", "", boss).status, 404);
}

}  // namespace
}  // namespace fieldbook::server
