#include "store/search_index.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <unordered_map>
#include <utility>

#include "fieldbook/sqlite_db.h"
#include "lang/store_errors.h"
#include "store/rows.h"
#include "store/search_text.h"

namespace fieldbook::client {

namespace {

using internal::CodePoints;
using internal::ForEachRow;
using internal::Stmt;

constexpr size_t kMaxWords = 8;
constexpr size_t kMaxLikeWords = 4;

// fb_pinyin(text) and fb_search_short_text(text): search_text.h, for the index's statements.
// SQL NULL reads as "".
template <std::string (*Transform)(std::string_view)>
void TextFunction(sqlite3_context* ctx, int, sqlite3_value** argv) {
  const unsigned char* text = sqlite3_value_text(argv[0]);
  if (text == nullptr) {
    sqlite3_result_text(ctx, "", 0, SQLITE_STATIC);
    return;
  }
  const std::string out = Transform(std::string_view(
      reinterpret_cast<const char*>(text), static_cast<size_t>(sqlite3_value_bytes(argv[0]))));
  sqlite3_result_text(ctx, out.data(), static_cast<int>(out.size()), SQLITE_TRANSIENT);
}

std::vector<std::string> SplitWords(const std::string& query) {
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
  if (words.size() > kMaxWords) words.resize(kMaxWords);
  return words;
}

// `text` as an FTS5 string (a phrase): in double quotes, quotes doubled.
std::string Quoted(const std::string& text) {
  std::string out = "\"";
  for (char ch : text) {
    if (ch == '"') out += '"';
    out += ch;
  }
  out += '"';
  return out;
}

// A word of one or two characters for fb_search_short: a Chinese character or pair is one token
// there; other short words match the start of a token (prefix indexes of 1 and 2 characters);
// a mix ("A区") is the phrase of its pieces.
std::string ShortTerm(const std::string& word) {
  const std::u32string chars = DecodeUtf8(word);
  bool all_han = !chars.empty();
  bool any_han = false;
  for (char32_t c : chars) {
    all_han = all_han && IsHan(c);
    any_han = any_han || IsHan(c);
  }
  if (all_han) return Quoted(word);
  if (any_han) return Quoted(ShortQueryText(word));
  return Quoted(word) + " *";
}

struct Query {
  bool trigram = false;            // fb_search; else fb_search_short
  std::vector<std::string> terms;  // FTS5 phrases, every one must match
  std::vector<std::string> likes;  // short words beside long ones: '%word%' on the document
  std::string first_word;          // for ranking names that start with it
};

Query ParseQuery(const std::string& text) {
  Query q;
  const std::vector<std::string> words = SplitWords(text);
  if (words.empty()) return q;
  q.first_word = words[0];
  for (const std::string& w : words) q.trigram = q.trigram || CodePoints(w) >= 3;
  for (const std::string& w : words) {
    if (q.trigram && CodePoints(w) < 3) {
      if (q.likes.size() == kMaxLikeWords) continue;
      std::string pattern = "%";
      for (char ch : w) {
        if (ch == '%' || ch == '_' || ch == '\\') pattern += '\\';
        pattern += ch;
      }
      q.likes.push_back(pattern + '%');
      continue;
    }
    q.terms.push_back(q.trigram ? Quoted(w) : ShortTerm(w));
  }
  return q;
}

// Ids as a JSON array, for `IN (SELECT value FROM json_each(?))`.
std::string JsonArray(const std::vector<std::string>& ids) {
  std::string out = "[";
  for (const std::string& id : ids) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (unsigned char ch : id) {
      if (ch == '"' || ch == '\\') {
        out += '\\';
        out += static_cast<char>(ch);
      } else if (ch < 0x20) {
        static const char kHex[] = "0123456789abcdef";
        out += "\\u00";
        out += kHex[ch >> 4];
        out += kHex[ch & 15];
      } else {
        out += static_cast<char>(ch);
      }
    }
    out += '"';
  }
  return out + "]";
}

// What matched, best first: the customer itself, a contact, then its records.
int KindRank(const std::string& kind) {
  if (kind == "customer") return 0;
  if (kind == "contact") return 1;
  return 2;
}

std::string Lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

struct Candidate {
  int pass = 0;
  int kind_rank = 0;
  std::string kind;
  size_t order = 0;  // first seen
  std::string name;
  bool found = false;  // on the device and not deleted
};

}  // namespace

