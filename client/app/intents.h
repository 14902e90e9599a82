// Intents: what the rep asked the app to do (search, select, log a visit, sync...), posted by the
// screens on the UI thread and carried out by the view model's worker. IntentQueue is the bounded
// queue between them.
//
// The queue never blocks the poster. "Latest wins" intents (the list filter, the selected
// customer) replace a pending one of the same kind, so typing fast cannot fill the queue; other
// intents are commands, queued in order, and Post returns false when the queue is full — the
// screen keeps its input and tells the rep to try again.
//
// Thread safety: IntentQueue is thread-safe (any number of posters, one consumer). Intent values
// are plain data.
#ifndef FIELDBOOK_CLIENT_APP_INTENTS_H_
#define FIELDBOOK_CLIENT_APP_INTENTS_H_

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

#include "data_source.h"

namespace fieldbook::app {

struct SetFilter {  // latest wins
  CustomerFilter filter;
};
struct SelectCustomer {  // latest wins; "" clears the selection
  std::string customer_id;
};
struct SubmitVisit {
  uint64_t request_id = 0;  // echoed in Snapshot::last_visit_result
  VisitDraft draft;
};
struct CompleteTask {
  std::string task_id;
};
struct SyncNow {};
struct RefreshReports {};   // latest wins; fetch the server's reports for this rep again
struct ClaimFromPool {      // record a claim of a pooled customer, sent at the next sync
  uint64_t request_id = 0;  // echoed in Snapshot::last_claim
  std::string customer_id;
};

struct ScheduleCareTask {  // a care task for a birthday in the plan's care list (issue #18)
  std::string customer_id;
  std::string contact_id;      // "" = the customer's own birthday
  Lang lang = Lang::kEnglish;  // the task's title and notes are written in the UI's language
};

// The rep's forms (issue #18, H6). Each command echoes its request_id in Snapshot::last_form.
struct SearchProducts {  // latest wins; the order form's search as you type
  std::string customer_id;
  std::string text;
};
struct SubmitOrder {
  uint64_t request_id = 0;
  OrderDraft draft;
};
struct VoidOrder {
  uint64_t request_id = 0;
  std::string order_id;
  std::string reason;
};

struct CheckDuplicates {  // latest wins; the customer form's duplicate warning as you type
  DuplicateCheck keys;
};
struct SubmitCustomer {  // a new customer is selected once saved
  uint64_t request_id = 0;
  CustomerDraft draft;
};

struct SubmitRecord {  // a contact, task, feedback or release to the pool
  uint64_t request_id = 0;
  RecordDraft draft;
};

struct DismissReview {  // the rep lets a review entry go (issue #19); echoed in last_form
  uint64_t request_id = 0;
  int64_t id = 0;  // the entry (client::ReviewEntry::id)
  std::string note;
};

using Intent =
    std::variant<SetFilter, SelectCustomer, SubmitVisit, CompleteTask, SyncNow, RefreshReports,
                 ClaimFromPool, ScheduleCareTask, SearchProducts, SubmitOrder, VoidOrder,
                 CheckDuplicates, SubmitCustomer, SubmitRecord, DismissReview>;

// What a screen posts to. False: not accepted (the queue is full); nothing was posted.
class Intents {
 public:
  virtual ~Intents() = default;
  virtual bool Post(Intent intent) = 0;
};

class IntentQueue final : public Intents {
 public:
  explicit IntentQueue(size_t capacity = 64) : capacity_(capacity) {}

  bool Post(Intent intent) override;

  struct Batch {
    std::vector<Intent> intents;
    uint64_t accepted = 0;  // accepted() when the batch was taken: carrying it out settles these
  };
  // Waits until intents are pending, Close() was called or `deadline` passed, then takes every
  // pending intent in order. No intents on timeout or after Close().
  Batch TakeAll(std::chrono::steady_clock::time_point deadline);

  bool closed() const;

  // Wakes the consumer for good; later posts are refused.
  void Close();

  // How many intents were accepted so far (coalesced ones count).
  uint64_t accepted() const;
  size_t capacity() const { return capacity_; }

 private:
  const size_t capacity_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Intent> pending_;
  uint64_t accepted_ = 0;
  bool closed_ = false;
};

}  // namespace fieldbook::app

#endif  // FIELDBOOK_CLIENT_APP_INTENTS_H_
