#include "status_bar.h"

#include <imgui.h>

#include "../ui_probe.h"
#include "lang/store_errors.h"

namespace fieldbook::app {

float StatusBar::Height() {
  // A separator, then one line of frame height; narrow: the state, two lines of text (wrapped),
  // then the Sync button across the width.
  const float line = ImGui::GetFrameHeightWithSpacing();
  if (ui::CurrentLayout().narrow) {
    return 2 * line + 2 * ImGui::GetTextLineHeightWithSpacing() +
           2 * ImGui::GetStyle().ItemSpacing.y + 1;
  }
  return line + ImGui::GetStyle().ItemSpacing.y + 1;
}

void StatusBar::Draw(const Snapshot& snap, Intents& intents) {
  const StatusInfo& st = snap.status;
  const ui::Layout layout = ui::CurrentLayout();
  ImGui::Separator();

  // Wide: one line, the Sync button at its right end; texts that would reach the button are left
  // out (the least important first: the last sync's time). Narrow: three lines.
  const char* label = st.syncing ? s.syncing : s.sync;
  const float button_width =
      layout.narrow ? ImGui::GetContentRegionAvail().x
                    : ImGui::CalcTextSize(label).x + 2 * ImGui::GetStyle().FramePadding.x + 24;
  const float button_x = ImGui::GetWindowContentRegionMax().x - button_width;
  auto next = [&](std::string_view text) {
    if (layout.narrow) return true;
    const float x = ImGui::GetItemRectMax().x - ImGui::GetWindowPos().x + 24;
    if (x + ImGui::CalcTextSize(text.data(), text.data() + text.size()).x > button_x - 8) {
      return false;
    }
    ImGui::SameLine(0, 24);
    return true;
  };

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

  const std::string pending =
      st.pending_changes == 0 ? std::string(s.all_synced)
      : st.pending_changes == 1
          ? std::string(s.pending_one)
          : ui::Format(s.pending_fmt, static_cast<long long>(st.pending_changes));
  ImGui::SameLine(0, 24);
  if (st.pending_changes > 0) {
    ui::TextColored(ui::kDue, pending);
  } else {
    ui::TextMuted(pending);
  }
  Anchor("status.pending");

  // A visit in progress (checked in, not yet out; issue #18): where and since when.
  if (!snap.plan->in_progress.empty()) {
    const OpenVisitRow& v = snap.plan->in_progress.front();
    const std::string visiting = ui::Format(s.status_checked_in_fmt, v.customer_name.c_str(),
                                            ui::LocalTime(v.check_in).c_str());
    if (next(visiting)) {
      ui::TextColored(ui::kDue, visiting);
      Anchor("status.visit");
    }
  }

  // The latest problem, else what the last sync did. A failed sync says, in the UI's language,
  // how many changes are safely queued and that nothing was lost; the transport's own words
  // (not translated) are in the tooltip.
  bool said = false;
  if (const std::string error = ui::ErrorLine(s, snap); !error.empty()) {
    if (next(error)) {
      ImGui::PushStyleColor(ImGuiCol_Text, ui::kOverdue);
      ui::TextWrapped(error);
      Anchor("status.error:", error);  // the text itself, for the tests
      ImGui::PopStyleColor();
      said = true;
    }
  } else if (st.sync_failed) {
    // A server's refusal that came as a value reads in the rep's language (lang/store_errors.h).
    // The public pool's requests wait too (they go with the next sync).
    const client::SyncFailure failure{st.connectivity == Connectivity::kOffline,
                                      client::RenderError(s.lang, st.sync_message, st.sync_phrase),
                                      st.pending_changes,
                                      snap.pool ? snap.pool->waiting_requests : 0};
    const std::string line = client::RenderSyncFailureShort(s.lang, failure);
    if (next(line)) {
      ImGui::PushStyleColor(ImGuiCol_Text, ui::kOverdue);
      ui::TextWrapped(line);
      ImGui::PopStyleColor();
      Anchor("status.sync_failed:", line);  // the text itself, for the tests
      if (ImGui::IsItemHovered()) {
        ImGui::SetTooltip("%s", client::RenderSyncFailure(s.lang, failure).c_str());
      }
      said = true;
    }
  } else if (st.synced) {
    std::string line =
        ui::Format(s.sync_summary_fmt, st.last_summary.pushed, st.last_summary.received);
    if (st.last_summary.rejected > 0) {
      line += ui::Format(s.sync_refused_fmt, st.last_summary.rejected);
    }
    if (next(line)) {
      ui::TextColored(st.last_summary.rejected > 0 ? ui::kDue : ui::kMuted, line);
      said = true;
    }
  }
  const std::string last =
      st.last_sync.empty()
          ? std::string(s.never_synced)
          : ui::Format(s.last_sync_fmt, client::FormatDate(s.lang, st.last_sync).c_str());
  if (!(layout.narrow && said) && next(last)) ui::TextMuted(last);

  if (!layout.narrow) ImGui::SameLine(button_x);
  if (layout.narrow) {
    // The button on its own line, at the bottom whatever the text above took.
    ImGui::SetCursorPosY(ImGui::GetWindowContentRegionMax().y - ImGui::GetFrameHeight());
  }
  ImGui::BeginDisabled(st.syncing);
  if (ImGui::Button(label, ImVec2(button_width, 0))) outbox.Set(SyncNow{});
  Anchor("status.sync");
  ImGui::EndDisabled();
  outbox.Flush(intents);
}

}  // namespace fieldbook::app
