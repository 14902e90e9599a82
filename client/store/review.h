// ReviewList: the device's review list as the rep reads it (issue #19; docs/sync.md "The review
// list"). The replica keeps one fb_rejections item per refused row of a push (a record pushed in
// several version layers, or refused at several syncs, has several); this repository shows ONE
// entry per record: the garage it belongs to by name, the hub's codes and reasons, and only the
// values that did not reach the hub, each the newest one refused, with the value this device
// holds now when that differs ("old -> refused"). A new record refused whole lists what the rep
// entered, not its empty fields nor the bookkeeping columns (customer, rep, created, deleted = 0).
//
// Entries leave the list when a manager resolves every held edit of them (RefreshReviewStatus,
// client/sync/review_status.h) or when the rep dismisses them here. A dismissal is recorded for
// the manager as a `review_dismissals` row (schema/sql/domain/0029_review_dismissals.sql), an
// insert-only fact in the rep's name that the next sync pushes like any row.
//
// Thread safety: not thread-safe; use it on the thread that owns the ClientStore (its Replica).
#ifndef FIELDBOOK_CLIENT_STORE_REVIEW_H_
#define FIELDBOOK_CLIENT_STORE_REVIEW_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fieldbook/status.h"
#include "lang/messages.h"

namespace fieldbook {
class Replica;
}

namespace fieldbook::client {

// One value the hub did not take. Texts are the stored values as text ("" for NULL).
struct ReviewChange {
  std::string column;
  std::optional<std::string> before;  // what this device holds now, when it differs
  std::string refused;
  bool refused_null = false;  // the refused value was NULL (a field cleared)
};

struct ReviewEntry {
  int64_t id = 0;              // the record's first item: what `review dismiss ID` takes
  std::vector<int64_t> items;  // every fb_rejections item of the record in this entry
  std::string table;
  std::string row_id;
  std::string customer_id;            // "" when unknown
  std::string customer_name;          // "" when this device never knew it
  bool new_record = false;            // refused whole as a new record (a fact, or an insert)
  std::vector<std::string> codes;     // the hub's codes, distinct, first seen first
  std::vector<std::string> reasons;   // its sentences, distinct
  std::vector<ReviewChange> changes;  // the diverted values, by column order of the table
  std::string refused_json;           // the same values as {"column": value, ...}
  bool held = false;      // some of it waits on the server for a manager (code "reassigned")
  bool resolved = false;  // a manager resolved it, or the rep dismissed it
  std::string outcome;
};

class ReviewList {
 public:
  explicit ReviewList(Replica& replica) : replica_(replica) {}

  // The open entries, oldest first; with `include_resolved`, then the resolved ones.
  Result<std::vector<ReviewEntry>> Entries(bool include_resolved = false);
  // Dismisses the open entry holding item `id` (any item of the record): its items are marked
  // resolved ("dismissed by the rep") and, when it names a garage, a review_dismissals row is
  // written in `rep`'s name at `now` (ISO-8601 UTC) with `note` (at most 500 characters) for the
  // manager. Returns the dismissal's id ("" when no garage is known). kNotFound: no open entry.
  Result<std::string> Dismiss(int64_t id, const std::string& note, const std::string& rep,
                              const std::string& now);

 private:
  Replica& replica_;
};

// The entry in words, in `lang`: "张记汽修 · Customer" and per change "Phone: 020-1 -> 137…".
std::string ReviewTitle(Lang lang, const ReviewEntry& e);
std::string ReviewFieldLabel(Lang lang, const std::string& column);
std::string ReviewChangeText(Lang lang, const ReviewChange& c);
// What the hub's code means for the rep ("not your customer"); the code itself when unknown.
std::string ReviewCodeText(Lang lang, const std::string& code);

}  // namespace fieldbook::client

#endif  // FIELDBOOK_CLIENT_STORE_REVIEW_H_
