// ConsoleClient: a browser's side of the console's HTTP API for tests — one raw HTTP/1.1 request
// per connection (support/raw_connection.h) with any headers, the response's status, headers
// (names lowercased) and body, and the session cookie and CSRF token a login hands out.
//
// Not thread-safe: one client belongs to one thread.
#ifndef FIELDBOOK_TESTS_INTEGRATION_CONSOLE_CLIENT_H_
#define FIELDBOOK_TESTS_INTEGRATION_CONSOLE_CLIENT_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "support/raw_connection.h"

namespace fieldbook::testing {

struct RawReply {
  int status = 0;  // 0: no answer
  std::multimap<std::string, std::string> headers;
  std::string body;
  std::string Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
  }
};

inline RawReply ParseRawReply(const std::string& raw) {
  RawReply r;
  if (raw.size() < 12 || raw.rfind("HTTP/1.", 0) != 0) return r;
  r.status = std::atoi(raw.substr(9, 3).c_str());
  const size_t end = raw.find("\r\n\r\n");
  size_t at = raw.find("\r\n") + 2;
  while (at < end) {
    const size_t eol = raw.find("\r\n", at);
    const std::string line = raw.substr(at, eol - at);
    const size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      size_t v = colon + 1;
      while (v < line.size() && line[v] == ' ') ++v;
      r.headers.emplace(name, line.substr(v));
    }
    at = eol + 2;
  }
  r.body = raw.substr(end + 4);
  return r;
}

class ConsoleClient {
 public:
  explicit ConsoleClient(int port, std::string source = "127.0.0.1")
      : port_(static_cast<uint16_t>(port)), source_(std::move(source)) {}

  RawReply Request(const std::string& method, const std::string& target,
                   const std::string& body = "",
                   std::vector<std::pair<std::string, std::string>> headers = {}) {
    std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (const auto& [k, v] : headers) req += k + ": " + v + "\r\n";
    if (!cookie.empty()) req += "Cookie: " + cookie + "\r\n";
    if (!body.empty() || method == "POST" || method == "PUT") {
      req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    }
    req += "Connection: close\r\n\r\n" + body;
    RawConnection raw(port_, source_);
    if (!raw.connected() || !raw.Send(req)) return {};
    return ParseRawReply(raw.ReadResponse(10000ms, method == "HEAD"));
  }
  RawReply Get(const std::string& target) { return Request("GET", target); }
  // A JSON POST with the CSRF token (when `with_csrf` and one is known).
  RawReply PostJson(const std::string& target, const std::string& body, bool with_csrf = true) {
    std::vector<std::pair<std::string, std::string>> h = {{"Content-Type", "application/json"}};
    if (with_csrf && !csrf.empty()) h.emplace_back("X-CSRF-Token", csrf);
    return Request("POST", target, body, h);
  }
  // Logs in; keeps the cookie and the CSRF token on success. Returns the reply.
  RawReply Login(const std::string& rep, const std::string& password) {
    RawReply r = PostJson("/v1/admin/login",
                          "{\"rep\":\"" + rep + "\",\"password\":\"" + password + "\"}", false);
    if (r.status == 200) {
      const std::string set = r.Header("set-cookie");
      cookie = set.substr(0, set.find(';'));
      const size_t at = r.body.find("\"csrf\":\"");
      csrf = at == std::string::npos ? "" : r.body.substr(at + 8, 64);
    }
    return r;
  }

  std::string cookie;  // "fb_session=..." sent with every request when set
  std::string csrf;

 private:
  uint16_t port_;
  std::string source_;
};

}  // namespace fieldbook::testing

#endif  // FIELDBOOK_TESTS_INTEGRATION_CONSOLE_CLIENT_H_
