#include "app_ui.h"

#include <imgui.h>

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
  ImGui::Begin("Fieldbook", nullptr, flags);

  if (!snap.ready) {
    if (snap.error.empty()) {
      ui::TextMuted(s_.loading);
    } else {
      ui::TextColored(ui::kOverdue, snap.error);
    }
    ImGui::End();
    return;
  }

  ImGui::BeginChild("main", ImVec2(0, -StatusBar::Height()));
  if (ImGui::BeginTabBar("tabs")) {
    const ImGuiTabItemFlags customers_flags =
        switch_to_customers_ ? ImGuiTabItemFlags_SetSelected : ImGuiTabItemFlags_None;
    switch_to_customers_ = false;
    const bool customers_open = ImGui::BeginTabItem(s_.tab_customers, nullptr, customers_flags);
    Anchor("tab.customers");
    if (customers_open) {
      tab_ = Tab::kCustomers;
      const float list_width = ImGui::GetContentRegionAvail().x * 0.44f;
      ImGui::BeginChild("list", ImVec2(list_width, 0));
      list_.Draw(snap, intents);
      ImGui::EndChild();
      ImGui::SameLine();
      ImGui::BeginChild("customer", ImVec2(0, 0), true);
      customer_.Draw(snap, intents);
      ImGui::EndChild();
      ImGui::EndTabItem();
    }

    const bool plan_open = ImGui::BeginTabItem(s_.tab_plan);
    Anchor("tab.plan");
    if (plan_open) {
      tab_ = Tab::kPlan;
      ImGui::BeginChild("plan");
      plan_.Draw(snap, intents);
      ImGui::EndChild();
      ImGui::EndTabItem();
    }

    const bool reports_open = ImGui::BeginTabItem(s_.tab_reports);
    Anchor("tab.reports");
    if (reports_open) {
      tab_ = Tab::kReports;
      ImGui::BeginChild("reports");
      reports_.Draw(snap, intents);
      ImGui::EndChild();
      ImGui::EndTabItem();
    }

    const bool pool_open = ImGui::BeginTabItem(s_.tab_pool);
    Anchor("tab.pool");
    if (pool_open) {
      tab_ = Tab::kPool;
      ImGui::BeginChild("pool");
      pool_.Draw(snap, intents);
      ImGui::EndChild();
      ImGui::EndTabItem();
    }

    const std::string review_label =
        ui::Format(s_.tab_review_fmt, static_cast<int>(snap.review->size())) + "###review";
    const bool review_open = ImGui::BeginTabItem(review_label.c_str());
    Anchor("tab.review");
    if (review_open) {
      tab_ = Tab::kReview;
      review_.Draw(snap, intents);
      ImGui::EndTabItem();
    }
    ImGui::EndTabBar();
  }
  ImGui::EndChild();

  status_.Draw(snap, intents);

  // Routing between screens, for the next frame.
  if (plan_.open_customer_requested || reports_.open_customer_requested) {
    switch_to_customers_ = true;
  }
  if (customer_.log_visit_requested) {
    const CustomerDetail& d = *snap.customer;
    visit_.Open(d.id, d.name.empty() ? d.name_latin : d.name);
  }
  visit_.Draw(snap, intents);

  ImGui::End();
}

}  // namespace fieldbook::app
