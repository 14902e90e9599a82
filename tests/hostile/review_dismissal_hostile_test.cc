// A rep's device attacks review dismissals (issue #19; review_dismissals, an insert-only fact in
// the rep's name, scoped to its customer): the real fieldbook-server receives, over HTTP with a
// valid rep token, one change set holding 300 honest dismissals (and one of a garage that moved
// away from the rep, which the rep may still record) with crafted ones: in another rep's name, of
// another rep's garage, of a garage that does not exist, of no garage, with a note over 500
// characters; then an edit of a recorded dismissal. Each crafted row is refused with the rule's
// code, nothing of it is written, and both devices still sync.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "crafted_push_fixture.h"
#include "integration/server_process.h"
#include "support/sync_fixture.h"

namespace fieldbook::testing {
namespace {

class ReviewDismissalHostileTest : public CraftedPushFixture {
 protected:
  void Run(Replica& replica, const std::string& sql) {
    ASSERT_TRUE(Exec(replica.db(), sql).ok()) << sql;
  }
  void Dismissal(Replica& replica, const std::string& id, const std::string& customer) {
    Run(replica,
        "INSERT INTO review_dismissals (id, customer_id, rep_id, tbl, row_id, code, refused, "
        "dismissed_at, note) VALUES ('" +
            id + "', '" + customer + "', 'rep-a', 'customers', '" + customer +
            "', 'reassigned', '{\"notes\":\"late\"}', '2026-11-23T09:00:00Z', '客户不同意')");
  }
};

TEST_F(ReviewDismissalHostileTest, CraftedDismissalsAreRefusedAndTheHonestOnesLand) {
  ASSERT_NO_FATAL_FAILURE(StartWithTwoReps());
  auto device_b = OpenReplica("device-b");
  ASSERT_NE(device_b, nullptr);
  Run(*device_b, "INSERT INTO customers (id, name, owner_rep_id) VALUES ('c-b', '别家', 'rep-b')");
  ASSERT_TRUE(Sync(*device_b, token_b_).ok());

  auto device = OpenReplica("device-a");
  ASSERT_NE(device, nullptr);
  Run(*device, "INSERT INTO customers (id, name, owner_rep_id) VALUES ('c-a1', '鑫达', 'rep-a')");
  Run(*device,
      "INSERT INTO customers (id, name, owner_rep_id) VALUES ('c-moved', '顺通', 'rep-a')");
  ASSERT_TRUE(Sync(*device, token_a_).ok());
  CommandResult moved = RunServerCommand(
      {"customer", "reassign", "--db", db_, "--customer", "c-moved", "--to", "rep-b"});
  ASSERT_EQ(moved.exit_code, 0) << moved.err;

  constexpr int kHonest = 300;
  for (int i = 0; i < kHonest; ++i) Dismissal(*device, "d-" + std::to_string(i), "c-a1");
  Dismissal(*device, "d-moved", "c-moved");  // the rep held it: may still record the dismissal
  auto push = device->PreparePush();
  ASSERT_TRUE(push.ok() && push->has_value()) << push.status().ToString();
  ChangeSet set = **push;
  ASSERT_EQ(set.rows.size(), static_cast<size_t>(kHonest + 1));
  const Hlc stamp = set.rows[0].columns[0].hlc;
  const uint32_t origin = set.rows[0].columns[0].origin;
  auto col = [&](const char* name, Value v) {
    return ColumnChange{name, std::move(v), stamp, origin};
  };
  auto dismissal = [&](const char* id, const char* customer, const char* rep,
                       const std::string& note) {
    RowChange row{"review_dismissals",
                  id,
                  {col("rep_id", S(rep)), col("tbl", S("customers")), col("row_id", S("c-a1")),
                   col("code", S("reassigned")), col("note", S(note.c_str()))}};
    if (customer != nullptr)
      row.columns.insert(row.columns.begin(), col("customer_id", S(customer)));
    return row;
  };
  const std::vector<RowChange> crafted = {
      dismissal("d-in-their-name", "c-a1", "rep-b", "x"),
      dismissal("d-their-garage", "c-b", "rep-a", "x"),
      dismissal("d-no-such-garage", "c-nowhere", "rep-a", "x"),
      dismissal("d-no-garage", nullptr, "rep-a", "x"),
      dismissal("d-long-note", "c-a1", "rep-a", std::string(501, 'x')),
  };
  for (const RowChange& r : crafted) set.rows.push_back(r);
  std::map<std::string, RowRejection> refused;
  ASSERT_NO_FATAL_FAILURE(PushCrafted(*device, set, token_a_, refused));
  EXPECT_EQ(refused.size(), crafted.size()) << "an honest row was refused";
  EXPECT_EQ(refused["d-in-their-name"].code, "invalid");
  EXPECT_EQ(refused["d-in-their-name"].reason,
            "a review_dismissals row is recorded in the name of the rep who pushes it (rep_id = "
            "rep-a)");
  EXPECT_EQ(refused["d-their-garage"].code, "out_of_scope");
  EXPECT_EQ(refused["d-no-such-garage"].code, "out_of_scope");
  EXPECT_EQ(refused["d-no-garage"].code, "invalid");
  EXPECT_EQ(refused["d-long-note"].code, "constraint");

  const std::string a_after = ServerExport("rep-a");
  const std::string b_after = ServerExport("rep-b");
  for (const RowChange& r : crafted) {
    EXPECT_EQ(a_after.find("\"" + r.row_id + "\""), std::string::npos) << r.row_id;
    EXPECT_EQ(b_after.find("\"" + r.row_id + "\""), std::string::npos) << r.row_id;
  }
  EXPECT_NE(a_after.find("\"d-0\""), std::string::npos);
  EXPECT_NE(a_after.find("\"d-299\""), std::string::npos);
  EXPECT_NE(b_after.find("\"d-moved\""), std::string::npos) << "it follows its garage";

  // A recorded dismissal is a fact: an edit of it is refused, nothing changes.
  ChangeSet edit = set;
  edit.set_id = set.set_id + "-edit";
  const Hlc later = Hlc::FromParts(wall_.NowMs(), 0);  // newer than the recorded row's
  edit.rows = {RowChange{
      "review_dismissals", "d-0", {ColumnChange{"note", S("changed my mind"), later, origin}}}};
  refused.clear();
  ASSERT_NO_FATAL_FAILURE(PushCrafted(*device, edit, token_a_, refused));
  ASSERT_EQ(refused.count("d-0"), 1u);
  EXPECT_EQ(refused["d-0"].code, "immutable_fact");
  EXPECT_EQ(ServerExport("rep-a"), a_after);

  // Both devices still sync.
  ASSERT_TRUE(Sync(*device_b, token_b_).ok());
  EXPECT_EQ(QueryValue(device_b->db(), "SELECT count(*) FROM review_dismissals"), I(1));
  ASSERT_TRUE(Sync(*device, token_a_).ok());
}

}  // namespace
}  // namespace fieldbook::testing
