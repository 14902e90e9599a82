// DataSource: everything the desktop app reads from and writes to the rep's replica, in the shape
// the screens show it, plus one sync with the server. The view model's worker thread is its only
// user; the screens never see it. StoreDataSource (store_data_source.h) implements it over
// ClientStore; tests may implement it over anything.
//
// The plain structs below are value types (copied into immutable snapshots).
//
// Thread safety: a DataSource is not thread-safe. It is created, used and destroyed on one thread
// (the view model's worker), which is why the view model takes a factory rather than an instance.
#ifndef FIELDBOOK_CLIENT_APP_DATA_SOURCE_H_
#define FIELDBOOK_CLIENT_APP_DATA_SOURCE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "fieldbook/grading.h"
#include "fieldbook/lang_text.h"
#include "fieldbook/replica.h"
#include "fieldbook/status.h"
#include "store/facts.h"
#include "store/review.h"
#include "store/server_reports.h"
#include "store/tasks.h"

namespace fieldbook::app {

// What the customer list shows: a free-text search and exact-match filters ("" = any).
struct CustomerFilter {
  std::string text;    // over name, pinyin, city, phone, contacts and visit notes
  std::string tier;    // grade_tier: "A".."D"
  std::string stage;   // purchase_stage
  std::string type;    // customer_type
  std::string region;  // region_class
  bool overdue_only = false;
  // A structured preference (issue #18): kind (brand, payment_terms, delivery, other) and value;
  // it filters when both are given.
  std::string pref_kind;
  std::string pref_value;

  friend bool operator==(const CustomerFilter&, const CustomerFilter&) = default;
};

// One row of the customer list. Kept small: the list may hold 50,000 of them.
struct CustomerRow {
  std::string id;
  std::string name;
  std::string city;
  std::string phone;
  std::string tier;        // the grade shown ("" until graded): provisional while one is pending
  std::string stage;       // purchase_stage code
  std::string type;        // customer_type code
  std::string last_visit;  // YYYY-MM-DD or ""
  bool overdue = false;    // a follow-up or an open task is past due
  bool tier_provisional = false;  // the tier is the device's provisional grade (issue #19)
};

struct CustomerList {
  std::vector<CustomerRow> rows;  // overdue first, then by name; search results by rank
  bool truncated = false;         // more customers match than the list holds
};

struct ContactRow {
  std::string id;
  std::string name;
  std::string title;
  std::string phone;
  std::string wechat;
  bool primary = false;
  std::string email;
  std::string birthday;  // YYYY-MM-DD or ""
  std::string notes;
};

struct VisitRow {
  std::string id;
  std::string check_in;  // ISO-8601
  std::string check_out;
  std::string purpose;  // code
  std::string outcome;  // code
  std::string notes;
  std::string next_follow_up;  // YYYY-MM-DD
};

// An order's line as the store records it.
using OrderLineRow = client::NewOrderLine;

// One order of the customer's ledger (client/store/orders.h): voids and voided orders stay listed,
// marked.
struct OrderRow {
  std::string id;
  std::string date;
  int64_t amount_cents = 0;
  std::string currency;
  std::string notes;
  int line_count = 0;
  std::vector<OrderLineRow> lines;
  bool is_void = false;     // a void of voids_id (no amount)
  std::string voids_id;     // a void's or a correction's original
  std::string voided_by;    // the void or correction that cancels this order ("": it counts)
  bool corrected = false;   // voided_by is a correction
  std::string void_reason;  // the void's reason, when voided_by is a plain void
  bool counts() const { return !is_void && voided_by.empty(); }
};

struct TaskRow {
  std::string id;
  std::string due_date;
  std::string kind;    // call, visit, care, birthday
  std::string status;  // open, done, cancelled
  std::string title;
  std::string notes;
  bool overdue = false;
};

struct FeedbackRow {
  std::string id;
  std::string created_at;
  int satisfaction = 0;  // 1..5, 0 = not given
  std::string complaint;
};

// One structured preference in the customer's archive (issue #18; client/store/preferences.h).
struct PreferenceRow {
  std::string id;
  std::string kind;  // brand, payment_terms, delivery, other
  std::string value;
  std::string note;
};

// The customer page: profile, grade (with the grading engine's reasons) and history.
struct CustomerDetail {
  std::string id;
  std::string name;
  std::string name_latin;
  std::string type;
  std::string relationship;
  std::string stage;
  std::string region;
  std::string address;
  std::string city;
  std::string province;
  std::string phone;
  std::string primary_contact;
  std::string tags;
  std::string notes;
  std::string owner_name;
  std::string territory_name;
  std::optional<double> lat;
  std::optional<double> lon;
  // Grade (issue #6). graded_at is "" until the grading engine has run.
  std::string tier;
  std::string graded_at;
  std::string lifecycle;
  std::string ticket_class;
  std::optional<int64_t> recency;
  std::optional<int64_t> frequency;
  std::optional<int64_t> monetary;
  std::optional<double> churn_risk;
  // One per rule, as values (code and values, or an old row's words): ReasonLine() renders them.
  std::vector<GradeReason> grade_reasons;
  // The grade above is provisional: computed on this device from what the rep recorded since the
  // server's grade (graded_at is then the server grade it was based on, "" if none), until the
  // server's next grade arrives. server_tier is the server's tier meanwhile.
  bool grade_provisional = false;
  std::string grade_computed_at;  // ISO-8601, provisional grades
  std::string server_tier;

