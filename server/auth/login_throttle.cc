#include "auth/login_throttle.h"

#include <algorithm>
#include <vector>

namespace fieldbook::server {

namespace {
std::string AccountKey(const std::string& account) { return "a:" + account; }
std::string AddressKey(const std::string& address) { return "i:" + address; }
}  // namespace

int64_t LoginThrottle::WaitFor(const std::string& key, int64_t now_ms) {
  auto it = keys_.find(key);
  if (it == keys_.end()) return 0;
  return std::max<int64_t>(0, it->second.locked_until_ms - now_ms);
}

void LoginThrottle::Count(const std::string& key, int free, int64_t now_ms) {
  Entry& e = keys_[key];
  if (e.attempts > 0 && now_ms - e.last_ms >= options_.forget_after_ms) e = Entry{};
  ++e.attempts;
  e.last_ms = now_ms;
  if (e.attempts >= free) {
    const int doublings = std::min(e.attempts - free, 40);
    int64_t delay = options_.base_delay_ms;
    for (int i = 0; i < doublings && delay < options_.max_delay_ms; ++i) delay *= 2;
    e.locked_until_ms = now_ms + std::min(delay, options_.max_delay_ms);
  }
}

void LoginThrottle::Prune(int64_t now_ms) {
  if (keys_.size() < options_.max_keys) return;
  for (auto it = keys_.begin(); it != keys_.end();) {
    const bool stale = now_ms - it->second.last_ms >= options_.forget_after_ms &&
                       it->second.locked_until_ms <= now_ms;
    it = stale ? keys_.erase(it) : std::next(it);
  }
  if (keys_.size() < options_.max_keys) return;
  // Still full: forget the stalest quarter.
  std::vector<std::pair<int64_t, std::string>> by_age;
  by_age.reserve(keys_.size());
  for (const auto& [key, e] : keys_) by_age.emplace_back(e.last_ms, key);
  const size_t drop = std::max<size_t>(1, by_age.size() / 4);
  std::nth_element(by_age.begin(), by_age.begin() + static_cast<std::ptrdiff_t>(drop - 1),
                   by_age.end());
  for (size_t i = 0; i < drop; ++i) keys_.erase(by_age[i].second);
}

int64_t LoginThrottle::Begin(const std::string& account, const std::string& address,
                             int64_t now_ms) {
  std::lock_guard lock(mu_);
  const std::string a = AccountKey(account), i = AddressKey(address);
  const int64_t wait = std::max(WaitFor(a, now_ms), WaitFor(i, now_ms));
  if (wait > 0) return wait;
  Prune(now_ms);
  Count(a, options_.free_per_account, now_ms);
  return 0;
}

void LoginThrottle::Failed(const std::string& address, int64_t now_ms) {
  std::lock_guard lock(mu_);
  Prune(now_ms);
  Count(AddressKey(address), options_.free_per_address, now_ms);
}

void LoginThrottle::Succeeded(const std::string& account) {
  std::lock_guard lock(mu_);
  keys_.erase(AccountKey(account));
}

size_t LoginThrottle::KeysForTesting() {
  std::lock_guard lock(mu_);
  return keys_.size();
}

}  // namespace fieldbook::server
