// ColumnVersions: the per-column versions of one replicated row, stored in its hidden _v column,
// and OriginRegistry: the database-local numbering of replica ids used inside them.
//
// Blob grammar (all integers are unsigned LEB128 varints):
//   versions  := count base n_except except*
//   count     := number of columns described; columns at or beyond count have no version
//   base      := version                      -- the version most columns share
//   except    := column version               -- a column whose version differs from base
//   version   := hlc origin seq               -- origin 0 = never written; seq = hub sequence
// The encoding is canonical (the same versions always give the same bytes): base is the most
// common version, ties broken by the smallest (hlc, origin, seq); exceptions ascend by column.
//
// Thread safety: ColumnVersions is a value type. OriginRegistry belongs to its Db's thread.
#ifndef FIELDBOOK_SRC_COLUMN_VERSIONS_H_
#define FIELDBOOK_SRC_COLUMN_VERSIONS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "fieldbook/hlc.h"
#include "fieldbook/status.h"

namespace fieldbook {

class Db;
class SqlDb;

struct ColumnVersion {
  Hlc hlc;
  uint32_t origin = 0;  // OriginRegistry index; 0 = the column was never written
  uint64_t seq = 0;     // hub sequence of the change that set it (0 on replicas)

  bool empty() const { return origin == 0; }
  friend bool operator==(const ColumnVersion&, const ColumnVersion&) = default;
};

class ColumnVersions {
 public:
  explicit ColumnVersions(size_t columns = 0) : v_(columns) {}

  // Decodes a _v blob for a table with `columns` replicated columns. An empty blob means no
  // column has a version yet.
  static Result<ColumnVersions> Decode(std::string_view blob, size_t columns);
  std::string Encode() const;

  size_t size() const { return v_.size(); }
  ColumnVersion& operator[](size_t i) { return v_[i]; }
  const ColumnVersion& operator[](size_t i) const { return v_[i]; }

 private:
  std::vector<ColumnVersion> v_;
};

// Maps replica ids to small integers stored in version blobs. Index 0 is reserved for "none".
class OriginRegistry {
 public:
  // On either backend of the storage seam (fieldbook/sql_db.h; `db` outlives the registry).
  explicit OriginRegistry(SqlDb& db);
  // On a SQLite connection (through its own SqliteSqlDb).
  explicit OriginRegistry(Db& db);
  ~OriginRegistry();
  Status Load();
  // The index of `replica_id`, registering it (inside the caller's transaction) when new.
  Result<uint32_t> Intern(const std::string& replica_id);
  // The replica id of `index`; empty for 0 or unknown. Reads through to the database for an
  // index registered by another connection.
  const std::string& IdOf(uint32_t index);

 private:
  std::unique_ptr<SqlDb> own_db_;  // the adapter over a Db (the Db constructor)
  SqlDb& db_;
  std::unordered_map<std::string, uint32_t> by_id_;
  std::vector<std::string> by_index_{std::string()};
};

// The merge order: a change wins when its (hlc, origin replica id) is greater.
inline bool VersionGreater(Hlc a_hlc, std::string_view a_origin, Hlc b_hlc,
                           std::string_view b_origin) {
  if (a_hlc != b_hlc) return a_hlc > b_hlc;
  return a_origin > b_origin;
}

}  // namespace fieldbook

#endif  // FIELDBOOK_SRC_COLUMN_VERSIONS_H_
