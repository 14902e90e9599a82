#include "intents.h"

#include <algorithm>

namespace fieldbook::app {

namespace {

bool LatestWins(const Intent& intent) {
  return std::holds_alternative<SetFilter>(intent) ||
         std::holds_alternative<SelectCustomer>(intent) ||
         std::holds_alternative<RefreshReports>(intent) ||
         std::holds_alternative<SearchProducts>(intent) ||
         std::holds_alternative<CheckDuplicates>(intent);
}

}  // namespace

const std::string& CustomerOf(const RecordDraft& draft) {
  return std::visit([](const auto& d) -> const std::string& { return d.customer_id; }, draft);
}

bool IntentQueue::Post(Intent intent) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) return false;
    if (LatestWins(intent)) {
      auto same_kind = std::find_if(pending_.begin(), pending_.end(), [&intent](const Intent& p) {
        return p.index() == intent.index();
      });
      if (same_kind != pending_.end()) {
        *same_kind = std::move(intent);
        ++accepted_;
        cv_.notify_one();
        return true;
      }
    }
    if (pending_.size() >= capacity_) return false;
    pending_.push_back(std::move(intent));
    ++accepted_;
  }
  cv_.notify_one();
  return true;
}

IntentQueue::Batch IntentQueue::TakeAll(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_until(lock, deadline, [this] { return closed_ || !pending_.empty(); });
  Batch out;
  out.accepted = accepted_;
  if (closed_) return out;
  out.intents.reserve(pending_.size());
  for (Intent& i : pending_) out.intents.push_back(std::move(i));
  pending_.clear();
  return out;
}

bool IntentQueue::closed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return closed_;
}

void IntentQueue::Close() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    pending_.clear();
  }
  cv_.notify_all();
}

uint64_t IntentQueue::accepted() const {
  std::lock_guard<std::mutex> lock(mu_);
  return accepted_;
}

}  // namespace fieldbook::app
