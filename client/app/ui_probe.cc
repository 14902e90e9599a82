#include "ui_probe.h"

#include <algorithm>

#include <imgui.h>

namespace fieldbook::app {

namespace {
thread_local UiProbe* g_probe = nullptr;
}  // namespace

void UiProbe::Record(std::string_view name, WidgetRect rect) {
  rects_.insert_or_assign(std::string(name), rect);
}

std::optional<WidgetRect> UiProbe::Find(std::string_view name) const {
  auto it = rects_.find(name);
  if (it == rects_.end()) return std::nullopt;
  return it->second;
}

std::string UiProbe::Names() const {
  std::string out;
  for (const auto& [name, rect] : rects_) {
    if (!out.empty()) out += ' ';
    out += name;
  }
  return out;
}

void InstallProbe(UiProbe* probe) { g_probe = probe; }

void Anchor(std::string_view name) {
  if (g_probe == nullptr || !ImGui::IsItemVisible()) return;
  // The part of the item inside the current clip rectangle: where a click lands on it.
  const ImVec2 min = ImGui::GetItemRectMin();
  const ImVec2 max = ImGui::GetItemRectMax();
  const ImVec2 clip_min = ImGui::GetWindowDrawList()->GetClipRectMin();
  const ImVec2 clip_max = ImGui::GetWindowDrawList()->GetClipRectMax();
  const WidgetRect r{std::max(min.x, clip_min.x), std::max(min.y, clip_min.y),
                     std::min(max.x, clip_max.x), std::min(max.y, clip_max.y)};
  if (r.x1 <= r.x0 || r.y1 <= r.y0) return;
  g_probe->Record(name, r);
}

void Anchor(std::string_view prefix, std::string_view id) {
  if (g_probe == nullptr) return;
  std::string name(prefix);
  name += id;
  Anchor(name);
}

}  // namespace fieldbook::app
