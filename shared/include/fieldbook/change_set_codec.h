// ChangeSetCodec: converts change sets, sync requests and sync responses (change_set.h) to and
// from the bytes that travel between replicas and the hub: Cap'n Proto messages of the schema in
// schema/sync.capnp, in the packed encoding. change_set_codec.cc describes the byte format.
//
// Encoding is faithful: every field of the in-memory value, including schema_version, is written
// so that decoding restores it exactly, and nothing is validated (an invalid value encodes to
// bytes that decoding rejects; call the Validate* functions first when the value came from
// somewhere untrusted). For compactness a change set sends each table name, column name and
// repeated short text value once, in per-set dictionaries that rows and columns index, and each
// row carries a default version that its columns share unless they say otherwise
// (schema/sync.capnp, "Compactness"); equal values encode to equal bytes.
// SyncRequest::push and SyncResponse::push_result are written only when has_push / has_push_result
// is set, and decode as default-constructed values when it is not. A request with has_push and
// push_bytes sends those bytes as they are (pushBytes, wire version 4) instead of encoding push;
// decoding reads them as a change set message of their own, with the same limits and checks, into
// push, and leaves push_bytes empty.
//
// Decoding treats its input as hostile. It never crashes, throws or allocates without bound: the
// input size, the unpacked size, the Cap'n Proto traversal and nesting, and every count and string
// length are checked against DecodeLimits before anything is copied, and the result is validated
// (Validate* below) before it is returned. Errors name the offending field with 0-based indices,
// e.g. "change set row 3 column 2: origin 9 out of range (4 origins)":
//   kResourceExhausted  the input exceeds one of the DecodeLimits (too big, too many rows, an id
//                       or text too long); a sender may split its data and retry.
//   kCorrupt            anything else: not a well-formed message, or a message that breaks the
//                       invariants listed with the Validate* functions.
//
// Schema versions: a message of any schema_version >= 1 is accepted, including versions newer than
// kWireSchemaVersion, because the wire evolves only by adding fields (schema/sync.capnp); fields
// this build does not know are skipped. schema_version 0 means the field is missing: rejected.
//
// Memory: a decode allocates the unpacked message (at most 8 * traversal_limit_words bytes) and
// the decoded value. Every object is read once, under a Cap'n Proto traversal budget equal to the
// message's own size, so objects shared by several pointers and lists of empty structs cannot
// inflate a small message: the value's structs take at most about 11 bytes per unpacked byte
// (less for real data). The names and shared texts a decode copies out of a change set's
// dictionaries into its rows and columns are capped at (max_id_bytes + 64) / 4 + 1 bytes per
// unpacked word (about 6 bytes per unpacked byte with the defaults; an honest message needs
// less), so the value takes at most about 17 bytes per unpacked byte, and holds at most max_rows *
// max_columns_per_row column changes.
//
// Thread safety: every function here is a pure function of its arguments with no shared state;
// all may be called concurrently from any number of threads.
#ifndef FIELDBOOK_CHANGE_SET_CODEC_H_
#define FIELDBOOK_CHANGE_SET_CODEC_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fieldbook/change_set.h"
#include "fieldbook/status.h"

