// Screen: one page of the app's window (a tab, the customers list, a customer's page, the status
// bar), in the style of the Dear ImGui demo: a struct whose Draw() reads the frame's Snapshot and
// records what the rep asked for as intents — no SQL, no network, never blocks. A screen keeps its
// own state between frames (what was typed, the intent waiting for the queue). Each screen's
// header states only what is its own; this base holds what they all share.
//
// Thread safety: UI thread only.
#ifndef FIELDBOOK_CLIENT_APP_SCREENS_SCREEN_H_
#define FIELDBOOK_CLIENT_APP_SCREENS_SCREEN_H_

#include <string>

#include "../intents.h"
#include "../snapshot.h"
#include "../ui_strings.h"
#include "widgets.h"

namespace fieldbook::app::ui {

struct Screen {
  explicit Screen(const Strings& strings) : s(strings) {}
  virtual ~Screen() = default;

  // Draws this frame's widgets; posts only intents.
  virtual void Draw(const Snapshot& snap, Intents& intents) = 0;

  const Strings& s;
  // The intent the rep last asked for, until the queue takes it (Draw flushes it).
  Outbox outbox;
  // Set for the frame in which a customer was clicked: the app shows the customer's page.
  bool open_customer_requested = false;

  // A customer as a selectable `label` (its name), highlighted when it is the selected customer; a
  // click selects the customer (SelectCustomer) and sets open_customer_requested.
  void CustomerLink(const std::string& label, const std::string& customer_id, const Snapshot& snap);
};

}  // namespace fieldbook::app::ui

#endif  // FIELDBOOK_CLIENT_APP_SCREENS_SCREEN_H_
