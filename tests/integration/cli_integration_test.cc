// fieldbook-cli end to end: the real CLI binary, one replica file per device, against the real
// fieldbook-server on a loopback port (stopped and restarted to play "no signal").
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <boost/json.hpp>
#include <chrono>
#include <ctime>
#include <set>
#include <thread>

#include "integration/cli_process.h"
#include "integration/server_fixture.h"

namespace fieldbook::testing {
namespace {

namespace json = boost::json;

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

void Pause() { std::this_thread::sleep_for(std::chrono::milliseconds(20)); }

class CliIntegrationTest : public CliFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(InitDb());
    token_a_ = AddRep("rep-a", "张伟 Zhang Wei");
    token_b_ = AddRep("rep-b", "李娜 Li Na");
    ASSERT_NO_FATAL_FAILURE(StartServer(/*keep_port=*/true));
  }

  std::string AddCustomer(const std::string& device, std::vector<std::string> fields) {
    fields.insert(fields.begin(), {"customer", "add"});
    return JsonStr(OkJson(device, fields), "id");
  }

  json::value Customer(const std::string& device, const std::string& id) {
    return OkJson(device, {"customer", "show", id}).as_object().at("customer");
  }

  int64_t Pending(const std::string& device) {
    return JsonInt(OkJson(device, {"status"}), "pending_writes");
  }

  std::string token_a_, token_b_;
};

// (a) A day in the field: set up, sync, lose the signal, keep working, sync again, plan.
TEST_F(CliIntegrationTest, AFieldDayWorksOfflineAndNothingIsLost) {
  const std::string today = LocalToday();
  const std::string init = Ok("phone", {"init", "--server", server_->url(), "--token", token_a_});
  EXPECT_TRUE(Contains(init, "rep-a")) << init;
  const std::string xinda =
      AddCustomer("phone", {"--name", "鑫达汽修厂", "--city", "广州", "--phone", "13800138000"});
  const std::string bright = AddCustomer("phone", {"--name", "Bright Auto", "--city", "深圳"});
  ASSERT_FALSE(xinda.empty());
  const std::string first = Ok("phone", {"sync"});
  EXPECT_TRUE(Contains(first, "pushed:   2 changes")) << first;

  // No signal from here on.
  ASSERT_EQ(server_->Stop(SIGTERM), 0) << server_->Log();
  Ok("phone", {"visit", "log", "--customer", xinda, "--purpose", "deliver pads", "--notes",
               "换了刹车片, wants Bosch pads", "--next-follow-up", today});
  json::value order = OkJson("phone", {"order", "add", "--customer", xinda, "--line",
                                       "BP-1024:4:128.50", "--line", "OF-7:10:19.99"});
  EXPECT_EQ(JsonInt(order, "amount_cents"), 4 * 12850 + 10 * 1999);
  Ok("phone",
     {"visit", "log", "--customer", bright, "--check-in", today + "T08:00", "--check-out",
      today + "T08:30", "--lat", "22.54", "--lon", "114.05", "--notes", "owner away; call back"});
  Ok("phone", {"feedback", "add", "--customer", bright, "--satisfaction", "5"});
  Ok("phone", {"task", "add", "--customer", bright, "--due", today, "--title",
               "call back about filters", "--kind", "call"});
  EXPECT_EQ(Pending("phone"), 7);  // a visit, an order with two lines, a visit, feedback, a task

  CommandResult offline = Cli("phone", {"sync"});
  EXPECT_EQ(offline.exit_code, 3);
  EXPECT_TRUE(Contains(offline.err, "the server could not be reached")) << offline.err;
  EXPECT_TRUE(Contains(offline.err, "nothing was lost: 7 changes stay queued")) << offline.err;
  CommandResult offline_json = Cli("phone", {"sync", "--json"});
  EXPECT_EQ(offline_json.exit_code, 3);
  EXPECT_TRUE(Contains(offline_json.out, "\"code\":\"unavailable\"")) << offline_json.out;
  // Everything still works on the device: search, show, plan.
  json::value found = OkJson("phone", {"customer", "search", "刹车"});
  ASSERT_TRUE(found.is_array());
  ASSERT_EQ(found.as_array().size(), 1u);
  EXPECT_EQ(JsonStr(found.as_array()[0], "id"), xinda);
  EXPECT_EQ(Pending("phone"), 7);

  // The signal is back.
  ASSERT_TRUE(server_->Start()) << server_->Log();
  const std::string back = Ok("phone", {"sync"});
  EXPECT_TRUE(Contains(back, "pushed:   7 changes")) << back;
  json::value status = OkJson("phone", {"status"});
  EXPECT_EQ(JsonInt(status, "pending_writes"), 0);
  EXPECT_FALSE(JsonStr(status, "last_sync").empty());
  EXPECT_EQ(JsonInt(status, "review_count"), 0);
  EXPECT_EQ(Ok("phone", {"export"}), ServerExport("rep-a"));

  json::value plan = OkJson("phone", {"plan", "--date", today});
  const json::array& items = plan.as_object().at("items").as_array();
  ASSERT_EQ(items.size(), 2u) << json::serialize(plan);
  std::set<std::string> follow_ups;
  for (const json::value& item : items) {
    EXPECT_EQ(JsonStr(item, "kind"), "follow_up");
    EXPECT_FALSE(JsonStr(item, "reason").empty());
    follow_ups.insert(JsonStr(item, "customer_id"));
  }
  EXPECT_EQ(follow_ups, (std::set<std::string>{xinda, bright}));
  const std::string text = Ok("phone", {"plan", "--date", today});
  EXPECT_TRUE(Contains(text, "[follow-up]")) << text;
  EXPECT_TRUE(Contains(text, "due today")) << text;
}

