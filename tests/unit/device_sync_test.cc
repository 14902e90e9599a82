// DeviceSync: a whole sync of a rep's device (client/sync/device_sync.h) against an in-process hub
// behind the real wire codec: the change sets in many small pages, the search index catching up,
// the bookkeeping in the store's settings, then the reports and the review list, whose failures
// do not fail the sync; a failed exchange records nothing and asks nothing more.
#include "sync/device_sync.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "fieldbook/hub.h"
#include "store/client_store.h"
#include "support/fake_clock.h"
#include "support/hub_transport.h"
#include "support/temp_dir.h"

namespace fieldbook::testing {
namespace {

using client::ClientStore;
using client::DeviceSync;
using client::DeviceSyncReport;
using client::ServerLinks;

// The hub's time as its replies report it: the device is 90 s ahead.
constexpr uint64_t kHubTimeMs = FakeWallClock::kDefaultStartMs - 90000;
constexpr int kCustomers = 3000;

// What the server's /v1/reports answer, as FetchServerReports keeps it.
constexpr const char* kReports =
    R"({"movement": {"rep": "rep-a", "from_run": 0, "to_run": 1, "from_today": "",)"
    R"( "to_today": "2026-11-23", "cells": []}, "portfolio": null})";

class DeviceSyncTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto hub = Hub::Open(dir_.File("hub.db"), wall_);
    ASSERT_TRUE(hub.ok()) << hub.status().ToString();
    hub_ = std::move(*hub);
    // Thousands of the rep's customers on the server, written in a few large commits.
    std::vector<RowWrite> rows;
    for (int i = 0; i < kCustomers; ++i) {
      char id[40];
      std::snprintf(id, sizeof id, "c%031d", i);
      rows.push_back({"customers",
                      id,
                      {{"name", Value(std::string("汽修 garage ") + std::to_string(i))},
                       {"city", Value(std::string(i % 2 == 0 ? "佛山" : "东莞"))},
                       {"owner_rep_id", Value(std::string("rep-a"))}}});
      if (rows.size() == 500) {
        ASSERT_TRUE(hub_->Write(rows).ok());
        rows.clear();
      }
    }
    auto store = ClientStore::Open(dir_.File("replica.db"), wall_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    ASSERT_TRUE(store_->SaveSettings({"http://127.0.0.1:9", "fbt_secret", "rep-a", "张伟"}).ok());
    transport_ = std::make_unique<HubTransport>(*hub_, kHubTimeMs);
  }

  // Links to the hub, with reports and review status answered by the test.
  ServerLinks Links() {
    ServerLinks links;
    links.changes = transport_.get();
    links.reports = [this](const std::string& today) -> Result<std::string> {
      reports_asked_for_.push_back(today);
      if (!reports_up_) return Status::Unavailable("cannot reach the reports");
      return std::string(kReports);
    };
    links.review = [this](Replica& replica) -> Result<size_t> {
      ++review_asked_;
      EXPECT_EQ(&replica, &store_->replica());
      // Asked once the exchange is over: everything the hub holds is on the device.
      auto customers = store_->GetStatus();
      EXPECT_TRUE(customers.ok());
      if (customers.ok()) EXPECT_GE(customers->customers, kCustomers);
      if (!review_up_) return Status::Unavailable("cannot reach the review list");
      return size_t{2};
    };
    return links;
  }

  static client::SyncOptions SmallPages() {
    client::SyncOptions options;
    options.page_rows = 100;
    options.max_page_rows = 100;
    options.batch_rows = 700;
    return options;
  }

