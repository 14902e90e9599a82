// PoolStore: the reclaim rule (per tier, counting from the last visit, order, creation or
// assignment), the offline-work rule and max_wait_days, warnings, claims with both caps, idempotent
// claims and the claim race, releases, managers' assignments and the audit.
#include "store/pool_store.h"

#include <gtest/gtest.h>

#include "support/pool_fixture.h"

namespace fieldbook::server {
namespace {

using fieldbook::testing::PoolFixture;
using fieldbook::testing::QueryValue;
using fieldbook::testing::S;

class PoolStoreTest : public PoolFixture {
 protected:
  ReclaimReport Reclaim(int32_t day) {
    SetDay(day);
    auto r = pool_->ReclaimDue(day);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : ReclaimReport{};
  }
  std::vector<ClaimAnswer> Claim(const std::string& rep,
                                 std::vector<std::pair<std::string, std::string>> requests) {
    std::vector<ClaimRequest> claims;
    for (auto& [id, customer] : requests) claims.push_back(ClaimRequest{id, customer, 0});
    auto answers = pool_->Claim(rep, claims);
    EXPECT_TRUE(answers.ok()) << answers.status().ToString();
    return answers.ok() ? *answers : std::vector<ClaimAnswer>{};
  }
  // Puts customer `id` (tier C, GD-GZ, created at start_) into the pool by a release.
  void Pooled(const std::string& id, const std::string& tier = "C",
              const std::string& territory = "t-gz") {
    AddCustomer(id, "rep-c", tier, territory);
    auto released = pool_->Release(id, "", "closed for renovation", "test");
    ASSERT_TRUE(released.ok()) << released.status().ToString();
  }
};

TEST_F(PoolStoreTest, ACustomerWithoutVisitOrOrderForItsTiersDaysIsReclaimed) {
  AddCustomer("c1", "rep-a", "B");  // tier B: 45 days by default
  AddVisit("v1", "c1", start_ + 10);
  const int32_t deadline = start_ + 10 + 45;
  SetDay(deadline + 1, 1);
  Synced("rep-a");  // the rep's device synced after the deadline day ended

  // On the deadline day itself the customer is not due yet.
  EXPECT_TRUE(Reclaim(deadline).reclaimed.empty());
  EXPECT_TRUE(Holds("rep-a", "c1"));

  const ReclaimReport report = Reclaim(deadline + 1);
  ASSERT_EQ(report.reclaimed.size(), 1u);
  const ReclaimClock& c = report.reclaimed[0];
  EXPECT_EQ(c.customer_id, "c1");
  EXPECT_EQ(c.rep_id, "rep-a");
  EXPECT_EQ(c.last_activity_day, start_ + 10);
  EXPECT_EQ(c.deadline_day, deadline);
  EXPECT_EQ(c.reason,
            "no visit or order in the 45 days after 2026-06-11 (tier B); last one 2026-06-11");
  EXPECT_FALSE(Holds("rep-a", "c1"));
  EXPECT_TRUE(*pool_->InPool("c1"));
  EXPECT_EQ(QueryValue(store_->sql(), "SELECT owner_rep_id FROM customers WHERE id = 'c1'"),
            Value());
  // The scope event's reason is a phrase with its English (reclaim_reason_test.cc reads it).
  EXPECT_EQ(Count("SELECT count(*) FROM srv_scope_events WHERE rep_id = 'rep-a' AND "
                  "customer_id = 'c1' AND kind = 'removed' AND reason LIKE "
                  "'%\"detail\":\"reclaimed to the pool:%'"),
            1);
  auto audit = pool_->Audit("c1", 10);
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit->size(), 1u);
  EXPECT_EQ((*audit)[0].action, "reclaim");
  EXPECT_EQ((*audit)[0].rep_id, "rep-a");
  EXPECT_EQ((*audit)[0].actor, "system:reclaim");
  EXPECT_EQ((*audit)[0].reason, c.reason);

