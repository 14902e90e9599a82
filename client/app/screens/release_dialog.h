// ReleaseDialog: giving the customer shown back to the public pool (公海) with the reason (issue
// #18), as a modal over the app. Save posts SubmitRecord with a ReleaseDraft: the request is
// recorded on the device and sent at the next sync, where the server grants or refuses it (the
// Public pool tab lists it with the answer).
//
// Thread safety: UI thread only.
#ifndef FIELDBOOK_CLIENT_APP_SCREENS_RELEASE_DIALOG_H_
#define FIELDBOOK_CLIENT_APP_SCREENS_RELEASE_DIALOG_H_

#include <string>

#include "form_support.h"

namespace fieldbook::app {

struct ReleaseDialog final : ui::DraftForm<ReleaseDraft> {
  using DraftForm::DraftForm;

  void Draw(const Snapshot& snap, Intents& intents) override;
  std::string TypedText() const override { return draft.reason; }

 private:
  std::optional<RecordDraft> Draft() override;
};

}  // namespace fieldbook::app

#endif  // FIELDBOOK_CLIENT_APP_SCREENS_RELEASE_DIALOG_H_
