// Per-rep feeds (docs/sync.md, "Steady state: per-rep feeds"; issue 12): with 1,000 reps (200 on
// PostgreSQL) on the hub all at work, a rep's steady-state pull reads its own changes only; a
// reassignment or a pool claim is a diff of the customer concerned; rows every rep receives,
// tombstones and the rows of a customer that changed hands arrive; compaction trims the feeds; a
// cursor from before the feeds existed is served by the old walk. The real SyncService answers
// the real SyncEngine on real replica files with small pages.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <map>
#include <sstream>

#include "api/sync_service.h"
#include "fieldbook/replica.h"
#include "http/metrics.h"
#include "support/line_diff.h"
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

class RepFeedTest : public fieldbook::testing::ServiceSyncFixture {
 protected:
  // 1,000 reps on the hub; on PostgreSQL 200: the same feeds, walks, trims and bounds with a fifth
  // of the hub's rows (the figures below say 3,000 changes a round: 600 there). The SQLite run
  // keeps the scale.
  static int Reps() { return fieldbook::testing::ServerStoresOnPostgres() ? 200 : 1000; }
  static constexpr uint32_t kPage = 5;  // rows a page unless a test says otherwise

  static std::string Rep(int i) {
    if (i == 0) return "rep-x";
    if (i == 1) return "rep-y";
    char id[16];
    std::snprintf(id, sizeof id, "rep-%04d", i);
    return id;
  }
  static std::string Customer(int rep, int c) {
    char id[24];
    std::snprintf(id, sizeof id, "c%04d-%d", rep, c);
    return id;
  }

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenStore());
    for (int i = 0; i < 2; ++i) {
      auto added = store_->AddRep(NewRep{Rep(i), Rep(i), "rep", "", "", ""});
      ASSERT_TRUE(added.ok());
      tokens_[Rep(i)] = added->second;
    }
    // 1,000 reps, each with 2 garages of 2 contacts and 2 visits.
    std::vector<RowWrite> rows;
    for (int i = 0; i < Reps(); ++i) {
      if (i >= 2) {
        rows.push_back(RowWrite{
            "reps", Rep(i), {{"name", S(Rep(i).c_str())}, {"role", S("rep")}, {"active", I(1)}}});
      }
      for (int c = 0; c < 2; ++c) {
        const std::string id = Customer(i, c);
        rows.push_back(
            RowWrite{"customers",
                     id,
                     {{"name", S(("鑫达 " + id).c_str())}, {"owner_rep_id", S(Rep(i).c_str())}}});
        for (int k = 0; k < 2; ++k) {
          const std::string n = std::to_string(k);
          rows.push_back(RowWrite{
              "contacts", "k" + id + "-" + n, {{"customer_id", S(id.c_str())}, {"name", S("王")}}});
          rows.push_back(RowWrite{"visits",
                                  "v" + id + "-" + n,
                                  {{"customer_id", S(id.c_str())},
                                   {"rep_id", S(Rep(i).c_str())},
                                   {"notes", S("换刹车片")}}});
        }
      }
    }
    ASSERT_NO_FATAL_FAILURE(Seed(rows));
    StartService();
  }

  // Every rep's three changes: the notes of both garages and a visit to the first; 3,000 in all.
  // Round 1 goes through the per-row path (ServerStore::Write, a manager's command), later rounds
  // through the bulk path (WriteBulk, the import's and the grading job's), which stores the same
  // rows, versions and feed entries with far fewer statements: both paths feed the assertions, and
  // on PostgreSQL a round costs a few round trips rather than ~10 a row.
  void EveryRepWorks(int round) {
    std::vector<RowWrite> rows;
    std::vector<bool> fresh;  // the visits are new, the garages' notes are edits
    const std::string r = std::to_string(round);
    for (int i = 0; i < Reps(); ++i) {
      for (int c = 0; c < 2; ++c) {
        rows.push_back(RowWrite{"customers", Customer(i, c), {{"notes", S(("第" + r).c_str())}}});
        fresh.push_back(false);
      }
      rows.push_back(RowWrite{"visits",
                              "v" + Customer(i, 0) + "-r" + r,
                              {{"customer_id", S(Customer(i, 0).c_str())},
                               {"rep_id", S(Rep(i).c_str())},
                               {"notes", S("回访")}}});
      fresh.push_back(true);
    }
    auto written = round == 1 ? store_->Write(rows) : store_->WriteBulk(rows, fresh);
    ASSERT_TRUE(written.ok()) << written.status().ToString();
    ASSERT_TRUE(written->rejections.empty()) << written->rejections[0].reason;
  }

  // Rows of the export that belong to `customer` (its own line and its rows').
  static size_t RowsOf(const std::string& text, const std::string& customer) {
    size_t n = 0;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
      if (line.find("\"" + customer + "\"") != std::string::npos) ++n;
    }
    return n;
  }
  // The lines only one of two exports has (empty when they are equal), to keep failures short.
  static std::string Diff(const std::string& device, const std::string& server) {
    return fieldbook::testing::LineDiff(device, server, "device", "server", SIZE_MAX);
  }
  int64_t Count(const std::string& sql, std::initializer_list<Value> params = {}) {
    return std::get<int64_t>(QueryValue(store_->sql(), sql, params));
  }
  uint64_t Latest() { return *store_->hub().LatestSeq(); }

  std::map<std::string, std::string> tokens_;
};

