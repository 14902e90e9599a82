// SnapshotToken: the opaque text a device carries between the pages of a snapshot of its scope
// (SyncResponse.snapshot_token / SyncRequest.snapshot_token): the hub epoch it belongs to and the
// SnapshotPosition (hub.h) where the next page resumes.
//
// The token comes back from the network, so Parse treats it as hostile: a strict grammar,
// every number range-checked, the table inside the catalog, ids bounded. A well-formed token can
// only point somewhere inside its own rep's scope (pages are filtered by the scope whatever the
// position says), so a forged one changes nothing but what its sender receives; the sync service
// also checks its sequence against the hub's floor and latest sequence.
//
//   token := "s1:" epoch ":" seq ":" table ":" customer_bytes ":" customer id
//            (decimal numbers without sign or leading zeros; table -1 or a catalog index;
//            customer_bytes the length of customer, the rest is id)
//
// Thread safety: pure functions.
#ifndef FIELDBOOK_SERVER_SNAPSHOT_TOKEN_H_
#define FIELDBOOK_SERVER_SNAPSHOT_TOKEN_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "fieldbook/hub.h"
#include "fieldbook/status.h"

namespace fieldbook::server {

struct SnapshotToken {
  uint64_t epoch = 0;
  SnapshotPosition position;
};

std::string EncodeSnapshotToken(const SnapshotToken& token);
// kInvalidArgument with a reason for anything this hub did not write; `tables` is the catalog's
// table count and `max_id_bytes` the longest customer or row id accepted.
Result<SnapshotToken> ParseSnapshotToken(std::string_view text, size_t tables,
                                         size_t max_id_bytes = 128);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_SNAPSHOT_TOKEN_H_
