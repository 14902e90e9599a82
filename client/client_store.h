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
#include <vector>

#include "fieldbook/hlc.h"
#include "fieldbook/replica.h"
#include "fieldbook/status.h"
#include "sync_engine.h"

namespace fieldbook::client {

// Client-only settings (fb_settings). Empty strings mean "not set".
struct ClientSettings {
  std::string server_url;
  std::string device_token;
  std::string rep_id;
  std::string rep_name;
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

struct CustomerProfile {
  Customer customer;
  std::vector<Contact> contacts;
  std::vector<Visit> recent_visits;  // newest first
  std::vector<Order> recent_orders;  // newest first, with their lines
  std::vector<Task> open_tasks;      // earliest due first
  std::vector<Feedback> feedback;    // newest first
  int64_t visit_count = 0;
  int64_t order_count = 0;
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
  // One sync over `transport`; on success records the time and the clock skew in the settings.
  Result<SyncReport> Sync(SyncTransport& transport, const SyncOptions& options = {});

  // The day's plan: overdue and due follow-ups first (open tasks due by `today`, follow-ups
  // promised at a customer's latest visit due by `today`), then suggested visits by tier
  // (A > B > C > D, ungraded as C), days since the last visit (longer first) and churn risk
  // (higher first). At most `limit` items.
  Result<std::vector<PlanItem>> Plan(const std::string& today, size_t limit = 10);

  // Rebuilds the search index from the replicated tables (after a VACUUM, or if in doubt).
  Status RebuildSearchIndex();

  // Now, as ISO-8601 UTC, and today's date in the local time zone.
  std::string NowIso();
  std::string Today();

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
