#include "api/http_status.h"

namespace fieldbook::server {

int HttpStatusFor(StatusCode code, HttpWire wire) {
  switch (code) {
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kConflict:
      return 409;
    case StatusCode::kRejected:
      return wire == HttpWire::kSync ? 403 : 422;
    case StatusCode::kResourceExhausted:
      return 413;
    case StatusCode::kUnavailable:
      return 503;
    case StatusCode::kCorrupt:
      return wire == HttpWire::kSync ? 400 : 500;
    case StatusCode::kOk:
    case StatusCode::kIo:
    case StatusCode::kInternal:
      break;
  }
  return 500;
}

std::string_view HttpErrorCodeFor(StatusCode code) {
  switch (code) {
    case StatusCode::kInvalidArgument:
      return "invalid";
    case StatusCode::kNotFound:
      return "not_found";
    case StatusCode::kConflict:
      return "conflict";
    case StatusCode::kRejected:
      return "rejected";
    case StatusCode::kResourceExhausted:
      return "too_large";
    case StatusCode::kUnavailable:
      return "unavailable";
    case StatusCode::kOk:
    case StatusCode::kCorrupt:
    case StatusCode::kIo:
    case StatusCode::kInternal:
      break;
  }
  return "internal";
}

}  // namespace fieldbook::server
