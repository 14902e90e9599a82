// ConsoleApi: how a manager's browser signs in to the console (issue #16), and the security
// headers of everything the console is served with. Routes (documented in docs/server.md):
//   POST /v1/admin/login    {"rep": R, "password": P}  -> the session cookie and its CSRF token
//   POST /v1/admin/logout   ends the cookie's session (CSRF token required)
//   GET  /v1/admin/session  the cookie's manager, the session's CSRF token and expiry
//   POST /v1/setup          {"code": C} -> a new device's {"token", "rep", "device", "device_id"}:
//                           a rep's device exchanges the one-time code a manager issued
//                           (setup_codes.h); no cookie or token. Wrong, used and expired codes
//                           count as failures of the address (the login throttle's rules).
//
//  * The session cookie `fb_session` is HttpOnly, SameSite=Strict, Path=/, with Max-Age = the
//    session's lifetime, and Secure when the request came over HTTPS. Sessions are stored hashed
//    (console_store.h).
//  * A cookie authenticates only /v1/admin/... and /v1/whoami (SyncService asks SessionOf), never
//    a rep's routes. Any request it authenticates with a method other than GET or HEAD must carry
//    the session's CSRF token in X-CSRF-Token (CsrfOk); a bearer token needs none.
//  * Logins are throttled per account and per address (login_throttle.h): 429 with Retry-After.
//    A wrong password, an unknown account and an account without a password all answer the same
//    401 after the same argon2id work; only with the right password does a rep (or a disabled
//    manager) learn that they may not use the console (403).
//  * Login bodies are JSON objects of at most 8 KiB holding exactly "rep" and "password", sent as
//    application/json (a cross-site HTML form cannot send that).
//
// Thread safety: thread-safe. The password check runs outside the store's lock (LockFn takes it
// for the database steps only), so a login never stalls devices' syncs.
#ifndef FIELDBOOK_SERVER_CONSOLE_API_H_
#define FIELDBOOK_SERVER_CONSOLE_API_H_

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "auth/login_throttle.h"
#include "fieldbook/hlc.h"
#include "http/http_types.h"
#include "store/server_store.h"

namespace fieldbook::server {

inline constexpr const char* kSessionCookie = "fb_session";
inline constexpr size_t kLoginBodyLimit = 8u << 10;
inline constexpr size_t kSetupBodyLimit = 1u << 10;

struct ConsoleOptions {
  int64_t session_ttl_ms = 8 * 3600 * 1000;  // a session's absolute lifetime
  LoginThrottleOptions throttle;
};

class ConsoleApi {
 public:
  using LockFn = std::function<std::unique_lock<std::mutex>()>;
  ConsoleApi(ServerStore& store, WallClock& wall, LockFn lock_store, ConsoleOptions options = {});

  // /v1/admin/login, /v1/admin/logout, /v1/admin/session, /v1/setup.
  static bool IsSessionRoute(std::string_view path);
  // Call with the store's lock held: the manager whose live session the request's cookie names.
  Result<std::optional<Principal>> SessionOf(const HttpRequest& request);
  // True when `request` (authenticated by its cookie) may go ahead: GET or HEAD, or its
  // X-CSRF-Token is the session's.
  static bool CsrfOk(const HttpRequest& request);

  // The session routes and /v1/setup. Takes the store's lock itself.
  HttpResponse Handle(const HttpRequest& request);

 private:
  HttpResponse Login(const HttpRequest& request);
  HttpResponse Logout(const HttpRequest& request);
  HttpResponse Session(const HttpRequest& request);
  HttpResponse Setup(const HttpRequest& request);
  const std::string& DummyHash();

  ServerStore& store_;
  WallClock& wall_;
  LockFn lock_store_;
  const ConsoleOptions options_;
  LoginThrottle throttle_;
  LoginThrottle setup_throttle_;  // setup code exchanges, by address (options.throttle's rules)
  std::once_flag dummy_once_;
  std::string dummy_hash_;  // verified against when an account has no password (same work)
};

// The value of cookie `name` in a Cookie header ("" when absent).
std::string CookieValue(std::string_view header, std::string_view name);
// Content-Security-Policy and the other headers every console response carries (HSTS too over
// HTTPS).
void AddSecurityHeaders(HttpResponse& response, bool tls);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_CONSOLE_API_H_
