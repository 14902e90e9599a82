#include "feedback_form.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include "../ui_probe.h"
#include "widgets.h"

namespace fieldbook::app {

std::optional<RecordDraft> FeedbackForm::Draft() {
  if (draft.satisfaction == 0 && !Required(draft.complaint, s.feedback_empty)) return std::nullopt;
  return draft;
}

void FeedbackForm::Draw(const Snapshot& snap, Intents& intents) {
  if (!Begin(s, "###feedback_form", s.feedback_add_fmt, snap)) return;
  ui::TextMuted(s.col_satisfaction);
  for (int score = 0; score <= 5; ++score) {
    ImGui::SameLine(score == 0 ? 150.0f : 0.0f);
    const std::string label =
        score == 0 ? std::string(s.feedback_not_asked) : std::to_string(score);
    ImGui::RadioButton(label.c_str(), &draft.satisfaction, score);
    Anchor("feedback_form.score:", std::to_string(score));
  }
  ui::TextMuted(s.col_complaint);
  ImGui::InputTextMultiline("##complaint", &draft.complaint,
                            ImVec2(-FLT_MIN, ImGui::GetTextLineHeight() * 4));
  Anchor("feedback_form.complaint");
  End(s, s.save_customer, "feedback_form", intents);
}

}  // namespace fieldbook::app
