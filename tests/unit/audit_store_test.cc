// The audit log (issue #13 item 16): every kind of manager and system action writes exactly one
// entry with its actor, before and after; the list filters and pages; the table refuses changes
// and deletions through SQL; compaction and restores never lose an entry.
#include "store/audit_store.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>

#include "fieldbook/dates.h"
#include "fieldbook/phrase_json.h"
#include "fieldbook/utf8.h"
#include "store/backup.h"
#include "store/grading_store.h"
#include "support/pool_fixture.h"

namespace fieldbook::server {
namespace {

using fieldbook::testing::Exec;
using fieldbook::testing::QueryValue;
using fieldbook::testing::S;

class AuditStoreTest : public fieldbook::testing::PoolFixture {
 protected:
  std::vector<AuditEntry> List(AuditFilter filter = {}) {
    filter.limit = AuditStore::kMaxPage;
    AuditStore audit(store_->sql(), wall_);
    auto page = audit.List(filter);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    return page.ok() ? page->entries : std::vector<AuditEntry>{};
  }
  int64_t Size() { return Count("SELECT count(*) FROM srv_audit"); }
  // The entries written since `before` (a Size()), which must be exactly `n`.
  std::vector<AuditEntry> Since(int64_t before, size_t n) {
    AuditFilter filter;
    const Value last = QueryValue(store_->sql(),
                                  "SELECT coalesce(max(id), 0) FROM (SELECT id FROM srv_audit "
                                  "ORDER BY id LIMIT ?) AS first_entries",
                                  {Value(before)});
    filter.after_id = std::holds_alternative<int64_t>(last) ? std::get<int64_t>(last) : -1;
    std::vector<AuditEntry> out = List(filter);
    EXPECT_EQ(out.size(), n);
    return out;
  }
  static std::string J(const boost::json::object& o) { return boost::json::serialize(o); }
};

TEST_F(AuditStoreTest, EveryReassignmentTerritoryMoveAndAssignmentMoveIsOneEntry) {
  AddCustomer("c1", "rep-a", "B");
  int64_t n = Size();
  ASSERT_TRUE(store_->ReassignCustomer("c1", "rep-b", "manager:mgr", "rep-a is on leave").ok());
  auto e = Since(n, 1);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].action, "customer.reassign");
  EXPECT_EQ(e[0].actor, "manager:mgr");
  EXPECT_EQ(e[0].customer_id, "c1");
  EXPECT_EQ(J(e[0].before), R"({"owner":"rep-a","holder":"rep-a"})");
  EXPECT_EQ(J(e[0].after), R"({"owner":"rep-b","holder":"rep-b"})");
  EXPECT_EQ(e[0].reason, "rep-a is on leave");
  EXPECT_EQ(e[0].at_ms, static_cast<int64_t>(wall_.NowMs()));
  // A refused reassignment writes nothing.
  n = Size();
  EXPECT_FALSE(store_->ReassignCustomer("c1", "nobody", "manager:mgr").ok());
  EXPECT_FALSE(store_->ReassignCustomer("nope", "rep-a", "manager:mgr").ok());
  EXPECT_EQ(Size(), n);

  // A territory move: one entry, naming the customers that moved with it.
  ASSERT_TRUE(store_->AssignTerritory("t-sz", "rep-a", "os:alice").ok());
  AddCustomer("s1", "rep-a", "C", "t-sz");
  AddCustomer("s2", "rep-a", "C", "t-sz");
  n = Size();
  ASSERT_TRUE(store_->AssignTerritory("t-sz", "rep-c", "os:alice", "rebalance").ok());
  e = Since(n, 1);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].action, "territory.assign");
  EXPECT_EQ(e[0].subject, "t-sz");
  EXPECT_EQ(e[0].actor, "os:alice");
  EXPECT_EQ(J(e[0].before), R"({"rep":"rep-a"})");
  EXPECT_EQ(J(e[0].after), R"({"rep":"rep-c","customers_moved":["s1","s2"]})");

  // `assign`: one entry per move, with the rule and its reason.
  Profile("rep-a", {"GD-GZ"}, Skill::kJunior, 100);
  Profile("rep-b", {"GD-GZ"}, Skill::kSenior, 100, 10);
  Profile("rep-c", {"GD-SZ"}, Skill::kSenior, 100, 10);
  AddCustomer("a-gz", "rep-a", "A");  // tier A needs senior+: to rep-b
  n = Size();
  auto applied = assignment_->Apply("t-gz", "manager:mgr");
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  ASSERT_EQ(applied->moves.size(), 1u);
  e = Since(n, 1);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].action, "assign.move");
  EXPECT_EQ(e[0].customer_id, "a-gz");
  EXPECT_EQ(J(e[0].after), R"({"owner":"rep-b","holder":"rep-b"})");
  // Kept as a phrase (audit_assign_move {rule, why}): the English as it always read.
  EXPECT_EQ(ReadStoredPhrase(e[0].reason).phrase.code, "audit_assign_move") << e[0].reason;
  EXPECT_EQ(SayStored(Lang::kEnglish, e[0].reason),
            "rule skill: tier A needs senior+: rep-a is junior");
  EXPECT_EQ(SayStored(Lang::kChinese, e[0].reason).rfind("按分配规则（技能）改派：", 0), 0u)
      << SayStored(Lang::kChinese, e[0].reason);
}

