#include "release_dialog.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include "../ui_probe.h"
#include "widgets.h"

namespace fieldbook::app {

std::optional<RecordDraft> ReleaseDialog::Draft() {
  if (!Required(draft.reason, s.release_need_reason)) return std::nullopt;
  return draft;
}

void ReleaseDialog::Draw(const Snapshot& snap, Intents& intents) {
  if (!Begin(s, "###release_dialog", s.release_title_fmt, snap)) return;
  ui::TextWrapped(s.release_note);
  ui::FieldLabel(s.release_reason, 150.0f);
  ImGui::InputText("##reason", &draft.reason);
  Anchor("release.reason");
  End(s, s.release_submit, "release", intents);
}

}  // namespace fieldbook::app
