#include "api/product_api.h"

#include <boost/json.hpp>

#include "api/http_json.h"
#include "store/product_store.h"

namespace fieldbook::server {

namespace {

constexpr const char* kPrefix = "/v1/admin/products";

// The product fields of a JSON object body, or a 400 naming the first bad one.
std::optional<HttpResponse> ReadProductFields(const HttpRequest& request, ProductFields* out) {
  boost::json::value parsed;
  const boost::json::value& v = RequestJson(request, parsed);
  if (!v.is_object()) return JsonError(400, "malformed", Phrase{"http_body_not_object", {}});
  // `refusal` is the HttpRefusals code of `what` ("a text": http_field_not_text).
  auto bad = [](const std::string& field, const char* what, const char* refusal) {
    return JsonError(400, "invalid_field", "field \"" + field + "\" must be " + what,
                     Phrase{refusal, {{"field", field}}});
  };
  for (const boost::json::key_value_pair& kv : v.as_object()) {
    const std::string field(kv.key());
    const boost::json::value& value = kv.value();
    auto text = [&](std::optional<std::string>* into) -> std::optional<HttpResponse> {
      if (value.is_null()) {
        *into = std::string();
        return std::nullopt;
      }
      if (!value.is_string()) return bad(field, "a text", "http_field_not_text");
      *into = std::string(value.as_string());
      return std::nullopt;
    };
    std::optional<HttpResponse> error;
    if (field == "part_number") {
      error = text(&out->part_number);
    } else if (field == "name") {
      error = text(&out->name);
    } else if (field == "brand") {
      error = text(&out->brand);
    } else if (field == "category") {
      error = text(&out->category);
    } else if (field == "unit") {
      error = text(&out->unit);
    } else if (field == "list_price_cents") {
      if (!value.is_int64())
        return bad(field, "a whole number of cents", "http_field_whole_number");
      out->list_price_cents = value.as_int64();
    } else if (field == "tier_prices") {
      if (!value.is_object()) return bad(field, "an object {tier: cents}", "http_field_not_object");
      std::map<std::string, int64_t> tiers;
      for (const boost::json::key_value_pair& tier : value.as_object()) {
        if (!tier.value().is_int64()) {
          return bad(field + "." + std::string(tier.key()), "a whole number of cents",
                     "http_field_whole_number");
        }
        tiers[std::string(tier.key())] = tier.value().as_int64();
      }
      out->tier_prices = std::move(tiers);
    } else if (field == "active") {
      if (!value.is_bool()) return bad(field, "true or false", "http_field_not_bool");
      out->active = value.as_bool();
    } else if (field == "id" || field == "updated_at") {
      return JsonError(400, "invalid_field", Phrase{"http_field_server_set", {{"field", field}}});
    } else {
      return JsonError(400, "invalid_field", Phrase{"http_unknown_field", {{"field", field}}});
    }
    if (error) return error;
  }
  Status s = ProductStore::Validate(*out, /*creating=*/false);
  if (!s.ok()) return JsonError(400, "invalid_field", s.message(), s.phrase());
  return std::nullopt;
}

}  // namespace

std::optional<HttpResponse> HandleProductAdminRequest(ServerStore& store, WallClock& wall,
                                                      const HttpRequest& request,
                                                      const std::string& actor) {
  const std::string path = request.target.substr(0, request.target.find('?'));
  if (path != kPrefix && path.rfind(std::string(kPrefix) + "/", 0) != 0) return std::nullopt;
  ProductStore products(store, wall);
  if (path == kPrefix && request.method == "GET") {
    ProductQuery q;
    q.text = QueryParam(request.target, "q");
    q.include_inactive = QueryParam(request.target, "all") == "1";
    q.after = QueryParam(request.target, "after");
    auto limit = IntParam(request.target, "limit", 1, 1000, 100);
    if (!limit) return BadIntParam("limit", 1, 1000);
    if (auto refused = LongQueryParam({{"q", &q.text}, {"after", &q.after}}, 200,
                                      "q and after are at most 200 bytes")) {
      return *refused;
    }
    q.limit = static_cast<size_t>(*limit);
    auto list = products.List(q);
    if (!list.ok()) return StatusResponse(list.status());
    boost::json::array out;
    for (const Product& p : *list) out.push_back(ProductJson(p));
    boost::json::value next = nullptr;
    if (list->size() == q.limit) next = boost::json::string(list->back().part_number);
    return JsonResponse(boost::json::object{{"products", std::move(out)}, {"next", next}});
  }
  if (path == kPrefix && request.method == "POST") {
    ProductFields fields;
    if (auto bad = ReadProductFields(request, &fields)) return *bad;
    auto added = products.Add(fields, actor);
    if (!added.ok()) return StatusResponse(added.status());
    return JsonResponse(boost::json::object{{"product", ProductJson(added->product)}}, 201);
  }
  const std::string ref = path.size() > std::string(kPrefix).size()
                              ? PercentDecode(path.substr(std::string(kPrefix).size() + 1), false)
                              : "";
  if (path != kPrefix && !ref.empty() && (request.method == "PUT" || request.method == "PATCH")) {
    ProductFields fields;
    if (auto bad = ReadProductFields(request, &fields)) return *bad;
    auto updated = products.Update(ref, fields, actor);
    if (!updated.ok()) return StatusResponse(updated.status());
    return JsonResponse(boost::json::object{{"product", ProductJson(updated->product)},
                                            {"changed", updated->changed}});
  }
  if (path != kPrefix && !ref.empty() && request.method == "GET") {
    auto found = products.Find(ref);
    if (!found.ok()) return StatusResponse(found.status());
    if (!*found) return JsonError(404, "not_found", Phrase{"http_no_product", {{"ref", ref}}});
    return JsonResponse(boost::json::object{{"product", ProductJson(**found)}});
  }
  return JsonError(
      405, "method_not_allowed",
      "GET or POST " + std::string(kPrefix) + "; GET or PUT " + kPrefix + "/{part}",
      Phrase{"http_use_methods", {{"methods", "GET, POST, PUT"}, {"path", std::string(kPrefix)}}});
}

}  // namespace fieldbook::server
