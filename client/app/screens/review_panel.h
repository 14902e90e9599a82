// ReviewPanel: the changes the server refused (out of the rep's scope, a rule broken, a fact
// edited, a customer that moved to another rep...), each with the server's reason and the refused
// values, so nothing is dropped silently.
//
// Thread safety: UI thread only.
#ifndef FIELDBOOK_CLIENT_APP_SCREENS_REVIEW_PANEL_H_
#define FIELDBOOK_CLIENT_APP_SCREENS_REVIEW_PANEL_H_

#include "../intents.h"
#include "../snapshot.h"
#include "../ui_strings.h"

namespace fieldbook::app {

struct ReviewPanel {
  explicit ReviewPanel(const Strings& strings) : s(strings) {}

  void Draw(const Snapshot& snap, Intents& intents);

  const Strings& s;
};

}  // namespace fieldbook::app

#endif  // FIELDBOOK_CLIENT_APP_SCREENS_REVIEW_PANEL_H_