  // The nightly job running again finds nothing more.
  EXPECT_TRUE(Reclaim(deadline + 1).reclaimed.empty());
  EXPECT_EQ(Count("SELECT count(*) FROM srv_pool_audit"), 1);
}

TEST_F(PoolStoreTest, AnOrderOrAVisitInsideTheWindowKeepsTheCustomer) {
  AddCustomer("ordered", "rep-a", "C");  // 60 days
  AddCustomer("visited", "rep-a", "C");
  AddCustomer("quiet", "rep-a", "C");
  AddOrder("o1", "ordered", start_ + 30);
  AddVisit("v1", "visited", start_ + 30);
  AddVisit("v-old", "quiet", start_ + 1);
  SetDay(start_ + 70);
  Synced("rep-a");
  const ReclaimReport report = Reclaim(start_ + 70);
  ASSERT_EQ(report.reclaimed.size(), 1u);
  EXPECT_EQ(report.reclaimed[0].customer_id, "quiet");
  EXPECT_EQ(report.checked, 3u);
}

TEST_F(PoolStoreTest, DaysDependOnTheTierZeroMeansNeverAndUngradedUsesTheDefault) {
  AddCustomer("vip", "rep-a", "VIP");  // 0: never
  AddCustomer("a", "rep-a", "A");      // 30
  AddCustomer("none", "rep-a", "");    // not graded: 60
  SetDay(start_ + 45);
  Synced("rep-a");
  ReclaimReport report = Reclaim(start_ + 45);
  ASSERT_EQ(report.reclaimed.size(), 1u);
  EXPECT_EQ(report.reclaimed[0].customer_id, "a");
  EXPECT_EQ(report.reclaimed[0].counting_from, start_);  // created (and assigned) on start_
  EXPECT_EQ(report.reclaimed[0].reason,
            "no visit or order in the 30 days after 2026-06-01 (tier A); no visit or order on "
            "record");
  SetDay(start_ + 400);
  Synced("rep-a");
  report = Reclaim(start_ + 400);
  ASSERT_EQ(report.reclaimed.size(), 1u);
  EXPECT_EQ(report.reclaimed[0].customer_id, "none");
  EXPECT_NE(report.reclaimed[0].reason.find("(not graded)"), std::string::npos);
  EXPECT_TRUE(Holds("rep-a", "vip"));

  Rules(R"({"pool":{"reclaim_days":{"VIP":90}}})");
  SetDay(start_ + 401);
  Synced("rep-a");
  EXPECT_EQ(Reclaim(start_ + 401).reclaimed.size(), 1u);  // the VIP, by the new rules
}

TEST_F(PoolStoreTest, TheClockStartsAgainWhenTheCustomerComesToANewRep) {
  AddCustomer("c1", "rep-a", "A", "t-gz", start_ - 300);
  AddVisit("v-old", "c1", start_ - 200);
  SetDay(start_ + 20);
  ASSERT_TRUE(store_->ReassignCustomer("c1", "rep-b", "test").ok());
  SetDay(start_ + 45);
  Synced("rep-b");
  EXPECT_TRUE(Reclaim(start_ + 45).reclaimed.empty());  // 25 days with rep-b: not due
  SetDay(start_ + 51);
  Synced("rep-b");
  const ReclaimReport report = Reclaim(start_ + 51);
  ASSERT_EQ(report.reclaimed.size(), 1u);
  EXPECT_EQ(report.reclaimed[0].counting_from, start_ + 20);
  EXPECT_EQ(report.reclaimed[0].last_activity_day, start_ - 200);
}

TEST_F(PoolStoreTest, OfflineWorkWaitsForTheRepsNextSyncAndThenCounts) {
  AddCustomer("c1", "rep-a", "A");  // deadline start_ + 30
  AddCustomer("c2", "rep-a", "A");
  SetDay(start_ + 29);
  Synced("rep-a");  // last sync before the deadline: their devices may hold unsynced work

  ReclaimReport report = Reclaim(start_ + 33);
  EXPECT_TRUE(report.reclaimed.empty());
  ASSERT_EQ(report.waiting.size(), 2u);
  EXPECT_TRUE(report.waiting[0].waiting_for_sync);
  EXPECT_EQ(report.waiting[0].reason,
            "due since 2026-07-02 (no visit or order in the 30 days after 2026-06-01 (tier A); no "
            "visit or order on record); waiting for rep-a's devices to sync (last sync 2026-06-30 "
            "12:00 UTC), at the latest until 2026-07-15");
  EXPECT_TRUE(Holds("rep-a", "c1"));

  // The device comes back: its push lands a visit logged offline on day 28 for c1 (before the
  // deadline), then it pulls. c1 is safe; c2 had no such work and goes.
  SetDay(start_ + 34);
  ChangeSet push;
  push.set_id = "offline-visit";
  push.replica_id = "device-a";
  const uint32_t self = push.OriginIndex("device-a");
  const Hlc at = Hlc::FromParts(wall_.NowMs(), 0);
  push.rows.push_back({"visits",
                       "v-offline",
                       {{"customer_id", S("c1"), at, self},
                        {"rep_id", S("rep-a"), at, self},
                        {"check_in", Value(FormatDay(start_ + 28) + "T10:00:00Z"), at, self}}});
  auto pushed = store_->ApplyRepPush(Principal{"rep-a", "A", "rep"}, push);
  ASSERT_TRUE(pushed.ok()) << pushed.status().ToString();
  ASSERT_TRUE(pushed->rejections.empty());
  Synced("rep-a");
  report = Reclaim(start_ + 34);
  ASSERT_EQ(report.reclaimed.size(), 1u);
  EXPECT_EQ(report.reclaimed[0].customer_id, "c2");
  EXPECT_TRUE(report.waiting.empty());
  EXPECT_TRUE(Holds("rep-a", "c1"));
  EXPECT_FALSE(Holds("rep-a", "c2"));
}

TEST_F(PoolStoreTest, AReclaimWaitsAtMostMaxWaitDaysForARepWhoNeverSyncs) {
  Rules(R"({"pool":{"max_wait_days":5}})");
  AddCustomer("c1", "rep-a", "A");  // deadline start_ + 30; rep-a never syncs
  EXPECT_EQ(Reclaim(start_ + 35).waiting.size(), 1u);
  EXPECT_TRUE(Holds("rep-a", "c1"));
  const ReclaimReport report = Reclaim(start_ + 36);
  ASSERT_EQ(report.reclaimed.size(), 1u);
  EXPECT_NE(report.reclaimed[0].reason.find(
                "rep-a's devices have not synced since the deadline (never synced), waited the "
                "maximum 5 days"),
            std::string::npos)
      << report.reclaimed[0].reason;
  EXPECT_FALSE(Holds("rep-a", "c1"));
}

TEST_F(PoolStoreTest, AVisitDatedInTheFutureDoesNotCount) {
  AddCustomer("c1", "rep-a", "A");
  AddVisit("v-2030", "c1", *ParseDay("2030-01-01"));
  SetDay(start_ + 31);
  Synced("rep-a");
  const ReclaimReport report = Reclaim(start_ + 31);
  ASSERT_EQ(report.reclaimed.size(), 1u);
  EXPECT_EQ(report.reclaimed[0].last_activity_day, -1);
}

TEST_F(PoolStoreTest, APooledCustomerIsInNoScopeEvenWithATerritoryRep) {
  ASSERT_TRUE(store_->AssignTerritory("t-gz", "rep-a", "test").ok());
  AddCustomer("c1", "", "C");  // no owner: the territory's rep holds it
  ASSERT_TRUE(Holds("rep-a", "c1"));
  auto released = pool_->Release("c1", "rep-a", "customer asked for another rep", "rep:rep-a");
  ASSERT_TRUE(released.ok()) << released.status().ToString();
  EXPECT_FALSE(Holds("rep-a", "c1"));
  ASSERT_TRUE(store_->AssignTerritory("t-gz", "rep-b", "test").ok());
  EXPECT_FALSE(Holds("rep-b", "c1"));
  // The old rep's next pull evicts it.
  auto page = store_->PullForRep("rep-a", 0, 1000);
  ASSERT_TRUE(page.ok());
  for (const RowChange& r : page->changes.rows) EXPECT_NE(r.row_id, "c1");
  // A manager's plain reassignment is refused: the pool has its own way out.
  const Status s = store_->ReassignCustomer("c1", "rep-b", "test");
  EXPECT_EQ(s.code(), StatusCode::kConflict);
  EXPECT_NE(s.message().find("pool assign"), std::string::npos);
}

TEST_F(PoolStoreTest, AReclaimedCustomerIsEvictedFromTheRepsReplicaAtTheNextPull) {
  AddCustomer("c1", "rep-a", "A");
  auto first = store_->PullForRep("rep-a", 0, 1000);
  ASSERT_TRUE(first.ok());
  const uint64_t cursor = first->changes.cursor;
  SetDay(start_ + 31);
  Synced("rep-a");
  ASSERT_EQ(Reclaim(start_ + 31).reclaimed.size(), 1u);
  auto next = store_->PullForRep("rep-a", cursor, 1000);
  ASSERT_TRUE(next.ok());
  ASSERT_EQ(next->changes.evicted_customers.size(), 1u);
  EXPECT_EQ(next->changes.evicted_customers[0], "c1");
}

TEST_F(PoolStoreTest, WarningsListTheRepsCustomersDueWithinWarnDays) {
  AddCustomer("soon", "rep-a", "A");   // deadline start_ + 30
  AddCustomer("later", "rep-a", "C");  // deadline start_ + 60
  AddCustomer("other", "rep-b", "A");  // another rep's
  AddCustomer("never", "rep-a", "VIP");
  SetDay(start_ + 24);
  auto view = pool_->ViewFor("rep-a", start_ + 24, 100);
  ASSERT_TRUE(view.ok()) << view.status().ToString();
  ASSERT_EQ(view->warnings.size(), 1u);  // warn_days 7: deadline 30 is within 24 + 7
  EXPECT_EQ(view->warnings[0].customer_id, "soon");
  EXPECT_EQ(view->warnings[0].deadline_day, start_ + 30);
  EXPECT_EQ(view->warnings[0].last_activity_day, -1);
  EXPECT_TRUE(view->upcoming.empty());  // 60 > 24 + 7 + 14
  SetDay(start_ + 40);
  view = pool_->ViewFor("rep-a", start_ + 40, 100);
  ASSERT_TRUE(view.ok());
  ASSERT_EQ(view->warnings.size(), 1u);  // overdue, rep-a never synced: still warned
  EXPECT_TRUE(view->warnings[0].waiting_for_sync);
  ASSERT_EQ(view->upcoming.size(), 1u);
  EXPECT_EQ(view->upcoming[0].customer_id, "later");

  // A visit clears the warning.
  AddVisit("v1", "soon", start_ + 40);
  view = pool_->ViewFor("rep-a", start_ + 40, 100);
  ASSERT_TRUE(view.ok());
  EXPECT_TRUE(view->warnings.empty());
  EXPECT_EQ(view->policy.warn_days, 7);
}

TEST_F(PoolStoreTest, AGrantedClaimMakesTheRepTheOwnerAndIsAudited) {
  Pooled("p1");
  wall_.Advance(60000);
  std::vector<ClaimRequest> claims = {ClaimRequest{"req-1", "p1", 1780300000000}};
  auto answers = pool_->Claim("rep-a", claims);
  ASSERT_TRUE(answers.ok()) << answers.status().ToString();
  ASSERT_EQ(answers->size(), 1u);
  EXPECT_EQ((*answers)[0].status, "granted");
  EXPECT_EQ((*answers)[0].reason, "claimed from the pool");
  EXPECT_FALSE(*pool_->InPool("p1"));
  EXPECT_TRUE(Holds("rep-a", "p1"));
  EXPECT_EQ(QueryValue(store_->sql(), "SELECT owner_rep_id FROM customers WHERE id = 'p1'"),
            S("rep-a"));
  auto audit = pool_->Audit("p1", 10);
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit->size(), 2u);  // newest first: the claim, then the release
  EXPECT_EQ((*audit)[0].action, "claim");
  EXPECT_EQ((*audit)[0].rep_id, "rep-a");
  EXPECT_EQ((*audit)[0].actor, "rep:rep-a");
  EXPECT_NE((*audit)[0].reason.find("asked on the device at"), std::string::npos);
  EXPECT_EQ((*audit)[1].action, "release");
  EXPECT_EQ((*audit)[1].reason, "closed for renovation");
}

