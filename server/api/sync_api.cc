#include "api/sync_api.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "api/http_status.h"
#include "api/snapshot_token.h"
#include "fieldbook/lang_text.h"
#include "http/log.h"

namespace fieldbook::server {

namespace {

// Numbers the hub stores or compares as SQLite integers (signed 64-bit) must fit one: a cursor
// of 2^63 would wrap negative and re-send the whole scope. Returns why a request is refused, or "".
std::string OutOfRange(const SyncRequest& req) {
  constexpr uint64_t kMax = static_cast<uint64_t>(INT64_MAX);
  if (req.pull_cursor > kMax) {
    return "pull cursor " + std::to_string(req.pull_cursor) + " is out of range (0.." +
           std::to_string(kMax) + ")";
  }
  if (req.has_push) {
    if (req.push.cursor > kMax) {
      return "push cursor " + std::to_string(req.push.cursor) + " is out of range";
    }
    for (size_t r = 0; r < req.push.rows.size(); ++r) {
      for (size_t c = 0; c < req.push.rows[r].columns.size(); ++c) {
        const Hlc hlc = req.push.rows[r].columns[c].hlc;
        if (hlc.packed() > kMax) {
          return "push row " + std::to_string(r) + " column " + std::to_string(c) + ": timestamp " +
                 std::to_string(hlc.packed()) + " is out of range";
        }
      }
    }
  }
  for (size_t i = 0; i < req.digests.size(); ++i) {
    if (req.digests[i].rows > kMax) {
      return "digest " + std::to_string(i) + ": row count " + std::to_string(req.digests[i].rows) +
             " is out of range";
    }
  }
  return "";
}

}  // namespace

HttpResponse SyncApi::Handle(const HttpRequest& request, const Principal& rep) {
  const auto start = std::chrono::steady_clock::now();
  // A refusal (the server's own words are a phrase: lang_text.h HttpRefusals), counted as a
  // failed sync.
  auto fail = [&](int status, const std::string& code, const std::string& message,
                  const Phrase* phrase = nullptr) {
    metrics_.SyncCompleted(std::chrono::duration_cast<std::chrono::microseconds>(
                               std::chrono::steady_clock::now() - start),
                           0, 0, false);
    if (status >= 500) LogEvent("error", "sync_failed", {{"rep", rep.rep_id}, {"error", message}});
    return JsonError(status, code, message, phrase);
  };
  auto refuse = [&](int status, const std::string& code, const Phrase& refusal) {
    return fail(status, code, SayRefusal(Lang::kEnglish, refusal), &refusal);
  };
  if (request.method != "POST") {
    return refuse(405, "method_not_allowed", Phrase{"http_use_post", {{"path", "/v1/sync"}}});
  }
  if (rep.is_manager()) return refuse(403, "forbidden", Phrase{"http_managers_not_sync", {}});
  auto decoded = DecodeSyncRequest(request.body, options_.limits);
  if (!decoded.ok()) {
    const bool too_big = decoded.status().code() == StatusCode::kResourceExhausted;
    return fail(too_big ? 413 : 400, too_big ? "too_large" : "malformed",
                decoded.status().message());
  }
  const SyncRequest& req = *decoded;
  if (req.replica_id.empty()) {
    return refuse(400, "malformed", Phrase{"http_sync_no_replica", {}});
  }
  if (req.has_push && req.push.replica_id != req.replica_id) {
    return refuse(400, "malformed", Phrase{"http_sync_other_replica", {}});
  }
  if (std::string bad = OutOfRange(req); !bad.empty()) return fail(400, "out_of_range", bad);

  activity_.Note(rep.device_id, static_cast<int64_t>(wall_.NowMs()),
                 AddressWithoutPort(request.remote));
  if (stores_.flush_activity) stores_.flush_activity();
  SyncResponse response;
  if (req.has_push) {
    auto pushed = Push(rep, req.push);
    if (!pushed.ok()) {
      return fail(HttpStatusFor(pushed.status().code(), HttpWire::kSync), "push_refused",
                  pushed.status().message());
    }
    response.has_push_result = true;
    response.push_result = std::move(*pushed);
  }
  std::optional<SyncFailure> failed;
  if (!stores_.readers || req.has_digests) {
    // On the writer, under its lock: without read connections, and for a replica verification,
    // which compares the device with the hub as of this page and records its outcome.
    auto lock = stores_.lock_writer();
    failed = Pull(stores_.writer, /*note=*/true, req, rep, response);
  } else {
    // The rep's first sync of the day is recorded by the writer (the pool's offline-work rule),
    // with no read connection held meanwhile: a reader never waits for the writer.
    Result<bool> noted = stores_.readers->Acquire()->RepSyncNotedToday(rep.rep_id);
    if (!noted.ok()) return fail(500, "internal", noted.status().ToString());
    if (!*noted) {
      auto lock = stores_.lock_writer();
      Status s = stores_.writer.NoteRepSync(rep.rep_id);
      if (!s.ok()) return fail(500, "internal", s.ToString());
    }
    ReadStores::Lease reader = stores_.readers->Acquire();
    // One snapshot for the floor, the epoch, the latest sequence and the page (docs/sync.md,
    // "Concurrent pulls and the one writer").
    auto read = reader->BeginRead();
    if (!read.ok()) return fail(500, "internal", read.status().ToString());
    failed = Pull(*reader, /*note=*/false, req, rep, response);
  }
  if (failed) return fail(failed->status, failed->code, failed->message);
  response.hub_time_ms = wall_.NowMs();
  std::string body = EncodeSyncResponse(response);
  metrics_.SyncCompleted(std::chrono::duration_cast<std::chrono::microseconds>(
                             std::chrono::steady_clock::now() - start),
                         response.push_result.rows_accepted, response.push_result.rejections.size(),
                         true);
  return HttpResponse{200, kSyncContentType, std::move(body), {}};
}

Result<PushResult> SyncApi::Push(const Principal& rep, const ChangeSet& set) {
  if (stores_.group != nullptr) return stores_.group->Push(rep, set);
  auto lock = stores_.lock_writer();
  return stores_.writer.ApplyRepPush(rep, set);
}

std::optional<SyncFailure> SyncApi::Pull(ServerStore& store, bool note, const SyncRequest& req,
                                         const Principal& rep, SyncResponse& response) {
  auto Failure = [](int status, std::string code, std::string message) {
    return std::optional<SyncFailure>(SyncFailure{status, std::move(code), std::move(message)});
  };
  auto floor = store.HistoryFloor();
  if (!floor.ok()) return Failure(500, "internal", floor.status().ToString());
  auto epoch = store.Epoch();
  if (!epoch.ok()) return Failure(500, "internal", epoch.status().ToString());
  auto latest = store.hub().LatestSeq();
  if (!latest.ok()) return Failure(500, "internal", latest.status().ToString());
  response.epoch = *epoch;
  size_t limit = req.page_limit == 0 ? options_.default_page_rows : req.page_limit;
  limit = std::min(limit, options_.max_page_rows);
  // The device rebuilds from a snapshot (docs/sync.md). Its push (above) has landed first, so
  // nothing unsynced is lost.
  auto rebuild = [&](bool restored) {
    response.rebuild = true;
    response.restored = restored;
    response.pull.replica_id = store.hub().hub_id();
    response.pull.set_id = "rebuild";
    response.pull.cursor = req.pull_cursor;
  };
  // Devices that know snapshots (wire version 3) start and resume them; older ones pull from 0.
  const bool snapshots = req.schema_version >= 3;
  if (snapshots && ((req.epoch != 0 && req.epoch != *epoch) || req.pull_cursor > *latest)) {
    // The hub was restored from a backup: history this device saw is gone. It pushes its own
    // writes again (the hub may have lost some it acknowledged), then rebuilds.
    rebuild(/*restored=*/true);
  } else if (snapshots && (req.pull_cursor == 0 || !req.snapshot_token.empty())) {
    SnapshotPosition from{.seq = *latest};
    bool restart = false;
    if (!req.snapshot_token.empty()) {
      auto token = ParseSnapshotToken(req.snapshot_token, store.hub().catalog().tables().size(),
                                      options_.limits.max_id_bytes);
      if (!token.ok()) return Failure(400, "malformed", token.status().message());
      // A snapshot older than the floor may miss what compaction forgot since (scope events,
      // tombstones): start a new one. The floor never passes the latest sequence, so a new
      // snapshot always starts at or above it and the device finishes.
      restart =
          token->epoch != *epoch || token->position.seq < *floor || token->position.seq > *latest;
      from = token->position;
    }
    if (restart) {
      rebuild(/*restored=*/false);
    } else {
      auto page = note ? store.SnapshotForRep(rep.rep_id, from, limit)
                       : store.ReadSnapshotForRep(rep.rep_id, from, limit);
      if (!page.ok()) return Failure(500, "internal", page.status().ToString());
      response.snapshot = true;
      response.pull = std::move(page->changes);
      response.pull.set_id = "snapshot-" + std::to_string(from.seq);
      if (page->next) {
        response.snapshot_token = EncodeSnapshotToken(SnapshotToken{*epoch, *page->next});
        response.more = true;
        response.pull.cursor = 0;
      } else {
        // Complete: the device pulls the changes after S from here on.
        response.pull.cursor = from.seq;
        response.more = from.seq < *latest;
      }
    }
  } else if (req.pull_cursor != 0 && req.pull_cursor < *floor) {
    // The scope history this cursor needs is gone.
    rebuild(/*restored=*/false);
  } else {
    auto page = note ? store.PullForRep(rep.rep_id, req.pull_cursor, limit)
                     : store.ReadPullForRep(rep.rep_id, req.pull_cursor, limit);
    if (!page.ok()) return Failure(500, "internal", page.status().ToString());
    response.pull = std::move(page->changes);
    response.more = page->more;
    // Verification (docs/sync.md, "Verification and repair"), once the device is caught up.
    if (!response.more) {
      VerificationStore verification(store, wall_, options_.verification);
      // The digests describe the device as of its cursor: they are comparable with the hub's
      // only when this page brought it nothing.
      bool partial = false;
      if (req.has_digests && response.pull.rows.empty() &&
          response.pull.evicted_customers.empty()) {
        auto check = verification.Check(DigestReport{rep.rep_id, req.replica_id, req.digest_buckets,
                                                     req.digest_schema, req.digests});
        if (!check.ok()) return Failure(500, "internal", check.status().ToString());
        response.digests_checked = check->compared;
        partial = check->more;
        if (check->compared) {
          response.repair_buckets = std::move(check->repair_buckets);
          response.repair = std::move(check->repair);
        }
        LogEvent(check->buckets_mismatched > 0 ? "warn" : "info", "replica_verified",
                 {{"rep", rep.rep_id},
                  {"replica", req.replica_id},
                  {"outcome", check->outcome},
                  {"buckets_compared", std::to_string(check->buckets_compared)},
                  {"buckets_resent", std::to_string(response.repair_buckets.size())},
                  {"rows_resent", std::to_string(response.repair.rows.size())}});
      }
      auto ask = verification.Wanted(rep.rep_id, req.replica_id);
      if (!ask.ok()) return Failure(500, "internal", ask.status().ToString());
      // A repair cut short by its size continues with the next request's digests, whether or
      // not the check had been asked for.
      response.verify = ask->verify || partial;
      response.verify_deep = ask->deep;
    }
  }
  return std::nullopt;
}

}  // namespace fieldbook::server
