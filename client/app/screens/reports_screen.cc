#include "reports_screen.h"

#include <imgui.h>

#include <algorithm>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "../ui_probe.h"

namespace fieldbook::app {

namespace {

constexpr float kChartHeight = 150.0f;
constexpr float kBarWidth = 56.0f;
constexpr float kBarGap = 28.0f;

ImVec4 TierColor(const std::string& tier) {
  if (tier == "VIP") return {0.85f, 0.68f, 0.22f, 1.0f};
  if (tier == "A") return {0.30f, 0.70f, 0.40f, 1.0f};
  if (tier == "B") return {0.26f, 0.59f, 0.78f, 1.0f};
  if (tier == "C") return {0.55f, 0.47f, 0.80f, 1.0f};
  if (tier == "D") return {0.70f, 0.45f, 0.35f, 1.0f};
  return {0.50f, 0.52f, 0.56f, 1.0f};
}

ImVec4 Lighter(ImVec4 c) {
  return {c.x + (1 - c.x) * 0.5f, c.y + (1 - c.y) * 0.5f, c.z + (1 - c.z) * 0.5f, 1.0f};
}

std::string TierLabel(const Strings& s, const std::string& tier) {
  return tier.empty() ? std::string(s.not_graded_short) : tier;
}

void Heading(const char* text) {
  ImGui::Spacing();
  ImGui::Separator();
  ImGui::SetWindowFontScale(1.1f);
  ui::Text(text);
  ImGui::SetWindowFontScale(1.0f);
}

// Bars of customers per tier; the provisional share of a bar is drawn lighter on top.
void TierChart(const Strings& s, const Reports& r) {
  int64_t most = 1;
  int64_t provisional = 0;
  for (const TierBar& b : r.tiers) {
    most = std::max(most, b.customers);
    provisional += b.provisional;
  }
  const float line = ImGui::GetTextLineHeightWithSpacing();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float base = origin.y + line + kChartHeight;  // counts above the tallest bar
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
  draw->AddLine(ImVec2(origin.x, base),
                ImVec2(origin.x + r.tiers.size() * (kBarWidth + kBarGap), base),
                ImGui::GetColorU32(ui::kMuted));
  for (size_t i = 0; i < r.tiers.size(); ++i) {
    const TierBar& b = r.tiers[i];
    const float x0 = origin.x + static_cast<float>(i) * (kBarWidth + kBarGap);
    const float h =
        std::max(1.0f, kChartHeight * static_cast<float>(b.customers) / static_cast<float>(most));
    const float hp = kChartHeight * static_cast<float>(b.provisional) / static_cast<float>(most);
    const ImVec4 color = TierColor(b.tier);
    draw->AddRectFilled(ImVec2(x0, base - h), ImVec2(x0 + kBarWidth, base),
                        ImGui::GetColorU32(color), 3.0f);
    if (hp > 0) {
      draw->AddRectFilled(ImVec2(x0, base - h), ImVec2(x0 + kBarWidth, base - h + hp),
                          ImGui::GetColorU32(Lighter(color)), 3.0f);
    }
    const std::string count = std::to_string(b.customers);
    const float count_w = ImGui::CalcTextSize(count.c_str()).x;
    draw->AddText(ImVec2(x0 + (kBarWidth - count_w) / 2, base - h - line), text, count.c_str());
    const std::string label = TierLabel(s, b.tier);
    const float label_w = ImGui::CalcTextSize(label.c_str()).x;
    draw->AddText(ImVec2(x0 + (kBarWidth - label_w) / 2, base + 4), text, label.c_str());
    // The bar as an item: hover shows the figures, and the probe sees its true height.
    ImGui::SetCursorScreenPos(ImVec2(x0, base - h));
    ImGui::PushID(static_cast<int>(i));
    ImGui::InvisibleButton("bar", ImVec2(kBarWidth, h));
    ImGui::PopID();
    Anchor("reports.bar:", b.tier);
    if (ImGui::IsItemHovered()) {
      ImGui::SetTooltip("%s: %lld", label.c_str(), static_cast<long long>(b.customers));
    }
  }
  ImGui::SetCursorScreenPos(ImVec2(origin.x, base + line + 8));
  ImGui::Dummy(ImVec2(1, 1));
  if (provisional > 0) {
    ui::TextMuted(ui::Format(s.reports_provisional_fmt, static_cast<long long>(provisional)));
  }
}

// Rows: tier before ("-": not graded then); columns: tier after. Cells shaded by count, green for
// a move up, red for a move down.
void MigrationGrid(const Strings& s, const Reports& r) {
  const client::TierMigration& m = *r.migration;
  ui::TextMuted(ui::Format(s.reports_runs_fmt, static_cast<long long>(m.from_run),
                           m.from_day.empty() ? "-" : m.from_day.c_str(),
                           static_cast<long long>(m.to_run), m.to_day.c_str()));
  // Tier order: as in the tier chart (the rules' order), then any others, "-" last.
  std::map<std::string, int> rank;
  for (const TierBar& b : r.tiers) {
    if (!b.tier.empty()) rank.emplace(b.tier, static_cast<int>(rank.size()));
  }
  auto rank_of = [&rank](const std::string& tier) {
    if (tier == "-") return 1 << 20;
    auto it = rank.find(tier);
    return it == rank.end() ? 1 << 10 : it->second;
  };
  std::vector<std::string> before, after;
  int64_t most = 1;
  std::map<std::pair<std::string, std::string>, int64_t> cells;
  for (const client::MigrationCell& c : m.cells) {
    if (std::find(before.begin(), before.end(), c.from) == before.end()) before.push_back(c.from);
    if (std::find(after.begin(), after.end(), c.to) == after.end()) after.push_back(c.to);
    cells[{c.from, c.to}] += c.customers;
    most = std::max(most, c.customers);
  }
  auto order = [&rank_of](std::vector<std::string>& v) {
    std::sort(v.begin(), v.end(), [&rank_of](const std::string& a, const std::string& b) {
      return rank_of(a) != rank_of(b) ? rank_of(a) < rank_of(b) : a < b;
    });
  };
  order(before);
  order(after);
  if (after.empty()) return ui::TextMuted(s.none);
  const ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_SizingFixedFit;
  if (!ImGui::BeginTable("migration", static_cast<int>(after.size()) + 1, flags)) return;
  ImGui::TableSetupColumn("##before", ImGuiTableColumnFlags_WidthFixed, 90.0f);
  for (const std::string& a : after) {
    ImGui::TableSetupColumn(a.c_str(), ImGuiTableColumnFlags_WidthFixed, 64.0f);
  }
  ImGui::TableHeadersRow();
  for (const std::string& b : before) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ui::Text(b == "-" ? std::string(s.reports_new_tier) : b);
    for (const std::string& a : after) {
      ImGui::TableNextColumn();
      auto it = cells.find({b, a});
      const int64_t n = it == cells.end() ? 0 : it->second;
      if (n > 0) {
        const float share = 0.25f + 0.6f * static_cast<float>(n) / static_cast<float>(most);
        const bool up = b != "-" && rank_of(a) < rank_of(b);
        const bool down = b != "-" && rank_of(a) > rank_of(b);
        const ImVec4 tint = up     ? ImVec4(0.20f, 0.65f, 0.30f, share)
                            : down ? ImVec4(0.80f, 0.25f, 0.22f, share)
                                   : ImVec4(0.35f, 0.45f, 0.65f, share);
        ImGui::TableSetBgColor(ImGuiTableBgTarget_CellBg, ImGui::GetColorU32(tint));
        ui::Text(std::to_string(n));
      } else {
        ui::TextMuted("\xC2\xB7");  // middle dot
      }
      Anchor("reports.cell:", b + ">" + a);
    }
  }
  ImGui::EndTable();
}

void Portfolio(const Strings& s, const client::RepPortfolio& p) {
  ui::TextMuted(ui::Format(s.reports_portfolio_fmt, p.today.c_str()));
  if (!ui::BeginFieldTable("portfolio", 180.0f)) return;
  ui::FieldRow(s.reports_customers, std::to_string(p.customers));
  std::string tiers;
  for (const auto& [tier, n] : p.tiers) {
    tiers += (tiers.empty() ? "" : "  \xC2\xB7  ") +
             TierLabel(s, tier == "not graded" ? "" : tier) + " " + std::to_string(n);
  }
  ui::FieldRow(s.reports_by_tier, tiers);
  // Due today and overdue, red when anything is overdue.
  for (const auto& [label, due, overdue] :
       {std::tuple{s.reports_follow_ups, p.follow_ups_due, p.follow_ups_overdue},
        std::tuple{s.reports_visits, p.visits_due, p.visits_overdue}}) {
    ui::FieldRow(
        label,
        ui::Format(s.reports_due_fmt, static_cast<long long>(due), static_cast<long long>(overdue)),
        overdue > 0 ? ui::kOverdue : ImGui::GetStyleColorVec4(ImGuiCol_Text));
  }
  const std::string revenue = ui::Format(s.reports_revenue_fmt, p.window_days);
  ui::FieldRow(revenue.c_str(), ui::Money(p.revenue_cents, "CNY"),
               ImGui::GetStyleColorVec4(ImGuiCol_Text));
  Anchor("reports.portfolio.revenue");
  ImGui::EndTable();
}

// At-risk customers with the reasons; a name opens the customer page.
void AtRisk(const Strings& s, const Snapshot& snap, ui::Screen& screen) {
  const Reports& r = *snap.reports;
  if (r.at_risk.empty()) return ui::TextMuted(s.reports_no_risk);
  if (!ui::BeginList("at_risk", {{s.col_name, 1.6f},
                                 {s.col_tier, 0.4f},
                                 {s.grade_lifecycle, 0.8f},
                                 {s.grade_churn, 0.8f},
                                 {s.grade_reasons, 4.0f}})) {
    return;
  }
  for (const AtRiskRow& a : r.at_risk) {
    ui::ListRow row(a.customer_id);
    ImGui::TableNextColumn();
    screen.CustomerLink(a.name, a.customer_id, snap);
    Anchor("reports.risk:", a.customer_id);
    if (a.provisional) ui::TextColored(ui::kDue, s.provisional);
    ui::Cell(a.tier);
    ui::CellColored(a.lifecycle == "churned" ? ui::kOverdue : ui::kDue,
                    CodeLabel(s.lang, a.lifecycle));
    ImGui::TableNextColumn();
    ImGui::ProgressBar(static_cast<float>(a.churn_risk), ImVec2(-1, 0),
                       ui::Format("%.0f%%", a.churn_risk * 100).c_str());
    const std::string why = a.why.empty() ? a.reasons : JoinReasons(s.lang, a.why);
    ui::CellWrapped(why);
    Anchor("reports.reason:", why);
  }
  ImGui::EndTable();
}

}  // namespace

