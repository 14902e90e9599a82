// Customers: the rep's customers and their contacts on the device — add, edit (only the columns a
// rep may write), show with everything recorded about one (its profile), list with filters, and
// resolve a full id or unique prefix. Every write is an ordinary SQL write on the replica, so
// capture records it for the next sync; every statement is prepared with bound values.
//
// Validation errors are Status::InvalidArgument with a sentence a rep understands; a customer
// that is not on this device is kNotFound.
//
// Thread safety: not thread-safe; use it on the thread that owns the ClientStore (its Replica).
#ifndef FIELDBOOK_CLIENT_STORE_CUSTOMERS_H_
#define FIELDBOOK_CLIENT_STORE_CUSTOMERS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fieldbook/hlc.h"
#include "fieldbook/status.h"
#include "store/grades.h"
#include "store/records.h"

namespace fieldbook {
class Replica;
}

namespace fieldbook::client {

class SettingsTable;

// One named field of a write: `value` is the new text, nullopt clears the field (NULL).
// Numbers (lat, lon) are given as text and checked.
struct FieldValue {
  std::string field;
  std::optional<std::string> value;
};

// A customer column a rep may write, with the code of its one-line description (for --help: the
// help table, client/lang/help_texts.h).
struct EditableField {
  const char* name;
  const char* help;  // "help_field_<name>"
};

struct CustomerProfile {
  Customer customer;
  std::string owner_name;      // the owning rep's name ("" when not on the device)
  std::string territory_name;  // the territory's name ("" when none or not on the device)
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
  // Only customers with this structured preference (preferences.h), e.g. payment_terms + 月结.
  std::optional<std::string> pref_kind;
  std::optional<std::string> pref_value;
  size_t limit = 0;  // 0 = no limit
};

class Customers {
 public:
  Customers(Replica& replica, WallClock& wall, SettingsTable& settings, Grades& grades)
      : replica_(replica), wall_(wall), settings_(settings), grades_(grades) {}

  static const std::vector<EditableField>& EditableFields();

  // Add needs a name and a rep set up (the customer is owned by this rep); returns the new id.
  // Edit changes only the named fields and refuses the columns managers and the grading engine
  // own (owner_rep_id, territory_id, grade_*).
  Result<std::string> Add(const std::vector<FieldValue>& fields);
  Status Edit(const std::string& customer, const std::vector<FieldValue>& edits);
  // The customer (id or unique prefix) with its contacts, the `recent` latest visits, orders and
  // feedback, its open tasks and its grades.
  Result<CustomerProfile> Show(const std::string& customer, size_t recent = 5);
  Result<std::vector<Customer>> List(const CustomerFilter& filter);
  // A customer's id from its full id or a unique prefix of at least 6 characters.
  Result<std::string> Resolve(const std::string& ref);

  Result<std::string> AddContact(const std::string& customer, const Contact& contact);
  // Sets a contact (by id) to `contact`'s name, title, phone, wechat, email, birthday, is_primary
  // and notes, writing only the columns whose value changes (so capture sends just those).
  Status EditContact(const std::string& contact_id, const Contact& contact);

 private:
  Replica& replica_;
  WallClock& wall_;
  SettingsTable& settings_;
  Grades& grades_;
};

}  // namespace fieldbook::client

#endif  // FIELDBOOK_CLIENT_STORE_CUSTOMERS_H_
