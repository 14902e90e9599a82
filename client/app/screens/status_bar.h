// StatusBar: the line at the bottom — online or offline, how many changes wait to be sent, when
// the last sync was, the last sync's outcome or error — and the Sync button (SyncNow).
//
// Thread safety: UI thread only.
#ifndef FIELDBOOK_CLIENT_APP_SCREENS_STATUS_BAR_H_
#define FIELDBOOK_CLIENT_APP_SCREENS_STATUS_BAR_H_

#include "../intents.h"
#include "../snapshot.h"
#include "../ui_strings.h"
#include "widgets.h"

namespace fieldbook::app {

struct StatusBar {
  explicit StatusBar(const Strings& strings) : s(strings) {}

  // The height Draw needs, to reserve it below the main area.
  static float Height();
  void Draw(const Snapshot& snap, Intents& intents);

  const Strings& s;
  ui::Outbox outbox;
};

}  // namespace fieldbook::app

#endif  // FIELDBOOK_CLIENT_APP_SCREENS_STATUS_BAR_H_
