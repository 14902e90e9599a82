// Validation of the in-memory change sets, sync requests and responses (change_set_codec.h,
// Validate*): what decoding checks last (invariant 6 in change_set_codec.cc), and what a caller
// checks before it encodes a value that came from somewhere untrusted.
#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "codec_checks.h"
#include "fieldbook/change_set_codec.h"

namespace fieldbook {
namespace codec {

Status ValidateChangeSetAt(const ChangeSet& set, const DecodeLimits& limits, std::string_view name,
                           IdRule set_ids) {
  auto at_set = [&] { return std::string(name); };
  FB_RETURN_IF_ERROR(CheckSchemaVersion(set.schema_version, at_set));
  FB_RETURN_IF_ERROR(CheckId(set.set_id, "set id", set_ids, limits, at_set));
  FB_RETURN_IF_ERROR(CheckId(set.replica_id, "replica id", set_ids, limits, at_set));
  FB_RETURN_IF_ERROR(CheckCount(set.origins.size(), limits.max_origins, "origins", at_set));
  FB_RETURN_IF_ERROR(
      EachItem(set.origins.size(), name, "origin", [&](size_t o, const auto& at) -> Status {
        return CheckId(set.origins[o], "replica id", IdRule::kRequired, limits, at);
      }));
  FB_RETURN_IF_ERROR(CheckCount(set.rows.size(), limits.max_rows, "rows", at_set));
  FB_RETURN_IF_ERROR(
      EachItem(set.rows.size(), name, "row", [&](size_t r, const auto& at_row) -> Status {
        const RowChange& row = set.rows[r];
        FB_RETURN_IF_ERROR(CheckRowRef(row, limits, at_row));
        FB_RETURN_IF_ERROR(
            CheckCount(row.columns.size(), limits.max_columns_per_row, "columns", at_row));
        for (size_t c = 0; c < row.columns.size(); ++c) {
          const ColumnChange& column = row.columns[c];
          auto at_column = [&] { return at_row() + " column " + std::to_string(c); };
          FB_RETURN_IF_ERROR(
              CheckId(column.column, "column name", IdRule::kRequired, limits, at_column));
          if (column.hlc.is_zero()) return CorruptAt(at_column, "no timestamp (hlc 0)");
          if (column.origin >= set.origins.size()) {
            return CorruptAt(at_column, "origin " + std::to_string(column.origin) +
                                            " out of range (" + std::to_string(set.origins.size()) +
                                            " origins)");
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
        return Status::Ok();
      }));
  FB_RETURN_IF_ERROR(
      CheckCount(set.evicted_customers.size(), limits.max_rows, "evicted customers", at_set));
  return EachItem(set.evicted_customers.size(), name, "evicted customer",
                  [&](size_t e, const auto& at) -> Status {
                    return CheckId(set.evicted_customers[e], "customer id", IdRule::kRequired,
                                   limits, at);
                  });
}

Status ValidatePushResultAt(const PushResult& result, const DecodeLimits& limits,
                            std::string_view name) {
  auto at_result = [&] { return std::string(name); };
  FB_RETURN_IF_ERROR(CheckId(result.set_id, "set id", IdRule::kRequired, limits, at_result));
  FB_RETURN_IF_ERROR(
      CheckCount(result.rejections.size(), limits.max_rows, "rejections", at_result));
  FB_RETURN_IF_ERROR(EachItem(
      result.rejections.size(), name, "rejection", [&](size_t i, const auto& at) -> Status {
        const RowRejection& rejection = result.rejections[i];
        FB_RETURN_IF_ERROR(CheckRowRef(rejection, limits, at));
        FB_RETURN_IF_ERROR(CheckId(rejection.code, "code", IdRule::kRequired, limits, at));
        FB_RETURN_IF_ERROR(CheckText(rejection.reason, "reason", limits, at));
        FB_RETURN_IF_ERROR(
            CheckCount(rejection.columns.size(), limits.max_columns_per_row, "columns", at));
        for (const std::string& column : rejection.columns) {
          FB_RETURN_IF_ERROR(CheckId(column, "column", IdRule::kRequired, limits, at));
        }
        return Status::Ok();
      }));
  FB_RETURN_IF_ERROR(CheckCount(result.restamps.size(), limits.max_rows, "restamps", at_result));
  return EachItem(result.restamps.size(), name, "restamp", [&](size_t i, const auto& at) -> Status {
    return CheckRowRef(result.restamps[i], limits, at);
  });
}

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

}  // namespace codec

using codec::CheckId;
using codec::CheckSchemaVersion;
using codec::CheckToken;
using codec::CorruptAt;
using codec::IdRule;
using codec::ValidateChangeSetAt;
using codec::ValidateDigests;

Status ValidateChangeSet(const ChangeSet& change_set, const DecodeLimits& limits) {
  return ValidateChangeSetAt(change_set, limits, codec::kChangeSetName, IdRule::kRequired);
}

Status ValidateSyncRequest(const SyncRequest& request, const DecodeLimits& limits) {
  auto at_request = [] { return std::string(codec::kRequestName); };
  FB_RETURN_IF_ERROR(CheckSchemaVersion(request.schema_version, at_request));
  FB_RETURN_IF_ERROR(
      CheckId(request.replica_id, "replica id", IdRule::kRequired, limits, at_request));
  if (!request.push_bytes.empty()) {
    // What the hub will decode from them: checked in full, as decoding does.
    if (!request.has_push) return CorruptAt(at_request, "push bytes without hasPush");
    Result<ChangeSet> set = DecodeChangeSet(request.push_bytes, limits);
    if (!set.ok()) {
      return Status(set.status().code(),
                    std::string(codec::kRequestPushName) + " bytes: " + set.status().message());
    }
  } else if (request.has_push) {
    FB_RETURN_IF_ERROR(
        ValidateChangeSetAt(request.push, limits, codec::kRequestPushName, IdRule::kRequired));
  }
  if (request.has_digests) {
    if (request.digest_buckets == 0 || request.digest_buckets > kMaxDigestBuckets) {
      return CorruptAt(at_request, "digest bucket count " + std::to_string(request.digest_buckets) +
                                       " not in 1.." + std::to_string(kMaxDigestBuckets));
    }
    FB_RETURN_IF_ERROR(ValidateDigests(request.digests, request.digest_buckets, limits,
                                       codec::kRequestName, "digests"));
  }
  FB_RETURN_IF_ERROR(CheckToken(request.snapshot_token, at_request));
  return Status::Ok();
}

Status ValidateSyncResponse(const SyncResponse& response, const DecodeLimits& limits) {
  auto at_response = [] { return std::string(codec::kResponseName); };
  FB_RETURN_IF_ERROR(CheckSchemaVersion(response.schema_version, at_response));
  if (response.has_push_result) {
    FB_RETURN_IF_ERROR(
        codec::ValidatePushResultAt(response.push_result, limits, codec::kResponsePushResultName));
  }
  if (response.digests_checked) {
    FB_RETURN_IF_ERROR(ValidateDigests(response.repair_buckets, kMaxDigestBuckets, limits,
                                       codec::kResponseName, "repair buckets"));
    FB_RETURN_IF_ERROR(ValidateChangeSetAt(response.repair, limits, codec::kResponseRepairName,
                                           IdRule::kMayBeEmpty));
  }
  FB_RETURN_IF_ERROR(CheckToken(response.snapshot_token, at_response));
  if (!response.snapshot && !response.snapshot_token.empty()) {
    return CorruptAt(at_response, "snapshot token without a snapshot page");
  }
  return ValidateChangeSetAt(response.pull, limits, codec::kResponsePullName, IdRule::kMayBeEmpty);
}

}  // namespace fieldbook
