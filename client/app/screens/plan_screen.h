// PlanScreen: today's plan — overdue follow-ups, those due today, then suggested visits with the
// reason each is suggested, and the customers about to return to the public pool (公海). Clicking a
// customer selects it and asks the app to show the customer page (open_customer_requested); "Done"
// on a task posts CompleteTask. Below, care: birthdays (with a button that schedules a care task,
// ScheduleCareTask) and care tasks of the days ahead.
//
// Thread safety: UI thread only.
#ifndef FIELDBOOK_CLIENT_APP_SCREENS_PLAN_SCREEN_H_
#define FIELDBOOK_CLIENT_APP_SCREENS_PLAN_SCREEN_H_

#include "../intents.h"
#include "../snapshot.h"
#include "../ui_strings.h"
#include "widgets.h"

namespace fieldbook::app {

struct PlanScreen {
  explicit PlanScreen(const Strings& strings) : s(strings) {}

  void Draw(const Snapshot& snap, Intents& intents);
  // The public pool's reclaim warnings, above the plan (anchors "plan.reclaim:<customer id>").
  void DrawReclaimWarnings(const Snapshot& snap);
  // Birthdays and care tasks of the days ahead, below the plan (anchors "plan.care:<key>").
  void DrawCare(const Snapshot& snap);

  const Strings& s;
  bool open_customer_requested = false;  // set for the frame in which a customer was clicked
  ui::Outbox outbox;
};

}  // namespace fieldbook::app

#endif  // FIELDBOOK_CLIENT_APP_SCREENS_PLAN_SCREEN_H_
