// PoolScreen: the public pool (公海, issue #7) from the snapshot's PoolView — the pooled customers
// in the rep's regions as of the last sync (with the daily claim cap and holding cap), a Claim
// button per customer, and the rep's claims and releases with the server's answers. Claim posts
// ClaimFromPool: the worker records the request on the device, the next sync sends it and the
// server grants or refuses it; the row shows "Claim waits for sync" meanwhile. Draw reads the
// snapshot and posts intents only.
//
// Probe anchors: "pool.claim:<customer id>", "pool.pending:<customer id>",
// "pool.request:<request id>", "pool.notice".
//
// Thread safety: UI thread only.
#ifndef FIELDBOOK_CLIENT_APP_SCREENS_POOL_SCREEN_H_
#define FIELDBOOK_CLIENT_APP_SCREENS_POOL_SCREEN_H_

#include <cstdint>

#include "screen.h"

namespace fieldbook::app {

struct PoolScreen final : ui::Screen {
  using Screen::Screen;
  void Draw(const Snapshot& snap, Intents& intents) override;

  uint64_t last_request = 0;  // the latest ClaimFromPool posted, to show its outcome

 private:
  void DrawRows(const PoolView& pool);
};

}  // namespace fieldbook::app

#endif  // FIELDBOOK_CLIENT_APP_SCREENS_POOL_SCREEN_H_
