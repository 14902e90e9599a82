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

struct FeedbackForm final : ui::RecordForm {
  explicit FeedbackForm(const Strings& strings) : s(strings) {}

  void Open(const CustomerDetail& customer);
  void Draw(const Snapshot& snap, Intents& intents);
  std::string TypedText() const { return f.complaint; }

  const Strings& s;
  FeedbackDraft f;

 private:
  std::optional<RecordDraft> Draft() override;
  void Clear() override { f = FeedbackDraft{}; }
};

}  // namespace fieldbook::app

#endif  // FIELDBOOK_CLIENT_APP_SCREENS_FEEDBACK_FORM_H_
