// ClientStore: the rep's data on their device — the only place with the client's SQL. It owns
// the Replica (sync core) and offers typed operations that all work offline: settings, customers
// (add, edit, show, list, full-text search), visits, orders, tasks, feedback, the sync status and
// the day's plan. Every write is an ordinary SQL write on the replica, so capture records it for
// the next sync; every statement is prepared with bound values.
//
// Validation errors are Status::InvalidArgument with a sentence a rep understands
// ("satisfaction must be 1 to 5"); a customer, task or other row that is not on this device is
// kNotFound.
//
// Dates are YYYY-MM-DD (the rep's local calendar); timestamps are ISO-8601 UTC
// ("2026-11-23T09:15:00Z"). Money is integer cents (fen).
//
// Thread safety: not thread-safe (like the Replica it owns); use it from one thread.
#ifndef FIELDBOOK_CLIENT_CLIENT_STORE_H_
#define FIELDBOOK_CLIENT_CLIENT_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fieldbook/grading.h"
#include "fieldbook/hlc.h"
#include "fieldbook/replica.h"
#include "fieldbook/status.h"

namespace fieldbook::client {

// Client-only settings (fb_settings). Empty strings mean "not set".
struct ClientSettings {
  std::string server_url;
  std::string device_token;
  std::string rep_id;
  std::string rep_name;
  // PEM file of a private CA for the server's certificate ("" = the system's trust store).
  std::string ca_file = {};
};

// One named field of a write: `value` is the new text, nullopt clears the field (NULL).
// Numbers (lat, lon) are given as text and checked.
struct FieldValue {
  std::string field;
  std::optional<std::string> value;
};

// A customer column a rep may write, with a one-line description (for --help).
struct EditableField {
  const char* name;
  const char* help;
};

struct Customer {
  std::string id;
  std::string name;
  std::string name_latin;
  std::string customer_type;
  std::string relationship;
  std::string purchase_stage;
  std::string region_class;
  std::string address;
  std::string city;
  std::string province;
  std::string country;
  std::optional<double> lat;
  std::optional<double> lon;
  std::string phone;
  std::string primary_contact;
  std::string birthday;
  std::string tags;
  std::string notes;
  std::string owner_rep_id;
  std::string territory_id;
  std::string created_at;
  std::string grade_tier;
  std::string grade_lifecycle;
  std::optional<double> grade_churn_risk;
  std::string graded_at;
  bool deleted = false;
  std::string last_visit;  // check-in of the latest visit, "" when never visited
};

struct Contact {
  std::string id;
  std::string customer_id;
  std::string name;
  std::string title;
  std::string phone;
  std::string wechat;
  std::string email;
  std::string birthday;
  bool is_primary = false;
  std::string notes;
};

struct Visit {
  std::string id;
  std::string customer_id;
  std::string rep_id;
  std::string check_in;
  std::string check_out;
  std::optional<double> lat;
  std::optional<double> lon;
  std::string purpose;
  std::string outcome;
  std::string notes;
  std::string next_follow_up;
  std::string voids_id;
};

struct OrderLine {
  std::string id;
  std::string part_no;
  std::string description;
  int64_t quantity = 0;
  int64_t unit_price_cents = 0;
};

struct Order {
  std::string id;
  std::string customer_id;
  std::string rep_id;
  std::string order_date;
  int64_t amount_cents = 0;
  std::string currency;
  std::string notes;
  std::string voids_id;
  std::vector<OrderLine> lines;
};

struct Task {
  std::string id;
  std::string customer_id;
  std::string customer_name;
  std::string rep_id;
  std::string due_date;
  std::string kind;
  std::string status;
  std::string title;
  std::string notes;
  std::string done_at;
};

struct Feedback {
  std::string id;
  std::string customer_id;
  std::string rep_id;
  std::string created_at;
  std::optional<int64_t> satisfaction;
  std::string complaint;
};

// ---- Grades (issue #6) -------------------------------------------------------------------------
// A customer's grade as the device knows it. The server's grade (customers.grade_*) is replicated
// and read-only here. When the rep records an order, a visit or feedback on the device, the
// customer is graded again on the device (the shared grading engine, the replicated rules) and
// that provisional grade is shown instead, marked provisional, until the server's next grade for
// the customer arrives (a pulled graded_at for a later day than the one the rep recorded on).
//
// A provisional grade changes only what the recorded facts change: each part (recency, frequency
// and monetary scores, tier, ticket class, lifecycle, churn risk, stage, relationship) is graded
// on the device with and without the facts recorded here, and only a part that differs takes the
// device's value; the rest stay the server's. So a quintile computed among the device's customers
// instead of everyone's, or days passing, never moves a grade by themselves. A customer the server
// never graded takes the device's grade whole.
struct CustomerGrade {
  bool provisional = false;
  std::string tier;                                     // "" = not graded
  std::optional<int64_t> recency, frequency, monetary;  // 1..5; 0 = no order in the window
  std::string ticket_class;                             // high / low / ""
  std::string lifecycle;                                // new, active, at_risk, churned, won_back
  std::optional<double> churn_risk;                     // 0..1
  std::optional<double> visits_per_30_days;             // provisional grades only
  std::string purchase_stage;                           // provisional grades: what the data decide
  std::string relationship;
  std::vector<GradeReason> reasons;  // the explanation, one rule each
  int64_t rules_version = 0;
  // Server grade: its date. Provisional: the server grade it was based on ("" = never graded).
  std::string graded_at;
  std::string computed_at;  // provisional: when it was computed (ISO-8601 UTC)
  int64_t local_facts = 0;  // provisional: orders, visits and feedback recorded here since
};

struct GradeView {
  CustomerGrade server;                      // tier "" when the server has not graded it yet
  std::optional<CustomerGrade> provisional;  // while one is pending
  // What to show: the provisional grade when there is one, else the server's.
  const CustomerGrade& shown() const { return provisional ? *provisional : server; }
};

// Reports over the replica (they work offline). Tiers count the grade shown (provisional first).
struct TierShare {
  std::string tier;  // "" = not graded
  int64_t customers = 0;
  int64_t provisional = 0;  // of which with a provisional grade
};

struct AtRiskEntry {
  std::string customer_id;
  std::string name;
  std::string tier;
  std::string lifecycle;  // at_risk or churned
  double churn_risk = 0;
  std::string reasons;  // the lifecycle and churn-risk explanations
  bool provisional = false;
};

// The server's reports for this rep (/v1/reports/...), as last fetched and kept on the device.
struct CachedServerReports {
  std::string json;  // as FetchServerReports returned it (rep_reports.h)
  int64_t fetched_ms = 0;
};

struct CustomerProfile {
  Customer customer;
  std::vector<Contact> contacts;
  std::vector<Visit> recent_visits;  // newest first
  std::vector<Order> recent_orders;  // newest first, with their lines
  std::vector<Task> open_tasks;      // earliest due first
  std::vector<Feedback> feedback;    // newest first
  int64_t visit_count = 0;
  int64_t order_count = 0;
  GradeView grade;  // the server's grade and a pending provisional one
};

struct CustomerFilter {
  std::optional<std::string> stage;         // purchase_stage
  std::optional<std::string> type;          // customer_type
  std::optional<std::string> region_class;  // local, domestic, international
  std::optional<std::string> tier;          // grade_tier A-D
  bool overdue = false;                     // only customers with a follow-up due before `today`
  std::string today;                        // YYYY-MM-DD; required with overdue
  size_t limit = 0;                         // 0 = no limit
};

struct SearchHit {
  Customer customer;
  std::string matched;  // where the best match was: "customer", "contact" or "visit"
};

struct NewVisit {
  std::string customer_id;  // id or unique id prefix
  std::string check_in;     // ISO-8601; "" = now
  std::string check_out;    // ISO-8601 or ""
  std::optional<double> lat;
  std::optional<double> lon;
  std::string purpose;
  std::string outcome;
  std::string notes;
  std::string next_follow_up;  // YYYY-MM-DD or ""
};

struct NewOrderLine {
  std::string part_no;
  std::string description;
  int64_t quantity = 0;
  int64_t unit_price_cents = 0;
};

struct NewOrder {
  std::string customer_id;
  std::string order_date;  // YYYY-MM-DD; "" = today
  std::string currency = "CNY";
  std::string notes;
  std::vector<NewOrderLine> lines;
};

struct NewTask {
  std::string customer_id;
  std::string due_date;  // YYYY-MM-DD
  std::string kind = "visit";
  std::string title;
  std::string notes;
};

struct TaskFilter {
  bool include_closed = false;
  std::string customer_id;  // "" = every customer
  std::string due_by;       // YYYY-MM-DD; "" = any due date
};

struct NewFeedback {
  std::string customer_id;
  std::optional<int64_t> satisfaction;  // 1 to 5
  std::string complaint;
};

struct StoreStatus {
  std::string replica_id;
  std::string server_url;
  std::string rep_id;
  std::string rep_name;
  bool has_token = false;
  int64_t pending_writes = 0;
  std::optional<int64_t> last_sync_ms;
  std::optional<int64_t> clock_skew_ms;  // local wall clock minus the server's, last sync
  uint64_t cursor = 0;
  int64_t customers = 0;
  std::vector<ReviewItem> review;  // rows the server refused, with its reasons
  std::vector<std::string> deferred_evictions;
};

struct PlanItem {
  enum class Kind { kFollowUp, kSuggestedVisit };
  Kind kind = Kind::kSuggestedVisit;
  std::string customer_id;
  std::string customer_name;
  std::string task_id;   // follow-ups from a task
  std::string visit_id;  // follow-ups promised at a visit
  std::string due_date;  // follow-ups
  int64_t days_overdue = 0;
  std::string tier;  // grade_tier as stored ("" = not graded)
  std::optional<int64_t> days_since_visit;
  std::optional<double> churn_risk;
  std::string reason;
};

// ---- The public pool (公海, issue #7); implemented in client_store_pool.cc. ----------------
// The pool as the server last listed it for this device's rep (GET /v1/pool, kept on the device so
// it can be read offline), the rep's claim and release requests (recorded offline, sent at the
// next sync, answered by the server), and the reclaim warnings for the rep's own customers.
//
// Warnings are computed on the device, so work logged offline counts at once. A customer's clock
// counts from the latest of: its last visit or order on this device (by the activity's own date;
// dates after tomorrow do not count), its creation, the server's counting_from when the server
// listed its clock (which includes the day the customer came to the rep), and the day a claim of
// it was granted. Its deadline is that day plus its tier's reclaim days (0: never); it returns to
// the pool from the day after. A customer the server did not list had, when the listing was made,
// a deadline beyond server_day + warn_days + upcoming_days, so its deadline is at least the day
// after that. It is warned about when it returns within warn_days.
struct PoolPolicy {
  std::vector<std::pair<std::string, int64_t>> reclaim_days;  // per tier; 0 = never
  int64_t default_reclaim_days = 60;                          // tiers not listed, ungraded
  int64_t warn_days = 7;
  int64_t upcoming_days = 14;
  int64_t max_wait_days = 14;
  int64_t daily_claims = 0;
  int64_t claims_today = 0;
  int64_t holding_cap = 0;
  int64_t holding = 0;
  std::optional<int64_t> tier_a_cap;  // nullopt: no limit
  int64_t tier_a_holding = 0;
  std::vector<std::string> regions;  // empty: every region
  int64_t rules_version = 0;