  std::vector<ContactRow> contacts;
  std::vector<VisitRow> visits;  // newest first
  std::vector<OrderRow> orders;  // newest first
  std::vector<TaskRow> tasks;    // open first, by due date
  std::vector<FeedbackRow> feedback;
  std::vector<PreferenceRow> preferences;  // by kind, then value
};

// One line of today's plan.
struct PlanItem {
  enum class Kind { kOverdue, kDue, kSuggested };
  Kind kind = Kind::kDue;
  std::string customer_id;
  std::string customer_name;
  std::string due_date;  // follow-ups; "" for suggestions
  int64_t days_overdue = 0;
  std::string tier;         // "" when not graded
  std::string reason;       // what is due, or why the visit is suggested (English)
  std::vector<Phrase> why;  // the same as values, rendered in the UI's language
  std::string task_id;      // set when the line is an open task (it can be marked done)
};

// One of the rep's customers due to return to the public pool (公海) soon, computed on the device
// (client::ClientStore::ReclaimWarnings): a visit or an order logged here clears it at once.
struct ReclaimWarningRow {
  std::string customer_id;
  std::string name;
  std::string tier;
  std::string last_activity;  // YYYY-MM-DD; "" = no visit or order on record
  std::string deadline;       // YYYY-MM-DD: the last safe day
  int64_t days_until = 0;     // until it returns to the pool; <= 0: due now
};

// A visit checked in and not yet checked out (issue #18; client/store/visits.h).
struct OpenVisitRow {
  std::string id;  // the check-in's id
  std::string customer_id;
  std::string customer_name;
  std::string check_in;              // ISO-8601 UTC
  std::optional<double> distance_m;  // nullopt: a location is unknown
  std::string location_check;        // verified, unverified, "" (unknown)
};

// A birthday or care task of the days ahead (client/store/care.h).
struct CareRow {
  bool birthday = true;  // false: a care task
  std::string customer_id;
  std::string customer_name;
  std::string contact_id;  // a contact's birthday
  std::string task_id;     // a care task
  std::string date;        // YYYY-MM-DD
  int64_t days_until = 0;
  std::string reason;  // English
  Phrase why;          // the same as a value, rendered in the UI's language
};

struct Plan {
  std::string today;                                // YYYY-MM-DD
  std::vector<PlanItem> items;                      // overdue, then due today, then suggested
  std::vector<ReclaimWarningRow> reclaim_warnings;  // soonest first
  std::vector<OpenVisitRow> in_progress;            // the rep's visits checked in, oldest first
  std::vector<CareRow> care;                        // birthdays and care tasks, soonest first
  int64_t care_days = 0;                            // how many days ahead `care` looks
};

// Local sync bookkeeping: what waits to be pushed and what the hub refused.
struct LocalSyncState {
  int64_t pending_changes = 0;
  std::string last_sync;  // ISO-8601 of the last successful sync, "" if never
  bool server_configured = false;
  std::string server_url;
  std::vector<client::ReviewEntry> review;  // open review entries, one per record
};

// The log-visit form's content: the visit as the store logs it (client::NewVisit: customer,
// check-in and check-out times in UTC, location, purpose, outcome, notes, next follow-up). `mode`
// says what to do with it: log the whole visit at once, check in (customer and location only), or
// check out of the visit in progress `visit_id` (the location, when given, corrects the
// check-in's).
struct VisitDraft : client::NewVisit {
  enum class Mode { kLog, kCheckIn, kCheckOut };
  Mode mode = Mode::kLog;
  std::string visit_id;  // kCheckOut: the check-in ("" = the one in progress)
};

// The reports view (issue #6). Tiers and at-risk customers come from the replica (they work
// offline); the tier migration and the portfolio are the server's reports for this rep, as last
// fetched (server_as_of says when).
struct TierBar {
  std::string tier;  // "" = not graded
  int64_t customers = 0;
  int64_t provisional = 0;  // of which graded provisionally on this device
};

struct AtRiskRow {
  std::string customer_id;
  std::string name;
  std::string tier;
  std::string lifecycle;
  double churn_risk = 0;
  std::string reasons;           // English
  std::vector<GradeReason> why;  // the same as values, rendered in the UI's language
  bool provisional = false;
};

struct Reports {
  std::vector<TierBar> tiers;      // in the rules' order, not graded last
  std::vector<AtRiskRow> at_risk;  // riskiest first
  bool server_fetched = false;     // a copy of the server's reports is on the device
  std::string server_as_of;        // local "YYYY-MM-DD HH:MM" of that copy
  std::optional<client::TierMigration> migration;  // nullopt: no grading run (or no copy) yet
  std::optional<client::RepPortfolio> portfolio;
  Status server_error;  // why the last fetch failed (ok when it did not)
};

// The public pool view (issue #7): the pool in the rep's regions as of the last sync, and the
// rep's claim and release requests with the server's answers.
struct PoolRow {
  std::string id;
  std::string name;
  std::string city;
  std::string region;
  std::string tier;
  std::string since;   // YYYY-MM-DD
  std::string reason;  // why it is in the pool
  bool claimable = true;
  std::string refusal;  // why the server would refuse a claim (as of the listing)
  bool claim_pending = false;
};

struct PoolRequestRow {
  std::string request_id;
  bool claim = true;  // false: a release
  std::string customer_id;
  std::string customer_name;
  std::string status;  // pending, granted, refused
  std::string reason;  // the server's answer
  std::string requested_at;
  std::string answered_at;
};

struct PoolView {
  bool fetched = false;  // the device has a copy of the pool
  std::string as_of;     // when the server made the listing, ISO-8601 UTC
  int64_t claims_today = 0, daily_claims = 0;
  int64_t holding = 0, holding_cap = 0;
  std::vector<std::string> regions;  // empty: every region
  std::vector<PoolRow> rows;
  std::vector<PoolRequestRow> requests;  // newest first
  int64_t waiting_requests = 0;          // claims and releases waiting for the next sync
  Status error;  // why the last sync could not exchange the pool (ok when it could)
};

// ---- The rep's forms (issue #18, H6) ----

// A product of the catalogue as the order form offers it, priced for one customer.
struct ProductHit {
  std::string part_number;
  std::string name;
  std::string brand;
  std::string unit;
  std::optional<int64_t> price_cents;  // the price list's for this customer; nullopt: no price
};

// The catalogue's answer to what the rep typed in the order form.
struct ProductSearch {
  std::string customer_id;
  std::string text;  // the query these hits answer
  std::vector<ProductHit> hits;
  bool catalogue = false;  // the device has a catalogue (else every line is free text)
};

// One line of the order form.
struct OrderLineDraft {
  std::string part_no;
  int64_t quantity = 1;
  std::optional<int64_t> unit_price_cents;  // nullopt: the price list's
  std::string price_reason;                 // why a given price differs from the list
  bool free_text = false;                   // not in the catalogue
};

// The order form's content: a new order, or the correction of `corrects`.
struct OrderDraft {
  std::string customer_id;
  std::string corrects;    // an order id: record a correction of it ("": a new order)
  std::string reason;      // why it is corrected
  std::string order_date;  // YYYY-MM-DD; "" = today (a correction: the original's)
  std::string notes;
  std::vector<OrderLineDraft> lines;
  bool confirm_outlier = false;  // the rep confirmed a total far outside the history
};

// The customer form's content: a new customer (id "") or the edit of one. `fields` names the
// columns to write (client::Customers::EditableFields) with their text; on an edit only the
// changed ones, "" clearing a field.
struct CustomerDraft {
  std::string id;
  std::vector<std::pair<std::string, std::string>> fields;
};

// What the rep is typing in the customer form, and the customers already on the device that it
// may duplicate (the same phone, or a similar name in the same city).
struct DuplicateRow {
  std::string id;
  std::string name;
  std::string city;
  std::string phone;
  bool same_phone = false;
  bool similar_name = false;
};
struct DuplicateCheck {
  std::string name;
  std::string city;
  std::string phone;
  std::string except_id;  // the customer being edited
  std::vector<DuplicateRow> rows;
  friend bool operator==(const DuplicateCheck& a, const DuplicateCheck& b) {
    return a.name == b.name && a.city == b.city && a.phone == b.phone && a.except_id == b.except_id;
  }
};

// The contact, task, feedback and release forms' content (issue #18), saved by SaveRecord.
struct ContactDraft {
  std::string customer_id;
  std::string id;  // "" = a new contact
  std::string name;
  std::string title;
  std::string phone;
  std::string wechat;
  std::string email;
  std::string birthday;  // YYYY-MM-DD or ""
  bool primary = false;
  std::string notes;
};
using TaskDraft = client::NewTask;  // as the store adds it
struct FeedbackDraft {
  std::string customer_id;
  int satisfaction = 0;  // 1..5, 0 = not given
  std::string complaint;
};
// A release of the customer to the public pool (公海), sent at the next sync.
struct ReleaseDraft {
  std::string customer_id;
  std::string reason;
};
// A preference of the customer's archive: added (id ""), edited (only what changed is written) or,
// with `remove`, removed.
struct PreferenceDraft {
  std::string customer_id;
  std::string id;  // "" = a new preference
  std::string kind = "brand";
  std::string value;
  std::string note;
  bool remove = false;
};
using RecordDraft =
    std::variant<ContactDraft, TaskDraft, FeedbackDraft, ReleaseDraft, PreferenceDraft>;
const std::string& CustomerOf(const RecordDraft& draft);

struct SyncSummary {
  size_t pushed = 0;
  size_t rejected = 0;
  size_t received = 0;
};

class DataSource {
 public:
  virtual ~DataSource() = default;

