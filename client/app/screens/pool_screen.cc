#include "pool_screen.h"

#include <imgui.h>

#include <string>

#include "../ui_probe.h"
#include "fieldbook/phrase_json.h"
#include "lang/store_errors.h"

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
  if (!ui::BeginList("pool_requests", {{s.col_requested, 1.0f},
                                       {s.col_kind, 0.6f},
                                       {s.col_name, 1.4f},
                                       {s.col_status, 0.8f},
                                       {s.col_answer, 3.0f}})) {
    return;
  }
  for (const PoolRequestRow& r : pool.requests) {
    ImGui::TableNextRow();
    ui::Cell(ui::LocalTime(r.requested_at));
    Anchor("pool.request:", r.request_id);
    ui::Cell(r.claim ? s.req_claim : s.req_release);
    ui::Cell(r.customer_name.empty() ? r.customer_id : r.customer_name);
    ui::CellColored(StatusColor(r), StatusLabel(s, r));
    ui::CellWrapped(client::SayStoredText(s.lang, r.reason));
  }
  ImGui::EndTable();
}

}  // namespace

// The pooled customers, each with its Claim button (or that its claim waits for the sync).
void PoolScreen::DrawRows(const PoolView& pool) {
  if (!ui::BeginList("pool", {{s.col_name, 1.6f},
                              {s.col_tier, 0.4f},
                              {s.col_city, 0.7f},
                              {s.filter_region, 0.7f},
                              {s.col_since, 0.9f},
                              {s.col_why, 3.0f},
                              ui::Fixed("##claim", 150.0f)})) {
    return;
  }
  for (const PoolRow& row : pool.rows) {
    ui::ListRow list_row(row.id);
    for (const std::string* text :
         {row.name.empty() ? &row.id : &row.name, &row.tier, &row.city, &row.region, &row.since}) {
      ui::Cell(*text);
    }
    ui::CellWrapped(SayStored(s.lang, row.reason));
    if (!row.claimable && !row.refusal.empty()) {
      ImGui::PushStyleColor(ImGuiCol_Text, ui::kMuted);
      ui::TextWrapped(ui::Format(s.pool_would_refuse_fmt, SayStored(s.lang, row.refusal).c_str()));
      ImGui::PopStyleColor();
    }
    ImGui::TableNextColumn();
    if (row.claim_pending) {
      ui::TextColored(ui::kDue, s.pool_claim_waiting);
      Anchor("pool.pending:", row.id);
    } else {
      if (ImGui::SmallButton(s.pool_claim)) outbox.Set(ClaimFromPool{++last_request, row.id});
      Anchor("pool.claim:", row.id);
    }
  }
  ImGui::EndTable();
}

void PoolScreen::Draw(const Snapshot& snap, Intents& intents) {
  const PoolView& pool = *snap.pool;
  ui::Title(pool.fetched ? ui::Format(s.pool_title_fmt, ui::LocalTime(pool.as_of).c_str())
                         : std::string(s.tab_pool));

  // The outcome of the rep's last Claim click.
  const ClaimResult& claim = snap.last_claim;
  if (last_request != 0 && claim.request_id == last_request) {
    if (claim.ok) {
      ui::TextColored(ui::kGood, s.pool_claim_recorded);
    } else {
      ui::TextColored(ui::kOverdue,
                      ui::Format(s.pool_claim_failed_fmt, ui::ErrorText(s, claim.error).c_str()));
    }
    Anchor("pool.notice");
  } else if (outbox.waiting()) {
    ui::TextMuted(s.busy);
  }

  if (!pool.error.ok()) {
    ui::TextColored(ui::kOverdue,
                    ui::Format(s.pool_error_fmt, ui::ErrorText(s, pool.error).c_str()));
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

  if (!pool.rows.empty()) DrawRows(pool);
  Requests(s, pool);
  outbox.Flush(intents);
}

}  // namespace fieldbook::app
