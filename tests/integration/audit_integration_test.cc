// The audit log through the real binaries (issue #13 item 16): a command's --actor (or the OS
// user) and a manager's token become the entries' actors; `audit list` and GET /v1/admin/audit
// filter and page; the nightly job leaves the log alone; SQL cannot delete from it.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "integration/server_fixture.h"
#include "support/sync_fixture.h"

namespace fieldbook::testing {
namespace {

class AuditIntegrationTest : public ServerFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(InitDb());
    manager_ = AddRep("mgr", "Manager Zhou", "manager");
    token_a_ = AddRep("rep-a", "张伟 Zhang Wei", "rep");
    token_b_ = AddRep("rep-b", "李娜 Li Na", "rep");
    ASSERT_NO_FATAL_FAILURE(StartServer());
  }

  boost::json::value AuditList(std::vector<std::string> filters) {
    std::vector<std::string> args = {"audit", "list", "--db", db_, "--json"};
    args.insert(args.end(), filters.begin(), filters.end());
    CommandResult r = RunServerCommand(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return ParseJson(r.out);
  }

  std::string manager_, token_a_, token_b_;
};

TEST_F(AuditIntegrationTest, CommandsAndTheAdminApiWriteOneEntryEachWithTheirActors) {
  auto a = OpenReplica("a");
  ASSERT_TRUE(Exec(a->db(),
                   "INSERT INTO customers (id, name, owner_rep_id) VALUES ('c1', 'Golden Wrench', "
                   "'rep-a'), ('c2', '华信修理厂', 'rep-a')")
                  .ok());
  ASSERT_TRUE(Sync(*a, token_a_).ok());
  // `rep add` ran without --actor: the OS user, never a made-up name.
  const boost::json::value adds = AuditList({"--action", "rep.add"});
  ASSERT_EQ(JsonArr(adds, "entries").size(), 3u);
  for (const auto& e : JsonArr(adds, "entries")) {
    EXPECT_EQ(JsonStr(e, "actor").rfind("os:", 0), 0u) << JsonStr(e, "actor");
  }

  CommandResult moved =
      RunServerCommand({"customer", "reassign", "--db", db_, "--customer", "c1", "--to", "rep-b",
                        "--actor", "ops-alice", "--reason", "rep-a is on leave"});
  ASSERT_EQ(moved.exit_code, 0) << moved.err;
  auto back = Post("/v1/admin/customers/reassign",
                   R"({"customer":"c1","to":"rep-a","reason":"rep-a is back"})", manager_);
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->status, 200) << back->body;
  auto other = Post("/v1/admin/customers/reassign", R"({"customer":"c2","to":"rep-b"})", manager_);
  ASSERT_TRUE(other.ok());
  ASSERT_EQ(other->status, 200) << other->body;
  // A bad reason is refused and writes nothing.
  EXPECT_EQ(
      Post("/v1/admin/customers/reassign", R"({"customer":"c2","to":"rep-a","reason":7})", manager_)
          ->status,
      400);