SearchIndex::SearchIndex(Db& db) : db_(db) {
  for (auto [name, fn] : {std::pair{"fb_pinyin", &TextFunction<PinyinOf>},
                          std::pair{"fb_search_short_text", &TextFunction<ShortQueryText>}}) {
    sqlite3_create_function_v2(db_.raw(), name, 1,
                               SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, nullptr, fn,
                               nullptr, nullptr, nullptr);
  }
}

Result<std::vector<SearchHit>> SearchIndex::Search(const std::string& query, size_t limit) {
  const Query q = ParseQuery(query);
  if (q.terms.empty()) return Invalid("err_search_empty");
  FB_RETURN_IF_ERROR(UpdateSome(kSearchIndexBudget).status());  // local writes since then
  const int64_t per_pass =
      limit == 0 ? int64_t{-1} : static_cast<int64_t>(std::max<size_t>(limit * 4, 200));

  // Three passes over the index, each stopping after `per_pass` documents: titles (names with
  // their pinyin) that start with the first word, titles that hold every word, then every
  // document. Each in the index's order (rowid): the index ranks nothing, so the cost does not
  // grow with the number of matches.
  std::string all, rest;
  for (size_t i = 0; i < q.terms.size(); ++i) {
    all += (i > 0 ? " AND " : "") + q.terms[i];
    if (i > 0) rest += " AND " + q.terms[i];
  }
  const std::string passes[] = {"{title} : (^ " + q.terms[0] + rest + ")",
                                "{title} : (" + all + ")", all};
  // The title passes read the indexes of names alone (0026_search_titles.sql): a word found only
  // in notes would otherwise make them walk every document holding it.
#define FB_LIKES(doc)                                 \
  " AND (?2 IS NULL OR (" doc ".title || ' ' || " doc \
  ".body) LIKE ?2 ESCAPE '\\')"                       \
  " AND (?3 IS NULL OR (" doc ".title || ' ' || " doc \
  ".body) LIKE ?3 ESCAPE '\\')"                       \
  " AND (?4 IS NULL OR (" doc ".title || ' ' || " doc \
  ".body) LIKE ?4 ESCAPE '\\')"                       \
  " AND (?5 IS NULL OR (" doc ".title || ' ' || " doc ".body) LIKE ?5 ESCAPE '\\')"
  const char* const kTrigram[] = {
      "SELECT t.customer_id, t.kind FROM fb_search_title t CROSS JOIN fb_search f"
      " ON f.rowid = t.rowid"
      " WHERE fb_search_title MATCH ?1" FB_LIKES("f") " LIMIT ?6",
      "SELECT f.customer_id, f.kind FROM fb_search f WHERE fb_search MATCH ?1" FB_LIKES(
          "f") " LIMIT ?6"};
#undef FB_LIKES
  const char* const kShort[] = {
      "SELECT customer_id, kind FROM fb_search_title_short WHERE fb_search_title_short MATCH ?1"
      " AND ?2 IS NULL AND ?3 IS NULL AND ?4 IS NULL AND ?5 IS NULL LIMIT ?6",
      "SELECT customer_id, kind FROM fb_search_short WHERE fb_search_short MATCH ?1"
      " AND ?2 IS NULL AND ?3 IS NULL AND ?4 IS NULL AND ?5 IS NULL LIMIT ?6"};
  std::unordered_map<std::string, Candidate> found;
  std::vector<std::string> ids;
  for (int pass = 0; pass < 3; ++pass) {
    const std::string& match = passes[pass];
    const int table = pass < 2 ? 0 : 1;
    FB_ASSIGN_OR_RETURN(Statement * raw, db_.Prepare(q.trigram ? kTrigram[table] : kShort[table]));
    Stmt s(raw);
    s->Bind(1, match);
    for (size_t i = 0; i < kMaxLikeWords; ++i) {
      if (i < q.likes.size()) {
        s->Bind(static_cast<int>(i + 2), q.likes[i]);
      } else {
        s->BindNull(static_cast<int>(i + 2));
      }
    }
    s->Bind(6, per_pass);
    while (true) {
      FB_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      std::string id = s->Text(0);
      std::string kind = s->Text(1);
      auto [it, inserted] = found.try_emplace(id);
      Candidate& c = it->second;
      if (inserted) {
        c = Candidate{pass, KindRank(kind), kind, ids.size(), "", false};
        ids.push_back(std::move(id));
      } else if (std::pair(pass, KindRank(kind)) < std::pair(c.pass, c.kind_rank)) {
        c.pass = pass;
        c.kind_rank = KindRank(kind);
        c.kind = kind;
      }
    }
  }
  if (ids.empty()) return std::vector<SearchHit>{};

  // The candidates' names (customers not deleted), to rank them.
  {
    FB_RETURN_IF_ERROR(ForEachRow(db_,
                                  "SELECT c.id, coalesce(c.name, '') FROM customers c"
                                  " WHERE c.id IN (SELECT value FROM json_each(?1))"
                                  " AND c.deleted = 0",
                                  {JsonArray(ids)}, [&](Statement& s) {
                                    auto it = found.find(s.Text(0));
                                    if (it == found.end()) return;
                                    it->second.found = true;
                                    it->second.name = s.Text(1);
                                  }));
  }
  const std::string first = Lower(q.first_word);
  auto key = [&](const std::string& id) {
    const Candidate& c = found.at(id);
    const bool starts = Lower(c.name).rfind(first, 0) == 0;
    return std::tuple(c.pass, c.kind_rank, starts ? 0 : 1, CodePoints(c.name), c.order);
  };
  std::vector<std::string> ranked;
  for (const std::string& id : ids) {
    if (found.at(id).found) ranked.push_back(id);
  }
  std::sort(ranked.begin(), ranked.end(),
            [&](const std::string& a, const std::string& b) { return key(a) < key(b); });
  if (limit != 0 && ranked.size() > limit) ranked.resize(limit);

  std::unordered_map<std::string, Customer> rows;
  {
    FB_RETURN_IF_ERROR(ForEachRow(db_,
                                  "SELECT " FB_CUSTOMER_COLUMNS " FROM customers c"
                                  " WHERE c.id IN (SELECT value FROM json_each(?1))",
                                  {JsonArray(ranked)}, [&](Statement& s) {
                                    Customer c = internal::ReadCustomer(s);
                                    std::string id = c.id;
                                    rows.emplace(std::move(id), std::move(c));
                                  }));
  }
  std::vector<SearchHit> out;
  out.reserve(ranked.size());
  for (const std::string& id : ranked) {
    auto it = rows.find(id);
    if (it == rows.end()) continue;
    out.push_back(SearchHit{std::move(it->second), found.at(id).kind});
  }
  return out;
}

