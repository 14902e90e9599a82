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
//      lists of zero-sized structs, that make a small message decode into a huge value. A Value
//      union member this build does not know is rejected.
//   5. Counts and lengths are checked against DecodeLimits before the elements are copied.
//   6. The decoded value passes Validate* (change_set_codec.h): schema versions >= 1, ids
//      non-empty, bounded, UTF-8 without NUL, origin indices in range, text values UTF-8, no NaN.
// Any failure is a Status (kResourceExhausted for limits, kCorrupt otherwise); Cap'n Proto's
// kj::Exception and std::exception are caught at the boundary and converted.
#include "fieldbook/change_set_codec.h"

#include <bit>
#include <cmath>
#include <cstring>
#include <exception>
#include <new>
#include <utility>

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
      if (column.origin >= set.origins.size()) {
        return CorruptAt(at_column, "origin " + std::to_string(column.origin) + " out of range (" +
                                        std::to_string(set.origins.size()) + " origins)");
      }
      FB_RETURN_IF_ERROR(CheckValue(column.value, limits, at_column));
    }
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

// ---------------------------------------------------------------------------------------------
// Encoding

capnp::Text::Reader AsText(const std::string& s) {
  return capnp::Text::Reader(s.data(), s.size());  // std::string is NUL-terminated, as required
}

// Words a text of `bytes` bytes occupies, with its pointer and NUL terminator.
size_t TextWords(size_t bytes) { return 1 + (bytes + 8) / 8; }

// A generous estimate of a change set's size in words, so the encoder can allocate one segment.
size_t EstimateWords(const ChangeSet& set) {
  size_t words = 16 + TextWords(set.set_id.size()) + TextWords(set.replica_id.size());
  for (const std::string& origin : set.origins) words += TextWords(origin.size());
  for (const RowChange& row : set.rows) {
    words += 4 + TextWords(row.table.size()) + TextWords(row.row_id.size());
    for (const ColumnChange& column : row.columns) {
      words += 8 + TextWords(column.column.size());
      if (const auto* text = std::get_if<std::string>(&column.value)) {
        words += TextWords(text->size());
      }
    }
  }
  return words;
}

size_t EstimateWords(const PushResult& result) {
  size_t words = 8 + TextWords(result.set_id.size());
  for (const RowRejection& r : result.rejections) {
    words += 6 + TextWords(r.table.size()) + TextWords(r.row_id.size()) + TextWords(r.code.size()) +
             TextWords(r.reason.size());
  }
  for (const RowRestamp& r : result.restamps) {
    words += 4 + TextWords(r.table.size()) + TextWords(r.row_id.size());
  }
  return words;
}

