// A rep's device attacks visit check-ins (issue #18; visit_checkins, a mutable table scoped to its
// customer): the real fieldbook-server receives, over HTTP with a valid rep token, one change set
// holding an honest offline day of 200 check-ins with the visits their check-outs recorded, and
// crafted check-ins: one for another rep's customer, an edit of another rep's check-in, probes of
// another rep's visits (answered "out of scope" whether the visit exists or not), one in another
// rep's name, visit_ids
// naming a visit of another customer (of this rep, of another rep, and one pushed after it in the
// same set) or no visit, and absurd coordinates. Then sets with a
// column named twice and a NaN latitude. Each crafted row is refused with a reason that names the
// rule, nothing of it is written, the other rep's data is unchanged, and the honest rows land.
#include <gtest/gtest.h>

#include <limits>
#include <map>
#include <string>
#include <vector>

#include "crafted_push_fixture.h"
#include "support/sync_fixture.h"

namespace fieldbook::testing {
namespace {

class VisitCheckinHostileTest : public CraftedPushFixture {
 protected:
  void Run(Replica& replica, const std::string& sql) {
    ASSERT_TRUE(Exec(replica.db(), sql).ok()) << sql;
  }
};

TEST_F(VisitCheckinHostileTest, CraftedCheckInsAreRefusedAndTheHonestDayLands) {
  ASSERT_NO_FATAL_FAILURE(StartWithTwoReps());
  const std::string& token_a = token_a_;
  const std::string& token_b = token_b_;

  // Rep B's customer, visit and check-in, on the server.
  auto device_b = OpenReplica("device-b");
  ASSERT_NE(device_b, nullptr);
  Run(*device_b, "INSERT INTO customers (id, name, owner_rep_id) VALUES ('c-b', '别家', 'rep-b')");
  Run(*device_b,
      "INSERT INTO visits (id, customer_id, rep_id, check_in) VALUES ('v-b', 'c-b', 'rep-b', "
      "'2026-11-20T02:00:00Z')");
  Run(*device_b,
      "INSERT INTO visit_checkins (id, customer_id, rep_id, check_in, lat, lon) VALUES ('ck-b', "
      "'c-b', 'rep-b', '2026-11-23T01:00:00Z', 22.54, 114.05)");
  ASSERT_TRUE(Sync(*device_b, token_b).ok());
  const std::string b_before = ServerExport("rep-b");
  ASSERT_NE(b_before.find("ck-b"), std::string::npos);

  // Rep A: two customers, a visit of the second, synced.
  auto device = OpenReplica("device-a");
  ASSERT_NE(device, nullptr);
  Run(*device, "INSERT INTO customers (id, name, owner_rep_id) VALUES ('c-a1', '鑫达', 'rep-a')");
  Run(*device, "INSERT INTO customers (id, name, owner_rep_id) VALUES ('c-a2', '顺通', 'rep-a')");
  Run(*device,
      "INSERT INTO visits (id, customer_id, rep_id, check_in) VALUES ('v-a2', 'c-a2', 'rep-a', "
      "'2026-11-21T02:00:00Z')");
  ASSERT_TRUE(Sync(*device, token_a).ok());

  // An honest day offline, as client/store/visits.cc writes it: check in (location known or not),
  // record the visit at check-out, set the check-in's visit_id.
  constexpr int kDay = 200;
  for (int i = 0; i < kDay; ++i) {
    const std::string n = std::to_string(i);
    const std::string customer = i % 2 == 0 ? "c-a1" : "c-a2";
    const std::string where = i % 3 == 0 ? "NULL, NULL" : "23.13, 113.33";
    Run(*device,
        "INSERT INTO visit_checkins (id, customer_id, rep_id, check_in, lat, lon) VALUES "
        "('ck-" +
            n + "', '" + customer + "', 'rep-a', '2026-11-23T02:00:00Z', " + where + ")");
    Run(*device, "INSERT INTO visits (id, customer_id, rep_id, check_in, check_out) VALUES ('vi-" +
                     n + "', '" + customer +
                     "', 'rep-a', '2026-11-23T02:00:00Z', '2026-11-23T02:40:00Z')");
    Run(*device, "UPDATE visit_checkins SET visit_id = 'vi-" + n + "' WHERE id = 'ck-" + n + "'");
  }
  auto push = device->PreparePush();
  ASSERT_TRUE(push.ok() && push->has_value()) << push.status().ToString();
  ChangeSet set = **push;
  ASSERT_EQ(set.rows.size(), 2u * kDay);
  const Hlc stamp = set.rows[0].columns[0].hlc;
  const uint32_t origin = set.rows[0].columns[0].origin;

  auto col = [&](const char* name, Value v) {
    return ColumnChange{name, std::move(v), stamp, origin};
  };
  auto checkin = [&](const char* id, const char* customer, const char* rep, const char* visit,
                     double lat, double lon) {
    RowChange row{"visit_checkins",
                  id,
                  {col("customer_id", S(customer)), col("rep_id", S(rep)),
                   col("check_in", S("2026-11-23T03:00:00Z")), col("lat", Value(lat)),
                   col("lon", Value(lon))}};
    if (visit != nullptr) row.columns.push_back(col("visit_id", S(visit)));
    return row;
  };
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<RowChange> crafted = {
      checkin("ck-their-customer", "c-b", "rep-a", nullptr, 22.5, 114.0),
      checkin("ck-other-customer-visit", "c-a1", "rep-a", "v-a2", 23.1, 113.3),
      checkin("ck-other-rep-visit", "c-a1", "rep-a", "v-b", 23.1, 113.3),
      checkin("ck-visit-later-in-set", "c-a1", "rep-a", "v-late", 23.1, 113.3),
      checkin("ck-no-visit", "c-a1", "rep-a", "no-such-visit", 23.1, 113.3),
      checkin("ck-north-of-the-pole", "c-a1", "rep-a", nullptr, 91.0, 113.3),
      checkin("ck-infinite", "c-a1", "rep-a", nullptr, 23.1, inf),
      // Probes of another rep's customer: its real visit and a guess must get the same answer.
      checkin("ck-probe-their-visit", "c-b", "rep-a", "v-b", 22.5, 114.0),
      checkin("ck-probe-guessed-visit", "c-b", "rep-a", "v-guess", 22.5, 114.0),
      // A check-in of rep A's own customer in rep B's name.
      checkin("ck-in-their-name", "c-a1", "rep-b", nullptr, 23.1, 113.3),
      // Rep B's own check-in, checked out by rep A (with rep B's visit of that customer).
      RowChange{"visit_checkins", "ck-b", {col("visit_id", S("v-b"))}},
  };
  for (const RowChange& r : crafted) set.rows.push_back(r);
  // An honest visit of c-a2, after the check-in of c-a1 that names it.
  set.rows.push_back(RowChange{"visits",
                               "v-late",
                               {col("customer_id", S("c-a2")), col("rep_id", S("rep-a")),
                                col("check_in", S("2026-11-23T03:00:00Z"))}});

  std::map<std::string, RowRejection> refused;
  ASSERT_NO_FATAL_FAILURE(PushCrafted(*device, set, token_a, refused));
  for (const RowChange& r : crafted) EXPECT_EQ(refused.count(r.row_id), 1u) << r.row_id;
  EXPECT_EQ(refused.size(), crafted.size()) << "an honest row was refused";
  EXPECT_EQ(refused["ck-their-customer"].code, "out_of_scope");
  EXPECT_EQ(refused["ck-other-customer-visit"].code, "invalid");
  EXPECT_EQ(refused["ck-other-customer-visit"].reason,
            "visit_id v-a2 is not a visits row of customer c-a1");
  EXPECT_EQ(refused["ck-other-rep-visit"].reason,
            "visit_id v-b is not a visits row of customer c-a1");
  EXPECT_EQ(refused["ck-visit-later-in-set"].reason,
            "visit_id v-late is not a visits row of customer c-a1");
  EXPECT_EQ(refused["ck-no-visit"].reason,
            "visit_id no-such-visit is not a visits row of customer c-a1");
  EXPECT_EQ(refused["ck-north-of-the-pole"].code, "constraint");
  EXPECT_EQ(refused["ck-infinite"].code, "constraint");
  EXPECT_EQ(refused["ck-b"].code, "out_of_scope");
  // Scope is judged first: a refusal says nothing about another rep's visits.
  EXPECT_EQ(refused["ck-probe-their-visit"].code, "out_of_scope");
  EXPECT_EQ(refused["ck-probe-guessed-visit"].code, "out_of_scope");
  EXPECT_EQ(refused["ck-probe-their-visit"].reason, refused["ck-probe-guessed-visit"].reason);
  EXPECT_EQ(refused["ck-in-their-name"].code, "invalid");
  EXPECT_EQ(refused["ck-in-their-name"].reason,
            "a visit_checkins row is recorded in the name of the rep who pushes it (rep_id = "
            "rep-a)");

  // Nothing crafted was written; the honest day and the later visit landed; rep B's data is as it
  // was.
  const std::string a_after = ServerExport("rep-a");
  for (const RowChange& r : crafted) {
    EXPECT_EQ(a_after.find("\"" + r.row_id + "\""), std::string::npos) << r.row_id;
  }
  for (const char* id : {"\"ck-0\"", "\"vi-0\"", "\"ck-199\"", "\"vi-199\"", "\"v-late\""}) {
    EXPECT_NE(a_after.find(id), std::string::npos) << id;
  }
  EXPECT_EQ(ServerExport("rep-b"), b_before);

  // A column named twice, and a NaN latitude: the whole request is refused, nothing is written.
  auto refused_set = [&](RowChange row) {
    ChangeSet bad = set;
    bad.set_id = set.set_id + "-bad-" + row.row_id;
    bad.rows = {std::move(row)};
    auto r = PushRaw(*device, bad, token_a);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->status, 400) << row.row_id << ": " << r->body;
  };
  RowChange twice = checkin("ck-twice", "c-a1", "rep-a", nullptr, 23.1, 113.3);
  twice.columns.push_back(col("customer_id", S("c-b")));
  ASSERT_NO_FATAL_FAILURE(refused_set(twice));
  ASSERT_NO_FATAL_FAILURE(refused_set(checkin("ck-nan", "c-a1", "rep-a", nullptr,
                                              std::numeric_limits<double>::quiet_NaN(), 113.3)));
  EXPECT_EQ(ServerExport("rep-a"), a_after);

  // Both devices still sync: B is unchanged, A converges with the server.
  ASSERT_TRUE(Sync(*device_b, token_b).ok());
  EXPECT_EQ(QueryValue(device_b->db(), "SELECT visit_id FROM visit_checkins WHERE id = 'ck-b'"),
            Value());
  ASSERT_TRUE(Sync(*device, token_a).ok());
}

}  // namespace
}  // namespace fieldbook::testing
