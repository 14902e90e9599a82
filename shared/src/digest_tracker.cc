#include "digest_tracker.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "fieldbook/sqlite_db.h"
#include "fieldbook/sqlite_sql_db.h"

namespace fieldbook {

namespace {

constexpr uint32_t kBuckets = kReplicaDigestBuckets;

// ---------------------------------------------------------------------------------------------
// SQL functions

std::string_view TextOf(sqlite3_value* v) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(v));
  if (text == nullptr) return {};
  return std::string_view(text, static_cast<size_t>(sqlite3_value_bytes(v)));
}

// fb_digest_add(sum, sign, code, live, id, col...): sum + sign * digest(row) modulo 2^64, or sum
// unchanged when live is 0.
void DigestAddFn(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  auto* context = static_cast<DigestContext*>(sqlite3_user_data(ctx));
  if (argc < 5) {
    sqlite3_result_error(ctx, "fb_digest_add: too few arguments", -1);
    return;
  }
  auto sum = static_cast<uint64_t>(sqlite3_value_int64(argv[0]));
  if (sqlite3_value_int(argv[3]) != 0) {
    RowDigester& d = context->digester;
    d.Reset(sqlite3_value_int(argv[2]), TextOf(argv[4]));
    for (int i = 5; i < argc; ++i) d.Add(argv[i]);
    const uint64_t digest = d.Digest();
    sum = sqlite3_value_int(argv[1]) < 0 ? sum - digest : sum + digest;
  }
  sqlite3_result_int64(ctx, static_cast<sqlite3_int64>(sum));
}

// fb_digest_bucket(key): the replica bucket of a row whose bucket key is `key`.
void DigestBucketFn(sqlite3_context* ctx, int, sqlite3_value** argv) {
  sqlite3_result_int64(ctx, DigestBucket(TextOf(argv[0]), kBuckets));
}

// fb_digest_wrap(a, b): a + b modulo 2^64.
void DigestWrapFn(sqlite3_context* ctx, int, sqlite3_value** argv) {
  const auto a = static_cast<uint64_t>(sqlite3_value_int64(argv[0]));
  const auto b = static_cast<uint64_t>(sqlite3_value_int64(argv[1]));
  sqlite3_result_int64(ctx, static_cast<sqlite3_int64>(a + b));
}

// A commit that did not flush the deltas loses them: the stored digests no longer describe the
// rows, so mark them for a recompute instead of letting them drift.
int CommitHook(void* data) {
  auto* context = static_cast<DigestContext*>(data);
  if (!context->deltas.empty()) {
    context->deltas.Clear();
    context->stale = true;
  }
  return 0;
}

void RollbackHook(void* data) { static_cast<DigestContext*>(data)->deltas.Clear(); }

// ---------------------------------------------------------------------------------------------
// Trigger generation. Only catalog identifiers are spliced into SQL.

std::string Quote(const std::string& ident) {
  std::string out = "\"";
  for (char c : ident) {
    out += c;
    if (c == '"') out += '"';
  }
  return out + "\"";
}

// "NEW."id", NEW."c1", ..." for a row image (NEW or OLD).
std::string RowArgs(const TableInfo& t, const char* image) {
  std::string out = std::string(image) + ".\"id\"";
  for (const std::string& c : t.columns) out += ", " + std::string(image) + "." + Quote(c);
  return out;
}

std::string Live(const TableInfo& t, const char* image) {
  if (t.is_fact() || t.deleted_column < 0) return "1";
  return "(" + std::string(image) + ".\"deleted\" IS NOT 1)";
}

// The replicated columns (not id: an UPDATE naming id alone changes nothing capture records).
std::string UpdateOf(const TableInfo& t) {
  std::string out;
  for (const std::string& c : t.columns) out += (out.empty() ? "" : ", ") + Quote(c);
  return out;
}

std::string Key(const TableInfo& t, const char* image) {
  return std::string(image) + "." + Quote(BucketKeyColumn(t));
}