  TempDir dir_;
  FakeWallClock wall_;
  std::unique_ptr<Hub> hub_;
  std::unique_ptr<ClientStore> store_;
  std::unique_ptr<HubTransport> transport_;
  std::vector<std::string> reports_asked_for_;
  int review_asked_ = 0;
  bool reports_up_ = true;
  bool review_up_ = true;
};

TEST_F(DeviceSyncTest, AWholeSyncStoresIndexesRecordsThenRefreshesReportsAndReview) {
  DeviceSync device(*store_);
  auto synced = device.Run(Links(), SmallPages());
  ASSERT_TRUE(synced.ok()) << synced.status().ToString();
  const DeviceSyncReport& r = *synced;
  EXPECT_EQ(r.sync.rows_received, static_cast<size_t>(kCustomers));
  EXPECT_GE(r.sync.pages, static_cast<size_t>(kCustomers / 100));
  // Search catch-up: a customer of the last page is found, and so is one of the first.
  auto last = store_->search().Search("garage 2999");
  ASSERT_TRUE(last.ok()) << last.status().ToString();
  ASSERT_FALSE(last->empty());
  EXPECT_EQ((*last)[0].customer.id, "c0000000000000000000000000002999");
  // Bookkeeping: the time of the sync and the skew, for `status`.
  auto status = store_->GetStatus();
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->customers, kCustomers);
  ASSERT_TRUE(status->last_sync_ms);
  EXPECT_EQ(static_cast<uint64_t>(*status->last_sync_ms), wall_.NowMs());
  // The skew as of the last answer's arrival (a prefetched answer's wait is taken off).
  ASSERT_TRUE(status->clock_skew_ms);
  EXPECT_LE(*status->clock_skew_ms, 90000);
  EXPECT_GT(*status->clock_skew_ms, 80000);
  // The reports for the rep's local day, kept on the device; the review list asked once.
  EXPECT_EQ(reports_asked_for_, std::vector<std::string>{store_->Today()});
  EXPECT_TRUE(r.reports_refreshed);
  EXPECT_EQ(r.reports_error, "");
  auto kept = store_->grades().ServerReports();
  ASSERT_TRUE(kept.ok());
  ASSERT_TRUE(*kept);
  EXPECT_EQ((*kept)->json, kReports);
  EXPECT_EQ(review_asked_, 1);
  EXPECT_EQ(r.review_resolved, 2u);
  EXPECT_EQ(r.review_error, "");
}

TEST_F(DeviceSyncTest, ReportsAndReviewThatFailDoNotFailTheSync) {
  reports_up_ = false;
  review_up_ = false;
  DeviceSync device(*store_);
  auto synced = device.Run(Links(), SmallPages());
  ASSERT_TRUE(synced.ok()) << synced.status().ToString();
  EXPECT_EQ(synced->sync.rows_received, static_cast<size_t>(kCustomers));
  EXPECT_FALSE(synced->reports_refreshed);
  EXPECT_EQ(synced->reports_error, "cannot reach the reports");
  EXPECT_EQ(synced->review_error, "cannot reach the review list");
  EXPECT_EQ(synced->review_resolved, 0u);
  auto kept = store_->grades().ServerReports();
  ASSERT_TRUE(kept.ok());
  EXPECT_FALSE(*kept);  // never fetched
  auto status = store_->GetStatus();
  ASSERT_TRUE(status.ok());
  EXPECT_TRUE(status->last_sync_ms);  // the sync itself happened
}

TEST_F(DeviceSyncTest, AFailedExchangeRecordsNothingAndAsksNothingMore) {
  transport_->online = false;
  auto written = store_->customers().Add({{"name", "鑫达汽修"}});
  ASSERT_TRUE(written.ok());
  DeviceSync device(*store_);
  auto synced = device.Run(Links(), SmallPages());
  ASSERT_FALSE(synced.ok());
  EXPECT_EQ(synced.status().code(), StatusCode::kUnavailable);
  EXPECT_TRUE(reports_asked_for_.empty());
  EXPECT_EQ(review_asked_, 0);
  auto status = store_->GetStatus();
  ASSERT_TRUE(status.ok());
  EXPECT_FALSE(status->last_sync_ms);
  EXPECT_GT(status->pending_writes, 0);  // the write waits for the next sync
  // The next sync, with the signal back, sends it and receives everything.
  transport_->online = true;
  synced = device.Run(Links(), SmallPages());
  ASSERT_TRUE(synced.ok()) << synced.status().ToString();
  EXPECT_EQ(synced->sync.rows_pushed, 1u);
  auto found = store_->search().Search("鑫达");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->size(), 1u);
}

TEST_F(DeviceSyncTest, WithoutAChangeSetTransportNothingHappens) {
  DeviceSync device(*store_);
  ServerLinks links = Links();
  links.changes = nullptr;
  auto synced = device.Run(links);
  EXPECT_EQ(synced.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(reports_asked_for_.empty());
  EXPECT_EQ(review_asked_, 0);
}

}  // namespace
}  // namespace fieldbook::testing
