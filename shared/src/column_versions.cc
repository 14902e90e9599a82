#include "column_versions.h"

#include <algorithm>
#include <tuple>

#include "fieldbook/sql_db.h"
#include "fieldbook/sqlite_db.h"
#include "fieldbook/sqlite_sql_db.h"

namespace fieldbook {

namespace {

void PutVarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

bool GetVarint(std::string_view& in, uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (in.empty()) return false;
    const auto byte = static_cast<uint8_t>(in.front());
    in.remove_prefix(1);
    v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

void PutVersion(std::string& out, const ColumnVersion& v) {
  PutVarint(out, v.hlc.packed());
  PutVarint(out, v.origin);
  PutVarint(out, v.seq);
}

bool GetVersion(std::string_view& in, ColumnVersion& v) {
  uint64_t hlc, origin, seq;
  if (!GetVarint(in, hlc) || !GetVarint(in, origin) || !GetVarint(in, seq)) return false;
  if (origin > UINT32_MAX) return false;
  v = ColumnVersion{Hlc(hlc), static_cast<uint32_t>(origin), seq};
  return true;
}

auto Key(const ColumnVersion& v) { return std::make_tuple(v.hlc.packed(), v.origin, v.seq); }

}  // namespace

Result<ColumnVersions> ColumnVersions::Decode(std::string_view blob, size_t columns) {
  ColumnVersions out(columns);
  if (blob.empty()) return out;
  uint64_t count;
  ColumnVersion base;
  uint64_t n_except;
  if (!GetVarint(blob, count) || !GetVersion(blob, base) || !GetVarint(blob, n_except)) {
    return Status::Corrupt("column versions: truncated header");
  }
  if (count > columns) return Status::Corrupt("column versions: more columns than the table has");
  for (size_t i = 0; i < count; ++i) out.v_[i] = base;
  for (uint64_t e = 0; e < n_except; ++e) {
    uint64_t column;
    ColumnVersion v;
    if (!GetVarint(blob, column) || !GetVersion(blob, v)) {
      return Status::Corrupt("column versions: truncated exception");
    }
    if (column >= count) return Status::Corrupt("column versions: column out of range");
    out.v_[column] = v;
  }
  if (!blob.empty()) return Status::Corrupt("column versions: trailing bytes");
  return out;
}

std::string ColumnVersions::Encode() const {
  // Trailing never-written columns need no description.
  size_t count = v_.size();
  while (count > 0 && v_[count - 1].empty()) --count;
  std::string out;
  if (count == 0) return out;

  // The base is the most common version; ties go to the smallest (hlc, origin, seq). Rows have
  // a few dozen columns at most, so counting by linear scan beats a map.
  size_t best = 0, best_count = 0;
  for (size_t i = 0; i < count; ++i) {
    size_t n = 0;
    for (size_t j = 0; j < count; ++j) n += v_[j] == v_[i];
    if (n > best_count || (n == best_count && Key(v_[i]) < Key(v_[best]))) {
      best = i;
      best_count = n;
    }
  }
  const ColumnVersion base = v_[best];
  out.reserve(16 + 12 * (count - best_count));
  PutVarint(out, count);
  PutVersion(out, base);
  PutVarint(out, count - best_count);
  for (size_t i = 0; i < count; ++i) {
    if (v_[i] == base) continue;
    PutVarint(out, i);
    PutVersion(out, v_[i]);
  }
  return out;
}

OriginRegistry::OriginRegistry(SqlDb& db) : db_(db) {}

OriginRegistry::OriginRegistry(Db& db)
    : own_db_(std::make_unique<SqliteSqlDb>(db)), db_(*own_db_) {}

OriginRegistry::~OriginRegistry() = default;

Status OriginRegistry::Load() {
  by_id_.clear();  // what a rolled-back transaction registered is forgotten
  by_index_.assign(1, std::string());
  FB_ASSIGN_OR_RETURN(SqlStatement * stmt,
                      db_.Prepare("SELECT idx, replica_id FROM fb_origins ORDER BY idx"));
  while (true) {
    FB_ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) break;
    const auto idx = static_cast<uint32_t>(stmt->Int(0));
    std::string id = stmt->Text(1);
    if (idx == 0) return Status::Corrupt("fb_origins uses the reserved index 0");
    if (by_index_.size() <= idx) by_index_.resize(idx + 1);
    by_index_[idx] = id;
    by_id_[std::move(id)] = idx;
  }
  return Status::Ok();
}

Result<uint32_t> OriginRegistry::Intern(const std::string& replica_id) {
  auto it = by_id_.find(replica_id);
  if (it != by_id_.end()) return it->second;
  // Another connection (on PostgreSQL: another instance) may have registered it already, or be
  // registering it now: the insert then does nothing (after waiting for the other's commit) and
  // the read after it finds the row. Otherwise the database picks the next index.
  FB_ASSIGN_OR_RETURN(SqlStatement * find,
                      db_.Prepare("SELECT idx FROM fb_origins WHERE replica_id = ?"));
  auto read = [&]() -> Result<int64_t> {
    find->Reset();
    find->Bind(1, replica_id);
    FB_ASSIGN_OR_RETURN(bool found, find->Step());
    const int64_t idx = found ? find->Int(0) : 0;
    find->Reset();
    return idx;
  };
  FB_ASSIGN_OR_RETURN(int64_t idx, read());
  if (idx == 0) {
    FB_ASSIGN_OR_RETURN(SqlStatement * insert,
                        db_.Prepare("INSERT INTO fb_origins (replica_id) VALUES (?) "
                                    "ON CONFLICT (replica_id) DO NOTHING RETURNING idx"));
    insert->Bind(1, replica_id);
    FB_ASSIGN_OR_RETURN(bool row, insert->Step());
    if (row) idx = insert->Int(0);
    insert->Reset();
    if (!row) {
      FB_ASSIGN_OR_RETURN(idx, read());
    }
    if (idx == 0) return Status::Internal("fb_origins insert returned no index");
  }
  if (idx <= 0 || idx > UINT32_MAX) return Status::Corrupt("fb_origins index out of range");
  const auto u = static_cast<uint32_t>(idx);
  if (by_index_.size() <= u) by_index_.resize(u + 1);
  by_index_[u] = replica_id;
  by_id_[replica_id] = u;
  return u;
}

const std::string& OriginRegistry::IdOf(uint32_t index) {
  static const std::string kNone;
  if (index == 0) return kNone;
  if (index < by_index_.size() && !by_index_[index].empty()) return by_index_[index];
  auto find = db_.Prepare("SELECT replica_id FROM fb_origins WHERE idx = ?");
  if (!find.ok()) return kNone;
  (*find)->Bind(1, static_cast<int64_t>(index));
  auto row = (*find)->Step();
  if (!row.ok() || !*row) return kNone;
  std::string id = (*find)->Text(0);
  (*find)->Reset();
  if (by_index_.size() <= index) by_index_.resize(index + 1);
  by_index_[index] = id;
  by_id_[id] = index;
  return by_index_[index];
}

}  // namespace fieldbook
