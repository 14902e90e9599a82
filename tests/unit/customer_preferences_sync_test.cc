// Customer preferences (issue #18; schema/sql/domain/0021_customer_preferences.sql) through the
// catalog alone: rows the hub and three devices of two reps write reach every device in small
// pages, edits on both sides merge column by column, a reassigned customer's preferences move with
// it, and a device can write neither preferences of another rep's customer nor a row naming its
// customer twice. The real SyncService answers the real SyncEngine on real replica files.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "fieldbook/change_set_codec.h"
#include "store/record_store.h"
#include "support/service_sync_fixture.h"
#include "support/service_transport.h"
#include "support/sync_fixture.h"

namespace fieldbook::server {
namespace {

using fieldbook::testing::Exec;
using fieldbook::testing::I;
using fieldbook::testing::QueryValue;
using fieldbook::testing::S;
using fieldbook::testing::ServiceTransport;

// Each rep's customers: 150 (600 preferences, ~107 pages of 7 rows a device); on PostgreSQL 30
// (120 preferences, ~22 pages), the same paging, merges and moves at a fifth of the rows: the
// SQLite run keeps the larger shape.
int CustomersPerRep() { return fieldbook::testing::ServerStoresOnPostgres() ? 30 : 150; }
constexpr int kPrefsPerCustomer = 4;

std::string Customer(const std::string& rep, int c) { return "c-" + rep + "-" + std::to_string(c); }
std::string Pref(const std::string& customer, int k) {
  return "p-" + customer + "-" + std::to_string(k);
}

class CustomerPreferencesSyncTest : public fieldbook::testing::ServiceSyncFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenStore());
    const char* const kinds[] = {"brand", "payment_terms", "delivery", "other"};
    const char* const values[] = {"博世", "月结", "上午送货", "发票随货"};
    std::vector<RowWrite> rows;
    for (const std::string rep : {"rep-x", "rep-y"}) {
      auto added = store_->AddRep(NewRep{rep, rep, "rep", "", "", ""});
      ASSERT_TRUE(added.ok());
      tokens_[rep] = added->second;
      for (int c = 0; c < CustomersPerRep(); ++c) {
        const std::string id = Customer(rep, c);
        rows.push_back(
            RowWrite{"customers",
                     id,
                     {{"name", S(("鑫达 " + id).c_str())}, {"owner_rep_id", S(rep.c_str())}}});
        for (int k = 0; k < kPrefsPerCustomer; ++k) {
          rows.push_back(RowWrite{"customer_preferences",
                                  Pref(id, k),
                                  {{"customer_id", S(id.c_str())},
                                   {"kind", S(kinds[k])},
                                   {"value", S(values[k])},
                                   {"note", S("经理录入")}}});
        }
      }
    }
    ASSERT_NO_FATAL_FAILURE(Seed(rows));
    StartService();
  }

  // One whole sync of `device` as `rep`, in pages of 7 rows.
  Status Sync(Replica& device, const std::string& rep) {
    ServiceTransport transport(*service_, tokens_[rep]);
    auto report = SyncDevice(device, transport, 7);
    return report.ok() ? Status::Ok() : report.status();
  }
  // On a device's replica (Db) or on the server's store (SqlDb, either backend).
  template <typename Connection>
  static int64_t Count(Connection& db, const std::string& sql,
                       std::initializer_list<Value> params = {}) {
    return std::get<int64_t>(QueryValue(db, sql, params));
  }
  template <typename Connection>
  static Value Column(Connection& db, const std::string& column, const std::string& id) {
    return QueryValue(db, "SELECT " + column + " FROM customer_preferences WHERE id = ?",
                      {S(id.c_str())});
  }

  std::map<std::string, std::string> tokens_;
};