// Replica digests count the live rows that have no pending local write (no fb_outbox entry); a
// row leaves the count when it is first written locally, and comes back when its writes are
// acknowledged (AddSettledRows). So a local insert costs nothing here, and a local update only
// removes the row's old digest, once, before capture records it. Capture records every update
// that names a replicated column, changed or not (change_capture.cc), so the test is the same:
// an UPDATE OF any replicated column.
std::string ReplicaTriggers(const TableInfo& t) {
  const std::string table = Quote(t.name);
  const std::string code = std::to_string(t.code);
  const std::string prefix = "fb_" + t.name + "_digest_";
  const std::string settled =
      "NOT EXISTS (SELECT 1 FROM fb_outbox WHERE tbl = " + code + " AND row_id = OLD.\"id\")";
  const std::string remove_old = "UPDATE fb_digests SET rows = rows - " + Live(t, "OLD") +
                                 ", sum = fb_digest_add(sum, -1, " + code + ", " + Live(t, "OLD") +
                                 ", " + RowArgs(t, "OLD") + ") WHERE tbl = " + code +
                                 " AND bucket = fb_digest_bucket(" + Key(t, "OLD") + ");";
  std::string sql;
  for (const char* name : {"update", "delete"}) {
    sql += "DROP TRIGGER IF EXISTS " + prefix + name + ";\n";
  }
  sql += "CREATE TRIGGER " + prefix + "update BEFORE UPDATE OF " + UpdateOf(t) + " ON " + table +
         " WHEN fb_capture_enabled() AND " + settled + " BEGIN " + remove_old + " END;\n";
  // The guard triggers refuse local deletes today; should that change, they stay tracked.
  sql += "CREATE TRIGGER " + prefix + "delete BEFORE DELETE ON " + table +
         " WHEN fb_capture_enabled() AND " + settled + " BEGIN " + remove_old + " END;\n";
  return sql;
}

// Inserts and updates are accounted for by HubDigestListener; a delete of a live row (none today:
// compaction purges tombstones only) by this trigger.
std::string HubTriggers(const TableInfo& t) {
  const std::string table = Quote(t.name);
  const std::string code = std::to_string(t.code);
  const std::string prefix = "fb_" + t.name + "_digest_";
  std::string sql = "DROP TRIGGER IF EXISTS " + prefix + "delete;\n";
  sql += "CREATE TRIGGER " + prefix + "delete AFTER DELETE ON " + table + " WHEN " +
         Live(t, "OLD") +
         " BEGIN INSERT INTO fb_owner_digests (owner, tbl, rows, sum) VALUES (coalesce(" +
         Key(t, "OLD") + ", ''), " + code + ", -1, fb_digest_add(0, -1, " + code + ", 1, " +
         RowArgs(t, "OLD") +
         ")) ON CONFLICT (owner, tbl) DO UPDATE SET rows = rows + excluded.rows, "
         "sum = fb_digest_wrap(sum, excluded.sum); END;\n";
  return sql;
}

size_t CountCreates(const std::string& sql) {
  size_t n = 0;
  for (size_t at = sql.find("CREATE TRIGGER"); at != std::string::npos;
       at = sql.find("CREATE TRIGGER", at + 1)) {
    ++n;
  }
  return n;
}

Result<int64_t> CountOf(Db& db, std::string_view sql) {
  FB_ASSIGN_OR_RETURN(Statement * stmt, db.Prepare(sql));
  FB_ASSIGN_OR_RETURN(bool row, stmt->Step());
  const int64_t n = row ? stmt->Int(0) : 0;
  stmt->Reset();
  return n;
}

// ---------------------------------------------------------------------------------------------
// Scanning rows for a recompute

// A raw statement, so that values reach RowDigester as sqlite3_value without copies.
class RawStatement {
 public:
  static Result<std::unique_ptr<RawStatement>> Prepare(Db& db, const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    const int rc =
        sqlite3_prepare_v2(db.raw(), sql.c_str(), static_cast<int>(sql.size()), &stmt, nullptr);
    if (rc != SQLITE_OK) {
      sqlite3_finalize(stmt);
      return Status::Io("digest scan: " + db.LastError());
    }
    return std::unique_ptr<RawStatement>(new RawStatement(db, stmt));
  }
  ~RawStatement() { sqlite3_finalize(stmt_); }
  RawStatement(const RawStatement&) = delete;
  RawStatement& operator=(const RawStatement&) = delete;