void WriteValue(const Value& value, wire::Value::Builder out) {
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

void WriteChangeSet(const ChangeSet& set, wire::ChangeSet::Builder out) {
  out.setSchemaVersion(set.schema_version);
  out.setSetId(AsText(set.set_id));
  out.setReplicaId(AsText(set.replica_id));
  out.setCursor(set.cursor);
  auto origins = out.initOrigins(static_cast<unsigned>(set.origins.size()));
  for (unsigned i = 0; i < origins.size(); ++i) origins.set(i, AsText(set.origins[i]));
  auto rows = out.initRows(static_cast<unsigned>(set.rows.size()));
  for (unsigned r = 0; r < rows.size(); ++r) {
    const RowChange& row = set.rows[r];
    auto row_out = rows[r];
    row_out.setTable(AsText(row.table));
    row_out.setRowId(AsText(row.row_id));
    auto columns = row_out.initColumns(static_cast<unsigned>(row.columns.size()));
    for (unsigned c = 0; c < columns.size(); ++c) {
      const ColumnChange& column = row.columns[c];
      auto column_out = columns[c];
      column_out.setColumn(AsText(column.column));
      WriteValue(column.value, column_out.initValue());
      column_out.setHlc(column.hlc.packed());
      column_out.setOrigin(column.origin);
    }
  }
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

template <typename Where>
Status ReadValue(wire::Value::Reader in, const DecodeLimits& limits, const Where& where,
                 Value* out) {
  switch (in.which()) {
    case wire::Value::NULL_:
      *out = std::monostate{};
      return Status::Ok();
    case wire::Value::INT:
      *out = in.getInt();
      return Status::Ok();
    case wire::Value::REAL:
      *out = in.getReal();
      return Status::Ok();
    case wire::Value::TEXT: {
      std::string text;
      FB_RETURN_IF_ERROR(CopyText(in.getText(), limits.max_text_bytes, "text value", where, &text));
      *out = std::move(text);
      return Status::Ok();
    }
  }
  return CorruptAt(where, "unknown value kind " + std::to_string(static_cast<int>(in.which())));
}

Result<ChangeSet> ReadChangeSet(wire::ChangeSet::Reader in, const DecodeLimits& limits,
                                std::string_view name) {
  auto at_set = [&] { return std::string(name); };
  ChangeSet set;
  set.schema_version = in.getSchemaVersion();
  FB_RETURN_IF_ERROR(CopyText(in.getSetId(), limits.max_id_bytes, "set id", at_set, &set.set_id));
  FB_RETURN_IF_ERROR(
      CopyText(in.getReplicaId(), limits.max_id_bytes, "replica id", at_set, &set.replica_id));
  set.cursor = in.getCursor();

  const auto origins = in.getOrigins();
  FB_RETURN_IF_ERROR(CheckCount(origins.size(), limits.max_origins, "origins", at_set));
  set.origins.resize(origins.size());
  for (unsigned o = 0; o < origins.size(); ++o) {
    auto at_origin = [&] { return std::string(name) + " origin " + std::to_string(o); };
    FB_RETURN_IF_ERROR(
        CopyText(origins[o], limits.max_id_bytes, "replica id", at_origin, &set.origins[o]));
  }

  const auto rows = in.getRows();
  FB_RETURN_IF_ERROR(CheckCount(rows.size(), limits.max_rows, "rows", at_set));
  set.rows.resize(rows.size());
  for (unsigned r = 0; r < rows.size(); ++r) {
    const auto row_in = rows[r];
    RowChange& row = set.rows[r];
    auto at_row = [&] { return std::string(name) + " row " + std::to_string(r); };
    FB_RETURN_IF_ERROR(
        CopyText(row_in.getTable(), limits.max_id_bytes, "table", at_row, &row.table));
    FB_RETURN_IF_ERROR(
        CopyText(row_in.getRowId(), limits.max_id_bytes, "row id", at_row, &row.row_id));
    const auto columns = row_in.getColumns();
    FB_RETURN_IF_ERROR(CheckCount(columns.size(), limits.max_columns_per_row, "columns", at_row));
    row.columns.resize(columns.size());
    for (unsigned c = 0; c < columns.size(); ++c) {
      const auto column_in = columns[c];
      ColumnChange& column = row.columns[c];
      auto at_column = [&] { return at_row() + " column " + std::to_string(c); };
      FB_RETURN_IF_ERROR(CopyText(column_in.getColumn(), limits.max_id_bytes, "column name",
                                  at_column, &column.column));
      FB_RETURN_IF_ERROR(ReadValue(column_in.getValue(), limits, at_column, &column.value));
      column.hlc = Hlc(column_in.getHlc());
      column.origin = column_in.getOrigin();
    }
  }
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

constexpr std::string_view kChangeSetName = "change set";
constexpr std::string_view kRequestName = "sync request";
constexpr std::string_view kRequestPushName = "sync request push";
constexpr std::string_view kResponseName = "sync response";
constexpr std::string_view kResponsePushResultName = "sync response push result";
constexpr std::string_view kResponsePullName = "sync response pull";

Result<ChangeSet> ReadRoot(wire::ChangeSet::Reader in, const DecodeLimits& limits) {
  return ReadChangeSet(in, limits, kChangeSetName);
}

Result<SyncRequest> ReadRoot(wire::SyncRequest::Reader in, const DecodeLimits& limits) {
  auto at_request = [] { return std::string(kRequestName); };
  SyncRequest request;
  request.schema_version = in.getSchemaVersion();
  FB_RETURN_IF_ERROR(CopyText(in.getReplicaId(), limits.max_id_bytes, "replica id", at_request,
                              &request.replica_id));
  request.has_push = in.getHasPush();
  if (request.has_push) {
    FB_ASSIGN_OR_RETURN(request.push, ReadChangeSet(in.getPush(), limits, kRequestPushName));
  }
  request.pull_cursor = in.getPullCursor();
  request.page_limit = in.getPageLimit();
  return request;
}

Result<SyncResponse> ReadRoot(wire::SyncResponse::Reader in, const DecodeLimits& limits) {
  SyncResponse response;
  response.schema_version = in.getSchemaVersion();
  response.has_push_result = in.getHasPushResult();
  if (response.has_push_result) {
    FB_ASSIGN_OR_RETURN(response.push_result,
                        ReadPushResult(in.getPushResult(), limits, kResponsePushResultName));
  }
  FB_ASSIGN_OR_RETURN(response.pull, ReadChangeSet(in.getPull(), limits, kResponsePullName));
  response.more = in.getMore();
  response.rebuild = in.getRebuild();
  response.hub_time_ms = in.getHubTimeMs();
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
    FB_ASSIGN_OR_RETURN(Model model, ReadRoot(message.getRoot<WireRoot>(), limits));
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
  capnp::MallocMessageBuilder message = MakeBuilder(EstimateWords(change_set));
  WriteChangeSet(change_set, message.initRoot<wire::ChangeSet>());
  return Pack(message);
}

std::string EncodeSyncRequest(const SyncRequest& request) {
  capnp::MallocMessageBuilder message =
      MakeBuilder(16 + TextWords(request.replica_id.size()) +
                  (request.has_push ? EstimateWords(request.push) : 0));
  auto out = message.initRoot<wire::SyncRequest>();
  out.setSchemaVersion(request.schema_version);
  out.setReplicaId(AsText(request.replica_id));
  out.setHasPush(request.has_push);
  if (request.has_push) WriteChangeSet(request.push, out.initPush());
  out.setPullCursor(request.pull_cursor);
  out.setPageLimit(request.page_limit);
  return Pack(message);
}

std::string EncodeSyncResponse(const SyncResponse& response) {
  capnp::MallocMessageBuilder message =
      MakeBuilder(16 + EstimateWords(response.pull) +
                  (response.has_push_result ? EstimateWords(response.push_result) : 0));
  auto out = message.initRoot<wire::SyncResponse>();
  out.setSchemaVersion(response.schema_version);
  out.setHasPushResult(response.has_push_result);
  if (response.has_push_result) WritePushResult(response.push_result, out.initPushResult());
  WriteChangeSet(response.pull, out.initPull());
  out.setMore(response.more);
  out.setRebuild(response.rebuild);
  out.setHubTimeMs(response.hub_time_ms);
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
  return Status::Ok();
}

Status ValidateSyncResponse(const SyncResponse& response, const DecodeLimits& limits) {
  auto at_response = [] { return std::string(kResponseName); };
  FB_RETURN_IF_ERROR(CheckSchemaVersion(response.schema_version, at_response));
  if (response.has_push_result) {
    FB_RETURN_IF_ERROR(ValidatePushResultAt(response.push_result, limits, kResponsePushResultName));
  }
  return ValidateChangeSetAt(response.pull, limits, kResponsePullName, IdRule::kMayBeEmpty);
}

}  // namespace fieldbook
