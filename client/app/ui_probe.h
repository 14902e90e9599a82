// UiProbe: where named widgets were drawn in the latest frame, so the GUI tests and the headless
// tour can drive the app with real input (move the mouse over "list.search", press, type) instead
// of calling into the screens. Screens call Anchor("name") after the widgets worth reaching;
// without an installed probe that costs one pointer test.
//
// Names: "tab.customers", "list.search", "list.row:<customer id>", "customer.log_visit",
// "customer.tab.visits", "visit.notes", "visit.submit", "plan.open:<customer id>",
// "status.sync"... (see the screens).
//
// Thread safety: UI thread only. The installed probe is per thread, like ImGui's context.
#ifndef FIELDBOOK_CLIENT_APP_UI_PROBE_H_
#define FIELDBOOK_CLIENT_APP_UI_PROBE_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace fieldbook::app {

struct WidgetRect {
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  float cx() const { return (x0 + x1) / 2; }
  float cy() const { return (y0 + y1) / 2; }
};

class UiProbe {
 public:
  // Forgets the previous frame's widgets (call before each frame).
  void Clear() { rects_.clear(); }
  void Record(std::string_view name, WidgetRect rect);
  std::optional<WidgetRect> Find(std::string_view name) const;
  size_t size() const { return rects_.size(); }
  // Every recorded name, sorted (for test failure messages).
  std::string Names() const;
  // Every recorded widget by name (the layout tests check sizes and overlaps).
  const std::map<std::string, WidgetRect, std::less<>>& rects() const { return rects_; }

 private:
  std::map<std::string, WidgetRect, std::less<>> rects_;
};

// Installs `probe` for this thread's frames; nullptr removes it.
void InstallProbe(UiProbe* probe);

// Records the last submitted ImGui item under `name` when a probe is installed and the item is
// visible (a row scrolled out of view is not reachable).
void Anchor(std::string_view name);

// For names built per row: the prefix and the id are joined only when a probe is installed.
void Anchor(std::string_view prefix, std::string_view id);

}  // namespace fieldbook::app

#endif  // FIELDBOOK_CLIENT_APP_UI_PROBE_H_
