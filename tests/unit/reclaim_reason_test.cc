// The nightly reclaim's reason as a value (issue #19): the pooled customer's row keeps the phrase
// (pool_reclaim_*) with the English sentence it always had; the pool's answer carries that English
// for old devices with the code and values beside it and both languages for the console; a device
// keeps the phrase and shows it in the rep's language; a row written before codes reads as it is.
#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "api/assignment_api.h"

#include "commands/command_lang.h"
#include "fieldbook/phrase_json.h"
#include "fieldbook/utf8.h"
#include "import/importer.h"
#include "store/audit_store.h"
#include "store/pool_store.h"
#include "support/english_words.h"
#include "support/import_sheets.h"
#include "support/pool_fixture.h"

namespace fieldbook::server {
namespace {

using fieldbook::testing::PoolFixture;
using fieldbook::testing::S;

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

// A rep's typed release reason that reads as a stored phrase (JSON with a code and a detail,
// typed on purpose or pasted) stays the rep's words: the manager never sees it as the nightly's
// reclaim (before, the audit and the pool showed "pool_reclaim_no_visit" in either language).
TEST_F(ReclaimReasonTest, ARepsReasonThatLooksLikeAStoredPhraseStaysTheRepsWords) {
  AddCustomer("c1", "rep-a", "B");
  const std::string typed =
      R"({"code":"pool_reclaim_never_visited","detail":"reclaimed by the nightly","values":{}})";
  ASSERT_TRUE(pool_->Release("c1", "rep-a", typed, "rep:rep-a").ok());
  const PoolEntry entry = OnlyEntry();
  EXPECT_EQ(ReadStoredPhrase(entry.reason).phrase.code, "") << entry.reason;
  for (Lang lang : {Lang::kEnglish, Lang::kChinese}) {
    const std::string shown = SayStored(lang, entry.reason);
    EXPECT_NE(shown.find(typed), std::string::npos) << shown;  // the words as typed
  }
  auto audit = pool_->Audit("c1", 10);
  ASSERT_TRUE(audit.ok()) << audit.status().ToString();
  ASSERT_FALSE(audit->empty());
  EXPECT_EQ(audit->front().action, "release");
  EXPECT_EQ(audit->front().why.code, "");
  EXPECT_NE(audit->front().reason.find(typed), std::string::npos) << audit->front().reason;
  // A plain reason, and one that merely starts with a brace, are kept exactly.
  EXPECT_EQ(PersonText("moved away"), "moved away");
  EXPECT_EQ(PersonText("{closed} for winter"), "{closed} for winter");
}

// The scope history's own reasons (issue #19): a territory given to a rep, a reassignment, a
// customer the hub creates, a territory changed underneath its customers and a customer a rep's
// device creates are values with the English they always had; and an assignment plan's move is
// one in the audit log, the plan's reason nested in it (fieldbook/phrase_nest.h).
TEST_F(ReclaimReasonTest, TerritoriesReassignmentsCreationsAndPlansAreKeptAsValues) {
  AddCustomer("t1", "", "B");  // in t-gz, which no rep serves yet
  ASSERT_TRUE(store_->AssignTerritory("t-gz", "rep-a", "manager:mgr", "new hire").ok());
  AddCustomer("t2", "rep-b", "B");
  ASSERT_TRUE(store_->ReassignCustomer("t2", "rep-c", "manager:mgr", "balance").ok());
  ASSERT_TRUE(store_->Write({RowWrite{"territories", "t-gz", {{"rep_id", S("rep-b")}}}}).ok());
  const Hlc at = Hlc::FromParts(wall_.NowMs(), 0);  // by device-a, the set's origin 0
  auto pushed = store_->ApplyRepPush(
      Principal{"rep-a", "A", "rep"},
      Push("created-on-device",
           {{"customers",
             "t3",
             {{"name", S("新客户"), at, 0}, {"owner_rep_id", S("rep-a"), at, 0}}}}));
  ASSERT_TRUE(pushed.ok()) << pushed.status().ToString();
  ASSERT_TRUE(pushed->rejections.empty())
      << pushed->rejections[0].code << ": " << pushed->rejections[0].reason;

  struct Expected {
    const char* customer;
    const char* rep;
    const char* code;
    const char* english;
  };
  const Expected expected[] = {
      {"t1", "rep-a", "scope_territory_assigned",
       "territory t-gz assigned to rep-a by manager:mgr"},
      {"t2", "rep-b", "scope_created", "customer created"},
      {"t2", "rep-c", "scope_reassigned", "customer reassigned to rep-c by manager:mgr"},
      {"t1", "rep-b", "scope_territory_changed", "territory changed"},
      {"t3", "rep-a", "scope_created_by", "created by rep-a"},
  };
  const std::set<std::string> names = {"rep-a", "rep-b", "rep-c", "t-gz", "manager", "mgr"};
  for (const Expected& e : expected) {
    const Value v = fieldbook::testing::QueryValue(
        store_->sql(),
        "SELECT reason FROM srv_scope_events WHERE customer_id = ? AND rep_id = ? AND kind = "
        "'added' ORDER BY seq DESC LIMIT 1",
        {S(e.customer), S(e.rep)});
    ASSERT_TRUE(std::holds_alternative<std::string>(v)) << e.customer << " " << e.rep;
    const std::string& stored = std::get<std::string>(v);
    EXPECT_EQ(ReadStoredPhrase(stored).phrase.code, e.code);
    EXPECT_EQ(ReadStoredPhrase(stored).detail, e.english);
    EXPECT_EQ(SayStored(Lang::kEnglish, stored), e.english);
    const std::string zh = SayStored(Lang::kChinese, stored);
    EXPECT_NE(zh, e.english);
    EXPECT_EQ(fieldbook::testing::EnglishWords(zh, names), std::vector<std::string>{}) << zh;
  }

  // An assignment plan's move: the audit log's reason is the rule and the plan's own reason.
  AddCustomer("orphan", "", "C", "t-sz");  // no rep holds it: placed by the plan
  auto applied = assignment_->Apply("", "cli");
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  AuditStore log(*store_);
  AuditFilter filter;
  filter.action = "assign.move";
  auto page = log.List(filter);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_FALSE(page->entries.empty());
  for (const AuditEntry& moved : page->entries) {
    const StoredPhrase reason = ReadStoredPhrase(moved.reason);
    EXPECT_EQ(reason.phrase.code, "audit_assign_move");
    EXPECT_EQ(reason.detail.rfind("rule ", 0), 0u) << reason.detail;
    EXPECT_EQ(SayStored(Lang::kEnglish, moved.reason), reason.detail);
    boost::json::object j = AuditEntryJson(moved);
    EXPECT_EQ(j["reason"].as_string(), reason.detail);
    const std::string zh = SayStored(Lang::kChinese, moved.reason);
    EXPECT_EQ(fieldbook::testing::EnglishWords(zh, names), std::vector<std::string>{}) << zh;
  }
}

// An imported customer no rep can take goes to the pool with why (issue #19): "imported from
// FILE: ..." as it always read in English, a phrase with the file a value and the plan's reason
// (why it should move and what no rep could offer) nested in it. At a realistic shape (30 reps,
// 300 imported customers, half of them pooled for want of room or of a rep in their region) each
// pooled customer reads in Chinese with no English word but names, on the server and on a device
// that keeps what the pool's answer sends.
TEST_F(ReclaimReasonTest, AnImportedCustomersPoolReasonIsANestedValueAtARealisticShape) {
  for (const char* rep : {"rep-a", "rep-b", "rep-c"}) Profile(rep, {"GD-FS"}, Skill::kJunior);
  for (int r = 1; r <= 30; ++r) {
    const std::string id = (r < 10 ? "rep-0" : "rep-") + std::to_string(r);
    ASSERT_FALSE(AddRep(id, "业务员 " + std::to_string(r)).empty());
    Profile(id, {"GD-GZ"}, r % 3 == 0 ? Skill::kSenior : Skill::kJunior, 5);
  }
  std::vector<std::vector<std::string>> rows = {{"客户名称", "区域"}};
  for (int i = 1; i <= 300; ++i) {
    rows.push_back({fieldbook::testing::CustomerName(i), i % 3 == 0 ? "宝安" : "天河"});
  }
  const std::string path = dir_.File("客户名单.csv");
  std::ofstream(path, std::ios::binary) << fieldbook::testing::RowsToCsv(rows);
  ImportOptions options;
  options.path = path;
  options.name = "客户名单.csv";
  options.today = "2026-06-01";
  options.actor = "manager:mgr";
  auto report = RunImport(*store_, wall_, options);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->created, 300);
  EXPECT_GE(report->pooled, 100);  // every 宝安 customer: no rep serves GD-SZ
  std::map<std::string, const ImportPlacement*> placed;
  for (const ImportPlacement& p : report->placements) placed[p.customer_id] = &p;

