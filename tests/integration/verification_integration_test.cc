// Replica verification end to end (docs/sync.md, "Verification and repair"): the real
// fieldbook-server binary, a rep's device driven by the real client code, and the sqlite3 shell
// editing the device's file behind the app's back. After a verification is requested (as the
// nightly job does), one sync makes the device whole again, re-sending only the drifted buckets.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>

#include "fieldbook/canonical_export.h"
#include "fieldbook/replica.h"
#include "integration/server_process.h"
#include "integration/test_server_db.h"
#include "store/server_store.h"
#include "store/verification_store.h"
#include "support/sync_fixture.h"
#include "support/temp_dir.h"
#include "sync/sync_engine.h"

namespace fieldbook::testing {
namespace {

constexpr const char* kSqliteShell = "/usr/bin/sqlite3";

std::string JsonField(const std::string& json, const char* field) {
  boost::system::error_code ec;
  auto v = boost::json::parse(json, ec);
  if (ec || !v.is_object() || !v.as_object().contains(field)) return {};
  return std::string(v.as_object().at(field).as_string());
}

class VerificationIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(std::filesystem::exists(kSqliteShell))
        << "the sqlite3 shell is needed (scripts/setup installs it)";
    db_ = server_db_.url();  // a file, or a fresh PostgreSQL database (test_server_db.h)
    ASSERT_EQ(RunServerCommand({"init", "--db", db_}).exit_code, 0);
    token_a_ = AddRep("rep-a", "张伟 Zhang Wei");
    AddRep("rep-b", "李娜 Li Na");
    {
      // 120 garages for rep-a and 40 for rep-b, each with two contacts and five visits.
      auto store = server::ServerStore::Open(db_, wall_);
      ASSERT_TRUE(store.ok()) << store.status().ToString();
      std::vector<RowWrite> rows;
      for (int c = 0; c < 160; ++c) {
        const std::string id = "c" + std::to_string(c);
        rows.push_back(RowWrite{"customers",
                                id,
                                {{"name", S(("鑫达汽修 " + id).c_str())},
                                 {"city", S("广州")},
                                 {"owner_rep_id", S(c < 120 ? "rep-a" : "rep-b")}}});
        for (int k = 0; k < 2; ++k) {
          rows.push_back(RowWrite{"contacts",
                                  "k" + id + "-" + std::to_string(k),
                                  {{"customer_id", S(id.c_str())}, {"name", S("王师傅")}}});
        }
        for (int v = 0; v < 5; ++v) {
          rows.push_back(RowWrite{"visits",
                                  "v" + id + "-" + std::to_string(v),
                                  {{"customer_id", S(id.c_str())},
                                   {"rep_id", S(c < 120 ? "rep-a" : "rep-b")},
                                   {"notes", S("换刹车片，下周再来")}}});
        }
      }
      auto written = (*store)->Write(rows);
      ASSERT_TRUE(written.ok()) << written.status().ToString();
    }
    server_ = std::make_unique<ServerProcess>(db_, dir_.path().string());
    ASSERT_TRUE(server_->Start()) << server_->Log();
  }

