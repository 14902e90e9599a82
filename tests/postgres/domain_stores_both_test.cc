// The server's domain stores on both backends of the storage seam (issue #15): grading,
// assignment and the directory run on SQLite and on PostgreSQL (DomainStoresTest: the same
// 1,000-customer distributor written through the store) and answer as the seed says. Pages are
// smaller than the data; orders of ids, names and tiers are SQLite's byte order on both.
// Duplicates, verification, products and import keys: catalog_stores_both_test.cc.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "fieldbook/grading.h"
#include "postgres/domain_stores_fixture.h"
#include "store/assignment_store.h"
#include "store/directory_store.h"
#include "store/grading_store.h"
#include "store/pool_store.h"

namespace fieldbook::testing {
namespace {

using server::CustomerFilter;
using server::CustomerRow;
using server::RepProfile;
using server::Skill;

class DomainStoresBothTest : public DomainStoresTest {
 protected:
  // Every live customer's history as the seed wrote it, in byte order of ids (LoadEveryone's).
  std::vector<CustomerHistory> Histories() const {
    std::vector<CustomerHistory> out;
    for (int i : LiveCustomers()) {
      CustomerHistory c;
      c.customer_id = Id(i);
      c.created_day = ParseDay(CreatedAt(i)).value_or(today_);
      c.relationship = Relationship(i);
      c.purchase_stage = Stage(i);
      for (int k = 0; k < Orders(i); ++k) {
        c.orders.push_back(OrderFact{OrderId(i, k), OrderDay(i, k), Amount(i), "", false});
      }
      for (int k = 0; k < Visits(i); ++k) c.visit_days.push_back(VisitDay(i, k));
      out.push_back(std::move(c));
    }
    return out;
  }
};

// --- GradingStore: a regrade of 1,000 customers gives the grades the engine gives --------------

TEST_P(DomainStoresBothTest, ARegradeOfEveryCustomerStoresTheEnginesGrades) {
  server::GradingStore grading(store());
  const std::vector<Grade> expected = GradeCustomers(Histories(), GradingRules{}, today_);
  ASSERT_EQ(expected.size(), LiveCustomers().size());

  auto run = grading.GradeAll(today_);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->customers, static_cast<int>(expected.size()));
  EXPECT_EQ(run->rules_version, 0);

  // Every live customer's stored grade, tier, lifecycle and churn risk as computed.
  std::map<std::string, std::tuple<std::string, std::string, double>> stored;
  {
    auto stmt = store().sql().Prepare(
        "SELECT id, grade_tier, grade_lifecycle, grade_churn_risk FROM customers WHERE deleted = "
        "0");
    ASSERT_TRUE(stmt.ok());
    while (*(*stmt)->Step()) {
      stored[(*stmt)->Text(0)] = {(*stmt)->Text(1), (*stmt)->Text(2), (*stmt)->Real(3)};
    }
    (*stmt)->Reset();
  }
  ASSERT_EQ(stored.size(), expected.size());
  std::map<std::string, int64_t> tiers;
  for (const Grade& g : expected) {
    ASSERT_TRUE(stored.count(g.customer_id)) << g.customer_id;
    EXPECT_EQ(stored[g.customer_id], std::make_tuple(g.tier, g.lifecycle, g.churn_risk))
        << g.customer_id;
    ++tiers[g.tier];
  }

  // The tier report, in byte order of tiers ("VIP" before "not graded" would be a collation's).
  auto report = grading.Tiers("");
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  std::vector<std::pair<std::string, int64_t>> got, want(tiers.begin(), tiers.end());
  for (const auto& t : *report) got.emplace_back(t.tier, t.customers);
  EXPECT_EQ(got, want);
  // One rep's: the customers it holds.
  auto mine = grading.Tiers(Rep(2));
  ASSERT_TRUE(mine.ok());
  int64_t held = 0;
  for (const auto& t : *mine) held += t.customers;
  int64_t holds = 0;
  for (int i : LiveCustomers()) holds += HolderOf(i) == Rep(2);
  EXPECT_EQ(held, holds);

  // At risk: the 25 riskiest, then by id in byte order, as the engine ranks them.
  std::vector<const Grade*> risky;
  for (const Grade& g : expected) {
    if (g.lifecycle == "at_risk" || g.lifecycle == "churned") risky.push_back(&g);
  }
  std::sort(risky.begin(), risky.end(), [](const Grade* a, const Grade* b) {
    return a->churn_risk != b->churn_risk ? a->churn_risk > b->churn_risk
                                          : a->customer_id < b->customer_id;
  });
  ASSERT_GT(risky.size(), 25u);
  auto at_risk = grading.AtRisk("", 25);
  ASSERT_TRUE(at_risk.ok()) << at_risk.status().ToString();
  ASSERT_EQ(at_risk->size(), 25u);
  for (size_t k = 0; k < 25; ++k) {
    EXPECT_EQ((*at_risk)[k].id, risky[k]->customer_id) << k;
    EXPECT_EQ((*at_risk)[k].churn_risk, risky[k]->churn_risk) << k;
  }

