#include "store/search_index.h"

#include "fieldbook/sqlite_db.h"
#include "store/rows.h"

namespace fieldbook::client {

namespace {

using internal::CodePoints;
using internal::kCustomerColumnCount;
using internal::ReadCustomer;
using internal::Stmt;

// Builds the FTS5 query: every word of at least three characters as a quoted string (trigrams
// match substrings); shorter words become LIKE patterns.
struct SearchTerms {
  std::string match;               // "" when no word is long enough for the index
  std::vector<std::string> likes;  // '%word%', escaped with '\'
};

SearchTerms ParseSearch(const std::string& query) {
  SearchTerms terms;
  std::vector<std::string> words;
  std::string word;
  auto flush = [&] {
    if (!word.empty()) words.push_back(word);
    word.clear();
  };
  for (size_t i = 0; i < query.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(query[i]);
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      flush();
    } else if (c == 0xE3 && i + 2 < query.size() &&
               static_cast<unsigned char>(query[i + 1]) == 0x80 &&
               static_cast<unsigned char>(query[i + 2]) == 0x80) {
      flush();  // U+3000 ideographic space
      i += 2;
    } else {
      word.push_back(query[i]);
    }
  }
  flush();
  for (const std::string& w : words) {
    if (CodePoints(w) >= 3) {
      if (!terms.match.empty()) terms.match += " AND ";
      terms.match += '"';
      for (char ch : w) {
        if (ch == '"') terms.match += '"';
        terms.match += ch;
      }
      terms.match += '"';
    } else {
      std::string pattern = "%";
      for (char ch : w) {
        if (ch == '%' || ch == '_' || ch == '\\') pattern += '\\';
        pattern += ch;
      }
      pattern += '%';
      terms.likes.push_back(pattern);
    }
  }
  return terms;
}

constexpr size_t kMaxShortWords = 4;

}  // namespace

Result<std::vector<SearchHit>> SearchIndex::Search(const std::string& query, size_t limit) {
  SearchTerms terms = ParseSearch(query);
  if (terms.match.empty() && terms.likes.empty()) {
    return Status::InvalidArgument("give something to search for");
  }
  if (terms.likes.size() > kMaxShortWords) terms.likes.resize(kMaxShortWords);
  const bool indexed = !terms.match.empty();
  FB_RETURN_IF_ERROR(Update());  // local writes since the last search
  // With the index: bm25 (names weigh more than the rest), best document per customer. Without
  // (every word shorter than three characters): LIKE over the indexed text, customers' own
  // documents before contacts' before visits'.
  FB_ASSIGN_OR_RETURN(
      Statement * raw,
      db_.Prepare(indexed
                      ? "SELECT " FB_CUSTOMER_COLUMNS ", h.kind, min(h.score) AS best"
                        // LIMIT -1 keeps the subquery from being flattened: bm25() only works in
                        // the query that scans the index.
                        " FROM (SELECT customer_id, kind, title, body,"
                        " bm25(fb_search, 0.0, 0.0, 5.0, 1.0) AS score"
                        " FROM fb_search WHERE fb_search MATCH ?1 LIMIT -1) h"
                        " JOIN customers c ON c.id = h.customer_id WHERE c.deleted = 0"
                        " AND (?2 IS NULL OR (h.title || ' ' || h.body) LIKE ?2 ESCAPE '\\')"
                        " AND (?3 IS NULL OR (h.title || ' ' || h.body) LIKE ?3 ESCAPE '\\')"
                        " AND (?4 IS NULL OR (h.title || ' ' || h.body) LIKE ?4 ESCAPE '\\')"
                        " AND (?5 IS NULL OR (h.title || ' ' || h.body) LIKE ?5 ESCAPE '\\')"
                        " GROUP BY c.id ORDER BY best, c.name, c.id LIMIT ?6"
                      : "SELECT " FB_CUSTOMER_COLUMNS ", h.kind,"
                        " min(CASE h.kind WHEN 'customer' THEN 0 WHEN 'contact' THEN 1 ELSE 2 END)"
                        " AS best FROM fb_search h JOIN customers c ON c.id = h.customer_id"
                        " WHERE c.deleted = 0 AND ?1 IS NULL"
                        " AND (?2 IS NULL OR (h.title || ' ' || h.body) LIKE ?2 ESCAPE '\\')"
                        " AND (?3 IS NULL OR (h.title || ' ' || h.body) LIKE ?3 ESCAPE '\\')"
                        " AND (?4 IS NULL OR (h.title || ' ' || h.body) LIKE ?4 ESCAPE '\\')"
                        " AND (?5 IS NULL OR (h.title || ' ' || h.body) LIKE ?5 ESCAPE '\\')"
                        " GROUP BY c.id ORDER BY best, c.name, c.id LIMIT ?6"));
  Stmt s(raw);
  if (indexed) {
    s->Bind(1, terms.match);
  } else {
    s->BindNull(1);
  }
  for (size_t i = 0; i < kMaxShortWords; ++i) {
    if (i < terms.likes.size()) {
      s->Bind(static_cast<int>(i + 2), terms.likes[i]);
    } else {
      s->BindNull(static_cast<int>(i + 2));
    }
  }
  s->Bind(6, limit == 0 ? int64_t{-1} : static_cast<int64_t>(limit));
  std::vector<SearchHit> out;
  while (true) {
    FB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    out.push_back(SearchHit{ReadCustomer(*s), s->Text(kCustomerColumnCount)});
  }
  return out;
}