TEST_F(RepFeedTest, ASteadyStatePullReadsOnlyTheRepsOwnChanges) {
  auto device = OpenDevice("x-1");
  ServiceTransport transport(*service_, tokens_["rep-x"]);
  ASSERT_TRUE(SyncDevice(*device, transport, 200).ok());
  ASSERT_EQ(Diff(DeviceExport(*device), ServerExport("rep-x")), "");
  const uint64_t cursor = device->cursor();
  EveryRepWorks(1);

  // 3,000 changes on the hub, 3 of them rep-x's: the feed holds those 3, and one page of 5 rows
  // holds all of them (walking the hub's changes would take 600 such pages).
  EXPECT_EQ(Count("SELECT count(*) FROM srv_feed WHERE rep_id IN ('', 'rep-x') AND seq > ?",
                  {I(static_cast<int64_t>(cursor))}),
            3);
  auto page = store_->PullForRep("rep-x", cursor, 5);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_FALSE(page->more);
  EXPECT_EQ(page->changes.rows.size(), 3u);
  EXPECT_EQ(page->changes.cursor, Latest());

  // The device: one exchange of 5-row pages brings exactly those rows.
  transport.exchanges = 0;
  auto report = SyncDevice(*device, transport, kPage);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(transport.exchanges, 1);
  EXPECT_EQ(report->rows_received, 3u);
  EXPECT_EQ(Diff(DeviceExport(*device), ServerExport("rep-x")), "");

  // The device's own edit goes up and comes back in the same exchange, whatever the others do.
  EveryRepWorks(2);
  wall_.Advance(1000);
  ASSERT_TRUE(Exec(device->db(), "UPDATE customers SET notes = '我改的' WHERE id = ?",
                   {S(Customer(0, 1).c_str())})
                  .ok());
  transport.exchanges = 0;
  report = SyncDevice(*device, transport, kPage);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(transport.exchanges, 1);
  EXPECT_EQ(Diff(DeviceExport(*device), ServerExport("rep-x")), "");
  EXPECT_NE(DeviceExport(*device).find("我改的"), std::string::npos);

  // Rows every rep receives (a new territory, another rep's record) and a tombstone.
  ASSERT_TRUE(store_->AddTerritory("天河", "GD", "广州").ok());
  ASSERT_TRUE(store_->Write({RowWrite{"reps", Rep(7), {{"phone", S("13800000007")}}}}).ok());
  ASSERT_TRUE(
      store_->Write({RowWrite{"contacts", "k" + Customer(0, 0) + "-1", {{"deleted", I(1)}}}}).ok());
  EveryRepWorks(3);
  transport.exchanges = 0;
  report = SyncDevice(*device, transport, 10);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(transport.exchanges, 1);
  EXPECT_EQ(report->rows_received, 6u);
  EXPECT_EQ(Diff(DeviceExport(*device), ServerExport("rep-x")), "");
}

