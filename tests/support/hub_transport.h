// HubTransport: a Hub in this process behind the SyncTransport interface the real sync engine
// uses; requests and replies round-trip through the real wire codec. Switches for tests: `online`
// (false plays "no signal"), `gate` (refuses rows as the server's scope check does), `evict_next`
// (customers the next pull tells the device to drop, as the server does when a customer leaves
// the rep's scope) and a fixed hub time (else the hub's clock).
//
// Thread-safety: Exchange may run on another thread (the desktop app's sync worker) while the
// test flips `online`; `gate` and `evict_next` are set only while no exchange is running.
#ifndef FIELDBOOK_TESTS_SUPPORT_HUB_TRANSPORT_H_
#define FIELDBOOK_TESTS_SUPPORT_HUB_TRANSPORT_H_

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fieldbook/change_set_codec.h"
#include "fieldbook/hub.h"
#include "sync/sync_engine.h"

namespace fieldbook::testing {

class HubTransport final : public client::SyncTransport {
 public:
  // With `hub_time_ms`, every reply reports that hub time instead of the hub clock's.
  explicit HubTransport(Hub& hub, std::optional<uint64_t> hub_time_ms = std::nullopt)
      : hub_(hub), hub_time_ms_(hub_time_ms) {}

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
    // Unscoped pulls: the hub itself never lists evictions here, only `evict_next` does.
    FB_ASSIGN_OR_RETURN(PullPage page, hub_.Pull(wire.pull_cursor, wire.page_limit));
    response.pull = std::move(page.changes);
    if (!evict_next.empty()) response.pull.evicted_customers = std::exchange(evict_next, {});
    response.more = page.more;
    response.hub_time_ms = hub_time_ms_ ? *hub_time_ms_ : hub_.clock().WallNowMs();
    return DecodeSyncResponse(EncodeSyncResponse(response));
  }

  std::atomic<bool> online{true};
  RowGate gate;
  std::vector<std::string> evict_next;

 private:
  Hub& hub_;
  std::optional<uint64_t> hub_time_ms_;
};

}  // namespace fieldbook::testing

#endif  // FIELDBOOK_TESTS_SUPPORT_HUB_TRANSPORT_H_
