#include "sync/review_status.h"

#include <algorithm>
#include <boost/json.hpp>

#include "fieldbook/json.h"
#include "fieldbook/json_reader.h"
#include "lang/store_errors.h"

namespace fieldbook::client {

namespace json = boost::json;

namespace {

constexpr size_t kEditsPerRequest = 1000;  // the server's limit

}  // namespace

std::string HeldEditStatusRequest(const std::vector<HeldReviewEdit>& edits) {
  json::array list;
  for (const HeldReviewEdit& e : edits) {
    list.push_back(json::object{{"table", e.table},
                                {"row_id", e.row_id},
                                {"column", e.column},
                                {"hlc", static_cast<int64_t>(e.hlc.packed())}});
  }
  return WriteJson(json::object{{"edits", std::move(list)}});
}

Result<std::vector<std::string>> ParseHeldEditStatus(const std::string& body,
                                                     const std::vector<HeldReviewEdit>& edits) {
  FB_ASSIGN_OR_RETURN(json::object o, ParseJsonObject(body, "the review status answer"));
  JsonReader r(o, "review status", 256);
  FB_ASSIGN_OR_RETURN(const json::array* list, r.Array("edits", kEditsPerRequest));
  if (list->size() != edits.size()) return r.Bad("edits", "one answer per edit asked about");
  std::vector<std::string> out;
  for (size_t i = 0; i < list->size(); ++i) {
    const json::object* item = (*list)[i].if_object();
    if (item == nullptr) return r.Bad("edits", "a list of objects");
    JsonReader e(*item, "review status edit " + std::to_string(i), 256);
    FB_ASSIGN_OR_RETURN(std::string table, e.Text("table"));
    FB_ASSIGN_OR_RETURN(std::string row, e.Text("row_id"));
    FB_ASSIGN_OR_RETURN(std::string column, e.Text("column"));
    FB_ASSIGN_OR_RETURN(int64_t hlc, e.Int("hlc"));
    FB_ASSIGN_OR_RETURN(std::string status, e.Text("status"));
    if (table != edits[i].table || row != edits[i].row_id || column != edits[i].column ||
        static_cast<uint64_t>(hlc) != edits[i].hlc.packed()) {
      return e.Bad("table", "the edit asked about in that place");
    }
    if (status != "open" && status != "applied" && status != "dismissed" && status != "unknown") {
      return e.Bad("status", "open, applied, dismissed or unknown");
    }
    out.push_back(std::move(status));
  }
  return out;
}

Result<size_t> RefreshReviewStatus(Replica& replica, HttpClient& http, const std::string& token) {
  FB_ASSIGN_OR_RETURN(std::vector<HeldReviewEdit> edits, replica.HeldEdits());
  size_t resolved = 0;
  for (size_t at = 0; at < edits.size();) {
    // A review item's edits are asked about together, so none is judged on half of them.
    size_t end = std::min(edits.size(), at + kEditsPerRequest);
    while (end < edits.size() && end > at + 1 && edits[end].review_id == edits[end - 1].review_id) {
      --end;
    }
    const std::vector<HeldReviewEdit> part(edits.begin() + static_cast<ptrdiff_t>(at),
                                           edits.begin() + static_cast<ptrdiff_t>(end));
    FB_ASSIGN_OR_RETURN(
        HttpReply reply,
        http.Post("/v1/conflicts/status", HeldEditStatusRequest(part), "application/json", token));
    if (reply.status != 200) {
      return StoreError(StatusCode::kUnavailable, "err_review_status_answer",
                        {{"status", std::to_string(reply.status)}});
    }
    Result<std::vector<std::string>> status = ParseHeldEditStatus(reply.body, part);
    if (!status.ok()) return AnswerUnreadable(status.status(), "what_review_status");
    FB_ASSIGN_OR_RETURN(size_t n, replica.RecordHeldEditStatus(part, *status));
    resolved += n;
    at = end;
  }
  return resolved;
}

}  // namespace fieldbook::client
