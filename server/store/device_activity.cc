#include "store/device_activity.h"

namespace fieldbook::server {

void DeviceActivity::NoteLocked(const DeviceSync& sync) {
  auto [it, inserted] = pending_.try_emplace(sync.device_id, sync);
  if (!inserted && it->second.at_ms <= sync.at_ms) it->second = sync;
}

void DeviceActivity::Note(int64_t device_id, int64_t at_ms, const std::string& address) {
  if (device_id <= 0) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (last_flush_ms_ < 0) last_flush_ms_ = at_ms;  // the first batch waits one interval too
  NoteLocked(DeviceSync{device_id, at_ms, address});
}

std::vector<DeviceSync> DeviceActivity::TakeDue(int64_t now_ms, bool force) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<DeviceSync> out;
  if (pending_.empty()) return out;
  if (!force && last_flush_ms_ >= 0 && now_ms - last_flush_ms_ < interval_ms_) return out;
  out.reserve(pending_.size());
  for (auto& [id, sync] : pending_) out.push_back(std::move(sync));
  pending_.clear();
  last_flush_ms_ = now_ms;
  return out;
}

void DeviceActivity::Restore(const std::vector<DeviceSync>& syncs) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const DeviceSync& s : syncs) NoteLocked(s);
}

size_t DeviceActivity::pending() const {
  std::lock_guard<std::mutex> lock(mu_);
  return pending_.size();
}

std::string AddressWithoutPort(const std::string& remote) {
  const size_t colon = remote.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == remote.size()) return remote;
  for (size_t i = colon + 1; i < remote.size(); ++i) {
    if (remote[i] < '0' || remote[i] > '9') return remote;
  }
  return remote.substr(0, colon);
}

}  // namespace fieldbook::server
