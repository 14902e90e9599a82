// Device tokens per device through the real binaries (issue #13): `rep token --device`, `rep
// devices`, `rep revoke-device`, `rep disable` / `rep enable`, and the admin API's device list,
// against a serving fieldbook-server.
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/json.hpp>

#include "integration/server_fixture.h"
#include "support/sync_fixture.h"

namespace fieldbook::testing {
namespace {

class DeviceIntegrationTest : public ServerFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(InitDb());
    manager_ = AddRep("mgr", "Manager Zhou", "manager");
    phone_ = AddRep("rep-a", "张伟 Zhang Wei", "rep");
    ASSERT_NO_FATAL_FAILURE(StartServer());
  }

  CommandResult Server(std::vector<std::string> args) {
    args.insert(args.begin() + 2, {"--db", db_, "--actor", "ops-alice"});
    return RunServerCommand(args);
  }

  boost::json::value Devices() {
    CommandResult listed = Server({"rep", "devices", "rep-a", "--json"});
    EXPECT_EQ(listed.exit_code, 0) << listed.err;
    return ParseJson(listed.out);
  }

  std::string manager_, phone_;
};

TEST_F(DeviceIntegrationTest, ARevokedDeviceIsRefusedWhileTheRepsOtherDeviceKeepsSyncing) {
  CommandResult issued = Server({"rep", "token", "rep-a", "--device", "tablet", "--json"});
  ASSERT_EQ(issued.exit_code, 0) << issued.err;
  const std::string tablet = JsonStr(ParseJson(issued.out), "token");
  ASSERT_FALSE(tablet.empty());
  // The plain form names the device and ends with the token (scripts take the last word).
  CommandResult plain = Server({"rep", "token", "--rep", "rep-a", "--label", "laptop"});
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_NE(plain.out.find("'laptop'"), std::string::npos) << plain.out;
  EXPECT_EQ(plain.out.substr(plain.out.rfind(' ') + 1, 4), "fbt_");
  // A name in use is refused.
  EXPECT_NE(Server({"rep", "token", "rep-a", "--device", "tablet"}).exit_code, 0);

  auto phone_replica = OpenReplica("phone");
  auto tablet_replica = OpenReplica("tablet");
  ASSERT_TRUE(Exec(phone_replica->db(),
                   "INSERT INTO customers (id, name, owner_rep_id) VALUES ('c1', 'Golden Wrench', "
                   "'rep-a')")
                  .ok());
  ASSERT_TRUE(Sync(*phone_replica, phone_).ok());
  ASSERT_TRUE(Sync(*tablet_replica, tablet).ok());

  CommandResult revoked = Server({"rep", "revoke-device", "rep-a", "--device", "tablet"});
  ASSERT_EQ(revoked.exit_code, 0) << revoked.err;
  auto refused = Sync(*tablet_replica, tablet);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kRejected);
  EXPECT_NE(refused.status().message().find("revoked"), std::string::npos)
      << refused.status().ToString();
  auto who = Get("/v1/whoami", tablet);
  ASSERT_TRUE(who.ok());
  EXPECT_EQ(who->status, 401);
  ASSERT_TRUE(
      Exec(phone_replica->db(), "UPDATE customers SET notes = 'still here' WHERE id = 'c1'").ok());
  ASSERT_TRUE(Sync(*phone_replica, phone_).ok());
  EXPECT_EQ(ReplicaExport(*phone_replica), ServerExport("rep-a"));
  // Revoking again, or an unknown device, fails with a reason.
  CommandResult again = Server({"rep", "revoke-device", "rep-a", "--device", "tablet"});
  EXPECT_NE(again.exit_code, 0);
  EXPECT_NE(again.err.find("revoked already"), std::string::npos) << again.err;
  EXPECT_NE(Server({"rep", "revoke-device", "rep-a", "--device", "toaster"}).exit_code, 0);
  EXPECT_NE(Server({"rep", "revoke-device", "rep-a"}).exit_code, 0);  // which device?

  // Disabled: every device refused; enabled: the devices not revoked work again.
  ASSERT_EQ(Server({"rep", "disable", "rep-a"}).exit_code, 0);
  auto disabled = Get("/v1/whoami", phone_);
  ASSERT_TRUE(disabled.ok());
  EXPECT_EQ(disabled->status, 401);
  EXPECT_FALSE(Sync(*phone_replica, phone_).ok());
  CommandResult enabled = Server({"rep", "enable", "rep-a"});
  ASSERT_EQ(enabled.exit_code, 0) << enabled.err;
  EXPECT_NE(enabled.out.find("first device, laptop"), std::string::npos) << enabled.out;
  ASSERT_TRUE(Sync(*phone_replica, phone_).ok());
  EXPECT_EQ(Get("/v1/whoami", tablet)->status, 401);

  // The managers' list: every device with its last sync and address.
  auto listed = Get("/v1/admin/devices?rep=rep-a", manager_);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->status, 200) << listed->body;
  const boost::json::value devices = ParseJson(listed->body);
  ASSERT_EQ(JsonArr(devices, "devices").size(), 3u);
  const boost::json::value& first = JsonArr(devices, "devices")[0];
  EXPECT_EQ(JsonStr(first, "device"), "first device");
  EXPECT_EQ(JsonStr(first, "last_address"), "127.0.0.1");
  EXPECT_FALSE(JsonStr(first, "last_sync").empty());
  const boost::json::value& second = JsonArr(devices, "devices")[1];
  EXPECT_EQ(JsonStr(second, "device"), "tablet");
  EXPECT_TRUE(second.as_object().at("revoked").as_bool());
  EXPECT_EQ(JsonStr(second, "revoked_by"), "ops-alice");
  EXPECT_FALSE(JsonStr(second, "last_sync").empty());  // synced once before it was revoked
  const boost::json::value& third = JsonArr(devices, "devices")[2];
  EXPECT_TRUE(third.as_object().at("last_sync").is_null());  // the laptop never synced
  // A rep cannot list devices.
  EXPECT_EQ(Get("/v1/admin/devices", phone_)->status, 403);

  // The command line sees the same after the server has stopped (it writes what it holds).
  ASSERT_TRUE(Sync(*phone_replica, phone_).ok());
  EXPECT_EQ(server_->Stop(SIGTERM), 0);
  const boost::json::value after = Devices();
  ASSERT_EQ(JsonArr(after, "devices").size(), 3u);
  EXPECT_GE(JsonStr(JsonArr(after, "devices")[0], "last_sync"), JsonStr(first, "last_sync"));
  CommandResult text = Server({"rep", "devices", "rep-a"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("from 127.0.0.1"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("revoked by ops-alice"), std::string::npos) << text.out;
}

}  // namespace
}  // namespace fieldbook::testing
