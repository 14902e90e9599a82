// Internal to the change set codec (change_set_codec.cc encodes, change_set_decode.cc decodes,
// change_set_validate.cc validates): the wire constants, the message names errors start with, and
// the checks decoding and validation share. Every check names the place it fails at through a
// `where` callable that builds the name only on the error path.
//
// Thread safety: constants and pure functions.
#ifndef FIELDBOOK_SHARED_SRC_CODEC_CHECKS_H_
#define FIELDBOOK_SHARED_SRC_CODEC_CHECKS_H_

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "fieldbook/change_set.h"
#include "fieldbook/change_set_codec.h"
#include "fieldbook/status.h"
#include "fieldbook/utf8.h"

namespace fieldbook::codec {

// The same bound Cap'n Proto's stream reader uses; the encoder never comes close.
constexpr uint64_t kMaxSegments = 512;

// The longest entry of ChangeSet.sharedTexts. Short, so that the decoder can bound what copying
// a shared text into many columns costs (NameBudget); repeated short values are what sharing is
// for.
constexpr size_t kMaxSharedTextBytes = 64;

// The names errors start with.
constexpr std::string_view kChangeSetName = "change set";
constexpr std::string_view kRequestName = "sync request";
constexpr std::string_view kRequestPushName = "sync request push";
constexpr std::string_view kResponseName = "sync response";
constexpr std::string_view kResponsePushResultName = "sync response push result";
constexpr std::string_view kResponsePullName = "sync response pull";
constexpr std::string_view kResponseRepairName = "sync response repair";

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

// Runs each(i, at) on items 0 .. count - 1 in order, `at` naming item i ("<name> <noun> <i>");
// stops at the first error. The lists' count is checked (CheckCount) before.
template <typename Each>
Status EachItem(size_t count, std::string_view name, std::string_view noun, const Each& each) {
  for (size_t i = 0; i < count; ++i) {
    auto at = [&] { return std::string(name) + " " + std::string(noun) + " " + std::to_string(i); };
    FB_RETURN_IF_ERROR(each(i, at));
  }
  return Status::Ok();
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

// A row's table and id (a rejection's or a restamp's), both required.
template <typename Row, typename Where>
Status CheckRowRef(const Row& row, const DecodeLimits& limits, const Where& where) {
  FB_RETURN_IF_ERROR(CheckId(row.table, "table", IdRule::kRequired, limits, where));
  return CheckId(row.row_id, "row id", IdRule::kRequired, limits, where);
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

// The Validate* checks of one change set, named `name` in errors; `set_ids` says whether its set id
// and replica id may be empty (the hub's pull pages need not name themselves).
Status ValidateChangeSetAt(const ChangeSet& set, const DecodeLimits& limits, std::string_view name,
                           IdRule set_ids);
Status ValidatePushResultAt(const PushResult& result, const DecodeLimits& limits,
                            std::string_view name);
// Bucket digests: at most max_digests, each bucket < `buckets`, no (table, bucket) twice.
Status ValidateDigests(const std::vector<BucketDigest>& digests, uint32_t buckets,
                       const DecodeLimits& limits, std::string_view name, std::string_view noun);

}  // namespace fieldbook::codec

#endif  // FIELDBOOK_SHARED_SRC_CODEC_CHECKS_H_