  const boost::json::value c1 = AuditList({"--customer", "c1"});
  const auto& entries = JsonArr(c1, "entries");
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(JsonStr(entries[0], "action"), "customer.reassign");
  EXPECT_EQ(JsonStr(entries[0], "actor"), "ops-alice");
  EXPECT_EQ(JsonStr(entries[0], "reason"), "rep-a is on leave");
  EXPECT_EQ(JsonStr(entries[0].at("before"), "owner"), "rep-a");
  EXPECT_EQ(JsonStr(entries[0].at("after"), "owner"), "rep-b");
  EXPECT_EQ(JsonStr(entries[1], "actor"), "manager:mgr");
  EXPECT_EQ(JsonStr(entries[1].at("before"), "owner"), "rep-b");
  EXPECT_EQ(JsonStr(entries[1].at("after"), "owner"), "rep-a");
  EXPECT_EQ(JsonArr(AuditList({"--actor", "manager:mgr"}), "entries").size(), 2u);
  EXPECT_EQ(JsonArr(AuditList({"--since", "2099-01-01"}), "entries").size(), 0u);
  CommandResult bad_since =
      RunServerCommand({"audit", "list", "--db", db_, "--since", "last tuesday"});
  EXPECT_NE(bad_since.exit_code, 0);
  EXPECT_NE(bad_since.err.find("--since"), std::string::npos) << bad_since.err;
  CommandResult text = RunServerCommand({"audit", "list", "--db", db_, "--customer", "c1"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("ops-alice customer.reassign customer c1"), std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("reason: rep-a is on leave"), std::string::npos) << text.out;

  // The admin API: the same entries, filtered and paged, for managers only.
  auto page1 = Get("/v1/admin/audit?customer=c1&limit=1", manager_);
  ASSERT_TRUE(page1.ok());
  ASSERT_EQ(page1->status, 200) << page1->body;
  const boost::json::value p1 = ParseJson(page1->body);
  ASSERT_EQ(JsonArr(p1, "entries").size(), 1u);
  EXPECT_EQ(JsonStr(JsonArr(p1, "entries")[0], "actor"), "ops-alice");
  const int64_t next = JsonInt(p1, "next");
  ASSERT_GT(next, 0);
  auto page2 = Get("/v1/admin/audit?customer=c1&limit=1&after=" + std::to_string(next), manager_);
  ASSERT_TRUE(page2.ok());
  const boost::json::value p2 = ParseJson(page2->body);
  ASSERT_EQ(JsonArr(p2, "entries").size(), 1u);
  EXPECT_EQ(JsonStr(JsonArr(p2, "entries")[0], "actor"), "manager:mgr");
  EXPECT_TRUE(p2.at("next").is_null());
  auto by_actor = Get("/v1/admin/audit?actor=manager%3Amgr&since=2020-01-01", manager_);
  ASSERT_TRUE(by_actor.ok());
  EXPECT_EQ(JsonArr(ParseJson(by_actor->body), "entries").size(), 2u);
  EXPECT_EQ(Get("/v1/admin/audit", token_a_)->status, 403);
  EXPECT_EQ(Get("/v1/admin/audit", "")->status, 401);
  EXPECT_EQ(Get("/v1/admin/audit?since=soon", manager_)->status, 400);
  EXPECT_EQ(Get("/v1/admin/audit?limit=0", manager_)->status, 400);
  EXPECT_EQ(Get("/v1/admin/audit?after=-5", manager_)->status, 400);

  // The nightly job compacts history but never the audit log.
  const boost::json::value all = AuditList({"--limit", "1000"});
  CommandResult nightly = RunServerCommand(
      {"nightly", "--db", db_, "--retention-days", "0", "--backup-dir", dir_.File("backups")});
  ASSERT_EQ(nightly.exit_code, 0) << nightly.out << nightly.err;
  const boost::json::value after_nightly = AuditList({"--limit", "1000"});
  ASSERT_GE(JsonArr(after_nightly, "entries").size(), JsonArr(all, "entries").size());
  for (size_t i = 0; i < JsonArr(all, "entries").size(); ++i) {
    EXPECT_EQ(boost::json::serialize(JsonArr(after_nightly, "entries")[i]),
              boost::json::serialize(JsonArr(all, "entries")[i]));
  }

  // SQL on the database itself (the file, or PostgreSQL) cannot delete or change an entry.
  EXPECT_FALSE(server_db_.Exec("DELETE FROM srv_audit").ok());
  EXPECT_FALSE(server_db_.Exec("UPDATE srv_audit SET actor = 'nobody'").ok());
  EXPECT_EQ(JsonArr(AuditList({"--limit", "1000"}), "entries").size(),
            JsonArr(after_nightly, "entries").size());
}

}  // namespace
}  // namespace fieldbook::testing
