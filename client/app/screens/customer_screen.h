// CustomerScreen: one customer's page — profile and grade (with the grading engine's reasons),
// contacts, visits, orders, tasks and feedback — in tabs, from the snapshot's CustomerDetail.
// "Log visit" asks the app to open the LogVisitForm (log_visit_requested); "Done" on an open task
// posts CompleteTask. "New order" opens the OrderForm (issue #18), which the page owns; the Orders
// tab lists voids and voided orders marked, with "Void" (VoidOrderDialog) and "Correct" (the
// OrderForm on the original's lines) on each order that counts. The Preferences tab lists the
// customer's structured preferences (kind in the UI's language, value, note) with Add, Edit and
// Remove (PreferenceForm).
//
// Thread safety: UI thread only.
#ifndef FIELDBOOK_CLIENT_APP_SCREENS_CUSTOMER_SCREEN_H_
#define FIELDBOOK_CLIENT_APP_SCREENS_CUSTOMER_SCREEN_H_

#include "contact_form.h"
#include "customer_form.h"
#include "feedback_form.h"
#include "order_form.h"
#include "preference_form.h"
#include "release_dialog.h"
#include "screen.h"
#include "task_form.h"

namespace fieldbook::app {

struct CustomerScreen final : ui::Screen {
  explicit CustomerScreen(const Strings& strings)
      : Screen(strings),
        order_form(strings),
        void_dialog(strings),
        customer_form(strings),
        contact_form(strings),
        task_form(strings),
        feedback_form(strings),
        release_dialog(strings),
        preference_form(strings) {}

  void Draw(const Snapshot& snap, Intents& intents) override;
  // What the rep typed in the forms this page opens (for the font's glyphs).
  std::string TypedText() const;

  bool log_visit_requested = false;  // set for the frame in which "Log visit" was pressed

  // The rep's forms this page opens (issue #18): they are drawn whether or not a customer is
  // shown, so a modal open is always submitted.
  OrderForm order_form;
  VoidOrderDialog void_dialog;
  CustomerForm customer_form;
  ContactForm contact_form;
  TaskForm task_form;
  FeedbackForm feedback_form;
  ReleaseDialog release_dialog;
  PreferenceForm preference_form;

 private:
  void DrawPage(const Snapshot& snap);
  // The buttons that open the forms for the customer shown.
  void ActionBar(const CustomerDetail& d, const std::string& today);
  void NewCustomerButton();
  void DrawForms(const Snapshot& snap, Intents& intents);
};

}  // namespace fieldbook::app

#endif  // FIELDBOOK_CLIENT_APP_SCREENS_CUSTOMER_SCREEN_H_
