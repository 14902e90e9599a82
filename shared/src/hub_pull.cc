// Hub's reads (hub.h): pulls after a cursor (whole-stream and per-rep feeds), snapshot pages, and
// the rows verification asks for. The same statements on both backends of the storage seam, save
// SQLite's index hints and PostgreSQL's byte order of ids (Hub::Pick).
#include <algorithm>
#include <set>
#include <utility>

#include "fieldbook/hub.h"
#include "hub_internals.h"
#include "merge_engine.h"

namespace fieldbook {

Status Hub::AppendRow(const TableInfo& t, const std::string& row_id, ChangeSet& out,
                      std::vector<int64_t>& origin_map) {
  FB_ASSIGN_OR_RETURN(StoredRow row, in_->merge->ReadRow(t, row_id));
  if (!row.exists) return Status::Ok();
  AppendStoredRow(t, row_id, row, out, origin_map);
  return Status::Ok();
}

void Hub::AppendStoredRow(const TableInfo& t, const std::string& row_id, const StoredRow& row,
                          ChangeSet& out, std::vector<int64_t>& origin_map) {
  RowChange rc{t.name, row_id, {}};
  for (size_t i = 0; i < t.columns.size(); ++i) {
    const ColumnVersion& v = row.versions[i];
    // The whole written row, not just the columns changed after the cursor: a column changed
    // within an earlier page's range may have been cut from it because its row changed again
    // later; resending known columns is harmless, the merge ignores them.
    if (v.empty()) continue;
    if (origin_map.size() <= v.origin) origin_map.resize(v.origin + 1, 0);
    if (origin_map[v.origin] == 0) {
      out.origins.push_back(in_->origins.IdOf(v.origin));
      origin_map[v.origin] = static_cast<int64_t>(out.origins.size());
    }
    rc.columns.push_back(ColumnChange{t.columns[i], row.values[i], v.hlc,
                                      static_cast<uint32_t>(origin_map[v.origin] - 1)});
  }
  if (!rc.columns.empty()) out.rows.push_back(std::move(rc));
}

Result<PullPage> Hub::Pull(uint64_t cursor, size_t limit, PullScope* scope) {
  SqlDb& db = *sql_;
  if (limit == 0) limit = options_.default_page_rows;
  limit = std::min(limit, options_.max_page_rows);

  // A read transaction gives one consistent snapshot across the tables.
  FB_ASSIGN_OR_RETURN(std::unique_ptr<SqlTransaction> snapshot, db.BeginRead());

  if (scope != nullptr) {
    // One past the page, so the page knows whether there is more.
    FB_ASSIGN_OR_RETURN(auto feed, scope->FeedAfter(cursor, limit + 1));
    if (feed) return PullFeed(cursor, limit, *scope, *feed);
  }

  // Items after the cursor from every source, merged in sequence order: each table's rows, read
  // whole in _seq order one at a time (one statement per table and page, rather than one per
  // row), and the scope's events. A source is read one item past what the page takes, which is
  // how the page knows there is more.
  struct Source {
    const TableInfo* table;
    SqlStatement* rows;
    bool has_row = false;
    uint64_t seq = 0;
  };
  std::vector<Source> sources;
  sources.reserve(catalog_.tables().size());
  for (const TableInfo& t : catalog_.tables()) {
    // Catalog identifiers only; values are bound.
    // Never more than the page takes from one source (PostgreSQL reads a result whole).
    FB_ASSIGN_OR_RETURN(SqlStatement * rows,
                        db.Prepare("SELECT " + StoredRowColumns(t) + " FROM \"" + t.name +
                                   "\" WHERE _seq > ?1 ORDER BY _seq LIMIT ?2"));
    rows->Bind(1, static_cast<int64_t>(cursor)).Bind(2, static_cast<int64_t>(limit + 1));
    sources.push_back(Source{&t, rows});
  }
  // Leaves no statement mid-scan, whichever way Pull returns.
  struct ResetSources {
    std::vector<Source>& sources;
    ~ResetSources() {
      for (Source& s : sources) s.rows->Reset();
    }
  } reset_sources{sources};
  auto advance = [](Source& s) -> Status {
    FB_ASSIGN_OR_RETURN(s.has_row, s.rows->Step());
    const int seq_column = static_cast<int>(s.table->columns.size() + 1);
    if (s.has_row) s.seq = static_cast<uint64_t>(s.rows->Int(seq_column));
    return Status::Ok();
  };
  for (Source& s : sources) FB_RETURN_IF_ERROR(advance(s));
  std::vector<ScopeEvent> events;
  if (scope != nullptr) {
    FB_ASSIGN_OR_RETURN(events, scope->EventsAfter(cursor, limit + 1));
  }
  size_t next_event = 0;

  PullPage page;
  ChangeSet& out = page.changes;
  out.replica_id = options_.hub_id;
  std::vector<int64_t> origin_map;  // registry index -> index in out.origins (+1), 0 = unmapped
  uint64_t last = cursor;
  size_t taken = 0;
  StoredRow row;
  while (taken < limit && out.rows.size() < limit) {
    Source* next = nullptr;
    for (Source& s : sources) {
      if (s.has_row && (next == nullptr || s.seq < next->seq)) next = &s;
    }
    const bool event_next =
        next_event < events.size() && (next == nullptr || events[next_event].seq < next->seq);
    if (next == nullptr && !event_next) break;  // nothing more after the cursor
    ++taken;
    if (event_next) {
      const ScopeEvent& event = events[next_event++];
      last = event.seq;
      if (event.added && scope->IncludesCustomer(event.customer_id)) {
        // What the customer had before the puller's cursor never reached it: send it now. Its
        // rows changed after the cursor come in sequence order anyway.
        for (const TableInfo& t : catalog_.tables()) {
          if (t.customer_column.empty()) continue;
          FB_ASSIGN_OR_RETURN(
              SqlStatement * ids,
              db.Prepare("SELECT id FROM \"" + t.name + "\" WHERE \"" + t.customer_column +
                         "\" = ? AND _seq <= ? ORDER BY " + Pick("id", "id COLLATE \"C\"")));
          ids->Bind(1, event.customer_id).Bind(2, static_cast<int64_t>(cursor));
          std::vector<std::string> row_ids;
          while (true) {
            FB_ASSIGN_OR_RETURN(bool found, ids->Step());
            if (!found) break;
            row_ids.push_back(ids->Text(0));
          }
          for (const std::string& id : row_ids)
            FB_RETURN_IF_ERROR(AppendRow(t, id, out, origin_map));
        }
      } else if (!event.added && !scope->IncludesCustomer(event.customer_id) &&
                 std::find(out.evicted_customers.begin(), out.evicted_customers.end(),
                           event.customer_id) == out.evicted_customers.end()) {
        out.evicted_customers.push_back(event.customer_id);
      }
      continue;
    }
    const TableInfo& t = *next->table;
    SqlStatement& stmt = *next->rows;
    last = next->seq;
    const std::string id = stmt.Text(static_cast<int>(t.columns.size() + 2));
    // A customer row's scope is its id: skip other reps' customers without decoding them.
    bool include = scope == nullptr || t.customer_column != "id" || scope->IncludesCustomer(id);
    if (include) {
      FB_RETURN_IF_ERROR(DecodeStoredRow(t, stmt, row));
      if (scope != nullptr && t.customer_column_index >= 0) {
        const auto* cid = std::get_if<std::string>(&row.values[t.customer_column_index]);
        include = scope->IncludesCustomer(cid != nullptr ? *cid : std::string());
      }
    }
    if (include) AppendStoredRow(t, id, row, out, origin_map);
    FB_RETURN_IF_ERROR(advance(*next));
  }
  bool more = next_event < events.size();
  for (const Source& s : sources) more |= s.has_row;
  page.more = more;
  out.cursor = last;
  out.set_id = "pull-" + std::to_string(cursor) + "-" + std::to_string(out.cursor);
  return page;
}

Status Hub::AppendCustomerRows(const std::string& customer_id, uint64_t up_to, ChangeSet& out,
                               std::vector<int64_t>& origin_map) {
  StoredRow row;
  for (const TableInfo& t : catalog_.tables()) {
    if (t.customer_column.empty()) continue;
    // Catalog identifiers only; values are bound. The unary + keeps SQLite on the customer index
    // (PostgreSQL has no unary + for text, and orders ids by bytes only when told).
    FB_ASSIGN_OR_RETURN(
        SqlStatement * rows,
        sql_->Prepare("SELECT " + StoredRowColumns(t) + " FROM \"" + t.name + "\" WHERE \"" +
                      t.customer_column + "\" = ?1 AND " +
                      Pick("+_seq <= ?2 ORDER BY +id", "_seq <= ?2 ORDER BY id COLLATE \"C\"")));
    rows->Bind(1, customer_id).Bind(2, static_cast<int64_t>(up_to));
    const int id_column = static_cast<int>(t.columns.size() + 2);
    Status failed;
    while (failed.ok()) {
      auto found = rows->Step();
      if (!found.ok()) failed = found.status();
      if (!found.ok() || !*found) break;
      failed = DecodeStoredRow(t, *rows, row);
      if (failed.ok()) AppendStoredRow(t, rows->Text(id_column), row, out, origin_map);
    }
    rows->Reset();
    FB_RETURN_IF_ERROR(failed);
  }
  return Status::Ok();
}

// A pull from the puller's own feed (docs/sync.md, "Steady state: per-rep feeds"), merged in
// sequence order with its scope events. An entry's row is the one whose latest change is the
// entry's: a row that changed again has a later entry of its own (or, when it changed while
// someone else held its customer, the scope event that brought the customer back brings it), so
// an entry that finds no row is passed over.
Result<PullPage> Hub::PullFeed(uint64_t cursor, size_t limit, PullScope& scope,
                               const std::vector<FeedEntry>& feed) {
  FB_ASSIGN_OR_RETURN(std::vector<ScopeEvent> events, scope.EventsAfter(cursor, limit + 1));
  PullPage page;
  ChangeSet& out = page.changes;
  out.replica_id = options_.hub_id;
  std::vector<int64_t> origin_map;
  uint64_t last = cursor;
  size_t next_entry = 0, next_event = 0, taken = 0;
  StoredRow row;
  // Rows already in this page (a customer's rows as of its scope event may include rows an
  // earlier entry of the page sent): each row once.
  std::set<std::pair<int, std::string>> sent;
  auto note_sent = [&](size_t from) {
    for (size_t i = from; i < out.rows.size(); ++i) {
      const TableInfo* t = catalog_.Find(out.rows[i].table);
      if (t != nullptr) sent.emplace(t->code, out.rows[i].row_id);
    }
  };
  // Every source was read one item past the page (when it had one): the merge never passes an
  // item it has not seen.
  while (taken < limit && out.rows.size() < limit) {
    const bool has_entry = next_entry < feed.size();
    const bool has_event = next_event < events.size();
    if (!has_entry && !has_event) break;
    ++taken;
    if (has_event && (!has_entry || events[next_event].seq < feed[next_entry].seq)) {
      const ScopeEvent& event = events[next_event++];
      last = event.seq;
      if (event.added && scope.IncludesCustomer(event.customer_id)) {
        // The customer's changes before the event went to whoever held it then: its rows as of
        // the event. Its later changes are in this feed.
        const size_t first = out.rows.size();
        FB_RETURN_IF_ERROR(AppendCustomerRows(event.customer_id, event.seq, out, origin_map));
        out.rows.erase(
            std::remove_if(out.rows.begin() + static_cast<std::ptrdiff_t>(first), out.rows.end(),
                           [&](const RowChange& rc) {
                             const TableInfo* t = catalog_.Find(rc.table);
                             return t != nullptr && sent.count({t->code, rc.row_id}) != 0;
                           }),
            out.rows.end());
        note_sent(first);
      } else if (!event.added && !scope.IncludesCustomer(event.customer_id) &&
                 std::find(out.evicted_customers.begin(), out.evicted_customers.end(),
                           event.customer_id) == out.evicted_customers.end()) {
        out.evicted_customers.push_back(event.customer_id);
      }
      continue;
    }
    const FeedEntry& entry = feed[next_entry++];
    last = entry.seq;
    const TableInfo* t = catalog_.ByCode(entry.table);
    if (t == nullptr) continue;
    // Catalog identifiers only; values are bound. Found through the table's _seq index.
    FB_ASSIGN_OR_RETURN(SqlStatement * read,
                        sql_->Prepare("SELECT " + StoredRowColumns(*t) + " FROM \"" + t->name +
                                      "\" WHERE _seq = ?"));
    read->Bind(1, static_cast<int64_t>(entry.seq));
    auto found = read->Step();
    Status decoded = !found.ok() ? found.status()
                     : *found    ? DecodeStoredRow(*t, *read, row)
                                 : Status::Ok();
    const std::string id =
        found.ok() && *found ? read->Text(static_cast<int>(t->columns.size() + 2)) : std::string();
    read->Reset();
    FB_RETURN_IF_ERROR(decoded);
    if (id.empty() || sent.count({t->code, id}) != 0) continue;
    if (!t->customer_column.empty()) {
      const std::string* customer = &id;
      if (t->customer_column != "id") {
        customer = t->customer_column_index >= 0
                       ? std::get_if<std::string>(&row.values[t->customer_column_index])
                       : nullptr;
      }
      if (customer == nullptr || !scope.IncludesCustomer(*customer)) continue;
    }
    AppendStoredRow(*t, id, row, out, origin_map);
    sent.emplace(t->code, id);
  }
  page.more = next_entry < feed.size() || next_event < events.size();
  out.cursor = last;
  out.set_id = "pull-" + std::to_string(cursor) + "-" + std::to_string(out.cursor);
  return page;
}

Result<SnapshotPage> Hub::PullSnapshot(const SnapshotPosition& from, size_t limit,
                                       PullScope* scope) {
  SqlDb& db = *sql_;
  if (limit == 0) limit = options_.default_page_rows;
  limit = std::min(limit, options_.max_page_rows);
  const std::vector<TableInfo>& tables = catalog_.tables();
  if (from.table < -1 || from.table >= static_cast<int>(tables.size())) {
    return Status::InvalidArgument("snapshot position names table " + std::to_string(from.table));
  }
  FB_ASSIGN_OR_RETURN(std::unique_ptr<SqlTransaction> snapshot, db.BeginRead());

  SnapshotPage page;
  ChangeSet& out = page.changes;
  out.replica_id = options_.hub_id;
  std::vector<int64_t> origin_map;
  SnapshotPosition pos = from;
  const auto seq = static_cast<int64_t>(from.seq);
  StoredRow row;
  const std::vector<std::string>* customers =
      scope != nullptr ? &scope->SortedCustomers() : nullptr;
  // Appends the rows `stmt` yields until the page is full; returns whether it is. `at` is told
  // each row's id as it is sent.
  auto drain = [&](const TableInfo& t, SqlStatement& stmt, std::string& at) -> Result<bool> {
    const int id_col = static_cast<int>(t.columns.size() + 2);
    while (out.rows.size() < limit) {
      FB_ASSIGN_OR_RETURN(bool found, stmt.Step());
      if (!found) return false;
      FB_RETURN_IF_ERROR(DecodeStoredRow(t, stmt, row));
      at = stmt.Text(id_col);
      AppendStoredRow(t, at, row, out, origin_map);
    }
    return true;
  };
  // Catalog identifiers only; values are bound. The unary + keeps SQLite on the customer index
  // (an ordered walk of the whole table by id would read every rep's rows); PostgreSQL has no
  // unary + for text and orders ids by bytes only when told. A statement reads at most what the
  // page still takes (PostgreSQL reads a result whole).
  const std::string id_order = Pick("id", "id COLLATE \"C\"");
  for (int ti = std::max(pos.table, 0); ti < static_cast<int>(tables.size()); ++ti) {
    const TableInfo& t = tables[ti];
    if (ti != pos.table) pos = SnapshotPosition{from.seq, ti, {}, {}};
    const std::string cols = StoredRowColumns(t);
    if (customers == nullptr || t.customer_column.empty()) {
      FB_ASSIGN_OR_RETURN(SqlStatement * stmt,
                          db.Prepare("SELECT " + cols + " FROM \"" + t.name + "\" WHERE " +
                                     id_order + " > ?1 AND " + Pick("+_seq", "_seq") +
                                     " <= ?2 ORDER BY " + id_order + " LIMIT ?3"));
      stmt->Bind(1, pos.id).Bind(2, seq).Bind(3, static_cast<int64_t>(limit - out.rows.size()));
      auto full = drain(t, *stmt, pos.id);
      stmt->Reset();
      FB_RETURN_IF_ERROR(full.status());
      if (*full) {
        page.next = pos;
        return page;
      }
      continue;
    }
    const bool by_id = t.customer_column == "id";
    FB_ASSIGN_OR_RETURN(
        SqlStatement * stmt,
        db.Prepare(by_id ? "SELECT " + cols + " FROM customers WHERE id = ?1 AND " +
                               Pick("+_seq", "_seq") + " <= ?2"
                         : "SELECT " + cols + " FROM \"" + t.name + "\" WHERE \"" +
                               t.customer_column + "\" = ?1 AND " +
                               Pick("+id > ?3 AND +_seq <= ?2 ORDER BY +id LIMIT ?4",
                                    "id COLLATE \"C\" > ?3 AND _seq <= ?2 ORDER BY id COLLATE "
                                    "\"C\" LIMIT ?4")));
    auto it = std::lower_bound(customers->begin(), customers->end(), pos.customer);
    // A customer cut off within its rows is resumed after its last row sent; a complete one is
    // passed.
    if (it != customers->end() && *it == pos.customer && (by_id || pos.id.empty())) ++it;
    for (; it != customers->end(); ++it) {
      if (*it != pos.customer) pos.id.clear();
      pos.customer = *it;
      stmt->Reset();
      stmt->Bind(1, pos.customer).Bind(2, seq);
      if (!by_id) stmt->Bind(3, pos.id).Bind(4, static_cast<int64_t>(limit - out.rows.size()));
      std::string last;
      auto full = drain(t, *stmt, last);
      stmt->Reset();
      FB_RETURN_IF_ERROR(full.status());
      if (*full) {
        // Cut within this customer's rows (customers hold one row of their own: complete).
        pos.id = by_id ? std::string() : last;
        page.next = pos;
        return page;
      }
      pos.id.clear();
    }
  }
  return page;  // complete
}

Result<ChangeSet> Hub::ReadRowsByKey(const TableInfo& table, const std::vector<std::string>& keys) {
  ChangeSet out;
  out.replica_id = options_.hub_id;
  std::vector<int64_t> origin_map;
  const std::string& key_column = BucketKeyColumn(table);
  // Catalog identifiers only; values are bound.
  FB_ASSIGN_OR_RETURN(SqlStatement * ids,
                      sql_->Prepare("SELECT id FROM \"" + table.name + "\" WHERE \"" + key_column +
                                    "\" = ? ORDER BY " + Pick("id", "id COLLATE \"C\"")));
  for (const std::string& key : keys) {
    ids->Reset();
    ids->Bind(1, key);
    std::vector<std::string> row_ids;
    while (true) {
      FB_ASSIGN_OR_RETURN(bool row, ids->Step());
      if (!row) break;
      row_ids.push_back(ids->Text(0));
    }
    for (const std::string& id : row_ids) FB_RETURN_IF_ERROR(AppendRow(table, id, out, origin_map));
  }
  return out;
}

}  // namespace fieldbook
