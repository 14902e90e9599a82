#include "http/log.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace fieldbook::server {

namespace {

std::mutex& LogMutex() {
  static std::mutex mu;  // guards stderr only; no other state
  return mu;
}

void AppendValue(std::string& line, const std::string& v) {
  const bool quote = v.empty() || v.find_first_of(" \"=\t") != std::string::npos;
  if (!quote) {
    line += v;
    return;
  }
  line.push_back('"');
  for (char c : v) {
    if (c == '"' || c == '\\') line.push_back('\\');
    if (c == '\n') {
      line += "\\n";
      continue;
    }
    line.push_back(c);
  }
  line.push_back('"');
}

}  // namespace

void LogEvent(std::string_view level, std::string_view event,
              std::initializer_list<std::pair<std::string_view, std::string>> fields) {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char ts[32];
  std::strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
  std::string line = "ts=";
  line += ts;
  line += " level=";
  line += level;
  line += " event=";
  line += event;
  for (const auto& [key, value] : fields) {
    line.push_back(' ');
    line += key;
    line.push_back('=');
    AppendValue(line, value);
  }
  line.push_back('\n');
  std::lock_guard<std::mutex> lock(LogMutex());
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
}

}  // namespace fieldbook::server