  Result<bool> Step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return Status::Io("digest scan: " + db_.LastError());
  }
  sqlite3_value* Column(int i) { return sqlite3_column_value(stmt_, i); }

 private:
  RawStatement(Db& db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Db& db_;
  sqlite3_stmt* stmt_;
};

// Calls visit(key, digest) for every live row of `t` -- on a replica (`settled_only`), every live
// row without a pending local write.
template <typename Visit>
Status ScanLiveRows(Db& db, const TableInfo& t, RowDigester& digester, bool settled_only,
                    Visit visit) {
  std::string sql = "SELECT " + Quote(BucketKeyColumn(t)) + ", \"id\"";
  for (const std::string& c : t.columns) sql += ", " + Quote(c);
  sql += " FROM " + Quote(t.name) + " r WHERE 1";
  if (!t.is_fact() && t.deleted_column >= 0) sql += " AND \"deleted\" IS NOT 1";
  if (settled_only) {
    sql += " AND NOT EXISTS (SELECT 1 FROM fb_outbox o WHERE o.tbl = " + std::to_string(t.code) +
           " AND o.row_id = r.\"id\")";
  }
  FB_ASSIGN_OR_RETURN(auto stmt, RawStatement::Prepare(db, sql));
  const int n = static_cast<int>(t.columns.size());
  while (true) {
    FB_ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) break;
    digester.Reset(t.code, TextOf(stmt->Column(1)));
    for (int i = 0; i < n; ++i) digester.Add(stmt->Column(2 + i));
    visit(TextOf(stmt->Column(0)), digester.Digest());
  }
  return Status::Ok();
}

// A bucket key as SQL sees it (sqlite3_value_text): keys are TEXT columns, so only NULL and
// text occur in practice.
std::string KeyText(const Value& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&v)) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.15g", *d);
    return buffer;
  }
  return {};
}

