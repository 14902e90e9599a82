// The server's one logger: one structured line per event on stderr, written through spdlog,
//   ts=2026-11-23T08:00:00.123Z level=info component=http event=sync_failed rep=r1 error="..."
// (UTC, milliseconds; `component=` only when one is given). Values are written bare when they
// are non-empty printable text without spaces, quotes, '=' or backslashes; otherwise quoted, with
// '"' and '\' escaped, a newline as \n and other control bytes as \xNN, so a hostile value (a
// header, a file name) can never forge a line or a field.
//
// Thread safety: LogEvent may be called from any thread; lines never interleave (spdlog's
// stderr sink writes each line under its mutex and flushes it).
#ifndef FIELDBOOK_SERVER_LOG_H_
#define FIELDBOOK_SERVER_LOG_H_

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace fieldbook::server {

using LogFields = std::initializer_list<std::pair<std::string_view, std::string>>;

// `level` is "info", "warn" or "error".
void LogEvent(std::string_view level, std::string_view event, LogFields fields = {});
// The same line with `component=<component>` before the event (the HTTP server's "http").
void LogComponentEvent(std::string_view component, std::string_view level, std::string_view event,
                       LogFields fields = {});

// The line after its timestamp, without the newline: "level=... [component=...] event=... k=v".
std::string FormatLogLine(std::string_view component, std::string_view level,
                          std::string_view event, LogFields fields);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_LOG_H_
