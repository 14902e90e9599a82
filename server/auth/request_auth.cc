#include "auth/request_auth.h"

#include <string>

#include "auth/auth.h"

namespace fieldbook::server {

Result<std::optional<Principal>> RequestAuthenticator::Authenticate(const HttpRequest& request,
                                                                    bool sessions,
                                                                    bool* by_session) {
  *by_session = false;
  const std::string token = BearerToken(request.authorization);
  if (!token.empty()) return store_.Authenticate(token);
  if (!sessions || request.cookie.empty() || !sessions_) return std::optional<Principal>();
  auto who = sessions_(request);
  if (who.ok() && *who) *by_session = true;
  return who;
}

}  // namespace fieldbook::server