TEST_F(RepFeedTest, AScopeChangeIsADiffOfTheCustomerConcerned) {
  auto x = OpenDevice("x-1");
  auto y = OpenDevice("y-1");
  ServiceTransport to_x(*service_, tokens_["rep-x"]);
  ServiceTransport to_y(*service_, tokens_["rep-y"]);
  ASSERT_TRUE(SyncDevice(*x, to_x, 200).ok());
  ASSERT_TRUE(SyncDevice(*y, to_y, 200).ok());
  const std::string moved = Customer(1, 0);  // rep-y's
  EveryRepWorks(1);

  // rep-y's garage moves to rep-x: rep-x's device receives that garage's rows (and its own three
  // changes) in one exchange, although the page holds 5 rows.
  ASSERT_TRUE(store_->ReassignCustomer(moved, "rep-x", "test").ok());
  to_x.exchanges = 0;
  auto report = SyncDevice(*x, to_x, kPage);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  std::string expected = ServerExport("rep-x");
  EXPECT_EQ(to_x.exchanges, 1);
  EXPECT_EQ(report->rows_received, RowsOf(expected, moved) + 3);
  EXPECT_EQ(Diff(DeviceExport(*x), expected), "");

  // While rep-x holds it: rep-x's device edits it, the hub deletes a contact and logs a visit.
  wall_.Advance(1000);
  ASSERT_TRUE(
      Exec(x->db(), "UPDATE customers SET notes = 'x 改的' WHERE id = ?", {S(moved.c_str())}).ok());
  ASSERT_TRUE(SyncDevice(*x, to_x, kPage).ok());
  ASSERT_TRUE(store_->Write({RowWrite{"contacts", "k" + moved + "-0", {{"deleted", I(1)}}}}).ok());
  ASSERT_TRUE(store_
                  ->Write({RowWrite{"visits",
                                    "v-while-x",
                                    {{"customer_id", S(moved.c_str())},
                                     {"rep_id", S("rep-x")},
                                     {"notes", S("x 的拜访")}}}})
                  .ok());
  ASSERT_TRUE(SyncDevice(*x, to_x, kPage).ok());
  EXPECT_EQ(Diff(DeviceExport(*x), ServerExport("rep-x")), "");

  // Back to rep-y: its device receives the garage as it is now, with what happened meanwhile
  // (those changes went to rep-x's feed, not to rep-y's); rep-x's device drops it. A page of 20
  // rows holds it and rep-y's own three changes.
  ASSERT_TRUE(store_->ReassignCustomer(moved, "rep-y", "test").ok());
  to_y.exchanges = 0;
  report = SyncDevice(*y, to_y, 20);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  expected = ServerExport("rep-y");
  EXPECT_EQ(to_y.exchanges, 1);
  // rep-y's own changes since its last sync: one of the other garage, two of this one (its notes,
  // since changed again, and a visit, sent once).
  EXPECT_EQ(report->rows_received, RowsOf(expected, moved) + 1);
  EXPECT_NE(expected.find("x 改的"), std::string::npos);
  EXPECT_NE(expected.find("x 的拜访"), std::string::npos);
  EXPECT_EQ(Diff(DeviceExport(*y), expected), "");
  report = SyncDevice(*x, to_x, kPage);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->customers_evicted, 1u);
  EXPECT_EQ(Diff(DeviceExport(*x), ServerExport("rep-x")), "");

  // Held by nobody (the pool), edited there, then claimed by rep-x: the claim brings the edit.
  ASSERT_TRUE(store_->SetCustomerOwner(moved, "", "to the pool").ok());
  ASSERT_TRUE(store_->Write({RowWrite{"customers", moved, {{"notes", S("公海里改的")}}}}).ok());
  report = SyncDevice(*y, to_y, kPage);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->customers_evicted, 1u);
  EXPECT_EQ(Diff(DeviceExport(*y), ServerExport("rep-y")), "");
  ASSERT_TRUE(store_->SetCustomerOwner(moved, "rep-x", "claimed").ok());
  to_x.exchanges = 0;
  report = SyncDevice(*x, to_x, kPage);
  ASSERT_TRUE(report.ok());
  expected = ServerExport("rep-x");
  EXPECT_EQ(to_x.exchanges, 1);
  EXPECT_EQ(report->rows_received, RowsOf(expected, moved));
  EXPECT_NE(expected.find("公海里改的"), std::string::npos);
  EXPECT_EQ(Diff(DeviceExport(*x), expected), "");
}

