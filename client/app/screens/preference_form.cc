#include "preference_form.h"

#include <algorithm>

#include <imgui.h>
#include <imgui_stdlib.h>

#include "../ui_probe.h"
#include "widgets.h"

namespace fieldbook::app {

namespace {

std::string Key(const std::string& kind, const std::string& value) {
  const size_t first = value.find_first_not_of(" \t\r\n");
  const size_t last = value.find_last_not_of(" \t\r\n");
  return kind + '\n' + (first == std::string::npos ? "" : value.substr(first, last - first + 1));
}

}  // namespace

void PreferenceForm::Open(const CustomerDetail& customer) {
  if (p.customer_id != customer.id || !p.id.empty()) Clear();  // else keep what was typed
  p.customer_id = customer.id;
  others_.clear();
  for (const PreferenceRow& row : customer.preferences) others_.push_back(Key(row.kind, row.value));
  OpenFor(customer);
}

void PreferenceForm::OpenEdit(const CustomerDetail& customer, const PreferenceRow& row) {
  p = PreferenceDraft{customer.id, row.id, row.kind, row.value, row.note, false};
  others_.clear();
  for (const PreferenceRow& other : customer.preferences) {
    if (other.id != row.id) others_.push_back(Key(other.kind, other.value));
  }
  OpenFor(customer);
}

void PreferenceForm::OpenRemove(const CustomerDetail& customer, const PreferenceRow& row) {
  OpenEdit(customer, row);
  p.remove = true;
}

std::optional<RecordDraft> PreferenceForm::Draft() {
  if (p.remove) return p;
  if (!Required(p.value, s.pref_need_value)) return std::nullopt;
  if (std::find(others_.begin(), others_.end(), Key(p.kind, p.value)) != others_.end()) {
    error = s.pref_already;
    return std::nullopt;
  }
  return p;
}

void PreferenceForm::Draw(const Snapshot& snap, Intents& intents) {
  const char* fmt = p.remove ? s.pref_remove_fmt : p.id.empty() ? s.pref_add_fmt : s.pref_edit_fmt;
  if (!Begin("###preference_form", ui::Format(fmt, customer_name.c_str()), 560.0f, snap)) return;
  if (p.remove) {
    // What goes, as the page shows it; nothing to type.
    ui::Text(std::string(CodeLabel(s.lang, p.kind)) + ": " + p.value);
    if (!p.note.empty()) ui::TextMuted(p.note);
    return End(s, s.pref_remove, "preference_form", intents);
  }
  ui::FieldLabel(s.pref_kind, 150.0f);
  ui::CodeCombo("##kind", s.lang, CodesOf("pref"), p.kind, nullptr);
  Anchor("preference_form.kind");
  ui::FieldLabel(s.pref_value, 150.0f);
  ImGui::InputTextWithHint("##value", s.pref_value_hint, &p.value);
  Anchor("preference_form.value");
  ui::FieldLabel(s.field_notes, 150.0f);
  ImGui::InputText("##note", &p.note);
  Anchor("preference_form.note");
  End(s, s.save_customer, "preference_form", intents);
}

}  // namespace fieldbook::app
