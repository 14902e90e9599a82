// Helpers for the desktop app's tests: an in-process hub behind the sync transport (with a switch
// to play "no signal" and a gate to refuse rows like the server's scope check), demo garages
// authored on that hub, and a replica set up and synced like a rep's device after
// `fieldbook-cli init` + `sync`.
#ifndef FIELDBOOK_TESTS_GUI_GUI_FIXTURE_H_
#define FIELDBOOK_TESTS_GUI_GUI_FIXTURE_H_

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "client_store.h"
#include "fieldbook/change_set_codec.h"
#include "fieldbook/hub.h"
#include "store_data_source.h"
#include "support/fake_clock.h"
#include "sync_engine.h"

namespace fieldbook::testing {

// Round trips to a Hub in this process, through the real wire codec.
class HubTransport final : public client::SyncTransport {
 public:
  explicit HubTransport(Hub& hub) : hub_(hub) {}

  Result<SyncResponse> Exchange(const SyncRequest& request) override {
    if (!online) return Status::Unavailable("cannot reach http://fieldbook.test: no route to host");
    FB_ASSIGN_OR_RETURN(SyncRequest wire, DecodeSyncRequest(EncodeSyncRequest(request)));
    SyncResponse response;
    if (wire.has_push) {
      PushOptions options;
      options.gate = gate ? &gate : nullptr;
      FB_ASSIGN_OR_RETURN(response.push_result, hub_.ApplyPush(wire.push, options));
      response.has_push_result = true;
    }
    FB_ASSIGN_OR_RETURN(PullPage page, hub_.Pull(wire.pull_cursor, wire.page_limit));
    response.pull = std::move(page.changes);
    response.more = page.more;
    response.hub_time_ms = hub_.clock().WallNowMs();
    return DecodeSyncResponse(EncodeSyncResponse(response));
  }

  std::atomic<bool> online{true};
  RowGate gate;  // set before the app starts; used on its worker thread

 private:
  Hub& hub_;
};

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

}  // namespace fieldbook::testing

#endif  // FIELDBOOK_TESTS_GUI_GUI_FIXTURE_H_
