#include "customer_list_screen.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include "../ui_probe.h"

namespace fieldbook::app {

namespace {

void DrawRow(const Strings& s, const CustomerRow& row, bool selected, ui::Outbox& select) {
  ImGui::TableNextRow();
  ImGui::TableSetColumnIndex(0);
  ImGui::PushID(row.id.c_str());
  if (ImGui::Selectable(
          "##row", selected,
          ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowItemOverlap)) {
    select.Set(SelectCustomer{row.id});
  }
  Anchor("list.row:", row.id);
  ImGui::SameLine();
  if (row.overdue) {
    // A red dot and a red name: seen at a glance, never clipped by a narrow column.
    ui::TextColored(ui::kOverdue, "\xE2\x97\x8F " + row.name);  // ●
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", s.overdue);
  } else {
    ui::Text(row.name);
  }
  ImGui::TableNextColumn();
  ui::Text(row.city);
  ImGui::TableNextColumn();
  ui::Text(row.tier);
  ImGui::TableNextColumn();
  ui::Text(CodeLabel(s.lang, row.stage));
  ImGui::TableNextColumn();
  ui::Text(row.last_visit);
  ImGui::PopID();
}

}  // namespace

void CustomerListScreen::Draw(const Snapshot& snap, Intents& intents) {
  rows_submitted = 0;

  ImGui::SetNextItemWidth(-FLT_MIN);
  if (ImGui::InputTextWithHint("##search", s.search_hint, &search)) {
    filter.text = search;
    filter_outbox.Set(SetFilter{filter});
  }
  Anchor("list.search");

  // Filters: four combos sharing the width, then the overdue switch.
  const float spacing = ImGui::GetStyle().ItemSpacing.x;
  const float combo_width = (ImGui::GetContentRegionAvail().x - 3 * spacing) / 4;
  bool changed = false;
  struct Filter {
    const char* id;
    const char* title;
    const char* enumeration;
    std::string* value;
  };
  const Filter filters[] = {{"##tier", s.filter_tier, "tier", &filter.tier},
                            {"##stage", s.filter_stage, "stage", &filter.stage},
                            {"##type", s.filter_type, "type", &filter.type},
                            {"##region", s.filter_region, "region", &filter.region}};
  for (size_t i = 0; i < std::size(filters); ++i) {
    if (i > 0) ImGui::SameLine();
    const Filter& f = filters[i];
    ImGui::SetNextItemWidth(combo_width);
    changed |= ui::CodeCombo(f.id, s.lang, CodesOf(f.enumeration), *f.value, s.filter_any, f.title);
    Anchor(std::string("list.filter.") + f.enumeration);
  }
  changed |= ImGui::Checkbox(s.filter_overdue, &filter.overdue_only);
  Anchor("list.filter.overdue");
  // A structured preference (issue #18): its kind, then the value typed (e.g. 月结).
  ImGui::SameLine();
  ImGui::SetNextItemWidth(combo_width);
  changed |= ui::CodeCombo("##pref", s.lang, CodesOf("pref"), filter.pref_kind, s.filter_any,
                           s.filter_pref);
  Anchor("list.filter.pref");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(combo_width);
  changed |= ImGui::InputTextWithHint("##pref_value", s.filter_pref_value_hint, &filter.pref_value);
  Anchor("list.filter.pref_value");
  if (changed) filter_outbox.Set(SetFilter{filter});
  filter_outbox.Flush(intents);

  const CustomerList& list = *snap.customers;
  ImGui::SameLine();
  const std::string count = ui::Format(s.list_count_fmt, static_cast<int>(list.rows.size()));
  ui::TextMuted(list.truncated ? count + "+" : count);

  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY |
                                ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_Resizable |
                                ImGuiTableFlags_SizingStretchProp;
  if (ImGui::BeginTable("customers", 5, flags, ImVec2(0, ImGui::GetContentRegionAvail().y))) {
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn(s.col_name, ImGuiTableColumnFlags_WidthStretch, 3.0f);
    ImGui::TableSetupColumn(s.col_city, ImGuiTableColumnFlags_WidthStretch, 1.2f);
    ImGui::TableSetupColumn(s.col_tier, ImGuiTableColumnFlags_WidthStretch, 0.6f);
    ImGui::TableSetupColumn(s.col_stage, ImGuiTableColumnFlags_WidthStretch, 1.2f);
    ImGui::TableSetupColumn(s.col_last_visit, ImGuiTableColumnFlags_WidthStretch, 1.8f);
    ImGui::TableHeadersRow();

    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(list.rows.size()));
    while (clipper.Step()) {
      for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
        const CustomerRow& row = list.rows[static_cast<size_t>(i)];
        DrawRow(s, row, row.id == snap.selected_id, select_outbox);
        ++rows_submitted;
      }
    }
    ImGui::EndTable();
  }
  select_outbox.Flush(intents);
}

}  // namespace fieldbook::app
