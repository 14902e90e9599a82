// PgAppliedSets: push idempotency on PostgreSQL (fb_applied_sets, schema/sql/postgres): a retried
// push set, even one that reaches two server instances at once, is applied once and every copy
// gets the same answer. The push's transaction CLAIMS the set id before applying anything (an
// insert into the primary key): a concurrent claim of the same id waits until the first
// transaction ends, then finds the recorded answer (the first committed) or takes the claim over
// (the first rolled back). Distinct set ids never wait for each other.
//
// Use, in one top-level READ COMMITTED transaction per push:
//   Claim -> nullopt: apply the set, Record the answer, commit (rolling back gives the claim up);
//         -> bytes:   the set was applied before; answer these bytes, apply nothing.
//
// Thread safety: as the PgDb it is given (one thread at a time); distinct PgAppliedSets over
// distinct connections (or processes) may claim concurrently.
#ifndef FIELDBOOK_SERVER_STORE_PG_PG_APPLIED_SETS_H_
#define FIELDBOOK_SERVER_STORE_PG_PG_APPLIED_SETS_H_

#include <optional>
#include <string>
#include <string_view>

#include "fieldbook/status.h"
#include "store/pg/pg_db.h"

namespace fieldbook::pg {

class PgAppliedSets {
 public:
  explicit PgAppliedSets(PgDb& db) : db_(db) {}

  // Claims `set_id` for `replica_id` inside the caller's open transaction. nullopt: the caller
  // holds the claim and must apply the set; bytes: the stored answer of the set applied before.
  // kConflict when another replica used the set id; kInvalidArgument for an empty id.
  Result<std::optional<std::string>> Claim(std::string_view set_id, std::string_view replica_id);
  // Records the answer of the set the caller claimed, in the same transaction.
  Status Record(std::string_view set_id, std::string_view answer);

 private:
  PgDb& db_;
};

}  // namespace fieldbook::pg

#endif  // FIELDBOOK_SERVER_STORE_PG_PG_APPLIED_SETS_H_
