// SqliteHubBackend (hub_internals.h): the SQLite hub's counters and applied sets.
#include "hub_internals.h"
#include "meta_store.h"

namespace fieldbook {

Result<HubCounters> SqliteHubBackend::Counters() {
  HubCounters out;
  FB_ASSIGN_OR_RETURN(out.seq, ReadMetaInt(db_, "seq", 0));
  FB_ASSIGN_OR_RETURN(out.hlc, ReadMetaInt(db_, "hlc", 0));
  return out;
}

Status SqliteHubBackend::StoreCounters(uint64_t seq, std::optional<uint64_t> hlc) {
  FB_RETURN_IF_ERROR(WriteMetaInt(db_, "seq", seq));
  if (!hlc) return Status::Ok();
  return WriteMetaInt(db_, "hlc", *hlc);
}

Result<std::optional<std::string>> SqliteHubBackend::ClaimSet(const std::string& set_id,
                                                              const std::string& replica_id) {
  FB_ASSIGN_OR_RETURN(
      SqlStatement * seen,
      db_.Prepare("SELECT replica_id, result FROM fb_applied_sets WHERE set_id = ?"));
  seen->Bind(1, set_id);
  FB_ASSIGN_OR_RETURN(bool found, seen->Step());
  if (!found) return std::optional<std::string>();
  std::string replica = seen->Text(0);
  std::string body = seen->Blob(1);
  seen->Reset();
  if (replica != replica_id) {
    return Status::Conflict("set id " + set_id + " was already used by another replica");
  }
  return std::optional<std::string>(std::move(body));
}

Status SqliteHubBackend::RecordSet(const std::string& set_id, const std::string& replica_id,
                                   const std::string& answer, uint64_t now_ms) {
  FB_ASSIGN_OR_RETURN(SqlStatement * save,
                      db_.Prepare("INSERT INTO fb_applied_sets (set_id, replica_id, result, "
                                  "applied_ms) VALUES (?, ?, ?, ?)"));
  save->Bind(1, set_id)
      .Bind(2, replica_id)
      .BindBlob(3, answer)
      .Bind(4, static_cast<int64_t>(now_ms));
  return save->Run();
}

}  // namespace fieldbook
