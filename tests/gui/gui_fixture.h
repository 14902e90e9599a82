// Helpers for the desktop app's tests: an in-process hub behind the sync transport
// (support/hub_transport.h: a switch to play "no signal", a gate to refuse rows like the server's
// scope check), demo garages authored on that hub, a replica set up and synced like a rep's device
// after `fieldbook-cli init` + `sync`, and AppFixture, which runs the app on that replica and
// drives it with ImGui input.
//
// Not thread-safe: the test thread drives the fixture; the app's worker uses only the transport.
#ifndef FIELDBOOK_TESTS_GUI_GUI_FIXTURE_H_
#define FIELDBOOK_TESTS_GUI_GUI_FIXTURE_H_

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "fieldbook/hub.h"
#include "headless.h"
#include "store/client_store.h"
#include "store_data_source.h"
#include "support/fake_clock.h"
#include "support/hub_transport.h"
#include "support/temp_dir.h"
#include "sync/sync_engine.h"
#include "view_model.h"

namespace fieldbook::testing {

// A transport the data source may own, forwarding to one the test keeps.
class ForwardingTransport final : public client::SyncTransport {
 public:
  explicit ForwardingTransport(client::SyncTransport& to) : to_(to) {}
  Result<SyncResponse> Exchange(const SyncRequest& request) override {
    return to_.Exchange(request);
  }

 private:
  client::SyncTransport& to_;
};

inline app::TransportFactory TransportsTo(client::SyncTransport& transport) {
  return [&transport](
             const client::ClientSettings&) -> Result<std::unique_ptr<client::SyncTransport>> {
    return std::unique_ptr<client::SyncTransport>(new ForwardingTransport(transport));
  };
}

// Ids of the garages SeedHub writes.
inline constexpr const char* kXinda = "c0000000000000000000000000000001";  // 鑫达汽修
inline constexpr const char* kGoldenWrench = "c0000000000000000000000000000002";
inline constexpr const char* kShuntong = "c0000000000000000000000000000003";  // 顺通汽配
inline constexpr const char* kXinlong = "c0000000000000000000000000000004";   // 鑫隆轮胎店
inline constexpr const char* kPearlRiver = "c0000000000000000000000000000005";
inline constexpr const char* kOverdueTask = "t0000000000000000000000000000001";
inline constexpr const char* kDueTask = "t0000000000000000000000000000002";
inline constexpr const char* kRep = "rep-zhang-wei";

// A rep, a territory and some garages with contacts, visits, orders, tasks and feedback, written
// by the hub (as the server's demo data would be). Today is 2026-11-23.
void SeedHub(Hub& hub);

// Creates the replica at `path` as `fieldbook-cli init` would (settings: server, token, rep) and
// syncs it with the hub.
void SetUpReplica(const std::string& path, WallClock& wall, client::SyncTransport& transport);

// 2026-11-23 09:00 UTC: "now" in the app tests.
inline constexpr uint64_t kNineAm = FakeWallClock::kDefaultStartMs + 9 * 3600 * 1000;

// The desktop app end to end, headless: a hub seeded with SeedHub, the rep's replica set up and
// synced from it, and the real view model, data source and UI started on that replica. Local
// dates are pinned (TZ=UTC) so that "today" on screen is 2026-11-23.
class AppFixture : public ::testing::Test {
 protected:
  static void SetUpTestSuite();

  // OpenHub, then SetUpDevice. A subclass that writes more to the hub before the device's first
  // sync calls the two itself.
  void SetUp() override;
  // Opens the hub on clock_ and writes SeedHub's data.
  void OpenHub();
  // The replica at replica_path_, set up and synced through transport_.
  void SetUpDevice();

  // Starts the app (view model + headless UI) on the replica and waits until it is ready. The data
  // source syncs through transport_, with `data_options` (e.g. the pool's transports) and
  // `reports` (how it fetches the server's reports; none: it does not).
  void Start(app::Lang lang, app::ViewModelOptions vm_options = {},
             app::StoreDataSourceOptions data_options = {}, app::ReportsFetcher reports = nullptr);
  // Stops the app so the test may open the replica itself.
  void Stop();
  // Stops the app before any member goes: a subclass's members the app's worker uses (a fake
  // server, a switch) die before this class's.
  void TearDown() override { Stop(); }

  std::shared_ptr<const app::Snapshot> Snap() const { return vm_->snapshot(); }
  // Clicks the widget `anchor`; a test failure naming what is on screen when it is not there.
  void ClickOrFail(const std::string& anchor);
  // On the open customer's page: opens the visit form, types `notes` (with a follow-up in a week
  // when asked), saves, and checks the visit was logged.
  void LogVisitHere(const std::string& notes, bool follow_up_in_a_week = false);
  // Opens `customer_id` from the list, then LogVisitHere with a follow-up in a week.
  void LogVisitThroughUi(const std::string& customer_id, const std::string& notes);
  // Saves the next frame as `name` in FIELDBOOK_GUI_SCREENSHOT_DIR and checks the file is a real
  // picture, not an empty canvas.
  void Screenshot(const std::string& name);

  FakeWallClock clock_{kNineAm};
  int width_ = 1280, height_ = 800;  // the headless window Start opens
  TempDir dir_;
  std::string replica_path_ = dir_.File("replica.db");
  std::unique_ptr<Hub> hub_;
  std::unique_ptr<HubTransport> transport_;
  std::unique_ptr<app::ViewModel> vm_;
  std::unique_ptr<app::HeadlessApp> app_;
};

}  // namespace fieldbook::testing

#endif  // FIELDBOOK_TESTS_GUI_GUI_FIXTURE_H_
