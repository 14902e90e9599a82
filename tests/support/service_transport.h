// ServiceTransport: the server's SyncService (SyncService::Handle) behind the client's
// SyncTransport interface, in this process and through the real wire codec, so a test drives the
// real SyncEngine against the real server code without sockets. Counts exchanges, snapshot
// pages and the requests that carried digests; `between` runs after every answer (the n-th, from
// 1), as if other people worked on the server meanwhile.
//
// Not thread-safe: one test thread drives it (the engine's prefetch must be off).
#ifndef FIELDBOOK_TESTS_SUPPORT_SERVICE_TRANSPORT_H_
#define FIELDBOOK_TESTS_SUPPORT_SERVICE_TRANSPORT_H_

#include <functional>
#include <string>
#include <utility>

#include "api/sync_service.h"
#include "fieldbook/change_set_codec.h"
#include "sync/sync_engine.h"

namespace fieldbook::testing {

class ServiceTransport final : public client::SyncTransport {
 public:
  ServiceTransport(server::SyncService& service, std::string token)
      : service_(service), token_(std::move(token)) {}
  Result<SyncResponse> Exchange(const SyncRequest& request) override {
    if (request.has_digests) ++digest_requests;
    server::HttpResponse answer = Raw(request);
    if (answer.status != 200) {
      return Status::Unavailable(std::to_string(answer.status) + " " + answer.body);
    }
    ++exchanges;
    auto decoded = DecodeSyncResponse(answer.body);
    if (decoded.ok() && decoded->snapshot) ++snapshot_pages;
    if (between) between(exchanges);
    return decoded;
  }
  server::HttpResponse Raw(const SyncRequest& request) {
    server::HttpRequest http{"POST",
                             "/v1/sync",
                             "Bearer " + token_,
                             server::kSyncContentType,
                             EncodeSyncRequest(request),
                             "test"};
    return service_.Handle(http);
  }
  std::function<void(int)> between;
  int exchanges = 0;
  int snapshot_pages = 0;
  int digest_requests = 0;

 private:
  server::SyncService& service_;
  std::string token_;
};

}  // namespace fieldbook::testing

#endif  // FIELDBOOK_TESTS_SUPPORT_SERVICE_TRANSPORT_H_
