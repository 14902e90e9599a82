// ContactForm: adding a contact to the customer shown, or editing one of its contacts (issue #18),
// as a modal over the app; Save posts SubmitRecord with a ContactDraft (an edit writes only the
// columns that change: client::Customers::EditContact).
//
// Thread safety: UI thread only.
#ifndef FIELDBOOK_CLIENT_APP_SCREENS_CONTACT_FORM_H_
#define FIELDBOOK_CLIENT_APP_SCREENS_CONTACT_FORM_H_

#include <string>

#include "form_support.h"

namespace fieldbook::app {

struct ContactForm final : ui::DraftForm<ContactDraft> {
  using DraftForm::DraftForm;

  void OpenEdit(const CustomerDetail& customer, const ContactRow& contact);
  void Draw(const Snapshot& snap, Intents& intents) override;
  std::string TypedText() const override { return draft.name + draft.title + draft.notes; }

 private:
  std::optional<RecordDraft> Draft() override;
};

}  // namespace fieldbook::app

#endif  // FIELDBOOK_CLIENT_APP_SCREENS_CONTACT_FORM_H_
