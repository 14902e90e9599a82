// Preferences: the structured preferences in a customer's archive on the device (issue #18) —
// preferred brands, payment terms (月结), delivery and other — which the rep adds, edits, removes
// and filters customers on (fieldbook-cli `customer pref`, the app's customer page). Owns the
// client SQL of `customer_preferences` (schema/sql/domain/ 0021_customer_preferences.sql), a
// mutable replicated table scoped to its customer: a write here is an ordinary local write that
// capture sends at the next sync, naming only the columns it sets, so a note edited on one device
// and removed on another merge column by column.
//
// Rules: kind is one of Kinds(); value 1-100 characters, note at most 500; a customer has at
// most one live preference of a kind and value (kConflict names the existing one); removing
// marks the row deleted.
//
// Thread safety: not thread-safe; use it on the thread that owns the ClientStore (its Replica).
#ifndef FIELDBOOK_CLIENT_STORE_PREFERENCES_H_
#define FIELDBOOK_CLIENT_STORE_PREFERENCES_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "fieldbook/status.h"

namespace fieldbook {
class Replica;
}

namespace fieldbook::client {

struct CustomerPreference {
  std::string id;
  std::string customer_id;
  std::string customer_name;
  std::string kind;  // brand, payment_terms, delivery, other
  std::string value;
  std::string note;
  std::string created_by;
  std::string created_at;
};

struct NewPreference {
  std::string customer;  // id or unique prefix
  std::string kind;
  std::string value;
  std::string note;
};

// An edit of a preference: what is set changes; nullopt keeps the stored value.
struct PreferenceChange {
  std::optional<std::string> kind;
  std::optional<std::string> value;
  std::optional<std::string> note;
};

struct PreferenceFilter {
  std::string customer;  // id or unique prefix; "" = every customer
  std::string kind;      // "" = any kind
  std::string value;     // "" = any value; else the exact value (月结)
  size_t limit = 0;      // 0 = all
};

class Preferences {
 public:
  explicit Preferences(Replica& replica) : replica_(replica) {}

  static const std::vector<std::string>& Kinds();

  // Adds a preference to a customer on this device (created by `rep` at `now`, ISO-8601 UTC);
  // returns its id.
  Result<std::string> Add(const NewPreference& p, const std::string& rep, const std::string& now);
  // Edits a preference (id or unique prefix), by the rules above, writing only the columns that
  // change (so an edit of the value here and of the note on another device both survive).
  Status Edit(const std::string& ref, const PreferenceChange& change);
  // Changes a preference's note: Edit of the note alone.
  Status SetNote(const std::string& ref, const std::string& note) {
    return Edit(ref, PreferenceChange{std::nullopt, std::nullopt, note});
  }
  // Marks a preference (id or unique prefix) removed: kNotFound when there is no live one.
  Status Remove(const std::string& ref);
  // Live preferences matching `filter`, by customer name, kind and value.
  Result<std::vector<CustomerPreference>> List(const PreferenceFilter& filter);

 private:
  Replica& replica_;
};

}  // namespace fieldbook::client

#endif  // FIELDBOOK_CLIENT_STORE_PREFERENCES_H_