  // Each rep's revenue in the last 90 days: orders of the live customers it holds, and those
  // customers. A deleted customer stays in its holder's scope (its tombstone goes to the devices)
  // but counts nowhere: not its orders (the grading above and the rep's device leave them out
  // too), not its open tasks (an open task due today at customer 1 and one at deleted customer
  // 31, both held by rep-02: one follow-up due).
  ASSERT_TRUE(Deleted(31) && !Deleted(1) && HolderOf(1) == Rep(2) && HolderOf(31) == Rep(2));
  std::vector<RowWrite> tasks;
  for (int i : {1, 31}) {
    tasks.push_back(RowWrite{"tasks",
                             "task-" + Id(i),
                             {{"customer_id", Value(Id(i))},
                              {"rep_id", Value(Rep(2))},
                              {"due_date", Value(FormatDay(today_))},
                              {"kind", Value("call")},
                              {"status", Value("open")},
                              {"title", Value("call back")}}});
  }
  ASSERT_NO_FATAL_FAILURE(WriteAll(tasks));
  auto portfolio = grading.Portfolio("", today_, 90);
  ASSERT_TRUE(portfolio.ok()) << portfolio.status().ToString();
  ASSERT_EQ(portfolio->size(), static_cast<size_t>(kReps + 1));  // the disabled rep too
  for (const auto& row : *portfolio) {
    int64_t revenue = 0, customers = 0;
    for (int i : LiveCustomers()) {
      if (HolderOf(i) != row.rep_id) continue;
      ++customers;
      for (int k = 0; k < Orders(i); ++k) {
        if (OrderDay(i, k) > today_ - 90 && OrderDay(i, k) <= today_) revenue += Amount(i);
      }
    }
    EXPECT_EQ(row.revenue_cents, revenue) << row.rep_id;
    EXPECT_EQ(row.customers, customers) << row.rep_id;
    EXPECT_EQ(row.follow_ups_due, row.rep_id == Rep(2) ? 1 : 0) << row.rep_id;
  }

  // The same day again: nothing moves, and the movement report says so for everyone.
  auto again = grading.GradeAll(today_);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->changed, 0);
  auto movement = grading.Movement("", 0, 0);
  ASSERT_TRUE(movement.ok()) << movement.status().ToString();
  EXPECT_EQ(movement->to_run, again->run_id);
  int64_t moved = 0, everyone = 0;
  for (const auto& [cell, n] : movement->cells) {
    everyone += n;
    if (cell.first != cell.second) moved += n;
  }
  EXPECT_EQ(moved, 0);
  EXPECT_EQ(everyone, static_cast<int64_t>(expected.size()));
  auto runs = grading.Runs(5);
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 2u);
  EXPECT_EQ((*runs)[0].run_id, again->run_id);  // newest first
}

// --- AssignmentStore: rules, profiles, held customers, a plan applied ---------------------------

