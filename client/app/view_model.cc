#include "view_model.h"

#include <set>
#include <string_view>
#include <utility>

#include "fieldbook/dates.h"
#include "utf8.h"

namespace fieldbook::app {

namespace {

// Adds every non-ASCII code point of a UTF-8 string.
void AddGlyphs(std::string_view s, std::set<uint32_t>& out) {
  ForEachCodePoint(s, [&out](uint32_t cp) {
    if (cp >= 0x80) out.insert(cp);
  });
}

// A reason's stored words and its values (names, titles: the template's glyphs are in AllText).
void AddGlyphs(const GradeReason& r, std::set<uint32_t>& out) {
  AddGlyphs(r.detail, out);
  for (const auto& [name, value] : r.values) AddGlyphs(value, out);
}

// A phrase's values and a Status's message and values (the templates' glyphs are in AllText).
void AddGlyphs(const Phrase& p, std::set<uint32_t>& out) {
  for (const auto& [name, value] : p.values) AddGlyphs(value, out);
}

void AddGlyphs(const Status& s, std::set<uint32_t>& out) {
  AddGlyphs(s.message(), out);
  if (const Phrase* p = s.phrase()) AddGlyphs(*p, out);
}

void AddGlyphs(const CustomerDetail& d, std::set<uint32_t>& out) {
  for (const std::string* s :
       {&d.name, &d.name_latin, &d.address, &d.city, &d.province, &d.primary_contact, &d.tags,
        &d.notes, &d.owner_name, &d.territory_name, &d.lifecycle, &d.ticket_class}) {
    AddGlyphs(*s, out);
  }
  for (const GradeReason& r : d.grade_reasons) AddGlyphs(r, out);
  for (const ContactRow& c : d.contacts) {
    AddGlyphs(c.name, out);
    AddGlyphs(c.title, out);
    AddGlyphs(c.wechat, out);
  }
  for (const VisitRow& v : d.visits) {
    AddGlyphs(v.notes, out);
    AddGlyphs(v.purpose, out);
    AddGlyphs(v.outcome, out);
  }
  for (const OrderRow& o : d.orders) {
    AddGlyphs(o.notes, out);
    AddGlyphs(o.void_reason, out);
    for (const OrderLineRow& l : o.lines) AddGlyphs(l.description, out);
  }
  for (const TaskRow& t : d.tasks) {
    AddGlyphs(t.title, out);
    AddGlyphs(t.notes, out);
  }
  for (const FeedbackRow& f : d.feedback) AddGlyphs(f.complaint, out);
  for (const PreferenceRow& p : d.preferences) {
    AddGlyphs(p.value, out);
    AddGlyphs(p.note, out);
  }
}

void AddGlyphs(const CustomerList& list, std::set<uint32_t>& out) {
  for (const CustomerRow& r : list.rows) {
    AddGlyphs(r.name, out);
    AddGlyphs(r.city, out);
  }
}

void AddGlyphs(const Plan& plan, std::set<uint32_t>& out) {
  for (const PlanItem& item : plan.items) {
    AddGlyphs(item.customer_name, out);
    AddGlyphs(item.reason, out);
  }
  for (const ReclaimWarningRow& w : plan.reclaim_warnings) AddGlyphs(w.name, out);
  for (const OpenVisitRow& v : plan.in_progress) AddGlyphs(v.customer_name, out);
  for (const CareRow& c : plan.care) AddGlyphs(c.reason, out);
}

void AddGlyphs(const Reports& r, std::set<uint32_t>& out) {
  for (const AtRiskRow& a : r.at_risk) {
    AddGlyphs(a.name, out);
    AddGlyphs(a.reasons, out);
    for (const GradeReason& r : a.why) AddGlyphs(r, out);
  }
  if (r.portfolio) AddGlyphs(r.portfolio->rep_name, out);
  AddGlyphs(r.server_error, out);
}

void AddGlyphs(const PoolView& p, std::set<uint32_t>& out) {
  for (const PoolRow& r : p.rows) {
    for (const std::string* s : {&r.name, &r.city, &r.reason, &r.refusal}) AddGlyphs(*s, out);
  }
  for (const PoolRequestRow& r : p.requests) {
    AddGlyphs(r.customer_name, out);
    AddGlyphs(r.reason, out);
  }
  AddGlyphs(p.error, out);
}

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

// Which parts of the snapshot an intent made stale.
struct Dirty {
  bool list = false;
  bool customer = false;
  bool plan = false;
  bool sync_state = false;
  bool reports = false;
  bool pool = false;

