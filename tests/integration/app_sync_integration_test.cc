// The desktop app's sync against the real fieldbook-server, with the app's own wiring
// (StoreDataSource::OpenOverHttp, what `fieldbook` opens): after a sync the review list follows
// the manager's decisions, as it does after `fieldbook-cli sync` (held_edits_integration_test.cc).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <thread>

#include "integration/server_fixture.h"
#include "store_data_source.h"

namespace fieldbook::testing {
namespace {

namespace json = boost::json;

class AppSyncTest : public CliFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(InitDb());
    AddRep("mgr", "Manager Zhou", "manager");
    token_a_ = AddRep("rep-a", "张伟 Zhang Wei");
    AddRep("rep-b", "李娜 Li Na");
    ASSERT_NO_FATAL_FAILURE(StartServer(/*keep_port=*/true));
  }

  CommandResult Server(std::vector<std::string> args) {
    args.insert(args.end(), {"--db", db_});
    return RunServerCommand(args);
  }

  // HLC stamps are milliseconds: a pause puts the edits on either side of a move.
  static void Pause() { std::this_thread::sleep_for(std::chrono::milliseconds(20)); }

  std::string token_a_;
};

// Last session's finding: the app synced but never asked what became of the edits held for
// review, so its review panel kept showing items a manager had already decided.
TEST_F(AppSyncTest, TheAppsSyncBringsTheReviewListUpToDate) {
  Init("a", token_a_);
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    ids.push_back(
        JsonStr(OkJson("a", {"customer", "add", "--name", "华信 " + std::to_string(i)}), "id"));
  }
  Ok("a", {"sync"});
  Pause();
  for (const std::string& id : ids) {
    CommandResult moved = Server({"customer", "reassign", "--customer", id, "--to", "rep-b"});
    ASSERT_EQ(moved.exit_code, 0) << moved.err;
  }
  Pause();
  for (const std::string& id : ids) Ok("a", {"customer", "edit", id, "--notes", "late notes"});
  Ok("a", {"sync"});

  auto app = app::StoreDataSource::OpenOverHttp(dir_.File("a.db"), wall_);
  ASSERT_TRUE(app.ok()) << app.status().ToString();
  auto state = (*app)->LoadSyncState();
  ASSERT_TRUE(state.ok());
  ASSERT_EQ(state->review.size(), 3u);

  // The manager applies two customers' held edits on the server.
  CommandResult list = Server({"conflicts", "list", "--json", "--all"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  const json::value conflicts = ParseJson(list.out);
  ASSERT_EQ(conflicts.as_array().size(), 3u) << list.out;
  for (const json::value& c : conflicts.as_array()) {
    if (JsonStr(c, "customer") == ids[2]) continue;
    CommandResult r = Server(
        {"conflicts", "resolve", "--id", std::to_string(JsonInt(c, "id")), "--action", "apply"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  // The app's Sync button: the two decided items leave the list, the third still waits.
  auto synced = (*app)->Sync();
  ASSERT_TRUE(synced.ok()) << synced.status().ToString();
  state = (*app)->LoadSyncState();
  ASSERT_TRUE(state.ok());
  ASSERT_EQ(state->review.size(), 1u);
  EXPECT_EQ(state->review[0].row_id, ids[2]);
  auto all = (*app)->store().replica().ReviewList(/*all=*/true);
  ASSERT_TRUE(all.ok());
  size_t applied = 0;
  for (const ReviewItem& r : *all) applied += r.resolved && r.outcome == "applied by a manager";
  EXPECT_EQ(applied, 2u);
}

}  // namespace
}  // namespace fieldbook::testing
