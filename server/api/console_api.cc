#include "api/console_api.h"

#include <openssl/crypto.h>

#include <boost/json.hpp>
#include <variant>

#include "api/http_json.h"
#include "auth/password_hash.h"
#include "fieldbook/json.h"
#include "http/log.h"
#include "store/console_store.h"
#include "store/device_activity.h"
#include "store/setup_codes.h"

namespace fieldbook::server {

namespace {

constexpr size_t kMaxRepIdBytes = 128;

std::string PathOf(const std::string& target) { return target.substr(0, target.find('?')); }

std::string SessionCookieHeader(const std::string& token, int64_t max_age_s, bool tls) {
  std::string c = std::string(kSessionCookie) + "=" + token +
                  "; Path=/; Max-Age=" + std::to_string(max_age_s) + "; HttpOnly; SameSite=Strict";
  if (tls) c += "; Secure";
  return c;
}

HttpResponse NoStore(HttpResponse r, bool tls) {
  r.headers.emplace_back("Cache-Control", "no-store");
  AddSecurityHeaders(r, tls);
  return r;
}

// The JSON object of a small unauthenticated body (a login, a setup code): sent as
// application/json (a cross-site HTML form cannot), at most `limit` bytes; else the error answer.
std::variant<boost::json::object, HttpResponse> SmallJsonBody(const HttpRequest& request,
                                                              size_t limit, const char* what,
                                                              const char* shape) {
  if (request.content_type.rfind("application/json", 0) != 0) {
    return JsonError(415, "unsupported_media_type",
                     std::string("send the ") + what + " as application/json",
                     Phrase{"http_body_json_type", {}});
  }
  if (request.body.size() > limit) {
    const std::string kib = std::to_string(limit >> 10);
    return JsonError(413, "body_too_large",
                     std::string("a ") + what + " is at most " + kib + " KiB",
                     Phrase{"http_body_limit_kib", {{"kib", kib}}});
  }
  boost::system::error_code ec;
  boost::json::value body = ReadJson(request.body, ec, 4);
  if (ec || !body.is_object()) {
    return JsonError(400, "malformed", std::string("a ") + what + " is a JSON object " + shape,
                     Phrase{"http_body_shape", {{"shape", shape}}});
  }
  return std::move(body.as_object());
}

// 429 with Retry-After for an attempt the throttle holds back `wait_ms` (`refusal`:
// http_too_many_logins or http_too_many_setup_codes, lang_text.h HttpRefusals).
HttpResponse TooManyAttempts(const char* refusal, int64_t wait_ms) {
  const std::string seconds = std::to_string((wait_ms + 999) / 1000);
  HttpResponse r = JsonError(429, "too_many_attempts", Phrase{refusal, {{"seconds", seconds}}});
  r.headers.emplace_back("Retry-After", seconds);
  return r;
}

}  // namespace

std::string CookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const size_t end = header.find(';');
    std::string_view pair = header.substr(0, end);
    header = end == std::string_view::npos ? std::string_view() : header.substr(end + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    while (!pair.empty() && pair.back() == ' ') pair.remove_suffix(1);
    const size_t eq = pair.find('=');
    if (eq == std::string_view::npos || pair.substr(0, eq) != name) continue;
    return std::string(pair.substr(eq + 1));
  }
  return "";
}

