// How a nightly run is shown: JSON (the admin API and `nightly report --json`) and a readable
// summary (`nightly report`). Both read the step reports by the keys documented in
// docs/nightly.md ("Step reports"): grade.changed, reclaim.reclaimed, verify.verified and
// verify.repaired, the compact counts, backup.file; any other step's report is shown as it is.
// The words are codes with values (NightlyTexts, issue #19), shown in the reader's language:
// `nightly report` in the manager's (commands/command_lang.h), the console's Night page by each
// step's "line" in both languages.
//
// Thread safety: pure functions.
#ifndef FIELDBOOK_SERVER_NIGHTLY_REPORT_H_
#define FIELDBOOK_SERVER_NIGHTLY_REPORT_H_

#include <boost/json.hpp>
#include <span>
#include <string>
#include <string_view>

#include "fieldbook/lang_text.h"
#include "store/nightly_store.h"

namespace fieldbook::server {

// {"id","trigger","status","day","started","finished","seconds","resumed","summary":{...},
//  "steps":[{"name","status","attempts","started","finished","report","line":{"en","zh"},
//  "error" (English, the server's words), "error_code","error_values" (a damaged backup's)}]}
boost::json::object NightlyRunJson(const NightlyRunRecord& run);

// A few lines in `lang`: the run, one line per step, then its errors (the English as it always
// was; a step's error is the server's own words in either language).
std::string NightlyRunText(const NightlyRunRecord& run, Lang lang = Lang::kEnglish);
// What one step did ("8 replicas verified, 1 repaired"), in `lang`.
std::string NightlyStepLine(Lang lang, const NightlyStepRecord& step);
// "no nightly run yet", in `lang`.
std::string NoNightlyRunText(Lang lang);
// The report's texts, every code in both languages.
std::span<const LangText> NightlyTexts();
// One of them in `lang` (the backup's and restore's lines of their commands too); the code when
// it has none.
std::string NightlyText(Lang lang, std::string_view code, const TextValues& values = {});

// 2026-11-23T02:30:00Z
std::string FormatUtcSeconds(int64_t ms);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_NIGHTLY_REPORT_H_