// (b) One rep, two devices, each with its own replica: concurrent edits converge.
// The nightly job (run by hand here, beside the serving server) asks every device to verify its
// replica; the next `sync` compares digests and says so, and the one after does not ask again.
TEST_F(CliIntegrationTest, ANightlyRunHasTheDeviceVerifyItsReplicaAtItsNextSync) {
  Ok("phone", {"init", "--server", server_->url(), "--token", token_a_});
  ASSERT_FALSE(AddCustomer("phone", {"--name", "鑫达汽修厂", "--city", "广州"}).empty());
  ASSERT_FALSE(AddCustomer("phone", {"--name", "Bright Auto", "--city", "深圳"}).empty());
  json::value first = OkJson("phone", {"sync"});
  EXPECT_FALSE(first.at("verification").at("verified").as_bool());
  EXPECT_EQ(first.at("reports"), "refreshed");  // the server's reports, kept for the app

  CommandResult nightly =
      RunServerCommand({"nightly", "--db", db_, "--backup-dir", dir_.File("backups")});
  ASSERT_EQ(nightly.exit_code, 0) << nightly.out << nightly.err;

  json::value checked = OkJson("phone", {"sync"});
  EXPECT_TRUE(checked.at("verification").at("verified").as_bool()) << checked;
  EXPECT_EQ(checked.at("verification").at("buckets_repaired").as_int64(), 0) << checked;
  const std::string again = Ok("phone", {"sync"});
  EXPECT_FALSE(Contains(again, "verified:")) << again;
}

TEST_F(CliIntegrationTest, TwoDevicesOfOneRepEditOneCustomerAndConverge) {
  CommandResult issued = RunServerCommand({"rep", "token", "--db", db_, "--rep", "rep-a"});
  ASSERT_EQ(issued.exit_code, 0) << issued.err;
  const size_t colon = issued.out.rfind(": ");
  ASSERT_NE(colon, std::string::npos);
  std::string token_a2 = issued.out.substr(colon + 2);
  token_a2.erase(token_a2.find_last_not_of(" \n") + 1);

  Init("phone", token_a_);
  Init("laptop", token_a2);
  const std::string x = AddCustomer("phone", {"--name", "鑫达汽修厂", "--phone", "020-1"});
  Ok("phone", {"sync"});
  Ok("laptop", {"sync"});
  EXPECT_EQ(JsonStr(Customer("laptop", x), "name"), "鑫达汽修厂");

  // Different fields, the phone syncs first.
  Ok("phone", {"customer", "edit", x, "--phone", "13800138000"});
  Ok("laptop", {"customer", "edit", x, "--notes", "wants Bosch pads"});
  Ok("phone", {"sync"});
  Ok("laptop", {"sync"});
  Ok("phone", {"sync"});
  // Different fields again with the laptop syncing first, and two fields edited on both devices:
  // the later edit wins on both, whether it reaches the server first (primary_contact) or last
  // (name_latin).
  Ok("phone", {"customer", "edit", x, "--address", "天河路 1 号", "--primary-contact", "王师傅"});
  Pause();
  Ok("laptop", {"customer", "edit", x, "--set", "tags=brakes,filters", "--primary-contact",
                "李师傅", "--name-latin", "Xinda"});
  Pause();
  Ok("phone", {"customer", "edit", x, "--name-latin", "Xinda Auto Repair"});
  Ok("laptop", {"sync"});
  Ok("phone", {"sync"});
  Ok("laptop", {"sync"});
  for (const char* device : {"phone", "laptop"}) {
    json::value c = Customer(device, x);
    EXPECT_EQ(JsonStr(c, "phone"), "13800138000") << device;
    EXPECT_EQ(JsonStr(c, "notes"), "wants Bosch pads") << device;
    EXPECT_EQ(JsonStr(c, "address"), "天河路 1 号") << device;
    EXPECT_EQ(JsonStr(c, "tags"), "brakes,filters") << device;
    EXPECT_EQ(JsonStr(c, "primary_contact"), "李师傅") << device;
    EXPECT_EQ(JsonStr(c, "name_latin"), "Xinda Auto Repair") << device;
  }
  const std::string hub = ServerExport("rep-a");
  EXPECT_EQ(Ok("phone", {"export"}), hub);
  EXPECT_EQ(Ok("laptop", {"export"}), hub);
  EXPECT_TRUE(Contains(hub, "李师傅"));
  EXPECT_EQ(JsonInt(OkJson("phone", {"status"}), "review_count"), 0);
}

