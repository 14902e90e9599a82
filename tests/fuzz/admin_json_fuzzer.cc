// Fuzz target for every JSON body the server accepts (the admin API, the pool, assignment and
// grading rules): the first byte picks a route, the rest is its body. The request goes through
// SyncService::Admit and Handle as the HTTP server would pass it, with the right role's token.
// Nothing may crash or answer 500; every answer must be JSON.
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <iterator>
#include <string>

#include "fuzz_server.h"
#include "fuzz_target.h"

namespace {

struct Route {
  const char* method;
  const char* target;
  bool manager;
};

// Every route that reads a JSON body.
constexpr Route kRoutes[] = {
    {"POST", "/v1/admin/territories/assign", true},
    {"POST", "/v1/admin/customers/reassign", true},
    {"POST", "/v1/admin/conflicts/resolve", true},
    {"PUT", "/v1/admin/grading", true},
    {"PUT", "/v1/admin/assignment", true},
    {"PUT", "/v1/admin/assignment/profiles", true},
    {"POST", "/v1/admin/pool/assign", true},
    {"POST", "/v1/admin/pool/release", true},
    {"POST", "/v1/pool/claims", false},
    {"POST", "/v1/pool/release", false},
    {"POST", "/v1/admin/devices", true},
    {"POST", "/v1/admin/devices/revoke", true},
    {"POST", "/v1/admin/reps/disable", true},
    {"POST", "/v1/admin/reps/enable", true},
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  fieldbook::fuzz::FuzzServer& server = fieldbook::fuzz::FuzzServer::Get();
  const Route& route = kRoutes[data[0] % std::size(kRoutes)];
  fieldbook::server::HttpRequest request;
  request.method = route.method;
  request.target = route.target;
  request.authorization = "Bearer " + (route.manager ? server.manager_token() : server.rep_token());
  request.content_type = "application/json";
  request.remote = "fuzz";
  request.has_body = true;
  request.content_length = size - 1;
  fieldbook::server::HttpAdmission admission = server.service().Admit(request);
  if (admission.response) {
    if (admission.response->status == 500) __builtin_trap();
    return 0;
  }
  if (size - 1 > admission.body_limit) return 0;  // the HTTP server answers 413 itself
  request.admitted = std::move(admission.context);
  request.body = server.Substitute(std::string(reinterpret_cast<const char*>(data) + 1, size - 1));
  const fieldbook::server::HttpResponse response = server.service().Handle(request);
  if (response.status >= 500) {
    std::fprintf(stderr, "%s %s answered %d: %s\n", route.method, route.target, response.status,
                 response.body.c_str());
    __builtin_trap();
  }
  if (response.content_type == "application/json") {
    boost::system::error_code ec;
    boost::json::parse(response.body, ec);
    if (ec) __builtin_trap();  // we wrote JSON we cannot read back
  }
  return 0;
}
