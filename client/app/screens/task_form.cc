#include "task_form.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include "../ui_probe.h"
#include "widgets.h"

namespace fieldbook::app {

void TaskForm::Open(const CustomerDetail& customer, const std::string& today) {
  if (t.customer_id != customer.id) Clear();  // the same customer: keep what was typed
  t.customer_id = customer.id;
  if (t.due_date.empty()) t.due_date = ui::AddDays(today, 1);
  OpenFor(customer);
}

std::optional<RecordDraft> TaskForm::Draft() {
  if (!Required(t.title, s.task_need_title)) return std::nullopt;
  if (!ui::IsDate(t.due_date)) {
    error = s.task_bad_due;
    return std::nullopt;
  }
  return t;
}

void TaskForm::Draw(const Snapshot& snap, Intents& intents) {
  if (!Begin("###task_form", ui::Format(s.task_add_fmt, customer_name.c_str()), 560.0f, snap)) {
    return;
  }
  ui::FieldLabel(s.col_task, 150.0f);
  ImGui::InputText("##title", &t.title);
  Anchor("task_form.title");
  ui::FieldLabel(s.col_kind, 150.0f);
  ui::CodeCombo("##kind", s.lang, CodesOf("task_kind"), t.kind, nullptr);
  Anchor("task_form.kind");
  ui::TextMuted(s.col_due);
  ImGui::SameLine(150.0f);
  ImGui::SetNextItemWidth(140.0f);
  ImGui::InputTextWithHint("##due", "YYYY-MM-DD", &t.due_date, ImGuiInputTextFlags_CharsNoBlank);
  Anchor("task_form.due");
  ui::DateOffsets(s, snap.today, t.due_date, "task_form");
  ui::FieldLabel(s.field_notes, 150.0f);
  ImGui::InputText("##notes", &t.notes);
  Anchor("task_form.notes");
  End(s, s.save_customer, "task_form", intents);
}

}  // namespace fieldbook::app
