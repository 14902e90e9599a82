#include "store/read_stores.h"

#include <algorithm>
#include <utility>

namespace fieldbook::server {

Result<std::unique_ptr<ReadStores>> ReadStores::Open(const std::string& path, WallClock& wall,
                                                     const HubOptions& options, size_t count) {
  std::unique_ptr<ReadStores> pool(new ReadStores());
  for (size_t i = 0; i < std::max<size_t>(count, 1); ++i) {
    FB_ASSIGN_OR_RETURN(auto store, ServerStore::Open(path, wall, options));
    pool->free_.push_back(store.get());
    pool->stores_.push_back(std::move(store));
  }
  return pool;
}

ReadStores::Lease ReadStores::Acquire() {
  std::unique_lock lock(mu_);
  returned_.wait(lock, [&] { return !free_.empty(); });
  ServerStore* store = free_.back();
  free_.pop_back();
  return Lease(*this, store);
}

void ReadStores::Return(ServerStore* store) {
  {
    std::lock_guard lock(mu_);
    free_.push_back(store);
  }
  returned_.notify_one();
}

size_t DefaultReadConnections(unsigned cores) { return std::max<unsigned>(2, cores); }

}  // namespace fieldbook::server
