// Binary format of change sets, sync requests and sync responses.
//
// All integers are little-endian. A "word" is 8 bytes. The schema is schema/sync.capnp; the root
// struct's type (ChangeSet, SyncRequest or SyncResponse) is known from context, not from the bytes.
//
//   encoding      := packed_word*       -- Cap'n Proto packing of one `message`, nothing after
//   packed_word   := tag:uint8 byte{popcount(tag)}
//                                        -- tag is not 0x00 or 0xFF: bit i set means byte i of
//                                           the word follows; the word's other bytes are zero
//                  | 0x00 run:uint8      -- 1 + run zero words
//                  | 0xFF byte{8} run:uint8 word{run}
//                                        -- 1 + run words stored verbatim
//
//   message       := segment_table segment{segment_count}
//   segment_table := (segment_count - 1):uint32 segment_words:uint32{segment_count}
//                    [0:uint32 when segment_count is even]
//                                        -- the padding makes the table whole words
//   segment       := word{segment_words}
//   root          := the struct pointer in word 0 of segment 0 (Cap'n Proto pointer encoding)
//                    to a ChangeSet, SyncRequest or SyncResponse, whose fields are laid out as
//                    capnp compiles schema/sync.capnp
//
// The encoder writes one segment when its size estimate holds (it is generous), so messages are
// normally single-segment; the decoder accepts up to kMaxSegments segments.
//
// What a ChangeSet says, in terms of the in-memory ChangeSet (the "Compactness" section of
// schema/sync.capnp explains why):
//
//   ChangeSet    := schemaVersion setId replicaId cursor origins:List(Text)
//                   tableNames:List(Text) columnNames:List(Text) sharedTexts:List(Text)
//                   rows:List(RowChange) evictedCustomers:List(Text)
//   RowChange    := table:UInt32 origin:UInt32 hlc:UInt64 rowId:Text columns:List(ColumnChange)
//                                        -- model table = tableNames[table]; (hlc, origin) is
//                                           the row's default version, hlc 0 for none
//   ColumnChange := column:UInt32
//                   (null | int:Int64 | real:Float64 | text:Text | sharedText:UInt32)
//                   hlc:UInt64 origin:UInt32
//                                        -- model column = columnNames[column]; a sharedText
//                                           value is the text sharedTexts[sharedText]; model
//                                           version = (hlc, origin) when hlc != 0, else the
//                                           row's (origin must then be 0, and the row's hlc must
//                                           not be)
//   sharedTexts entries are at most kMaxSharedTextBytes bytes.
//
// Sync requests and responses wrap change sets; besides them they say (schema version 2 added the
// verification fields, docs/sync.md "Verification and repair"):
//
//   SyncRequest  := schemaVersion replicaId hasPush [push:ChangeSet] pullCursor pageLimit
//                   hasDigests [digestBuckets digestSchema digests:List(BucketDigest)]
//                   snapshotToken epoch
//   SyncResponse := schemaVersion hasPushResult [pushResult] pull:ChangeSet more rebuild hubTimeMs
//                   verify verifyDeep digestsChecked
//                   [repairBuckets:List(BucketDigest) repair:ChangeSet]
//                   snapshot snapshotToken epoch restored
//   (schema version 3 added the snapshot and epoch fields; a snapshot token is at most
//   kMaxSnapshotTokenBytes of UTF-8 without NUL, empty when absent)
//   BucketDigest := table:UInt32 bucket:UInt32 rows:UInt64 sum:UInt64
//                                        -- 3 data words, no pointers
// A bracketed part is written only when the flag before it is set (hasPush, hasPushResult,
// hasDigests, digestsChecked) and read only then; otherwise it decodes as its default.
//
// The encoder fills tableNames and columnNames with each distinct name once, in order of first
// use; sharedTexts likewise with each text value of at most kMaxSharedTextBytes bytes that occurs
// in two or more columns of the set, which all refer to it (other texts are sent inline as
// `text`). It gives each row the version most common among its columns (the smallest of equally
// common ones) as its default; columns with that version are written with hlc 0 and origin 0. A
// row with no columns, or with a column whose hlc is 0 (invalid), gets no default, so such a
// column reaches the wire as hlc 0 in a row with hlc 0, which decoding rejects. Encoding is thus
// a function of the value: equal values encode to equal bytes.
//
// Invariants the decoder enforces, in this order, before anything reaches the caller:
//   1. 0 < input bytes <= DecodeLimits::max_message_bytes.
//   2. The packing is well formed: no packed_word is cut short. The unpacked message is counted
//      before it is allocated, and its segments may hold at most traversal_limit_words words.
//   3. The segment table holds 1..kMaxSegments sizes that account for every unpacked word: no
//      segment ends early and no word follows the last segment.
//   4. Cap'n Proto pointer checks under ReaderOptions{nesting_limit, and a traversal budget of
//      the message's own segment words}: pointers stay inside their segment, lists have the
//      element sizes the schema needs, texts are NUL-terminated. The decoder reads every object
//      once, so the budget admits any honest message but refuses pointers that share objects, or
//      lists of zero-sized structs, that make a small message decode into a huge value. A column
//      value union member this build does not know is rejected.
//   5. Counts and lengths are checked against DecodeLimits before the elements are copied:
//      digests and repairBuckets <= max_digests,
//      origins <= max_origins, tableNames and rows and evictedCustomers <= max_rows, columnNames
//      <= max_rows * max_columns_per_row, columns <= max_columns_per_row, every text <=
//      max_id_bytes (ids, names) or max_text_bytes (values, reasons). Every table and column
//      index is in range of its dictionary, sharedTexts entries are at most kMaxSharedTextBytes,
//      every column has a version as described above, and the names and shared texts copied out
//      of the dictionaries total at most (max_id_bytes + kMaxSharedTextBytes) / 4 + 1 bytes per
//      message word (an honest column change is 5 words with a name of at most max_id_bytes and
//      a shared text of at most kMaxSharedTextBytes), so that a few words cannot copy a long name
//      or text many times over. Dictionary entries no row or
//      column uses, and the default origin of a row whose columns all carry their own version, are
//      read but not otherwise checked; they do not reach the decoded value.
//   6. The decoded value passes Validate* (change_set_codec.h): schema versions >= 1, ids
//      non-empty, bounded, UTF-8 without NUL, origin indices in range, hlcs non-zero, text values
//      UTF-8, no NaN, no row naming a column twice; a request's digest bucket count
//      in 1..kMaxDigestBuckets and every digest's bucket below it, a response's repair buckets
//      below kMaxDigestBuckets; no (table, bucket) twice in either list.
// Any failure is a Status (kResourceExhausted for limits, kCorrupt otherwise); Cap'n Proto's
// kj::Exception and std::exception are caught at the boundary and converted.
#include "fieldbook/change_set_codec.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <compare>
#include <cstring>
#include <exception>
#include <limits>
#include <new>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include <capnp/message.h>
#include <capnp/serialize-packed.h>
#include <capnp/serialize.h>
#include <kj/array.h>
#include <kj/exception.h>
#include <kj/io.h>

#include "sync.capnp.h"