// The search documents (schema/sql/replica/0003_client.sql): one per customer, contact (not
// deleted) and visit, with rowid = source rowid * 4 + kind. Phones are indexed as written and as
// digits only. `c` is the source table; the flush joins it to the queue `q`.
#define FB_DIGITS(column)                                            \
  "replace(replace(replace(replace(replace(replace(coalesce(" column \
  ", ''), ' ', ''), '-', ''), '+', ''), '(', ''), ')', ''), '.', '')"
#define FB_INSERT_SEARCH "INSERT INTO fb_search (rowid, customer_id, kind, title, body) SELECT "
#define FB_CUSTOMER_DOC                                                                           \
  "c.rowid * 4 + 1, c.id, 'customer', coalesce(c.name, '') || ' ' || coalesce(c.name_latin, '')," \
  " coalesce(c.city, '') || ' ' || coalesce(c.phone, '') || ' ' || " FB_DIGITS(                   \
      "c.phone") " || ' ' || coalesce(c.primary_contact, '')"
#define FB_CONTACT_DOC                                               \
  "c.rowid * 4 + 2, c.customer_id, 'contact', coalesce(c.name, '')," \
  " coalesce(c.phone, '') || ' ' || " FB_DIGITS("c.phone")
#define FB_VISIT_DOC                                                               \
  "c.rowid * 4 + 3, c.customer_id, 'visit', '', coalesce(c.purpose, '') || ' ' ||" \
  " coalesce(c.outcome, '') || ' ' || coalesce(c.notes, '')"
// Queued documents of one kind, the queue driving the join (one rowid lookup per document).
#define FB_QUEUED(table, kind) \
  " FROM fb_search_queue q CROSS JOIN " table " c ON c.rowid = q.doc >> 2 WHERE q.doc & 3 = " kind

Status SearchIndex::Rebuild() {
  Db& db = db_;
  FB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(db));
  for (const char* sql : {
           "DELETE FROM fb_search",
           "DELETE FROM fb_search_queue",
           FB_INSERT_SEARCH FB_CUSTOMER_DOC " FROM customers c",
           FB_INSERT_SEARCH FB_CONTACT_DOC " FROM contacts c WHERE c.deleted = 0",
           FB_INSERT_SEARCH FB_VISIT_DOC " FROM visits c",
       }) {
    FB_ASSIGN_OR_RETURN(Statement * raw, db.Prepare(sql));
    Stmt s(raw);
    FB_RETURN_IF_ERROR(s->Run());
  }
  return txn->Commit();
}

Status SearchIndex::Update() {
  Db& db = db_;
  {
    FB_ASSIGN_OR_RETURN(Statement * raw,
                        db.Prepare("SELECT EXISTS (SELECT 1 FROM fb_search_queue)"));
    Stmt s(raw);
    FB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row || s->Int(0) == 0) return Status::Ok();
  }
  FB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(db));
  // Each statement writes the index once, so FTS5 flushes its pending terms once per kind rather
  // than once per row. A document whose row is gone (deleted, evicted, a deleted contact) is
  // removed and not written again.
  for (const char* sql : {
           "DELETE FROM fb_search WHERE rowid IN (SELECT doc FROM fb_search_queue)",
           FB_INSERT_SEARCH FB_CUSTOMER_DOC FB_QUEUED("customers", "1"),
           FB_INSERT_SEARCH FB_CONTACT_DOC FB_QUEUED("contacts", "2") " AND c.deleted = 0",
           FB_INSERT_SEARCH FB_VISIT_DOC FB_QUEUED("visits", "3"),
           "DELETE FROM fb_search_queue",
       }) {
    FB_ASSIGN_OR_RETURN(Statement * raw, db.Prepare(sql));
    Stmt s(raw);
    FB_RETURN_IF_ERROR(s->Run());
  }
  return txn->Commit();
}

#undef FB_QUEUED
#undef FB_VISIT_DOC
#undef FB_CONTACT_DOC
#undef FB_CUSTOMER_DOC
#undef FB_INSERT_SEARCH
#undef FB_DIGITS

}  // namespace fieldbook::client
