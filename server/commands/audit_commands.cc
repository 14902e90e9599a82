#include "commands/audit_commands.h"

#include <boost/json.hpp>
#include <iostream>

#include "commands/command_lang.h"
#include "commands/server_commands.h"
#include "fieldbook/dates.h"
#include "fieldbook/json.h"
#include "fieldbook/phrase_json.h"
#include "store/audit_store.h"
#include "store/pool_store.h"

namespace fieldbook::server {

int RunAuditList(const std::string& db, const AuditListArgs& args) {
  auto fail = [](const Status& s) {
    std::cerr << "fieldbook-server: audit list: " << s.message() << "\n";
    return 1;
  };
  AuditFilter filter = args.filter;
  if (!args.since.empty()) {
    const std::optional<int64_t> ms = ParseIsoUtc(args.since);
    if (!ms) {
      return fail(Status::InvalidArgument(
          "--since must be a UTC time like 2026-11-23T10:00:00Z or a day like 2026-11-23, not '" +
          args.since + "'"));
    }
    filter.since_ms = *ms;
  }
  auto opened = OpenStore(db);
  if (!opened.ok()) return fail(opened.status());
  AuditStore audit(*(*opened)->store);
  auto page = audit.List(filter);
  if (!page.ok()) return fail(page.status());
  if (args.json) {
    boost::json::array entries;
    for (const AuditEntry& e : page->entries) entries.push_back(AuditEntryJson(e));
    std::cout << WriteJson(
                     boost::json::object{{"entries", entries},
                                         {"next", page->next > 0 ? boost::json::value(page->next)
                                                                 : boost::json::value(nullptr)}})
              << "\n";
    return 0;
  }
  for (const AuditEntry& e : page->entries) {
    std::cout << "#" << e.id << " " << MinuteText(e.at_ms) << " " << e.actor << " " << e.action;
    if (!e.customer_id.empty()) std::cout << " customer " << e.customer_id;
    if (!e.subject.empty()) std::cout << " (" << e.subject << ")";
    std::cout << "\n    before " << WriteJson(e.before) << "\n    after  " << WriteJson(e.after)
              << "\n";
    if (!e.reason.empty()) {
      const StoredPhrase reason = ReadStoredPhrase(e.reason);  // in the reader's language
      std::cout << "    reason: " << SayPhrase(CommandLang(), reason.phrase, reason.detail) << "\n";
    }
  }
  if (page->entries.empty()) std::cout << "no audit entries\n";
  if (page->next > 0) {
    std::cout << "(more: --after " << page->next << ")\n";
  }
  return 0;
}

}  // namespace fieldbook::server
