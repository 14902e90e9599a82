// Possible-duplicate detection for customers: two reps who meet the same garage offline each
// create it. Fieldbook never merges such rows silently and never keeps them silently either; it
// flags the pair in fb_possible_duplicates (hub database) for a manager or rep to review.
//
// Two live customers are a possible duplicate when their phone numbers are equal after
// normalisation (digits only, China's +86/0086 prefix removed, at least 7 digits), or when their
// names and cities are equal after normalisation (case-folded ASCII, whitespace and punctuation —
// ASCII and CJK full-width — removed). The normalised keys of live customers are kept in the hub's
// fb_customer_keys table, so a check is two index lookups rather than a scan.
//
// Thread safety: operates on the Db (or, on either backend of the storage seam, the SqlDb) it is
// given, inside the caller's transaction.
#ifndef FIELDBOOK_DUPLICATE_DETECTOR_H_
#define FIELDBOOK_DUPLICATE_DETECTOR_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fieldbook/status.h"

namespace fieldbook {

class Db;
class SqlDb;

std::string NormalizePhone(std::string_view phone);
std::string NormalizeName(std::string_view name);

// Records every possible duplicate of `customer_id` (a new pair is inserted once, whichever of
// the two arrived first). Returns the number of new pairs.
Result<int> FlagPossibleDuplicates(Db& db, const std::string& customer_id, uint64_t now_ms);
Result<int> FlagPossibleDuplicates(SqlDb& db, const std::string& customer_id, uint64_t now_ms);

struct DuplicatePair {
  std::string customer_a;
  std::string customer_b;
  std::string reason;
  std::string status;
};
Result<std::vector<DuplicatePair>> ListPossibleDuplicates(Db& db);

}  // namespace fieldbook

#endif  // FIELDBOOK_DUPLICATE_DETECTOR_H_
