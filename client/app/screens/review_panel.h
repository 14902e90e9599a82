// ReviewPanel: the device's review list (issue #19; client/store/review.h): one entry per record
// the server refused or holds for a manager (out of the rep's scope, a rule broken, a fact edited,
// a garage that moved to another rep...), titled with the garage's name and the kind of record,
// with what the server's code means and each value it did not take in words ("Phone: 020-1 ->
// 137..."), all in the UI's language. The rep may dismiss an entry with a note: the dismissal is
// recorded for the manager (pushed at the next sync) and the entry leaves the list.
//
// Anchors: "review.entry:<i>" (the title of the i-th entry, from 0), "review.note:<i>",
// "review.dismiss:<i>".
//
// Thread safety: UI thread only.
#ifndef FIELDBOOK_CLIENT_APP_SCREENS_REVIEW_PANEL_H_
#define FIELDBOOK_CLIENT_APP_SCREENS_REVIEW_PANEL_H_

#include <cstdint>
#include <map>
#include <string>

#include "form_support.h"
#include "screen.h"

namespace fieldbook::app {

struct ReviewPanel final : ui::Screen {
  using Screen::Screen;
  void Draw(const Snapshot& snap, Intents& intents) override;

  std::map<int64_t, std::string> notes;  // what the rep typed per entry
  ui::PendingSave pending;
  std::string message;  // the last dismissal's outcome
  bool message_ok = false;
};

}  // namespace fieldbook::app

#endif  // FIELDBOOK_CLIENT_APP_SCREENS_REVIEW_PANEL_H_
