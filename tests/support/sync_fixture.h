// Helpers for tests that drive replicas and a hub in one process: SQL with bound values, and one
// in-process sync round (push, acknowledge, pull every page) through the real wire codec.
#ifndef FIELDBOOK_TESTS_SUPPORT_SYNC_FIXTURE_H_
#define FIELDBOOK_TESTS_SUPPORT_SYNC_FIXTURE_H_

#include <gtest/gtest.h>

#include <algorithm>
#include <initializer_list>
#include <string>
#include <vector>

#include "fieldbook/change_set_codec.h"
#include "fieldbook/hub.h"
#include "fieldbook/replica.h"
#include "fieldbook/sqlite_db.h"

namespace fieldbook::testing {

inline Status Exec(Db& db, const std::string& sql, std::initializer_list<Value> params = {}) {
  FB_ASSIGN_OR_RETURN(Statement * stmt, db.Prepare(sql));
  int i = 1;
  for (const Value& v : params) stmt->Bind(i++, v);
  return stmt->Run();
}

inline Value QueryValue(Db& db, const std::string& sql, std::initializer_list<Value> params = {}) {
  auto stmt = db.Prepare(sql);
  EXPECT_TRUE(stmt.ok()) << stmt.status().ToString();
  if (!stmt.ok()) return {};
  int i = 1;
  for (const Value& v : params) (*stmt)->Bind(i++, v);
  auto row = (*stmt)->Step();
  EXPECT_TRUE(row.ok()) << row.status().ToString();
  if (!row.ok() || !*row) return {};
  Value v = (*stmt)->Get(0);
  (*stmt)->Reset();
  return v;
}

inline Value S(const char* s) { return Value(std::string(s)); }
inline Value I(int64_t i) { return Value(i); }

// Push (through the codec, both ways), acknowledge, then pull until the hub has nothing more.
inline Status SyncOnce(Replica& replica, Hub& hub, size_t page_rows = 0) {
  FB_ASSIGN_OR_RETURN(std::optional<ChangeSet> push, replica.PreparePush());
  while (push) {
    FB_ASSIGN_OR_RETURN(ChangeSet wire, DecodeChangeSet(EncodeChangeSet(*push)));
    FB_ASSIGN_OR_RETURN(PushResult result, hub.ApplyPush(wire));
    FB_RETURN_IF_ERROR(replica.AcknowledgePush(result));
    FB_ASSIGN_OR_RETURN(push, replica.PreparePush());
  }
  while (true) {
    FB_ASSIGN_OR_RETURN(PullPage page, hub.Pull(replica.cursor(), page_rows));
    FB_ASSIGN_OR_RETURN(ChangeSet wire, DecodeChangeSet(EncodeChangeSet(page.changes)));
    FB_ASSIGN_OR_RETURN(PullStats stats, replica.ApplyPull(wire));
    (void)stats;
    if (!page.more) return Status::Ok();
  }
}

// One column a local write queued for the next push, with the row's value now.
struct CapturedEdit {
  std::string table;
  std::string row_id;
  std::string column;
  Value value;
  Hlc hlc;
};

// Every column the replica's outbox holds with a stamp above `after`, and `after` moved up to the
// newest: one replica's stamps strictly increase, so called after each write it yields exactly
// that write's edits (the simulations' "no accepted edit is lost" checks).
inline Result<std::vector<CapturedEdit>> CapturedSince(Replica& replica, Hlc& after) {
  Db& db = replica.db();
  FB_ASSIGN_OR_RETURN(Statement * outbox, db.Prepare("SELECT tbl, row_id, cols, hlc FROM fb_outbox "
                                                     "WHERE hlc > ? ORDER BY hlc"));
  outbox->Bind(1, static_cast<int64_t>(after.packed()));
  struct Entry {
    int tbl;
    std::string row;
    uint64_t cols;
    Hlc hlc;
  };
  std::vector<Entry> entries;
  while (true) {
    FB_ASSIGN_OR_RETURN(bool row, outbox->Step());
    if (!row) break;
    entries.push_back({static_cast<int>(outbox->Int(0)), outbox->Text(1),
                       static_cast<uint64_t>(outbox->Int(2)),
                       Hlc(static_cast<uint64_t>(outbox->Int(3)))});
  }
  outbox->Reset();
  std::vector<CapturedEdit> out;
  for (const Entry& e : entries) {
    after = std::max(after, e.hlc);
    const TableInfo& t = *replica.catalog().ByCode(e.tbl);
    for (size_t i = 0; i < t.columns.size(); ++i) {
      if (((e.cols >> i) & 1) == 0) continue;
      Value v =
          QueryValue(db, "SELECT \"" + t.columns[i] + "\" FROM \"" + t.name + "\" WHERE id = ?",
                     {Value(e.row)});
      out.push_back(CapturedEdit{t.name, e.row, t.columns[i], std::move(v), e.hlc});
    }
  }
  return out;
}

}  // namespace fieldbook::testing

#endif  // FIELDBOOK_TESTS_SUPPORT_SYNC_FIXTURE_H_
