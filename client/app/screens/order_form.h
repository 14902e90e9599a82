// OrderForm: taking an order at the garage counter (issue #18), as a modal over the app. The rep
// searches the product catalogue as they type (part number, name or brand; SearchProducts), adds
// parts as lines with quantities, sees each price from the price list for this customer (a price
// can be overridden with a reason) and the total, and saves (SubmitOrder). A total far outside the
// customer's history (client/store/order_outliers.h: > 5x the median) is refused by the store
// until confirmed: the form then asks in a dialog and saves again with the confirmation.
//
// The same form corrects an order (OpenCorrection): it starts with the original's lines and needs
// a reason; the correction replaces the original, which stays listed as voided.
//
// VoidOrderDialog (below) voids an order from the customer's page.
//
// The form shows "saving" until the snapshot reports its request's outcome (Snapshot::last_form),
// then closes, asks, or shows why not, keeping what the rep typed.
//
// Thread safety: UI thread only.
#ifndef FIELDBOOK_CLIENT_APP_SCREENS_ORDER_FORM_H_
#define FIELDBOOK_CLIENT_APP_SCREENS_ORDER_FORM_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "../intents.h"
#include "../snapshot.h"
#include "../ui_strings.h"
#include "form_support.h"
#include "widgets.h"

namespace fieldbook::app {

struct OrderForm {
  explicit OrderForm(const Strings& strings) : s(strings) {}

  // A new order for this customer; the modal opens on the next Draw.
  void Open(const CustomerDetail& customer);
  // A correction of `order` (one of the customer's), starting from its lines.
  void OpenCorrection(const CustomerDetail& customer, const OrderRow& order);
  void Draw(const Snapshot& snap, Intents& intents);
  bool is_open() const { return open_requested || visible; }
  // What the rep typed (for the font's glyphs).
  std::string TypedText() const;

  const Strings& s;

  struct Line {
    std::string part_no;
    std::string name;
    std::string unit;
    int quantity = 1;
    std::optional<int64_t> list_cents;  // the price list's price for this customer
    std::string price;                  // yuan as typed; starts as the list price
    std::string reason;                 // why another price
    bool free_text = false;
  };
  struct Fields {
    std::string customer_id;
    std::string customer_name;
    std::string corrects;  // the order a correction replaces ("": a new order)
    std::string corrects_date;
    std::string reason;  // a correction's
    std::string notes;
    std::string search;
    std::vector<Line> lines;
    bool lines_changed = false;  // a correction keeps the original's lines until they change
  };
  Fields f;

  bool open_requested = false;
  bool visible = false;
  bool confirm_requested = false;  // open the outlier dialog on the next frame
  std::string error;               // why the last save did not happen
  std::string outlier;             // the store's reason, for the dialog
  ui::PendingSave pending;
  ui::Outbox search_outbox;
  std::string searched;  // the text last posted as SearchProducts
  uint64_t saved = 0;    // orders saved through this form

 private:
  void DrawSearch(const Snapshot& snap);
  void DrawLines();
  void DrawOutlierDialog(Intents& intents);
  void AddLine(Line line);
  // The draft to save; nullopt (and `error` set) when a line cannot be read.
  std::optional<OrderDraft> Draft(bool confirm_outlier);
  void Submit(Intents& intents, bool confirm_outlier);
  void Close();
};

// VoidOrderDialog: voiding one of the customer's orders from its page, with the reason (VoidOrder).
// The order stays listed, marked as voided; it no longer counts in totals, reports and grading.
struct VoidOrderDialog {
  explicit VoidOrderDialog(const Strings& strings) : s(strings) {}

  void Open(const OrderRow& order);
  void Draw(const Snapshot& snap, Intents& intents);
  bool is_open() const { return open_requested || visible; }

  const Strings& s;
  std::string order_id;
  std::string label;  // the order as the title names it: "2026-11-17 ¥3,860.50"
  std::string reason;
  bool open_requested = false;
  bool visible = false;
  std::string error;
  ui::PendingSave pending;
  uint64_t voided = 0;  // orders voided through this dialog
};

}  // namespace fieldbook::app

#endif  // FIELDBOOK_CLIENT_APP_SCREENS_ORDER_FORM_H_
