#include "pool_screen.h"

#include <imgui.h>

#include <string>

#include "../ui_probe.h"

namespace fieldbook::app {

namespace {

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

const char* StatusLabel(const Strings& s, const PoolRequestRow& r) {
  if (r.status == "granted") return r.claim ? s.req_granted : s.req_released;
  if (r.status == "refused") return s.req_refused;
  return s.req_pending;
}

ImVec4 StatusColor(const PoolRequestRow& r) {
  if (r.status == "granted") return ui::kGood;
  if (r.status == "refused") return ui::kOverdue;
  return ui::kDue;
}

void Requests(const Strings& s, const PoolView& pool) {
  ImGui::Spacing();
  ImGui::Separator();
  ui::Text(s.pool_requests);
  if (pool.requests.empty()) {
    ui::TextMuted(s.pool_no_requests);
    return;
  }
  const ImGuiTableFlags flags =
      ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp;
  if (!ImGui::BeginTable("pool_requests", 5, flags)) return;
  ImGui::TableSetupColumn(s.col_requested, ImGuiTableColumnFlags_WidthStretch, 1.0f);
  ImGui::TableSetupColumn(s.col_kind, ImGuiTableColumnFlags_WidthStretch, 0.6f);
  ImGui::TableSetupColumn(s.col_name, ImGuiTableColumnFlags_WidthStretch, 1.4f);
  ImGui::TableSetupColumn(s.col_status, ImGuiTableColumnFlags_WidthStretch, 0.8f);
  ImGui::TableSetupColumn(s.col_answer, ImGuiTableColumnFlags_WidthStretch, 3.0f);
  ImGui::TableHeadersRow();
  for (const PoolRequestRow& r : pool.requests) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ui::Text(ui::LocalTime(r.requested_at));
    Anchor("pool.request:", r.request_id);
    ImGui::TableNextColumn();
    ui::Text(r.claim ? s.req_claim : s.req_release);
    ImGui::TableNextColumn();
    ui::Text(r.customer_name.empty() ? r.customer_id : r.customer_name);
    ImGui::TableNextColumn();
    ui::TextColored(StatusColor(r), StatusLabel(s, r));
    ImGui::TableNextColumn();
    ui::TextWrapped(r.reason);
  }
  ImGui::EndTable();
}

}  // namespace

void PoolScreen::Draw(const Snapshot& snap, Intents& intents) {
  const PoolView& pool = *snap.pool;
  ImGui::SetWindowFontScale(1.2f);
  ui::Text(pool.fetched ? ui::Format(s.pool_title_fmt, ui::LocalTime(pool.as_of).c_str())
                        : std::string(s.tab_pool));
  ImGui::SetWindowFontScale(1.0f);

  // The outcome of the rep's last Claim click.
  const ClaimResult& claim = snap.last_claim;
  if (last_request != 0 && claim.request_id == last_request) {
    if (claim.ok) {
      ui::TextColored(ui::kGood, s.pool_claim_recorded);
    } else {
      ui::TextColored(ui::kOverdue, ui::Format(s.pool_claim_failed_fmt, claim.message.c_str()));
    }
    Anchor("pool.notice");
  } else if (outbox.waiting()) {
    ui::TextMuted(s.busy);
  }

  if (!pool.error.empty()) {
    ui::TextColored(ui::kOverdue, ui::Format(s.pool_error_fmt, pool.error.c_str()));
  }
  if (!pool.fetched) {
    ui::TextMuted(s.pool_never);
  } else {
    ui::TextMuted(ui::Format(s.pool_caps_fmt, static_cast<long long>(pool.claims_today),
                             static_cast<long long>(pool.daily_claims),
                             static_cast<long long>(pool.holding),
                             static_cast<long long>(pool.holding_cap)));
    ui::TextMuted(pool.regions.empty()
                      ? std::string(s.pool_all_regions)
                      : ui::Format(s.pool_regions_fmt, Join(pool.regions).c_str()));
    if (pool.rows.empty()) ui::TextMuted(s.pool_empty);
  }

  if (!pool.rows.empty()) {
    const ImGuiTableFlags flags =
        ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp;
    if (ImGui::BeginTable("pool", 7, flags)) {
      ImGui::TableSetupColumn(s.col_name, ImGuiTableColumnFlags_WidthStretch, 1.6f);
      ImGui::TableSetupColumn(s.col_tier, ImGuiTableColumnFlags_WidthStretch, 0.4f);
      ImGui::TableSetupColumn(s.col_city, ImGuiTableColumnFlags_WidthStretch, 0.7f);
      ImGui::TableSetupColumn(s.filter_region, ImGuiTableColumnFlags_WidthStretch, 0.7f);
      ImGui::TableSetupColumn(s.col_since, ImGuiTableColumnFlags_WidthStretch, 0.9f);
      ImGui::TableSetupColumn(s.col_why, ImGuiTableColumnFlags_WidthStretch, 3.0f);
      ImGui::TableSetupColumn("##claim", ImGuiTableColumnFlags_WidthFixed, 150.0f);
      ImGui::TableHeadersRow();
      for (const PoolRow& row : pool.rows) {
        ImGui::TableNextRow();
        ImGui::PushID(row.id.c_str());
        ImGui::TableNextColumn();
        ui::Text(row.name.empty() ? row.id : row.name);
        ImGui::TableNextColumn();
        ui::Text(row.tier);
        ImGui::TableNextColumn();
        ui::Text(row.city);
        ImGui::TableNextColumn();
        ui::Text(row.region);
        ImGui::TableNextColumn();
        ui::Text(row.since);
        ImGui::TableNextColumn();
        ui::TextWrapped(row.reason);
        if (!row.claimable && !row.refusal.empty()) {
          ImGui::PushStyleColor(ImGuiCol_Text, ui::kMuted);
          ui::TextWrapped(ui::Format(s.pool_would_refuse_fmt, row.refusal.c_str()));
          ImGui::PopStyleColor();
        }
        ImGui::TableNextColumn();
        if (row.claim_pending) {
          ui::TextColored(ui::kDue, s.pool_claim_waiting);
          Anchor("pool.pending:", row.id);
        } else {
          if (ImGui::SmallButton(s.pool_claim)) {
            outbox.Set(ClaimFromPool{++last_request, row.id});
          }
          Anchor("pool.claim:", row.id);
        }
        ImGui::PopID();
      }
      ImGui::EndTable();
    }
  }
  Requests(s, pool);
  outbox.Flush(intents);
}

}  // namespace fieldbook::app
