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
  DraftForm::Open(customer);
  others_.clear();
  for (const PreferenceRow& row : customer.preferences) others_.push_back(Key(row.kind, row.value));
}

void PreferenceForm::OpenEdit(const CustomerDetail& customer, const PreferenceRow& row) {
  draft = PreferenceDraft{customer.id, row.id, row.kind, row.value, row.note, false};
  others_.clear();
  for (const PreferenceRow& other : customer.preferences) {
    if (other.id != row.id) others_.push_back(Key(other.kind, other.value));
  }
  OpenFor(customer);
}

void PreferenceForm::OpenRemove(const CustomerDetail& customer, const PreferenceRow& row) {
  OpenEdit(customer, row);
  draft.remove = true;
}

std::optional<RecordDraft> PreferenceForm::Draft() {
  if (draft.remove) return draft;
  if (!Required(draft.value, s.pref_need_value)) return std::nullopt;
  if (std::find(others_.begin(), others_.end(), Key(draft.kind, draft.value)) != others_.end()) {
    error = s.pref_already;
    return std::nullopt;
  }
  return draft;
}

void PreferenceForm::Draw(const Snapshot& snap, Intents& intents) {
  const char* fmt = draft.remove       ? s.pref_remove_fmt
                    : draft.id.empty() ? s.pref_add_fmt
                                       : s.pref_edit_fmt;
  if (!Begin(s, "###preference_form", fmt, snap)) return;
  if (draft.remove) {
    // What goes, as the page shows it; nothing to type.
    ui::Text(std::string(CodeLabel(s.lang, draft.kind)) + ": " + draft.value);
    if (!draft.note.empty()) ui::TextMuted(draft.note);
    return End(s, s.pref_remove, "preference_form", intents);
  }
  ui::FieldLabel(s.pref_kind, 150.0f);
  ui::CodeCombo("##kind", s.lang, CodesOf("pref"), draft.kind, nullptr);
  Anchor("preference_form.kind");
  ui::FieldLabel(s.pref_value, 150.0f);
  ImGui::InputTextWithHint("##value", s.pref_value_hint, &draft.value);
  Anchor("preference_form.value");
  ui::FieldLabel(s.field_notes, 150.0f);
  ImGui::InputText("##note", &draft.note);
  Anchor("preference_form.note");
  End(s, s.save_customer, "preference_form", intents);
}

}  // namespace fieldbook::app
