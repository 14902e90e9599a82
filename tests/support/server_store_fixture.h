// ServerStoreFixture: a ServerStore on a fresh server.db in a temporary directory, on a fake clock
// - the common ground of the server-side unit tests (the repository layer, the nightly job and the
// HTTP APIs in process), with helpers to add reps and to build a device's push.
//
// Not thread-safe: one test thread drives it.
#ifndef FIELDBOOK_TESTS_SUPPORT_SERVER_STORE_FIXTURE_H_
#define FIELDBOOK_TESTS_SUPPORT_SERVER_STORE_FIXTURE_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "fieldbook/change_set.h"
#include "store/server_store.h"
#include "support/fake_clock.h"
#include "support/temp_dir.h"

namespace fieldbook::testing {

class ServerStoreFixture : public ::testing::Test {
 protected:
  // Opens store_ on db_path_. A subclass that needs the clock elsewhere moves wall_ first.
  void SetUp() override {
    auto s = server::ServerStore::Open(db_path_, wall_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
  }

  // Adds a rep; returns its token ("" and a test failure when the store refuses it).
  std::string AddRep(const std::string& id, const std::string& name,
                     const std::string& role = "rep") {
    auto added = store_->AddRep(server::NewRep{id, name, role, "", "", ""});
    EXPECT_TRUE(added.ok()) << id << ": " << added.status().ToString();
    return added.ok() ? added->second : "";
  }

  // A change set `set_id` as device "device-a" pushes it.
  static ChangeSet Push(const std::string& set_id, std::vector<RowChange> rows) {
    ChangeSet set;
    set.set_id = set_id;
    set.replica_id = "device-a";
    set.OriginIndex("device-a");
    set.rows = std::move(rows);
    return set;
  }

  TempDir dir_;
  FakeWallClock wall_;
  std::string db_path_ = dir_.File("server.db");
  std::unique_ptr<server::ServerStore> store_;
};

}  // namespace fieldbook::testing

#endif  // FIELDBOOK_TESTS_SUPPORT_SERVER_STORE_FIXTURE_H_
