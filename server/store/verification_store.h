// VerificationStore: the server's side of replica verification (docs/sync.md, "Verification and
// repair"). It records who is asked to verify (RequestVerification: the nightly job, a manager),
// tells HandleSync when to ask a device for its digests (Wanted), compares a device's digests with
// the hub's digests of its rep's scope and builds the repair of the buckets that differ (Check),
// and keeps every check for the nightly report (Summary).
//
// The hub's digests are kept per owner and table (fb_owner_digests, updated by triggers on every
// hub write), so a rep's digest per (table, bucket) is a sum over the rep's customers: reading it
// costs one indexed row per customer and table, whatever the size of the rows. A repair re-sends
// every row of the rep's scope in each differing (table, bucket), at most max_repair_rows rows
// per answer (whole buckets; at least one); the device is asked again for the rest.
//
// Thread safety: like ServerStore, not thread-safe; the server serialises access.
#ifndef FIELDBOOK_SERVER_VERIFICATION_STORE_H_
#define FIELDBOOK_SERVER_VERIFICATION_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fieldbook/change_set.h"
#include "fieldbook/hlc.h"
#include "fieldbook/status.h"
#include "store/server_store.h"

namespace fieldbook::server {

struct VerificationOptions {
  // Rows re-sent per answer (whole buckets, at least one): like a pull page, so that one answer
  // holds the server's lock about as long as a page does.
  size_t max_repair_rows = 5000;
  // A device that was not asked may still send digests (it found its digest triggers tampered
  // with); they are compared at most this often per device.
  int64_t unsolicited_interval_ms = 10 * 60 * 1000;
};

// Whether to ask a device for its digests at the end of this sync.
struct VerifyAsk {
  bool verify = false;
  bool deep = false;  // recomputed from its rows first
};

// A device's digests (SyncRequest::digests and friends).
struct DigestReport {
  std::string rep_id;
  std::string replica_id;
  uint32_t buckets = 0;
  uint64_t schema = 0;
  std::vector<BucketDigest> digests;
};

struct DigestCheck {
  // Whether the digests were compared. Not when the device was not asked and was checked within
  // unsolicited_interval_ms, nor when its digests cover other tables or columns than the hub's
  // (different versions; outcome "incompatible").
  bool compared = false;
  std::string outcome;          // match, repaired, partial (more buckets to re-send), incompatible,
                                // declined
  size_t buckets_compared = 0;  // (table, bucket) pairs non-empty on either side
  size_t buckets_mismatched = 0;
  std::vector<BucketDigest> repair_buckets;  // the hub's digest of each re-sent bucket
  ChangeSet repair;                          // their rows
  bool more = false;                         // buckets still to re-send: ask the device again
};

// Checks made since a time, for the nightly report.
struct VerificationSummary {
  int64_t checks = 0;
  int64_t replicas_verified = 0;  // devices whose digests were compared
  int64_t replicas_repaired = 0;  // of which with at least one bucket re-sent
  int64_t buckets_repaired = 0;
  int64_t rows_resent = 0;
  int64_t replicas_incompatible = 0;  // devices of another version: not compared
  // Reps asked to verify (RequestVerification) whose devices have not completed a check since.
  int64_t reps_pending = 0;
};

class VerificationStore {
 public:
  VerificationStore(ServerStore& store, WallClock& wall, VerificationOptions options = {})
      : store_(store), wall_(wall), options_(options) {}

  // Asks every device of `rep_id` -- of every active rep when `rep_id` is empty -- to send its
  // digests at its next sync (recomputed from its rows first when `deep`); its drift is then
  // repaired. Returns how many reps were asked. kNotFound for an unknown rep.
  Result<size_t> RequestVerification(const std::string& rep_id, bool deep = false,
                                     const std::string& reason = {});

  // Whether the device `replica_id` of `rep_id` has a request to answer.
  Result<VerifyAsk> Wanted(const std::string& rep_id, const std::string& replica_id);

  // Compares a device's digests with the hub's for its rep's scope, as of now: call only when the
  // device is caught up (its last pull page was empty and complete), so both describe the same
  // state. Records the check.
  Result<DigestCheck> Check(const DigestReport& report);

  Result<VerificationSummary> Summary(int64_t since_ms);

 private:
  struct Request {
    int64_t id = 0;
    bool deep = false;
  };
  struct LastCheck {
    int64_t request_id = 0;
    int64_t checked_ms = 0;
  };
  Result<std::optional<Request>> CurrentRequest(const std::string& rep_id);
  Result<std::optional<LastCheck>> LastCheckOf(const std::string& replica_id);
  Status Record(const DigestReport& report, const DigestCheck& check, bool solicited,
                int64_t request_id);

  ServerStore& store_;
  WallClock& wall_;
  VerificationOptions options_;
};

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_VERIFICATION_STORE_H_