  int64_t ReclaimDays(const std::string& tier) const;
};

struct PoolCustomer {
  std::string id;
  std::string name;
  std::string city;
  std::string region;
  std::string tier;
  std::string customer_type;
  std::string since;   // in the pool since, ISO-8601 UTC
  std::string kind;    // reclaim or release
  std::string reason;  // why it is in the pool
  bool claimable = true;
  std::string refusal;         // why the server would have refused a claim at as_of
  bool claim_pending = false;  // filled in by CachedPool: a claim of it waits for the next sync
};

// The server's reclaim clock for one of the rep's customers.
struct ServerReclaimClock {
  std::string customer_id;
  std::string name;
  std::string tier;
  int64_t reclaim_days = 0;
  std::string counting_from;  // YYYY-MM-DD
  std::string last_activity;  // YYYY-MM-DD; "" = none on record
  std::string deadline;       // YYYY-MM-DD
  bool waiting_for_sync = false;
  std::string reason;
};

// GET /v1/pool's answer (pool_sync.h parses it).
struct PoolListing {
  std::string rep_id;
  std::string as_of;       // the server's time, ISO-8601 UTC
  std::string server_day;  // the server's day then, YYYY-MM-DD (UTC)
  PoolPolicy policy;
  std::vector<PoolCustomer> pool;
  bool truncated = false;                  // the server listed only part of the pool
  std::vector<ServerReclaimClock> clocks;  // its warnings and upcoming deadlines
  int64_t fetched_ms = 0;                  // device clock, set by SavePool
};

struct PoolRequest {
  enum class Kind { kClaim, kRelease };
  enum class State { kPending, kGranted, kRefused };
  std::string request_id;
  Kind kind = Kind::kClaim;
  std::string customer_id;
  std::string customer_name;
  std::string note;          // a release's reason, as the rep wrote it
  std::string requested_at;  // ISO-8601 UTC (device clock)
  int64_t requested_ms = 0;  // the same, in milliseconds
  State state = State::kPending;
  std::string reason;       // the server's answer
  std::string answered_at;  // ISO-8601 UTC (the server's decision)
};

struct PoolRequestCounts {
  int64_t pending = 0;
  std::vector<PoolRequest> recent_refusals;  // answered in the last 7 days, newest first
};

struct ReclaimWarning {
  std::string customer_id;
  std::string name;
  std::string tier;
  int64_t reclaim_days = 0;
  std::string last_activity;  // YYYY-MM-DD; "" = none on record
  std::string deadline;       // YYYY-MM-DD: the last day it is safe
  int64_t days_until = 0;     // until it returns to the pool (deadline + 1 - today); <= 0: due
  std::string message;        // "鑫达汽修: will return to the public pool in 3 days unless ..."
};

class ClientStore {
 public:
  // Opens (creating if needed) the replica at `path`; a new file is created with mode 0600 and
  // the file is kept at 0600 because it holds the device token.
  static Result<std::unique_ptr<ClientStore>> Open(const std::string& path, WallClock& wall,
                                                   const ReplicaOptions& options = {});
  ~ClientStore();
  ClientStore(const ClientStore&) = delete;
  ClientStore& operator=(const ClientStore&) = delete;

