// The store's shared row helpers (not part of any repository's interface): Stmt resets a cached
// prepared statement when it goes out of scope, so that no read stays open by accident; the
// column lists and readers of the rows that more than one repository reads (customers, visits,
// orders and their lines, tasks); the id resolver (a full id or a unique
// prefix); the text checks the repositories share. (NULL columns read as "", 0 or nullopt through
// Statement::Text and the ...OrNull reads of fieldbook/sqlite_db.h.)
//
// Thread safety: as the Db the statements come from (one thread at a time).
#ifndef FIELDBOOK_CLIENT_STORE_ROWS_H_
#define FIELDBOOK_CLIENT_STORE_ROWS_H_

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fieldbook/columns.h"
#include "fieldbook/hlc.h"
#include "fieldbook/sqlite_db.h"
#include "store/records.h"

namespace fieldbook::client::internal {

class Stmt {
 public:
  explicit Stmt(Statement* s) : s_(s) {}
  ~Stmt() { s_->Reset(); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  Statement* operator->() { return s_; }
  Statement& operator*() { return *s_; }

 private:
  Statement* s_;
};

// Runs `sql` with `params` bound in order and calls `row` for each result row.
Status ForEachRow(Db& db, std::string_view sql, std::initializer_list<Value> params,
                  const std::function<void(Statement&)>& row);
// Runs `sql` with `params` bound in order and calls `row` on its first row; kNotFound "no
// <what> <ref> on this device" (err_not_on_device) when it has none.
Status ReadFoundRow(Db& db, std::string_view sql, std::initializer_list<Value> params,
                    std::string_view what, const std::string& ref,
                    const std::function<void(Statement&)>& row);
// ForEachRow with `customer_id` bound to the one parameter of `sql`.
Status ForEachCustomerRow(Db& db, const char* sql, const std::string& customer_id,
                          const std::function<void(Statement&)>& row);
// Runs the write `sql` with `params` bound in order.
Status RunWrite(Db& db, const char* sql, std::initializer_list<Value> params = {});

// Binds text, or NULL for "".
void BindText(Statement& s, int index, const std::string& text);
// Binds a number, or NULL for nullopt.
void BindReal(Statement& s, int index, const std::optional<double>& v);

// `s` without leading and trailing spaces, tabs and line breaks.
std::string Trim(const std::string& s);
// Unicode code points in UTF-8 text.
size_t CodePoints(const std::string& s);
// Whole text as a number.
bool ParseInt(std::string_view s, int64_t* out);
bool ParseDouble(const std::string& s, double* out);
std::string Join(const std::vector<std::string>& items, const char* sep);
// kInvalidArgument "<what> must be one of a, b, c (not 'v')" unless `v` is one of `allowed`.
Status CheckEnum(const std::string& what, const std::string& v,
                 const std::vector<std::string>& allowed);
// "1 day", "3 days".
std::string DaysText(int64_t days);

// Now as ISO-8601 UTC, and today's date in the device's time zone, by `wall`.
std::string NowIso(WallClock& wall);
std::string TodayOf(WallClock& wall);
// A time the rep typed ("2026-11-23T09:30") as ISO-8601 UTC, now for ""; kInvalidArgument
// "<what> time must look like ..." for anything else.
Result<std::string> TimeOrNow(WallClock& wall, const std::string& text, const char* what);

// A row's id from its full id or a unique prefix of at least 6 characters: `sql` selects ids
// with ?1 the reference and ?2 whether a prefix may match. kNotFound / kInvalidArgument name
// `what` ("customer", "task").
Result<std::string> ResolveId(Db& db, const char* sql, const std::string& ref, const char* what);
// A customer (not deleted) by full id or unique prefix.
Result<std::string> ResolveCustomerId(Db& db, const std::string& ref);

// The grade shown for the customer `c` (issue #19, one grade everywhere): the device's
// provisional grade (fb_provisional_grades, store/grades.h) while one is pending, else the
// server's column `server`. Lists, search, the tier filter and the plan all read these.
#define FB_SHOWN_GRADE(column, server) \
  "coalesce((SELECT pg." column        \
  " FROM fb_provisional_grades pg WHERE pg.customer_id = c.id), " server ")"
#define FB_SHOWN_TIER FB_SHOWN_GRADE("tier", "c.grade_tier")
#define FB_SHOWN_CHURN_RISK FB_SHOWN_GRADE("churn_risk", "c.grade_churn_risk")
#define FB_SHOWN_PROVISIONAL \
  "EXISTS (SELECT 1 FROM fb_provisional_grades pg WHERE pg.customer_id = c.id)"

// A customer row: the columns of `customers c` with the grade shown, the latest visit's
// check-in, then whether the grade is provisional.
#define FB_CUSTOMER_COLUMNS                                                              \
  "c.id, c.name, c.name_latin, c.customer_type, c.relationship, c.purchase_stage, "      \
  "c.region_class, c.address, c.city, c.province, c.country, c.lat, c.lon, c.phone, "    \
  "c.primary_contact, c.birthday, c.tags, c.notes, c.owner_rep_id, c.territory_id, "     \
  "c.created_at, " FB_SHOWN_TIER ", " FB_SHOWN_GRADE(                                    \
      "lifecycle", "c.grade_lifecycle") ", " FB_SHOWN_CHURN_RISK                         \
                                        ", c.graded_at, c.deleted, "                     \
                                        "(SELECT max(lv.check_in) FROM visits lv WHERE " \
                                        "lv.customer_id = c.id), " FB_SHOWN_PROVISIONAL
inline constexpr int kCustomerColumnCount = 28;
// Reads FB_CUSTOMER_COLUMNS starting at column `b`.
Customer ReadCustomer(const Statement& s, int b = 0);

// Visits that a later correction replaced do not count. A void counts only within its own
// customer (the server refuses any other).
#define FB_LIVE_VISIT                                                                    \
  "v.id NOT IN (SELECT vx.voids_id FROM visits vx WHERE vx.customer_id = v.customer_id " \
  "AND vx.voids_id IS NOT NULL)"

#define FB_VISIT_COLUMNS                                                                         \
  "v.id, v.customer_id, v.rep_id, v.check_in, v.check_out, v.lat, v.lon, v.purpose, v.outcome, " \
  "v.notes, v.next_follow_up, v.voids_id"
Visit ReadVisit(const Statement& s);

// An order row without its lines (a void's NULL amount reads as 0).
#define FB_ORDER_COLUMNS \
  "id, customer_id, rep_id, order_date, amount_cents, currency, notes, voids_id"
Order ReadOrder(const Statement& s);
// Reads the lines of all of `orders` (each in line id order) with one query: no query per order.
Status ReadOrderLines(Db& db, const std::vector<Order*>& orders);

#define FB_TASK_COLUMNS                                                                          \
  "t.id, t.customer_id, (SELECT c.name FROM customers c WHERE c.id = t.customer_id), t.rep_id, " \
  "t.due_date, t.kind, t.status, t.title, t.notes, t.done_at"
Task ReadTask(const Statement& s);

}  // namespace fieldbook::client::internal

#endif  // FIELDBOOK_CLIENT_STORE_ROWS_H_
