// Decoding of change sets, sync requests and sync responses (change_set_codec.h): the packed
// bytes are hostile until invariants 1-6 of change_set_codec.cc hold.
#include <algorithm>
#include <bit>
#include <cstring>
#include <exception>
#include <limits>
#include <new>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <kj/array.h>
#include <kj/exception.h>

#include "codec_checks.h"
#include "fieldbook/change_set_codec.h"
#include "sync.capnp.h"

namespace fieldbook {
namespace {

using codec::CheckCount;
using codec::CheckLength;
using codec::CorruptAt;
using codec::EachItem;
using codec::kChangeSetName;
using codec::kMaxSegments;
using codec::kMaxSharedTextBytes;
using codec::kRequestName;
using codec::kRequestPushName;
using codec::kResponseName;
using codec::kResponsePullName;
using codec::kResponsePushResultName;
using codec::kResponseRepairName;

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

// Reads the wire list `in` into `out`: its count checked against `limit` (`plural` names the
// list in that error), then read(item_in, item_out, at) on each item, `at` naming it
// ("<name> <noun> <i>").
template <typename List, typename Item, typename Read>
Status ReadItems(List in, size_t limit, std::string_view name, std::string_view plural,
                 std::string_view noun, std::vector<Item>* out, const Read& read) {
  FB_RETURN_IF_ERROR(CheckCount(in.size(), limit, plural, [&] { return std::string(name); }));
  out->resize(in.size());
  return EachItem(in.size(), name, noun, [&](size_t i, const auto& at) -> Status {
    return read(in[static_cast<unsigned>(i)], (*out)[i], at);
  });
}

// Copies a list of ids (origins, dictionaries, evicted customers) after checking its count, with
// `noun` naming the list in the count error and `item` naming one entry ("origin 3").
Status CopyIds(capnp::List<capnp::Text>::Reader in, size_t max_count, std::string_view noun,
               std::string_view item, std::string_view field, const DecodeLimits& limits,
               std::string_view name, std::vector<std::string>* out) {
  return ReadItems(in, max_count, name, noun, item, out,
                   [&](capnp::Text::Reader id, std::string& copy, const auto& at) {
                     return CopyText(id, limits.max_id_bytes, field, at, &copy);
                   });
}

// A rejection's or a restamp's table and row id.
template <typename Reader, typename Row, typename Where>
Status CopyRowRef(Reader in, const DecodeLimits& limits, const Where& where, Row* out) {
  FB_RETURN_IF_ERROR(CopyText(in.getTable(), limits.max_id_bytes, "table", where, &out->table));
  return CopyText(in.getRowId(), limits.max_id_bytes, "row id", where, &out->row_id);
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

  FB_RETURN_IF_ERROR(ReadItems(
      in.getRows(), limits.max_rows, name, "rows", "row", &set.rows,
      [&](auto row_in, RowChange& row, const auto& at_row) -> Status {
        FB_RETURN_IF_ERROR(CopyName(row_in.getTable(), table_names, "table name", context.names,
                                    at_row, &row.table));
        FB_RETURN_IF_ERROR(
            CopyText(row_in.getRowId(), limits.max_id_bytes, "row id", at_row, &row.row_id));
        const Hlc row_hlc(row_in.getHlc());
        const uint32_t row_origin = row_in.getOrigin();
        if (row_hlc.is_zero() && row_origin != 0) {
          return CorruptAt(at_row, "origin " + std::to_string(row_origin) + " without a timestamp");
        }
        const auto columns = row_in.getColumns();
        FB_RETURN_IF_ERROR(
            CheckCount(columns.size(), limits.max_columns_per_row, "columns", at_row));
        row.columns.resize(columns.size());
        for (unsigned c = 0; c < columns.size(); ++c) {
          const auto column_in = columns[c];
          ColumnChange& column = row.columns[c];
          auto at_column = [&] { return at_row() + " column " + std::to_string(c); };
          FB_RETURN_IF_ERROR(CopyName(column_in.getColumn(), column_names, "column name",
                                      context.names, at_column, &column.column));
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
        return Status::Ok();
      }));

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

  FB_RETURN_IF_ERROR(ReadItems(
      in.getRejections(), limits.max_rows, name, "rejections", "rejection", &result.rejections,
      [&](wire::RowRejection::Reader rejection_in, RowRejection& rejection,
          const auto& at) -> Status {
        FB_RETURN_IF_ERROR(CopyRowRef(rejection_in, limits, at, &rejection));
        FB_RETURN_IF_ERROR(
            CopyText(rejection_in.getCode(), limits.max_id_bytes, "code", at, &rejection.code));
        FB_RETURN_IF_ERROR(CopyText(rejection_in.getReason(), limits.max_text_bytes, "reason", at,
                                    &rejection.reason));
        rejection.row_index = rejection_in.getRowIndex();
        const auto columns = rejection_in.getColumns();
        FB_RETURN_IF_ERROR(CheckCount(columns.size(), limits.max_columns_per_row, "columns", at));
        rejection.columns.resize(columns.size());
        for (unsigned c = 0; c < columns.size(); ++c) {
          FB_RETURN_IF_ERROR(
              CopyText(columns[c], limits.max_id_bytes, "column", at, &rejection.columns[c]));
        }
        return Status::Ok();
      }));
  FB_RETURN_IF_ERROR(ReadItems(
      in.getRestamps(), limits.max_rows, name, "restamps", "restamp", &result.restamps,
      [&](wire::RowRestamp::Reader restamp_in, RowRestamp& restamp, const auto& at) -> Status {
        restamp.hlc = Hlc(restamp_in.getHlc());
        return CopyRowRef(restamp_in, limits, at, &restamp);
      }));
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

Result<ChangeSet> ReadRoot(wire::ChangeSet::Reader in, const ReadContext& context) {
  return ReadChangeSet(in, context, kChangeSetName);
}

template <typename WireRoot, typename Model>
Result<Model> Decode(std::string_view bytes, const DecodeLimits& limits, std::string_view name,
                     bool validate);

Result<SyncRequest> ReadRoot(wire::SyncRequest::Reader in, const ReadContext& context) {
  const DecodeLimits& limits = context.limits;
  auto at_request = [] { return std::string(kRequestName); };
  SyncRequest request;
  request.schema_version = in.getSchemaVersion();
  FB_RETURN_IF_ERROR(CopyText(in.getReplicaId(), limits.max_id_bytes, "replica id", at_request,
                              &request.replica_id));
  request.has_push = in.getHasPush();
  if (in.hasPushBytes()) {
    // Version 4: the set as the replica stored it, a message of its own, as hostile as the
    // request and decoded with the same limits; it arrives as `push`, like a set sent inline.
    if (!request.has_push) return CorruptAt(at_request, "push bytes without hasPush");
    if (in.hasPush()) return CorruptAt(at_request, "both a push and push bytes");
    // The request's validation (below) checks the set once, as it does a set sent inline.
    const capnp::Data::Reader bytes = in.getPushBytes();
    FB_ASSIGN_OR_RETURN(
        request.push,
        (Decode<wire::ChangeSet, ChangeSet>(
            std::string_view(reinterpret_cast<const char*>(bytes.begin()), bytes.size()), limits,
            kRequestPushName, /*validate=*/false)));
  } else if (request.has_push) {
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

// Invariants 1-6 for a message whose root is a `WireRoot`, decoded into a `Model`; without
// `validate`, the caller validates the model itself (a push sent as bytes, inside its request).
template <typename WireRoot, typename Model>
Result<Model> Decode(std::string_view bytes, const DecodeLimits& limits, std::string_view name,
                     bool validate) {
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
    if (validate) FB_RETURN_IF_ERROR(ValidateRoot(model, limits));
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

Result<ChangeSet> DecodeChangeSet(std::string_view bytes, const DecodeLimits& limits) {
  return Decode<wire::ChangeSet, ChangeSet>(bytes, limits, kChangeSetName, /*validate=*/true);
}

Result<SyncRequest> DecodeSyncRequest(std::string_view bytes, const DecodeLimits& limits) {
  return Decode<wire::SyncRequest, SyncRequest>(bytes, limits, kRequestName, /*validate=*/true);
}

Result<SyncResponse> DecodeSyncResponse(std::string_view bytes, const DecodeLimits& limits) {
  return Decode<wire::SyncResponse, SyncResponse>(bytes, limits, kResponseName, /*validate=*/true);
}

}  // namespace fieldbook