void AddSecurityHeaders(HttpResponse& r, bool tls) {
  r.headers.emplace_back("Content-Security-Policy",
                         "default-src 'none'; script-src 'self'; style-src 'self'; "
                         "img-src 'self' data:; connect-src 'self'; font-src 'self'; "
                         "form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("X-Frame-Options", "DENY");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  r.headers.emplace_back("Cross-Origin-Opener-Policy", "same-origin");
  r.headers.emplace_back("Cross-Origin-Resource-Policy", "same-origin");
  r.headers.emplace_back("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
  if (tls) r.headers.emplace_back("Strict-Transport-Security", "max-age=31536000");
}

ConsoleApi::ConsoleApi(ServerStore& store, WallClock& wall, LockFn lock_store,
                       ConsoleOptions options)
    : store_(store),
      wall_(wall),
      lock_store_(std::move(lock_store)),
      options_(options),
      throttle_(options.throttle),
      setup_throttle_(options.throttle) {}

bool ConsoleApi::IsSessionRoute(std::string_view path) {
  return path == "/v1/admin/login" || path == "/v1/admin/logout" || path == "/v1/admin/session" ||
         path == "/v1/setup";
}

Result<std::optional<Principal>> ConsoleApi::SessionOf(const HttpRequest& request) {
  const std::string token = CookieValue(request.cookie, kSessionCookie);
  if (token.empty()) return std::optional<Principal>();
  ConsoleStore sessions(store_);
  return sessions.Lookup(token, static_cast<int64_t>(wall_.NowMs()));
}

bool ConsoleApi::CsrfOk(const HttpRequest& request) {
  if (request.method == "GET" || request.method == "HEAD") return true;
  const std::string token = CookieValue(request.cookie, kSessionCookie);
  if (token.empty() || request.csrf_token.empty()) return false;
  const std::string expected = CsrfTokenFor(token);
  return request.csrf_token.size() == expected.size() &&
         CRYPTO_memcmp(request.csrf_token.data(), expected.data(), expected.size()) == 0;
}

const std::string& ConsoleApi::DummyHash() {
  std::call_once(dummy_once_, [this] {
    auto hash = HashPassword("fieldbook: no password is set for this account");
    dummy_hash_ = hash.ok() ? *hash : std::string();
  });
  return dummy_hash_;
}

HttpResponse ConsoleApi::Handle(const HttpRequest& request) {
  const std::string path = PathOf(request.target);
  HttpResponse r;
  if (path == "/v1/admin/login") {
    r = request.method == "POST" ? Login(request)
                                 : JsonError(405, "method_not_allowed", "use POST to log in",
                                             Phrase{"http_use_post", {{"path", path}}});
  } else if (path == "/v1/setup") {
    r = request.method == "POST"
            ? Setup(request)
            : JsonError(405, "method_not_allowed", "use POST to exchange a setup code",
                        Phrase{"http_use_post", {{"path", path}}});
  } else if (path == "/v1/admin/logout") {
    r = request.method == "POST" ? Logout(request)
                                 : JsonError(405, "method_not_allowed", "use POST to log out",
                                             Phrase{"http_use_post", {{"path", path}}});
  } else if (request.method == "GET" || request.method == "HEAD") {
    r = Session(request);
  } else {
    r = JsonError(405, "method_not_allowed", "use GET for the session",
                  Phrase{"http_use_get", {{"path", path}}});
  }
  return NoStore(std::move(r), request.tls);
}

HttpResponse ConsoleApi::Login(const HttpRequest& request) {
  auto body = SmallJsonBody(request, kLoginBodyLimit, "login", "{\"rep\", \"password\"}");
  if (auto* bad = std::get_if<HttpResponse>(&body)) return std::move(*bad);
  const auto& o = std::get<boost::json::object>(body);
  for (const auto& [key, value] : o) {
    if (key != "rep" && key != "password") {
      return JsonError(400, "malformed", "unknown field \"" + std::string(key) + "\" in a login",
                       Phrase{"http_unknown_field", {{"field", std::string(key)}}});
    }
    (void)value;
  }
  const auto* rep = o.if_contains("rep");
  const auto* password = o.if_contains("password");
  if (!rep || !rep->is_string() || rep->as_string().empty() ||
      rep->as_string().size() > kMaxRepIdBytes || !password || !password->is_string() ||
      password->as_string().size() > kMaxPasswordBytes) {
    return JsonError(400, "malformed", Phrase{"http_login_fields", {}});
  }
  const std::string rep_id(rep->as_string());
  const std::string_view pw(password->as_string().data(), password->as_string().size());
  const std::string address = AddressWithoutPort(request.remote);
  const int64_t now = static_cast<int64_t>(wall_.NowMs());
  if (const int64_t wait = throttle_.Begin(rep_id, address, now); wait > 0) {
    LogEvent("warn", "console_login_throttled", {{"rep", rep_id}, {"address", address}});
    return TooManyAttempts("http_too_many_logins", wait);
  }
  std::optional<ConsoleAccount> account;
  {
    auto lock = lock_store_();
    ConsoleStore accounts(store_);
    auto found = accounts.Account(rep_id);
    if (!found.ok()) return StatusResponse(found.status());
    account = std::move(*found);
  }
  // The same argon2id work whether or not the account exists or has a password.
  const bool has_password = account && !account->password_hash.empty();
  const bool right = VerifyPassword(has_password ? account->password_hash : DummyHash(), pw);
  if (!has_password || !right) {
    throttle_.Failed(address, static_cast<int64_t>(wall_.NowMs()));
    LogEvent("warn", "console_login_failed", {{"rep", rep_id}, {"address", address}});
    return JsonError(401, "unauthorized", Phrase{"http_wrong_password", {}});
  }
  throttle_.Succeeded(rep_id);
  if (account->role != "manager" || !account->active) {
    LogEvent("warn", "console_login_refused", {{"rep", rep_id}, {"address", address}});
    return JsonError(403, "forbidden", Phrase{"http_console_managers_only", {}});
  }
  ConsoleSession session;
  {
    auto lock = lock_store_();
    ConsoleStore sessions(store_);
    auto created = sessions.CreateSession(rep_id, now, options_.session_ttl_ms, address);
    if (!created.ok()) return StatusResponse(created.status());
    session = std::move(*created);
  }
  LogEvent("info", "console_login", {{"rep", rep_id}, {"address", address}});
  boost::json::object out{{"rep", account->rep_id},
                          {"name", account->name},
                          {"role", account->role},
                          {"csrf", CsrfTokenFor(session.token)},
                          {"expires_ms", session.expires_ms}};
  HttpResponse r = JsonResponse(out);
  r.headers.emplace_back(
      "Set-Cookie",
      SessionCookieHeader(session.token, options_.session_ttl_ms / 1000, request.tls));
  return r;
}

HttpResponse ConsoleApi::Logout(const HttpRequest& request) {
  const std::string token = CookieValue(request.cookie, kSessionCookie);
  auto lock = lock_store_();
  ConsoleStore sessions(store_);
  auto who = sessions.Lookup(token, static_cast<int64_t>(wall_.NowMs()));
  if (!who.ok()) return StatusResponse(who.status());
  if (!*who) return JsonError(401, "unauthorized", Phrase{"http_no_session", {}});
  if (!CsrfOk(request)) {
    return JsonError(403, "csrf", "missing or wrong X-CSRF-Token for this session",
                     Phrase{"http_csrf", {}});
  }
  if (Status s = sessions.End(token); !s.ok()) return StatusResponse(s);
  lock.unlock();
  LogEvent("info", "console_logout", {{"rep", (*who)->rep_id}});
  HttpResponse r = JsonResponse(boost::json::object{{"logged_out", true}});
  r.headers.emplace_back("Set-Cookie", SessionCookieHeader("", 0, request.tls));
  return r;
}

HttpResponse ConsoleApi::Session(const HttpRequest& request) {
  const std::string token = CookieValue(request.cookie, kSessionCookie);
  auto lock = lock_store_();
  ConsoleStore sessions(store_);
  int64_t expires = 0;
  auto who = sessions.Lookup(token, static_cast<int64_t>(wall_.NowMs()), &expires);
  if (!who.ok()) return StatusResponse(who.status());
  if (!*who) return JsonError(401, "unauthorized", Phrase{"http_no_session", {}});
  return JsonResponse(boost::json::object{{"rep", (*who)->rep_id},
                                          {"name", (*who)->name},
                                          {"role", (*who)->role},
                                          {"csrf", CsrfTokenFor(token)},
                                          {"expires_ms", expires}});
}

HttpResponse ConsoleApi::Setup(const HttpRequest& request) {
  auto body =
      SmallJsonBody(request, kSetupBodyLimit, "setup request", "{\"code\": \"ABCDE-FGHJK\"}");
  if (auto* bad = std::get_if<HttpResponse>(&body)) return std::move(*bad);
  const auto& o = std::get<boost::json::object>(body);
  const auto* code = o.if_contains("code");
  if (o.size() != 1 || code == nullptr || !code->is_string()) {
    return JsonError(400, "malformed",
                     "a setup request is a JSON object {\"code\": \"ABCDE-FGHJK\"}",
                     Phrase{"http_body_shape", {{"shape", "{\"code\": \"ABCDE-FGHJK\"}"}}});
  }
  // Guesses are throttled per address like logins (the account key is the address too).
  const std::string address = AddressWithoutPort(request.remote);
  const int64_t now = static_cast<int64_t>(wall_.NowMs());
  if (const int64_t wait = setup_throttle_.Begin("setup:" + address, address, now); wait > 0) {
    LogEvent("warn", "setup_code_throttled", {{"address", address}});
    return TooManyAttempts("http_too_many_setup_codes", wait);
  }
  Result<ExchangedSetupCode> exchanged = Status::Internal("not run");
  {
    auto lock = lock_store_();
    exchanged = SetupCodes(store_).Exchange(std::string(code->as_string()));
  }
  if (!exchanged.ok()) {
    setup_throttle_.Failed(address, static_cast<int64_t>(wall_.NowMs()));
    LogEvent("warn", "setup_code_refused",
             {{"address", address}, {"reason", exchanged.status().message()}});
    return StatusResponse(exchanged.status());
  }
  setup_throttle_.Succeeded("setup:" + address);
  LogEvent("info", "setup_code_used",
           {{"rep", exchanged->device.rep_id},
            {"device", exchanged->device.device},
            {"address", address}});
  return JsonResponse(boost::json::object{{"token", exchanged->token},
                                          {"rep", exchanged->device.rep_id},
                                          {"device", exchanged->device.device},
                                          {"device_id", exchanged->device.id}});
}

}  // namespace fieldbook::server
