// TaskForm: a to-do for the customer shown (issue #18) — what, which kind (call, visit, care,
// birthday), when (with one-click offsets) and notes — as a modal over the app; Save posts
// SubmitRecord with a TaskDraft. Tasks are completed with "Done" on the customer's Tasks tab or
// in today's plan.
//
// Thread safety: UI thread only.
#ifndef FIELDBOOK_CLIENT_APP_SCREENS_TASK_FORM_H_
#define FIELDBOOK_CLIENT_APP_SCREENS_TASK_FORM_H_

#include <string>

#include "form_support.h"

namespace fieldbook::app {

struct TaskForm final : ui::DraftForm<TaskDraft> {
  using DraftForm::DraftForm;

  // A new task, due tomorrow unless the rep picks another day.
  void Open(const CustomerDetail& customer, const std::string& today);
  void Draw(const Snapshot& snap, Intents& intents) override;
  std::string TypedText() const override { return draft.title + draft.notes; }

 private:
  std::optional<RecordDraft> Draft() override;
};

}  // namespace fieldbook::app

#endif  // FIELDBOOK_CLIENT_APP_SCREENS_TASK_FORM_H_