TEST_F(AuditStoreTest, EveryPoolActionIsOneEntryAndARefusedClaimNone) {
  AddCustomer("c1", "rep-a", "C");
  int64_t n = Size();
  ASSERT_TRUE(pool_->Release("c1", "rep-a", "moved away", "rep:rep-a").ok());
  auto e = Since(n, 1);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].action, "pool.release");
  EXPECT_EQ(e[0].actor, "rep:rep-a");
  EXPECT_EQ(J(e[0].before), R"({"holder":"rep-a","in_pool":false})");
  EXPECT_EQ(J(e[0].after), R"({"holder":null,"in_pool":true})");
  EXPECT_EQ(e[0].reason, "moved away");

  n = Size();
  auto claims = pool_->Claim("rep-b", {ClaimRequest{"r1", "c1", 0}});
  ASSERT_TRUE(claims.ok());
  ASSERT_EQ((*claims)[0].status, "granted");
  e = Since(n, 1);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].action, "pool.claim");
  EXPECT_EQ(J(e[0].after), R"({"holder":"rep-b","in_pool":false})");
  // Claimed already: refused, nothing audited (nothing changed).
  n = Size();
  claims = pool_->Claim("rep-c", {ClaimRequest{"r2", "c1", 0}});
  ASSERT_TRUE(claims.ok());
  EXPECT_EQ((*claims)[0].status, "refused");
  EXPECT_EQ(Size(), n);

  ASSERT_TRUE(pool_->Release("c1", "", "closed", "manager:mgr").ok());
  n = Size();
  ASSERT_TRUE(pool_->Assign("c1", "rep-c", "manager:mgr").ok());
  e = Since(n, 1);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].action, "pool.assign");
  EXPECT_EQ(e[0].actor, "manager:mgr");
  EXPECT_EQ(J(e[0].after), R"({"holder":"rep-c","in_pool":false})");

  // The nightly reclaim: a system action, one entry per customer.
  AddCustomer("c2", "rep-a", "B");  // tier B: 45 days by default
  const int32_t deadline = start_ + 45;
  SetDay(deadline + 1, 1);
  Synced("rep-a");
  SetDay(deadline + 1);
  n = Size();
  auto reclaimed = pool_->ReclaimDue(deadline + 1);
  ASSERT_TRUE(reclaimed.ok());
  std::vector<std::string> ids;
  for (const auto& c : reclaimed->reclaimed) ids.push_back(c.customer_id);
  e = Since(n, reclaimed->reclaimed.size());
  ASSERT_FALSE(e.empty());
  for (const AuditEntry& entry : e) {
    EXPECT_EQ(entry.action, "pool.reclaim");
    EXPECT_EQ(entry.actor, "system:reclaim");
    EXPECT_NE(std::find(ids.begin(), ids.end(), entry.customer_id), ids.end());
  }
  AuditFilter c2;
  c2.customer = "c2";
  ASSERT_EQ(List(c2).size(), 1u);
  EXPECT_EQ(J(List(c2)[0].before), R"({"holder":"rep-a","in_pool":false})");
}

