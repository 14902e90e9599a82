#include "sync/setup_code.h"

#include <boost/json.hpp>

#include "fieldbook/json.h"

namespace fieldbook::client {

namespace json = boost::json;

Result<SetupCodeGrant> ExchangeSetupCode(HttpClient& http, const std::string& code) {
  if (code.empty() || code.size() > 64) {
    return Status::Rejected("a setup code is 10 letters and digits, like ABCDE-FGHJK");
  }
  const std::string body = json::serialize(json::object{{"code", code}});
  FB_ASSIGN_OR_RETURN(HttpReply reply, http.Post("/v1/setup", body, "application/json"));
  if (reply.status != 200) {
    return ServerError(StatusCode::kRejected,
                       "the server refused the setup code (HTTP " + std::to_string(reply.status) +
                           "): " + ServerErrorMessage(reply, 300),
                       reply);
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
    return Status::Rejected("the server's answer to the setup code holds no device token");
  }
  return grant;
}

}  // namespace fieldbook::client
