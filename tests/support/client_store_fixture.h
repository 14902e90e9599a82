// ClientStoreTest: a ClientStore on a real replica file under a fake clock, set up for rep-a, with
// the helpers the client store's unit tests share (tests/unit/{client_store,customers,facts,
// tasks,day_plan,search_index}_test.cc).
//
// Thread safety: a test fixture; one test thread.
#ifndef FIELDBOOK_TESTS_SUPPORT_CLIENT_STORE_FIXTURE_H_
#define FIELDBOOK_TESTS_SUPPORT_CLIENT_STORE_FIXTURE_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "fieldbook/hub.h"
#include "store/client_store.h"
#include "support/fake_clock.h"
#include "support/sync_fixture.h"
#include "support/temp_dir.h"

namespace fieldbook::testing {

// The hub's time as its replies report it: the device is 1.5 s ahead.
inline constexpr uint64_t kHubTimeMs = FakeWallClock::kDefaultStartMs - 1500;

class ClientStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.File("replica.db");
    auto store = client::ClientStore::Open(path_, wall_, ReplicaOptions{"", 2000, 42});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    ASSERT_TRUE(store_->SaveSettings({"http://127.0.0.1:9", "fbt_secret", "rep-a", "张伟"}).ok());
  }

  std::string AddCustomer(std::vector<client::FieldValue> fields) {
    auto id = store_->customers().Add(fields);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : "";
  }

  std::string Visit(const std::string& customer, const std::string& check_in,
                    const std::string& notes = "", const std::string& follow_up = "") {
    client::NewVisit v;
    v.customer_id = customer;
    v.check_in = check_in;
    v.notes = notes;
    v.next_follow_up = follow_up;
    auto id = store_->facts().LogVisit(v);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : "";
  }

  // Grades are written by the hub (the grading job) and reach the device by sync.
  void Grade(Hub& hub, const std::string& customer, const char* tier, double churn) {
    ASSERT_TRUE(
        hub.Write("customers", customer, {{"grade_tier", S(tier)}, {"grade_churn_risk", churn}})
            .ok());
  }

  std::vector<std::string> SearchIds(const std::string& query) {
    auto hits = store_->search().Search(query);
    EXPECT_TRUE(hits.ok()) << query << ": " << hits.status().ToString();
    std::vector<std::string> ids;
    if (hits.ok()) {
      for (const auto& h : *hits) ids.push_back(h.customer.id);
    }
    return ids;
  }

  TempDir dir_;
  FakeWallClock wall_;
  std::string path_;
  std::unique_ptr<client::ClientStore> store_;
};

}  // namespace fieldbook::testing

#endif  // FIELDBOOK_TESTS_SUPPORT_CLIENT_STORE_FIXTURE_H_