TEST_F(AuditStoreTest, ConflictResolutionsRuleChangesProfilesAndCredentialsAreOneEntryEach) {
  AddCustomer("c1", "rep-a", "B");
  ASSERT_TRUE(Exec(store_->sql(),
                   "INSERT INTO srv_conflicts (customer_id, tbl, row_id, column_name, value_json, "
                   "hlc, from_rep, owner_rep, created_ms) VALUES ('c1', 'customers', 'c1', "
                   "'notes', '\"call after 5\"', 1, 'rep-b', 'rep-a', 1)")
                  .ok());
  int64_t n = Size();
  ASSERT_TRUE(store_->ResolveConflict(1, "apply", "manager:mgr", "rep-b was right").ok());
  auto e = Since(n, 1);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].action, "conflict.apply");
  EXPECT_EQ(e[0].customer_id, "c1");
  EXPECT_EQ(e[0].subject, "conflict 1");
  EXPECT_EQ(
      J(e[0].before),
      R"({"status":"open","table":"customers","row":"c1","column":"notes","from_rep":"rep-b","value":"call after 5"})");
  EXPECT_EQ(J(e[0].after), R"({"status":"applied"})");
  n = Size();
  EXPECT_FALSE(store_->ResolveConflict(1, "dismiss", "manager:mgr").ok());  // resolved already
  EXPECT_EQ(Size(), n);

  // Grading and assignment rules: the versions and the whole rules before and after.
  GradingStore grading(*store_);
  auto rules = grading.CurrentRules();
  ASSERT_TRUE(rules.ok());
  n = Size();
  ASSERT_TRUE(grading.SetRules(GradingStore::RulesJson(*rules), "os:alice").ok());
  e = Since(n, 1);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].action, "grading.rules");
  EXPECT_EQ(e[0].actor, "os:alice");
  EXPECT_EQ(e[0].before.at("version").as_int64(), 0);
  EXPECT_EQ(e[0].after.at("version").as_int64(), 1);
  EXPECT_TRUE(e[0].after.at("rules").is_object());
  n = Size();
  ASSERT_TRUE(assignment_->SetRules("{}", "manager:mgr").ok());
  e = Since(n, 1);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].action, "assignment.rules");
  EXPECT_EQ(e[0].after.at("version").as_int64(), e[0].before.at("version").as_int64() + 1);
  n = Size();
  ProfileUpdate update;
  update.capacity = 50;
  ASSERT_TRUE(assignment_->SetProfile("rep-a", update, "manager:mgr").ok());
  e = Since(n, 1);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].action, "rep.profile");
  EXPECT_TRUE(e[0].before.at("capacity").is_null());
  EXPECT_EQ(e[0].after.at("capacity").as_int64(), 50);

  // Credentials.
  n = Size();
  ASSERT_TRUE(store_->AddRep(NewRep{"rep-d", "D", "rep", "", "", ""}, "os:alice").ok());
  e = Since(n, 1);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].action, "rep.add");
  EXPECT_EQ(e[0].subject, "rep-d");
  n = Size();
  ASSERT_TRUE(store_->IssueToken("rep-d", "tablet", "os:alice").ok());
  ASSERT_TRUE(store_->RevokeDevice("rep-d", "tablet", 0, "manager:mgr").ok());
  ASSERT_TRUE(store_->DisableRep("rep-d", "manager:mgr").ok());
  ASSERT_TRUE(store_->EnableRep("rep-d", "manager:mgr").ok());
  e = Since(n, 4);
  ASSERT_EQ(e.size(), 4u);
  EXPECT_EQ(e[0].action, "device.issue");
  EXPECT_EQ(e[0].actor, "os:alice");
  EXPECT_EQ(e[0].after.at("device").as_string(), "tablet");
  EXPECT_EQ(e[1].action, "device.revoke");
  EXPECT_EQ(J(e[1].before).find("\"revoked\":false") != std::string::npos, true);
  EXPECT_EQ(J(e[1].after).find("\"revoked\":true") != std::string::npos, true);
  EXPECT_EQ(e[2].action, "rep.disable");
  EXPECT_EQ(J(e[2].before), R"({"active":true})");
  EXPECT_EQ(J(e[2].after), R"({"active":false})");
  EXPECT_EQ(e[3].action, "rep.enable");
  // Refusals write nothing.
  n = Size();
  EXPECT_FALSE(store_->RevokeDevice("rep-d", "tablet", 0, "manager:mgr").ok());
  EXPECT_FALSE(store_->IssueToken("nobody", "x", "manager:mgr").ok());
  EXPECT_EQ(Size(), n);
}

