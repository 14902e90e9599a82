#include "api/http_json.h"

#include <charconv>
#include <string_view>
#include "api/http_status.h"
#include "fieldbook/json.h"

namespace fieldbook::server {

namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string PercentDecode(std::string_view in, bool plus_is_space) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (plus_is_space && in[i] == '+') {
      out += ' ';
    } else if (in[i] == '%' && i + 2 < in.size() && HexDigit(in[i + 1]) >= 0 &&
               HexDigit(in[i + 2]) >= 0) {
      out += static_cast<char>(HexDigit(in[i + 1]) * 16 + HexDigit(in[i + 2]));
      i += 2;
    } else {
      out += in[i];
    }
  }
  return out;
}

std::variant<boost::json::object, HttpResponse> JsonObjectBody(const HttpRequest& request,
                                                               size_t max_bytes) {
  if (request.body.size() > max_bytes) {
    return JsonError(413, "too_large",
                     Phrase{"http_body_larger_than", {{"max", std::to_string(max_bytes)}}});
  }
  boost::json::value parsed;
  const boost::json::value& v = RequestJson(request, parsed);
  if (!v.is_object()) return JsonError(400, "malformed", Phrase{"http_body_not_object", {}});
  return v.as_object();
}

HttpResponse JsonError(int status, const std::string& code, const std::string& message,
                       const Phrase& refusal) {
  return JsonError(status, code, message, &refusal);
}

HttpResponse JsonResponse(const boost::json::value& body, int status) {
  return HttpResponse{status, "application/json", WriteJson(body), {}};
}

HttpResponse JsonResponseIf(const Status& status, const boost::json::value& body) {
  return status.ok() ? JsonResponse(body) : StatusResponse(status);
}

HttpResponse StatusResponse(const Status& s) {
  const int status = HttpStatusFor(s.code());
  // A server-side failure names its kind ("io: disk full"); the others are the caller's to read.
  // An error with a phrase carries its code and values beside the English (http_types.h).
  return JsonError(status, std::string(HttpErrorCodeFor(s.code())),
                   status >= 500 ? s.ToString() : s.message(), s.phrase());
}

std::string QueryParam(const std::string& target, const std::string& name) {
  const size_t q = target.find('?');
  if (q == std::string::npos) return {};
  const std::string_view query = std::string_view(target).substr(q + 1);
  size_t pos = 0;
  while (pos <= query.size()) {
    size_t amp = query.find('&', pos);
    if (amp == std::string_view::npos) amp = query.size();
    const std::string_view pair = query.substr(pos, amp - pos);
    const size_t eq = pair.find('=');
    if (PercentDecode(pair.substr(0, eq), true) == name) {
      return eq == std::string_view::npos ? "1" : PercentDecode(pair.substr(eq + 1), true);
    }
    pos = amp + 1;
  }
  return {};
}

std::optional<int64_t> IntParam(const std::string& target, const char* name, int64_t lo, int64_t hi,
                                int64_t fallback) {
  const std::string text = QueryParam(target, name);
  if (text.empty()) return fallback;
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < lo || v > hi) {
    return std::nullopt;
  }
  return v;
}

HttpResponse BadIntParam(const char* name, int64_t lo, int64_t hi) {
  return JsonError(
      400, "invalid_field",
      Phrase{"http_query_number",
             {{"name", name}, {"lo", std::to_string(lo)}, {"hi", std::to_string(hi)}}});
}

std::optional<HttpResponse> LongQueryParam(
    std::initializer_list<std::pair<const char*, const std::string*>> params, size_t max,
    const std::string& english) {
  for (const auto& [name, value] : params) {
    if (value->size() > max) {
      return JsonError(
          400, "invalid_field", english,
          Phrase{"http_query_too_long", {{"name", name}, {"max", std::to_string(max)}}});
    }
  }
  return std::nullopt;
}

const boost::json::value& RequestJson(const HttpRequest& request, boost::json::value& storage) {
  if (request.json != nullptr) return *request.json;
  boost::system::error_code ec;
  storage = ReadJson(request.body, ec);
  if (ec) storage = nullptr;
  return storage;
}

}  // namespace fieldbook::server