  Replica& replica() { return *replica_; }

  // Settings.
  Result<ClientSettings> Settings();
  Status SaveSettings(const ClientSettings& settings);

  // Customers. AddCustomer needs a name and a rep set up (it is owned by this rep); returns the
  // new id. EditCustomer changes only the named fields and refuses the columns managers and the
  // grading engine own (owner_rep_id, territory_id, grade_*).
  static const std::vector<EditableField>& EditableCustomerFields();
  Result<std::string> AddCustomer(const std::vector<FieldValue>& fields);
  Status EditCustomer(const std::string& customer, const std::vector<FieldValue>& edits);
  Result<CustomerProfile> ShowCustomer(const std::string& customer, size_t recent = 5);
  Result<std::vector<Customer>> ListCustomers(const CustomerFilter& filter);
  // Ranked customers (not deleted) with a record holding every word of `query`: the customer
  // itself (name, latin name, city, phone, primary contact), one of its contacts (name, phone)
  // or one of its visits (purpose, outcome, notes). Names weigh more than the rest. Words of at
  // least three characters use the trigram index; a query of shorter words falls back to LIKE.
  Result<std::vector<SearchHit>> SearchCustomers(const std::string& query, size_t limit = 20);
  // A customer's id from its full id or a unique prefix of at least 6 characters.
  Result<std::string> ResolveCustomer(const std::string& ref);

