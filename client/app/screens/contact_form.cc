#include "contact_form.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include "../ui_probe.h"
#include "widgets.h"

namespace fieldbook::app {

void ContactForm::Open(const CustomerDetail& customer) {
  if (c.customer_id != customer.id || !c.id.empty()) Clear();  // else keep what was typed
  c.customer_id = customer.id;
  OpenFor(customer);
}

void ContactForm::OpenEdit(const CustomerDetail& customer, const ContactRow& k) {
  c = ContactDraft{customer.id, k.id,    k.name,     k.title,   k.phone,
                   k.wechat,    k.email, k.birthday, k.primary, k.notes};
  OpenFor(customer);
}

std::optional<RecordDraft> ContactForm::Draft() {
  if (!Required(c.name, s.contact_need_name)) return std::nullopt;
  if (!c.birthday.empty() && !ui::IsDate(c.birthday)) {
    error = s.bad_birthday;
    return std::nullopt;
  }
  return c;
}

void ContactForm::Draw(const Snapshot& snap, Intents& intents) {
  const char* fmt = c.id.empty() ? s.contact_add_fmt : s.contact_edit_fmt;
  if (!Begin("###contact_form", ui::Format(fmt, customer_name.c_str()), 560.0f, snap)) return;
  struct Text {
    const char* label;
    std::string* value;
    const char* anchor;
  };
  for (const Text& t : {Text{s.col_name, &c.name, "contact_form.name"},
                        Text{s.col_title, &c.title, "contact_form.title"},
                        Text{s.field_phone, &c.phone, "contact_form.phone"},
                        Text{s.col_wechat, &c.wechat, "contact_form.wechat"},
                        Text{s.contact_email, &c.email, "contact_form.email"},
                        Text{s.contact_birthday, &c.birthday, "contact_form.birthday"},
                        Text{s.field_notes, &c.notes, "contact_form.notes"}}) {
    ui::FieldLabel(t.label, 150.0f);
    ImGui::InputText((std::string("##") + t.anchor).c_str(), t.value);
    Anchor(t.anchor);
  }
  ImGui::Checkbox(s.contact_primary, &c.primary);
  Anchor("contact_form.primary");
  End(s, s.save_customer, "contact_form", intents);
}

}  // namespace fieldbook::app
