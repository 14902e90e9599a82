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
//   SyncRequest  := schemaVersion replicaId hasPush [push:ChangeSet | pushBytes:Data]
//                   pullCursor pageLimit
//                   hasDigests [digestBuckets digestSchema digests:List(BucketDigest)]
//                   snapshotToken epoch
//   (schema version 4 added pushBytes: the packed bytes of a ChangeSet message, written as they
//   are when SyncRequest::push_bytes is set and decoded as a ChangeSet message of their own with
//   the same DecodeLimits; a request with both push and pushBytes, or pushBytes without hasPush,
//   is refused)
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
#include <compare>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include <capnp/message.h>
#include <capnp/serialize-packed.h>
#include <kj/array.h>
#include <kj/io.h>

#include "codec_checks.h"
#include "sync.capnp.h"

// Decoding is in change_set_decode.cc, validation in change_set_validate.cc.

namespace fieldbook {
namespace {

using codec::kMaxSharedTextBytes;

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

// A rejection's or a restamp's table and row id.
template <typename Row, typename Builder>
void WriteRowRef(const Row& row, Builder out) {
  out.setTable(AsText(row.table));
  out.setRowId(AsText(row.row_id));
}

void WritePushResult(const PushResult& result, wire::PushResult::Builder out) {
  out.setSetId(AsText(result.set_id));
  out.setRowsAccepted(result.rows_accepted);
  auto rejections = out.initRejections(static_cast<unsigned>(result.rejections.size()));
  for (unsigned i = 0; i < rejections.size(); ++i) {
    const RowRejection& rejection = result.rejections[i];
    auto rejection_out = rejections[i];
    WriteRowRef(rejection, rejection_out);
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
    WriteRowRef(result.restamps[i], restamps[i]);
    restamps[i].setHlc(result.restamps[i].hlc.packed());
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

}  // namespace

// ---------------------------------------------------------------------------------------------
// Public API: encoding

std::string EncodeChangeSet(const ChangeSet& change_set) {
  const WirePlan plan = PlanChangeSet(change_set);
  capnp::MallocMessageBuilder message = MakeBuilder(plan.words);
  WriteChangeSet(change_set, plan, message.initRoot<wire::ChangeSet>());
  return Pack(message);
}

std::string EncodeSyncRequest(const SyncRequest& request) {
  // A stored push goes out as its bytes, not planned or encoded again.
  const bool push_as_bytes = request.has_push && !request.push_bytes.empty();
  const WirePlan plan =
      request.has_push && !push_as_bytes ? PlanChangeSet(request.push) : WirePlan();
  capnp::MallocMessageBuilder message =
      MakeBuilder(16 + TextWords(request.replica_id.size()) + plan.words +
                  (push_as_bytes ? TextWords(request.push_bytes.size()) : 0) +
                  TextWords(request.snapshot_token.size()) +
                  (request.has_digests ? DigestWords(request.digests.size()) : 0));
  auto out = message.initRoot<wire::SyncRequest>();
  out.setSchemaVersion(request.schema_version);
  out.setReplicaId(AsText(request.replica_id));
  out.setHasPush(request.has_push);
  if (push_as_bytes) {
    out.setPushBytes(capnp::Data::Reader(
        reinterpret_cast<const kj::byte*>(request.push_bytes.data()), request.push_bytes.size()));
  } else if (request.has_push) {
    WriteChangeSet(request.push, plan, out.initPush());
  }
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

}  // namespace fieldbook
