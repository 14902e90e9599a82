// StatusBar: the line at the bottom — online or offline, how many changes wait to be sent, when
// the last sync was, the last sync's outcome or error — and the Sync button (SyncNow).
//
// Thread safety: UI thread only.
#ifndef FIELDBOOK_CLIENT_APP_SCREENS_STATUS_BAR_H_
#define FIELDBOOK_CLIENT_APP_SCREENS_STATUS_BAR_H_

#include "screen.h"

namespace fieldbook::app {

struct StatusBar final : ui::Screen {
  using Screen::Screen;
  void Draw(const Snapshot& snap, Intents& intents) override;
  // The height Draw needs, to reserve it below the main area.
  static float Height();
};

}  // namespace fieldbook::app

#endif  // FIELDBOOK_CLIENT_APP_SCREENS_STATUS_BAR_H_
