// FeedbackForm: what the customer said (issue #18) — satisfaction 1 to 5 (or not asked) and the
// complaint in their words — as a modal over the app; Save posts SubmitRecord with a
// FeedbackDraft (a fact: recorded once).
//
// Thread safety: UI thread only.
#ifndef FIELDBOOK_CLIENT_APP_SCREENS_FEEDBACK_FORM_H_
#define FIELDBOOK_CLIENT_APP_SCREENS_FEEDBACK_FORM_H_

#include <string>

#include "form_support.h"

namespace fieldbook::app {

struct FeedbackForm final : ui::DraftForm<FeedbackDraft> {
  using DraftForm::DraftForm;

  void Draw(const Snapshot& snap, Intents& intents) override;
  std::string TypedText() const override { return draft.complaint; }

 private:
  std::optional<RecordDraft> Draft() override;
};

}  // namespace fieldbook::app

#endif  // FIELDBOOK_CLIENT_APP_SCREENS_FEEDBACK_FORM_H_
