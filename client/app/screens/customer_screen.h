// CustomerScreen: one customer's page — profile and grade (with the grading engine's reasons),
// contacts, visits, orders, tasks and feedback — in tabs, from the snapshot's CustomerDetail.
// "Log visit" asks the app to open the LogVisitForm (log_visit_requested); "Done" on an open task
// posts CompleteTask.
//
// Thread safety: UI thread only.
#ifndef FIELDBOOK_CLIENT_APP_SCREENS_CUSTOMER_SCREEN_H_
#define FIELDBOOK_CLIENT_APP_SCREENS_CUSTOMER_SCREEN_H_

#include "../intents.h"
#include "../snapshot.h"
#include "../ui_strings.h"
#include "widgets.h"

namespace fieldbook::app {

struct CustomerScreen {
  explicit CustomerScreen(const Strings& strings) : s(strings) {}

  void Draw(const Snapshot& snap, Intents& intents);

  const Strings& s;
  bool log_visit_requested = false;  // set for the frame in which "Log visit" was pressed
  ui::Outbox outbox;
};

}  // namespace fieldbook::app

#endif  // FIELDBOOK_CLIENT_APP_SCREENS_CUSTOMER_SCREEN_H_