TEST_F(CustomerPreferencesSyncTest, PagesMergePerColumnAndMoveWithTheirCustomer) {
  auto x1 = OpenDevice("x-1");
  auto x2 = OpenDevice("x-2");
  auto y1 = OpenDevice("y-1");
  ASSERT_TRUE(Sync(*x1, "rep-x").ok());
  ASSERT_TRUE(Sync(*x2, "rep-x").ok());
  ASSERT_TRUE(Sync(*y1, "rep-y").ok());
  // Each device holds its rep's 600 (PostgreSQL: 120) preferences and none of the other rep's.
  for (Replica* d : {x1.get(), x2.get(), y1.get()}) {
    EXPECT_EQ(Count(d->db(), "SELECT count(*) FROM customer_preferences"),
              CustomersPerRep() * kPrefsPerCustomer);
  }
  EXPECT_EQ(Count(x1->db(),
                  "SELECT count(*) FROM customer_preferences WHERE customer_id LIKE "
                  "'c-rep-y-%'"),
            0);
  ASSERT_EQ(DeviceExport(*x1), ServerExport("rep-x"));

  // Both sides edit the same preference: x-1 its note, the hub (a manager) its value, x-2 marks
  // another removed and adds a new one. Every column keeps its newest writer.
  const std::string c0 = Customer("rep-x", 0);
  const std::string p = Pref(c0, 1);
  wall_.Advance(1000);
  ASSERT_TRUE(Exec(x1->db(), "UPDATE customer_preferences SET note = '每月25号对账' WHERE id = ?",
                   {S(p.c_str())})
                  .ok());
  wall_.Advance(1000);
  ASSERT_TRUE(store_->Write({RowWrite{"customer_preferences", p, {{"value", S("季结")}}}}).ok());
  wall_.Advance(1000);
  ASSERT_TRUE(Exec(x2->db(), "UPDATE customer_preferences SET deleted = 1 WHERE id = ?",
                   {S(Pref(c0, 2).c_str())})
                  .ok());
  ASSERT_TRUE(Exec(x2->db(),
                   "INSERT INTO customer_preferences (id, customer_id, kind, value) VALUES "
                   "('p-new', ?, 'brand', '马勒')",
                   {S(c0.c_str())})
                  .ok());
  for (int round = 0; round < 2; ++round) {
    ASSERT_TRUE(Sync(*x1, "rep-x").ok());
    ASSERT_TRUE(Sync(*x2, "rep-x").ok());
  }
  for (Replica* d : {x1.get(), x2.get()}) {
    EXPECT_EQ(Column(d->db(), "note", p), S("每月25号对账"));
    EXPECT_EQ(Column(d->db(), "value", p), S("季结"));
    EXPECT_EQ(Column(d->db(), "kind", p), S("payment_terms"));
    EXPECT_EQ(Column(d->db(), "deleted", Pref(c0, 2)), I(1));
    EXPECT_EQ(Column(d->db(), "value", "p-new"), S("马勒"));
    EXPECT_EQ(DeviceExport(*d), ServerExport("rep-x"));
  }
  EXPECT_EQ(Column(store_->sql(), "note", p), S("每月25号对账"));

  // The customer moves to rep-y: its preferences, edits included, leave rep-x's devices and
  // arrive on rep-y's.
  ASSERT_TRUE(store_->ReassignCustomer(c0, "rep-y", "manager:test", "territory change").ok());
  ASSERT_TRUE(Sync(*x1, "rep-x").ok());
  ASSERT_TRUE(Sync(*y1, "rep-y").ok());
  EXPECT_EQ(Count(x1->db(), "SELECT count(*) FROM customer_preferences WHERE customer_id = ?",
                  {S(c0.c_str())}),
            0);
  EXPECT_EQ(Count(y1->db(), "SELECT count(*) FROM customer_preferences WHERE customer_id = ?",
                  {S(c0.c_str())}),
            kPrefsPerCustomer + 1);
  EXPECT_EQ(Column(y1->db(), "note", p), S("每月25号对账"));
  EXPECT_EQ(DeviceExport(*x1), ServerExport("rep-x"));
  EXPECT_EQ(DeviceExport(*y1), ServerExport("rep-y"));

  // Managers read them through the catalog-driven record store, paged.
  RecordStore records(*store_);
  RecordQuery q{"customer_preferences", c0, "", 2, false};
  auto page = records.List(q);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_EQ(page->rows.size(), 2u);
  EXPECT_FALSE(page->next.empty());
  q.after = page->next;
  q.limit = 100;
  auto rest = records.List(q);
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(page->rows.size() + rest->rows.size(), static_cast<size_t>(kPrefsPerCustomer));
  q.include_deleted = true;
  q.after.clear();
  EXPECT_EQ(records.List(q)->rows.size(), static_cast<size_t>(kPrefsPerCustomer + 1));
  EXPECT_EQ(records.List({"no_such_table", "", "", 10, false}).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(records.List({"products", "c-1", "", 10, false}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(records.List({"customer_preferences", "", "", 1001, false}).status().code(),
            StatusCode::kInvalidArgument);
}

// A device of rep-y crafts pushes: a new preference of rep-x's customer, an edit of one of rep-x's
// preferences (its id from another rep), a preference that names customer_id twice (its own
// customer, then rep-x's). Each is refused and nothing of rep-x's changes; rep-y's honest row in
// the same set lands.
TEST_F(CustomerPreferencesSyncTest, ADeviceCannotWriteAnotherRepsCustomersPreferences) {
  auto y1 = OpenDevice("y-1");
  ASSERT_TRUE(Sync(*y1, "rep-y").ok());
  const std::string mine = Customer("rep-y", 0);
  const std::string theirs = Customer("rep-x", 0);
  ASSERT_TRUE(Exec(y1->db(),
                   "INSERT INTO customer_preferences (id, customer_id, kind, value) VALUES "
                   "('p-honest', ?, 'brand', '马勒')",
                   {S(mine.c_str())})
                  .ok());
  auto push = y1->PreparePush();
  ASSERT_TRUE(push.ok() && push->has_value());
  ChangeSet set = **push;
  const Hlc stamp = set.rows[0].columns[0].hlc;
  const uint32_t origin = set.rows[0].columns[0].origin;
  auto col = [&](const char* name, Value v) {
    return ColumnChange{name, std::move(v), stamp, origin};
  };
  set.rows.push_back(RowChange{"customer_preferences",
                               "p-forged",
                               {col("customer_id", S(theirs.c_str())),
                                col("kind", S("payment_terms")), col("value", S("现结"))}});
  set.rows.push_back(RowChange{"customer_preferences", Pref(theirs, 1), {col("value", S("现结"))}});
  set.rows.push_back(RowChange{"customer_preferences", Pref(theirs, 2), {col("deleted", I(1))}});
  SyncRequest request;
  request.replica_id = y1->replica_id();
  request.has_push = true;
  request.push = set;
  request.pull_cursor = y1->cursor();
  ServiceTransport transport(*service_, tokens_["rep-y"]);
  HttpResponse answer = transport.Raw(request);
  ASSERT_EQ(answer.status, 200) << answer.body;
  auto response = DecodeSyncResponse(answer.body);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  ASSERT_EQ(response->push_result.rejections.size(), 3u);
  for (const RowRejection& r : response->push_result.rejections) {
    EXPECT_EQ(r.table, "customer_preferences");
    EXPECT_EQ(r.code, "out_of_scope") << r.row_id << ": " << r.reason;
  }
  SqlDb& hub = store_->sql();
  EXPECT_EQ(Count(hub, "SELECT count(*) FROM customer_preferences WHERE id = 'p-forged'"), 0);
  EXPECT_EQ(Column(hub, "value", Pref(theirs, 1)), S("月结"));
  EXPECT_EQ(Column(hub, "deleted", Pref(theirs, 2)), I(0));
  EXPECT_EQ(Column(hub, "value", "p-honest"), S("马勒"));

  // customer_id twice: the whole set is refused before any row is looked at.
  ASSERT_TRUE(
      Exec(y1->db(), "UPDATE customer_preferences SET note = 'x' WHERE id = 'p-honest'").ok());
  push = y1->PreparePush();
  ASSERT_TRUE(push.ok() && push->has_value());
  set = **push;
  set.rows.push_back(RowChange{"customer_preferences",
                               "p-twice",
                               {col("customer_id", S(mine.c_str())), col("kind", S("brand")),
                                col("value", S("博世")), col("customer_id", S(theirs.c_str()))}});
  request.push = set;
  request.pull_cursor = y1->cursor();
  answer = transport.Raw(request);
  EXPECT_EQ(answer.status, 400) << answer.body;
  EXPECT_NE(answer.body.find("customer_id appears twice"), std::string::npos) << answer.body;
  EXPECT_EQ(Count(hub, "SELECT count(*) FROM customer_preferences WHERE id = 'p-twice'"), 0);
  EXPECT_EQ(Count(hub, "SELECT count(*) FROM customer_preferences WHERE customer_id = ?",
                  {S(theirs.c_str())}),
            kPrefsPerCustomer);

  // The device still syncs: its pending set, then the note.
  for (int round = 0; round < 2; ++round) ASSERT_TRUE(Sync(*y1, "rep-y").ok());
  EXPECT_EQ(Column(hub, "note", "p-honest"), S("x"));
}

}  // namespace
}  // namespace fieldbook::server
