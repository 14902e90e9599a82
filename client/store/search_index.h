// SearchIndex: full-text search over the rep's customers on the device and its upkeep (issue #19).
// Every text a rep would look for is indexed: the customer (name, latin name, pinyin of the
// name, city, province, address, phones, primary contact, tags, notes), its contacts (name and
// its pinyin, job title, phone, wechat, notes), visits, feedback, order notes and order lines
// (part numbers, descriptions); schema/sql/replica/0022_search_everything.sql describes the
// documents and the two FTS5 tables: a trigram index for words of three or more characters and
// an index of single Chinese characters, pairs and word prefixes for one- and two-character
// words. Pinyin (full spelling and initials, search_text.h) is computed here, at index time.
//
// The triggers only note which documents changed (fb_search_queue); Update rewrites them in a few
// set-based statements, in bounded batches. A sync calls Update as pages are stored
// (sync/device_sync.h), and Search indexes at most kSearchIndexBudget queued documents before it
// runs (after an upgrade the whole replica is queued; the rest is indexed by later calls).
//
// Search cost is bounded: each index query stops after a fixed number of documents (LIMIT inside
// the FTS5 query, never rank-everything-then-cut), in passes: documents whose title (a
// customer's or a contact's name, with pinyin) matches, read from an index of names alone
// (0026_search_titles.sql, so a word found only in notes costs those passes nothing), then any
// document. The customers found are
// ranked by pass, then by what matched (the customer itself, a contact, then its records), then
// names that start with the query, then shorter names.
//
// Thread safety: not thread-safe; use it on the thread that owns the ClientStore (its Replica).
// The constructor registers the SQL functions fb_pinyin and fb_search_short_text on `db`.
#ifndef FIELDBOOK_CLIENT_STORE_SEARCH_INDEX_H_
#define FIELDBOOK_CLIENT_STORE_SEARCH_INDEX_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fieldbook/status.h"
#include "store/records.h"

namespace fieldbook {
class Db;
}

namespace fieldbook::client {

// Queued documents a search indexes before it runs, at most.
inline constexpr size_t kSearchIndexBudget = 20000;

struct SearchHit {
  Customer customer;
  // Where the best match was: "customer", "contact", "visit", "feedback", "order" (notes or a
  // line's part number or description).
  std::string matched;
};

class SearchIndex {
 public:
  explicit SearchIndex(Db& db);

  // Ranked customers (not deleted) with a document holding every word of `query` (words are
  // separated by spaces; at most 8 are used). Words of three or more characters match any
  // substring (trigrams); one- and two-character words match a Chinese character or pair, or
  // the start of a word (pinyin initials: "xd" finds 鑫达汽修 through "xdqx"). At most `limit`
  // customers (0 = as many as the bounded passes find).
  Result<std::vector<SearchHit>> Search(const std::string& query, size_t limit = 20);

  // Rebuilds the index from the replicated tables (after a VACUUM, or if in doubt).
  Status Rebuild();
  // Brings the index up to date with every stored row, in one transaction; it costs one empty
  // read when nothing is noted.
  Status Update();
  // Indexes at most `max_docs` queued documents (0 = all) in one transaction; returns how many
  // are still queued.
  Result<int64_t> UpdateSome(size_t max_docs);
  // Documents waiting to be indexed.
  Result<int64_t> Pending();

 private:
  Status RebuildNow();
  Status WriteBatch(int64_t bound);  // the queued documents up to `bound`

  Db& db_;
};

}  // namespace fieldbook::client

#endif  // FIELDBOOK_CLIENT_STORE_SEARCH_INDEX_H_
