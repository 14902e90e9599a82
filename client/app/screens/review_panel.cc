#include "review_panel.h"

#include <imgui.h>

#include "widgets.h"

namespace fieldbook::app {

void ReviewPanel::Draw(const Snapshot& snap, Intents& /*intents*/) {
  const std::vector<ReviewItem>& items = *snap.review;
  ImGui::SetWindowFontScale(1.2f);
  ui::Text(s.review_title);
  ImGui::SetWindowFontScale(1.0f);
  if (items.empty()) {
    ui::TextMuted(s.review_empty);
    return;
  }
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH |
                                ImGuiTableFlags_SizingStretchProp | ImGuiTableFlags_ScrollY |
                                ImGuiTableFlags_Resizable;
  if (!ImGui::BeginTable("review", 4, flags, ImVec2(0, ImGui::GetContentRegionAvail().y))) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn(s.col_record, ImGuiTableColumnFlags_WidthStretch, 1.2f);
  ImGui::TableSetupColumn(s.col_code, ImGuiTableColumnFlags_WidthStretch, 0.8f);
  ImGui::TableSetupColumn(s.col_reason, ImGuiTableColumnFlags_WidthStretch, 2.5f);
  ImGui::TableSetupColumn(s.col_values, ImGuiTableColumnFlags_WidthStretch, 2.5f);
  ImGui::TableHeadersRow();
  // Rows wrap to different heights, so no clipper: the list is short (refusals are rare).
  for (const ReviewItem& r : items) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ui::Text(r.table);
    ui::TextMuted(r.row_id.substr(0, 12));
    ImGui::TableNextColumn();
    ui::TextColored(ui::kOverdue, r.code);
    ImGui::TableNextColumn();
    ui::TextWrapped(r.reason);
    ImGui::TableNextColumn();
    ImGui::PushStyleColor(ImGuiCol_Text, ui::kMuted);
    ui::TextWrapped(r.payload_json);
    ImGui::PopStyleColor();
  }
  ImGui::EndTable();
}

}  // namespace fieldbook::app
