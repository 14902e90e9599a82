// CustomerForm: adding a garage the rep has just met, or editing one (issue #18), as a modal over
// the app. While the rep types a new customer's name, city and phone, the form asks the device for
// customers it may duplicate (CheckDuplicates: the same phone, or a similar name in the same city;
// client/store/customer_duplicates.h) and lists them, each with "Open" — which shows that customer
// instead of adding a second one. Save posts SubmitCustomer (a new customer is then selected); an
// edit writes only the fields the rep changed.
//
// Thread safety: UI thread only.
#ifndef FIELDBOOK_CLIENT_APP_SCREENS_CUSTOMER_FORM_H_
#define FIELDBOOK_CLIENT_APP_SCREENS_CUSTOMER_FORM_H_

#include <array>
#include <cstdint>
#include <string>

#include "../intents.h"
#include "../snapshot.h"
#include "../ui_strings.h"
#include "form_support.h"
#include "widgets.h"

namespace fieldbook::app {

struct CustomerForm {
  explicit CustomerForm(const Strings& strings) : s(strings) {}

  // A new customer (empty form); the modal opens on the next Draw.
  void OpenNew();
  // An edit of the customer shown.
  void OpenEdit(const CustomerDetail& customer);
  void Draw(const Snapshot& snap, Intents& intents);
  bool is_open() const { return open_requested || visible; }
  std::string TypedText() const;

  // The columns the form writes, in the order it shows them (client::Customers::EditableFields).
  enum Field {
    kName,
    kNameLatin,
    kType,
    kStage,
    kRelationship,
    kRegion,
    kPhone,
    kContact,
    kAddress,
    kCity,
    kProvince,
    kTags,
    kNotes,
    kFieldCount
  };
  static const char* Column(Field f);

  const Strings& s;
  std::string id;  // "" while adding
  std::array<std::string, kFieldCount> values;
  std::array<std::string, kFieldCount> original;  // an edit's starting values
  bool open_requested = false;
  bool visible = false;
  std::string error;
  ui::PendingSave pending;
  ui::Outbox outbox;     // CheckDuplicates, or SelectCustomer of a candidate
  DuplicateCheck asked;  // the keys last posted
  uint64_t saved = 0;

 private:
  void DrawDuplicates(const Snapshot& snap);
  void Close();
};

}  // namespace fieldbook::app

#endif  // FIELDBOOK_CLIENT_APP_SCREENS_CUSTOMER_FORM_H_
