// AppUi: the desktop app's window content — tabs for the customers (list beside the customer
// page; on narrow windows one at a time, ui::Layout), today's plan, the reports and the review
// list, the status bar, and the log-visit modal. It
// composes the screens and routes between them (a plan line opens the customer page; "Log visit"
// opens the form); the screens hold their own state.
//
// Draw reads only the snapshot and posts only intents: no SQL, no network, never blocks.
//
// Thread safety: UI thread only.
#ifndef FIELDBOOK_CLIENT_APP_APP_UI_H_
#define FIELDBOOK_CLIENT_APP_APP_UI_H_

#include <string>

#include "fieldbook/hlc.h"
#include "intents.h"
#include "screens/customer_list_screen.h"
#include "screens/customer_screen.h"
#include "screens/log_visit_form.h"
#include "screens/plan_screen.h"
#include "screens/pool_screen.h"
#include "screens/reports_screen.h"
#include "screens/review_panel.h"
#include "screens/status_bar.h"
#include "snapshot.h"
#include "ui_strings.h"

namespace fieldbook::app {

class AppUi {
 public:
  enum class Tab { kCustomers, kPlan, kReports, kPool, kReview };

  // `clock` is read on the UI thread (check-in/out buttons) and must outlive the AppUi.
  AppUi(Lang lang, WallClock& clock);

  // Draws one frame's widgets into a window covering the main viewport.
  void Draw(const Snapshot& snap, Intents& intents);

  // What the rep has typed (search, notes), whose glyphs the font must hold.
  std::string TypedText() const;

  const Strings& strings() const { return s_; }
  const CustomerListScreen& list() const { return list_; }
  const LogVisitForm& visit_form() const { return visit_; }
  const CustomerScreen& customer() const { return customer_; }
  Tab tab() const { return tab_; }
  // Narrow layout: the customer's page is shown instead of the list.
  bool showing_customer() const { return show_customer_; }

 private:
  const Strings& s_;
  CustomerListScreen list_;
  CustomerScreen customer_;
  LogVisitForm visit_;
  PlanScreen plan_;
  ReportsScreen reports_;
  PoolScreen pool_;
  StatusBar status_;
  ReviewPanel review_;
  Tab tab_ = Tab::kCustomers;
  bool switch_to_customers_ = false;
  bool show_customer_ = false;  // narrow layout: the page, not the list

  // A tab: its label, its name (anchored "tab.<name>"; the screen's child window) and the screen
  // it shows (null: the customers list beside the customer's page).
  struct TabEntry {
    Tab tab;
    const char* label;
    const char* name;
    ui::Screen* screen;
  };

  void DrawContent(const Snapshot& snap, Intents& intents, const ui::Layout& layout);
  // The open tab's page (`t`, the entry of tab_).
  void DrawTab(const TabEntry& t, const Snapshot& snap, Intents& intents, const ui::Layout& layout);
};

}  // namespace fieldbook::app

#endif  // FIELDBOOK_CLIENT_APP_APP_UI_H_
