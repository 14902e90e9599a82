#include "task_form.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include "../ui_probe.h"
#include "widgets.h"

namespace fieldbook::app {

void TaskForm::Open(const CustomerDetail& customer, const std::string& today) {
  DraftForm::Open(customer);
  if (draft.due_date.empty()) draft.due_date = ui::AddDays(today, 1);
}

std::optional<RecordDraft> TaskForm::Draft() {
  if (!Required(draft.title, s.task_need_title)) return std::nullopt;
  if (!ui::IsDate(draft.due_date)) {
    error = s.task_bad_due;
    return std::nullopt;
  }
  return draft;
}

void TaskForm::Draw(const Snapshot& snap, Intents& intents) {
  if (!Begin(s, "###task_form", s.task_add_fmt, snap)) return;
  ui::FieldLabel(s.col_task, 150.0f);
  ImGui::InputText("##title", &draft.title);
  Anchor("task_form.title");
  ui::FieldLabel(s.col_kind, 150.0f);
  ui::CodeCombo("##kind", s.lang, CodesOf("task_kind"), draft.kind, nullptr);
  Anchor("task_form.kind");
  ui::TextMuted(s.col_due);
  ImGui::SameLine(150.0f);
  ImGui::SetNextItemWidth(140.0f);
  ImGui::InputTextWithHint("##due", "YYYY-MM-DD", &draft.due_date,
                           ImGuiInputTextFlags_CharsNoBlank);
  Anchor("task_form.due");
  ui::DateOffsets(s, snap.today, draft.due_date, "task_form");
  ui::FieldLabel(s.field_notes, 150.0f);
  ImGui::InputText("##notes", &draft.notes);
  Anchor("task_form.notes");
  End(s, s.save_customer, "task_form", intents);
}

}  // namespace fieldbook::app
