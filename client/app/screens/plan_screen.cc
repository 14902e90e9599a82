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
  ui::Title(ui::Format(s.plan_title_fmt, snap.today.c_str()));
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
    if (ui::BeginList("plan",
                      {{s.col_name, 2.0f},
                       {s.col_tier, 0.4f},
                       {s.col_due, 0.9f},
                       {s.col_reason, 4.0f},
                       ui::Fixed("##action", 70.0f)},
                      false)) {
      for (const PlanItem& item : plan.items) {
        if (item.kind != section.kind) continue;
        ui::ListRow row(item.task_id.empty() ? item.customer_id : item.task_id);
        ImGui::TableNextColumn();
        CustomerLink(item.customer_name, item.customer_id, snap);
        Anchor("plan.open:", item.customer_id);
        ui::Cell(item.tier);
        ui::CellColored(item.kind == PlanItem::Kind::kOverdue
                            ? ui::kOverdue
                            : ImGui::GetStyleColorVec4(ImGuiCol_Text),
                        item.due_date);
        const std::string why = item.why.empty() ? item.reason : SayAll(s.lang, item.why);
        ui::CellWrapped(why);
        Anchor("plan.reason:", why);
        ImGui::TableNextColumn();
        if (!item.task_id.empty()) DoneButton(item.task_id);
      }
      ImGui::EndTable();
    }
    ImGui::PopID();
  }
  DrawCare(snap);
  outbox.Flush(intents);
}

void PlanScreen::DoneButton(const std::string& task_id) {
  if (ImGui::SmallButton(s.mark_done)) outbox.Set(CompleteTask{task_id});
  Anchor("plan.done:", task_id);
}

// Birthdays and care tasks of the days ahead (issue #18): a birthday has a button that schedules
// a care task for it (anchors "plan.care:<customer id>[:<contact id>]"), a task its Done button.
void PlanScreen::DrawCare(const Snapshot& snap) {
  const std::vector<CareRow>& care = snap.plan->care;
  if (care.empty()) return;
  ImGui::Spacing();
  ui::TextColored(ui::kGood,
                  ui::Format(s.plan_care_fmt, static_cast<long long>(snap.plan->care_days)));
  if (!ui::BeginList("care",
                     {{s.col_name, 2.0f},
                      {s.col_due, 0.9f},
                      {s.col_reason, 4.0f},
                      ui::Fixed("##action", 150.0f)},
                     false)) {
    return;
  }
  for (const CareRow& c : care) {
    const std::string key = c.customer_id + (c.contact_id.empty() ? "" : ":" + c.contact_id);
    ui::ListRow row(c.task_id.empty() ? key : c.task_id);
    ImGui::TableNextColumn();
    CustomerLink(c.customer_name, c.customer_id, snap);
    ui::Cell(c.date);
    const std::string why = Say(s.lang, c.why, c.reason);
    ui::CellWrapped(why);
    Anchor("plan.care_reason:", why);
    ImGui::TableNextColumn();
    if (!c.birthday) {
      DoneButton(c.task_id);
      continue;
    }
    if (ImGui::SmallButton(s.plan_care_task)) {
      outbox.Set(ScheduleCareTask{c.customer_id, c.contact_id, s.lang});
    }
    Anchor("plan.care:", key);
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
  if (!ui::BeginList(
          "reclaim",
          {{s.col_name, 2.0f}, {s.col_tier, 0.4f}, {s.col_due, 0.9f}, {s.col_reason, 4.0f}},
          false)) {
    return;
  }
  for (const ReclaimWarningRow& w : warnings) {
    ui::ListRow row(w.customer_id);
    ImGui::TableNextColumn();
    CustomerLink(w.name.empty() ? w.customer_id : w.name, w.customer_id, snap);
    Anchor("plan.reclaim:", w.customer_id);
    ui::Cell(w.tier);
    ui::CellColored(w.days_until <= 1 ? ui::kOverdue : ui::kDue, w.deadline);
    std::string line = w.days_until > 1
                           ? ui::Format(s.reclaim_in_fmt, static_cast<long long>(w.days_until))
                       : w.days_until == 1 ? std::string(s.reclaim_tomorrow)
                                           : std::string(s.reclaim_due);
    line += " (" +
            (w.last_activity.empty() ? std::string(s.reclaim_no_activity)
                                     : ui::Format(s.reclaim_last_fmt, w.last_activity.c_str())) +
            ")";
    ui::CellWrapped(line);
  }
  ImGui::EndTable();
}

}  // namespace fieldbook::app