// (c) A customer reassigned while its rep works offline: the customer moves with everything the
// rep recorded, and the old device keeps the rest for review.
TEST_F(CliIntegrationTest, ACustomerReassignedWhileOfflineMovesWithTheOfflineVisits) {
  Init("a", token_a_);
  Init("b", token_b_);
  const std::string x = AddCustomer("a", {"--name", "鑫达汽修厂", "--city", "广州"});
  Ok("a", {"visit", "log", "--customer", x, "--notes", "first visit"});
  Ok("a", {"sync"});
  Ok("b", {"sync"});
  EXPECT_EQ(Cli("b", {"customer", "show", x}).exit_code, 1);  // not B's customer (yet)

  // A works without syncing; meanwhile a manager moves the customer to B.
  Ok("a", {"visit", "log", "--customer", x, "--notes", "offline visit before the move"});
  Pause();
  CommandResult moved =
      RunServerCommand({"customer", "reassign", "--db", db_, "--customer", x, "--to", "rep-b"});
  ASSERT_EQ(moved.exit_code, 0) << moved.err;
  Pause();
  Ok("a", {"visit", "log", "--customer", x, "--notes", "offline visit after the move"});
  Ok("a", {"order", "add", "--customer", x, "--line", "BP-1024:2:128.50"});
  Ok("a", {"customer", "edit", x, "--notes", "edited after the move"});

  const std::string synced = Ok("a", {"sync"});
  EXPECT_TRUE(Contains(synced, "evicted:  1 customer")) << synced;
  CommandResult gone = Cli("a", {"customer", "show", x});
  EXPECT_EQ(gone.exit_code, 1);
  EXPECT_TRUE(Contains(gone.err, "no customer")) << gone.err;
  json::value status = OkJson("a", {"status"});
  EXPECT_EQ(JsonInt(status, "pending_writes"), 0);
  EXPECT_TRUE(status.as_object().at("deferred_evictions").as_array().empty());
  // The old device's review list holds the late field edit with the server's reason; the visits
  // and the order were accepted, so nothing of them is there.
  json::value review = OkJson("a", {"review", "list"});
  ASSERT_TRUE(review.is_array());
  ASSERT_EQ(review.as_array().size(), 1u) << json::serialize(review);
  EXPECT_EQ(JsonStr(review.as_array()[0], "code"), "reassigned");
  EXPECT_TRUE(Contains(JsonStr(review.as_array()[0], "reason"), "reassigned"));
  EXPECT_EQ(JsonStr(review.as_array()[0], "table"), "customers");
  const std::string review_text = Ok("a", {"review", "list"});
  EXPECT_TRUE(Contains(review_text, "nothing was deleted")) << review_text;

  // B's device gets the customer with every visit A recorded, offline ones included.
  Ok("b", {"sync"});
  json::value profile = OkJson("b", {"customer", "show", x});
  EXPECT_EQ(JsonStr(profile.as_object().at("customer"), "owner_rep_id"), "rep-b");
  EXPECT_EQ(JsonInt(profile, "visit_count"), 3);
  EXPECT_EQ(JsonInt(profile, "order_count"), 1);
  std::set<std::string> notes;
  for (const json::value& v : profile.as_object().at("recent_visits").as_array()) {
    notes.insert(JsonStr(v, "notes"));
    EXPECT_EQ(JsonStr(v, "rep_id"), "rep-a");
  }
  EXPECT_TRUE(notes.count("offline visit before the move"));
  EXPECT_TRUE(notes.count("offline visit after the move"));
  json::value search = OkJson("b", {"customer", "search", "after the move"});
  ASSERT_EQ(search.as_array().size(), 1u);
  EXPECT_EQ(Ok("b", {"export"}), ServerExport("rep-b"));
  EXPECT_EQ(Ok("a", {"export"}), ServerExport("rep-a"));
}