namespace fieldbook {
namespace {

// The same bound Cap'n Proto's stream reader uses; the encoder never comes close.
constexpr uint64_t kMaxSegments = 512;

// The longest entry of ChangeSet.sharedTexts. Short, so that the decoder can bound what copying
// a shared text into many columns costs (NameBudget); repeated short values are what sharing is
// for.
constexpr size_t kMaxSharedTextBytes = 64;

// ---------------------------------------------------------------------------------------------
// Error messages

// `where` names the place ("change set row 3 column 2"); built only on the error path.
template <typename Where>
Status CorruptAt(const Where& where, std::string_view what) {
  return Status::Corrupt(std::string(where()) + ": " + std::string(what));
}

template <typename Where>
Status CheckCount(size_t count, size_t limit, std::string_view noun, const Where& where) {
  if (count <= limit) return Status::Ok();
  return Status::ResourceExhausted(std::string(where()) + ": " + std::to_string(count) + " " +
                                   std::string(noun) + " (limit " + std::to_string(limit) + ")");
}

template <typename Where>
Status CheckLength(size_t bytes, size_t limit, std::string_view field, const Where& where) {
  if (bytes <= limit) return Status::Ok();
  return Status::ResourceExhausted(std::string(where()) + ": " + std::string(field) + " is " +
                                   std::to_string(bytes) + " bytes (limit " +
                                   std::to_string(limit) + ")");
}

// ---------------------------------------------------------------------------------------------
// Validation of the in-memory model

// Well-formed UTF-8 per Unicode 15 table 3-7: no overlong forms, no surrogates, nothing above
// U+10FFFF, no truncated sequence.
bool IsValidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    const unsigned char lead = p[i];
    if (lead < 0x80) {
      ++i;
      continue;
    }
    size_t length;
    unsigned char second_min = 0x80;
    unsigned char second_max = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead == 0xE0) {
      length = 3;
      second_min = 0xA0;  // shorter forms are overlong
    } else if ((lead >= 0xE1 && lead <= 0xEC) || lead == 0xEE || lead == 0xEF) {
      length = 3;
    } else if (lead == 0xED) {
      length = 3;
      second_max = 0x9F;  // ED A0..BF would be a surrogate
    } else if (lead == 0xF0) {
      length = 4;
      second_min = 0x90;  // shorter forms are overlong
    } else if (lead >= 0xF1 && lead <= 0xF3) {
      length = 4;
    } else if (lead == 0xF4) {
      length = 4;
      second_max = 0x8F;  // beyond is above U+10FFFF
    } else {
      return false;  // a continuation byte, C0, C1 or F5..FF
    }
    if (n - i < length) return false;
    if (p[i + 1] < second_min || p[i + 1] > second_max) return false;
    for (size_t k = 2; k < length; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return false;
    }
    i += length;
  }
  return true;
}

enum class IdRule { kRequired, kMayBeEmpty };

template <typename Where>
Status CheckId(std::string_view id, std::string_view field, IdRule rule, const DecodeLimits& limits,
               const Where& where) {
  if (id.empty()) {
    if (rule == IdRule::kMayBeEmpty) return Status::Ok();
    return CorruptAt(where, std::string(field) + " is empty");
  }
  FB_RETURN_IF_ERROR(CheckLength(id.size(), limits.max_id_bytes, field, where));
  if (id.find('\0') != std::string_view::npos) {
    return CorruptAt(where, std::string(field) + " contains a NUL byte");
  }
  if (!IsValidUtf8(id)) return CorruptAt(where, std::string(field) + " is not valid UTF-8");
  return Status::Ok();
}

// A snapshot token: opaque to replicas, so only its size and encoding are checked here; the hub
// parses it (snapshot_token.h) and refuses what it did not write.
template <typename Where>
Status CheckToken(std::string_view token, const Where& where) {
  FB_RETURN_IF_ERROR(CheckLength(token.size(), kMaxSnapshotTokenBytes, "snapshot token", where));
  if (token.find('\0') != std::string_view::npos) {
    return CorruptAt(where, "snapshot token contains a NUL byte");
  }
  if (!IsValidUtf8(token)) return CorruptAt(where, "snapshot token is not valid UTF-8");
  return Status::Ok();
}

template <typename Where>
Status CheckText(std::string_view text, std::string_view field, const DecodeLimits& limits,
                 const Where& where) {
  FB_RETURN_IF_ERROR(CheckLength(text.size(), limits.max_text_bytes, field, where));
  if (!IsValidUtf8(text)) return CorruptAt(where, std::string(field) + " is not valid UTF-8");
  return Status::Ok();
}

template <typename Where>
Status CheckValue(const Value& value, const DecodeLimits& limits, const Where& where) {
  if (const auto* real = std::get_if<double>(&value); real != nullptr && std::isnan(*real)) {
    return CorruptAt(where, "value is NaN");
  }
  if (const auto* text = std::get_if<std::string>(&value)) {
    return CheckText(*text, "text value", limits, where);
  }
  return Status::Ok();
}

template <typename Where>
Status CheckSchemaVersion(uint32_t version, const Where& where) {
  if (version == 0) return CorruptAt(where, "missing schema version (0)");
  return Status::Ok();  // newer versions only add fields: readable (see schema/sync.capnp)
}

Status ValidateChangeSetAt(const ChangeSet& set, const DecodeLimits& limits, std::string_view name,
                           IdRule set_ids) {
  auto at_set = [&] { return std::string(name); };
  FB_RETURN_IF_ERROR(CheckSchemaVersion(set.schema_version, at_set));
  FB_RETURN_IF_ERROR(CheckId(set.set_id, "set id", set_ids, limits, at_set));
  FB_RETURN_IF_ERROR(CheckId(set.replica_id, "replica id", set_ids, limits, at_set));
  FB_RETURN_IF_ERROR(CheckCount(set.origins.size(), limits.max_origins, "origins", at_set));
  for (size_t o = 0; o < set.origins.size(); ++o) {
    auto at_origin = [&] { return std::string(name) + " origin " + std::to_string(o); };
    FB_RETURN_IF_ERROR(CheckId(set.origins[o], "replica id", IdRule::kRequired, limits, at_origin));
  }
  FB_RETURN_IF_ERROR(CheckCount(set.rows.size(), limits.max_rows, "rows", at_set));
  for (size_t r = 0; r < set.rows.size(); ++r) {
    const RowChange& row = set.rows[r];
    auto at_row = [&] { return std::string(name) + " row " + std::to_string(r); };
    FB_RETURN_IF_ERROR(CheckId(row.table, "table", IdRule::kRequired, limits, at_row));
    FB_RETURN_IF_ERROR(CheckId(row.row_id, "row id", IdRule::kRequired, limits, at_row));
    FB_RETURN_IF_ERROR(
        CheckCount(row.columns.size(), limits.max_columns_per_row, "columns", at_row));
    for (size_t c = 0; c < row.columns.size(); ++c) {
      const ColumnChange& column = row.columns[c];
      auto at_column = [&] { return at_row() + " column " + std::to_string(c); };
      FB_RETURN_IF_ERROR(
          CheckId(column.column, "column name", IdRule::kRequired, limits, at_column));
      if (column.hlc.is_zero()) return CorruptAt(at_column, "no timestamp (hlc 0)");
      if (column.origin >= set.origins.size()) {
        return CorruptAt(at_column, "origin " + std::to_string(column.origin) + " out of range (" +
                                        std::to_string(set.origins.size()) + " origins)");
      }
      FB_RETURN_IF_ERROR(CheckValue(column.value, limits, at_column));
    }
    // A column named twice would let a gate judge one copy while the merge applies another.
    if (row.columns.size() > 1) {
      std::vector<std::string_view> names;
      names.reserve(row.columns.size());
      for (const ColumnChange& column : row.columns) names.push_back(column.column);
      std::sort(names.begin(), names.end());
      const auto twice = std::adjacent_find(names.begin(), names.end());
      if (twice != names.end()) {
        return CorruptAt(at_row, "column " + std::string(*twice) + " appears twice");
      }
    }
  }
  FB_RETURN_IF_ERROR(
      CheckCount(set.evicted_customers.size(), limits.max_rows, "evicted customers", at_set));
  for (size_t e = 0; e < set.evicted_customers.size(); ++e) {
    auto at_eviction = [&] { return std::string(name) + " evicted customer " + std::to_string(e); };
    FB_RETURN_IF_ERROR(
        CheckId(set.evicted_customers[e], "customer id", IdRule::kRequired, limits, at_eviction));
  }
  return Status::Ok();
}

