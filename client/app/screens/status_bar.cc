#include "status_bar.h"

#include <imgui.h>

#include "../ui_probe.h"

namespace fieldbook::app {

float StatusBar::Height() {
  // A separator, then one line of frame height.
  return ImGui::GetFrameHeightWithSpacing() + ImGui::GetStyle().ItemSpacing.y + 1;
}

void StatusBar::Draw(const Snapshot& snap, Intents& intents) {
  const StatusInfo& st = snap.status;
  ImGui::Separator();

  // A coloured dot, then the connection state.
  const char* state = !st.server_configured                       ? s.no_server
                      : st.connectivity == Connectivity::kOnline  ? s.online
                      : st.connectivity == Connectivity::kOffline ? s.offline
                                                                  : s.not_connected;
  const ImVec4 color = st.connectivity == Connectivity::kOnline    ? ui::kGood
                       : st.connectivity == Connectivity::kOffline ? ui::kOverdue
                                                                   : ui::kMuted;
  const float h = ImGui::GetFrameHeight();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  ImGui::GetWindowDrawList()->AddCircleFilled(ImVec2(p.x + h * 0.3f, p.y + h * 0.5f), h * 0.22f,
                                              ImGui::GetColorU32(color));
  ImGui::Dummy(ImVec2(h * 0.6f, h));
  ImGui::SameLine();
  ImGui::AlignTextToFramePadding();
  ui::Text(state);
  Anchor("status.connectivity");

  ImGui::SameLine(0, 24);
  if (st.pending_changes > 0) {
    ui::TextColored(ui::kDue,
                    st.pending_changes == 1
                        ? std::string(s.pending_one)
                        : ui::Format(s.pending_fmt, static_cast<long long>(st.pending_changes)));
  } else {
    ui::TextMuted(s.all_synced);
  }
  Anchor("status.pending");

  ImGui::SameLine(0, 24);
  ui::TextMuted(st.last_sync.empty() ? std::string(s.never_synced)
                                     : ui::Format(s.last_sync_fmt, st.last_sync.c_str()));

  // A visit in progress (checked in, not yet out; issue #18): where and since when.
  if (!snap.plan->in_progress.empty()) {
    const OpenVisitRow& v = snap.plan->in_progress.front();
    ImGui::SameLine(0, 24);
    ui::TextColored(ui::kDue, ui::Format(s.status_checked_in_fmt, v.customer_name.c_str(),
                                         ui::LocalTime(v.check_in).c_str()));
    Anchor("status.visit");
  }

  // The latest problem, else what the last sync did.
  if (!snap.error.empty() || st.sync_failed) {
    ImGui::SameLine(0, 24);
    ui::TextColored(ui::kOverdue, !snap.error.empty() ? snap.error : st.sync_message);
  } else if (st.synced) {
    ImGui::SameLine(0, 24);
    std::string line =
        ui::Format(s.sync_summary_fmt, st.last_summary.pushed, st.last_summary.received);
    if (st.last_summary.rejected > 0) {
      line += ui::Format(s.sync_refused_fmt, st.last_summary.rejected);
    }
    ui::TextColored(st.last_summary.rejected > 0 ? ui::kDue : ui::kMuted, line);
  }

  const char* label = st.syncing ? s.syncing : s.sync;
  const float width = ImGui::CalcTextSize(label).x + 2 * ImGui::GetStyle().FramePadding.x + 24;
  ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - width);
  ImGui::BeginDisabled(st.syncing);
  if (ImGui::Button(label, ImVec2(width, 0))) outbox.Set(SyncNow{});
  Anchor("status.sync");
  ImGui::EndDisabled();
  outbox.Flush(intents);
}

}  // namespace fieldbook::app
