#include "screen.h"

#include <imgui.h>

namespace fieldbook::app::ui {

void Screen::CustomerLink(const std::string& label, const std::string& customer_id,
                          const Snapshot& snap) {
  if (ImGui::Selectable(label.c_str(), customer_id == snap.selected_id)) {
    outbox.Set(SelectCustomer{customer_id});
    open_customer_requested = true;
  }
}

}  // namespace fieldbook::app::ui
