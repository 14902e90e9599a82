#include "store/pg/pg_change_log.h"

#include <limits>

namespace fieldbook::pg {

namespace {

constexpr uint64_t kMaxSeq = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());

Status CheckPage(uint64_t cursor, size_t limit) {
  if (limit == 0 || limit > PgChangeLog::kMaxPage) {
    return Status::InvalidArgument("PgChangeLog: a page holds 1 to " +
                                   std::to_string(PgChangeLog::kMaxPage) + " entries");
  }
  if (cursor > kMaxSeq) return Status::InvalidArgument("PgChangeLog: cursor out of range");
  return Status::Ok();
}

std::vector<PgLoggedChange> Entries(const PgRows& rows) {
  std::vector<PgLoggedChange> out;
  out.reserve(static_cast<size_t>(rows.size()));
  for (int i = 0; i < rows.size(); ++i) {
    out.push_back({static_cast<uint64_t>(rows.Int(i, 0)),
                   {static_cast<int>(rows.Int(i, 1)), rows.Text(i, 2), rows.Text(i, 3), {}}});
  }
  return out;
}

}  // namespace

Result<uint64_t> PgChangeLog::Append(std::span<const PgChange> changes) {
  if (!db_.InTransaction()) {
    return Status::Internal("PgChangeLog::Append outside a transaction");
  }
  if (changes.empty()) return Status::InvalidArgument("PgChangeLog::Append of no changes");
  if (changes.size() > kMaxAppend) {
    return Status::ResourceExhausted("PgChangeLog::Append of more than " +
                                     std::to_string(kMaxAppend) + " changes");
  }
  std::vector<std::string> tables, rows, customers, feed_entry, feed_rep;
  tables.reserve(changes.size());
  rows.reserve(changes.size());
  customers.reserve(changes.size());
  for (size_t i = 0; i < changes.size(); ++i) {
    const PgChange& c = changes[i];
    tables.push_back(std::to_string(c.table));
    rows.push_back(c.row_id);
    customers.push_back(c.customer_id);
    for (const std::string& rep : c.feeds) {
      feed_entry.push_back(std::to_string(i + 1));
      feed_rep.push_back(rep);
    }
  }
  FB_ASSIGN_OR_RETURN(std::string table_array, TextArrayLiteral(tables));
  FB_ASSIGN_OR_RETURN(std::string row_array, TextArrayLiteral(rows));
  FB_ASSIGN_OR_RETURN(std::string customer_array, TextArrayLiteral(customers));
  FB_ASSIGN_OR_RETURN(std::string entry_array, TextArrayLiteral(feed_entry));
  FB_ASSIGN_OR_RETURN(std::string rep_array, TextArrayLiteral(feed_rep));
  // One statement: take the counter row's lock and the next numbers, then insert every entry
  // numbered in order, and its feed entries (a rep named twice for one change counts once). The
  // lock is held until the caller's transaction ends.
  FB_ASSIGN_OR_RETURN(
      PgRows first,
      db_.Exec("WITH next AS (UPDATE fb_hub_seq SET value = value + $1 RETURNING value - $1 AS "
               "first), "
               "added AS (INSERT INTO fb_change_log (seq, table_code, row_id, customer_id) "
               "SELECT next.first + u.n, u.t, u.r, u.c FROM next, "
               "unnest($2::integer[], $3::text[], $4::text[]) WITH ORDINALITY AS u(t, r, c, n)), "
               "fed AS (INSERT INTO srv_feed (rep_id, seq, tbl) "
               "SELECT DISTINCT f.rep, next.first + f.n, ($2::integer[])[f.n] FROM next, "
               "unnest($5::bigint[], $6::text[]) AS f(n, rep)) "
               "SELECT first + 1 FROM next",
               {static_cast<int64_t>(changes.size()), table_array, row_array, customer_array,
                entry_array, rep_array}));
  if (first.size() != 1) return Status::Corrupt("postgresql: fb_hub_seq has no row");
  return static_cast<uint64_t>(first.Int(0, 0));
}

