#include "sync_engine.h"

#include <boost/json.hpp>

#include "fieldbook/change_set_codec.h"

namespace fieldbook::client {

namespace {

constexpr const char* kSyncContentType = "application/x-fieldbook-sync";

// The server's JSON error message, or the raw body when it is not one.
std::string ServerMessage(const HttpReply& reply) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(reply.body, ec);
  if (!ec && v.is_object()) {
    if (const auto* err = v.as_object().if_contains("error"); err && err->is_object()) {
      if (const auto* m = err->as_object().if_contains("message"); m && m->is_string()) {
        return std::string(m->as_string());
      }
    }
  }
  return reply.body.substr(0, 200);
}

}  // namespace

Result<std::unique_ptr<HttpSyncTransport>> HttpSyncTransport::Create(
    const std::string& server_url, const std::string& token, const HttpClientOptions& options) {
  FB_ASSIGN_OR_RETURN(std::unique_ptr<HttpClient> http, HttpClient::Create(server_url, options));
  return std::unique_ptr<HttpSyncTransport>(new HttpSyncTransport(std::move(http), token));
}

Result<SyncResponse> HttpSyncTransport::Exchange(const SyncRequest& request) {
  FB_ASSIGN_OR_RETURN(HttpReply reply, http_->Post("/v1/sync", EncodeSyncRequest(request),
                                                   kSyncContentType, token_));
  if (reply.status == 200) {
    auto decoded = DecodeSyncResponse(reply.body);
    if (!decoded.ok()) {
      return Status::Unavailable("the server sent an unreadable answer: " +
                                 decoded.status().message());
    }
    return decoded;
  }
  const std::string message = ServerMessage(reply);
  switch (reply.status) {
    case 401:
      return Status::Rejected("the server refused the device token: " + message);
    case 403:
      return Status::Rejected("not allowed: " + message);
    case 400:
      return Status::InvalidArgument("the server could not read the request: " + message);
    case 409:
      return Status::Conflict(message);
    case 413:
      return Status::ResourceExhausted("the server refused a request this large: " + message);
    default:
      return Status::Unavailable("the server answered " + std::to_string(reply.status) + ": " +
                                 message);
  }
}

Result<SyncReport> SyncEngine::SyncOnce() {
  SyncReport report;
  while (report.round_trips < options_.max_round_trips) {
    FB_ASSIGN_OR_RETURN(std::optional<ChangeSet> push, replica_.PreparePush());
    SyncRequest request;
    request.replica_id = replica_.replica_id();
    request.pull_cursor = replica_.cursor();
    request.page_limit = options_.page_rows;
    if (push) {
      request.has_push = true;
      request.push = std::move(*push);
    }
    FB_ASSIGN_OR_RETURN(SyncResponse response, transport_.Exchange(request));
    ++report.round_trips;
    report.hub_clock_skew_ms = static_cast<int64_t>(replica_.clock().WallNowMs()) -
                               static_cast<int64_t>(response.hub_time_ms);

    if (request.has_push) {
      if (!response.has_push_result || response.push_result.set_id != request.push.set_id) {
        return Status::Unavailable("the server did not answer the push; it will be resent");
      }
      FB_RETURN_IF_ERROR(replica_.AcknowledgePush(response.push_result));
      report.rows_pushed += request.push.rows.size();
      report.rows_rejected += response.push_result.rejections.size();
    }
    if (response.rebuild) {
      FB_ASSIGN_OR_RETURN(int64_t pending, replica_.PendingWriteCount());
      if (pending > 0) continue;  // land every local write before starting over
      FB_RETURN_IF_ERROR(replica_.ResetForRebuild());
      report.rebuilt = true;
      continue;
    }
    FB_ASSIGN_OR_RETURN(PullStats stats, replica_.ApplyPull(response.pull));
    ++report.pages;
    report.rows_received += stats.rows_received;
    report.customers_evicted += stats.customers_evicted;
    report.evictions_deferred += stats.evictions_deferred;
    if (response.more) continue;
    // Nothing more to pull: done, unless writes are still waiting (more than one set's worth, or
    // made while this sync ran). A small sync is thus a single round trip.
    FB_ASSIGN_OR_RETURN(int64_t still_pending, replica_.PendingWriteCount());
    if (still_pending == 0) break;
  }
  report.cursor = replica_.cursor();
  return report;
}

}  // namespace fieldbook::client
