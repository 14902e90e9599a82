// Row digests for replica verification (docs/sync.md, "Verification and repair"): a stable 64-bit
// hash of one replicated row, the bucket a row falls in, and the fingerprint of the whole digest
// definition. The hub and every replica compute these with this one implementation, so the same
// merged row has the same digest everywhere, on every platform and in every build.
//
// A row's digest is Hash64 of its canonical encoding:
//   row     := 0x01 varint(table code) text(id) value*     -- values: replicated columns, catalog
//                                                             order
//   value   := 0x00                                        -- NULL
//            | 0x01 int64 (8 bytes, little-endian)
//            | 0x02 float64 (the IEEE-754 bits, 8 bytes, little-endian; -0.0 as 0.0)
//            | 0x03 text                                   -- TEXT (and BLOB: the same bytes)
//   text    := varint(byte length) bytes
// Hash64 is a fixed word-at-a-time hash (64-bit multiply-rotate rounds over little-endian words,
// then the splitmix64 finaliser). It detects accidents (lost, edited or extra rows), not an
// adversary: anyone who can rewrite the replica file can also forge its digests.
//
// A bucket digest is the sum modulo 2^64 of the digests of the bucket's live rows (tombstones,
// deleted = 1, are not counted) and their number. Sums are additive: a write subtracts the old
// row's digest and adds the new one, so digests are maintained incrementally.
//
// Thread safety: pure functions.
#ifndef FIELDBOOK_ROW_DIGEST_H_
#define FIELDBOOK_ROW_DIGEST_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "fieldbook/catalog.h"
#include "fieldbook/change_set.h"
#include "fieldbook/value.h"

struct sqlite3_value;

namespace fieldbook {

// Bumped when the encoding or the hash changes; part of DigestSchemaFingerprint.
inline constexpr uint32_t kRowDigestVersion = 1;
// Buckets per table on replicas. The wire carries the count, and the hub adapts to it.
inline constexpr uint32_t kReplicaDigestBuckets = 64;

uint64_t Hash64(std::string_view bytes);

// Builds a row's canonical encoding and digests it. Reusable: Reset() keeps the buffer.
class RowDigester {
 public:
  void Reset(int table_code, std::string_view row_id);
  void AddNull();
  void AddInt(int64_t v);
  void AddReal(double v);
  void AddText(std::string_view text);
  void Add(const Value& v);
  // A value as SQLite hands it to a function or a result column (BLOB digests as TEXT).
  void Add(sqlite3_value* v);
  uint64_t Digest() const { return Hash64(buffer_); }

 private:
  void Varint(uint64_t v);
  std::string buffer_;
};

// The digest of one row from its replicated values (catalog order).
uint64_t RowDigest(int table_code, std::string_view row_id, std::span<const Value> values);

// The bucket of a row whose bucket key (customer id, or own id for tables of no customer) is
// `key`; a NULL key is digested as "". `buckets` >= 1.
uint32_t DigestBucket(std::string_view key, uint32_t buckets);

// The column whose value is a row's bucket key: its customer column ("id" for customers), or "id"
// for tables that belong to no customer.
const std::string& BucketKeyColumn(const TableInfo& table);

// Whether a row with this `deleted` value counts: every fact row, and mutable rows unless deleted
// is exactly the integer 1.
bool IsLiveRow(const TableInfo& table, const Value& deleted);

// A fingerprint of everything digests depend on: kRowDigestVersion and every table's code, name
// and replicated columns in order. Digests are only comparable between databases with the same
// fingerprint.
uint64_t DigestSchemaFingerprint(const Catalog& catalog);

}  // namespace fieldbook

#endif  // FIELDBOOK_ROW_DIGEST_H_
