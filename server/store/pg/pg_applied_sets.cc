#include "store/pg/pg_applied_sets.h"

namespace fieldbook::pg {

Result<std::optional<std::string>> PgAppliedSets::Claim(std::string_view set_id,
                                                        std::string_view replica_id) {
  if (!db_.InTransaction()) return Status::Internal("PgAppliedSets::Claim outside a transaction");
  if (set_id.empty() || replica_id.empty()) {
    return Status::InvalidArgument("a push set needs a set id and a replica id");
  }
  // Waits here while another transaction holds an uncommitted claim of the same id.
  FB_ASSIGN_OR_RETURN(PgRows claimed,
                      db_.Exec("INSERT INTO fb_applied_sets (set_id, replica_id) VALUES ($1, $2) "
                               "ON CONFLICT (set_id) DO NOTHING RETURNING true",
                               {set_id, replica_id}));
  if (claimed.size() == 1) return std::optional<std::string>();
  // Claimed and committed before: READ COMMITTED sees the committed row in this new statement.
  FB_ASSIGN_OR_RETURN(
      PgRows stored,
      db_.Exec("SELECT replica_id, result FROM fb_applied_sets WHERE set_id = $1", {set_id}));
  if (stored.size() != 1 || stored.IsNull(0, 1)) {
    // Only a transaction that claimed and never recorded (or claims twice) leaves this: a bug.
    return Status::Internal("push set " + std::string(set_id) + " is claimed without an answer");
  }
  if (stored.Text(0, 0) != replica_id) {
    return Status::Conflict("set id " + std::string(set_id) +
                            " was already used by another replica");
  }
  return std::optional<std::string>(stored.Bytes(0, 1));
}

Status PgAppliedSets::Record(std::string_view set_id, std::string_view answer) {
  FB_ASSIGN_OR_RETURN(PgRows updated,
                      db_.Exec("UPDATE fb_applied_sets SET result = $2::bytea, applied_at = "
                               "clock_timestamp() WHERE set_id = $1 AND result IS NULL",
                               {set_id, ByteaLiteral(answer)}));
  if (updated.affected() != 1) {
    return Status::Internal("push set " + std::string(set_id) + " was not claimed by this push");
  }
  return Status::Ok();
}

}  // namespace fieldbook::pg
