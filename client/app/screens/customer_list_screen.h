// CustomerListScreen: the rep's customers, with an instant search box (name, pinyin, city, phone,
// contacts, visit notes; Chinese or Latin) and filters (tier, stage, type, region, overdue).
// Every change of the search or a filter posts SetFilter; the rows shown are the snapshot's, which
// follow a moment later. Only the rows in view are submitted (ImGuiListClipper), so 50,000
// customers scroll smoothly. Clicking a row posts SelectCustomer. On narrow windows (ui::Layout)
// the filters take two lines, rows are touch-sized and keep only the name (with the city under
// it) and the tier.
//
// Thread safety: UI thread only.
#ifndef FIELDBOOK_CLIENT_APP_SCREENS_CUSTOMER_LIST_SCREEN_H_
#define FIELDBOOK_CLIENT_APP_SCREENS_CUSTOMER_LIST_SCREEN_H_

#include <cstddef>
#include <string>

#include "screen.h"

namespace fieldbook::app {

struct CustomerListScreen final : ui::Screen {
  using Screen::Screen;
  void Draw(const Snapshot& snap, Intents& intents) override;

  CustomerFilter filter;      // as the rep set it (the snapshot's list may lag a moment behind)
  std::string search;         // the search box's text
  ui::Outbox filter_outbox;   // SetFilter (outbox: SelectCustomer)
  size_t rows_submitted = 0;  // rows drawn in the last frame (the clipper keeps it to the view)
  bool row_clicked = false;   // a row was clicked in the last frame
};

}  // namespace fieldbook::app

#endif  // FIELDBOOK_CLIENT_APP_SCREENS_CUSTOMER_LIST_SCREEN_H_