  std::string AddRep(const std::string& id, const std::string& name) {
    CommandResult r = RunServerCommand(
        {"rep", "add", "--db", db_, "--id", id, "--name", name, "--role", "rep", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return JsonField(r.out, "token");
  }

  std::unique_ptr<Replica> OpenDevice() {
    auto r = Replica::Open(device_path(), wall_);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(*r) : nullptr;
  }
  std::string device_path() const { return dir_.File("zhang.db"); }

  Result<client::SyncReport> Sync(Replica& device) {
    FB_ASSIGN_OR_RETURN(auto transport,
                        client::HttpSyncTransport::Create(server_->url(), token_a_));
    client::SyncEngine engine(device, *transport, client::SyncOptions{.page_rows = 200});
    return engine.SyncOnce();
  }

  std::string ServerExport() {
    CommandResult r = RunServerCommand({"export", "--db", db_, "--rep", "rep-a"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }
  std::string DeviceExport(Replica& device) {
    auto e = CanonicalExport(device.db(), device.catalog());
    EXPECT_TRUE(e.ok());
    return e.ok() ? *e : std::string();
  }
  CommandResult Shell(const std::string& sql) {
    return RunCommand(kSqliteShell, {device_path(), sql});
  }

  TempDir dir_;
  SystemWallClock wall_;
  TestServerDb server_db_{dir_};
  std::string db_, token_a_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(VerificationIntegrationTest, AReplicaEditedBehindTheAppsBackIsWholeAfterOneSync) {
  auto device = OpenDevice();
  ASSERT_NE(device, nullptr);
  auto first = Sync(*device);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  const std::string expected = ServerExport();
  ASSERT_EQ(DeviceExport(*device), expected);
  const size_t total_rows = first->rows_received;
  ASSERT_GE(total_rows, 120u * 8);
  device.reset();

  // The sqlite3 shell cannot write while Fieldbook's triggers are in place...
  CommandResult refused = Shell("DELETE FROM visits WHERE id = 'vc1-0';");
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("no such function"), std::string::npos) << refused.err;
  // ... so an outside tool drops them first, then deletes visits, renames a garage and deletes a
  // contact.
  CommandResult triggers = Shell(
      "SELECT 'DROP TRIGGER \"' || name || '\";' FROM sqlite_schema WHERE type = 'trigger' AND "
      "(name GLOB 'fb_*_capture_*' OR name GLOB 'fb_*_guard_*' OR name GLOB 'fb_*_digest_*' OR "
      "name GLOB 'fb_*_keep_*');");
  ASSERT_EQ(triggers.exit_code, 0) << triggers.err;
  ASSERT_NE(triggers.out.find("DROP TRIGGER"), std::string::npos);
  CommandResult edited = Shell(triggers.out +
                               "DELETE FROM visits WHERE id IN ('vc1-0', 'vc1-3', 'vc17-2', "
                               "'vc64-4');"
                               "UPDATE customers SET name = '改过的名字' WHERE id = 'c33';"
                               "DELETE FROM contacts WHERE id = 'kc90-1';");
  ASSERT_EQ(edited.exit_code, 0) << edited.err;

  // The app opens the file again (and puts its triggers back); the nightly job asks every rep's
  // devices to verify.
  device = OpenDevice();
  ASSERT_NE(device, nullptr);
  ASSERT_NE(DeviceExport(*device), expected);
  {
    auto store = server::ServerStore::Open(db_, wall_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    server::VerificationStore verification(**store, wall_);
    auto asked = verification.RequestVerification("", false, "nightly");
    ASSERT_TRUE(asked.ok()) << asked.status().ToString();
    EXPECT_EQ(*asked, 2u);
  }

  auto repaired = Sync(*device);
  ASSERT_TRUE(repaired.ok()) << repaired.status().ToString();
  EXPECT_TRUE(repaired->verified);
  EXPECT_GE(repaired->buckets_repaired, 3u);  // visits of 4 garages, a customer, a contact
  EXPECT_LE(repaired->buckets_repaired, 6u);
  EXPECT_EQ(repaired->rows_repaired, 6u);
  EXPECT_EQ(repaired->rows_removed, 0u);
  EXPECT_EQ(DeviceExport(*device), expected);
  EXPECT_EQ(*device->PendingWriteCount(), 0);

  {
    auto store = server::ServerStore::Open(db_, wall_);
    ASSERT_TRUE(store.ok());
    auto summary = server::VerificationStore(**store, wall_).Summary(0);
    ASSERT_TRUE(summary.ok());
    EXPECT_EQ(summary->replicas_verified, 1);
    EXPECT_EQ(summary->replicas_repaired, 1);
    EXPECT_EQ(summary->buckets_repaired, static_cast<int64_t>(repaired->buckets_repaired));
    EXPECT_GT(summary->rows_resent, 0);
    // Only the drifted buckets came back: a small part of the device's rows.
    EXPECT_LT(static_cast<size_t>(summary->rows_resent), total_rows / 10)
        << summary->rows_resent << " of " << total_rows;
    EXPECT_EQ(summary->reps_pending, 1);  // rep-b has no device yet
  }

  // Whole and verified: the next sync is a single round trip again.
  auto next = Sync(*device);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->round_trips, 1);
  EXPECT_FALSE(next->verified);
  EXPECT_EQ(DeviceExport(*device), expected);
}

}  // namespace
}  // namespace fieldbook::testing