TEST_P(DomainStoresBothTest, AnAssignmentPlanIsAppliedAndLeavesNothingToDo) {
  server::AssignmentStore assignment(store(), wall_);
  auto version =
      assignment.SetRules(R"({"region_match": true, "capacity": {"enforce": true}})", "test");
  ASSERT_TRUE(version.ok()) << version.status().ToString();
  EXPECT_EQ(*version, 1);
  auto rules = assignment.CurrentRules();
  ASSERT_TRUE(rules.ok());
  EXPECT_EQ(rules->version, 1);
  for (int r = 1; r <= kReps; ++r) {
    server::ProfileUpdate u;
    u.regions = std::vector<std::string>{Region(r), Region(r + 1)};
    u.skill = r % 3 == 0 ? Skill::kKeyAccount : r % 3 == 1 ? Skill::kJunior : Skill::kSenior;
    u.capacity = 400;
    u.closer = r % 2 == 0;
    Status set = assignment.SetProfile(Rep(r), u, "test");
    ASSERT_TRUE(set.ok()) << set.ToString();
  }
  auto profiles = assignment.Profiles();
  ASSERT_TRUE(profiles.ok());
  std::vector<std::string> ids;
  for (const RepProfile& p : *profiles) ids.push_back(p.rep_id);
  EXPECT_EQ(ids, (std::vector<std::string>{"mgr-1", Rep(1), Rep(2), Rep(3), Rep(4), Rep(5), Rep(6),
                                           Rep(7)}));
  EXPECT_EQ((*profiles)[2].skill, Skill::kSenior);  // rep-02
  EXPECT_EQ((*profiles)[2].capacity, 400);

  // Held customers: every live one, in byte order of ids, with its holder.
  auto held = assignment.HeldCustomers();
  ASSERT_TRUE(held.ok()) << held.status().ToString();
  const std::vector<int> live = LiveCustomers();
  ASSERT_EQ(held->size(), live.size());
  for (size_t k = 0; k < live.size(); ++k) {
    EXPECT_EQ((*held)[k].id, Id(live[k])) << k;
    EXPECT_EQ((*held)[k].holder, HolderOf(live[k])) << (*held)[k].id;
    EXPECT_EQ((*held)[k].tier, TierOf(live[k])) << (*held)[k].id;
  }
  // What each rep holds: its live customers. A deleted customer stays in its holder's scope (its
  // tombstone goes to the devices) but is held no more: the loads the manager plans with, the rep
  // list and the pool's holding cap leave it out.
  std::map<std::string, int64_t> holds, holds_a;
  for (int i : live) {
    ++holds[HolderOf(i)];
    holds_a[HolderOf(i)] += TierOf(i) == "VIP" || TierOf(i) == "A";
  }
  auto loads = assignment.Loads();
  ASSERT_TRUE(loads.ok());
  for (const server::RepLoad& l : *loads) {
    EXPECT_EQ(l.customers, holds[l.profile.rep_id]) << l.profile.rep_id;
    EXPECT_EQ(l.tier_a, holds_a[l.profile.rep_id]) << l.profile.rep_id;
  }
  auto reps = store().ListReps();
  ASSERT_TRUE(reps.ok()) << reps.status().ToString();
  ASSERT_EQ(reps->size(), static_cast<size_t>(kReps + 2));
  for (const server::RepInfo& r : *reps) EXPECT_EQ(r.customers, holds[r.id]) << r.id;
  auto pool = server::PoolStore(store(), wall_).ViewFor(Rep(2), today_, 10);
  ASSERT_TRUE(pool.ok()) << pool.status().ToString();
  EXPECT_EQ(pool->holding, holds[Rep(2)]);
  EXPECT_EQ(pool->tier_a_holding, holds_a[Rep(2)]);

  // The plan is the same when asked twice, and applying it makes exactly its moves.
  auto plan = assignment.Plan("");
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ASSERT_GT(plan->moves.size(), 20u);
  auto same = assignment.Plan("");
  ASSERT_TRUE(same.ok());
  ASSERT_EQ(same->moves.size(), plan->moves.size());
  for (size_t k = 0; k < plan->moves.size(); ++k) {
    EXPECT_EQ(same->moves[k].customer, plan->moves[k].customer);
    EXPECT_EQ(same->moves[k].to, plan->moves[k].to);
  }
  auto applied = assignment.Apply("", "test");
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  ASSERT_EQ(applied->moves.size(), plan->moves.size());
  std::map<std::string, std::unordered_set<std::string>> scopes;
  for (int r = 1; r <= kReps; ++r) scopes[Rep(r)] = *store().ScopeOf(Rep(r));
  for (const auto& m : applied->moves) {
    EXPECT_EQ(m.customer, plan->moves[&m - applied->moves.data()].customer);
    EXPECT_TRUE(scopes[m.to].count(m.customer)) << m.customer << " not held by " << m.to;
  }
  EXPECT_EQ(Column("SELECT count(*) FROM srv_assignment_log"),
            std::vector<std::string>{std::to_string(plan->moves.size())});
  auto after = assignment.Plan("");
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after->moves.empty())
      << after->moves.size() << " moves left, first " << after->moves[0].customer << " "
      << after->moves[0].from << " -> " << after->moves[0].to << " " << after->moves[0].rule << ": "
      << after->moves[0].reason;
}

// --- DirectoryStore: searching, paging, filters, bulk moves, territories ------------------------

// The seed's live customers matching `text` as SQLite's LIKE matches (ASCII letters ignore case),
// in the directory's order: name (none first) then id, byte by byte.
std::vector<std::string> Matching(const std::string& text) {
  auto fold = [](std::string s) {
    for (char& c : s) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return s;
  };
  using T = DomainStoresTest;
  std::vector<std::pair<std::optional<std::string>, std::string>> rows;
  for (int i : T::LiveCustomers()) {
    bool hit = text.empty() || T::Id(i) == text;
    for (const auto& field : {T::Name(i), T::Latin(i), std::optional<std::string>(T::Phone(i))}) {
      hit = hit || (field && fold(*field).find(fold(text)) != std::string::npos);
    }
    if (hit) rows.emplace_back(T::Name(i), T::Id(i));
  }
  std::sort(rows.begin(), rows.end());  // nullopt first, then bytes
  std::vector<std::string> out;
  for (auto& r : rows) out.push_back(r.second);
  return out;
}