Status PgChangeLog::AppendTaken(std::span<const PgLoggedChange> entries) {
  if (!db_.InTransaction()) {
    return Status::Internal("PgChangeLog::AppendTaken outside a transaction");
  }
  if (entries.empty()) return Status::Ok();
  if (entries.size() > kMaxAppend) {
    return Status::ResourceExhausted("PgChangeLog::AppendTaken of more than " +
                                     std::to_string(kMaxAppend) + " changes");
  }
  std::vector<std::string> seqs, tables, rows, customers;
  seqs.reserve(entries.size());
  tables.reserve(entries.size());
  rows.reserve(entries.size());
  customers.reserve(entries.size());
  for (const PgLoggedChange& e : entries) {
    seqs.push_back(std::to_string(e.seq));
    tables.push_back(std::to_string(e.change.table));
    rows.push_back(e.change.row_id);
    customers.push_back(e.change.customer_id);
  }
  FB_ASSIGN_OR_RETURN(std::string seq_array, TextArrayLiteral(seqs));
  FB_ASSIGN_OR_RETURN(std::string table_array, TextArrayLiteral(tables));
  FB_ASSIGN_OR_RETURN(std::string row_array, TextArrayLiteral(rows));
  FB_ASSIGN_OR_RETURN(std::string customer_array, TextArrayLiteral(customers));
  return db_
      .Exec(
          "INSERT INTO fb_change_log (seq, table_code, row_id, customer_id) "
          "SELECT * FROM unnest($1::bigint[], $2::integer[], $3::text[], $4::text[])",
          {seq_array, table_array, row_array, customer_array})
      .status();
}

Result<std::vector<PgLoggedChange>> PgChangeLog::After(uint64_t cursor, size_t limit) {
  FB_RETURN_IF_ERROR(CheckPage(cursor, limit));
  FB_ASSIGN_OR_RETURN(PgRows rows,
                      db_.Exec("SELECT seq, table_code, row_id, customer_id FROM fb_change_log "
                               "WHERE seq > $1 ORDER BY seq LIMIT $2",
                               {cursor, static_cast<uint64_t>(limit)}));
  return Paged(cursor, rows);
}

Result<std::vector<PgLoggedChange>> PgChangeLog::FeedAfter(const std::string& rep_id,
                                                           uint64_t cursor, size_t limit) {
  FB_RETURN_IF_ERROR(CheckPage(cursor, limit));
  if (rep_id.empty()) return Status::InvalidArgument("PgChangeLog::FeedAfter: no rep");
  // The rep's entries and the shared ones, each an index range read only as far as the page goes.
  FB_ASSIGN_OR_RETURN(
      PgRows rows,
      db_.Exec("SELECT f.seq, f.tbl, coalesce(l.row_id, ''), coalesce(l.customer_id, '') FROM ("
               "(SELECT seq, tbl FROM srv_feed WHERE rep_id = $1 AND seq > $2 ORDER BY seq "
               "LIMIT $3) UNION (SELECT seq, tbl FROM srv_feed WHERE rep_id = '' AND seq > $2 "
               "ORDER BY seq LIMIT $3)) AS f LEFT JOIN fb_change_log l ON l.seq = f.seq "
               "ORDER BY f.seq LIMIT $3",
               {rep_id, cursor, static_cast<uint64_t>(limit)}));
  return Paged(cursor, rows);
}

Result<std::vector<PgLoggedChange>> PgChangeLog::Paged(uint64_t cursor, const PgRows& rows) {
  // The floor is read AFTER the entries: a Forget that committed before the entries were read has
  // raised it by now, so a page with a hole is never returned as whole.
  FB_ASSIGN_OR_RETURN(uint64_t floor, Floor());
  if (cursor < floor) {
    return Status::NotFound("cursor " + std::to_string(cursor) +
                            " is below the change stream's floor " + std::to_string(floor) +
                            ": rebuild from a snapshot");
  }
  return Entries(rows);
}

