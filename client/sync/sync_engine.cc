#include "sync/sync_engine.h"

#include <algorithm>
#include <chrono>
#include <future>
#include <limits>
#include <optional>
#include <utility>

#include "fieldbook/change_set_codec.h"
#include "lang/store_errors.h"

namespace fieldbook::client {

namespace {

constexpr const char* kSyncContentType = "application/x-fieldbook-sync";

}  // namespace

Result<std::unique_ptr<HttpSyncTransport>> HttpSyncTransport::Create(const std::string& server_url,
                                                                     const std::string& token,
                                                                     HttpClientOptions options) {
  options.bearer_token = token;
  FB_ASSIGN_OR_RETURN(std::unique_ptr<HttpClient> http, HttpClient::Create(server_url, options));
  return std::unique_ptr<HttpSyncTransport>(new HttpSyncTransport(std::move(http)));
}

Result<SyncResponse> HttpSyncTransport::Exchange(const SyncRequest& request) {
  FB_ASSIGN_OR_RETURN(HttpReply reply,
                      http_->Post("/v1/sync", EncodeSyncRequest(request), kSyncContentType));
  if (reply.status == 200) {
    auto decoded = DecodeSyncResponse(reply.body);
    if (!decoded.ok()) {
      return Status(StatusCode::kUnavailable,
                    "the server sent an unreadable answer: " + decoded.status().message(),
                    Phrase{"err_server_answer_unreadable", {{"what", "what_sync"}}});
    }
    return decoded;
  }
  // The server's refusal stays a value (its code and values) beside the English; without one this
  // build reads, the status is.
  const std::string message = ServerErrorMessage(reply);
  const Phrase answered = AnsweredPhrase(reply, "what_sync");
  switch (reply.status) {
    case 401:
      return ServerError(StatusCode::kRejected, "the server refused the device token: " + message,
                         reply, Phrase{"err_token_refused", {{"status", "401"}}});
    case 403:
      return ServerError(StatusCode::kRejected, "not allowed: " + message, reply, answered);
    case 400:
      return ServerError(StatusCode::kInvalidArgument,
                         "the server could not read the request: " + message, reply, answered);
    case 409:
      return ServerError(StatusCode::kConflict, message, reply, answered);
    case 413:
      return ServerError(StatusCode::kResourceExhausted,
                         "the server refused a request this large: " + message, reply, answered);
    default:
      return ServerError(StatusCode::kUnavailable,
                         "the server answered " + std::to_string(reply.status) + ": " + message,
                         reply, answered);
  }
}

namespace {

using SteadyClock = std::chrono::steady_clock;

// An answer, and when its request went out and it came back.
struct Timed {
  Result<SyncResponse> answer;
  SteadyClock::time_point sent;
  SteadyClock::time_point arrived;
};

// A pull requested while the previous page was being stored.
struct Prefetched {
  uint64_t cursor = 0;
  std::string snapshot_token;
  uint64_t epoch = 0;
  std::future<Timed> answer;
};

// Pages grow while round trips are quick, up to the most the server sends at once, so that a
// long pull (a first sync) costs few round trips and commits; a slow link keeps them small, so
// that one round trip stays well inside the HTTP timeout.
uint32_t NextPageLimit(uint32_t limit, SteadyClock::duration round_trip,
                       const SyncOptions& options) {
  if (limit == 0) return 0;  // the server's default size, as asked
  const uint32_t floor = std::max<uint32_t>(options.page_rows, 1);
  const uint32_t ceiling = std::max(options.max_page_rows, floor);
  if (round_trip < options.grow_below) {
    return static_cast<uint32_t>(std::min<uint64_t>(ceiling, uint64_t{limit} * 2));
  }
  if (round_trip > options.shrink_above) return std::max(floor, limit / 2);
  return std::min(std::max(limit, floor), ceiling);
}

// The hub numbers its changes and epochs with SQLite integers and its clock is a Unix time in
// milliseconds: none is above 2^63 - 1. A larger value on the wire is a negative number sent
// unsigned, or an absurd one; stored, such a cursor would make the device skip every later change.
// An answer carrying one is refused whole, before anything of it is stored.
Status CheckPositions(const SyncResponse& response) {
  constexpr uint64_t kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  auto impossible = [](const char* what, uint64_t value) {
    return StoreError(StatusCode::kCorrupt, "err_sync_impossible",
                      {{"what", what}, {"value", std::to_string(value)}});
  };
  if (response.pull.cursor > kMax) return impossible("what_cursor", response.pull.cursor);
  if (response.epoch > kMax) return impossible("what_epoch", response.epoch);
  if (response.hub_time_ms > kMax) return impossible("what_time", response.hub_time_ms);
  return Status::Ok();
}

}  // namespace

Status SyncEngine::PreparePush(SyncRequest& request, bool as_bytes) {
  if (as_bytes) {
    FB_ASSIGN_OR_RETURN(std::optional<Replica::EncodedPush> push, replica_.PreparePushBytes());
    if (!push) return Status::Ok();
    request.has_push = true;
    request.push.set_id = std::move(push->set_id);  // for matching the answer; not sent
    request.push_bytes = std::move(push->bytes);
    return Status::Ok();
  }
  FB_ASSIGN_OR_RETURN(std::optional<ChangeSet> push, replica_.PreparePush());
  if (!push) return Status::Ok();
  request.has_push = true;
  request.push = std::move(*push);
  return Status::Ok();
}

Result<SyncReport> SyncEngine::SyncOnce() {
  SyncReport report;
  FB_RETURN_IF_ERROR(Rounds(report));
  if (extension_ != nullptr) {
    FB_RETURN_IF_ERROR(extension_->AfterRounds(report, [this, &report] { return Rounds(report); }));
  }
  report.cursor = replica_.cursor();
  return report;
}

Status SyncEngine::CommitBatch() {
  if (!replica_.in_pull_batch()) return Status::Ok();
  FB_RETURN_IF_ERROR(replica_.CommitPullBatch());
  const PullStats stored = batch_.stats;
  batch_ = Batch{};
  if (observer_ != nullptr) return observer_->PageStored(stored);
  return Status::Ok();
}

Status SyncEngine::Rounds(SyncReport& report) {
  Status s = RoundsInBatches(report);
  // Whatever way the rounds ended, the pages of an open batch were each stored whole (a page that
  // failed rolled the batch back): they are kept.
  Status committed = CommitBatch();
  return s.ok() ? committed : s;
}

Status SyncEngine::RoundsInBatches(SyncReport& report) {
  // Declared first so that every return below waits for a round trip still in flight before the
  // engine (and the transport it uses) can go away.
  Prefetched prefetched;
  // Verification: digests go with a request that carries no push, once caught up (the server
  // compares them only when the page it answers with is empty). The replica may want a check
  // itself (its digest triggers had been tampered with), or the server asks (response.verify).
  FB_ASSIGN_OR_RETURN(bool replica_wants_check, replica_.VerificationWanted());
  bool send_digests = replica_wants_check;
  bool deep = false;
  bool caught_up = true;  // as far as we know before the first answer
  int digest_requests = 0;
  // A large repair comes in several answers; a bound per sync, and no more asking once an answer
  // changed nothing (a repair that does not converge waits for the next sync).
  constexpr int kMaxDigestRequests = 16;
  uint32_t page_limit = options_.page_rows;
  // Pushes go out as their stored bytes to a hub known to read them (wire version 4), else inline.
  bool push_as_bytes = replica_.hub_wire_version() >= kWirePushBytesVersion;
  while (report.round_trips < options_.max_round_trips) {
    // A push, digests or a repair go out with every page before them committed.
    if (replica_.in_pull_batch()) {
      FB_ASSIGN_OR_RETURN(int64_t waiting, replica_.PendingWriteCount());
      if (waiting > 0 || send_digests) FB_RETURN_IF_ERROR(CommitBatch());
    }
    SyncRequest request;
    request.replica_id = replica_.replica_id();
    request.pull_cursor = replica_.cursor();
    request.snapshot_token = replica_.snapshot_token();
    request.epoch = replica_.epoch();
    request.page_limit = page_limit;
    FB_RETURN_IF_ERROR(PreparePush(request, push_as_bytes));
    if (!request.has_push && send_digests && caught_up && digest_requests < kMaxDigestRequests) {
      FB_ASSIGN_OR_RETURN(ReplicaDigests digests, replica_.Digests(deep));
      request.has_digests = true;
      request.digest_buckets = digests.buckets;
      request.digest_schema = digests.schema;
      request.digests = std::move(digests.digests);
      send_digests = false;
      ++digest_requests;
    }
    std::optional<Timed> answer;
    if (prefetched.answer.valid()) {
      Timed early = prefetched.answer.get();
      // Only the very request this round trip would send: no push, the same cursor.
      if (!request.has_push && !request.has_digests && prefetched.cursor == request.pull_cursor &&
          prefetched.snapshot_token == request.snapshot_token &&
          prefetched.epoch == request.epoch) {
        answer.emplace(std::move(early));
      }
    }
    if (!answer) {
      const SteadyClock::time_point sent = SteadyClock::now();
      Result<SyncResponse> r = transport_.Exchange(request);
      answer.emplace(Timed{std::move(r), sent, SteadyClock::now()});
    }
    // How long a prefetched answer waited for the previous page to be stored.
    const int64_t waited_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - answer->arrived)
            .count();
    const SteadyClock::duration round_trip = answer->arrived - answer->sent;
    if (!answer->answer.ok() && !request.push_bytes.empty() && push_as_bytes &&
        (answer->answer.status().code() == StatusCode::kInvalidArgument ||
         answer->answer.status().code() == StatusCode::kCorrupt)) {
      // The hub could not read a request carrying push bytes: it may be older than wire version 4
      // (put back after an upgrade). Send the set inline from now on until an answer says again
      // that the hub reads them; a stored set the device cannot read either is packed again.
      FB_RETURN_IF_ERROR(replica_.RecordHubWireVersion(0));
      push_as_bytes = false;
      continue;
    }
    FB_ASSIGN_OR_RETURN(SyncResponse response, std::move(answer->answer));
    ++report.round_trips;
    FB_RETURN_IF_ERROR(replica_.RecordHubWireVersion(response.schema_version));
    push_as_bytes = response.schema_version >= kWirePushBytesVersion;
    FB_RETURN_IF_ERROR(CheckPositions(response));
    // The skew as of the answer's arrival.
    report.hub_clock_skew_ms = static_cast<int64_t>(replica_.clock().WallNowMs()) - waited_ms -
                               static_cast<int64_t>(response.hub_time_ms);

    if (request.has_push) {
      if (!response.has_push_result || response.push_result.set_id != request.push.set_id) {
        return StoreError(StatusCode::kUnavailable, "err_push_unanswered");
      }
      size_t rows = 0;
      FB_RETURN_IF_ERROR(replica_.AcknowledgePush(response.push_result, &rows));
      report.rows_pushed += rows;
      report.rows_rejected += response.push_result.rejections.size();
    }
    // The server lost history this device saw (restored from a backup): the device pushes its own
    // writes again -- the server may have lost some it had acknowledged -- then rebuilds. Once per
    // epoch: a restore that comes while the device is still recovering from an earlier one (it
    // is waiting to rebuild) has lost again what the device sent since, so it sends it all again.
    const bool epoch_changed =
        replica_.epoch() != 0 && response.epoch != 0 && response.epoch != replica_.epoch();
    if (response.restored || epoch_changed || response.rebuild) FB_RETURN_IF_ERROR(CommitBatch());
    if (epoch_changed || (response.restored && !replica_.rebuild_wanted())) {
      FB_ASSIGN_OR_RETURN(
          size_t queued,
          replica_.PrepareRestoreRecovery(response.epoch != 0 ? response.epoch : replica_.epoch()));
      report.server_restored = true;
      report.rows_repushed += queued;
    }
    if (response.rebuild || replica_.rebuild_wanted()) {
      FB_ASSIGN_OR_RETURN(int64_t pending, replica_.PendingWriteCount());
      if (pending > 0) continue;  // land every local write before starting over
      FB_RETURN_IF_ERROR(replica_.ResetForRebuild());
      report.rebuilt = true;
      continue;
    }
    if (response.more) page_limit = NextPageLimit(page_limit, round_trip, options_);
    // More to pull and no local write waiting (storing a page captures nothing): ask for the
    // next page now, so the server and the network work while this page is stored. The request
    // is the one the next round trip would make; the cursor itself still only moves once the
    // page is stored. A pull changes nothing on the server, so an answer that goes unused (the
    // page failed to store) costs nothing but the transfer.
    if (options_.prefetch && response.more && !request.has_push &&
        report.round_trips < options_.max_round_trips) {
      SyncRequest next;
      next.replica_id = request.replica_id;
      next.pull_cursor = std::max(request.pull_cursor, response.pull.cursor);
      next.snapshot_token = response.snapshot ? response.snapshot_token : request.snapshot_token;
      next.epoch = response.epoch != 0 ? response.epoch : request.epoch;
      next.page_limit = page_limit;
      prefetched.cursor = next.pull_cursor;
      prefetched.snapshot_token = next.snapshot_token;
      prefetched.epoch = next.epoch;
      prefetched.answer = std::async(std::launch::async, [this, next = std::move(next)] {
        const SteadyClock::time_point sent = SteadyClock::now();
        Result<SyncResponse> r = transport_.Exchange(next);
        return Timed{std::move(r), sent, SteadyClock::now()};
      });
    }
    // A long pull goes into a batch: one transaction for many pages (see SyncOptions).
    if (response.more && options_.batch_rows > 0 && !replica_.in_pull_batch()) {
      FB_RETURN_IF_ERROR(replica_.BeginPullBatch());
      batch_ = Batch{};
      batch_.opened = SteadyClock::now();
    }
    Result<PullStats> applied = replica_.ApplyPull(
        response.pull, PullPosition{response.snapshot, response.snapshot_token, response.epoch});
    if (!applied.ok()) {
      batch_ = Batch{};  // the replica rolled the batch back
      return applied.status();
    }
    const PullStats& stats = *applied;
    ++report.pages;
    report.rows_received += stats.rows_received;
    report.customers_evicted += stats.customers_evicted;
    report.evictions_deferred += stats.evictions_deferred;
    if (replica_.in_pull_batch()) {
      batch_.stats.rows_received += stats.rows_received;
      batch_.stats.rows_changed += stats.rows_changed;
      batch_.stats.rows_failed += stats.rows_failed;
      batch_.stats.customers_evicted += stats.customers_evicted;
      batch_.stats.evictions_deferred += stats.evictions_deferred;
      batch_.stats.cursor = stats.cursor;
      ++batch_.pages;
      if (!response.more || batch_.stats.rows_received >= options_.batch_rows ||
          SteadyClock::now() - batch_.opened >= options_.batch_time) {
        FB_RETURN_IF_ERROR(CommitBatch());
      }
    } else if (observer_ != nullptr) {
      FB_RETURN_IF_ERROR(observer_->PageStored(stats));
    }
    caught_up = !response.more;
    if (request.has_digests && response.digests_checked) {
      FB_ASSIGN_OR_RETURN(RepairStats repair,
                          replica_.ApplyRepair(response.repair_buckets, response.repair));
      report.verified = true;
      report.buckets_repaired += repair.buckets;
      report.rows_repaired += repair.rows_written;
      report.rows_removed += repair.rows_removed;
      if (repair.buckets > 0 && repair.buckets_still_different == repair.buckets) {
        digest_requests = kMaxDigestRequests;  // no progress: stop asking in this sync
      }
    }
    if (request.has_digests && !response.digests_checked) {
      // The server compares digests only against an empty, complete page (the same state on
      // both sides); against such a page, not comparing means it declined (this device was
      // checked a moment ago, or runs another version): do not insist.
      const bool comparable =
          !response.more && response.pull.rows.empty() && response.pull.evicted_customers.empty();
      if (!comparable) send_digests = true;
    }
    if (request.has_digests && replica_wants_check && !send_digests) {
      FB_RETURN_IF_ERROR(replica_.SetVerificationWanted(false));
      replica_wants_check = false;
    }
    if (response.verify) {
      send_digests = true;
      deep = response.verify_deep;
    }
    if (response.more) continue;
    if (send_digests && digest_requests < kMaxDigestRequests) continue;
    // Nothing more to pull: done, unless writes are still waiting (more than one set's worth, or
    // made while this sync ran). A small sync is thus a single round trip.
    FB_ASSIGN_OR_RETURN(int64_t still_pending, replica_.PendingWriteCount());
    if (still_pending == 0) break;
  }
  return Status::Ok();
}

}  // namespace fieldbook::client