  auto pooled = pool_->List({}, 1000);
  ASSERT_TRUE(pooled.ok()) << pooled.status().ToString();
  ASSERT_EQ(static_cast<int64_t>(pooled->size()), report->pooled);
  std::set<std::string> inner_codes;
  for (const PoolEntry& entry : *pooled) {
    const StoredPhrase stored = ReadStoredPhrase(entry.reason);
    ASSERT_EQ(stored.phrase.code, "pool_imported") << entry.reason;
    const ImportPlacement& p = *placed.at(entry.customer_id);
    // The English as it always read (the plan's reason with what no rep could offer).
    // (the plan's English as it was written before it was a phrase: why, "; ", then what no rep
    // could offer as a list, or that no other rep is active)
    std::string needs;
    for (size_t i = 0; i < p.needs.size(); ++i) {
      needs += (i == 0                    ? ""
                : i + 1 == p.needs.size() ? " and "
                                          : ", ") +
               Say(Lang::kEnglish, p.needs[i]);
    }
    const std::string english =
        "imported from 客户名单.csv: " +
        (p.reason.code.rfind("http_", 0) == 0
             ? SayRefusal(Lang::kEnglish, p.reason)
             : Say(Lang::kEnglish, p.reason) + "; " +
                   (needs.empty() ? "no other active rep" : "no other rep " + needs));
    EXPECT_EQ(stored.detail, english);
    EXPECT_EQ(SayStored(Lang::kEnglish, entry.reason), english);
    inner_codes.insert(p.reason.code);
    const std::string zh = SayStored(Lang::kChinese, entry.reason);
    EXPECT_EQ(zh.rfind("从 客户名单.csv 导入：", 0), 0u) << zh;
    EXPECT_EQ(zh.find('{'), std::string::npos) << zh;
    EXPECT_EQ(fieldbook::testing::EnglishWords(zh, {"csv"}), std::vector<std::string>{}) << zh;
    // A device keeps what the pool's answer sends (the code and its flat values) and shows the
    // same Chinese.
    boost::json::object o = PoolEntryJson(entry, /*for_manager=*/false);
    EXPECT_EQ(o["reason"].as_string(), english);
    const Phrase kept{std::string(o["reason_code"].as_string()),
                      PhraseValuesFrom(o["reason_values"])};
    EXPECT_EQ(kept.values, stored.phrase.values);
    EXPECT_EQ(SayStored(Lang::kChinese, StorePhrase(kept, o["reason"].as_string())), zh);
  }
  EXPECT_FALSE(inner_codes.empty());