// The search documents (schema/sql/replica/0022_search_everything.sql), rowid = source rowid * 8
// + kind. Phones are indexed as written and as digits only. `c` is the source table; the flush
// joins it to the queue `q`.
#define FB_DIGITS(column)                                            \
  "replace(replace(replace(replace(replace(replace(coalesce(" column \
  ", ''), ' ', ''), '-', ''), '+', ''), '(', ''), ')', ''), '.', '')"
// The documents are computed into a staging table first (pinyin and the short-query text are
// computed there, never inside an FTS5 write), then copied into both indexes in rowid order.
#define FB_INSERT_SEARCH \
  "INSERT INTO temp.fb_search_staging (rowid, customer_id, kind, title, body) SELECT "
#define FB_CUSTOMER_DOC \
  "c.rowid * 8 + 1, c.id, 'customer', coalesce(c.name, '') || ' ' || coalesce(c.name_latin," \
  " '') || ' ' || fb_pinyin(c.name), coalesce(c.city, '') || ' ' || coalesce(c.province, '')" \
  " || ' ' || coalesce(c.address, '') || ' ' || coalesce(c.phone, '') || ' ' || " FB_DIGITS( \
      "c.phone") " || ' ' || coalesce(c.primary_contact, '') || ' ' || coalesce(c.tags, '')"  \
                 " || ' ' || coalesce(c.notes, '')"
