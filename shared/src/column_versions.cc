#include "column_versions.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "fieldbook/sqlite_db.h"

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

  std::map<std::tuple<uint64_t, uint32_t, uint64_t>, size_t> freq;
  for (size_t i = 0; i < count; ++i) ++freq[Key(v_[i])];
  auto best = freq.begin();
  for (auto it = freq.begin(); it != freq.end(); ++it) {
    if (it->second > best->second) best = it;  // map order breaks ties by the smallest key
  }
  const ColumnVersion base{Hlc(std::get<0>(best->first)), std::get<1>(best->first),
                           std::get<2>(best->first)};
  size_t n_except = count - best->second;
  PutVarint(out, count);
  PutVersion(out, base);
  PutVarint(out, n_except);
  for (size_t i = 0; i < count; ++i) {
    if (v_[i] == base) continue;
    PutVarint(out, i);
    PutVersion(out, v_[i]);
  }
  return out;
}

Status OriginRegistry::Load() {
  FB_ASSIGN_OR_RETURN(Statement * stmt,
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
  const auto idx = static_cast<uint32_t>(by_index_.size());
  FB_ASSIGN_OR_RETURN(Statement * stmt,
                      db_.Prepare("INSERT INTO fb_origins (idx, replica_id) VALUES (?, ?)"));
  stmt->Bind(1, static_cast<int64_t>(idx)).Bind(2, replica_id);
  FB_RETURN_IF_ERROR(stmt->Run());
  by_index_.push_back(replica_id);
  by_id_[replica_id] = idx;
  return idx;
}

const std::string& OriginRegistry::IdOf(uint32_t index) const {
  static const std::string kNone;
  return index < by_index_.size() ? by_index_[index] : kNone;
}

}  // namespace fieldbook
