#include "review_panel.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include "../ui_probe.h"
#include "store/review.h"
#include "widgets.h"

namespace fieldbook::app {

void ReviewPanel::Draw(const Snapshot& snap, Intents& intents) {
  if (std::optional<FormResult> r = pending.Arrived(snap)) {
    message_ok = r->ok;
    message = r->ok ? client::Render(s.lang, "review_dismissed") : ui::ErrorText(s, r->error);
  }
  const std::vector<client::ReviewEntry>& entries = *snap.review;
  ui::Title(s.review_title);
  if (!message.empty()) {
    if (message_ok) {
      ui::TextMuted(message);
    } else {
      ui::TextColored(ui::kOverdue, message);
    }
    Anchor("review.message");
  }
  if (entries.empty()) {
    ui::TextMuted(s.review_empty);
    return;
  }
  if (!ImGui::BeginChild("review_list", ImVec2(0, 0))) {
    ImGui::EndChild();
    return;
  }
  // Entries wrap to different heights, so no clipper: the list is short (refusals are rare).
  for (size_t i = 0; i < entries.size(); ++i) {
    const client::ReviewEntry& e = entries[i];
    const std::string n = std::to_string(i);
    ImGui::PushID(static_cast<int>(e.id));
    if (i > 0) ImGui::Separator();
    ui::TextWrapped(client::ReviewTitle(s.lang, e));
    Anchor("review.entry:", n);
    for (const std::string& code : e.codes) {
      ui::TextColored(ui::kOverdue, client::ReviewCodeText(s.lang, code));
    }
    ImGui::Indent();
    for (const client::ReviewChange& c : e.changes) {
      ui::TextWrapped(client::ReviewChangeText(s.lang, c));
    }
    ImGui::Unindent();
    if (e.held) ui::TextMuted(client::Render(s.lang, "review_waits_manager"));
    std::string& note = notes[e.id];
    const std::string hint = client::Render(s.lang, "review_note_hint");
    ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x * 0.6f);
    ImGui::InputTextWithHint("##note", hint.c_str(), &note);
    Anchor("review.note:", n);
    ImGui::SameLine();
    const std::string dismiss = client::Render(s.lang, "review_dismiss");
    ImGui::BeginDisabled(pending.waiting());
    if (ImGui::Button(dismiss.c_str())) {
      if (pending.Post(intents, DismissReview{0, e.id, note})) {
        notes.erase(e.id);
        message.clear();
      } else {
        message_ok = false;
        message = s.busy;
      }
    }
    ImGui::EndDisabled();
    Anchor("review.dismiss:", n);
    ImGui::PopID();
  }
  ImGui::EndChild();
}

}  // namespace fieldbook::app
