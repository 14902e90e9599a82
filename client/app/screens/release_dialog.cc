#include "release_dialog.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include "../ui_probe.h"
#include "widgets.h"

namespace fieldbook::app {

void ReleaseDialog::Open(const CustomerDetail& customer) {
  if (r.customer_id != customer.id) Clear();
  r.customer_id = customer.id;
  OpenFor(customer);
}

std::optional<RecordDraft> ReleaseDialog::Draft() {
  if (!Required(r.reason, s.release_need_reason)) return std::nullopt;
  return r;
}

void ReleaseDialog::Draw(const Snapshot& snap, Intents& intents) {
  if (!Begin("###release_dialog", ui::Format(s.release_title_fmt, customer_name.c_str()), 560.0f,
             snap)) {
    return;
  }
  ui::TextWrapped(s.release_note);
  ui::FieldLabel(s.release_reason, 150.0f);
  ImGui::InputText("##reason", &r.reason);
  Anchor("release.reason");
  End(s, s.release_submit, "release", intents);
}

}  // namespace fieldbook::app