  void All() { list = customer = plan = sync_state = reports = pool = true; }
  bool Any() const { return list || customer || plan || sync_state || reports || pool; }
};

}  // namespace

Snapshot Snapshot::Empty() {
  Snapshot s;
  s.customers = std::make_shared<const CustomerList>();
  s.customer = std::make_shared<const CustomerDetail>();
  s.plan = std::make_shared<const Plan>();
  s.reports = std::make_shared<const Reports>();
  s.pool = std::make_shared<const PoolView>();
  s.review = std::make_shared<const std::vector<client::ReviewEntry>>();
  s.glyphs = std::make_shared<const std::vector<uint32_t>>();
  s.products = std::make_shared<const ProductSearch>();
  s.duplicates = std::make_shared<const DuplicateCheck>();
  return s;
}

// The worker's state: the data source, the snapshot being built and the glyphs seen so far.
// Lives on the worker thread only.
class ViewModel::Worker {
 public:
  Worker(ViewModel& vm, DataSourceFactory open, WallClock& clock,
         std::chrono::milliseconds refresh_every)
      : vm_(vm),
        open_(std::move(open)),
        clock_(clock),
        refresh_every_(refresh_every),
        state_(Snapshot::Empty()) {}

  void Run();

 private:
  void Handle(const Intent& intent, Dirty& dirty);
  void RunSync(Dirty& dirty);
  void Reload(const Dirty& dirty);
  // Records the failure of `what` (a UI string: "cannot list customers") for the status bar.
  void Fail(const Status& status, const char* Strings::*what);
  // Keeps what was loaded as the snapshot's `part` (adding its glyphs), or fails with `what`.
  template <class T>
  void Keep(Result<T> loaded, std::shared_ptr<const T>& part, const char* Strings::*what) {
    if (!loaded.ok()) return Fail(loaded.status(), what);
    AddGlyphs(*loaded, glyphs_);
    part = std::make_shared<const T>(std::move(loaded).value());
  }
  void Publish();
  // The rep's forms (issue #18, H6): records a form command's outcome; true when it was saved.
  bool Settle(uint64_t request_id, const Result<std::string>& saved);
  void AfterFact(const std::string& customer_id, Dirty& dirty);