#define FB_CONTACT_DOC                                                                \
  "c.rowid * 8 + 2, c.customer_id, 'contact', coalesce(c.name, '') || ' ' ||"         \
  " fb_pinyin(c.name), coalesce(c.title, '') || ' ' || coalesce(c.phone, '') || ' ' " \
  "|| " FB_DIGITS("c.phone") " || ' ' || coalesce(c.wechat, '') || ' ' || coalesce(c.notes, '')"
#define FB_VISIT_DOC                                                               \
  "c.rowid * 8 + 3, c.customer_id, 'visit', '', coalesce(c.purpose, '') || ' ' ||" \
  " coalesce(c.outcome, '') || ' ' || coalesce(c.notes, '')"
#define FB_FEEDBACK_DOC "c.rowid * 8 + 4, c.customer_id, 'feedback', '', coalesce(c.complaint, '')"
#define FB_ORDER_DOC "c.rowid * 8 + 5, c.customer_id, 'order', '', coalesce(c.notes, '')"
#define FB_ORDER_LINE_DOC                                                          \
  "c.rowid * 8 + 6, c.customer_id, 'order', '', coalesce(c.part_no, '') || ' ' ||" \
  " coalesce(c.description, '')"
// Queued documents of one kind up to ?1, the queue driving the join (one rowid lookup each).
#define FB_QUEUED(table, kind)                   \
  " FROM fb_search_queue q CROSS JOIN " table    \
  " c ON c.rowid = q.doc >> 3 WHERE q.doc <= ?1" \
  " AND q.doc & 7 = " kind
// The staged documents into the trigram index, then spelled out for the short-query index
// (search_text.h).
#define FB_COPY_STAGED                                                          \
  "INSERT INTO fb_search (rowid, customer_id, kind, title, body) SELECT rowid," \
  " customer_id, kind, title, body FROM temp.fb_search_staging"
#define FB_SPELL_STAGED                                                    \
  "UPDATE temp.fb_search_staging SET title = fb_search_short_text(title)," \
  " body = fb_search_short_text(body)"
#define FB_COPY_STAGED_SHORT                                                          \
  "INSERT INTO fb_search_short (rowid, customer_id, kind, title, body) SELECT rowid," \
  " customer_id, kind, title, body FROM temp.fb_search_staging"
// The names (customer and contact documents) into the title indexes, as written (before
// FB_SPELL_STAGED) and spelled out (after it): schema/sql/replica/0026_search_titles.sql.
#define FB_COPY_STAGED_TITLE(table)                  \
  "INSERT INTO " table                               \
  " (rowid, customer_id, kind, title) SELECT rowid," \
  " customer_id, kind, title FROM temp.fb_search_staging WHERE rowid & 7 IN (1, 2)"

