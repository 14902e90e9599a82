// LogVisitForm: the quick form a rep fills at the garage — purpose and outcome, notes, the next
// follow-up date (with one-click offsets), check-in / check-out "now" buttons and an optional
// location — shown as a modal over the app. Save posts SubmitVisit; the form shows "saving" until
// the snapshot reports that request's outcome, then closes (or shows why it could not, keeping
// what the rep typed).
//
// A visit as two moments (issue #18): "Check in" starts a visit in progress (kept in the replica,
// so it survives a restart and shows in the status bar); opened again for that customer, the form
// says since when and how far from the garage, and its button checks out with what was entered.
//
// Thread safety: UI thread only. `clock` is read for the check-in/out buttons.
#ifndef FIELDBOOK_CLIENT_APP_SCREENS_LOG_VISIT_FORM_H_
#define FIELDBOOK_CLIENT_APP_SCREENS_LOG_VISIT_FORM_H_

#include <cstdint>
#include <string>

#include "../intents.h"
#include "../snapshot.h"
#include "../ui_strings.h"
#include "fieldbook/hlc.h"

namespace fieldbook::app {

// "120 m from the garage: verified", or "location unknown".
std::string LocationText(const Strings& s, const OpenVisitRow& v);

struct LogVisitForm {
  LogVisitForm(const Strings& strings, WallClock& wall) : s(strings), clock(wall) {}

  // Starts a new visit for this customer; the modal opens on the next Draw.
  void Open(const std::string& customer_id, const std::string& customer_name);
  void Draw(const Snapshot& snap, Intents& intents);
  // Posts a submit and waits for its outcome (or says the queue is busy).
  void Post(SubmitVisit submit, Intents& intents);
  bool is_open() const { return open_requested || visible; }

  const Strings& s;
  WallClock& clock;

  // What the rep entered; reset after a save or for another customer.
  struct Fields {
    std::string customer_id;
    std::string customer_name;
    std::string purpose = "routine";
    std::string outcome = "follow_up";
    std::string notes;
    std::string follow_up;  // YYYY-MM-DD or ""
    std::string check_in;   // ISO-8601 UTC or "" (the time of saving)
    std::string check_out;
    bool with_location = false;
    double lat = 0;
    double lon = 0;
  };
  Fields f;

  bool open_requested = false;
  bool visible = false;
  std::string error;         // why the last save did not happen
  uint64_t waiting_for = 0;  // the SubmitVisit request awaiting its outcome
  uint64_t next_request = 1;
  uint64_t saved = 0;  // visits saved through this form
};

}  // namespace fieldbook::app

#endif  // FIELDBOOK_CLIENT_APP_SCREENS_LOG_VISIT_FORM_H_