  // The pool's audit and the audit log keep the same phrase for the import's release.
  const std::string first = pooled->front().customer_id;
  auto audit = pool_->Audit(first, 10);
  ASSERT_TRUE(audit.ok()) << audit.status().ToString();
  ASSERT_FALSE(audit->empty());
  EXPECT_EQ(audit->back().action, "release");
  EXPECT_EQ(audit->back().why.code, "pool_imported");
  EXPECT_EQ(AuditJson(audit->back())["reason_code"].as_string(), "pool_imported");
}

// A file's name is whatever the manager's disk holds: GBK bytes from a Windows zip, or hundreds
// of characters. The imported customers' pool reason stays a phrase every reader can parse (its
// JSON well formed), its English within what a device reads and the audit keeps whole.
TEST_F(ReclaimReasonTest, AnImportedFilesHostileNameKeepsThePoolReasonReadableAndBounded) {
  for (const char* rep : {"rep-a", "rep-b", "rep-c"}) Profile(rep, {"GD-FS"}, Skill::kJunior);
  std::string long_name;
  for (int i = 0; i < 400; ++i) long_name += "客";  // 1,200 bytes
  int file = 0;
  for (const std::string& name : {std::string("\xB9\xE3\xD6\xDD.csv"), long_name}) {
    std::vector<std::vector<std::string>> rows = {{"客户名称", "区域"}};
    for (int i = 1; i <= 40; ++i) {
      rows.push_back({fieldbook::testing::CustomerName(100 * file + i), "宝安"});
    }
    const std::string path = dir_.File("pool-" + std::to_string(file++) + ".csv");
    std::ofstream(path, std::ios::binary) << fieldbook::testing::RowsToCsv(rows);
    ImportOptions options;
    options.path = path;
    options.name = name;
    options.today = "2026-06-01";
    options.actor = "manager:mgr";
    auto report = RunImport(*store_, wall_, options);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_EQ(report->pooled, 40);
  }
  auto pooled = pool_->List({}, 1000);
  ASSERT_TRUE(pooled.ok()) << pooled.status().ToString();
  ASSERT_EQ(pooled->size(), 80u);
  for (const PoolEntry& entry : *pooled) {
    EXPECT_TRUE(IsValidUtf8(entry.reason));
    const StoredPhrase stored = ReadStoredPhrase(entry.reason);
    ASSERT_EQ(stored.phrase.code, "pool_imported") << entry.reason;
    EXPECT_LE(stored.detail.size(), PoolStore::kMaxReasonBytes) << stored.detail;
    EXPECT_LE(entry.reason.size(), PoolStore::kMaxStoredReasonBytes);
    const std::string zh = SayStored(Lang::kChinese, entry.reason);
    EXPECT_EQ(zh.rfind("从 ", 0), 0u) << zh;
    EXPECT_EQ(zh.find("{\""), std::string::npos) << zh;  // never the raw JSON
    EXPECT_EQ(zh.find('\xB9'), std::string::npos) << zh;
    auto audit = pool_->Audit(entry.customer_id, 10);
    ASSERT_TRUE(audit.ok()) << audit.status().ToString();
    ASSERT_FALSE(audit->empty());
    EXPECT_EQ(audit->back().why.code, "pool_imported");
  }

  // A phrase past the bounds (a caller that did not cut its values) is kept as its English cut to
  // whole characters: plain text, shown as it is everywhere.
  AddCustomer("px", "rep-a", "B");
  const Phrase huge{"pool_imported", {{"file", long_name}, {"reason", "assign_unplaced_none"}}};
  auto released = pool_->Release("px", "", huge, "manager:mgr");
  ASSERT_TRUE(released.ok()) << released.status().ToString();
  EXPECT_LE(released->reason.size(), PoolStore::kMaxReasonBytes);
  EXPECT_TRUE(IsValidUtf8(released->reason));
  EXPECT_EQ(released->reason.rfind("imported from 客客", 0), 0u) << released->reason;
  EXPECT_EQ(ReadStoredPhrase(released->reason).phrase.code, "");
}

}  // namespace
}  // namespace fieldbook::server
