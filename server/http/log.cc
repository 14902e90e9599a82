#include "http/log.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <memory>

namespace fieldbook::server {

namespace {

void AppendValue(std::string& out, std::string_view v) {
  const bool plain = !v.empty() && std::all_of(v.begin(), v.end(), [](char c) {
    return c > ' ' && c != '"' && c != '=' && c != '\\' && c != 0x7f;
  });
  if (plain) {
    out += v;
    return;
  }
  out += '"';
  for (char c : v) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  out += '"';
}

// Made once, on first use; never registered globally, so nothing else can reconfigure it.
spdlog::logger& Logger() {
  static const std::shared_ptr<spdlog::logger> logger = [] {
    auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    auto made = std::make_shared<spdlog::logger>("fieldbook", std::move(sink));
    made->set_formatter(std::make_unique<spdlog::pattern_formatter>(
        "ts=%Y-%m-%dT%H:%M:%S.%eZ %v", spdlog::pattern_time_type::utc));
    made->set_level(spdlog::level::trace);
    made->flush_on(spdlog::level::trace);  // every line reaches stderr at once
    return made;
  }();
  return *logger;
}

spdlog::level::level_enum Level(std::string_view level) {
  if (level == "error") return spdlog::level::err;
  if (level == "warn") return spdlog::level::warn;
  return spdlog::level::info;
}

}  // namespace

std::string FormatLogLine(std::string_view component, std::string_view level,
                          std::string_view event, LogFields fields) {
  std::string line = "level=";
  line += level;
  if (!component.empty()) {
    line += " component=";
    line += component;
  }
  line += " event=";
  line += event;
  for (const auto& [key, value] : fields) {
    line += ' ';
    line += key;
    line += '=';
    AppendValue(line, value);
  }
  return line;
}

void LogComponentEvent(std::string_view component, std::string_view level, std::string_view event,
                       LogFields fields) {
  const std::string line = FormatLogLine(component, level, event, fields);
  Logger().log(Level(level), spdlog::string_view_t(line.data(), line.size()));
}

void LogEvent(std::string_view level, std::string_view event, LogFields fields) {
  LogComponentEvent({}, level, event, fields);
}

}  // namespace fieldbook::server