Status ValidatePushResultAt(const PushResult& result, const DecodeLimits& limits,
                            std::string_view name) {
  auto at_result = [&] { return std::string(name); };
  FB_RETURN_IF_ERROR(CheckId(result.set_id, "set id", IdRule::kRequired, limits, at_result));
  FB_RETURN_IF_ERROR(
      CheckCount(result.rejections.size(), limits.max_rows, "rejections", at_result));
  for (size_t i = 0; i < result.rejections.size(); ++i) {
    const RowRejection& rejection = result.rejections[i];
    auto at = [&] { return std::string(name) + " rejection " + std::to_string(i); };
    FB_RETURN_IF_ERROR(CheckId(rejection.table, "table", IdRule::kRequired, limits, at));
    FB_RETURN_IF_ERROR(CheckId(rejection.row_id, "row id", IdRule::kRequired, limits, at));
    FB_RETURN_IF_ERROR(CheckId(rejection.code, "code", IdRule::kRequired, limits, at));
    FB_RETURN_IF_ERROR(CheckText(rejection.reason, "reason", limits, at));
    FB_RETURN_IF_ERROR(
        CheckCount(rejection.columns.size(), limits.max_columns_per_row, "columns", at));
    for (const std::string& column : rejection.columns) {
      FB_RETURN_IF_ERROR(CheckId(column, "column", IdRule::kRequired, limits, at));
    }
  }
  FB_RETURN_IF_ERROR(CheckCount(result.restamps.size(), limits.max_rows, "restamps", at_result));
  for (size_t i = 0; i < result.restamps.size(); ++i) {
    const RowRestamp& restamp = result.restamps[i];
    auto at = [&] { return std::string(name) + " restamp " + std::to_string(i); };
    FB_RETURN_IF_ERROR(CheckId(restamp.table, "table", IdRule::kRequired, limits, at));
    FB_RETURN_IF_ERROR(CheckId(restamp.row_id, "row id", IdRule::kRequired, limits, at));
  }
  return Status::Ok();
}