// A reason past the bound is cut to whole characters, and a stored phrase is never cut inside
// its JSON (it would read back as raw text): its English is kept instead. A rep who serves many
// regions with long Chinese names makes such a phrase (the regions once as a value, once in the
// English).
TEST_F(AuditStoreTest, AReasonPastTheBoundIsCutToWholeCharactersAndAPhraseToItsEnglish) {
  std::string regions;
  for (int i = 0; i < 120; ++i)
    regions += (i ? ", " : "") + std::string("广东省第") + std::to_string(i) + "片区";
  const std::string phrase =
      StorePhrase({"pool_assigned_despite_region",
                   {{"region", "GD-SZ"}, {"rep", "rep-a"}, {"regions", regions}}});
  ASSERT_GT(phrase.size(), AuditStore::kMaxReasonBytes);
  std::string plain;
  for (int i = 0; i < 700; ++i) plain += "满";  // 2,100 bytes: byte 2,000 is inside a character
  AuditStore audit(store_->sql(), wall_);
  const int64_t before = Size();
  for (const std::string& reason : {phrase, plain}) {
    AuditEntry e;
    e.actor = "manager:mgr";
    e.action = "pool.assign";
    e.reason = reason;
    ASSERT_TRUE(audit.Record(e).ok());
  }
  const std::vector<AuditEntry> kept = Since(before, 2);
  ASSERT_EQ(kept.size(), 2u);
  for (const AuditEntry& e : kept) {
    EXPECT_LE(e.reason.size(), AuditStore::kMaxReasonBytes);
    EXPECT_TRUE(IsValidUtf8(e.reason)) << e.reason.size();
    EXPECT_EQ(e.reason.rfind("…"), e.reason.size() - 3);
  }
  EXPECT_EQ(kept[0].reason.rfind("assigned from the pool despite: region mismatch: customer in "
                                 "GD-SZ, rep-a serves 广东省第0片区, ",
                                 0),
            0u)
      << kept[0].reason;
  EXPECT_EQ(kept[1].reason.rfind("满满", 0), 0u);
}

TEST_F(AuditStoreTest, TheListFiltersByCustomerActorActionAndTimeAndPages) {
  AddCustomer("c1", "rep-a", "C");
  AddCustomer("c2", "rep-a", "C");
  const int64_t t0 = static_cast<int64_t>(wall_.NowMs());
  for (int i = 0; i < 30; ++i) {
    wall_.Advance(60000);
    const std::string customer = i % 2 == 0 ? "c1" : "c2";
    const std::string to = i % 3 == 0 ? "rep-b" : "rep-c";
    ASSERT_TRUE(
        store_->ReassignCustomer(customer, to, i % 5 == 0 ? "os:alice" : "manager:mgr").ok());
  }
  AuditFilter f;
  f.customer = "c1";
  EXPECT_EQ(List(f).size(), 15u);
  for (const AuditEntry& e : List(f)) EXPECT_EQ(e.customer_id, "c1");
  f = {};
  f.actor = "os:alice";
  EXPECT_EQ(List(f).size(), 6u);
  f.customer = "c2";
  EXPECT_EQ(List(f).size(), 3u);  // i = 5, 15, 25
  f = {};
  f.since_ms = t0 + 20 * 60000;  // the 20th and later
  EXPECT_EQ(List(f).size(), 11u);
  f = {};
  f.action = "customer.reassign";
  EXPECT_EQ(List(f).size(), 30u);
  // Pages of 7, oldest first, continuing from `next` without gaps or repeats.
  AuditStore audit(store_->sql(), wall_);
  AuditFilter page_filter;
  page_filter.action = "customer.reassign";
  page_filter.limit = 7;
  std::vector<int64_t> ids;
  for (int pages = 0; pages < 10; ++pages) {
    auto page = audit.List(page_filter);
    ASSERT_TRUE(page.ok());
    for (const AuditEntry& e : page->entries) ids.push_back(e.id);
    if (page->next == 0) break;
    page_filter.after_id = page->next;
  }
  ASSERT_EQ(ids.size(), 30u);
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  EXPECT_EQ(std::adjacent_find(ids.begin(), ids.end()), ids.end());

  EXPECT_EQ(ParseIsoUtc("2026-11-23"), std::optional<int64_t>(1795392000000));
  EXPECT_EQ(ParseIsoUtc("2026-11-23T00:00:01Z"), std::optional<int64_t>(1795392001000));
  for (const char* bad : {"", "2026-13-01", "2026-02-31", "yesterday", "2026-11-23T25:00:00Z",
                          "2026-11-23 10:00:00", "2026-11-23T10:00:00+08"}) {
    EXPECT_FALSE(ParseIsoUtc(bad).has_value()) << bad;
  }
}