  virtual Result<CustomerList> ListCustomers(const CustomerFilter& filter,
                                             const std::string& today) = 0;
  // kNotFound when the customer is not (or no longer) on this device.
  virtual Result<CustomerDetail> LoadCustomer(const std::string& id, const std::string& today) = 0;
  virtual Result<Plan> LoadPlan(const std::string& today) = 0;
  virtual Result<LocalSyncState> LoadSyncState() = 0;

  // Records a visit (captured for the next push); returns its id. kInvalidArgument with a
  // sentence for the rep when the draft is not acceptable.
  virtual Result<std::string> LogVisit(const VisitDraft& draft) = 0;
  virtual Status CompleteTask(const std::string& task_id) = 0;
  // A care task for the next birthday of a customer or its contact ("" = the customer's own),
  // its title and notes in `lang`; returns its id. The default suits data sources without care.
  virtual Result<std::string> ScheduleCareTask(const std::string& customer_id,
                                               const std::string& contact_id, Lang lang) {
    (void)customer_id;
    (void)contact_id;
    (void)lang;
    return Status::Rejected("this device has no care reminders");
  }

  // Changes whenever another connection (another program) commits to the replica, so the app
  // can reload what it shows. Its own writes do not change it.
  virtual Result<uint64_t> DataVersion() = 0;