TEST_F(PoolStoreTest, ARetriedClaimGetsTheSameAnswerAndChangesNothing) {
  Pooled("p1");
  const auto first = Claim("rep-a", {{"req-1", "p1"}});
  ASSERT_EQ(first.size(), 1u);
  ASSERT_EQ(first[0].status, "granted");
  const int64_t audit_rows = Count("SELECT count(*) FROM srv_pool_audit");
  // The customer goes back to the pool and the device resends the same request: the answer is
  // the stored one, the customer stays in the pool.
  ASSERT_TRUE(pool_->Release("p1", "rep-a", "not for me", "rep:rep-a").ok());
  wall_.Advance(3600000);
  const auto again = Claim("rep-a", {{"req-1", "p1"}});
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].status, "granted");
  EXPECT_EQ(again[0].decided_ms, first[0].decided_ms);
  EXPECT_TRUE(*pool_->InPool("p1"));
  EXPECT_EQ(Count("SELECT count(*) FROM srv_pool_audit"), audit_rows + 1);  // only the release
  // Request ids belong to their rep: another rep's request with the same id is its own.
  EXPECT_EQ(Claim("rep-b", {{"req-1", "p1"}})[0].status, "granted");
}

TEST_F(PoolStoreTest, TwoRepsClaimingTheSameCustomerTheFirstToSyncWins) {
  Pooled("p1");
  SetDay(start_ + 1, 10);
  wall_.Advance(2 * 60000);  // 10:02
  EXPECT_EQ(Claim("rep-b", {{"b-1", "p1"}})[0].status, "granted");
  wall_.Advance(5 * 60000);
  const auto lost = Claim("rep-a", {{"a-1", "p1"}});
  ASSERT_EQ(lost.size(), 1u);
  EXPECT_EQ(lost[0].status, "refused");
  EXPECT_EQ(lost[0].reason, "already claimed by Rep rep-b (rep-b) at 2026-06-02 10:02 UTC");
  EXPECT_TRUE(Holds("rep-b", "p1"));
  EXPECT_FALSE(Holds("rep-a", "p1"));
  auto audit = pool_->Audit("p1", 1);
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit->size(), 1u);
  EXPECT_EQ((*audit)[0].action, "claim_refused");
  EXPECT_EQ((*audit)[0].rep_id, "rep-a");
  EXPECT_EQ((*audit)[0].reason, lost[0].reason);
  // Claiming one's own customer, or one never pooled, or none at all, is refused with a reason.
  EXPECT_EQ(Claim("rep-b", {{"b-2", "p1"}})[0].reason,
            "customer p1 is not in the pool: it is already yours");
  AddCustomer("held", "rep-c", "C");
  EXPECT_EQ(Claim("rep-a", {{"a-2", "held"}})[0].reason, "customer held is not in the pool");
  EXPECT_EQ(Claim("rep-a", {{"a-3", "ghost"}})[0].reason, "no customer ghost");
}

