// ReportsScreen: the rep's grading reports (issue #6) from the snapshot's Reports —
//   * customers by tier, a bar chart from the replica's grades (works offline; the provisional
//     share of each bar is drawn lighter),
//   * the tier migration matrix between the server's last two grading runs, a heat grid (rows:
//     tier before, columns: tier after; green above the diagonal, red below),
//   * at-risk customers with the reasons (a name opens the customer page),
//   * the rep's portfolio: customers by tier, follow-up tasks and promised visits due and overdue,
//     revenue in the window.
// The last two are the server's reports as last fetched, with their "as of" time; "Update from
// server" posts RefreshReports. Draw reads the snapshot and posts intents only.
//
// Probe anchors: "reports.refresh", "reports.bar:<tier>" (the bar itself, so its height is the
// count's), "reports.cell:<before>><after>", "reports.risk:<customer id>",
// "reports.portfolio.revenue".
//
// Thread safety: UI thread only.
#ifndef FIELDBOOK_CLIENT_APP_SCREENS_REPORTS_SCREEN_H_
#define FIELDBOOK_CLIENT_APP_SCREENS_REPORTS_SCREEN_H_

#include "screen.h"

namespace fieldbook::app {

struct ReportsScreen final : ui::Screen {
  using Screen::Screen;
  void Draw(const Snapshot& snap, Intents& intents) override;
};

}  // namespace fieldbook::app

#endif  // FIELDBOOK_CLIENT_APP_SCREENS_REPORTS_SCREEN_H_