  Result<std::string> AddContact(const std::string& customer, const Contact& contact);

  // Facts: recorded once, never edited.
  Result<std::string> LogVisit(const NewVisit& visit);
  Result<Order> AddOrder(const NewOrder& order);
  Result<std::string> AddFeedback(const NewFeedback& feedback);

  // Tasks.
  Result<std::string> AddTask(const NewTask& task);
  Status CompleteTask(const std::string& task);  // id or unique prefix
  Result<std::vector<Task>> ListTasks(const TaskFilter& filter);

  // Sync status and the review list.
  Result<StoreStatus> GetStatus();
  Result<std::vector<ReviewItem>> ReviewList() { return replica_->ReviewList(); }
  // Records a completed sync (client/sync/device_sync.h runs it): now as the last sync's time and
  // `clock_skew_ms` (local wall clock minus the server's) for GetStatus, in one transaction.
  Status RecordSync(int64_t clock_skew_ms);

  // The day's plan: overdue and due follow-ups first (open tasks due by `today`, follow-ups
  // promised at a customer's latest visit due by `today`), then suggested visits by tier
  // (A > B > C > D, ungraded as C), days since the last visit (longer first) and churn risk
  // (higher first). At most `limit` items.
  Result<std::vector<PlanItem>> Plan(const std::string& today, size_t limit = 10);

  // Rebuilds the search index from the replicated tables (after a VACUUM, or if in doubt).
  Status RebuildSearchIndex();
  // Brings the search index up to date with every stored row: the triggers of
  // schema/sql/replica/0006_search_queue.sql only note which documents changed, and this rewrites
  // them in a few set-based statements, in one transaction. A sync calls it as pages are stored
  // (client/sync/device_sync.h) and SearchCustomers before every search; it costs one empty read
  // when nothing is noted.
  Status UpdateSearchIndex();

  // Now, as ISO-8601 UTC, and today's date in the local time zone.
  std::string NowIso();
  std::string Today();

