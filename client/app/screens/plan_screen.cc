#include "plan_screen.h"

#include <imgui.h>

#include "../ui_probe.h"

namespace fieldbook::app {

namespace {

struct Section {
  PlanItem::Kind kind;
  const char* title;
  ImVec4 color;
};

}  // namespace

void PlanScreen::Draw(const Snapshot& snap, Intents& intents) {
  open_customer_requested = false;
  const Plan& plan = *snap.plan;
  ImGui::SetWindowFontScale(1.2f);
  ui::Text(ui::Format(s.plan_title_fmt, snap.today.c_str()));
  ImGui::SetWindowFontScale(1.0f);
  if (plan.items.empty()) ui::TextMuted(s.plan_empty);
  // First: losing a customer to the pool is what a visit today can still prevent.
  DrawReclaimWarnings(snap);

  const Section sections[] = {{PlanItem::Kind::kOverdue, s.plan_overdue, ui::kOverdue},
                              {PlanItem::Kind::kDue, s.plan_due, ui::kDue},
                              {PlanItem::Kind::kSuggested, s.plan_suggested, ui::kGood}};
  for (const Section& section : sections) {
    size_t count = 0;
    for (const PlanItem& item : plan.items) count += item.kind == section.kind ? 1 : 0;
    if (count == 0) continue;
    ImGui::Spacing();
    ui::TextColored(section.color, ui::Format("%s (%zu)", section.title, count));
    ImGui::PushID(static_cast<int>(section.kind));
    const ImGuiTableFlags flags =
        ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp;
    if (ImGui::BeginTable("plan", 5, flags)) {
      ImGui::TableSetupColumn(s.col_name, ImGuiTableColumnFlags_WidthStretch, 2.0f);
      ImGui::TableSetupColumn(s.col_tier, ImGuiTableColumnFlags_WidthStretch, 0.4f);
      ImGui::TableSetupColumn(s.col_due, ImGuiTableColumnFlags_WidthStretch, 0.9f);
      ImGui::TableSetupColumn(s.col_reason, ImGuiTableColumnFlags_WidthStretch, 4.0f);
      ImGui::TableSetupColumn("##action", ImGuiTableColumnFlags_WidthFixed, 70.0f);
      for (const PlanItem& item : plan.items) {
        if (item.kind != section.kind) continue;
        ImGui::TableNextRow();
        ImGui::PushID(item.task_id.empty() ? item.customer_id.c_str() : item.task_id.c_str());
        ImGui::TableNextColumn();
        if (ImGui::Selectable(item.customer_name.c_str(), item.customer_id == snap.selected_id)) {
          outbox.Set(SelectCustomer{item.customer_id});
          open_customer_requested = true;
        }
        Anchor("plan.open:", item.customer_id);
        ImGui::TableNextColumn();
        ui::Text(item.tier);
        ImGui::TableNextColumn();
        if (item.kind == PlanItem::Kind::kOverdue) {
          ui::TextColored(ui::kOverdue, item.due_date);
        } else {
          ui::Text(item.due_date);
        }
        ImGui::TableNextColumn();
        const std::string why = item.why.empty() ? item.reason : SayAll(s.lang, item.why);
        ui::TextWrapped(why);
        Anchor("plan.reason:", why);
        ImGui::TableNextColumn();
        if (!item.task_id.empty()) {
          if (ImGui::SmallButton(s.mark_done)) outbox.Set(CompleteTask{item.task_id});
          Anchor("plan.done:", item.task_id);
        }
        ImGui::PopID();
      }
      ImGui::EndTable();
    }
    ImGui::PopID();
  }
  DrawCare(snap);
  outbox.Flush(intents);
}

// Birthdays and care tasks of the days ahead (issue #18): a birthday has a button that schedules
// a care task for it (anchors "plan.care:<customer id>[:<contact id>]"), a task its Done button.
void PlanScreen::DrawCare(const Snapshot& snap) {
  const std::vector<CareRow>& care = snap.plan->care;
  if (care.empty()) return;
  ImGui::Spacing();
  ui::TextColored(ui::kGood,
                  ui::Format(s.plan_care_fmt, static_cast<long long>(snap.plan->care_days)));
  const ImGuiTableFlags flags =
      ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp;
  if (!ImGui::BeginTable("care", 4, flags)) return;
  ImGui::TableSetupColumn(s.col_name, ImGuiTableColumnFlags_WidthStretch, 2.0f);
  ImGui::TableSetupColumn(s.col_due, ImGuiTableColumnFlags_WidthStretch, 0.9f);
  ImGui::TableSetupColumn(s.col_reason, ImGuiTableColumnFlags_WidthStretch, 4.0f);
  ImGui::TableSetupColumn("##action", ImGuiTableColumnFlags_WidthFixed, 150.0f);
  for (const CareRow& c : care) {
    ImGui::TableNextRow();
    const std::string key = c.customer_id + (c.contact_id.empty() ? "" : ":" + c.contact_id);
    ImGui::PushID(c.task_id.empty() ? key.c_str() : c.task_id.c_str());
    ImGui::TableNextColumn();
    if (ImGui::Selectable(c.customer_name.c_str(), c.customer_id == snap.selected_id)) {
      outbox.Set(SelectCustomer{c.customer_id});
      open_customer_requested = true;
    }
    ImGui::TableNextColumn();
    ui::Text(c.date);
    ImGui::TableNextColumn();
    const std::string why = Say(s.lang, c.why, c.reason);
    ui::TextWrapped(why);
    Anchor("plan.care_reason:", why);
    ImGui::TableNextColumn();
    if (c.birthday) {
      if (ImGui::SmallButton(s.plan_care_task)) {
        outbox.Set(ScheduleCareTask{c.customer_id, c.contact_id});
      }
      Anchor("plan.care:", key);
    } else {
      if (ImGui::SmallButton(s.mark_done)) outbox.Set(CompleteTask{c.task_id});
      Anchor("plan.done:", c.task_id);
    }
    ImGui::PopID();
  }
  ImGui::EndTable();
}

// The rep's customers about to return to the public pool (computed on the device: a visit or an
// order logged here clears the line at once).
void PlanScreen::DrawReclaimWarnings(const Snapshot& snap) {
  const std::vector<ReclaimWarningRow>& warnings = snap.plan->reclaim_warnings;
  if (warnings.empty()) return;
  ImGui::Spacing();
  ui::TextColored(ui::kOverdue, ui::Format("%s (%zu)", s.plan_reclaim, warnings.size()));
  const ImGuiTableFlags flags =
      ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp;
  if (!ImGui::BeginTable("reclaim", 4, flags)) return;
  ImGui::TableSetupColumn(s.col_name, ImGuiTableColumnFlags_WidthStretch, 2.0f);
  ImGui::TableSetupColumn(s.col_tier, ImGuiTableColumnFlags_WidthStretch, 0.4f);
  ImGui::TableSetupColumn(s.col_due, ImGuiTableColumnFlags_WidthStretch, 0.9f);
  ImGui::TableSetupColumn(s.col_reason, ImGuiTableColumnFlags_WidthStretch, 4.0f);
  for (const ReclaimWarningRow& w : warnings) {
    ImGui::TableNextRow();
    ImGui::PushID(w.customer_id.c_str());
    ImGui::TableNextColumn();
    if (ImGui::Selectable(w.name.empty() ? w.customer_id.c_str() : w.name.c_str(),
                          w.customer_id == snap.selected_id)) {
      outbox.Set(SelectCustomer{w.customer_id});
      open_customer_requested = true;
    }
    Anchor("plan.reclaim:", w.customer_id);
    ImGui::TableNextColumn();
    ui::Text(w.tier);
    ImGui::TableNextColumn();
    ui::TextColored(w.days_until <= 1 ? ui::kOverdue : ui::kDue, w.deadline);
    ImGui::TableNextColumn();
    std::string line = w.days_until > 1
                           ? ui::Format(s.reclaim_in_fmt, static_cast<long long>(w.days_until))
                       : w.days_until == 1 ? std::string(s.reclaim_tomorrow)
                                           : std::string(s.reclaim_due);
    line += " (" +
            (w.last_activity.empty() ? std::string(s.reclaim_no_activity)
                                     : ui::Format(s.reclaim_last_fmt, w.last_activity.c_str())) +
            ")";
    ui::TextWrapped(line);
    ImGui::PopID();
  }
  ImGui::EndTable();
}

}  // namespace fieldbook::app
