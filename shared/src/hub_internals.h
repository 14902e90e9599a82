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

#include "column_versions.h"
#include "digest_tracker.h"
#include "fieldbook/hub.h"
#include "merge_engine.h"

namespace fieldbook {

struct Hub::Internals {
  explicit Internals(Db& db) : origins(db) {}
  OriginRegistry origins;
  std::unique_ptr<MergeEngine> merge;
  uint64_t seq = 0;
  // Inside one of the Hub's write transactions (ApplyRows, WriteBulk): `seq` is the stored
  // sequence number's future value, written by FinishWrite; AllocateSeq need not read it.
  bool writing = false;
  // Verification digests: the functions of the digest triggers, and the listener that gathers
  // every write's changes for ApplyRows to store before it commits (digest_tracker.h).
  DigestContext digests;
  std::unique_ptr<HubDigestListener> digest_listener;
};

// Sets a flag (Internals::writing) for one write.
class WritingScope {
 public:
  explicit WritingScope(bool& flag) : flag_(flag) { flag_ = true; }
  ~WritingScope() { flag_ = false; }
  WritingScope(const WritingScope&) = delete;
  WritingScope& operator=(const WritingScope&) = delete;

 private:
  bool& flag_;
};

// Rolls a failed write's `txn` back (to its savepoint), then makes `hub` forget what it cached
// from it; returns `s`.
inline Status RollBack(std::unique_ptr<Transaction>& txn, Hub& hub, Status s) {
  txn.reset();
  hub.ForgetUncommitted();
  return s;
}

// Whether a merged customers row changes what duplicate detection keys it by.
bool TouchesDuplicateKeys(const TableInfo& t, const MergeOutcome& outcome);
// The customer column's value `change` wrote (AppliedRow::customer), when it did.
std::optional<std::string> WrittenCustomer(const TableInfo& t, const RowChange& change,
                                           const MergeOutcome& outcome);
// Whether a row names one column twice (refused: the gate would judge one copy, the merge another).
bool NamesAColumnTwice(const RowChange& row);

}  // namespace fieldbook

#endif  // FIELDBOOK_SRC_HUB_INTERNALS_H_