  // One full sync with the server. kUnavailable when it cannot be reached (the device is
  // offline), kInvalidArgument when no server is configured.
  virtual Result<SyncSummary> Sync() = 0;

  // The reports view. The defaults (no reports) suit data sources without them.
  virtual Result<Reports> LoadReports(const std::string& today) {
    (void)today;
    return Reports{};
  }
  // Fetches the server's reports for this rep and keeps them on the device; a failure leaves the
  // last copy in place (LoadReports then says why in server_error).
  virtual Status RefreshServerReports(const std::string& today) {
    (void)today;
    return Status::Ok();
  }

  // Indexes one bounded batch of the search index's queued documents (after an upgrade the
  // whole replica is queued); returns how many are still queued. The view model calls it while
  // no intent waits. The default (nothing queued) suits data sources without a queue.
  virtual Result<int64_t> IndexSearchBatch() { return int64_t{0}; }

  // The public pool view. The defaults (no pool) suit data sources without one.
  virtual Result<PoolView> LoadPool() { return PoolView{}; }
  // Records a claim of a pooled customer, sent at the next sync; a Status with a sentence for
  // the rep when it cannot be recorded (not in the pool, already claimed).
  virtual Status ClaimFromPool(const std::string& customer_id) {
    (void)customer_id;
    return Status::Rejected("this device has no public pool");
  }