// Exit codes and the messages that go with them.
TEST_F(CliIntegrationTest, ExitCodesTellUsageUnreachableAndRefusedApart) {
  EXPECT_EQ(RunCli({}).exit_code, 2);
  CommandResult unknown = RunCli({"frobnicate"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_TRUE(Contains(unknown.err, "fieldbook-cli:"));
  CommandResult help = RunCli({"order", "add", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_TRUE(Contains(help.out, "--line")) << help.out;
  EXPECT_TRUE(Contains(help.out, "--json")) << help.out;

  // Not set up yet.
  CommandResult not_set_up = Cli("new", {"customer", "add", "--name", "x"});
  EXPECT_EQ(not_set_up.exit_code, 2);
  EXPECT_TRUE(Contains(not_set_up.err, "fieldbook-cli init")) << not_set_up.err;
  // The token is checked when the server can be reached...
  CommandResult bad_token =
      Cli("new", {"init", "--server", server_->url(), "--token", "fbt_not-a-real-token"});
  EXPECT_EQ(bad_token.exit_code, 4);
  EXPECT_TRUE(Contains(bad_token.err, "refused the device token")) << bad_token.err;
  // ...and set-up offline needs --rep.
  CommandResult no_rep = Cli("new", {"init", "--server", "http://127.0.0.1:1", "--token", "t"});
  EXPECT_EQ(no_rep.exit_code, 3);
  EXPECT_TRUE(Contains(no_rep.err, "--rep")) << no_rep.err;
  Ok("new", {"init", "--server", "http://127.0.0.1:1", "--token", "t", "--rep", "rep-a"});

  // Only init creates a replica (issue 13): in a directory that does not exist yet too, private.
  const std::string nested = dir_.File("deep/er/replica.db");
  EXPECT_EQ(RunCli({"--replica", nested, "status"}).exit_code, 2);
  CommandResult created = RunCli({"--replica", nested, "init", "--server", "http://127.0.0.1:1",
                                  "--token", "t", "--rep", "rep-a"});
  EXPECT_EQ(created.exit_code, 0) << created.err;
  struct stat st {};
  ASSERT_EQ(stat(nested.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  Init("b", token_b_);
  const std::string x = AddCustomer("b", {"--name", "顺通汽配"});
  CommandResult bad_score = Cli("b", {"feedback", "add", "--customer", x, "--satisfaction", "7"});
  EXPECT_EQ(bad_score.exit_code, 2);
  EXPECT_TRUE(Contains(bad_score.err, "satisfaction must be 1 to 5")) << bad_score.err;
  CommandResult owner = Cli("b", {"customer", "edit", x, "--set", "owner_rep_id=rep-a"});
  EXPECT_EQ(owner.exit_code, 2);
  EXPECT_TRUE(Contains(owner.err, "set by managers on the server")) << owner.err;
  CommandResult bad_line = Cli("b", {"order", "add", "--customer", x, "--line", "BP-1:two:3"});
  EXPECT_EQ(bad_line.exit_code, 2);
  EXPECT_TRUE(Contains(bad_line.err, "PART:QTY:UNIT_PRICE_YUAN")) << bad_line.err;
  CommandResult missing = Cli("b", {"customer", "show", "0123456789abcdef"});
  EXPECT_EQ(missing.exit_code, 1);
  CommandResult missing_json = Cli("b", {"customer", "show", "0123456789abcdef", "--json"});
  EXPECT_TRUE(Contains(missing_json.out, "\"code\":\"not_found\"")) << missing_json.out;

  // A disabled rep's device is refused, and keeps its changes.
  ASSERT_EQ(RunServerCommand({"rep", "disable", "--db", db_, "--rep", "rep-b"}).exit_code, 0);
  CommandResult refused = Cli("b", {"sync"});
  EXPECT_EQ(refused.exit_code, 4);
  EXPECT_TRUE(Contains(refused.err, "refused the device token")) << refused.err;
  EXPECT_TRUE(Contains(refused.err, "nothing was lost: 1 change stays queued")) << refused.err;
}

}  // namespace
}  // namespace fieldbook::testing