namespace fieldbook {

// The default bound on the unpacked size of a packed input of at most `max_message_bytes`.
// Packing only removes zero bytes, and realistic messages unpack to well under 8 times their
// packed size, so the bound is 8 * max_message_bytes bytes = max_message_bytes words, capped at
// 2^26 words (512 MiB).
constexpr uint64_t DefaultTraversalLimitWords(size_t max_message_bytes) {
  return std::min<uint64_t>(max_message_bytes, uint64_t{1} << 26);
}

// Every limit on what comes off the network. Defaults suit a hub receiving pushes and a replica
// receiving pull pages; both may tighten them. Aggregate: set fields with designated initializers
// (DecodeLimits{.max_message_bytes = 1 << 20}); traversal_limit_words then follows
// max_message_bytes unless it is set too.
struct DecodeLimits {
  size_t max_message_bytes = size_t{64} << 20;  // encoded (packed) input size
  // The largest unpacked message accepted, in 8-byte words, checked before it is allocated; the
  // Cap'n Proto traversal budget (ReaderOptions::traversalLimitInWords) is the message's own
  // size, so it never exceeds this.
  uint64_t traversal_limit_words = DefaultTraversalLimitWords(max_message_bytes);
  int nesting_limit = 16;  // Cap'n Proto ReaderOptions::nestingLimit; the schema needs 6
  // Rows per change set; also table names and evicted customers per set, and rejections and
  // restamps per result. A set's column names, and its shared texts, may each number max_rows *
  // max_columns_per_row.
  size_t max_rows = 200000;
  size_t max_columns_per_row = 64;
  size_t max_origins = 4096;  // entries in ChangeSet::origins
  size_t max_id_bytes = 128;  // set id, replica id, table, row id, column name, origin, code,
                              // evicted customer id
  size_t max_text_bytes = size_t{1} << 20;  // one text value, or a rejection's reason
  // Bucket digests in a request (SyncRequest::digests) or a response's repair_buckets. A replica
  // sends at most one per table and bucket (10 tables x 64 buckets today).
  size_t max_digests = 65536;
};

// Packed Cap'n Proto bytes of the value. Does not validate (see above). Throws kj::Exception only
// for sizes Cap'n Proto cannot represent (a list of more than 2^29 elements, a text over 512 MiB),
// which no value within DecodeLimits reaches.
std::string EncodeChangeSet(const ChangeSet& change_set);
std::string EncodeSyncRequest(const SyncRequest& request);
std::string EncodeSyncResponse(const SyncResponse& response);

// Parses and validates bytes from the network. See the file comment for the error contract.
Result<ChangeSet> DecodeChangeSet(std::string_view bytes, const DecodeLimits& limits = {});
Result<SyncRequest> DecodeSyncRequest(std::string_view bytes, const DecodeLimits& limits = {});
Result<SyncResponse> DecodeSyncResponse(std::string_view bytes, const DecodeLimits& limits = {});

// The checks decoding applies to what it parsed; OK for every value a Decode* function returns.
//
// A change set: schema_version >= 1; set_id and replica_id are ids; at most max_origins origins,
// each an id; at most max_rows rows, each with an id table and row_id and at most
// max_columns_per_row columns, no column named twice in a row; each column has an id name, a
// non-zero hlc, origin < origins.size(), and a value that is NULL, an integer, a double other
// than NaN, or valid UTF-8 text of at most max_text_bytes; at most max_rows evicted customers,
// each an id. An "id" is non-empty valid UTF-8 of at most max_id_bytes with no NUL byte.
Status ValidateChangeSet(const ChangeSet& change_set, const DecodeLimits& limits = {});
// A request: schema_version >= 1, replica_id an id, and when has_push, push a valid change set
// or, when push_bytes is set, push_bytes bytes that DecodeChangeSet accepts (push_bytes without
// has_push is refused).
// When has_digests: 1 <= digest_buckets <= kMaxDigestBuckets, at most max_digests digests, each
// with bucket < digest_buckets, no (table, bucket) twice. Without has_digests, digest_buckets,
// digest_schema and digests are not sent (encoding skips them, decoding leaves them default).
Status ValidateSyncRequest(const SyncRequest& request, const DecodeLimits& limits = {});
// A response: schema_version >= 1; when has_push_result, push_result has an id set_id and at most
// max_rows rejections (id table, row_id and code; UTF-8 reason of at most max_text_bytes) and
// restamps (id table and row_id); pull is a valid change set except that set_id and replica_id may
// be empty (the hub's pages need not name themselves). When digests_checked: at most max_digests
// repair_buckets, each with bucket < kMaxDigestBuckets and no (table, bucket) twice, and repair a
// valid change set like pull. Without digests_checked, repair_buckets and repair are not sent
// (encoding skips them, decoding leaves them default).
Status ValidateSyncResponse(const SyncResponse& response, const DecodeLimits& limits = {});

}  // namespace fieldbook

#endif  // FIELDBOOK_CHANGE_SET_CODEC_H_
