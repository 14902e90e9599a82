#include "sync/whoami.h"

#include <boost/json.hpp>

#include "fieldbook/json.h"
#include "lang/store_errors.h"

namespace fieldbook::client {

namespace json = boost::json;

Result<WhoAmI> ParseWhoAmI(const std::string& body) {
  boost::system::error_code ec;
  json::value who = ReadJson(body, ec);
  const json::object* obj = !ec && who.is_object() ? &who.as_object() : nullptr;
  auto field = [obj](const char* key) -> std::string {
    if (obj == nullptr) return {};
    const json::value* v = obj->if_contains(key);
    return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  WhoAmI out{field("rep"), field("name"), field("role")};
  if (out.rep.empty()) return StoreError(StatusCode::kRejected, "err_whoami_no_rep");
  return out;
}

Result<WhoAmI> AskWhoAmI(HttpClient& http, const std::string& token) {
  FB_ASSIGN_OR_RETURN(HttpReply reply, http.Get("/v1/whoami", token));
  if (reply.status == 401 || reply.status == 403) {
    const Status refused = StoreError(StatusCode::kRejected, "err_token_refused",
                                      {{"status", std::to_string(reply.status)}});
    return ServerError(StatusCode::kRejected, refused.message(), reply, *refused.phrase());
  }
  if (reply.status != 200) {
    return Status(StatusCode::kRejected,
                  "the server answered HTTP " + std::to_string(reply.status) + ": " +
                      reply.body.substr(0, 200),
                  AnsweredPhrase(reply, "what_whoami"));
  }
  return ParseWhoAmI(reply.body);
}

}  // namespace fieldbook::client