// Bucket digests: at most max_digests, each bucket < `buckets`, no (table, bucket) twice.
Status ValidateDigests(const std::vector<BucketDigest>& digests, uint32_t buckets,
                       const DecodeLimits& limits, std::string_view name, std::string_view noun) {
  auto at_list = [&] { return std::string(name); };
  FB_RETURN_IF_ERROR(CheckCount(digests.size(), limits.max_digests, noun, at_list));
  std::vector<std::pair<uint32_t, uint32_t>> seen;
  seen.reserve(digests.size());
  for (size_t i = 0; i < digests.size(); ++i) {
    const BucketDigest& d = digests[i];
    if (d.bucket >= buckets) {
      return CorruptAt(
          [&] { return std::string(name) + " " + std::string(noun) + " " + std::to_string(i); },
          "bucket " + std::to_string(d.bucket) + " out of range (" + std::to_string(buckets) +
              " buckets)");
    }
    seen.emplace_back(d.table, d.bucket);
  }
  std::sort(seen.begin(), seen.end());
  const auto twice = std::adjacent_find(seen.begin(), seen.end());
  if (twice != seen.end()) {
    return CorruptAt(at_list, "table " + std::to_string(twice->first) + " bucket " +
                                  std::to_string(twice->second) + " appears twice in " +
                                  std::string(noun));
  }
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------------
// Encoding

capnp::Text::Reader AsText(const std::string& s) {
  return capnp::Text::Reader(s.data(), s.size());  // std::string is NUL-terminated, as required
}

// Words a text of `bytes` bytes occupies, with its pointer and NUL terminator.
size_t TextWords(size_t bytes) { return 1 + (bytes + 8) / 8; }

// A column's version, as written on the wire.
struct WireVersion {
  uint64_t hlc = 0;
  uint32_t origin = 0;

  friend auto operator<=>(const WireVersion&, const WireVersion&) = default;
};

WireVersion VersionOf(const ColumnChange& column) { return {column.hlc.packed(), column.origin}; }

// The row's default version (see the file comment): its columns' most common version, the
// smallest of equally common ones; none (hlc 0) for a row without columns or with a column whose
// hlc is 0. `scratch` is reused between rows.
WireVersion DefaultVersion(const RowChange& row, std::vector<WireVersion>& scratch) {
  if (row.columns.empty()) return {};
  const WireVersion first = VersionOf(row.columns.front());
  bool all_equal = true;
  for (const ColumnChange& column : row.columns) {
    if (column.hlc.is_zero()) return {};
    all_equal = all_equal && VersionOf(column) == first;
  }
  if (all_equal) return first;  // the usual case
  scratch.clear();
  for (const ColumnChange& column : row.columns) scratch.push_back(VersionOf(column));
  std::sort(scratch.begin(), scratch.end());
  WireVersion best = scratch.front();
  size_t best_count = 0;
  for (size_t begin = 0; begin < scratch.size();) {
    size_t end = begin + 1;
    while (end < scratch.size() && scratch[end] == scratch[begin]) ++end;
    if (end - begin > best_count) {
      best = scratch[begin];
      best_count = end - begin;
    }
    begin = end;
  }
  return best;
}

// Assigns each distinct name an index, in order of first use.
class Dictionary {
 public:
  uint32_t IndexOf(const std::string& name) {
    const auto [it, inserted] = index_.try_emplace(name, static_cast<uint32_t>(names_.size()));
    if (inserted) names_.push_back(&name);
    return it->second;
  }
  const std::vector<const std::string*>& names() const { return names_; }

 private:
  std::unordered_map<std::string_view, uint32_t> index_;
  std::vector<const std::string*> names_;
};

constexpr uint32_t kNotShared = std::numeric_limits<uint32_t>::max();

// Everything about a change set's wire form that is not simply copied from it: its dictionaries,
// each row's table index and default version, and each column's name index and shared text
// index. Refers to the set's strings, so the set must outlive it.
struct WirePlan {
  Dictionary tables;
  Dictionary columns;
  Dictionary texts;                       // ChangeSet.sharedTexts
  std::vector<uint32_t> row_tables;       // per row
  std::vector<WireVersion> row_defaults;  // per row
  std::vector<uint32_t> column_indices;   // per column change, rows in order
  std::vector<uint32_t> shared_texts;     // per column change: index in texts, or kNotShared
  size_t words = 0;                       // a generous estimate of the encoded size in words
};

// The text value of a column that may be shared (kMaxSharedTextBytes), or nullptr.
const std::string* ShareableText(const ColumnChange& column) {
  const auto* text = std::get_if<std::string>(&column.value);
  return text != nullptr && text->size() <= kMaxSharedTextBytes ? text : nullptr;
}

WirePlan PlanChangeSet(const ChangeSet& set) {
  WirePlan plan;
  plan.row_tables.reserve(set.rows.size());
  plan.row_defaults.reserve(set.rows.size());
  plan.column_indices.reserve(set.ColumnCount());
  plan.shared_texts.reserve(set.ColumnCount());
  // Which short texts occur more than once.
  std::unordered_map<std::string_view, uint32_t> text_counts;
  for (const RowChange& row : set.rows) {
    for (const ColumnChange& column : row.columns) {
      if (const std::string* text = ShareableText(column)) ++text_counts[*text];
    }
  }
  // The ChangeSet struct and its own texts.
  size_t words = 16 + TextWords(set.set_id.size()) + TextWords(set.replica_id.size());
  for (const std::string& origin : set.origins) words += TextWords(origin.size());
  for (const std::string& customer : set.evicted_customers) words += TextWords(customer.size());
  std::vector<WireVersion> scratch;
  for (const RowChange& row : set.rows) {
    const size_t tables_before = plan.tables.names().size();
    plan.row_tables.push_back(plan.tables.IndexOf(row.table));
    if (plan.tables.names().size() != tables_before) words += TextWords(row.table.size());
    plan.row_defaults.push_back(DefaultVersion(row, scratch));
    words += 5 + TextWords(row.row_id.size());  // struct, list tag, row id
    for (const ColumnChange& column : row.columns) {
      const size_t columns_before = plan.columns.names().size();
      plan.column_indices.push_back(plan.columns.IndexOf(column.column));
      if (plan.columns.names().size() != columns_before) words += TextWords(column.column.size());
      words += 5;
      const std::string* text = ShareableText(column);
      if (text != nullptr && text_counts.find(*text)->second > 1) {
        const size_t texts_before = plan.texts.names().size();
        plan.shared_texts.push_back(plan.texts.IndexOf(*text));
        if (plan.texts.names().size() != texts_before) words += TextWords(text->size());
        continue;
      }
      plan.shared_texts.push_back(kNotShared);
      if (const auto* any_text = std::get_if<std::string>(&column.value)) {
        words += TextWords(any_text->size());
      }
    }
  }
  plan.words = words;
  return plan;
}

size_t EstimateWords(const PushResult& result) {
  size_t words = 8 + TextWords(result.set_id.size());
  for (const RowRejection& r : result.rejections) {
    words += 6 + TextWords(r.table.size()) + TextWords(r.row_id.size()) + TextWords(r.code.size()) +
             TextWords(r.reason.size()) + 1 + r.columns.size();
    for (const std::string& column : r.columns) words += TextWords(column.size());
  }
  for (const RowRestamp& r : result.restamps) {
    words += 4 + TextWords(r.table.size()) + TextWords(r.row_id.size());
  }
  return words;
}

void WriteValue(const Value& value, wire::ColumnChange::Builder out) {
  if (const auto* i = std::get_if<int64_t>(&value)) {
    out.setInt(*i);
  } else if (const auto* real = std::get_if<double>(&value)) {
    out.setReal(*real);
  } else if (const auto* text = std::get_if<std::string>(&value)) {
    out.setText(AsText(*text));
  } else {
    out.setNull();
  }
}

void WriteNames(const std::vector<const std::string*>& names,
                capnp::List<capnp::Text>::Builder out) {
  for (unsigned i = 0; i < out.size(); ++i) out.set(i, AsText(*names[i]));
}

void WriteChangeSet(const ChangeSet& set, const WirePlan& plan, wire::ChangeSet::Builder out) {
  out.setSchemaVersion(set.schema_version);
  out.setSetId(AsText(set.set_id));
  out.setReplicaId(AsText(set.replica_id));
  out.setCursor(set.cursor);
  auto origins = out.initOrigins(static_cast<unsigned>(set.origins.size()));
  for (unsigned i = 0; i < origins.size(); ++i) origins.set(i, AsText(set.origins[i]));
  WriteNames(plan.tables.names(),
             out.initTableNames(static_cast<unsigned>(plan.tables.names().size())));
  WriteNames(plan.columns.names(),
             out.initColumnNames(static_cast<unsigned>(plan.columns.names().size())));
  WriteNames(plan.texts.names(),
             out.initSharedTexts(static_cast<unsigned>(plan.texts.names().size())));
  auto rows = out.initRows(static_cast<unsigned>(set.rows.size()));
  size_t column_number = 0;  // index into plan.column_indices
  for (unsigned r = 0; r < rows.size(); ++r) {
    const RowChange& row = set.rows[r];
    const WireVersion row_default = plan.row_defaults[r];
    auto row_out = rows[r];
    row_out.setTable(plan.row_tables[r]);
    row_out.setHlc(row_default.hlc);
    row_out.setOrigin(row_default.origin);
    row_out.setRowId(AsText(row.row_id));
    auto columns = row_out.initColumns(static_cast<unsigned>(row.columns.size()));
    for (unsigned c = 0; c < columns.size(); ++c) {
      const ColumnChange& column = row.columns[c];
      auto column_out = columns[c];
      column_out.setColumn(plan.column_indices[column_number]);
      if (const uint32_t shared = plan.shared_texts[column_number]; shared != kNotShared) {
        column_out.setSharedText(shared);
      } else {
        WriteValue(column.value, column_out);
      }
      ++column_number;
      if (row_default.hlc == 0 || VersionOf(column) != row_default) {
        column_out.setHlc(column.hlc.packed());
        column_out.setOrigin(column.origin);
      }  // else hlc 0 and origin 0: the row's version
    }
  }
  auto evicted = out.initEvictedCustomers(static_cast<unsigned>(set.evicted_customers.size()));
  for (unsigned i = 0; i < evicted.size(); ++i) evicted.set(i, AsText(set.evicted_customers[i]));
}

void WritePushResult(const PushResult& result, wire::PushResult::Builder out) {
  out.setSetId(AsText(result.set_id));
  out.setRowsAccepted(result.rows_accepted);
  auto rejections = out.initRejections(static_cast<unsigned>(result.rejections.size()));
  for (unsigned i = 0; i < rejections.size(); ++i) {
    const RowRejection& rejection = result.rejections[i];
    auto rejection_out = rejections[i];
    rejection_out.setTable(AsText(rejection.table));
    rejection_out.setRowId(AsText(rejection.row_id));
    rejection_out.setCode(AsText(rejection.code));
    rejection_out.setReason(AsText(rejection.reason));
    rejection_out.setRowIndex(rejection.row_index);
    if (!rejection.columns.empty()) {
      auto columns = rejection_out.initColumns(static_cast<unsigned>(rejection.columns.size()));
      for (unsigned c = 0; c < columns.size(); ++c) columns.set(c, AsText(rejection.columns[c]));
    }
  }
  auto restamps = out.initRestamps(static_cast<unsigned>(result.restamps.size()));
  for (unsigned i = 0; i < restamps.size(); ++i) {
    const RowRestamp& restamp = result.restamps[i];
    auto restamp_out = restamps[i];
    restamp_out.setTable(AsText(restamp.table));
    restamp_out.setRowId(AsText(restamp.row_id));
    restamp_out.setHlc(restamp.hlc.packed());
  }
}

void WriteDigests(const std::vector<BucketDigest>& digests,
                  capnp::List<wire::BucketDigest>::Builder out) {
  for (unsigned i = 0; i < out.size(); ++i) {
    const BucketDigest& d = digests[i];
    auto digest_out = out[i];
    digest_out.setTable(d.table);
    digest_out.setBucket(d.bucket);
    digest_out.setRows(d.rows);
    digest_out.setSum(d.sum);
  }
}

// Words a list of `n` bucket digests occupies, with its pointer and tag.
size_t DigestWords(size_t n) { return 2 + 3 * n; }

// A builder whose first segment holds `estimated_words`, so the message is usually one segment.
capnp::MallocMessageBuilder MakeBuilder(size_t estimated_words) {
  constexpr size_t kMaxFirstSegmentWords = size_t{1} << 26;
  return capnp::MallocMessageBuilder(
      static_cast<unsigned>(std::min(estimated_words, kMaxFirstSegmentWords)));
}

std::string Pack(capnp::MessageBuilder& message) {
  kj::VectorOutputStream out;
  capnp::writePackedMessage(out, message);
  kj::ArrayPtr<kj::byte> bytes = out.getArray();
  return std::string(reinterpret_cast<const char*>(bytes.begin()), bytes.size());
}

// ---------------------------------------------------------------------------------------------
// Framing: unpacking and the segment table

// Unpacks `packed` into a word array allocated at its exact size after a counting pass, so a
// few bytes that unpack to gigabytes are refused before anything is allocated.
Result<kj::Array<capnp::word>> Unpack(std::string_view packed, const DecodeLimits& limits,
                                      std::string_view name) {
  const auto* in = reinterpret_cast<const unsigned char*>(packed.data());
  const size_t size = packed.size();
  auto truncated = [&](size_t at) {
    return Status::Corrupt(std::string(name) + ": packed encoding truncated at byte " +
                           std::to_string(at) + " of " + std::to_string(size));
  };
  // Segment words plus the largest segment table.
  const uint64_t max_words = limits.traversal_limit_words + kMaxSegments / 2 + 1;

  uint64_t words = 0;
  for (size_t pos = 0; pos < size;) {
    const size_t tag_at = pos;
    const unsigned tag = in[pos++];
    uint64_t run = 0;
    if (tag == 0x00 || tag == 0xFF) {
      const size_t literal = tag == 0xFF ? 8 : 0;
      if (size - pos < literal + 1) return truncated(tag_at);
      pos += literal;
      run = in[pos++];
      if (tag == 0xFF) {
        if ((size - pos) / 8 < run) return truncated(tag_at);
        pos += run * 8;
      }
    } else {
      const size_t present = static_cast<size_t>(std::popcount(tag));
      if (size - pos < present) return truncated(tag_at);
      pos += present;
    }
    words += 1 + run;
    if (words > max_words) {
      return Status::ResourceExhausted(std::string(name) + ": unpacks to more than " +
                                       std::to_string(max_words) + " words (traversal limit " +
                                       std::to_string(limits.traversal_limit_words) + ")");
    }
  }

  kj::Array<capnp::word> out = kj::heapArray<capnp::word>(words);
  auto* dst = reinterpret_cast<unsigned char*>(out.begin());
  for (size_t pos = 0; pos < size;) {
    const unsigned tag = in[pos++];
    if (tag == 0x00) {
      const size_t zero_words = 1 + size_t{in[pos++]};
      std::memset(dst, 0, zero_words * 8);
      dst += zero_words * 8;
    } else if (tag == 0xFF) {
      const size_t verbatim_bytes = 8 + 8 * size_t{in[pos + 8]};
      std::memcpy(dst, in + pos, 8);
      std::memcpy(dst + 8, in + pos + 9, verbatim_bytes - 8);
      pos += 1 + verbatim_bytes;
      dst += verbatim_bytes;
    } else {
      for (unsigned bit = 0; bit < 8; ++bit) *dst++ = (tag >> bit) & 1 ? in[pos++] : 0;
    }
  }
  return out;
}

uint32_t ReadLittleEndian32(const unsigned char* p) {
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}

// Checks invariant 3, so that FlatArrayMessageReader sees exactly one whole message, and returns
// the number of words in its segments.
Result<uint64_t> CheckSegmentTable(kj::ArrayPtr<const capnp::word> message,
                                   const DecodeLimits& limits, std::string_view name) {
  const auto* table = reinterpret_cast<const unsigned char*>(message.begin());
  const uint64_t available = message.size();
  const uint64_t segment_count = uint64_t{ReadLittleEndian32(table)} + 1;
  if (segment_count > kMaxSegments) {
    return Status::Corrupt(std::string(name) + ": segment table claims " +
                           std::to_string(segment_count) + " segments (limit " +
                           std::to_string(kMaxSegments) + ")");
  }
  const uint64_t table_words = segment_count / 2 + 1;
  if (available < table_words) {
    return Status::Corrupt(std::string(name) + ": message ends inside its segment table");
  }
  uint64_t segment_words = 0;
  for (uint64_t i = 0; i < segment_count; ++i) {
    segment_words += ReadLittleEndian32(table + 4 * (i + 1));
  }
  if (segment_words > limits.traversal_limit_words) {
    return Status::ResourceExhausted(std::string(name) + ": segments total " +
                                     std::to_string(segment_words) + " words (traversal limit " +
                                     std::to_string(limits.traversal_limit_words) + ")");
  }
  if (table_words + segment_words != available) {
    return Status::Corrupt(std::string(name) + ": segment table claims " +
                           std::to_string(segment_words) + " words but " +
                           std::to_string(available - table_words) + " follow it");
  }
  return segment_words;
}

// ---------------------------------------------------------------------------------------------
// Reading: wire structs to the in-memory model. Counts and lengths are checked before copying
// (invariant 5); everything else is left to the Validate* functions. Each pointer field is read
// once, so the traversal budget is spent once per object.

template <typename Where>
Status CopyText(capnp::Text::Reader text, size_t limit, std::string_view field, const Where& where,
                std::string* out) {
  FB_RETURN_IF_ERROR(CheckLength(text.size(), limit, field, where));
  out->assign(text.cStr(), text.size());
  return Status::Ok();
}

// How many bytes of names and shared texts one decode may still copy out of the dictionaries into
// the value (invariant 5).
class NameBudget {
 public:
  NameBudget(uint64_t segment_words, const DecodeLimits& limits) {
    const uint64_t max_id_bytes = std::min<uint64_t>(limits.max_id_bytes, uint64_t{1} << 40);
    const uint64_t per_word = (max_id_bytes + kMaxSharedTextBytes) / 4 + 1;
    total_ = segment_words > std::numeric_limits<uint64_t>::max() / per_word
                 ? std::numeric_limits<uint64_t>::max()
                 : segment_words * per_word;
    left_ = total_;
  }

  template <typename Where>
  Status Spend(size_t bytes, const Where& where) {
    if (bytes <= left_) {
      left_ -= bytes;
      return Status::Ok();
    }
    return Status::ResourceExhausted(
        std::string(where()) + ": names and texts copied from the dictionaries exceed " +
        std::to_string(total_) + " bytes ((max_id_bytes + " + std::to_string(kMaxSharedTextBytes) +
        ") / 4 + 1 per message word)");
  }

 private:
  uint64_t total_ = 0;
  uint64_t left_ = 0;
};

// What decoding one message needs besides the wire structs.
struct ReadContext {
  const DecodeLimits& limits;
  NameBudget& names;
};

// names[index] into *out, charged to the name budget; `field` is "table name", "column name" or
// "shared text".
template <typename Where>
Status CopyName(uint32_t index, const std::vector<std::string>& names, std::string_view field,
                NameBudget& budget, const Where& where, std::string* out) {
  if (index >= names.size()) {
    return CorruptAt(where, std::string(field) + " " + std::to_string(index) + " out of range (" +
                                std::to_string(names.size()) + " " + std::string(field) + "s)");
  }
  FB_RETURN_IF_ERROR(budget.Spend(names[index].size(), where));
  *out = names[index];
  return Status::Ok();
}

template <typename Where>
Status ReadValue(wire::ColumnChange::Reader in, const std::vector<std::string>& shared_texts,
                 const ReadContext& context, const Where& where, Value* out) {
  const DecodeLimits& limits = context.limits;
  switch (in.which()) {
    case wire::ColumnChange::NULL_:
      *out = std::monostate{};
      return Status::Ok();
    case wire::ColumnChange::INT:
      *out = in.getInt();
      return Status::Ok();
    case wire::ColumnChange::REAL:
      *out = in.getReal();
      return Status::Ok();
    case wire::ColumnChange::TEXT: {
      std::string text;
      FB_RETURN_IF_ERROR(CopyText(in.getText(), limits.max_text_bytes, "text value", where, &text));
      *out = std::move(text);
      return Status::Ok();
    }
    case wire::ColumnChange::SHARED_TEXT: {
      std::string text;
      FB_RETURN_IF_ERROR(
          CopyName(in.getSharedText(), shared_texts, "shared text", context.names, where, &text));
      *out = std::move(text);
      return Status::Ok();
    }
  }
  return CorruptAt(where, "unknown value kind " + std::to_string(static_cast<int>(in.which())));
}

// Copies a list of ids (origins, dictionaries, evicted customers) after checking its count, with
// `noun` naming the list in the count error and `item` naming one entry ("origin 3").
Status CopyIds(capnp::List<capnp::Text>::Reader in, size_t max_count, std::string_view noun,
               std::string_view item, std::string_view field, const DecodeLimits& limits,
               std::string_view name, std::vector<std::string>* out) {
  auto at_set = [&] { return std::string(name); };
  FB_RETURN_IF_ERROR(CheckCount(in.size(), max_count, noun, at_set));
  out->resize(in.size());
  for (unsigned i = 0; i < in.size(); ++i) {
    auto at = [&] { return std::string(name) + " " + std::string(item) + " " + std::to_string(i); };
    FB_RETURN_IF_ERROR(CopyText(in[i], limits.max_id_bytes, field, at, &(*out)[i]));
  }
  return Status::Ok();
}

Result<ChangeSet> ReadChangeSet(wire::ChangeSet::Reader in, const ReadContext& context,
                                std::string_view name) {
  const DecodeLimits& limits = context.limits;
  auto at_set = [&] { return std::string(name); };
  ChangeSet set;
  set.schema_version = in.getSchemaVersion();
  FB_RETURN_IF_ERROR(CopyText(in.getSetId(), limits.max_id_bytes, "set id", at_set, &set.set_id));
  FB_RETURN_IF_ERROR(
      CopyText(in.getReplicaId(), limits.max_id_bytes, "replica id", at_set, &set.replica_id));
  set.cursor = in.getCursor();
  FB_RETURN_IF_ERROR(CopyIds(in.getOrigins(), limits.max_origins, "origins", "origin", "replica id",
                             limits, name, &set.origins));

  // The dictionaries hold distinct names and texts, so no more than there are rows or column
  // changes.
  std::vector<std::string> table_names;
  FB_RETURN_IF_ERROR(CopyIds(in.getTableNames(), limits.max_rows, "table names", "table name",
                             "table name", limits, name, &table_names));
  const size_t max_column_names =
      limits.max_rows >
              std::numeric_limits<size_t>::max() / std::max<size_t>(limits.max_columns_per_row, 1)
          ? std::numeric_limits<size_t>::max()
          : limits.max_rows * limits.max_columns_per_row;
  std::vector<std::string> column_names;
  FB_RETURN_IF_ERROR(CopyIds(in.getColumnNames(), max_column_names, "column names", "column name",
                             "column name", limits, name, &column_names));
  const auto shared_texts_in = in.getSharedTexts();
  FB_RETURN_IF_ERROR(CheckCount(shared_texts_in.size(), max_column_names, "shared texts", at_set));
  std::vector<std::string> shared_texts(shared_texts_in.size());
  for (unsigned i = 0; i < shared_texts_in.size(); ++i) {
    const capnp::Text::Reader text = shared_texts_in[i];
    if (text.size() > kMaxSharedTextBytes) {
      return CorruptAt([&] { return std::string(name) + " shared text " + std::to_string(i); },
                       std::to_string(text.size()) + " bytes (at most " +
                           std::to_string(kMaxSharedTextBytes) + " may be shared)");
    }
    shared_texts[i].assign(text.cStr(), text.size());
  }

  const auto rows = in.getRows();
  FB_RETURN_IF_ERROR(CheckCount(rows.size(), limits.max_rows, "rows", at_set));
  set.rows.resize(rows.size());
  for (unsigned r = 0; r < rows.size(); ++r) {
    const auto row_in = rows[r];
    RowChange& row = set.rows[r];
    auto at_row = [&] { return std::string(name) + " row " + std::to_string(r); };
    FB_RETURN_IF_ERROR(
        CopyName(row_in.getTable(), table_names, "table name", context.names, at_row, &row.table));
    FB_RETURN_IF_ERROR(
        CopyText(row_in.getRowId(), limits.max_id_bytes, "row id", at_row, &row.row_id));
    const Hlc row_hlc(row_in.getHlc());
    const uint32_t row_origin = row_in.getOrigin();
    if (row_hlc.is_zero() && row_origin != 0) {
      return CorruptAt(at_row, "origin " + std::to_string(row_origin) + " without a timestamp");
    }
    const auto columns = row_in.getColumns();
    FB_RETURN_IF_ERROR(CheckCount(columns.size(), limits.max_columns_per_row, "columns", at_row));
    row.columns.resize(columns.size());
    for (unsigned c = 0; c < columns.size(); ++c) {
      const auto column_in = columns[c];
      ColumnChange& column = row.columns[c];
      auto at_column = [&] { return at_row() + " column " + std::to_string(c); };
      FB_RETURN_IF_ERROR(CopyName(column_in.getColumn(), column_names, "column name", context.names,
                                  at_column, &column.column));
      FB_RETURN_IF_ERROR(ReadValue(column_in, shared_texts, context, at_column, &column.value));
      column.hlc = Hlc(column_in.getHlc());
      column.origin = column_in.getOrigin();
      if (column.hlc.is_zero()) {  // the row's version
        if (column.origin != 0) {
          return CorruptAt(at_column,
                           "origin " + std::to_string(column.origin) + " without a timestamp");
        }
        if (row_hlc.is_zero()) {
          return CorruptAt(at_column, "no timestamp (hlc 0, and the row's hlc is 0)");
        }
        column.hlc = row_hlc;
        column.origin = row_origin;
      }
    }
  }

  FB_RETURN_IF_ERROR(CopyIds(in.getEvictedCustomers(), limits.max_rows, "evicted customers",
                             "evicted customer", "customer id", limits, name,
                             &set.evicted_customers));
  return set;
}

Result<PushResult> ReadPushResult(wire::PushResult::Reader in, const DecodeLimits& limits,
                                  std::string_view name) {
  auto at_result = [&] { return std::string(name); };
  PushResult result;
  FB_RETURN_IF_ERROR(
      CopyText(in.getSetId(), limits.max_id_bytes, "set id", at_result, &result.set_id));
  result.rows_accepted = in.getRowsAccepted();

  const auto rejections = in.getRejections();
  FB_RETURN_IF_ERROR(CheckCount(rejections.size(), limits.max_rows, "rejections", at_result));
  result.rejections.resize(rejections.size());
  for (unsigned i = 0; i < rejections.size(); ++i) {
    const auto rejection_in = rejections[i];
    RowRejection& rejection = result.rejections[i];
    auto at = [&] { return std::string(name) + " rejection " + std::to_string(i); };
    FB_RETURN_IF_ERROR(
        CopyText(rejection_in.getTable(), limits.max_id_bytes, "table", at, &rejection.table));
    FB_RETURN_IF_ERROR(
        CopyText(rejection_in.getRowId(), limits.max_id_bytes, "row id", at, &rejection.row_id));
    FB_RETURN_IF_ERROR(
        CopyText(rejection_in.getCode(), limits.max_id_bytes, "code", at, &rejection.code));
    FB_RETURN_IF_ERROR(
        CopyText(rejection_in.getReason(), limits.max_text_bytes, "reason", at, &rejection.reason));
    rejection.row_index = rejection_in.getRowIndex();
    const auto columns = rejection_in.getColumns();
    FB_RETURN_IF_ERROR(CheckCount(columns.size(), limits.max_columns_per_row, "columns", at));
    rejection.columns.resize(columns.size());
    for (unsigned c = 0; c < columns.size(); ++c) {
      FB_RETURN_IF_ERROR(
          CopyText(columns[c], limits.max_id_bytes, "column", at, &rejection.columns[c]));
    }
  }

  const auto restamps = in.getRestamps();
  FB_RETURN_IF_ERROR(CheckCount(restamps.size(), limits.max_rows, "restamps", at_result));
  result.restamps.resize(restamps.size());
  for (unsigned i = 0; i < restamps.size(); ++i) {
    const auto restamp_in = restamps[i];
    RowRestamp& restamp = result.restamps[i];
    auto at = [&] { return std::string(name) + " restamp " + std::to_string(i); };
    FB_RETURN_IF_ERROR(
        CopyText(restamp_in.getTable(), limits.max_id_bytes, "table", at, &restamp.table));
    FB_RETURN_IF_ERROR(
        CopyText(restamp_in.getRowId(), limits.max_id_bytes, "row id", at, &restamp.row_id));
    restamp.hlc = Hlc(restamp_in.getHlc());
  }
  return result;
}

Status ReadDigests(capnp::List<wire::BucketDigest>::Reader in, const DecodeLimits& limits,
                   std::string_view name, std::string_view noun, std::vector<BucketDigest>* out) {
  auto at = [&] { return std::string(name); };
  FB_RETURN_IF_ERROR(CheckCount(in.size(), limits.max_digests, noun, at));
  out->resize(in.size());
  for (unsigned i = 0; i < in.size(); ++i) {
    const auto d = in[i];
    (*out)[i] = BucketDigest{d.getTable(), d.getBucket(), d.getRows(), d.getSum()};
  }
  return Status::Ok();
}

constexpr std::string_view kChangeSetName = "change set";
constexpr std::string_view kRequestName = "sync request";
constexpr std::string_view kRequestPushName = "sync request push";
constexpr std::string_view kResponseName = "sync response";
constexpr std::string_view kResponsePushResultName = "sync response push result";
constexpr std::string_view kResponsePullName = "sync response pull";
constexpr std::string_view kResponseRepairName = "sync response repair";

Result<ChangeSet> ReadRoot(wire::ChangeSet::Reader in, const ReadContext& context) {
  return ReadChangeSet(in, context, kChangeSetName);
}

Result<SyncRequest> ReadRoot(wire::SyncRequest::Reader in, const ReadContext& context) {
  const DecodeLimits& limits = context.limits;
  auto at_request = [] { return std::string(kRequestName); };
  SyncRequest request;
  request.schema_version = in.getSchemaVersion();
  FB_RETURN_IF_ERROR(CopyText(in.getReplicaId(), limits.max_id_bytes, "replica id", at_request,
                              &request.replica_id));
  request.has_push = in.getHasPush();
  if (request.has_push) {
    FB_ASSIGN_OR_RETURN(request.push, ReadChangeSet(in.getPush(), context, kRequestPushName));
  }
  request.pull_cursor = in.getPullCursor();
  request.page_limit = in.getPageLimit();
  request.has_digests = in.getHasDigests();
  if (request.has_digests) {
    request.digest_buckets = in.getDigestBuckets();
    request.digest_schema = in.getDigestSchema();
    FB_RETURN_IF_ERROR(
        ReadDigests(in.getDigests(), limits, kRequestName, "digests", &request.digests));
  }
  FB_RETURN_IF_ERROR(CopyText(in.getSnapshotToken(), kMaxSnapshotTokenBytes, "snapshot token",
                              at_request, &request.snapshot_token));
  request.epoch = in.getEpoch();
  return request;
}

Result<SyncResponse> ReadRoot(wire::SyncResponse::Reader in, const ReadContext& context) {
  const DecodeLimits& limits = context.limits;
  SyncResponse response;
  response.schema_version = in.getSchemaVersion();
  response.has_push_result = in.getHasPushResult();
  if (response.has_push_result) {
    FB_ASSIGN_OR_RETURN(response.push_result,
                        ReadPushResult(in.getPushResult(), limits, kResponsePushResultName));
  }
  FB_ASSIGN_OR_RETURN(response.pull, ReadChangeSet(in.getPull(), context, kResponsePullName));
  response.more = in.getMore();
  response.rebuild = in.getRebuild();
  response.hub_time_ms = in.getHubTimeMs();
  response.verify = in.getVerify();
  response.verify_deep = in.getVerifyDeep();
  response.digests_checked = in.getDigestsChecked();
  if (response.digests_checked) {
    FB_RETURN_IF_ERROR(ReadDigests(in.getRepairBuckets(), limits, kResponseName, "repair buckets",
                                   &response.repair_buckets));
    FB_ASSIGN_OR_RETURN(response.repair,
                        ReadChangeSet(in.getRepair(), context, kResponseRepairName));
  }
  response.snapshot = in.getSnapshot();
  FB_RETURN_IF_ERROR(CopyText(
      in.getSnapshotToken(), kMaxSnapshotTokenBytes, "snapshot token",
      [] { return std::string(kResponseName); }, &response.snapshot_token));
  response.epoch = in.getEpoch();
  response.restored = in.getRestored();
  return response;
}

Status ValidateRoot(const ChangeSet& set, const DecodeLimits& limits) {
  return ValidateChangeSet(set, limits);
}
Status ValidateRoot(const SyncRequest& request, const DecodeLimits& limits) {
  return ValidateSyncRequest(request, limits);
}
Status ValidateRoot(const SyncResponse& response, const DecodeLimits& limits) {
  return ValidateSyncResponse(response, limits);
}

// Invariants 1-6 for a message whose root is a `WireRoot`, decoded into a `Model`.
template <typename WireRoot, typename Model>
Result<Model> Decode(std::string_view bytes, const DecodeLimits& limits, std::string_view name) {
  try {
    if (bytes.empty()) return Status::Corrupt(std::string(name) + ": empty input");
    if (bytes.size() > limits.max_message_bytes) {
      return Status::ResourceExhausted(std::string(name) + ": " + std::to_string(bytes.size()) +
                                       " bytes (limit " + std::to_string(limits.max_message_bytes) +
                                       ")");
    }
    FB_ASSIGN_OR_RETURN(kj::Array<capnp::word> words, Unpack(bytes, limits, name));
    FB_ASSIGN_OR_RETURN(const uint64_t segment_words,
                        CheckSegmentTable(words.asPtr(), limits, name));
    capnp::ReaderOptions options;
    // Reading visits each object once, so an honest message never needs more traversal than it
    // has words (plus the root pointer, which Cap'n Proto counts on its own); the tight budget
    // refuses pointers that share objects to make a small message decode into a huge value.
    options.traversalLimitInWords = segment_words + 1;
    options.nestingLimit = limits.nesting_limit;
    capnp::FlatArrayMessageReader message(words.asPtr(), options);
    NameBudget names(segment_words, limits);
    FB_ASSIGN_OR_RETURN(Model model,
                        ReadRoot(message.getRoot<WireRoot>(), ReadContext{limits, names}));
    FB_RETURN_IF_ERROR(ValidateRoot(model, limits));
    return model;
  } catch (const kj::Exception& e) {
    return Status::Corrupt(std::string(name) +
                           ": malformed message: " + std::string(e.getDescription().cStr()));
  } catch (const std::bad_alloc&) {
    return Status::ResourceExhausted(std::string(name) + ": out of memory while decoding");
  } catch (const std::exception& e) {
    return Status::Corrupt(std::string(name) + ": malformed message: " + e.what());
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Public API

std::string EncodeChangeSet(const ChangeSet& change_set) {
  const WirePlan plan = PlanChangeSet(change_set);
  capnp::MallocMessageBuilder message = MakeBuilder(plan.words);
  WriteChangeSet(change_set, plan, message.initRoot<wire::ChangeSet>());
  return Pack(message);
}

std::string EncodeSyncRequest(const SyncRequest& request) {
  const WirePlan plan = request.has_push ? PlanChangeSet(request.push) : WirePlan();
  capnp::MallocMessageBuilder message =
      MakeBuilder(16 + TextWords(request.replica_id.size()) + plan.words +
                  TextWords(request.snapshot_token.size()) +
                  (request.has_digests ? DigestWords(request.digests.size()) : 0));
  auto out = message.initRoot<wire::SyncRequest>();
  out.setSchemaVersion(request.schema_version);
  out.setReplicaId(AsText(request.replica_id));
  out.setHasPush(request.has_push);
  if (request.has_push) WriteChangeSet(request.push, plan, out.initPush());
  out.setPullCursor(request.pull_cursor);
  out.setPageLimit(request.page_limit);
  out.setHasDigests(request.has_digests);
  if (request.has_digests) {
    out.setDigestBuckets(request.digest_buckets);
    out.setDigestSchema(request.digest_schema);
    WriteDigests(request.digests, out.initDigests(static_cast<unsigned>(request.digests.size())));
  }
  if (!request.snapshot_token.empty()) out.setSnapshotToken(AsText(request.snapshot_token));
  out.setEpoch(request.epoch);
  return Pack(message);
}

std::string EncodeSyncResponse(const SyncResponse& response) {
  const WirePlan plan = PlanChangeSet(response.pull);
  const WirePlan repair_plan =
      response.digests_checked ? PlanChangeSet(response.repair) : WirePlan();
  capnp::MallocMessageBuilder message = MakeBuilder(
      16 + plan.words + TextWords(response.snapshot_token.size()) +
      (response.has_push_result ? EstimateWords(response.push_result) : 0) +
      (response.digests_checked ? repair_plan.words + DigestWords(response.repair_buckets.size())
                                : 0));
  auto out = message.initRoot<wire::SyncResponse>();
  out.setSchemaVersion(response.schema_version);
  out.setHasPushResult(response.has_push_result);
  if (response.has_push_result) WritePushResult(response.push_result, out.initPushResult());
  WriteChangeSet(response.pull, plan, out.initPull());
  out.setMore(response.more);
  out.setRebuild(response.rebuild);
  out.setHubTimeMs(response.hub_time_ms);
  out.setVerify(response.verify);
  out.setVerifyDeep(response.verify_deep);
  out.setDigestsChecked(response.digests_checked);
  if (response.digests_checked) {
    WriteDigests(response.repair_buckets,
                 out.initRepairBuckets(static_cast<unsigned>(response.repair_buckets.size())));
    WriteChangeSet(response.repair, repair_plan, out.initRepair());
  }
  out.setSnapshot(response.snapshot);
  if (!response.snapshot_token.empty()) out.setSnapshotToken(AsText(response.snapshot_token));
  out.setEpoch(response.epoch);
  out.setRestored(response.restored);
  return Pack(message);
}

Result<ChangeSet> DecodeChangeSet(std::string_view bytes, const DecodeLimits& limits) {
  return Decode<wire::ChangeSet, ChangeSet>(bytes, limits, kChangeSetName);
}

Result<SyncRequest> DecodeSyncRequest(std::string_view bytes, const DecodeLimits& limits) {
  return Decode<wire::SyncRequest, SyncRequest>(bytes, limits, kRequestName);
}

Result<SyncResponse> DecodeSyncResponse(std::string_view bytes, const DecodeLimits& limits) {
  return Decode<wire::SyncResponse, SyncResponse>(bytes, limits, kResponseName);
}

Status ValidateChangeSet(const ChangeSet& change_set, const DecodeLimits& limits) {
  return ValidateChangeSetAt(change_set, limits, kChangeSetName, IdRule::kRequired);
}

Status ValidateSyncRequest(const SyncRequest& request, const DecodeLimits& limits) {
  auto at_request = [] { return std::string(kRequestName); };
  FB_RETURN_IF_ERROR(CheckSchemaVersion(request.schema_version, at_request));
  FB_RETURN_IF_ERROR(
      CheckId(request.replica_id, "replica id", IdRule::kRequired, limits, at_request));
  if (request.has_push) {
    FB_RETURN_IF_ERROR(
        ValidateChangeSetAt(request.push, limits, kRequestPushName, IdRule::kRequired));
  }
  if (request.has_digests) {
    if (request.digest_buckets == 0 || request.digest_buckets > kMaxDigestBuckets) {
      return CorruptAt(at_request, "digest bucket count " + std::to_string(request.digest_buckets) +
                                       " not in 1.." + std::to_string(kMaxDigestBuckets));
    }
    FB_RETURN_IF_ERROR(
        ValidateDigests(request.digests, request.digest_buckets, limits, kRequestName, "digests"));
  }
  FB_RETURN_IF_ERROR(CheckToken(request.snapshot_token, at_request));
  return Status::Ok();
}

Status ValidateSyncResponse(const SyncResponse& response, const DecodeLimits& limits) {
  auto at_response = [] { return std::string(kResponseName); };
  FB_RETURN_IF_ERROR(CheckSchemaVersion(response.schema_version, at_response));
  if (response.has_push_result) {
    FB_RETURN_IF_ERROR(ValidatePushResultAt(response.push_result, limits, kResponsePushResultName));
  }
  if (response.digests_checked) {
    FB_RETURN_IF_ERROR(ValidateDigests(response.repair_buckets, kMaxDigestBuckets, limits,
                                       kResponseName, "repair buckets"));
    FB_RETURN_IF_ERROR(
        ValidateChangeSetAt(response.repair, limits, kResponseRepairName, IdRule::kMayBeEmpty));
  }
  FB_RETURN_IF_ERROR(CheckToken(response.snapshot_token, at_response));
  if (!response.snapshot && !response.snapshot_token.empty()) {
    return CorruptAt(at_response, "snapshot token without a snapshot page");
  }
  return ValidateChangeSetAt(response.pull, limits, kResponsePullName, IdRule::kMayBeEmpty);
}

}  // namespace fieldbook
