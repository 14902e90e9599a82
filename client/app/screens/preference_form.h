// PreferenceForm: a structured preference in the archive of the customer shown (issue #18) —
// preferred brand, payment terms (月结), delivery, other — added, edited or removed from the
// customer page's Preferences tab, as a modal over the app. Save posts SubmitRecord with a
// PreferenceDraft (client/store/preferences.h: an edit writes only the columns that change;
// removing asks first and marks the row deleted). A second live preference of the same kind and
// value is refused in the form, before the store's own check.
//
// Thread safety: UI thread only.
#ifndef FIELDBOOK_CLIENT_APP_SCREENS_PREFERENCE_FORM_H_
#define FIELDBOOK_CLIENT_APP_SCREENS_PREFERENCE_FORM_H_

#include <string>
#include <vector>

#include "form_support.h"

namespace fieldbook::app {

struct PreferenceForm final : ui::DraftForm<PreferenceDraft> {
  using DraftForm::DraftForm;

  void Open(const CustomerDetail& customer);
  void OpenEdit(const CustomerDetail& customer, const PreferenceRow& preference);
  void OpenRemove(const CustomerDetail& customer, const PreferenceRow& preference);
  void Draw(const Snapshot& snap, Intents& intents) override;
  std::string TypedText() const override { return draft.value + draft.note; }

 private:
  std::optional<RecordDraft> Draft() override;

  // The customer's other live preferences (kind + '\n' + value), when the form opened.
  std::vector<std::string> others_;
};

}  // namespace fieldbook::app

#endif  // FIELDBOOK_CLIENT_APP_SCREENS_PREFERENCE_FORM_H_