TEST_P(DomainStoresBothTest, TheDirectoryPagesAndFiltersAsSqliteMatches) {
  server::DirectoryStore directory(store());
  // Everything and text searches, 37 a page, in the directory's order, each with its holder.
  for (const std::string text : {"", "garage", "GARAGE-latin", "ÄRGER", "ärger", "1380000012"}) {
    CustomerFilter filter;
    filter.text = text;
    std::vector<std::string> seen;
    int64_t total = -1;
    for (size_t offset = 0;; offset += 37) {
      auto page = directory.Search(filter, offset, 37, &total);
      ASSERT_TRUE(page.ok()) << page.status().ToString();
      for (const CustomerRow& c : *page) {
        seen.push_back(c.id);
        const int i = std::stoi(c.id.substr(4));
        EXPECT_EQ(c.holder, HolderOf(i)) << c.id;
        EXPECT_EQ(c.name, Name(i).value_or("")) << c.id;
      }
      if (page->size() < 37) break;
    }
    const std::vector<std::string> want = Matching(text);
    EXPECT_EQ(total, static_cast<int64_t>(want.size())) << "'" << text << "'";
    EXPECT_EQ(seen, want) << "'" << text << "'";
  }
  EXPECT_EQ(Matching("ärger").size(), 0u);  // SQLite folds ASCII letters only
  EXPECT_GT(Matching("ÄRGER").size(), 50u);

  // Filters: holder, no territory, not graded, a city.
  auto count = [&](const CustomerFilter& f) {
    int64_t total = -1;
    EXPECT_TRUE(directory.Search(f, 0, 5, &total).ok());
    return total;
  };
  int64_t rep2 = 0, no_territory = 0, ungraded = 0, foshan = 0, nobody = 0;
  for (int i : LiveCustomers()) {
    rep2 += HolderOf(i) == Rep(2);
    no_territory += TerritoryOf(i) == 0;
    ungraded += TierOf(i).empty();
    foshan += City(i) == "佛山";
    nobody += HolderOf(i).empty();
  }
  EXPECT_EQ(count(CustomerFilter{"", Rep(2), "", "", ""}), rep2);
  EXPECT_EQ(count(CustomerFilter{"", "-", "", "", ""}), nobody);
  EXPECT_EQ(count(CustomerFilter{"", "", "-", "", ""}), no_territory);
  EXPECT_EQ(count(CustomerFilter{"", "", "", "-", ""}), ungraded);
  EXPECT_EQ(count(CustomerFilter{"", "", "", "", "佛山"}), foshan);

  // A bulk move of one territory's customers to rep 3: a dry run, then for real.
  const CustomerFilter t5{"", "", Territory(5), "", ""};
  int64_t in_t5 = 0, already = 0;
  for (int i : LiveCustomers()) {
    if (TerritoryOf(i) != 5) continue;
    ++in_t5;
    already += HolderOf(i) == Rep(3);
  }
  auto dry = directory.MoveMatching(t5, Rep(3), /*dry_run=*/true, "test", "route");
  ASSERT_TRUE(dry.ok()) << dry.status().ToString();
  EXPECT_EQ(dry->matched, in_t5);
  EXPECT_EQ(dry->moved, 0);
  EXPECT_EQ(static_cast<int64_t>(dry->skipped.size()), already);
  auto moved = directory.MoveMatching(t5, Rep(3), /*dry_run=*/false, "test", "route");
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  EXPECT_EQ(moved->moved, in_t5 - already);
  EXPECT_EQ(count(CustomerFilter{"", Rep(3), Territory(5), "", ""}), in_t5);

  // A territory renamed and given to another rep; a customer's archive, newest first.
  auto saved = directory.SaveTerritory(Territory(7), "Seven", "", "", Rep(1), "test");
  ASSERT_TRUE(saved.ok()) << saved.status().ToString();
  EXPECT_EQ(Column("SELECT name FROM territories WHERE id = 'ter-07'"),
            std::vector<std::string>{"Seven"});
  auto archive = directory.Archive(Id(3));
  ASSERT_TRUE(archive.ok()) << archive.status().ToString();
  EXPECT_EQ(archive->totals["orders"], Orders(3));
  EXPECT_EQ(archive->totals["visits"], Visits(3));
  ASSERT_EQ(archive->records["orders"].size(), static_cast<size_t>(Orders(3)));
  EXPECT_EQ(std::get<std::string>(archive->records["orders"][0][0].second), OrderId(3, 0));
  EXPECT_EQ(directory.Archive("cus-9999").status().code(), StatusCode::kNotFound);
}

FB_BOTH_BACKENDS(DomainStoresBothTest);

}  // namespace
}  // namespace fieldbook::testing
