// The status bar after a failed sync (issue #19): offline or refused, it says in the UI's language
// how many changes (and public-pool requests) are safely queued on the device and that nothing was
// lost (not the transport's raw English), in the real app on a synced replica.
#include <gtest/gtest.h>

#include <string>

#include "gui_fixture.h"

namespace fieldbook::testing {
namespace {

using app::Lang;

class StatusGuiTest : public AppFixture {};

TEST_F(StatusGuiTest, AnOfflineSyncSaysInChineseThatTheQueuedChangesAreSafe) {
  {
    // A claim from the public pool waits for the next sync too (the device's copy of the pool).
    auto store = client::ClientStore::Open(replica_path_, clock_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    client::PoolListing listing;
    listing.rep_id = kRep;
    listing.as_of = "2026-11-23T08:00:00Z";
    listing.server_day = "2026-11-23";
    listing.pool.push_back({.id = "c-pooled", .name = "公海汽修"});
    ASSERT_TRUE((*store)->pool().Save(listing).ok());
    ASSERT_TRUE((*store)->pool().RequestClaim("c-pooled").ok());
  }
  Start(Lang::kChinese);
  LogVisitThroughUi(kPearlRiver, "车队经理要 40 个滤清器的报价");
  ASSERT_EQ(Snap()->status.pending_changes, 1);

  transport_->online = false;
  ClickOrFail("status.sync");
  ASSERT_TRUE(Snap()->status.sync_failed);
  ASSERT_EQ(Snap()->status.connectivity, app::Connectivity::kOffline);
  EXPECT_TRUE(app_->Find(
      "status.sync_failed:离线：1 条改动已安全保存，没有丢失；另有 1 个公海请求等待发送"))
      << app_->probe().Names();
  Screenshot("zh-07-offline.png");

  // A second change while offline: the count follows.
  LogVisitThroughUi(kXinda, "老板不在，下周再来");
  ClickOrFail("status.sync");
  EXPECT_TRUE(app_->Find(
      "status.sync_failed:离线：2 条改动已安全保存，没有丢失；另有 1 个公海请求等待发送"))
      << app_->probe().Names();

  // Back online: the warning goes, nothing is queued (this device sends no pool requests).
  transport_->online = true;
  ClickOrFail("status.sync");
  EXPECT_FALSE(Snap()->status.sync_failed) << Snap()->status.sync_message;
  EXPECT_EQ(Snap()->status.pending_changes, 0);
  EXPECT_FALSE(app_->Find(
      "status.sync_failed:离线：2 条改动已安全保存，没有丢失；另有 1 个公海请求等待发送"));
}

TEST_F(StatusGuiTest, AnOfflineSyncSaysItInEnglishToo) {
  Start(Lang::kEnglish);
  LogVisitThroughUi(kPearlRiver, "Fleet manager wants a quote");
  transport_->online = false;
  ClickOrFail("status.sync");
  EXPECT_TRUE(app_->Find("status.sync_failed:Offline: 1 change safely queued, nothing lost"))
      << app_->probe().Names();
}

}  // namespace
}  // namespace fieldbook::testing
