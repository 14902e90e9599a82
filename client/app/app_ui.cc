#include "app_ui.h"

#include <imgui.h>

#include <algorithm>

#include "screens/widgets.h"
#include "ui_probe.h"

namespace fieldbook::app {

AppUi::AppUi(Lang lang, WallClock& clock)
    : s_(StringsFor(lang)),
      list_(s_),
      customer_(s_),
      visit_(s_, clock),
      plan_(s_),
      reports_(s_),
      pool_(s_),
      status_(s_),
      review_(s_) {}

std::string AppUi::TypedText() const {
  return list_.search + visit_.f.notes + customer_.TypedText();
}

void AppUi::Draw(const Snapshot& snap, Intents& intents) {
  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(viewport->WorkPos);
  ImGui::SetNextWindowSize(viewport->WorkSize);
  const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                 ImGuiWindowFlags_NoSavedSettings |
                                 ImGuiWindowFlags_NoBringToFrontOnFocus;
  // Touch widths: every frame (buttons, inputs, combos, tabs) at least 44 px tall.
  const ui::Layout layout = ui::CurrentLayout();
  if (layout.touch) {
    const float pad = std::max(5.0f, (ui::kTouchTarget - ImGui::GetFontSize()) / 2 + 0.5f);
    ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(10, pad));
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(8, 8));
  }
  ImGui::Begin("Fieldbook", nullptr, flags);
  DrawContent(snap, intents, layout);
  ImGui::End();
  if (layout.touch) ImGui::PopStyleVar(2);
}

void AppUi::DrawContent(const Snapshot& snap, Intents& intents, const ui::Layout& layout) {
  if (!snap.ready) {
    if (snap.error.empty()) {
      ui::TextMuted(s_.loading);
    } else {
      ui::TextColored(ui::kOverdue, ui::ErrorLine(s_, snap));
    }
    return;
  }

  ImGui::BeginChild("main", ImVec2(0, -StatusBar::Height()));
  const std::string review_label =
      ui::Format(s_.tab_review_fmt, static_cast<int>(snap.review->size())) + "###review";
  const TabEntry tabs[] = {{Tab::kCustomers, s_.tab_customers, "customers", nullptr},
                           {Tab::kPlan, s_.tab_plan, "plan", &plan_},
                           {Tab::kReports, s_.tab_reports, "reports", &reports_},
                           {Tab::kPool, s_.tab_pool, "pool", &pool_},
                           {Tab::kReview, review_label.c_str(), "review", &review_}};
  if (layout.narrow) {
    // Narrow: the tabs as buttons with their whole labels, wrapping onto a second line rather
    // than shrinking to a character or scrolling out of reach.
    if (switch_to_customers_) tab_ = Tab::kCustomers;
    switch_to_customers_ = false;
    ui::WrapRow row;
    const TabEntry* shown = &tabs[0];
    for (const TabEntry& t : tabs) {
      row.Next(ui::WrapRow::ButtonWidth(t.label));
      const bool selected = tab_ == t.tab;
      if (selected) {
        ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_TabActive));
      }
      if (ImGui::Button(t.label)) tab_ = t.tab;
      Anchor("tab.", t.name);
      if (selected) ImGui::PopStyleColor();
    }
    for (const TabEntry& t : tabs) shown = t.tab == tab_ ? &t : shown;
    ImGui::Separator();
    DrawTab(*shown, snap, intents, layout);
  } else if (ImGui::BeginTabBar("tabs")) {
    const bool switching = switch_to_customers_;
    switch_to_customers_ = false;
    for (const TabEntry& t : tabs) {
      const ImGuiTabItemFlags flags = switching && t.tab == Tab::kCustomers
                                          ? ImGuiTabItemFlags_SetSelected
                                          : ImGuiTabItemFlags_None;
      const bool open = ImGui::BeginTabItem(t.label, nullptr, flags);
      Anchor("tab.", t.name);
      if (open) {
        tab_ = t.tab;
        DrawTab(t, snap, intents, layout);
        ImGui::EndTabItem();
      }
    }
    ImGui::EndTabBar();
  }
  ImGui::EndChild();

  status_.Draw(snap, intents);

  // Routing between screens, for the next frame: a customer clicked on another tab opens its page.
  for (const TabEntry& t : tabs) {
    if (t.screen == nullptr || !t.screen->open_customer_requested) continue;
    switch_to_customers_ = true;
    show_customer_ = true;
    t.screen->open_customer_requested = false;  // consumed: a screen resets it only when drawn
  }
  if (customer_.log_visit_requested) {
    const CustomerDetail& d = *snap.customer;
    visit_.Open(d.id, d.name.empty() ? d.name_latin : d.name);
  }
  visit_.Draw(snap, intents);
}

void AppUi::DrawTab(const TabEntry& t, const Snapshot& snap, Intents& intents,
                    const ui::Layout& layout) {
  if (t.screen != nullptr) {
    ImGui::BeginChild(t.name);
    t.screen->Draw(snap, intents);
    ImGui::EndChild();
    return;
  }
  if (!layout.narrow) {
    const float list_width = ImGui::GetContentRegionAvail().x * 0.44f;
    ImGui::BeginChild("list", ImVec2(list_width, 0));
    list_.Draw(snap, intents);
    ImGui::EndChild();
    ImGui::SameLine();
    ImGui::BeginChild("customer", ImVec2(0, 0), true);
    customer_.Draw(snap, intents);
    ImGui::EndChild();
  } else if (show_customer_ && !snap.selected_id.empty()) {
    // Narrow: the customer's page alone, with the way back to the list above it.
    if (ImGui::Button(s_.back_to_list, ImVec2(-FLT_MIN, 0))) show_customer_ = false;
    Anchor("customer.back");
    ImGui::BeginChild("customer", ImVec2(0, 0), true);
    customer_.Draw(snap, intents);
    ImGui::EndChild();
  } else {
    ImGui::BeginChild("list", ImVec2(0, 0));
    list_.Draw(snap, intents);
    ImGui::EndChild();
    if (list_.row_clicked) show_customer_ = true;
  }
}

}  // namespace fieldbook::app
