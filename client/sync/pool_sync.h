// The public pool (公海, issue #7) on the wire, for a rep's device: PoolTransport (the server's
// /v1/pool routes, HttpPoolTransport over HTTP with the device token), the readers of its JSON
// answers (every field checked, every size bounded: the text comes off the network), and PoolSync,
// the SyncExtension that carries the rep's requests along every sync.
//
// PoolSync, after the sync's push and pull: sends the waiting releases (one request each), then
// the waiting claims (in batches of at most kClaimsPerRequest, oldest first, at most
// PoolCache::kMaxPendingRequests in all; a batch the server finds too large, or whose answer is
// larger than kPoolResponseLimit, goes again in halves) and records each answer. A request the
// server cannot take as sent (unreadable, or too large: a release whose reason is over the
// server's JSON limit) is recorded as refused with the server's refusal (its code and values, read
// in the rep's language) rather than resent on every sync: the rep is told once, the request (its
// reason included) stays listed, and the rep may make it again. One claim whose own answer is
// over kPoolResponseLimit was decided by the server, perhaps granted: it is not told refused but
// keeps waiting with a note (err_pool_claim_answer_unreadable, told once as pool_error) and goes
// again at the next sync, never holding back the claims after it; when its customer has arrived
// with a sync (the server granted it) it is settled as granted (err_pool_claim_arrived) without
// being sent again. Any other answer the device cannot read is told in the rep's language
// (AnswerUnreadable, http_client.h) and its requests wait. If a claim was granted or a customer
// released, it runs the push/pull rounds again so the claimed customer's rows arrive, and a
// released one leaves, in the same sync; last it fetches the pool listing (GET /v1/pool) and keeps
// it on the device. The server cannot be reached, or refuses: nothing is lost — the requests not
// answered stay waiting, the old listing stays, and SyncReport::pool_error says why. A claim resent
// after a lost answer keeps its request id, so the server answers it as before.
//
// Thread safety: PoolTransport implementations are used by one thread at a time; PoolSync runs on
// the sync engine's thread (the ClientStore's).
#ifndef FIELDBOOK_CLIENT_POOL_SYNC_H_
#define FIELDBOOK_CLIENT_POOL_SYNC_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "fieldbook/status.h"
#include "store/client_store.h"
#include "sync/http_client.h"
#include "sync/sync_engine.h"

namespace fieldbook::client {

// The server's answer to one claim.
struct ClaimAnswer {
  std::string request_id;
  std::string customer_id;
  bool granted = false;
  std::string reason;
  std::string decided_at;  // ISO-8601 UTC; "" when the server did not say
};

// The server's answer to a release: released, or refused with its reason.
struct ReleaseAnswer {
  bool released = false;
  std::string reason;
  std::string decided_at;
};

// Failures are Status values: kUnavailable when the server cannot be reached or fails (5xx),
// kRejected when it refuses the token, kCorrupt when it answers something unreadable (an answer
// over kPoolResponseLimit too, with the HTTP client's phrase err_net_answer_too_large: the server
// has decided by then). SendClaims: kInvalidArgument when the server could not read the claims
// (400) and kResourceExhausted only when it refused them as too large (413); in both it decided
// nothing.
class PoolTransport {
 public:
  virtual ~PoolTransport() = default;
  // GET /v1/pool.
  virtual Result<PoolListing> FetchPool() = 0;
  // POST /v1/pool/claims with at most kClaimsPerRequest claims.
  virtual Result<std::vector<ClaimAnswer>> SendClaims(const std::vector<PoolRequest>& claims) = 0;
  // POST /v1/pool/release. The server's refusals (not yours, already in the pool, no such
  // customer) are answers, not failures.
  virtual Result<ReleaseAnswer> SendRelease(const PoolRequest& release) = 0;
};

inline constexpr size_t kClaimsPerRequest = 50;         // the server's limit per request
inline constexpr size_t kPoolResponseLimit = 4u << 20;  // bytes; larger answers are refused

class HttpPoolTransport final : public PoolTransport {
 public:
  // kInvalidArgument for an unusable URL.
  static Result<std::unique_ptr<HttpPoolTransport>> Create(const std::string& server_url,
                                                           const std::string& token,
                                                           HttpClientOptions options = {});
  Result<PoolListing> FetchPool() override;
  Result<std::vector<ClaimAnswer>> SendClaims(const std::vector<PoolRequest>& claims) override;
  Result<ReleaseAnswer> SendRelease(const PoolRequest& release) override;

 private:
  explicit HttpPoolTransport(std::unique_ptr<HttpClient> http) : http_(std::move(http)) {}
  std::unique_ptr<HttpClient> http_;  // sends the device token
};

// Reads GET /v1/pool's body. kCorrupt naming the bad field.
Result<PoolListing> ParsePoolListing(const std::string& json);
// Reads POST /v1/pool/claims's body. kCorrupt naming the bad field.
Result<std::vector<ClaimAnswer>> ParseClaimAnswers(const std::string& json);
// The body POST /v1/pool/claims takes for `claims`.
std::string ClaimsBody(const std::vector<PoolRequest>& claims);

class PoolSync final : public SyncExtension {
 public:
  // Both must outlive the PoolSync.
  PoolSync(ClientStore& store, PoolTransport& transport) : store_(store), transport_(transport) {}

  Status AfterRounds(SyncReport& report, const std::function<Status()>& rounds) override;

  // The requests answered during the last AfterRounds, in the order they were answered.
  const std::vector<PoolRequest>& answered() const { return answered_; }

 private:
  // Settles the waiting claims whose customers arrived after an unreadable answer, then sends the
  // waiting requests; the first failure to reach the server stops and is returned (the rest
  // wait). Local failures go to *local; a claim whose answer could not be read, noted for the
  // first time, to *notice (the first such).
  Status SendRequests(SyncReport& report, bool* scope_changed, Status* local, Status* notice);

  ClientStore& store_;
  PoolTransport& transport_;
  std::vector<PoolRequest> answered_;
};

}  // namespace fieldbook::client

#endif  // FIELDBOOK_CLIENT_POOL_SYNC_H_