void ReportsScreen::Draw(const Snapshot& snap, Intents& intents) {
  open_customer_requested = false;
  const Reports& r = *snap.reports;
  ui::Title(s.reports_title);
  const float button_width =
      ImGui::CalcTextSize(s.reports_refresh).x + 2 * ImGui::GetStyle().FramePadding.x;
  ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - button_width);
  if (ImGui::Button(s.reports_refresh)) outbox.Set(RefreshReports{});
  Anchor("reports.refresh");
  if (r.server_fetched) {
    ui::TextMuted(ui::Format(s.reports_as_of_fmt, r.server_as_of.c_str()));
  } else {
    ui::TextMuted(s.reports_never);
  }
  if (!r.server_error.ok()) {
    ui::TextColored(ui::kOverdue,
                    ui::Format(s.reports_failed_fmt, ui::ErrorText(s, r.server_error).c_str()));
  }

  // Two columns: the charts on the left, the rep's own figures and who to call on the right.
  const float left_width = ImGui::GetContentRegionAvail().x * 0.46f;
  ImGui::BeginChild("reports_left", ImVec2(left_width, 0));
  Heading(s.reports_tiers);
  if (r.tiers.empty()) {
    ui::TextMuted(s.none);
  } else {
    TierChart(s, r);
  }
  Heading(s.reports_migration);
  if (r.migration) {
    MigrationGrid(s, r);
  } else {
    ui::TextMuted(r.server_fetched ? s.reports_no_runs : s.reports_never);
  }
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("reports_right", ImVec2(0, 0));
  Heading(s.reports_portfolio);
  if (r.portfolio) {
    Portfolio(s, *r.portfolio);
  } else {
    ui::TextMuted(r.server_fetched ? s.reports_no_portfolio : s.reports_never);
  }
  Heading(s.reports_at_risk);
  AtRisk(s, snap, *this);
  ImGui::EndChild();
  outbox.Flush(intents);
}

}  // namespace fieldbook::app
