// DeviceActivity: when, and from which address, each device last synced, gathered in memory by
// the sync service and written to the database in batches (DeviceTokens::RecordSyncs): at most
// one write per flush interval whatever the traffic, so a read-only pull adds no durable write.
// What has not been written yet is lost if the process dies; the device's next sync records it
// again.
//
// Thread safety: every method may be called from any thread (one internal mutex).
#ifndef FIELDBOOK_SERVER_DEVICE_ACTIVITY_H_
#define FIELDBOOK_SERVER_DEVICE_ACTIVITY_H_

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "store/device_tokens.h"

namespace fieldbook::server {

class DeviceActivity {
 public:
  explicit DeviceActivity(int64_t flush_interval_ms) : interval_ms_(flush_interval_ms) {}

  // Remembers the device's latest sync (an older time than the one held is ignored).
  void Note(int64_t device_id, int64_t at_ms, const std::string& address);
  // What to write now and forget: everything held when `force` or when the interval has passed
  // since the last flush; otherwise nothing.
  std::vector<DeviceSync> TakeDue(int64_t now_ms, bool force);
  // Takes back entries whose write failed; newer notes taken meanwhile win.
  void Restore(const std::vector<DeviceSync>& syncs);
  size_t pending() const;

 private:
  void NoteLocked(const DeviceSync& sync);

  const int64_t interval_ms_;
  mutable std::mutex mu_;
  std::unordered_map<int64_t, DeviceSync> pending_;
  int64_t last_flush_ms_ = -1;
};

// "203.0.113.7:51234" -> "203.0.113.7", "::1:8080" -> "::1"; anything else unchanged.
std::string AddressWithoutPort(const std::string& remote);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_DEVICE_ACTIVITY_H_
