#include "form_support.h"

#include <algorithm>

#include <imgui.h>

#include "../ui_probe.h"
#include "widgets.h"

namespace fieldbook::app::ui {

uint64_t NextRequestId() {
  static uint64_t next = 1;  // UI thread only
  return next++;
}

std::optional<FormResult> PendingSave::Arrived(const Snapshot& snap) {
  if (request_id_ == 0 || snap.last_form.request_id != request_id_) return std::nullopt;
  request_id_ = 0;
  return snap.last_form;
}

bool BeginFormModal(const char* popup_id, const std::string& title, float width,
                    bool& open_requested) {
  if (open_requested) {
    ImGui::OpenPopup(popup_id);
    open_requested = false;
  }
  // As wide as asked; as tall as the content (lines come and go), up to the display's height.
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  const float w = std::min(width, display.x - 40);
  ImGui::SetNextWindowSizeConstraints(ImVec2(w, 0), ImVec2(w, display.y - 40));
  ImGui::SetNextWindowPos(ImVec2(display.x / 2, display.y / 2), ImGuiCond_Always,
                          ImVec2(0.5f, 0.5f));
  return ImGui::BeginPopupModal(
      (title + popup_id).c_str(), nullptr,
      ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_AlwaysAutoResize);
}

bool RecordForm::Begin(const Strings& s, const char* popup_id, const char* title_fmt,
                       const Snapshot& snap) {
  visible =
      BeginFormModal(popup_id, Format(title_fmt, customer_name.c_str()), 560.0f, open_requested);
  if (!visible) return false;
  if (std::optional<FormResult> r = pending.Arrived(snap)) {
    if (r->ok) {
      ++saved;
      Clear();
      error.clear();
      Close();
      ImGui::EndPopup();
      return false;
    }
    error = ErrorText(s, r->error);
  }
  return true;
}

void RecordForm::End(const Strings& s, const char* save_label, const std::string& prefix,
                     Intents& intents) {
  switch (SaveCancel(s, error, pending.waiting(), save_label, prefix)) {
    case FormButton::kSave:
      error.clear();
      if (std::optional<RecordDraft> draft = Draft()) {
        if (!pending.Post(intents, SubmitRecord{0, std::move(*draft)})) error = s.busy;
      }
      break;
    case FormButton::kCancel:
      Close();
      break;
    case FormButton::kNone:
      break;
  }
  ImGui::EndPopup();
}

FormButton SaveCancel(const Strings& s, const std::string& error, bool saving,
                      const char* save_label, const std::string& prefix) {
  if (!error.empty()) TextColored(kOverdue, error);
  ImGui::Separator();
  FormButton pressed = FormButton::kNone;
  ImGui::BeginDisabled(saving);
  if (ImGui::Button(saving ? s.saving : save_label, ImVec2(140, 0))) {
    pressed = FormButton::kSave;
  }
  Anchor(prefix + ".submit");
  ImGui::EndDisabled();
  ImGui::SameLine();
  if (ImGui::Button(s.cancel, ImVec2(110, 0))) pressed = FormButton::kCancel;
  Anchor(prefix + ".cancel");
  return pressed;
}

void DateOffsets(const Strings& s, const std::string& today, std::string& date,
                 const std::string& prefix) {
  struct Offset {
    const char* text;
    int days;
    const char* anchor;
  };
  for (const Offset& o : {Offset{s.in_1_day, 1, ".in_1_day"}, Offset{s.in_7_days, 7, ".in_7_days"},
                          Offset{s.in_14_days, 14, ".in_14_days"}}) {
    ImGui::SameLine();
    if (ImGui::Button(o.text)) date = AddDays(today, o.days);
    Anchor(prefix + o.anchor);
  }
}

void RecordForm::OpenFor(const CustomerDetail& customer) {
  customer_name = customer.name.empty() ? customer.name_latin : customer.name;
  error.clear();
  open_requested = true;
}

bool RecordForm::Required(const std::string& text, const char* message) {
  if (text.find_first_not_of(" \t\r\n") != std::string::npos) return true;
  error = message;
  return false;
}

void RecordForm::Close() {
  pending.Forget();  // a save under way still happens; the form no longer waits for it
  ImGui::CloseCurrentPopup();
  visible = false;
}

void FieldLabel(const char* label, float label_width) {
  TextMuted(label);
  ImGui::SameLine(label_width);
  ImGui::SetNextItemWidth(-FLT_MIN);
}

}  // namespace fieldbook::app::ui
