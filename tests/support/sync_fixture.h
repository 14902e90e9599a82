// Helpers for tests that drive replicas and a hub in one process: SQL with bound values, and one
// in-process sync round (push, acknowledge, pull every page) through the real wire codec.
#ifndef FIELDBOOK_TESTS_SUPPORT_SYNC_FIXTURE_H_
#define FIELDBOOK_TESTS_SUPPORT_SYNC_FIXTURE_H_

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>

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

}  // namespace fieldbook::testing

#endif  // FIELDBOOK_TESTS_SUPPORT_SYNC_FIXTURE_H_
