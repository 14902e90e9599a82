// The app's tabs in the order the tab-switch tests walk them from the customers tab (issue #19):
// each step leaves another tab, so each first tap or click must switch.
//
// Thread safety: immutable data.
#ifndef FIELDBOOK_TESTS_GUI_TAB_WALK_H_
#define FIELDBOOK_TESTS_GUI_TAB_WALK_H_

#include <utility>

#include "app_ui.h"

namespace fieldbook::testing {

inline constexpr std::pair<const char*, app::AppUi::Tab> kTabWalk[] = {
    {"tab.reports", app::AppUi::Tab::kReports},
    {"tab.customers", app::AppUi::Tab::kCustomers},
    {"tab.pool", app::AppUi::Tab::kPool},
    {"tab.review", app::AppUi::Tab::kReview},
    {"tab.plan", app::AppUi::Tab::kPlan}};

}  // namespace fieldbook::testing

#endif  // FIELDBOOK_TESTS_GUI_TAB_WALK_H_