TEST_F(PoolStoreTest, TheDailyClaimCapCountsGrantedClaimsOfTheDay) {
  Rules(R"({"pool":{"daily_claims":2}})");
  for (const char* id : {"p1", "p2", "p3", "p4"}) Pooled(id);
  const auto answers = Claim("rep-a", {{"r1", "p1"}, {"r2", "ghost"}, {"r3", "p2"}, {"r4", "p3"}});
  ASSERT_EQ(answers.size(), 4u);
  EXPECT_EQ(answers[0].status, "granted");
  EXPECT_EQ(answers[1].status, "refused");  // refused claims do not count
  EXPECT_EQ(answers[2].status, "granted");
  EXPECT_EQ(answers[3].status, "refused");
  EXPECT_EQ(answers[3].reason, "daily claim cap reached (2/2)");
  SetDay(start_ + 1);  // a new day
  EXPECT_EQ(Claim("rep-a", {{"r5", "p3"}})[0].status, "granted");
}

TEST_F(PoolStoreTest, TheHoldingCapAndTheRepsCapacitiesBindClaims) {
  Rules(R"({"pool":{"holding_cap":2,"daily_claims":100}})");
  AddCustomer("mine", "rep-a", "C");
  for (const char* id : {"p1", "p2"}) Pooled(id);
  EXPECT_EQ(Claim("rep-a", {{"r1", "p1"}})[0].status, "granted");
  EXPECT_EQ(Claim("rep-a", {{"r2", "p2"}})[0].reason, "holding cap reached (2/2)");

  // The rep's own capacity, when lower, is the cap; tier-A capacity binds tier-A customers.
  Profile("rep-b", {}, Skill::kKeyAccount, 1, 0);
  Pooled("pa", "A");
  EXPECT_EQ(Claim("rep-b", {{"r3", "pa"}})[0].reason, "tier-A capacity reached (0/0)");
  EXPECT_EQ(Claim("rep-b", {{"r4", "p2"}})[0].status, "granted");
  Pooled("p5");
  EXPECT_EQ(Claim("rep-b", {{"r5", "p5"}})[0].reason, "holding cap reached (1/1)");
}

