#include "sync/setup_code.h"

#include <boost/json.hpp>

#include "fieldbook/json.h"
#include "lang/store_errors.h"

namespace fieldbook::client {

namespace json = boost::json;

Result<SetupCodeGrant> ExchangeSetupCode(HttpClient& http, const std::string& code) {
  if (code.empty() || code.size() > 64) {
    return StoreError(StatusCode::kRejected, "err_setup_code_form");
  }
  const std::string body = json::serialize(json::object{{"code", code}});
  FB_ASSIGN_OR_RETURN(HttpReply reply, http.Post("/v1/setup", body, "application/json"));
  if (reply.status != 200) {
    return ServerError(StatusCode::kRejected,
                       "the server refused the setup code (HTTP " + std::to_string(reply.status) +
                           "): " + ServerErrorMessage(reply, 300),
                       reply, AnsweredPhrase(reply, "what_setup_code"));
  }
  boost::system::error_code ec;
  json::value v = ReadJson(reply.body, ec);
  const json::object* o = !ec && v.is_object() ? &v.as_object() : nullptr;
  auto field = [o](const char* key) -> std::string {
    const json::value* f = o != nullptr ? o->if_contains(key) : nullptr;
    return f != nullptr && f->is_string() ? std::string(f->as_string()) : std::string();
  };
  SetupCodeGrant grant{field("token"), field("rep"), field("device")};
  if (grant.token.empty() || grant.rep.empty()) {
    return StoreError(StatusCode::kRejected, "err_setup_code_no_token");
  }
  return grant;
}

}  // namespace fieldbook::client
