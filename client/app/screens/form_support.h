// Pieces shared by the rep's forms (issue #18: order, void, customer, contact, task, feedback,
// release): request ids unique across forms, the save that waits for its outcome in
// Snapshot::last_form, and the modal window every form opens in.
//
// Thread safety: UI thread only.
#ifndef FIELDBOOK_CLIENT_APP_SCREENS_FORM_SUPPORT_H_
#define FIELDBOOK_CLIENT_APP_SCREENS_FORM_SUPPORT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "../intents.h"
#include "../snapshot.h"
#include "../ui_strings.h"

namespace fieldbook::app::ui {

// A request id no other form has used in this process.
uint64_t NextRequestId();

// One save posted by a form, until its outcome arrives in the snapshot.
class PendingSave {
 public:
  bool waiting() const { return request_id_ != 0; }
  // Posts `intent` (whose request_id is set here). False when the queue refused it (busy).
  template <class Command>
  bool Post(Intents& intents, Command command) {
    command.request_id = NextRequestId();
    if (!intents.Post(std::move(command))) return false;
    request_id_ = command.request_id;
    return true;
  }
  // The outcome of the waiting save, once, when the snapshot has it.
  std::optional<FormResult> Arrived(const Snapshot& snap);
  void Forget() { request_id_ = 0; }

 private:
  uint64_t request_id_ = 0;
};

// Opens the modal `popup_id` ("###name") when `open_requested` (then clears it), and begins it
// centred, `width` wide (at most the display's width less a margin), titled `title`. True while
// it is shown (call ImGui::EndPopup then).
bool BeginFormModal(const char* popup_id, const std::string& title, float width,
                    bool& open_requested);

// The frame every small form of the customer page shares (contact, task, feedback, release;
// issue #18): a modal that waits for its save's outcome, closes when saved and otherwise shows
// why not, with Save and Cancel at the bottom. A form calls Begin, draws its fields, then End.
class RecordForm {
 public:
  virtual ~RecordForm() = default;
  bool is_open() const { return open_requested || visible; }
  // Draws the form when it is open (Begin, the form's own fields, End).
  virtual void Draw(const Snapshot& snap, Intents& intents) = 0;
  // What the rep typed in it (for the font's glyphs).
  virtual std::string TypedText() const = 0;

  bool open_requested = false;
  bool visible = false;
  std::string error;  // why the last save did not happen
  PendingSave pending;
  uint64_t saved = 0;         // records saved through this form
  std::string customer_name;  // the customer the form is for (its title names it)

 protected:
  // Opens the form for `customer` on the next Draw (what was typed for the same record stays).
  void OpenFor(const CustomerDetail& customer);
  // False (with `error` = `message`) when `text` is blank.
  bool Required(const std::string& text, const char* message);
  // Begins the modal `popup_id` ("###name"), titled `title_fmt` with the customer's name, and
  // settles the outcome of the pending save (a refusal shown in `s`'s language). False when it is
  // not shown (then draw nothing and do not call End).
  bool Begin(const Strings& s, const char* popup_id, const char* title_fmt, const Snapshot& snap);
  // The error line, Save (`save_label`: posts SubmitRecord with Draft() unless it sets `error`)
  // and Cancel, anchored "<prefix>.submit" and "<prefix>.cancel"; ends the popup.
  void End(const Strings& s, const char* save_label, const std::string& prefix, Intents& intents);
  // The record to save; nullopt with `error` set when a field is not acceptable.
  virtual std::optional<RecordDraft> Draft() = 0;
  // Forgets what was typed (after a save).
  virtual void Clear() = 0;
  void Close();
};

// A RecordForm over one kind of draft (ContactDraft, TaskDraft, FeedbackDraft, ReleaseDraft,
// PreferenceDraft): it holds the UI's strings and the draft being typed, opens for a new record of
// a customer and forgets the draft once it is saved. A form adds only what is its own: its fields
// (Draw), its checks (Draft), what the rep types in it (TypedText) and any other way to open it.
template <class D>
class DraftForm : public RecordForm {
 public:
  explicit DraftForm(const Strings& strings) : s(strings) {}

  // A new record for `customer` on the next Draw; what was typed for a new record of the same
  // customer stays (an edit in progress does not).
  void Open(const CustomerDetail& customer) {
    if (draft.customer_id != customer.id || !IsNew()) Clear();
    draft.customer_id = customer.id;
    OpenFor(customer);
  }

  const Strings& s;
  D draft;

 protected:
  void Clear() override { draft = D{}; }

 private:
  // Drafts with an id ("" = a new record) may hold an edit.
  bool IsNew() const {
    if constexpr (requires { draft.id; }) {
      return draft.id.empty();
    } else {
      return true;
    }
  }
};

// The bottom of a form: `error` (if any), a separator, Save (`save_label`; "Saving..." and disabled
// while `saving`) and Cancel, anchored "<prefix>.submit" and "<prefix>.cancel". Returns which was
// pressed this frame.
enum class FormButton { kNone, kSave, kCancel };
FormButton SaveCancel(const Strings& s, const std::string& error, bool saving,
                      const char* save_label, const std::string& prefix);

// "Tomorrow", "In a week", "In 2 weeks" after a date field: a click sets `date` to `today` plus
// those days. Anchored "<prefix>.in_1_day", ".in_7_days", ".in_14_days".
void DateOffsets(const Strings& s, const std::string& today, std::string& date,
                 const std::string& prefix);

// The label column of a form's field: the label, then the field on the same line, full width.
void FieldLabel(const char* label, float label_width = 170.0f);

}  // namespace fieldbook::app::ui

#endif  // FIELDBOOK_CLIENT_APP_SCREENS_FORM_SUPPORT_H_