Status WriteSlot(Db& db, int code, uint32_t bucket, int64_t rows, uint64_t sum) {
  FB_ASSIGN_OR_RETURN(Statement * stmt,
                      db.Prepare("INSERT INTO fb_digests (tbl, bucket, rows, sum) VALUES (?, ?, ?, "
                                 "?) ON CONFLICT (tbl, bucket) DO UPDATE SET rows = excluded.rows, "
                                 "sum = excluded.sum"));
  stmt->Bind(1, static_cast<int64_t>(code))
      .Bind(2, static_cast<int64_t>(bucket))
      .Bind(3, rows)
      .Bind(4, static_cast<int64_t>(sum));
  return stmt->Run();
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// DigestDeltas

void DigestDeltas::Add(int table_code, uint32_t bucket, int64_t rows, uint64_t sum) {
  const size_t index = static_cast<size_t>(table_code) * kBuckets + bucket;
  if (slots_.size() <= index) slots_.resize(static_cast<size_t>(kMaxTableCode + 1) * kBuckets);
  Slot& slot = slots_[index];
  if (!slot.dirty) {
    slot.dirty = true;
    dirty_.push_back(index);
  }
  slot.rows += rows;
  slot.sum += sum;
}

void DigestDeltas::Clear() {
  for (size_t index : dirty_) slots_[index] = Slot{};
  dirty_.clear();
}

void DigestDeltas::Drop(int table_code, uint32_t bucket) {
  const size_t index = static_cast<size_t>(table_code) * kBuckets + bucket;
  if (index < slots_.size()) slots_[index].rows = 0, slots_[index].sum = 0;
}

std::vector<DigestDelta> DigestDeltas::Entries() const {
  std::vector<DigestDelta> out;
  out.reserve(dirty_.size());
  for (size_t index : dirty_) {
    const Slot& slot = slots_[index];
    out.push_back(DigestDelta{static_cast<int>(index / kBuckets),
                              static_cast<uint32_t>(index % kBuckets), slot.rows, slot.sum});
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Listeners

RowImage DigestRow(const TableInfo& table, const std::string& row_id,
                   const std::vector<Value>& values, RowDigester& digester) {
  RowImage image;
  image.row_id = row_id;
  image.live = table.deleted_column < 0 || IsLiveRow(table, values[table.deleted_column]);
  image.key =
      table.customer_column_index >= 0 ? KeyText(values[table.customer_column_index]) : row_id;
  if (!image.live) return image;
  digester.Reset(table.code, row_id);
  for (const Value& v : values) digester.Add(v);
  image.digest = digester.Digest();
  return image;
}

void DigestListener::Before(const TableInfo& table, const std::string& row_id,
                            const std::vector<Value>& values) {
  before_ = DigestRow(table, row_id, values, context_.digester);
  has_before_ = true;
}

void DigestListener::After(const TableInfo& table, const std::string& row_id, bool created,
                           const std::vector<Value>& values) {
  if (!created && has_before_ && before_.row_id == row_id && before_.live) {
    context_.deltas.Add(table.code, DigestBucket(before_.key, kBuckets), -1,
                        uint64_t{0} - before_.digest);
  }
  has_before_ = false;
  const RowImage after = DigestRow(table, row_id, values, context_.digester);
  if (after.live)
    context_.deltas.Add(table.code, DigestBucket(after.key, kBuckets), 1, after.digest);
}

void HubDigestListener::Add(int table_code, const std::string& owner, int64_t rows, uint64_t sum) {
  auto& delta = deltas_[{owner, table_code}];
  delta.first += rows;
  delta.second += sum;
}

void HubDigestListener::Before(const TableInfo& table, const std::string& row_id,
                               const std::vector<Value>& values) {
  before_ = DigestRow(table, row_id, values, context_.digester);
  has_before_ = true;
}

void HubDigestListener::After(const TableInfo& table, const std::string& row_id, bool created,
                              const std::vector<Value>& values) {
  if (!created && has_before_ && before_.row_id == row_id && before_.live) {
    Add(table.code, before_.key, -1, uint64_t{0} - before_.digest);
  }
  has_before_ = false;
  RowImage after = DigestRow(table, row_id, values, context_.digester);
  if (after.live) Add(table.code, after.key, 1, after.digest);
  if (record_keys_) {
    // A tombstone's key too (DigestRow leaves it set): the change log names its customer.
    keys_[{table.code, row_id}] = std::move(after.key);
  }
}

std::string HubDigestListener::TakeKey(const TableInfo& table, const std::string& row_id) {
  auto it = keys_.find({table.code, row_id});
  if (it == keys_.end()) return {};
  std::string key = std::move(it->second);
  keys_.erase(it);
  return key;
}

Status HubDigestListener::Flush(Db& db) {
  SqliteSqlDb sql(db);
  return Flush(sql);
}

Status HubDigestListener::Flush(SqlDb& db) {
  if (deltas_.empty()) return Status::Ok();
  std::vector<const decltype(deltas_)::value_type*> changed;
  for (const auto& entry : deltas_) {
    if (entry.second.first != 0 || entry.second.second != 0) changed.push_back(&entry);
  }
  // The sum wraps modulo 2^64: SQLite by the function the hub registers; PostgreSQL in numeric
  // (bigint addition raises on overflow), shifted into 0..2^64 and back into bigint's range.
  // PostgreSQL takes up to 64 owners' deltas a statement (one round trip, not one each); the
  // keys are distinct (one delta per owner and table), as ON CONFLICT DO UPDATE needs.
  const bool postgres = db.dialect() == SqlDialect::kPostgres;
  const size_t per_statement = postgres ? 64 : 1;
  for (size_t at = 0; at < changed.size();) {
    const size_t n = std::min(per_statement, changed.size() - at);
    std::string text = postgres
                           ? "INSERT INTO fb_owner_digests AS d (owner, tbl, rows, sum) VALUES "
                             "(?, ?, ?, ?)"
                           : "INSERT INTO fb_owner_digests (owner, tbl, rows, sum) VALUES "
                             "(?, ?, ?, ?)";
    for (size_t i = 1; i < n; ++i) text += ", (?, ?, ?, ?)";
    text += postgres ? " ON CONFLICT (owner, tbl) DO UPDATE SET rows = d.rows + excluded.rows, "
                       "sum = ((d.sum::numeric + excluded.sum + 27670116110564327424) % "
                       "18446744073709551616 - 9223372036854775808)::bigint"
                     : " ON CONFLICT (owner, tbl) DO UPDATE SET rows = rows + excluded.rows, "
                       "sum = fb_digest_wrap(sum, excluded.sum)";
    FB_ASSIGN_OR_RETURN(SqlStatement * upsert, db.Prepare(text));
    upsert->Reset();
    for (size_t i = 0; i < n; ++i) {
      const auto& [key, delta] = *changed[at + i];
      const int p = static_cast<int>(4 * i);
      upsert->Bind(p + 1, key.first)
          .Bind(p + 2, static_cast<int64_t>(key.second))
          .Bind(p + 3, delta.first)
          .Bind(p + 4, static_cast<int64_t>(delta.second));
    }
    FB_RETURN_IF_ERROR(upsert->Run());
    at += n;
  }
  deltas_.clear();
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------------
// Public functions

Status RegisterDigestFunctions(Db& db, DigestContext* context) {
  struct Fn {
    const char* name;
    int args;
    void (*fn)(sqlite3_context*, int, sqlite3_value**);
    int flags;
  };
  const Fn functions[] = {
      {"fb_digest_add", -1, DigestAddFn, SQLITE_UTF8 | SQLITE_DETERMINISTIC},
      {"fb_digest_bucket", 1, DigestBucketFn, SQLITE_UTF8 | SQLITE_DETERMINISTIC},
      {"fb_digest_wrap", 2, DigestWrapFn, SQLITE_UTF8 | SQLITE_DETERMINISTIC},
  };
  for (const Fn& f : functions) {
    const int rc = sqlite3_create_function_v2(db.raw(), f.name, f.args, f.flags, context, f.fn,
                                              nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return Status::Io("registering digest functions: " + db.LastError());
  }
  if (context->role == DigestRole::kReplica) {
    sqlite3_commit_hook(db.raw(), CommitHook, context);
    sqlite3_rollback_hook(db.raw(), RollbackHook, context);
  }
  return Status::Ok();
}

Result<DigestInstall> InstallDigestTriggers(Db& db, const Catalog& catalog,
                                            DigestContext& context) {
  const bool replica = context.role == DigestRole::kReplica;
  std::string triggers;
  for (const TableInfo& t : catalog.tables()) {
    triggers += replica ? ReplicaTriggers(t) : HubTriggers(t);
  }
  // What the digests depend on besides the triggers: the encoding and, on replicas, the buckets.
  const std::string fingerprint =
      std::to_string(Hash64(triggers + "\n" + std::to_string(DigestSchemaFingerprint(catalog)) +
                            " buckets=" + std::to_string(replica ? kBuckets : 0)));
  const size_t expected_triggers = CountCreates(triggers);
  const int64_t expected_slots = static_cast<int64_t>(catalog.tables().size()) * kBuckets;

  auto current = [&](bool* had_previous) -> Result<bool> {
    FB_ASSIGN_OR_RETURN(Statement * installed,
                        db.Prepare("SELECT value FROM fb_meta WHERE key = 'digest_triggers'"));
    FB_ASSIGN_OR_RETURN(bool found, installed->Step());
    *had_previous = found;
    const bool same = found && installed->Text(0) == fingerprint;
    installed->Reset();
    if (!same) return false;
    FB_ASSIGN_OR_RETURN(int64_t present,
                        CountOf(db,
                                "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' "
                                "AND name GLOB 'fb_*_digest_*'"));
    if (static_cast<size_t>(present) != expected_triggers) return false;
    if (replica) {
      FB_ASSIGN_OR_RETURN(int64_t slots,
                          CountOf(db,
                                  "SELECT count(*) FROM fb_digests WHERE bucket >= 0 AND "
                                  "bucket < " +
                                      std::to_string(kBuckets)));
      FB_ASSIGN_OR_RETURN(int64_t all, CountOf(db, "SELECT count(*) FROM fb_digests"));
      if (slots != expected_slots || all != expected_slots) return false;
    }
    return true;
  };

  bool had_previous = false;
  FB_ASSIGN_OR_RETURN(bool ok, current(&had_previous));
  if (ok) return DigestInstall{};

  FB_RETURN_IF_ERROR(db.ExecScript("BEGIN IMMEDIATE"));
  auto rollback = [&](Status s) {
    (void)db.ExecScript("ROLLBACK");
    return Status(s.code(), "installing digest triggers: " + s.message());
  };
  // Another process may have installed them while this one waited for the lock.
  auto again = current(&had_previous);
  if (!again.ok()) return rollback(again.status());
  if (*again) {
    FB_RETURN_IF_ERROR(db.ExecScript("COMMIT"));
    return DigestInstall{};
  }
  // Digest triggers of other builds (renamed or removed) first: only this build's may remain.
  std::vector<std::string> present;
  {
    auto list = db.Prepare(
        "SELECT name FROM sqlite_schema WHERE type = 'trigger' AND name GLOB 'fb_*_digest_*'");
    if (!list.ok()) return rollback(list.status());
    while (true) {
      auto row = (*list)->Step();
      if (!row.ok()) return rollback(row.status());
      if (!*row) break;
      present.push_back((*list)->Text(0));
    }
  }
  Status s;
  for (const std::string& name : present) {
    if (s.ok()) s = db.ExecScript("DROP TRIGGER " + Quote(name));
  }
  if (s.ok()) s = db.ExecScript(triggers);
  if (s.ok()) {
    s = replica ? RecomputeReplicaDigests(db, catalog, context)
                : RecomputeHubDigests(db, catalog, context);
  }
  if (s.ok()) {
    auto save = db.Prepare(
        "INSERT INTO fb_meta (key, value) VALUES ('digest_triggers', ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    s = save.ok() ? (*save)->Bind(1, fingerprint).Run() : save.status();
  }
  if (s.ok()) s = db.ExecScript("COMMIT");
  if (!s.ok()) return rollback(s);
  return DigestInstall{.rewritten = true, .tampered = had_previous};
}

Status SubtractOwnerRows(Db& db, const Catalog& catalog, DigestContext& context,
                         const std::string& key) {
  const uint32_t bucket = DigestBucket(key, kBuckets);
  for (const TableInfo& t : catalog.tables()) {
    if (t.customer_column.empty()) continue;
    std::string sql = "SELECT \"id\"";
    for (const std::string& c : t.columns) sql += ", " + Quote(c);
    sql += " FROM " + Quote(t.name) + " r WHERE " + Quote(BucketKeyColumn(t)) + " = ?";
    if (!t.is_fact() && t.deleted_column >= 0) sql += " AND \"deleted\" IS NOT 1";
    sql += " AND NOT EXISTS (SELECT 1 FROM fb_outbox o WHERE o.tbl = " + std::to_string(t.code) +
           " AND o.row_id = r.\"id\")";
    FB_ASSIGN_OR_RETURN(Statement * rows, db.Prepare(sql));
    rows->Bind(1, key);
    const int n = static_cast<int>(t.columns.size());
    while (true) {
      FB_ASSIGN_OR_RETURN(bool row, rows->Step());
      if (!row) break;
      RowDigester& d = context.digester;
      d.Reset(t.code, rows->Text(0));
      for (int i = 0; i < n; ++i) d.Add(rows->Get(1 + i));
      context.deltas.Add(t.code, bucket, -1, uint64_t{0} - d.Digest());
    }
  }
  return Status::Ok();
}

Status AddSettledRows(Db& db, const Catalog& catalog, DigestContext& context,
                      const std::vector<std::pair<int, std::string>>& rows) {
  FB_ASSIGN_OR_RETURN(Statement * pending,
                      db.Prepare("SELECT 1 FROM fb_outbox WHERE tbl = ? AND row_id = ? LIMIT 1"));
  for (const auto& [code, row_id] : rows) {
    const TableInfo* t = catalog.ByCode(code);
    if (t == nullptr) continue;
    pending->Reset();
    pending->Bind(1, static_cast<int64_t>(code)).Bind(2, row_id);
    FB_ASSIGN_OR_RETURN(bool still_pending, pending->Step());
    pending->Reset();
    if (still_pending) continue;
    std::string sql = "SELECT " + Quote(BucketKeyColumn(*t));
    for (const std::string& c : t->columns) sql += ", " + Quote(c);
    sql += " FROM " + Quote(t->name) + " WHERE \"id\" = ?";
    if (!t->is_fact() && t->deleted_column >= 0) sql += " AND \"deleted\" IS NOT 1";
    FB_ASSIGN_OR_RETURN(Statement * row, db.Prepare(sql));
    row->Bind(1, row_id);
    FB_ASSIGN_OR_RETURN(bool live, row->Step());
    if (!live) continue;
    RowDigester& d = context.digester;
    d.Reset(t->code, row_id);
    for (size_t i = 0; i < t->columns.size(); ++i) d.Add(row->Get(1 + static_cast<int>(i)));
    const std::string key = row->Text(0);
    row->Reset();
    context.deltas.Add(t->code, DigestBucket(key, kBuckets), 1, d.Digest());
  }
  return Status::Ok();
}

Status ClearReplicaDigests(Db& db, DigestContext& context) {
  context.deltas.Clear();
  return db.ExecScript("UPDATE fb_digests SET rows = 0, sum = 0");
}

Status FlushDigestDeltas(Db& db, DigestContext& context) {
  if (context.deltas.empty()) return Status::Ok();
  const std::vector<DigestDelta> entries = context.deltas.Entries();
  FB_ASSIGN_OR_RETURN(Statement * update,
                      db.Prepare("UPDATE fb_digests SET rows = rows + ?, sum = fb_digest_wrap(sum, "
                                 "?) WHERE tbl = ? AND bucket = ?"));
  for (const DigestDelta& e : entries) {
    if (e.rows == 0 && e.sum == 0) continue;
    update->Reset();
    update->Bind(1, e.rows)
        .Bind(2, static_cast<int64_t>(e.sum))
        .Bind(3, static_cast<int64_t>(e.table_code))
        .Bind(4, static_cast<int64_t>(e.bucket));
    FB_RETURN_IF_ERROR(update->Run());
    // A missing slot (fb_digests edited by hand) leaves this slot wrong until the next open
    // recreates the slots; mark the digests stale so they are recomputed before use.
    if (db.LastChanges() == 0) context.stale = true;
  }
  context.deltas.Clear();
  return Status::Ok();
}

Status RecomputeReplicaDigests(Db& db, const Catalog& catalog, DigestContext& context,
                               const DigestSlots* only) {
  struct Sum {
    int64_t rows = 0;
    uint64_t sum = 0;
  };
  for (const TableInfo& t : catalog.tables()) {
    if (t.code < 0 || t.code > DigestDeltas::kMaxTableCode) {
      return Status::Internal("table code " + std::to_string(t.code) + " out of digest range");
    }
    bool wanted = only == nullptr;
    if (!wanted) {
      auto it = only->lower_bound({t.code, 0});
      wanted = it != only->end() && it->first == t.code;
    }
    if (!wanted) continue;
    std::vector<Sum> sums(kBuckets);
    FB_RETURN_IF_ERROR(ScanLiveRows(db, t, context.digester, /*settled_only=*/true,
                                    [&](std::string_view key, uint64_t digest) {
                                      Sum& s = sums[DigestBucket(key, kBuckets)];
                                      ++s.rows;
                                      s.sum += digest;
                                    }));
    for (uint32_t b = 0; b < kBuckets; ++b) {
      if (only != nullptr && only->count({t.code, b}) == 0) continue;
      FB_RETURN_IF_ERROR(WriteSlot(db, t.code, b, sums[b].rows, sums[b].sum));
      context.deltas.Drop(t.code, b);
    }
  }
  if (only == nullptr) {
    // Slots of tables this build does not know, or of other bucket counts, describe nothing.
    FB_RETURN_IF_ERROR(db.ExecScript("DELETE FROM fb_digests WHERE bucket < 0 OR bucket >= " +
                                     std::to_string(kBuckets)));
    std::string codes;
    for (const TableInfo& t : catalog.tables()) {
      codes += (codes.empty() ? "" : ", ") + std::to_string(t.code);
    }
    FB_RETURN_IF_ERROR(db.ExecScript("DELETE FROM fb_digests WHERE tbl NOT IN (" + codes + ")"));
    context.deltas.Clear();
    context.stale = false;
  }
  return Status::Ok();
}

Result<std::vector<BucketDigest>> ReadReplicaDigests(Db& db) {
  FB_ASSIGN_OR_RETURN(Statement * stmt,
                      db.Prepare("SELECT tbl, bucket, rows, sum FROM fb_digests WHERE rows <> 0 "
                                 "OR sum <> 0 ORDER BY tbl, bucket"));
  std::vector<BucketDigest> out;
  while (true) {
    FB_ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) break;
    out.push_back(
        BucketDigest{static_cast<uint32_t>(stmt->Int(0)), static_cast<uint32_t>(stmt->Int(1)),
                     static_cast<uint64_t>(stmt->Int(2)), static_cast<uint64_t>(stmt->Int(3))});
  }
  return out;
}

Status RecomputeHubDigests(SqlDb& db, const Catalog& catalog, DigestContext& context) {
  // SQLite reads the rows through a raw statement (values reach the digester without copies);
  // PostgreSQL through the seam, a table in one result.
  Db* sqlite = db.dialect() == SqlDialect::kSqlite ? &dynamic_cast<SqliteSqlDb&>(db).db() : nullptr;
  FB_RETURN_IF_ERROR(db.ExecScript("DELETE FROM fb_owner_digests"));
  FB_ASSIGN_OR_RETURN(SqlStatement * insert,
                      db.Prepare("INSERT INTO fb_owner_digests (owner, tbl, rows, sum) "
                                 "VALUES (?, ?, ?, ?)"));
  for (const TableInfo& t : catalog.tables()) {
    std::map<std::string, std::pair<int64_t, uint64_t>, std::less<>> owners;
    auto add = [&](std::string_view key, uint64_t digest) {
      auto it = owners.find(key);
      if (it == owners.end()) it = owners.emplace(std::string(key), std::make_pair(0, 0)).first;
      ++it->second.first;
      it->second.second += digest;
    };
    if (sqlite != nullptr) {
      FB_RETURN_IF_ERROR(ScanLiveRows(*sqlite, t, context.digester, /*settled_only=*/false, add));
    } else {
      std::string sql = "SELECT " + Quote(BucketKeyColumn(t)) + ", \"id\"";
      for (const std::string& c : t.columns) sql += ", " + Quote(c);
      sql += " FROM " + Quote(t.name);
      if (!t.is_fact() && t.deleted_column >= 0) sql += " WHERE \"deleted\" IS DISTINCT FROM 1";
      FB_ASSIGN_OR_RETURN(SqlStatement * rows, db.Prepare(sql));
      RowDigester& d = context.digester;
      Status scanned;
      while (scanned.ok()) {
        auto row = rows->Step();
        if (!row.ok()) scanned = row.status();
        if (!row.ok() || !*row) break;
        d.Reset(t.code, rows->Text(1));
        for (size_t i = 0; i < t.columns.size(); ++i) d.Add(rows->Get(2 + static_cast<int>(i)));
        add(rows->Text(0), d.Digest());
      }
      rows->Reset();
      FB_RETURN_IF_ERROR(scanned);
    }
    for (const auto& [owner, sums] : owners) {
      insert->Reset();
      insert->Bind(1, owner)
          .Bind(2, static_cast<int64_t>(t.code))
          .Bind(3, sums.first)
          .Bind(4, static_cast<int64_t>(sums.second));
      FB_RETURN_IF_ERROR(insert->Run());
    }
  }
  return Status::Ok();
}

Status RecomputeHubDigests(Db& db, const Catalog& catalog, DigestContext& context) {
  SqliteSqlDb sql(db);
  return RecomputeHubDigests(sql, catalog, context);
}

}  // namespace fieldbook
