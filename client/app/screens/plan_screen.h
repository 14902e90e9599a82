// PlanScreen: today's plan — overdue follow-ups, those due today, then suggested visits with the
// reason each is suggested, and the customers about to return to the public pool (公海). Clicking a
// customer selects it and asks the app to show the customer page (open_customer_requested); "Done"
// on a task posts CompleteTask. Below, care: birthdays (with a button that schedules a care task,
// ScheduleCareTask) and care tasks of the days ahead.
//
// Thread safety: UI thread only.
#ifndef FIELDBOOK_CLIENT_APP_SCREENS_PLAN_SCREEN_H_
#define FIELDBOOK_CLIENT_APP_SCREENS_PLAN_SCREEN_H_

#include <string>

#include "screen.h"

namespace fieldbook::app {

struct PlanScreen final : ui::Screen {
  using Screen::Screen;
  void Draw(const Snapshot& snap, Intents& intents) override;

 private:
  // The public pool's reclaim warnings, above the plan (anchors "plan.reclaim:<customer id>").
  void DrawReclaimWarnings(const Snapshot& snap);
  // Birthdays and care tasks of the days ahead, below the plan (anchors "plan.care:<key>").
  void DrawCare(const Snapshot& snap);
  // "Done" on an open task: posts CompleteTask (anchor "plan.done:<task id>").
  void DoneButton(const std::string& task_id);
};

}  // namespace fieldbook::app

#endif  // FIELDBOOK_CLIENT_APP_SCREENS_PLAN_SCREEN_H_