  // ---- Grades and reports (issue #6); implemented in client_store_grades.cc. ----
  // A customer's server grade and its provisional grade, if one is pending.
  Result<GradeView> CustomerGrades(const std::string& customer);
  // Customers (not deleted) per tier of the grade shown, in the rules' order (VIP, A, B, C, D,
  // other tiers, then not graded).
  Result<std::vector<TierShare>> TierDistribution();
  // At-risk and churned customers by the grade shown, riskiest first, at most `limit`.
  Result<std::vector<AtRiskEntry>> AtRiskCustomers(size_t limit = 50);
  // The server's reports as last fetched for this device's rep (nullopt: never, or fetched for
  // another rep), and storing a new copy.
  Result<std::optional<CachedServerReports>> ServerReports();
  Status SaveServerReports(const std::string& json);

 private:
  struct LocalFact {
    const char* table;  // "orders", "visits" or "feedback"
    std::string id;
  };
  // Grades `customer_id` provisionally after `fact` was recorded; called by LogVisit, AddOrder and
  // AddFeedback inside their transaction, so the fact and its grade land together.
  Status RegradeProvisionally(const std::string& customer_id, const LocalFact& fact);
  // ---- end of grades and reports ----

 public:
  // ---- The public pool (issue #7); implemented in client_store_pool.cc. ----
  // Most requests that may wait for a sync at once.
  static constexpr size_t kMaxPendingPoolRequests = 100;
  // Answered requests kept for `pool requests` (the oldest beyond this are forgotten).
  static constexpr size_t kKeptAnsweredPoolRequests = 200;
  // The pool as last fetched for this device's rep (nullopt: never, or for another rep), with the
  // customers that have a claim waiting marked. Replacing it keeps nothing of the old listing.
  Result<std::optional<PoolListing>> CachedPool();
  Status SavePool(const PoolListing& listing);
  // Records a claim of a customer of the cached pool (its full id or a unique prefix of at least
  // 6 characters), to be sent at the next sync. kNotFound when it is not in the cached pool,
  // kConflict when a claim of it is already waiting, kResourceExhausted when too many requests
  // wait, kInvalidArgument when the device is not set up.
  Result<PoolRequest> RequestClaim(const std::string& customer);
  // Records the release of one of this device's customers back to the pool, with the rep's
  // reason (1 to 500 bytes). kNotFound, kConflict (a release already waits), kResourceExhausted.
  Result<PoolRequest> RequestRelease(const std::string& customer, const std::string& reason);
  // Requests, newest first: waiting ones only, or all that are kept.
  Result<std::vector<PoolRequest>> PoolRequests(bool pending_only, size_t limit = 100);
  Result<PoolRequestCounts> PoolRequestSummary();
  // The server's answer to a waiting request (kNotFound when no such request waits). Granted
  // claims also record the day the customer came (for the warnings).
  Status RecordPoolAnswer(const std::string& request_id, PoolRequest::State state,
                          const std::string& reason, const std::string& answered_at);
  // The rep's customers due to return to the pool within warn_days of `today` (YYYY-MM-DD),
  // soonest first (see PoolPolicy above for the rule); none before the pool was ever fetched.
  Result<std::vector<ReclaimWarning>> ReclaimWarnings(const std::string& today);
  // ---- end of the public pool ----

 private:
  ClientStore(WallClock& wall, std::unique_ptr<Replica> replica)
      : wall_(wall), replica_(std::move(replica)) {}
  Result<std::string> Setting(const std::string& key);
  Status PutSetting(const std::string& key, const std::string& value);
  Result<std::string> RequireRep();
  Result<std::string> ResolveId(const char* sql, const std::string& ref, const char* what);

  WallClock& wall_;
  std::unique_ptr<Replica> replica_;
};

// Checks a calendar date "YYYY-MM-DD".
bool IsValidDate(const std::string& date);
// Normalises a time to ISO-8601 UTC "YYYY-MM-DDTHH:MM:SSZ". Accepts "YYYY-MM-DD[T ]HH:MM[:SS]"
// followed by "Z", "+HH:MM", "-HH:MM" or nothing (local time); nullopt when it cannot be read.
std::optional<std::string> NormalizeTime(const std::string& text);
// "2026-11-23T09:15:00Z" for a Unix time in milliseconds.
std::string FormatUtc(int64_t unix_ms);
// Parses an amount of yuan ("12", "12.5", "12.50") to cents; nullopt when malformed or negative.
std::optional<int64_t> ParseYuan(const std::string& text);
// "12.50" for 1250 cents.
std::string FormatYuan(int64_t cents);

}  // namespace fieldbook::client

#endif  // FIELDBOOK_CLIENT_CLIENT_STORE_H_