  // ---- The rep's forms (issue #18, H6): orders from the catalogue, voids and corrections ----
  // The defaults refuse: data sources without forms.

  // Products of the catalogue matching `text` (part number, name or brand), priced for the
  // customer.
  virtual Result<ProductSearch> SearchProducts(const std::string& customer_id,
                                               const std::string& text) {
    return ProductSearch{customer_id, text, {}, false};
  }
  // Records the order (or, with `corrects`, the correction); returns its id. kRejected with the
  // reason when the total is far outside the customer's history and not confirmed.
  virtual Result<std::string> SaveOrder(const OrderDraft& draft) {
    (void)draft;
    return Status::Rejected("this device cannot record orders");
  }
  // Voids an order (it stays listed as voided); returns the void's id.
  virtual Result<std::string> VoidOrder(const std::string& order_id, const std::string& reason) {
    (void)order_id;
    (void)reason;
    return Status::Rejected("this device cannot void orders");
  }
  // The customers on the device that `keys` (name, city, phone, except_id) may duplicate.
  virtual Result<DuplicateCheck> FindDuplicates(const DuplicateCheck& keys) { return keys; }
  // Saves a contact (new or edited), a task, a feedback, a release request or a preference (new,
  // edited or removed); returns its id.
  virtual Result<std::string> SaveRecord(const RecordDraft& draft) {
    (void)draft;
    return Status::Rejected("this device cannot record this");
  }
  // Adds (draft.id "") or edits a customer; returns its id.
  virtual Result<std::string> SaveCustomer(const CustomerDraft& draft) {
    (void)draft;
    return Status::Rejected("this device cannot edit customers");
  }
  // Dismisses the review entry `id` with the rep's `note` (client/store/review.h); returns the
  // dismissal's id, recorded for the manager.
  virtual Result<std::string> DismissReview(int64_t id, const std::string& note) {
    (void)id;
    (void)note;
    return Status::Rejected("this device cannot dismiss review entries");
  }
};

// Opens a DataSource; called once, on the worker thread.
using DataSourceFactory = std::function<Result<std::unique_ptr<DataSource>>()>;

}  // namespace fieldbook::app

#endif  // FIELDBOOK_CLIENT_APP_DATA_SOURCE_H_