TEST_F(AuditStoreTest, SqlCannotChangeOrDeleteAnEntry) {
  AddCustomer("c1", "rep-a", "C");
  ASSERT_TRUE(store_->ReassignCustomer("c1", "rep-b", "manager:mgr").ok());
  const int64_t n = Size();
  ASSERT_GT(n, 0);
  SqlDb& db = store_->sql();
  Status del = db.ExecScript("DELETE FROM srv_audit");
  EXPECT_FALSE(del.ok());
  EXPECT_NE(del.message().find("append-only"), std::string::npos) << del.ToString();
  EXPECT_FALSE(db.ExecScript("DELETE FROM srv_audit WHERE actor = 'manager:mgr'").ok());
  EXPECT_FALSE(db.ExecScript("UPDATE srv_audit SET actor = 'someone else'").ok());
  EXPECT_FALSE(db.ExecScript("UPDATE OR REPLACE srv_audit SET reason = 'x'").ok());
  EXPECT_FALSE(db.ExecScript("INSERT OR REPLACE INTO srv_audit (id, at_ms, actor, action, "
                             "before_json, after_json) SELECT id, 0, 'x', 'y', '{}', '{}' FROM "
                             "srv_audit")
                   .ok());
  EXPECT_EQ(Size(), n);
  AuditFilter f;
  f.actor = "manager:mgr";
  EXPECT_EQ(List(f).size(), 1u);
  // Compaction (history trim, the nightly job's step) never touches it.
  auto trimmed = store_->TrimHistory(UINT64_MAX / 2, UINT64_MAX / 2);
  ASSERT_TRUE(trimmed.ok()) << trimmed.status().ToString();
  EXPECT_EQ(Size(), n);
}

TEST_F(AuditStoreTest, ARestoreKeepsTheEntriesWrittenAfterTheBackupAndIsAnEntryItself) {
  FB_SKIP_UNIT_ON_POSTGRES("backup and restore copy server.db (PostgreSQL's are pg_dump's)");
  AddCustomer("c1", "rep-a", "C");
  ASSERT_TRUE(store_->ReassignCustomer("c1", "rep-b", "manager:mgr", "before the backup").ok());
  BackupOptions options;
  options.dir = dir_.File("backups");
  auto backup = WriteBackup(db_path_, options, wall_.NowMs());
  ASSERT_TRUE(backup.ok()) << backup.status().ToString();
  wall_.Advance(60000);
  ASSERT_TRUE(store_->ReassignCustomer("c1", "rep-c", "manager:mgr", "after the backup").ok());
  ASSERT_TRUE(store_->IssueToken("rep-a", "tablet", "os:alice").ok());
  const std::vector<AuditEntry> before = List();
  store_.reset();

  RestoreOptions restore;
  restore.force = true;
  restore.actor = "os:ops";
  auto restored = RestoreBackup(backup->file, db_path_, restore, wall_);
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  EXPECT_EQ(restored->audit_carried, 2);
  EXPECT_TRUE(restored->audit_problem.empty()) << restored->audit_problem;
  auto reopened = ServerStore::Open(db_path_, wall_);
  ASSERT_TRUE(reopened.ok());
  store_ = std::move(*reopened);
  const std::vector<AuditEntry> after = List();
  ASSERT_EQ(after.size(), before.size() + 1);
  for (size_t i = 0; i < before.size(); ++i) {
    EXPECT_EQ(after[i].id, before[i].id);
    EXPECT_EQ(after[i].action, before[i].action);
    EXPECT_EQ(after[i].reason, before[i].reason);
    EXPECT_EQ(J(after[i].after), J(before[i].after));
  }
  const AuditEntry& last = after.back();
  EXPECT_EQ(last.action, "database.restore");
  EXPECT_EQ(last.actor, "os:ops");
  EXPECT_EQ(last.after.at("backup").as_string(), backup->file);
  EXPECT_EQ(last.after.at("audit_entries_carried_over").as_int64(), 2);
  // The restored data itself is the backup's: c1 is rep-b's again.
  EXPECT_EQ(QueryValue(store_->sql(), "SELECT owner_rep_id FROM customers WHERE id = 'c1'"),
            S("rep-b"));
}

}  // namespace
}  // namespace fieldbook::server
