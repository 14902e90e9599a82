// The nightly reclaim's reason as a value (issue #19): the pooled customer's row keeps the phrase
// (pool_reclaim_*) with the English sentence it always had; the pool's answer carries that English
// for old devices with the code and values beside it and both languages for the console; a device
// keeps the phrase and shows it in the rep's language; a row written before codes reads as it is.
#include <gtest/gtest.h>

#include "api/assignment_api.h"

#include "commands/command_lang.h"
#include "fieldbook/phrase_json.h"
#include "store/audit_store.h"
#include "store/pool_store.h"
#include "support/pool_fixture.h"

namespace fieldbook::server {
namespace {

using fieldbook::testing::PoolFixture;

class ReclaimReasonTest : public PoolFixture {
 protected:
  PoolEntry OnlyEntry() {
    auto entries = pool_->List({}, 10);
    EXPECT_TRUE(entries.ok()) << entries.status().ToString();
    EXPECT_EQ(entries.ok() ? entries->size() : 0u, 1u);
    return entries.ok() && !entries->empty() ? entries->front() : PoolEntry{};
  }
};

TEST_F(ReclaimReasonTest, TheReclaimReasonIsStoredAsAPhraseAndReadInEitherLanguage) {
  AddCustomer("c1", "rep-a", "B");  // tier B: 45 days by default
  AddVisit("v1", "c1", start_ + 10);
  const int32_t day = start_ + 10 + 45 + 1;
  SetDay(day, 1);
  Synced("rep-a");
  auto report = pool_->ReclaimDue(day);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_EQ(report->reclaimed.size(), 1u);
  const std::string english =
      "no visit or order in the 45 days after 2026-06-11 (tier B); last one 2026-06-11";
  EXPECT_EQ(report->reclaimed[0].reason, english);
  EXPECT_EQ(report->reclaimed[0].why.code, "pool_reclaim_idle");

  const PoolEntry entry = OnlyEntry();
  const StoredPhrase stored = ReadStoredPhrase(entry.reason);
  EXPECT_EQ(stored.phrase.code, "pool_reclaim_idle");
  EXPECT_EQ(stored.detail, english);
  // The code's English is the sentence itself; the Chinese has no English left.
  EXPECT_EQ(SayStored(Lang::kEnglish, entry.reason), english);
  EXPECT_EQ(SayStored(Lang::kChinese, entry.reason),
            "自 2026年6月11日 起 45 天内没有拜访或订单（B 级）；最近一次在 2026年6月11日");

  // The pool's answer: the English where old devices read it, the value beside it.
  boost::json::object o = PoolEntryJson(entry, /*for_manager=*/true);
  EXPECT_EQ(o["reason"].as_string(), english);
  EXPECT_EQ(o["reason_code"].as_string(), "pool_reclaim_idle");
  EXPECT_EQ(o["reason_values"].as_object()["days"].as_string(), "45");
  EXPECT_EQ(o["reason_text"].as_object()["zh"].as_string(),
            SayStored(Lang::kChinese, entry.reason));
  // The run's report (the console's reclaim list) has it in both languages too.
  boost::json::object clock = ClockJson(report->reclaimed[0], day);
  EXPECT_EQ(clock["reason"].as_string(), english);
  EXPECT_EQ(clock["reason_text"].as_object()["en"].as_string(), english);

  // The pool's audit keeps the reclaim the same way: the English for old readers, the value
  // beside it, read in the manager's language (the console's and `pool audit`'s).
  auto audit = pool_->Audit("c1", 10);
  ASSERT_TRUE(audit.ok()) << audit.status().ToString();
  ASSERT_EQ(audit->size(), 1u);
  const PoolAuditEntry& a = audit->front();
  EXPECT_EQ(a.action, "reclaim");
  EXPECT_EQ(a.reason, english);
  EXPECT_EQ(a.why.code, "pool_reclaim_idle");
  boost::json::object aj = AuditJson(a);
  EXPECT_EQ(aj["reason"].as_string(), english);
  EXPECT_EQ(aj["reason_code"].as_string(), "pool_reclaim_idle");
  EXPECT_EQ(aj["reason_text"].as_object()["zh"].as_string(),
            SayStored(Lang::kChinese, entry.reason));
  EXPECT_EQ(SayPhrase(Lang::kChinese, a.why, a.reason), SayStored(Lang::kChinese, entry.reason));
  EXPECT_EQ(SayPhrase(Lang::kEnglish, a.why, a.reason), english);
  // ... and so does the audit log.
  AuditStore log(*store_);
  AuditFilter filter;
  filter.action = "pool.reclaim";
  auto page = log.List(filter);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->entries.size(), 1u);
  boost::json::object lj = AuditEntryJson(page->entries[0]);
  EXPECT_EQ(lj["reason"].as_string(), english);
  EXPECT_EQ(lj["reason_code"].as_string(), "pool_reclaim_idle");
  EXPECT_EQ(lj["reason_values"].as_object()["tier"].as_string(), "B");
  // The scope history's event: the value, with its English sentence as before.
  const Value scope = fieldbook::testing::QueryValue(
      store_->sql(),
      "SELECT reason FROM srv_scope_events WHERE customer_id = 'c1' AND kind = 'removed'");
  ASSERT_TRUE(std::holds_alternative<std::string>(scope));
  const StoredPhrase event = ReadStoredPhrase(std::get<std::string>(scope));
  EXPECT_EQ(event.phrase.code, "pool_reclaim_idle");
  EXPECT_EQ(event.detail, "reclaimed to the pool: " + english);
}

TEST_F(ReclaimReasonTest, AnUngradedNeverVisitedCustomerAndAnOldPlainRow) {
  AddCustomer("c2", "rep-a", "");
  const int32_t day = start_ + 400;
  SetDay(day, 1);
  Synced("rep-a");
  auto report = pool_->ReclaimDue(day);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_EQ(report->reclaimed.size(), 1u);
  const ReclaimClock& c = report->reclaimed[0];
  EXPECT_EQ(c.why.code, "pool_reclaim_idle_ungraded_never");
  EXPECT_EQ(Say(Lang::kEnglish, c.why), c.reason);
  EXPECT_NE(Say(Lang::kChinese, c.why).find("未评级"), std::string::npos);
  // A row written before codes (plain English) is shown as it is, with no code on the wire.
  PoolEntry old = OnlyEntry();
  old.reason = "no visit or order in the 30 days after 2026-06-01 (tier A)";
  EXPECT_EQ(SayStored(Lang::kChinese, old.reason), old.reason);
  boost::json::object o = PoolEntryJson(old, /*for_manager=*/false);
  EXPECT_EQ(o["reason"].as_string(), old.reason);
  EXPECT_FALSE(o.contains("reason_code"));
  // A person's own words in the audit (a release's reason) are no phrase and read as written.
  PoolAuditEntry released;
  released.reason = "moved away";
  boost::json::object aj = AuditJson(released);
  EXPECT_EQ(aj["reason"].as_string(), "moved away");
  EXPECT_FALSE(aj.contains("reason_code"));
  EXPECT_EQ(SayPhrase(Lang::kChinese, released.why, released.reason), "moved away");
}

// The other reasons a customer changes hands (issue #19): a claim, a manager's assignment from the
// pool (with the rule it breaks), a release and a merge are kept as values with their English as
// before, in the pool's audit (which `pool audit` and the console show) and the scope history.
TEST_F(ReclaimReasonTest, ClaimsAssignmentsReleasesAndMergesAreKeptAsValues) {
  Profile("rep-a", {"GD-GZ"}, Skill::kJunior);
  AddCustomer("pa", "rep-c", "A");
  AddCustomer("pc", "rep-c", "C");
  ASSERT_TRUE(pool_->Release("pa", "rep-c", "moved away", "rep:rep-c").ok());
  ASSERT_TRUE(pool_->Release("pc", "rep-c", "moved away", "rep:rep-c").ok());
  auto note = pool_->Assign("pa", "rep-a", "manager:mgr");
  ASSERT_TRUE(note.ok()) << note.status().ToString();
  wall_.Advance(60000);
  auto claimed = pool_->Claim("rep-b", {ClaimRequest{"req-1", "pc", 1780300000000}});
  ASSERT_TRUE(claimed.ok()) << claimed.status().ToString();
  auto refused = pool_->Claim("rep-b", {ClaimRequest{"req-2", "pa", 0}});
  ASSERT_TRUE(refused.ok()) << refused.status().ToString();
  ASSERT_EQ((*refused)[0].status, "refused");

  struct Expected {
    const char* customer;
    const char* action;
    const char* code;
    const char* english;
  };
  const Expected expected[] = {
      {"pa", "assign", "pool_assigned_despite_skill",
       "assigned from the pool despite: tier A needs senior+: rep-a is junior"},
      {"pc", "claim", "pool_claimed_asked", nullptr},
      {"pa", "release", "", "moved away"},  // a person's own words: no phrase
  };
  for (const Expected& e : expected) {
    auto audit = pool_->Audit(e.customer, 10);
    ASSERT_TRUE(audit.ok()) << audit.status().ToString();
    const PoolAuditEntry* found = nullptr;
    for (const PoolAuditEntry& a : *audit) {
      if (a.action == e.action) found = &a;
    }
    ASSERT_NE(found, nullptr) << e.action;
    EXPECT_EQ(found->why.code, e.code) << e.action;
    if (e.english != nullptr) EXPECT_EQ(found->reason, e.english);
    if (*e.code == '\0') continue;
    EXPECT_EQ(Say(Lang::kEnglish, found->why), found->reason);
    const std::string zh = SayPhrase(Lang::kChinese, found->why, found->reason);
    EXPECT_EQ(zh.find("from the pool"), std::string::npos) << zh;
    EXPECT_NE(zh.find("公海"), std::string::npos) << zh;
    EXPECT_EQ(AuditJson(*found)["reason_code"].as_string(), e.code);
  }
  auto claim_audit = pool_->Audit("pc", 10);
  ASSERT_TRUE(claim_audit.ok());
  EXPECT_NE(claim_audit->front().reason.find("claimed from the pool (asked on the device at "),
            std::string::npos)
      << claim_audit->front().reason;
  // A refused claim keeps its refusal as a value too.
  auto refused_audit = pool_->Audit("pa", 10);
  ASSERT_TRUE(refused_audit.ok());
  EXPECT_EQ(refused_audit->front().action, "claim_refused");
  EXPECT_EQ(refused_audit->front().why.code, (*refused)[0].why.code);

  // The scope history: each change of holder keeps why as a value with its English as before.
  auto scope_reason = [&](const std::string& customer, const char* kind) {
    const Value v = fieldbook::testing::QueryValue(
        store_->sql(), "SELECT reason FROM srv_scope_events WHERE customer_id = '" + customer +
                           "' AND kind = '" + kind + "' ORDER BY seq DESC LIMIT 1");
    return std::holds_alternative<std::string>(v) ? std::get<std::string>(v) : std::string();
  };
  const StoredPhrase claimed_scope = ReadStoredPhrase(scope_reason("pc", "added"));
  EXPECT_EQ(claimed_scope.phrase.code, "scope_claimed");
  EXPECT_EQ(claimed_scope.detail, "claimed from the pool by rep-b");
  const std::string released = scope_reason("pc", "removed");
  EXPECT_EQ(ReadStoredPhrase(released).phrase.code, "scope_released");
  EXPECT_EQ(ReadStoredPhrase(released).detail, "released to the pool by rep:rep-c: moved away");
  EXPECT_EQ(SayStored(Lang::kChinese, released), "rep:rep-c 已放回公海：moved away");
  const StoredPhrase assigned_scope = ReadStoredPhrase(scope_reason("pa", "added"));
  EXPECT_EQ(assigned_scope.phrase.code, "scope_assigned");
  EXPECT_EQ(assigned_scope.detail, "assigned from the pool by manager:mgr");
}

}  // namespace
}  // namespace fieldbook::server