namespace {

// Runs `work` with temp_store = MEMORY when no transaction is open, and puts the connection's
// setting back after. The replica's connection keeps its temporary tables in files
// (temp_store = FILE, shared/src/change_capture.cc); the staging table and the ephemeral tables
// of INSERT ... SELECT into FTS5 tables take a few megabytes per batch, cheaper in memory than
// through temporary files. (Through files they once failed with "database or disk is full": the
// statement-journal spill threshold was 1 MiB, over what SQLite's unix VFS writes in one call.)
Status WithTempInMemory(Db& db, const std::function<Status()>& work) {
  if (db.InTransaction()) return work();
  int64_t before = 0;
  {
    FB_ASSIGN_OR_RETURN(Statement * raw, db.Prepare("PRAGMA temp_store"));
    Stmt s(raw);
    FB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (row) before = s->Int(0);
  }
  if (before != 2) FB_RETURN_IF_ERROR(db.ExecScript("PRAGMA temp_store = MEMORY"));
  Status done = work();
  if (before != 2 && !db.InTransaction()) {
    Status back = db.ExecScript("PRAGMA temp_store = " + std::to_string(before));
    if (done.ok()) done = back;
  }
  return done;
}

// The staging table lives in the connection's temp schema (never in the replica file).
Status PrepareStaging(Db& db) {
  for (const char* sql : {"CREATE TEMP TABLE IF NOT EXISTS fb_search_staging (rowid INTEGER"
                          " PRIMARY KEY, customer_id TEXT, kind TEXT, title TEXT, body TEXT)",
                          "DELETE FROM temp.fb_search_staging"}) {
    FB_ASSIGN_OR_RETURN(Statement * raw, db.Prepare(sql));
    Stmt s(raw);
    FB_RETURN_IF_ERROR(s->Run());
  }
  return Status::Ok();
}

}  // namespace

Status SearchIndex::Rebuild() {
  return WithTempInMemory(db_, [this] { return RebuildNow(); });
}

Status SearchIndex::RebuildNow() {
  Db& db = db_;
  FB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(db));
  FB_RETURN_IF_ERROR(PrepareStaging(db));
  for (const char* sql : {
           "DELETE FROM fb_search",
           "DELETE FROM fb_search_short",
           "DELETE FROM fb_search_title",
           "DELETE FROM fb_search_title_short",
           "DELETE FROM fb_search_queue",
           FB_INSERT_SEARCH FB_CUSTOMER_DOC " FROM customers c",
           FB_INSERT_SEARCH FB_CONTACT_DOC " FROM contacts c WHERE c.deleted = 0",
           FB_INSERT_SEARCH FB_VISIT_DOC " FROM visits c",
           FB_INSERT_SEARCH FB_FEEDBACK_DOC " FROM feedback c",
           FB_INSERT_SEARCH FB_ORDER_DOC " FROM orders c",
           FB_INSERT_SEARCH FB_ORDER_LINE_DOC " FROM order_lines c",
           FB_COPY_STAGED,
           FB_COPY_STAGED_TITLE("fb_search_title"),
           FB_SPELL_STAGED,
           FB_COPY_STAGED_SHORT,
           FB_COPY_STAGED_TITLE("fb_search_title_short"),
           "DELETE FROM temp.fb_search_staging",
       }) {
    FB_ASSIGN_OR_RETURN(Statement * raw, db.Prepare(sql));
    Stmt s(raw);
    FB_RETURN_IF_ERROR(s->Run());
  }
  return txn->Commit();
}

Status SearchIndex::Update() { return UpdateSome(0).status(); }

Result<int64_t> SearchIndex::Pending() {
  FB_ASSIGN_OR_RETURN(Statement * raw, db_.Prepare("SELECT count(*) FROM fb_search_queue"));
  Stmt s(raw);
  FB_ASSIGN_OR_RETURN(bool row, s->Step());
  return row ? s->Int(0) : int64_t{0};
}

