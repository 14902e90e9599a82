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
#include <vector>

#include "fieldbook/replica.h"
#include "fieldbook/status.h"

namespace fieldbook::app {

// What the customer list shows: a free-text search and exact-match filters ("" = any).
struct CustomerFilter {
  std::string text;    // over name, pinyin, city, phone, contacts and visit notes
  std::string tier;    // grade_tier: "A".."D"
  std::string stage;   // purchase_stage
  std::string type;    // customer_type
  std::string region;  // region_class
  bool overdue_only = false;

  friend bool operator==(const CustomerFilter&, const CustomerFilter&) = default;
};

// One row of the customer list. Kept small: the list may hold 50,000 of them.
struct CustomerRow {
  std::string id;
  std::string name;
  std::string city;
  std::string phone;
  std::string tier;        // "" until graded
  std::string stage;       // purchase_stage code
  std::string type;        // customer_type code
  std::string last_visit;  // YYYY-MM-DD or ""
  bool overdue = false;    // a follow-up or an open task is past due
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

struct OrderRow {
  std::string id;
  std::string date;
  int64_t amount_cents = 0;
  std::string currency;
  std::string notes;
  int line_count = 0;
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
  std::vector<std::string> grade_reasons;  // one sentence each, from grade_reasons (JSON)

  std::vector<ContactRow> contacts;
  std::vector<VisitRow> visits;  // newest first
  std::vector<OrderRow> orders;  // newest first
  std::vector<TaskRow> tasks;    // open first, by due date
  std::vector<FeedbackRow> feedback;
};

// One line of today's plan.
struct PlanItem {
  enum class Kind { kOverdue, kDue, kSuggested };
  Kind kind = Kind::kDue;
  std::string customer_id;
  std::string customer_name;
  std::string due_date;  // follow-ups; "" for suggestions
  int64_t days_overdue = 0;
  std::string tier;     // "" when not graded
  std::string reason;   // what is due, or why the visit is suggested
  std::string task_id;  // set when the line is an open task (it can be marked done)
};

struct Plan {
  std::string today;            // YYYY-MM-DD
  std::vector<PlanItem> items;  // overdue, then due today, then suggested
};

// Local sync bookkeeping: what waits to be pushed and what the hub refused.
struct LocalSyncState {
  int64_t pending_changes = 0;
  std::string last_sync;  // ISO-8601 of the last successful sync, "" if never
  bool server_configured = false;
  std::string server_url;
  std::vector<ReviewItem> review;  // unresolved refusals
};

// The log-visit form's content.
struct VisitDraft {
  std::string customer_id;
  std::string purpose;
  std::string outcome;
  std::string notes;
  std::string next_follow_up;  // YYYY-MM-DD or ""
  std::string check_in;        // ISO-8601 UTC or "" (= now)
  std::string check_out;       // ISO-8601 UTC or ""
  std::optional<double> lat;
  std::optional<double> lon;
};

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

  // Changes whenever another connection (another program) commits to the replica, so the app
  // can reload what it shows. Its own writes do not change it.
  virtual Result<uint64_t> DataVersion() = 0;

  // One full sync with the server. kUnavailable when it cannot be reached (the device is
  // offline), kInvalidArgument when no server is configured.
  virtual Result<SyncSummary> Sync() = 0;
};

// Opens a DataSource; called once, on the worker thread.
using DataSourceFactory = std::function<Result<std::unique_ptr<DataSource>>()>;

}  // namespace fieldbook::app

#endif  // FIELDBOOK_CLIENT_APP_DATA_SOURCE_H_
