#include "feedback_form.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include "../ui_probe.h"
#include "widgets.h"

namespace fieldbook::app {

void FeedbackForm::Open(const CustomerDetail& customer) {
  if (f.customer_id != customer.id) Clear();
  f.customer_id = customer.id;
  OpenFor(customer);
}

std::optional<RecordDraft> FeedbackForm::Draft() {
  if (f.satisfaction == 0 && !Required(f.complaint, s.feedback_empty)) return std::nullopt;
  return f;
}

void FeedbackForm::Draw(const Snapshot& snap, Intents& intents) {
  if (!Begin("###feedback_form", ui::Format(s.feedback_add_fmt, customer_name.c_str()), 560.0f,
             snap)) {
    return;
  }
  ui::TextMuted(s.col_satisfaction);
  for (int score = 0; score <= 5; ++score) {
    ImGui::SameLine(score == 0 ? 150.0f : 0.0f);
    const std::string label =
        score == 0 ? std::string(s.feedback_not_asked) : std::to_string(score);
    ImGui::RadioButton(label.c_str(), &f.satisfaction, score);
    Anchor("feedback_form.score:", std::to_string(score));
  }
  ui::TextMuted(s.col_complaint);
  ImGui::InputTextMultiline("##complaint", &f.complaint,
                            ImVec2(-FLT_MIN, ImGui::GetTextLineHeight() * 4));
  Anchor("feedback_form.complaint");
  End(s, s.save_customer, "feedback_form", intents);
}

}  // namespace fieldbook::app
