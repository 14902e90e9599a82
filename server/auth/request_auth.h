// RequestAuthenticator: who sent a request. A bearer token (a device's or a manager's,
// device_tokens.h) is looked up in the store; without one, and where the route allows it, a
// console session cookie (console_api.h, handed in as `SessionLookup` so that auth/ stays below
// api/) stands for its manager.
//
// Thread safety: like the store it reads. The router calls it with the store's lock held.
#ifndef FIELDBOOK_SERVER_REQUEST_AUTH_H_
#define FIELDBOOK_SERVER_REQUEST_AUTH_H_

#include <functional>
#include <optional>

#include "fieldbook/status.h"
#include "http/http_types.h"
#include "store/server_store.h"

namespace fieldbook::server {

class RequestAuthenticator {
 public:
  // The manager whose live console session the request's cookie names, or nullopt.
  using SessionLookup = std::function<Result<std::optional<Principal>>(const HttpRequest&)>;
  RequestAuthenticator(ServerStore& store, SessionLookup sessions)
      : store_(store), sessions_(std::move(sessions)) {}

  // The principal of `request`: its bearer token's, else (when `sessions`) its session cookie's,
  // which sets *by_session. nullopt: nobody (missing, unknown or revoked token, a disabled rep).
  Result<std::optional<Principal>> Authenticate(const HttpRequest& request, bool sessions,
                                                bool* by_session);

 private:
  ServerStore& store_;
  SessionLookup sessions_;
};

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_REQUEST_AUTH_H_
