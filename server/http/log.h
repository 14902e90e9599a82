// One structured log line per event on stderr: `ts=2026-11-23T08:00:00Z level=info
// event=sync_failed rep=r1 error="..."`. Values are quoted when they contain spaces or quotes.
//
// Thread safety: LogEvent may be called from any thread; lines never interleave.
#ifndef FIELDBOOK_SERVER_LOG_H_
#define FIELDBOOK_SERVER_LOG_H_

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace fieldbook::server {

void LogEvent(std::string_view level, std::string_view event,
              std::initializer_list<std::pair<std::string_view, std::string>> fields = {});

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_LOG_H_