TEST_F(RepFeedTest, CompactionTrimsTheFeedsInBoundedStepsAndPullsCarryOn) {
  auto x = OpenDevice("x-1");
  auto y = OpenDevice("y-1");
  ServiceTransport to_x(*service_, tokens_["rep-x"]);
  ServiceTransport to_y(*service_, tokens_["rep-y"]);
  ASSERT_TRUE(SyncDevice(*x, to_x, 200).ok());
  ASSERT_TRUE(SyncDevice(*y, to_y, 200).ok());
  EveryRepWorks(1);
  EveryRepWorks(2);
  ASSERT_TRUE(SyncDevice(*x, to_x, 200).ok());
  const uint64_t bound = Latest() + 1;
  EveryRepWorks(3);
  const int64_t below = Count("SELECT count(*) FROM srv_feed WHERE seq < ?", {I(bound)});
  const int64_t above = Count("SELECT count(*) FROM srv_feed WHERE seq >= ?", {I(bound)});
  EXPECT_GT(below, 6 * Reps());
  EXPECT_EQ(above, 3 * Reps());

  // Nothing above the history floor goes (a pull from there reads the feed).
  FeedTrim none;
  auto kept = store_->TrimFeeds(none, bound, 100000);
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(kept->forgotten, 0u);
  EXPECT_TRUE(kept->done);
  ASSERT_EQ(*store_->RaiseHistoryFloor(bound - 1), bound - 1);

  // Bounded steps: each forgets at most its limit, and only entries below the bound.
  int64_t forgotten = 0;
  int steps = 0;
  for (FeedTrim trim; !trim.done; ++steps) {
    auto next = store_->TrimFeeds(trim, bound, 500);
    ASSERT_TRUE(next.ok()) << next.status().ToString();
    trim = *next;
    EXPECT_LE(trim.forgotten, 500u);
    forgotten += static_cast<int64_t>(trim.forgotten);
    ASSERT_LT(steps, 1000);
  }
  EXPECT_EQ(forgotten, below);
  EXPECT_GE(steps, static_cast<int>(below / 500));
  EXPECT_EQ(Count("SELECT count(*) FROM srv_feed WHERE seq < ?", {I(bound)}), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM srv_feed WHERE seq >= ?", {I(bound)}), above);

  // rep-x's device, at the floor, pulls from its feed as before.
  to_x.exchanges = 0;
  auto report = SyncDevice(*x, to_x, kPage);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(to_x.exchanges, 1);
  EXPECT_EQ(report->rows_received, 3u);
  EXPECT_EQ(Diff(DeviceExport(*x), ServerExport("rep-x")), "");

  // The history trim forgets them too, with the scope events. rep-x synced after the floor: one
  // exchange, as before; rep-y is behind it and rebuilds.
  EveryRepWorks(4);
  ASSERT_TRUE(SyncDevice(*x, to_x, kPage).ok());
  const uint64_t floor = Latest();
  ASSERT_TRUE(store_->TrimHistory(floor, 0).ok());
  EXPECT_EQ(Count("SELECT count(*) FROM srv_feed WHERE seq < ?", {I(static_cast<int64_t>(floor))}),
            0);
  EveryRepWorks(5);
  to_x.exchanges = 0;
  report = SyncDevice(*x, to_x, kPage);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(to_x.exchanges, 1);
  EXPECT_FALSE(report->rebuilt);
  EXPECT_EQ(Diff(DeviceExport(*x), ServerExport("rep-x")), "");
  report = SyncDevice(*y, to_y, kPage);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->rebuilt);
  EXPECT_EQ(Diff(DeviceExport(*y), ServerExport("rep-y")), "");
  EveryRepWorks(6);
  to_y.exchanges = 0;
  ASSERT_TRUE(SyncDevice(*y, to_y, kPage).ok());
  EXPECT_EQ(to_y.exchanges, 1);
  EXPECT_EQ(Diff(DeviceExport(*y), ServerExport("rep-y")), "");
}

TEST_F(RepFeedTest, ACursorFromBeforeTheFeedsIsServedByWalkingTheHistory) {
  auto x = OpenDevice("x-1");
  ServiceTransport to_x(*service_, tokens_["rep-x"]);
  ASSERT_TRUE(SyncDevice(*x, to_x, 200).ok());
  const uint64_t cursor = x->cursor();
  EveryRepWorks(1);
  // As if the database had been upgraded to feeds after these changes: no entries for them.
  ASSERT_TRUE(Exec(store_->sql(), "DELETE FROM srv_feed").ok());
  // (SQLite keeps the floor in fb_meta, PostgreSQL in fb_hub_seq.)
  ASSERT_TRUE(Exec(store_->sql(),
                   store_->sql().dialect() == SqlDialect::kPostgres
                       ? "UPDATE fb_hub_seq SET feed_floor = ?"
                       : "UPDATE fb_meta SET value = ? WHERE key = 'feed_floor'",
                   {I(static_cast<int64_t>(Latest()))})
                  .ok());
  auto page = store_->PullForRep("rep-x", cursor, 5);
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->more);  // the walk: 5 of the hub's 3,000 changes
  to_x.exchanges = 0;
  auto report = SyncDevice(*x, to_x, static_cast<uint32_t>(Reps()));
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_GE(to_x.exchanges, 3);
  EXPECT_EQ(report->rows_received, 3u);
  EXPECT_EQ(Diff(DeviceExport(*x), ServerExport("rep-x")), "");
  // From there on the feed serves it.
  EveryRepWorks(2);
  to_x.exchanges = 0;
  report = SyncDevice(*x, to_x, kPage);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(to_x.exchanges, 1);
  EXPECT_EQ(report->rows_received, 3u);
  EXPECT_EQ(Diff(DeviceExport(*x), ServerExport("rep-x")), "");
}

}  // namespace
}  // namespace fieldbook::server