Result<size_t> PgChangeLog::Forget(uint64_t floor, size_t limit) {
  if (limit == 0 || limit > kMaxAppend) {
    return Status::InvalidArgument("PgChangeLog::Forget: 1 to " + std::to_string(kMaxAppend) +
                                   " entries at a time");
  }
  if (floor > kMaxSeq) return Status::InvalidArgument("PgChangeLog::Forget: floor out of range");
  FB_ASSIGN_OR_RETURN(auto tx, PgTransaction::Begin(db_));
  FB_ASSIGN_OR_RETURN(
      PgRows raised, db_.Exec("UPDATE fb_hub_seq SET floor = greatest(floor, $1) WHERE $1 <= value "
                              "RETURNING floor",
                              {floor}));
  if (raised.size() != 1) {
    return Status::InvalidArgument("PgChangeLog::Forget: floor " + std::to_string(floor) +
                                   " is above the latest sequence number");
  }
  FB_ASSIGN_OR_RETURN(
      PgRows deleted,
      db_.Exec(
          "WITH gone AS (DELETE FROM fb_change_log WHERE seq IN (SELECT seq FROM fb_change_log "
          "WHERE seq <= $1 ORDER BY seq LIMIT $2) RETURNING seq), "
          "unfed AS (DELETE FROM srv_feed WHERE seq IN (SELECT seq FROM gone)) "
          "SELECT count(*) FROM gone",
          {raised.Int(0, 0), static_cast<uint64_t>(limit)}));
  FB_RETURN_IF_ERROR(tx->Commit());
  return static_cast<size_t>(deleted.Int(0, 0));
}

Result<size_t> PgChangeLog::ForgetUpTo(uint64_t up_to, size_t limit) {
  if (limit == 0 || limit > kMaxAppend) {
    return Status::InvalidArgument("PgChangeLog::ForgetUpTo: 1 to " + std::to_string(kMaxAppend) +
                                   " entries at a time");
  }
  if (up_to > kMaxSeq) return Status::InvalidArgument("PgChangeLog::ForgetUpTo: out of range");
  FB_ASSIGN_OR_RETURN(
      PgRows deleted,
      db_.Exec("WITH gone AS (DELETE FROM fb_change_log WHERE seq IN (SELECT seq FROM "
               "fb_change_log WHERE seq <= least($1, (SELECT floor FROM fb_hub_seq)) ORDER BY seq "
               "LIMIT $2) RETURNING seq), "
               "unfed AS (DELETE FROM srv_feed WHERE seq IN (SELECT seq FROM gone)) "
               "SELECT count(*) FROM gone",
               {up_to, static_cast<uint64_t>(limit)}));
  return static_cast<size_t>(deleted.Int(0, 0));
}

Result<uint64_t> PgChangeLog::Floor() {
  FB_ASSIGN_OR_RETURN(PgRows rows, db_.Exec("SELECT floor FROM fb_hub_seq"));
  if (rows.size() != 1) return Status::Corrupt("postgresql: fb_hub_seq has no row");
  return static_cast<uint64_t>(rows.Int(0, 0));
}

Result<uint64_t> PgChangeLog::FeedFloor() {
  FB_ASSIGN_OR_RETURN(PgRows rows, db_.Exec("SELECT feed_floor FROM fb_hub_seq"));
  if (rows.size() != 1) return Status::Corrupt("postgresql: fb_hub_seq has no row");
  return static_cast<uint64_t>(rows.Int(0, 0));
}

Result<uint64_t> PgChangeLog::LatestSeq() {
  FB_ASSIGN_OR_RETURN(PgRows rows, db_.Exec("SELECT value FROM fb_hub_seq"));
  if (rows.size() != 1) return Status::Corrupt("postgresql: fb_hub_seq has no row");
  return static_cast<uint64_t>(rows.Int(0, 0));
}

Status PgChangeLog::AdvanceSeq(uint64_t at_least) {
  if (at_least > kMaxSeq) return Status::InvalidArgument("AdvanceSeq: out of range");
  return db_.Exec("UPDATE fb_hub_seq SET value = greatest(value, $1)", {at_least}).status();
}

}  // namespace fieldbook::pg
