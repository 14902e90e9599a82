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

struct ContactForm final : ui::RecordForm {
  explicit ContactForm(const Strings& strings) : s(strings) {}

  void Open(const CustomerDetail& customer);
  void OpenEdit(const CustomerDetail& customer, const ContactRow& contact);
  void Draw(const Snapshot& snap, Intents& intents);
  std::string TypedText() const { return c.name + c.title + c.notes; }

  const Strings& s;
  ContactDraft c;

 private:
  std::optional<RecordDraft> Draft() override;
  void Clear() override { c = ContactDraft{}; }
};

}  // namespace fieldbook::app

#endif  // FIELDBOOK_CLIENT_APP_SCREENS_CONTACT_FORM_H_
