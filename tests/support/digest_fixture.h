// Helpers for replica verification tests in one process, with a scope-less hub: the hub's digests
// of everything it holds per (table, replica bucket), the buckets where a replica differs, and the
// repair of given buckets (what the server sends for a rep's scope, here for the whole hub).
#ifndef FIELDBOOK_TESTS_SUPPORT_DIGEST_FIXTURE_H_
#define FIELDBOOK_TESTS_SUPPORT_DIGEST_FIXTURE_H_

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

#include "fieldbook/hub.h"
#include "fieldbook/replica.h"
#include "fieldbook/row_digest.h"

namespace fieldbook::testing {

using DigestKey = std::pair<uint32_t, uint32_t>;  // (table code, bucket)

// The hub's digests of all it holds, as a replica holding all of it would have them.
inline std::vector<BucketDigest> HubDigestsOfEverything(Hub& hub) {
  std::map<DigestKey, BucketDigest> sums;
  auto stmt = hub.db().Prepare("SELECT tbl, owner, rows, sum FROM fb_owner_digests");
  EXPECT_TRUE(stmt.ok());
  if (!stmt.ok()) return {};
  while (true) {
    auto row = (*stmt)->Step();
    EXPECT_TRUE(row.ok());
    if (!row.ok() || !*row) break;
    const auto table = static_cast<uint32_t>((*stmt)->Int(0));
    const uint32_t bucket = DigestBucket((*stmt)->Text(1), kReplicaDigestBuckets);
    BucketDigest& d = sums[{table, bucket}];
    d.table = table;
    d.bucket = bucket;
    d.rows += static_cast<uint64_t>((*stmt)->Int(2));
    d.sum += static_cast<uint64_t>((*stmt)->Int(3));
  }
  std::vector<BucketDigest> out;
  for (const auto& [key, d] : sums) {
    if (d.rows != 0 || d.sum != 0) out.push_back(d);
  }
  return out;
}

inline std::set<DigestKey> DifferingBuckets(const std::vector<BucketDigest>& a,
                                            const std::vector<BucketDigest>& b) {
  std::map<DigestKey, std::pair<uint64_t, uint64_t>> left, right;
  for (const BucketDigest& d : a) left[{d.table, d.bucket}] = {d.rows, d.sum};
  for (const BucketDigest& d : b) right[{d.table, d.bucket}] = {d.rows, d.sum};
  std::set<DigestKey> out;
  for (const auto& [key, v] : left) {
    auto it = right.find(key);
    if (it == right.end() || it->second != v) out.insert(key);
  }
  for (const auto& [key, v] : right) {
    if (left.count(key) == 0) out.insert(key);
  }
  return out;
}

struct TestRepair {
  std::vector<BucketDigest> buckets;
  ChangeSet rows;
};

// Every hub row of the given buckets, with the hub's digest of each bucket.
inline TestRepair BuildRepair(Hub& hub, const std::set<DigestKey>& keys) {
  TestRepair out;
  std::map<DigestKey, BucketDigest> hub_digests;
  for (const BucketDigest& d : HubDigestsOfEverything(hub)) hub_digests[{d.table, d.bucket}] = d;
  std::unordered_map<std::string, uint32_t> origin_index;
  for (const DigestKey& key : keys) {
    const TableInfo* t = hub.catalog().ByCode(static_cast<int>(key.first));
    EXPECT_NE(t, nullptr);
    if (t == nullptr) continue;
    // Owners in the bucket: customers for customers' tables, the table's own ids otherwise.
    const std::string owners_sql = t->customer_column.empty()
                                       ? "SELECT id FROM \"" + t->name + "\""
                                       : std::string("SELECT id FROM customers");
    std::vector<std::string> owners;
    auto stmt = hub.db().Prepare(owners_sql);
    EXPECT_TRUE(stmt.ok());
    while (true) {
      auto row = (*stmt)->Step();
      if (!row.ok() || !*row) break;
      std::string id = (*stmt)->Text(0);
      if (DigestBucket(id, kReplicaDigestBuckets) == key.second) owners.push_back(std::move(id));
    }
    auto rows = hub.ReadRowsByKey(*t, owners);
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    if (!rows.ok()) continue;
    for (RowChange& row : rows->rows) {
      for (ColumnChange& c : row.columns) {
        const std::string& origin = rows->origins[c.origin];
        auto [it, added] =
            origin_index.emplace(origin, static_cast<uint32_t>(out.rows.origins.size()));
        if (added) out.rows.origins.push_back(origin);
        c.origin = it->second;
      }
      out.rows.rows.push_back(std::move(row));
    }
    auto d = hub_digests.find(key);
    out.buckets.push_back(d != hub_digests.end() ? d->second
                                                 : BucketDigest{key.first, key.second, 0, 0});
  }
  return out;
}

}  // namespace fieldbook::testing

#endif  // FIELDBOOK_TESTS_SUPPORT_DIGEST_FIXTURE_H_