  ViewModel& vm_;
  DataSourceFactory open_;
  WallClock& clock_;
  std::chrono::milliseconds refresh_every_;
  std::unique_ptr<DataSource> ds_;
  Snapshot state_;
  std::set<uint32_t> glyphs_;
  size_t published_glyphs_ = 0;
  uint64_t data_version_ = 0;  // DataSource::DataVersion at the last full load
  bool failed_ = false;        // a failure happened while carrying out the current batch
  bool index_backlog_ = true;  // the search index may have queued documents (an upgrade)
};

void ViewModel::Worker::Run() {
  auto opened = open_();
  open_ = nullptr;
  if (!opened.ok()) {
    Fail(opened.status(), &Strings::fail_open);
    Publish();
    // Stay responsive: settle intents (nothing can be done) until the view model closes.
    while (!vm_.queue_.closed()) {
      IntentQueue::Batch batch =
          vm_.queue_.TakeAll(std::chrono::steady_clock::now() + std::chrono::hours(1));
      if (vm_.queue_.closed()) break;
      state_.intents_done = batch.accepted;
      Publish();
    }
    return;
  }
  ds_ = std::move(opened).value();
  if (auto version = ds_->DataVersion(); version.ok()) data_version_ = *version;

  state_.today = LocalDate(static_cast<int64_t>(clock_.NowMs()));
  Dirty all;
  all.All();
  Reload(all);
  state_.ready = true;
  Publish();

  auto next_refresh = std::chrono::steady_clock::now() + refresh_every_;
  while (true) {
    // While the search index has a backlog (a replica upgraded to a new index), the worker
    // indexes one bounded batch whenever no intent waits, so the rep's actions go first.
    IntentQueue::Batch batch =
        vm_.queue_.TakeAll(index_backlog_ ? std::chrono::steady_clock::now() : next_refresh);
    if (vm_.queue_.closed()) break;
    failed_ = false;
    Dirty dirty;
    for (const Intent& intent : batch.intents) Handle(intent, dirty);
    if (index_backlog_ && batch.intents.empty()) {
      auto left = ds_->IndexSearchBatch();
      index_backlog_ = left.ok() && *left > 0;
      if (!index_backlog_ && !state_.filter.text.empty()) dirty.list = true;  // complete now
    }

    const std::string today = LocalDate(static_cast<int64_t>(clock_.NowMs()));
    if (today != state_.today) {
      state_.today = today;
      dirty.All();
    }
    if (std::chrono::steady_clock::now() >= next_refresh) {
      // Another program (fieldbook-cli sync, say) may have written the replica meanwhile.
      auto version = ds_->DataVersion();
      if (version.ok() && *version != data_version_) {
        data_version_ = *version;
        dirty.All();
      }
      dirty.sync_state = true;
      next_refresh = std::chrono::steady_clock::now() + refresh_every_;
    }
    Reload(dirty);
    if (!failed_ && !batch.intents.empty()) {
      state_.error.clear();
      state_.error_what = nullptr;
      state_.error_cause = Status::Ok();
    }
    const bool settled = state_.intents_done != batch.accepted;
    state_.intents_done = batch.accepted;
    if (dirty.Any() || settled) Publish();
  }
  ds_.reset();  // close the replica on the thread that used it
}

void ViewModel::Worker::Handle(const Intent& intent, Dirty& dirty) {
  std::visit(Overloaded{
                 [this, &dirty](const SetFilter& i) {
                   if (i.filter == state_.filter) return;
                   state_.filter = i.filter;
                   dirty.list = true;
                 },
                 [this, &dirty](const SelectCustomer& i) {
                   state_.selected_id = i.customer_id;
                   dirty.customer = true;
                 },
                 [this, &dirty](const SubmitVisit& i) {
                   auto id = ds_->LogVisit(i.draft);
                   state_.last_visit.request_id = i.request_id;
                   state_.last_visit.ok = id.ok();
                   state_.last_visit.error = id.status();
                   state_.last_visit.visit_id = id.ok() ? *id : "";
                   if (!id.ok()) return;
                   dirty.list = dirty.plan = dirty.sync_state = dirty.reports = true;
                   if (i.draft.customer_id == state_.selected_id) dirty.customer = true;
                 },
                 [this, &dirty](const CompleteTask& i) {
                   Status s = ds_->CompleteTask(i.task_id);
                   if (!s.ok()) return Fail(s, &Strings::fail_complete_task);
                   dirty.list = dirty.customer = dirty.plan = dirty.sync_state = true;
                 },
                 [this, &dirty](const SyncNow&) { RunSync(dirty); },
                 [this, &dirty](const ClaimFromPool& i) {
                   Status s = ds_->ClaimFromPool(i.customer_id);
                   state_.last_claim = ClaimResult{i.request_id, s.ok(), i.customer_id, s};
                   dirty.pool = true;
                 },
                 [this, &dirty](const RefreshReports&) {
                   // A failure is shown in the reports view (server_error), not as an app error.
                   (void)ds_->RefreshServerReports(state_.today);
                   dirty.reports = true;
                 },
                 [this, &dirty](const ScheduleCareTask& i) {
                   auto id = ds_->ScheduleCareTask(i.customer_id, i.contact_id, i.lang);
                   if (!id.ok()) return Fail(id.status(), &Strings::fail_schedule_care);
                   dirty.plan = dirty.sync_state = true;
                   if (i.customer_id == state_.selected_id) dirty.customer = true;
                 },
                 [this](const SearchProducts& i) {
                   auto found = ds_->SearchProducts(i.customer_id, i.text);
                   ProductSearch answer{i.customer_id, i.text, {}, false};
                   if (found.ok()) answer = std::move(found).value();
                   for (const ProductHit& h : answer.hits) {
                     for (const std::string* t : {&h.name, &h.brand, &h.unit})
                       AddGlyphs(*t, glyphs_);
                   }
                   state_.products = std::make_shared<const ProductSearch>(std::move(answer));
                   // Publishing happens: the intent settles.
                 },
                 [this, &dirty](const SubmitOrder& i) {
                   if (Settle(i.request_id, ds_->SaveOrder(i.draft))) {
                     AfterFact(i.draft.customer_id, dirty);
                   }
                 },
                 [this](const CheckDuplicates& i) {
                   auto found = ds_->FindDuplicates(i.keys);
                   DuplicateCheck answer = found.ok() ? std::move(found).value() : i.keys;
                   for (const DuplicateRow& r : answer.rows) {
                     for (const std::string* t : {&r.name, &r.city}) AddGlyphs(*t, glyphs_);
                   }
                   state_.duplicates = std::make_shared<const DuplicateCheck>(std::move(answer));
                 },
                 [this, &dirty](const SubmitCustomer& i) {
                   if (!Settle(i.request_id, ds_->SaveCustomer(i.draft))) return;
                   if (i.draft.id.empty()) state_.selected_id = state_.last_form.id;
                   dirty.list = dirty.customer = dirty.plan = dirty.sync_state = true;
                 },
                 [this, &dirty](const SubmitRecord& i) {
                   if (Settle(i.request_id, ds_->SaveRecord(i.draft))) {
                     AfterFact(CustomerOf(i.draft), dirty);
                   }
                 },
                 [this, &dirty](const VoidOrder& i) {
                   if (Settle(i.request_id, ds_->VoidOrder(i.order_id, i.reason))) {
                     AfterFact(state_.selected_id, dirty);
                   }
                 },
                 [this, &dirty](const DismissReview& i) {
                   if (Settle(i.request_id, ds_->DismissReview(i.id, i.note))) {
                     dirty.sync_state = true;
                   }
                 },
             },
             intent);
}

void ViewModel::Worker::RunSync(Dirty& dirty) {
  // Show what is done so far and that a sync is running; it may take a while.
  Reload(dirty);
  dirty = Dirty{};
  state_.status.syncing = true;
  Publish();

  auto result = ds_->Sync();
  state_.status.syncing = false;
  if (result.ok()) {
    state_.status.connectivity = Connectivity::kOnline;
    state_.status.synced = true;
    state_.status.last_summary = *result;
    state_.status.sync_failed = false;
    state_.status.sync_message.clear();
    state_.status.sync_phrase.reset();
  } else {
    const StatusCode code = result.status().code();
    // The server answered (a refused token, a bad request): we are online, the sync failed.
    state_.status.connectivity = code == StatusCode::kUnavailable       ? Connectivity::kOffline
                                 : code == StatusCode::kInvalidArgument ? state_.status.connectivity
                                                                        : Connectivity::kOnline;
    state_.status.synced = false;
    state_.status.sync_failed = true;
    state_.status.sync_message = result.status().message();
    state_.status.sync_phrase.reset();
    if (const Phrase* p = result.status().phrase()) state_.status.sync_phrase = *p;
  }
  dirty.All();
}

void ViewModel::Worker::Reload(const Dirty& dirty) {
  const std::string& today = state_.today;
  if (dirty.list) {
    Keep(ds_->ListCustomers(state_.filter, today), state_.customers, &Strings::fail_list);
  }
  if (dirty.customer) {
    if (state_.selected_id.empty()) {
      state_.customer = std::make_shared<const CustomerDetail>();
    } else {
      auto detail = ds_->LoadCustomer(state_.selected_id, today);
      if (detail.ok()) {
        AddGlyphs(*detail, glyphs_);
        state_.customer = std::make_shared<const CustomerDetail>(std::move(detail).value());
      } else {
        state_.customer = std::make_shared<const CustomerDetail>();
        if (detail.status().code() != StatusCode::kNotFound) {
          Fail(detail.status(), &Strings::fail_load_customer);
        }
      }
    }
  }
  if (dirty.plan) Keep(ds_->LoadPlan(today), state_.plan, &Strings::fail_plan);
  if (dirty.pool) Keep(ds_->LoadPool(), state_.pool, &Strings::fail_pool);
  if (dirty.reports) Keep(ds_->LoadReports(today), state_.reports, &Strings::fail_reports);
  if (dirty.sync_state) {
    auto sync = ds_->LoadSyncState();
    if (sync.ok()) {
      state_.status.pending_changes = sync->pending_changes;
      state_.status.last_sync = sync->last_sync;
      state_.status.server_configured = sync->server_configured;
      for (const client::ReviewEntry& r : sync->review) {
        AddGlyphs(r.customer_name, glyphs_);
        for (const std::string& reason : r.reasons) AddGlyphs(reason, glyphs_);
        for (const client::ReviewChange& c : r.changes) {
          AddGlyphs(c.refused, glyphs_);
          if (c.before) AddGlyphs(*c.before, glyphs_);
        }
      }
      state_.review =
          std::make_shared<const std::vector<client::ReviewEntry>>(std::move(sync->review));
    } else {
      Fail(sync.status(), &Strings::fail_sync_state);
    }
  }
  AddGlyphs(state_.error, glyphs_);
  AddGlyphs(state_.error_cause, glyphs_);
  AddGlyphs(state_.status.sync_message, glyphs_);
  if (state_.status.sync_phrase) AddGlyphs(*state_.status.sync_phrase, glyphs_);
  AddGlyphs(state_.last_visit.error, glyphs_);
  AddGlyphs(state_.last_claim.error, glyphs_);
  AddGlyphs(state_.last_form.error, glyphs_);
  if (glyphs_.size() != published_glyphs_) {
    state_.glyphs = std::make_shared<const std::vector<uint32_t>>(glyphs_.begin(), glyphs_.end());
    published_glyphs_ = glyphs_.size();
  }
}

bool ViewModel::Worker::Settle(uint64_t request_id, const Result<std::string>& saved) {
  FormResult& r = state_.last_form;
  r.request_id = request_id;
  r.ok = saved.ok();
  r.needs_confirmation = !saved.ok() && saved.status().code() == StatusCode::kRejected;
  r.error = saved.status();
  r.id = saved.ok() ? *saved : "";
  return saved.ok();
}

void ViewModel::Worker::AfterFact(const std::string& customer_id, Dirty& dirty) {
  dirty.list = dirty.plan = dirty.sync_state = dirty.reports = dirty.pool = true;
  if (customer_id.empty() || customer_id == state_.selected_id) dirty.customer = true;
}

void ViewModel::Worker::Fail(const Status& status, const char* Strings::*what) {
  failed_ = true;
  state_.error = std::string(StringsFor(Lang::kEnglish).*what) + ": " + status.message();
  state_.error_what = what;
  state_.error_cause = status;
}

void ViewModel::Worker::Publish() {
  ++state_.version;
  vm_.Publish(std::make_shared<const Snapshot>(state_));
}

ViewModel::ViewModel(DataSourceFactory open, WallClock& clock, ViewModelOptions options)
    : queue_(options.queue_capacity),
      current_(std::make_shared<const Snapshot>(Snapshot::Empty())),
      worker_(std::make_unique<Worker>(*this, std::move(open), clock, options.refresh_every)) {
  thread_ = std::thread(&Worker::Run, worker_.get());
}

ViewModel::~ViewModel() {
  queue_.Close();
  thread_.join();
}

std::shared_ptr<const Snapshot> ViewModel::snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return current_;
}

bool ViewModel::WaitIdle(std::chrono::milliseconds timeout) {
  const uint64_t target = queue_.accepted();
  std::unique_lock<std::mutex> lock(mu_);
  return published_.wait_for(lock, timeout, [this, target] {
    return (current_->ready || !current_->error.empty()) && current_->intents_done >= target;
  });
}

void ViewModel::Publish(std::shared_ptr<const Snapshot> next) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    current_ = std::move(next);
  }
  published_.notify_all();
}

}  // namespace fieldbook::app
