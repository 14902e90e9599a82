#include "customer_list_screen.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>

#include "../ui_probe.h"

namespace fieldbook::app {

namespace {

// Below this width the list shows compact rows and two filters a line.
constexpr float kCompactListWidth = 480;

void DrawTier(const Strings& s, const CustomerRow& row) {
  if (row.tier_provisional) {
    // The provisional grade, marked as such (issue #19: one grade everywhere).
    ui::TextColored(ui::kDue, row.tier + "*");
    Anchor("list.row.provisional:", row.id);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", s.provisional);
  } else {
    ui::Text(row.tier);
  }
}

// True when the row was clicked.
bool DrawRow(const Strings& s, const CustomerRow& row, bool selected, ui::Outbox& select,
             const ui::Layout& layout) {
  ImGui::TableNextRow();
  ImGui::TableSetColumnIndex(0);
  ImGui::PushID(row.id.c_str());
  // Touch: a row is a 44 px target holding the name and, on narrow windows, the city under it.
  const float line = ImGui::GetTextLineHeight();
  const float height = layout.narrow  ? std::max(layout.touch ? ui::kTouchTarget : 0, 2 * line + 6)
                       : layout.touch ? ui::kTouchTarget
                                      : 0;
  const float y = ImGui::GetCursorPosY();
  bool clicked = false;
  if (ImGui::Selectable("##row", selected,
                        ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowItemOverlap,
                        ImVec2(0, height))) {
    select.Set(SelectCustomer{row.id});
    clicked = true;
  }
  Anchor("list.row:", row.id);
  ImGui::SameLine();
  if (height > 0) ImGui::SetCursorPosY(y + (layout.narrow ? 2 : (height - line) / 2));
  if (row.overdue) {
    // A red dot and a red name: seen at a glance, never clipped by a narrow column.
    ui::TextColored(ui::kOverdue, "\xE2\x97\x8F " + row.name);  // ●
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", s.overdue);
  } else {
    ui::Text(row.name);
  }
  if (layout.narrow) {
    // The city under the name (no city column): rows never truncate to the same text.
    ImGui::SetCursorPosY(y + 2 + line);
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(0, 0));
    ui::TextMuted(row.city + (row.last_visit.empty()
                                  ? ""
                                  : " \xC2\xB7 " + client::FormatDate(s.lang, row.last_visit)));
    ImGui::PopStyleVar();
    ImGui::TableNextColumn();
    ImGui::SetCursorPosY(y + (height - line) / 2);
    DrawTier(s, row);
    ImGui::PopID();
    return clicked;
  }
  ImGui::TableNextColumn();
  ui::Text(row.city);
  ImGui::TableNextColumn();
  DrawTier(s, row);
  ImGui::TableNextColumn();
  ui::Text(CodeLabel(s.lang, row.stage));
  ImGui::TableNextColumn();
  ui::Text(client::FormatDate(s.lang, row.last_visit));
  ImGui::PopID();
  return clicked;
}

}  // namespace

void CustomerListScreen::Draw(const Snapshot& snap, Intents& intents) {
  rows_submitted = 0;
  row_clicked = false;
  // Narrow here: the list's own width, so a list beside the customer's page on a tablet gets
  // the compact rows too (name with the city under it, and the tier).
  ui::Layout layout = ui::CurrentLayout();
  layout.narrow = layout.narrow || ImGui::GetContentRegionAvail().x < kCompactListWidth;

  ImGui::SetNextItemWidth(-FLT_MIN);
  if (ImGui::InputTextWithHint("##search", s.search_hint, &search)) {
    filter.text = search;
    filter_outbox.Set(SetFilter{filter});
  }
  Anchor("list.search");

  // Filters: four combos sharing the width (narrow: two lines of two), then the overdue switch.
  const float spacing = ImGui::GetStyle().ItemSpacing.x;
  const int per_line = layout.narrow ? 2 : 4;
  const float combo_width =
      (ImGui::GetContentRegionAvail().x - static_cast<float>(per_line - 1) * spacing) /
      static_cast<float>(per_line);
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
    if (i % static_cast<size_t>(per_line) != 0) ImGui::SameLine();
    const Filter& f = filters[i];
    ImGui::SetNextItemWidth(combo_width);
    changed |= ui::CodeCombo(f.id, s.lang, CodesOf(f.enumeration), *f.value, s.filter_any, f.title);
    Anchor(std::string("list.filter.") + f.enumeration);
  }
  changed |= ImGui::Checkbox(s.filter_overdue, &filter.overdue_only);
  Anchor("list.filter.overdue");
  const CustomerList& list = *snap.customers;
  const std::string count = ui::Format(s.list_count_fmt, static_cast<int>(list.rows.size()));
  if (layout.narrow) {
    // Compact: the count beside the overdue switch, the preference on a line of its own.
    ImGui::SameLine();
    ui::TextMuted(list.truncated ? count + "+" : count);
  }
  // A structured preference (issue #18): its kind, then the value typed (e.g. 月结).
  if (!layout.narrow) ImGui::SameLine();
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

  if (!layout.narrow) {
    ImGui::SameLine();
    ui::TextMuted(list.truncated ? count + "+" : count);
  }

  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY |
                                ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_Resizable |
                                ImGuiTableFlags_SizingStretchProp;
  if (ImGui::BeginTable("customers", layout.narrow ? 2 : 5, flags,
                        ImVec2(0, ImGui::GetContentRegionAvail().y))) {
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn(s.col_name, ImGuiTableColumnFlags_WidthStretch, 3.0f);
    if (layout.narrow) {
      ImGui::TableSetupColumn(s.col_tier, ImGuiTableColumnFlags_WidthFixed,
                              ImGui::CalcTextSize(s.col_tier).x + ImGui::GetFontSize() * 2);
    } else {
      ImGui::TableSetupColumn(s.col_city, ImGuiTableColumnFlags_WidthStretch, 1.2f);
      ImGui::TableSetupColumn(s.col_tier, ImGuiTableColumnFlags_WidthStretch, 0.6f);
      ImGui::TableSetupColumn(s.col_stage, ImGuiTableColumnFlags_WidthStretch, 1.2f);
      ImGui::TableSetupColumn(s.col_last_visit, ImGuiTableColumnFlags_WidthStretch, 1.8f);
    }
    ImGui::TableHeadersRow();

    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(list.rows.size()));
    while (clipper.Step()) {
      for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
        const CustomerRow& row = list.rows[static_cast<size_t>(i)];
        row_clicked |= DrawRow(s, row, row.id == snap.selected_id, outbox, layout);
        ++rows_submitted;
      }
    }
    ImGui::EndTable();
  }
  outbox.Flush(intents);
}

}  // namespace fieldbook::app
