#include "store/nightly_store.h"

#include <algorithm>
#include <array>
#include <map>
#include <string_view>

#include "fieldbook/columns.h"
#include "store/pg/pg_lease.h"
#include "store/pg/pg_sql_db.h"
#include "store/store_sql.h"

namespace fieldbook::server {

namespace {

constexpr const char* kLeaseName = "nightly";

// 2026-11-23T02:40:00.000Z
std::string FormatMs(int64_t ms) {
  const std::string s = Hlc::FromParts(static_cast<uint64_t>(ms), 0).ToString();
  return s.substr(0, s.find('#'));
}

NightlyRunRecord ReadRun(SqlStatement& s) {
  NightlyRunRecord r;
  r.id = s.Int(0);
  r.trigger = s.Text(1);
  r.started_ms = s.Int(2);
  r.finished_ms = s.IsNull(3) ? 0 : s.Int(3);
  r.status = s.Text(4);
  r.day = s.Text(5);
  r.seq_at_start = static_cast<uint64_t>(s.Int(6));
  r.holder = s.Text(7);
  r.resumed = static_cast<int>(s.Int(8));
  return r;
}

// The nightly lease on PostgreSQL, or nullopt on SQLite (srv_nightly_lease).
std::optional<pg::PgLease> PgNightlyLease(SqlDb& db) {
  if (db.dialect() != SqlDialect::kPostgres) return std::nullopt;
  // Only PgSqlDb speaks PostgreSQL's dialect.
  return pg::PgLease(static_cast<pg::PgSqlDb&>(db).db(), kLeaseName);
}

constexpr const char* kRunColumns =
    "id, trigger, started_ms, finished_ms, status, day, seq_at_start, holder, resumed";

}  // namespace

Result<std::optional<LeaseInfo>> NightlyStore::Lease() {
  if (auto lease = PgNightlyLease(db_)) {
    FB_ASSIGN_OR_RETURN(std::optional<pg::PgLeaseInfo> current, lease->Current());
    if (!current) return std::optional<LeaseInfo>();
    // The time left by the database's clock, on the clock the caller compares the expiry with.
    SystemWallClock system;
    const int64_t now = static_cast<int64_t>((wall_ != nullptr ? *wall_ : system).NowMs());
    return std::optional<LeaseInfo>(
        LeaseInfo{current->holder, current->run_id, now + current->expires_in_ms});
  }
  FB_ASSIGN_OR_RETURN(SqlStatement * s,
                      db().Prepare("SELECT holder, coalesce(run_id, 0), expires_ms "
                                   "FROM srv_nightly_lease WHERE name = ?"));
  s->Bind(1, kLeaseName);
  return ReadOneRow(*s, [](SqlStatement& r) { return LeaseInfo{r.Text(0), r.Int(1), r.Int(2)}; });
}

Status NightlyStore::AcquireLease(const std::string& holder, int64_t now_ms, int64_t ttl_ms) {
  // The refusal, the same on both backends.
  auto held = [](const LeaseInfo& current) {
    return Status::Conflict("another nightly run is in progress (" + current.holder +
                            "); its lease runs until " + FormatMs(current.expires_ms));
  };
  if (auto lease = PgNightlyLease(db_)) {
    Status taken = lease->Acquire(holder, ttl_ms);
    if (taken.code() != StatusCode::kConflict) return taken;
    FB_ASSIGN_OR_RETURN(std::optional<LeaseInfo> current, Lease());
    return current ? held(*current) : taken;
  }
  FB_ASSIGN_OR_RETURN(auto txn, db().Begin());
  FB_ASSIGN_OR_RETURN(std::optional<LeaseInfo> current, Lease());
  if (current && current->holder != holder && current->expires_ms > now_ms) return held(*current);
  FB_ASSIGN_OR_RETURN(SqlStatement * s,
                      db().Prepare("INSERT INTO srv_nightly_lease (name, holder, run_id, "
                                   "expires_ms) VALUES (?, ?, NULL, ?) ON CONFLICT (name) DO "
                                   "UPDATE SET holder = excluded.holder, run_id = NULL, "
                                   "expires_ms = excluded.expires_ms"));
  s->Bind(1, kLeaseName).Bind(2, holder).Bind(3, now_ms + ttl_ms);
  FB_RETURN_IF_ERROR(s->Run());
  return txn->Commit();
}

Status NightlyStore::RenewLease(const std::string& holder, int64_t now_ms, int64_t ttl_ms,
                                int64_t run_id) {
  if (auto lease = PgNightlyLease(db_)) return lease->Renew(holder, ttl_ms, run_id);
  FB_ASSIGN_OR_RETURN(SqlStatement * s,
                      db().Prepare("UPDATE srv_nightly_lease SET expires_ms = ?, run_id = ? "
                                   "WHERE name = ? AND holder = ?"));
  s->Bind(1, now_ms + ttl_ms).Bind(2, run_id).Bind(3, kLeaseName).Bind(4, holder);
  FB_RETURN_IF_ERROR(s->Run());
  if (db().LastChanges() == 0) {
    return Status::Conflict("the nightly lease was taken over by another process");
  }
  return Status::Ok();
}

Status NightlyStore::ReleaseLease(const std::string& holder) {
  if (auto lease = PgNightlyLease(db_)) return lease->Release(holder);
  FB_ASSIGN_OR_RETURN(SqlStatement * s,
                      db().Prepare("DELETE FROM srv_nightly_lease WHERE name = ? AND holder = ?"));
  s->Bind(1, kLeaseName).Bind(2, holder);
  return s->Run();
}

Result<std::optional<NightlyRunRecord>> NightlyStore::UnfinishedRun() {
  FB_ASSIGN_OR_RETURN(SqlStatement * s,
                      db().Prepare(std::string("SELECT ") + kRunColumns +
                                   " FROM srv_nightly_runs WHERE status IN ('running', "
                                   "'interrupted') ORDER BY id DESC LIMIT 1"));
  return FirstRunWithSteps(*s);
}

Result<int64_t> NightlyStore::CreateRun(const std::string& trigger, int64_t now_ms,
                                        const std::string& day, uint64_t seq_at_start,
                                        const std::string& holder) {
  FB_ASSIGN_OR_RETURN(SqlStatement * s,
                      db().Prepare("INSERT INTO srv_nightly_runs (trigger, started_ms, status, "
                                   "day, seq_at_start, holder) VALUES (?, ?, 'running', ?, ?, ?) "
                                   "RETURNING id"));
  BindValues(*s, {trigger, now_ms, day, static_cast<int64_t>(seq_at_start), holder});
  return ReadNewId(*s, "the new nightly run");
}

Status NightlyStore::ResumeRun(int64_t run_id, const std::string& holder) {
  FB_ASSIGN_OR_RETURN(SqlStatement * s,
                      db().Prepare("UPDATE srv_nightly_runs SET status = 'running', holder = ?, "
                                   "resumed = resumed + 1, finished_ms = NULL WHERE id = ?"));
  s->Bind(1, holder).Bind(2, run_id);
  return s->Run();
}

Status NightlyStore::FinishRun(int64_t run_id, const std::string& status, int64_t now_ms) {
  FB_ASSIGN_OR_RETURN(
      SqlStatement * s,
      db().Prepare("UPDATE srv_nightly_runs SET status = ?, finished_ms = ? WHERE id = ?"));
  s->Bind(1, status).Bind(2, now_ms).Bind(3, run_id);
  return s->Run();
}

Result<std::vector<NightlyStepRecord>> NightlyStore::StepsOf(int64_t run_id) {
  FB_ASSIGN_OR_RETURN(SqlStatement * s,
                      db().Prepare("SELECT step, position, status, started_ms, finished_ms, "
                                   "attempts, report, error FROM srv_nightly_steps WHERE run_id = "
                                   "? ORDER BY position, step"));
  s->Bind(1, run_id);
  return ReadRows(*s, [](SqlStatement& r) {
    return NightlyStepRecord{r.Text(0),
                             static_cast<int>(r.Int(1)),
                             r.Text(2),
                             r.Int(3),
                             r.IsNull(4) ? 0 : r.Int(4),
                             static_cast<int>(r.Int(5)),
                             r.Text(6),
                             r.Text(7)};
  });
}

Result<std::vector<NightlyRunRecord>> NightlyStore::Runs(size_t last) {
  FB_ASSIGN_OR_RETURN(SqlStatement * s,
                      db().Prepare(std::string("SELECT ") + kRunColumns +
                                   " FROM srv_nightly_runs ORDER BY id DESC LIMIT ?"));
  s->Bind(1, static_cast<int64_t>(last));
  FB_ASSIGN_OR_RETURN(std::vector<NightlyRunRecord> out, ReadRows(*s, ReadRun));
  for (NightlyRunRecord& r : out) {
    FB_ASSIGN_OR_RETURN(r.steps, StepsOf(r.id));
  }
  return out;
}

Result<std::optional<NightlyRunRecord>> NightlyStore::Run(int64_t run_id) {
  FB_ASSIGN_OR_RETURN(SqlStatement * s, db().Prepare(std::string("SELECT ") + kRunColumns +
                                                     " FROM srv_nightly_runs WHERE id = ?"));
  s->Bind(1, run_id);
  return FirstRunWithSteps(*s);
}

Result<std::optional<NightlyRunRecord>> NightlyStore::FirstRunWithSteps(SqlStatement& runs) {
  FB_ASSIGN_OR_RETURN(std::optional<NightlyRunRecord> run, ReadOneRow(runs, ReadRun));
  if (run) {
    FB_ASSIGN_OR_RETURN(run->steps, StepsOf(run->id));
  }
  return run;
}

Result<int64_t> NightlyStore::LastFinishedStartMs() {
  FB_ASSIGN_OR_RETURN(SqlStatement * s,
                      db().Prepare("SELECT coalesce(max(started_ms), 0) FROM srv_nightly_runs "
                                   "WHERE status IN ('succeeded', 'failed')"));
  return ReadInt(*s);
}

Result<int64_t> NightlyStore::LastStartedMs() {
  FB_ASSIGN_OR_RETURN(SqlStatement * s,
                      db().Prepare("SELECT coalesce(max(started_ms), 0) FROM srv_nightly_runs"));
  return ReadInt(*s);
}

Result<std::optional<uint64_t>> NightlyStore::SeqAtOrBefore(int64_t at_ms) {
  FB_ASSIGN_OR_RETURN(SqlStatement * s,
                      db().Prepare("SELECT seq_at_start FROM srv_nightly_runs WHERE started_ms "
                                   "<= ? ORDER BY started_ms DESC, id DESC LIMIT 1"));
  s->Bind(1, at_ms);
  return ReadOneRow(*s, [](SqlStatement& r) { return static_cast<uint64_t>(r.Int(0)); });
}

Status NightlyStore::BeginStep(int64_t run_id, const std::string& step, int position,
                               int64_t now_ms) {
  FB_ASSIGN_OR_RETURN(
      SqlStatement * s,
      db().Prepare("INSERT INTO srv_nightly_steps (run_id, step, position, status, "
                   "started_ms) VALUES (?, ?, ?, 'running', ?) ON CONFLICT "
                   "(run_id, step) DO UPDATE SET status = 'running', attempts = "
                   "srv_nightly_steps.attempts + 1, finished_ms = NULL, error = NULL"));
  s->Bind(1, run_id).Bind(2, step).Bind(3, position).Bind(4, now_ms);
  return s->Run();
}

Status NightlyStore::SaveStepProgress(int64_t run_id, const std::string& step,
                                      const std::string& report_json) {
  FB_ASSIGN_OR_RETURN(SqlStatement * s,
                      db().Prepare("UPDATE srv_nightly_steps SET report = ? WHERE run_id = ? AND "
                                   "step = ? AND status = 'running'"));
  s->Bind(1, report_json).Bind(2, run_id).Bind(3, step);
  return s->Run();
}

Status NightlyStore::FinishStep(int64_t run_id, const std::string& step, const std::string& status,
                                const std::string& report_json, const std::string& error,
                                int64_t now_ms) {
  FB_ASSIGN_OR_RETURN(SqlStatement * s,
                      db().Prepare("UPDATE srv_nightly_steps SET status = ?, report = "
                                   "coalesce(nullif(?, ''), report), error = nullif(?, ''), "
                                   "finished_ms = ? WHERE run_id = ? AND step = ?"));
  BindValues(*s, {status, report_json, error, now_ms, run_id, step});
  FB_RETURN_IF_ERROR(s->Run());
  if (db().LastChanges() == 0) {
    return Status::NotFound("nightly run " + std::to_string(run_id) + " has no step " + step);
  }
  return Status::Ok();
}

Result<PageStats> NightlyStore::Pages() {
  PageStats out;
  if (db().dialect() != SqlDialect::kSqlite) {
    return Status::Unavailable("page counts are SQLite's (PRAGMA page_count)");
  }
  for (auto [pragma, field] :
       {std::pair{"PRAGMA page_size", &out.page_size}, std::pair{"PRAGMA page_count", &out.pages},
        std::pair{"PRAGMA freelist_count", &out.free_pages}}) {
    FB_ASSIGN_OR_RETURN(SqlStatement * s, db().Prepare(pragma));
    FB_ASSIGN_OR_RETURN(*field, ReadInt(*s));
  }
  return out;
}

Result<BookkeepingStats> NightlyStore::MeasureBookkeeping() {
  SqlDb& d = db();
  const bool postgres = d.dialect() == SqlDialect::kPostgres;
  const Catalog& catalog = catalog_;
  // One read snapshot for every figure.
  FB_ASSIGN_OR_RETURN(std::unique_ptr<SqlTransaction> snapshot, d.BeginRead());

  // Each table's and index's bytes with the table it serves. SQLite: the pages dbstat counts per
  // b-tree; PostgreSQL: each table (with its TOAST and maps) and index of this schema -- found by
  // its name in pg_namespace (a cast to regnamespace would read a mixed-case name as unquoted) --
  // that serves a table named below (the catalog's, and the bookkeeping's), never the others.
  constexpr std::array<std::string_view, 3> kBookkeepingTables = {"srv_scope", "srv_scope_events",
                                                                  "srv_feed"};
  auto sizes = d.Prepare(
      postgres ? "SELECT c.relname::text, coalesce(t.relname, c.relname)::text, CASE c.relkind "
                 "WHEN 'i' THEN pg_relation_size(c.oid) ELSE pg_table_size(c.oid) END FROM "
                 "pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_index i ON "
                 "i.indexrelid = c.oid LEFT JOIN pg_class t ON t.oid = i.indrelid WHERE "
                 "n.nspname = current_schema() AND c.relkind IN ('r', 'i') AND (left(coalesce("
                 "t.relname, c.relname), 3) = 'fb_' OR coalesce(t.relname, c.relname) = ANY ("
                 "string_to_array(?, ',')))"
               : "SELECT d.name, s.tbl_name, sum(d.pgsize) FROM dbstat d JOIN sqlite_schema s ON "
                 "s.name = d.name WHERE s.type IN ('table', 'index') GROUP BY d.name");
  if (!sizes.ok() && !postgres) {
    return Status::Unavailable("this SQLite has no dbstat table: " + sizes.status().message());
  }
  FB_RETURN_IF_ERROR(sizes.status());
  if (postgres) {
    std::string names;
    for (const TableInfo& t : catalog.tables()) names += t.name + ",";
    for (std::string_view t : kBookkeepingTables) names += std::string(t) + ",";
    (*sizes)->Bind(1, names);
  }
  auto is_domain = [&](const std::string& table) { return catalog.Find(table) != nullptr; };
  auto is_bookkeeping_table = [&](const std::string& table) {
    return table.rfind("fb_", 0) == 0 ||
           std::find(kBookkeepingTables.begin(), kBookkeepingTables.end(), table) !=
               kBookkeepingTables.end();
  };
  BookkeepingStats out;
  std::map<std::string, int64_t> by_object;
  int64_t domain_bytes = 0, domain_table_bytes = 0;
  FB_RETURN_IF_ERROR(VisitRows(**sizes, [&](SqlStatement& s) {
    const std::string name = s.Text(0), table = s.Text(1);
    const int64_t bytes = s.Int(2);
    if (is_bookkeeping_table(table) || (is_domain(table) && name == table + "_seq")) {
      by_object[name] += bytes;
      out.bookkeeping_bytes += bytes;
    } else if (is_domain(table)) {
      domain_bytes += bytes;
      if (name == table) domain_table_bytes += bytes;
    }
  }));
  for (const TableInfo& t : catalog.tables()) {
    // Identifiers come from the catalog. SQLite: length() of a blob reads only the record header,
    // and _seq takes its value bytes and a header byte; PostgreSQL: the stored sizes.
    FB_ASSIGN_OR_RETURN(
        SqlStatement * s,
        d.Prepare(postgres
                      ? "SELECT coalesce(sum(pg_column_size(_v)), 0)::bigint, "
                        "coalesce(sum(pg_column_size(_seq)), 0)::bigint FROM \"" +
                            t.name + "\""
                      : "SELECT coalesce(sum(length(_v)), 0), coalesce(sum(CASE WHEN _seq IS NULL "
                        "THEN 0 WHEN _seq < 128 THEN 2 WHEN _seq < 32768 THEN 3 WHEN _seq < "
                        "8388608 THEN 4 WHEN _seq < 2147483648 THEN 5 ELSE 7 END), 0) FROM \"" +
                            t.name + "\""));
    FB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (row) {
      const int64_t v = s->Int(0), seq = s->Int(1);
      by_object[t.name + "._v"] += v;
      by_object[t.name + "._seq"] += seq;
      out.in_row_bytes += v + seq;
    }
    s->Reset();
  }
  out.bookkeeping_bytes += out.in_row_bytes;
  out.user_bytes = std::max<int64_t>(0, domain_bytes - out.in_row_bytes);
  out.user_table_bytes = std::max<int64_t>(0, domain_table_bytes - out.in_row_bytes);
  out.by_object.assign(by_object.begin(), by_object.end());
  std::sort(out.by_object.begin(), out.by_object.end(),
            [](const auto& a, const auto& b) { return a.second > b.second; });
  return out;
}

}  // namespace fieldbook::server
