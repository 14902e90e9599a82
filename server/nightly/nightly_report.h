// How a nightly run is shown: JSON (the admin API and `nightly report --json`) and a readable
// summary (`nightly report`). Both read the step reports by the keys documented in
// docs/nightly.md ("Step reports"): grade.changed, reclaim.reclaimed, verify.verified and
// verify.repaired, the compact counts, backup.file; any other step's report is shown as it is.
//
// Thread safety: pure functions.
#ifndef FIELDBOOK_SERVER_NIGHTLY_REPORT_H_
#define FIELDBOOK_SERVER_NIGHTLY_REPORT_H_

#include <boost/json.hpp>
#include <string>

#include "store/nightly_store.h"

namespace fieldbook::server {

// {"id","trigger","status","day","started","finished","seconds","resumed","summary":{...},
//  "steps":[{"name","status","attempts","started","finished","report","error"}]}
boost::json::object NightlyRunJson(const NightlyRunRecord& run);

// A few lines: the run, one line per step, then its errors.
std::string NightlyRunText(const NightlyRunRecord& run);

// 2026-11-23T02:30:00Z
std::string FormatUtcSeconds(int64_t ms);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_NIGHTLY_REPORT_H_
