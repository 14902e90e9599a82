// Hub's private state and the helpers its writes share (hub.cc: pushes and Write; hub_bulk.cc:
// WriteBulk). Internal to the shared library.
//
// Thread safety: as Hub (hub.h): one thread uses a Hub at a time.
#ifndef FIELDBOOK_SRC_HUB_INTERNALS_H_
#define FIELDBOOK_SRC_HUB_INTERNALS_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "column_versions.h"
#include "digest_tracker.h"
#include "fieldbook/hub.h"
#include "merge_engine.h"

namespace fieldbook {

struct Hub::Internals {
  explicit Internals(SqlDb& db) : origins(db) {}
  OriginRegistry origins;
  std::unique_ptr<MergeEngine> merge;
  uint64_t seq = 0;
  // Inside one of the Hub's write transactions (ApplyRows, WriteBulk): `seq` is the stored
  // sequence number's future value, written by FinishWrite; AllocateSeq need not read it.
  bool writing = false;
  // The write holds the counters (TakeCounters): `seq` is the stored number's, and the clock has
  // observed the stored floor.
  bool counters = false;
  // The rows this write changed, for a backend that logs them (HubBackend::logs_rows).
  std::vector<HubLoggedRow> logged;
  // The pushed row a gate is judging, as the hub read it for the merge (ApplyRows): what
  // ReadValues answers for that row meanwhile. table == nullptr outside a gate.
  struct GatedRow {
    const TableInfo* table = nullptr;
    std::string row_id;
    StoredRow row;
  };
  GatedRow gated;
  // Verification digests: the functions of the digest triggers, and the listener that gathers
  // every write's changes for ApplyRows to store before it commits (digest_tracker.h).
  std::unique_ptr<DigestContext> digests;
  std::unique_ptr<HubDigestListener> digest_listener;
};

// Marks one write (Internals::writing) and ends its hold on the counters when it ends. (A
// template so that it names Hub's private Internals only inside Hub's members.)
template <typename HubInternals>
class WritingScope {
 public:
  explicit WritingScope(HubInternals& in) : in_(in) {
    in_.writing = true;
    in_.counters = false;
    in_.logged.clear();
  }
  ~WritingScope() {
    in_.writing = false;
    in_.counters = false;
    in_.logged.clear();
    in_.gated.table = nullptr;
  }
  WritingScope(const WritingScope&) = delete;
  WritingScope& operator=(const WritingScope&) = delete;

 private:
  HubInternals& in_;
};

// Rolls a failed write's `txn` back (to its savepoint), then makes `hub` forget what it cached
// from it; returns `s`.
inline Status RollBack(std::unique_ptr<SqlTransaction>& txn, Hub& hub, Status s) {
  txn.reset();
  hub.ForgetUncommitted();
  return s;
}

// The SQLite hub's storage (HubBackend): the counters are fb_meta's `seq` and `hlc`, applied sets
// fb_applied_sets (looked up first, the answer stored last: SQLite's one writer makes that enough);
// no change log (a pull finds changed rows through each table's _seq index).
class SqliteHubBackend final : public HubBackend {
 public:
  explicit SqliteHubBackend(SqlDb& db) : db_(db) {}
  Result<HubCounters> Counters() override;
  // The write transaction (BEGIN IMMEDIATE) is the lock already.
  Result<HubCounters> LockCounters() override { return Counters(); }
  Status StoreCounters(uint64_t seq, std::optional<uint64_t> hlc) override;
  Result<std::optional<std::string>> ClaimSet(const std::string& set_id,
                                              const std::string& replica_id) override;
  Status RecordSet(const std::string& set_id, const std::string& replica_id,
                   const std::string& answer, uint64_t now_ms) override;

 private:
  SqlDb& db_;
};

// Whether a merged customers row changes what duplicate detection keys it by.
bool TouchesDuplicateKeys(const TableInfo& t, const MergeOutcome& outcome);
// The customer column's value `change` wrote (AppliedRow::customer), when it did.
std::optional<std::string> WrittenCustomer(const TableInfo& t, const RowChange& change,
                                           const MergeOutcome& outcome);
// Whether a row names one column twice (refused: the gate would judge one copy, the merge another).
bool NamesAColumnTwice(const RowChange& row);

// What both write paths (ApplyRows: pushes and Write; WriteBulk) share, so that they refuse,
// count and report rows alike:
// Adds the refusal of set row `row_index` (0-based) to `result`.
void AddRejection(PushResult& result, const RowChange& row, size_t row_index, std::string code,
                  std::string reason);
// The row's table, or nullptr with the refusal added: an unknown table, no id, a column named
// twice, or (`from_replica`: the pushed set) a column of another replica's origin.
const TableInfo* AdmitRow(const Catalog& catalog, const RowChange& row, size_t row_index,
                          const ChangeSet* from_replica, PushResult& result);
// The refusal code of a row the merge refused (kRejected or kInvalidArgument).
std::string RefusalCode(const Status& refused);
// A row the merge changed at `seq`: a duplicate-detection candidate when its keys changed, and
// shown to `observer` (may be null).
Status NoteChangedRow(const TableInfo& t, const std::string& row_id, const RowChange& change,
                      const MergeOutcome& outcome, uint64_t seq, const ApplyObserver* observer,
                      std::vector<std::string>& duplicate_candidates);

}  // namespace fieldbook

#endif  // FIELDBOOK_SRC_HUB_INTERNALS_H_
