// Catalog: the replicated tables, their kinds and their replicated columns. Table identities
// (name, stable code, kind, how a row belongs to a customer) are fixed here; the columns are read
// from the database itself (PRAGMA table_info), so schema/sql stays the single source of truth.
//
// Replicated columns are every column except `id` and the `_`-prefixed bookkeeping columns, in
// schema order. Column i of a table is bit i of a capture mask and entry i of its versions.
//
// Thread safety: immutable after Load(); safe to share between threads.
#ifndef FIELDBOOK_CATALOG_H_
#define FIELDBOOK_CATALOG_H_

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "fieldbook/status.h"

namespace fieldbook {

class Db;

enum class TableKind {
  kMutable,  // merged per column; deleted via the `deleted` tombstone column
  kFact,     // insert-only; corrected by a new row with voids_id
};

// Who writes a column of a replicated table.
enum class ColumnOwner {
  kDevice,      // the reps' devices (and the server's managers alike)
  kAssignment,  // only the server: assignment by managers (owner_rep_id, territory_id)
  kGrading,     // only the server: the grading job (grade_*, graded_at)
};

struct TableInfo {
  int code = 0;  // stable small integer used in the outbox
  std::string name;
  TableKind kind = TableKind::kMutable;
  // The column naming the customer a row belongs to ("id" for customers itself); empty for tables
  // that belong to no customer (reps, territories).
  std::string customer_column;
  std::vector<std::string> columns;       // replicated columns, schema order, without id
  std::vector<std::string> column_types;  // declared SQL types, same order
  int deleted_column = -1;                // index of `deleted` for mutable tables
  int customer_column_index = -1;         // index of customer_column in columns; -1 for id/none
  // Facts: the column naming the rep who recorded the row ("rep_id"; empty for order lines), and
  // the column naming the fact of the same table and customer that a correction voids.
  std::string rep_column;
  std::string voids_column;
  // A table of no customer that only the server writes and that devices receive read-only (the
  // product catalogue): the device's capture triggers refuse a local insert, update or delete of
  // it (change_capture.cc), as the server's push gate refuses every table of no customer. (reps,
  // territories and grading_rules predate the flag: a local write of them is refused at the
  // server only.)
  bool server_managed = false;

  // Index of `column` in `columns`, or -1. Constant time: it runs for every merged column.
  int ColumnIndex(std::string_view column) const;
  bool is_fact() const { return kind == TableKind::kFact; }
  // Whether only the server writes `column`, and which part of it (ColumnOwner). A rep's push may
  // not set it, on an existing row or a new one, except where SetByCreator says the device that
  // creates the row sets it (the push gate checks the value). Declared here, once (catalog.cc,
  // kServerOwned), for the server's push gate and the devices' editors and health checks.
  bool IsServerOwned(std::string_view column) const;
  ColumnOwner OwnerOf(std::string_view column) const;
  // A server-owned column the device creating a row writes itself: a new customer's
  // owner_rep_id, which must name the rep who creates it.
  bool SetByCreator(std::string_view column) const;

 private:
  friend class Catalog;
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, int, NameHash, std::equal_to<>> index_;
  std::vector<ColumnOwner> owner_;    // per column
  std::vector<bool> set_by_creator_;  // per column
};

class Catalog {
 public:
  static constexpr int kMaxColumns = 62;  // columns fit a 63-bit capture mask

  static Result<Catalog> Load(Db& db);

  const TableInfo* Find(std::string_view name) const;
  const TableInfo* ByCode(int code) const;
  // Tables in a fixed order (parents before children).
  const std::vector<TableInfo>& tables() const { return tables_; }

 private:
  std::vector<TableInfo> tables_;
};

}  // namespace fieldbook

#endif  // FIELDBOOK_CATALOG_H_