Result<int64_t> SearchIndex::UpdateSome(size_t max_docs) {
  Db& db = db_;
  {
    FB_ASSIGN_OR_RETURN(Statement * raw,
                        db.Prepare("SELECT EXISTS (SELECT 1 FROM fb_search_queue)"));
    Stmt s(raw);
    FB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row || s->Int(0) == 0) return int64_t{0};
  }
  // The batch: queued documents up to `bound`.
  int64_t bound = std::numeric_limits<int64_t>::max();
  if (max_docs != 0) {
    FB_ASSIGN_OR_RETURN(Statement * raw, db.Prepare("SELECT doc FROM fb_search_queue"
                                                    " ORDER BY doc LIMIT 1 OFFSET ?1"));
    Stmt s(raw);
    s->Bind(1, static_cast<int64_t>(max_docs - 1));
    FB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (row) bound = s->Int(0);
  }
  FB_RETURN_IF_ERROR(WithTempInMemory(db, [this, bound] { return WriteBatch(bound); }));
  if (bound == std::numeric_limits<int64_t>::max()) return int64_t{0};
  return Pending();
}

Status SearchIndex::WriteBatch(int64_t bound) {
  Db& db = db_;
  FB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(db));
  FB_RETURN_IF_ERROR(PrepareStaging(db));
  // Each statement writes an index once, so FTS5 flushes its pending terms once per batch rather
  // than once per row. A document whose row is gone (deleted, evicted, a deleted contact) is
  // removed and not written again.
  for (const char* sql : {
           FB_INSERT_SEARCH FB_CUSTOMER_DOC FB_QUEUED("customers", "1"),
           FB_INSERT_SEARCH FB_CONTACT_DOC FB_QUEUED("contacts", "2") " AND c.deleted = 0",
           FB_INSERT_SEARCH FB_VISIT_DOC FB_QUEUED("visits", "3"),
           FB_INSERT_SEARCH FB_FEEDBACK_DOC FB_QUEUED("feedback", "4"),
           FB_INSERT_SEARCH FB_ORDER_DOC FB_QUEUED("orders", "5"),
           FB_INSERT_SEARCH FB_ORDER_LINE_DOC FB_QUEUED("order_lines", "6"),
           "DELETE FROM fb_search WHERE rowid IN (SELECT doc FROM fb_search_queue WHERE doc <= ?1)",
           "DELETE FROM fb_search_short WHERE rowid IN"
           " (SELECT doc FROM fb_search_queue WHERE doc <= ?1)",
           "DELETE FROM fb_search_title WHERE rowid IN"
           " (SELECT doc FROM fb_search_queue WHERE doc <= ?1 AND doc & 7 IN (1, 2))",
           "DELETE FROM fb_search_title_short WHERE rowid IN"
           " (SELECT doc FROM fb_search_queue WHERE doc <= ?1 AND doc & 7 IN (1, 2))",
           FB_COPY_STAGED " WHERE rowid <= ?1",
           FB_COPY_STAGED_TITLE("fb_search_title") " AND rowid <= ?1",
           FB_SPELL_STAGED " WHERE rowid <= ?1",
           FB_COPY_STAGED_SHORT " WHERE rowid <= ?1",
           FB_COPY_STAGED_TITLE("fb_search_title_short") " AND rowid <= ?1",
           "DELETE FROM temp.fb_search_staging WHERE rowid <= ?1",
           "DELETE FROM fb_search_queue WHERE doc <= ?1",
       }) {
    FB_ASSIGN_OR_RETURN(Statement * raw, db.Prepare(sql));
    Stmt s(raw);
    s->Bind(1, bound);
    FB_RETURN_IF_ERROR(s->Run());
  }
  return txn->Commit();
}

#undef FB_COPY_STAGED_TITLE
#undef FB_COPY_STAGED_SHORT
#undef FB_SPELL_STAGED
#undef FB_COPY_STAGED
#undef FB_QUEUED
#undef FB_ORDER_LINE_DOC
#undef FB_ORDER_DOC
#undef FB_FEEDBACK_DOC
#undef FB_VISIT_DOC
#undef FB_CONTACT_DOC
#undef FB_CUSTOMER_DOC
#undef FB_INSERT_SEARCH
#undef FB_DIGITS

}  // namespace fieldbook::client