TEST_F(PoolStoreTest, ClaimsFollowTheRegionAndSkillRules) {
  Profile("rep-a", {"GD-GZ"}, Skill::kJunior);
  Pooled("sz", "C", "t-sz");
  Pooled("a-gz", "A");
  EXPECT_EQ(Claim("rep-a", {{"r1", "sz"}})[0].reason,
            "not in your region: customer in GD-SZ, you serve GD-GZ");
  EXPECT_EQ(Claim("rep-a", {{"r2", "a-gz"}})[0].reason, "tier A needs senior+: you are junior");
  // The rep's pool view only lists their region, and says which they cannot claim and why.
  auto view = pool_->ViewFor("rep-a", Today(), 100);
  ASSERT_TRUE(view.ok());
  ASSERT_EQ(view->pool.size(), 1u);
  EXPECT_EQ(view->pool[0].entry.customer_id, "a-gz");
  EXPECT_FALSE(view->pool[0].claimable);
  EXPECT_EQ(view->pool[0].refusal, "tier A needs senior+: you are junior");
}

TEST_F(PoolStoreTest, TooManyOrMalformedClaimsAreRefusedWhole) {
  std::vector<ClaimRequest> many(PoolStore::kMaxClaimsPerRequest + 1, ClaimRequest{"x", "y", 0});
  EXPECT_EQ(pool_->Claim("rep-a", many).status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(pool_->Claim("rep-a", {ClaimRequest{"", "p1", 0}}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(pool_->Claim("rep-a", {ClaimRequest{std::string(65, 'x'), "p1", 0}}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(PoolStoreTest, ARepReleasesOnlyTheirOwnCustomersWithAReason) {
  AddCustomer("c1", "rep-a", "C");
  EXPECT_EQ(pool_->Release("c1", "rep-b", "not mine", "rep:rep-b").status().code(),
            StatusCode::kConflict);
  EXPECT_EQ(pool_->Release("c1", "rep-a", "", "rep:rep-a").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(pool_->Release("nope", "rep-a", "x", "rep:rep-a").status().code(),
            StatusCode::kNotFound);
  auto released = pool_->Release("c1", "rep-a", "moved to Foshan", "rep:rep-a");
  ASSERT_TRUE(released.ok());
  EXPECT_EQ(released->from_rep, "rep-a");
  EXPECT_EQ(released->kind, "release");
  // Released again by the same rep (a retry): the same answer.
  auto again = pool_->Release("c1", "rep-a", "moved to Foshan", "rep:rep-a");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->since_ms, released->since_ms);
  EXPECT_EQ(pool_->Release("c1", "", "manager", "cli").status().code(), StatusCode::kConflict);
  EXPECT_EQ(Count("SELECT count(*) FROM srv_pool_audit WHERE action = 'release'"), 1);
}

TEST_F(PoolStoreTest, AManagerAssignsFromThePoolWithANoteWhenARuleIsBroken) {
  Profile("rep-a", {"GD-GZ"}, Skill::kJunior);
  Pooled("pa", "A");
  AddCustomer("held", "rep-c", "C");
  EXPECT_EQ(pool_->Assign("held", "rep-a", "cli").status().code(), StatusCode::kConflict);
  EXPECT_EQ(pool_->Assign("pa", "mgr", "cli").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(pool_->Assign("pa", "nobody", "cli").status().code(), StatusCode::kNotFound);
  auto note = pool_->Assign("pa", "rep-a", "manager:mgr");
  ASSERT_TRUE(note.ok()) << note.status().ToString();
  EXPECT_EQ(*note, "note: tier A needs senior+: rep-a is junior");
  EXPECT_TRUE(Holds("rep-a", "pa"));
  auto audit = pool_->Audit("pa", 1);
  ASSERT_TRUE(audit.ok());
  EXPECT_EQ((*audit)[0].action, "assign");
  EXPECT_EQ((*audit)[0].actor, "manager:mgr");
  EXPECT_EQ((*audit)[0].reason,
            "assigned from the pool despite: tier A needs senior+: rep-a is junior");
  // A later claim of it names the assignment.
  EXPECT_EQ(Claim("rep-b", {{"r1", "pa"}})[0].reason.rfind("already assigned to Rep rep-a (rep-a) "
                                                           "by a manager at ",
                                                           0),
            0u);
}

TEST_F(PoolStoreTest, TheAuditListsEveryActionNewestFirstAndFilters) {
  Profile("rep-b", {}, Skill::kSenior);
  AddCustomer("c1", "rep-a", "A");
  Pooled("p1");
  SetDay(start_ + 31);
  Synced("rep-a");
  ASSERT_EQ(Reclaim(start_ + 31).reclaimed.size(), 1u);
  Claim("rep-b", {{"r1", "c1"}});
  Claim("rep-c", {{"r2", "c1"}});
  ASSERT_TRUE(pool_->Assign("p1", "rep-a", "cli").ok());
  auto all = pool_->Audit("", 100);
  ASSERT_TRUE(all.ok());
  std::vector<std::string> actions;
  for (const PoolAuditEntry& a : *all) actions.push_back(a.action + ":" + a.customer_id);
  EXPECT_EQ(actions, (std::vector<std::string>{"assign:p1", "claim_refused:c1", "claim:c1",
                                               "reclaim:c1", "release:p1"}));
  auto limited = pool_->Audit("c1", 2);
  ASSERT_TRUE(limited.ok());
  ASSERT_EQ(limited->size(), 2u);
  EXPECT_EQ((*limited)[0].action, "claim_refused");
  for (const PoolAuditEntry& a : *all) EXPECT_GT(a.at_ms, 0);
}

}  // namespace
}  // namespace fieldbook::server
