// The rep's records as the device reads them from the replica: customers, contacts, visits, orders
// (with their lines), tasks and feedback. Plain values filled in by the store's repositories
// (customers.h, facts.h, tasks.h); they hold no connection.
//
// Dates are YYYY-MM-DD (the rep's local calendar); timestamps are ISO-8601 UTC
// ("2026-11-23T09:15:00Z"). Money is integer cents (fen). An empty string is a NULL column.
//
// Thread safety: plain values; copy them freely between threads.
#ifndef FIELDBOOK_CLIENT_STORE_RECORDS_H_
#define FIELDBOOK_CLIENT_STORE_RECORDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace fieldbook::client {

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
  // The grade shown: the device's provisional grade while one is pending (grade_provisional),
  // else the server's (store/grades.h).
  std::string grade_tier;
  std::string grade_lifecycle;
  std::optional<double> grade_churn_risk;
  bool grade_provisional = false;
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

}  // namespace fieldbook::client

#endif  // FIELDBOOK_CLIENT_STORE_RECORDS_H_
