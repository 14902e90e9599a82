#include "contact_form.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include "../ui_probe.h"
#include "widgets.h"

namespace fieldbook::app {

void ContactForm::OpenEdit(const CustomerDetail& customer, const ContactRow& k) {
  draft = ContactDraft{customer.id, k.id,    k.name,     k.title,   k.phone,
                       k.wechat,    k.email, k.birthday, k.primary, k.notes};
  OpenFor(customer);
}

std::optional<RecordDraft> ContactForm::Draft() {
  if (!Required(draft.name, s.contact_need_name)) return std::nullopt;
  if (!draft.birthday.empty() && !ui::IsDate(draft.birthday)) {
    error = s.bad_birthday;
    return std::nullopt;
  }
  return draft;
}

void ContactForm::Draw(const Snapshot& snap, Intents& intents) {
  const char* fmt = draft.id.empty() ? s.contact_add_fmt : s.contact_edit_fmt;
  if (!Begin(s, "###contact_form", fmt, snap)) return;
  struct Text {
    const char* label;
    std::string* value;
    const char* anchor;
  };
  for (const Text& t : {Text{s.col_name, &draft.name, "contact_form.name"},
                        Text{s.col_title, &draft.title, "contact_form.title"},
                        Text{s.field_phone, &draft.phone, "contact_form.phone"},
                        Text{s.col_wechat, &draft.wechat, "contact_form.wechat"},
                        Text{s.contact_email, &draft.email, "contact_form.email"},
                        Text{s.contact_birthday, &draft.birthday, "contact_form.birthday"},
                        Text{s.field_notes, &draft.notes, "contact_form.notes"}}) {
    ui::FieldLabel(t.label, 150.0f);
    ImGui::InputText((std::string("##") + t.anchor).c_str(), t.value);
    Anchor(t.anchor);
  }
  ImGui::Checkbox(s.contact_primary, &draft.primary);
  Anchor("contact_form.primary");
  End(s, s.save_customer, "contact_form", intents);
}

}  // namespace fieldbook::app
