// Capture end to end (issue #12 item 2): two fieldbook-cli devices of one demo rep against the
// real fieldbook-server. Every explicit user write is an edit with a new HLC, even when it
// re-enters the value the field already shows; values that arrive by sync are never captured.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <string>
#include <thread>

#include "integration/cli_process.h"
#include "integration/server_fixture.h"
#include "integration/test_server_db.h"

namespace fieldbook::testing {
namespace {

namespace json = boost::json;

constexpr const char* kRep = "rep-li-na";

class CaptureIntegrationTest : public CliFixture {
 protected:
  void SetUp() override {
    // The demo distributor: 8 reps on the hub, a few thousand rows in this rep's scope, so that
    // each device's first sync takes many pages of the CLI's own size.
    // On SQLite a copy of the seed made once per server build (SeedDemoOnce).
    std::string out;
    if (server_db_.postgres()) {
      CommandResult seeded =
          RunServerCommand({"seed-demo", "--db", db_, "--customers", "300", "--json"});
      ASSERT_EQ(seeded.exit_code, 0) << seeded.err;
      out = seeded.out;
    } else {
      const SeededDemo seeded = SeedDemoOnce({"--customers", "300", "--json"});
      ASSERT_FALSE(seeded.file.empty());
      server_db_.LoadFrom(seeded.file);
      out = seeded.out;
    }
    const json::value report = ParseJson(out);
    for (const json::value& r : JsonArr(report, "reps")) {
      if (JsonStr(r, "id") == kRep) token_a_ = JsonStr(r, "token");
    }
    ASSERT_FALSE(token_a_.empty()) << out;
    CommandResult issued = RunServerCommand({"rep", "token", "--db", db_, "--rep", kRep});
    ASSERT_EQ(issued.exit_code, 0) << issued.err;
    token_b_ = issued.out.substr(issued.out.rfind(": ") + 2);
    token_b_.erase(token_b_.find_last_not_of(" \n") + 1);
    ASSERT_NO_FATAL_FAILURE(StartServer(/*keep_port=*/true));
    Init("a", token_a_);
    Init("b", token_b_);
    Ok("a", {"sync"});
    Ok("b", {"sync"});
  }

  int64_t Pending(const std::string& device) {
    return JsonInt(OkJson(device, {"status"}), "pending_writes");
  }
  std::string Field(const std::string& device, const std::string& id, const char* field) {
    return JsonStr(OkJson(device, {"customer", "show", id}).as_object().at("customer"), field);
  }
  // HLCs carry the wall clock's milliseconds: keep edits on different devices apart in time.
  static void Later() { std::this_thread::sleep_for(std::chrono::milliseconds(20)); }

  std::string token_a_, token_b_;
};

// Devices A and B of one rep both show phone ...001; B sets ...002 offline; later A sets ...001
// again. A's edit is the latest: B syncs first, then A, and every copy ends with ...001. Beside
// it, only the fields a write names are edits: A re-entering the city beside a changed note
// claims those two fields, and B's concurrent edit of the tags, which A did not name, survives.
TEST_F(CaptureIntegrationTest, AReEnteredValueIsTheLatestEditAndNamesNoOtherField) {
  const json::value listed = OkJson("a", {"customer", "list"});
  ASSERT_TRUE(listed.is_array());
  ASSERT_GT(listed.as_array().size(), 20u) << "the demo rep should hold dozens of customers";
  const std::string x = JsonStr(listed.as_array()[7], "id");
  const std::string y = JsonStr(listed.as_array()[3], "id");
  ASSERT_FALSE(x.empty());
  ASSERT_FALSE(y.empty());

  Ok("a", {"customer", "edit", x, "--phone", "13800000001"});
  Ok("a", {"customer", "edit", y, "--city", "广州", "--notes", "before"});
  Ok("a", {"sync"});
  Ok("b", {"sync"});
  ASSERT_EQ(Field("b", x, "phone"), "13800000001");
  ASSERT_EQ(Field("b", y, "city"), "广州");
  // Pulls store rows whose values the device already holds: nothing of it is queued.
  EXPECT_EQ(Pending("a"), 0);
  EXPECT_EQ(Pending("b"), 0);

  // B edits offline; later A re-enters what its screen already shows.
  Ok("b", {"customer", "edit", x, "--phone", "13800000002"});
  Ok("b", {"customer", "edit", y, "--city", "佛山", "--tags", "brakes"});
  Later();
  const std::string edited = Ok("a", {"customer", "edit", x, "--phone", "13800000001"});
  EXPECT_NE(edited.find("phone"), std::string::npos) << edited;
  EXPECT_EQ(Pending("a"), 1) << "the re-entered phone must be queued like any other edit";
  Ok("a", {"customer", "edit", y, "--city", "广州", "--notes", "after"});

  // B syncs first, then A: A's edits are the later ones and win everywhere.
  Ok("b", {"sync"});
  Ok("a", {"sync"});
  Ok("b", {"sync"});
  for (const char* device : {"a", "b"}) {
    EXPECT_EQ(Field(device, x, "phone"), "13800000001") << device;
    EXPECT_EQ(Field(device, y, "city"), "广州") << device;    // A's later re-entry
    EXPECT_EQ(Field(device, y, "notes"), "after") << device;  // A's change
    EXPECT_EQ(Field(device, y, "tags"), "brakes") << device;  // B's, not named by A
  }
  const std::string hub = ServerExport(kRep);
  EXPECT_NE(hub.find("13800000001"), std::string::npos);
  EXPECT_EQ(hub.find("13800000002"), std::string::npos);
  EXPECT_EQ(Ok("a", {"export"}), hub);
  EXPECT_EQ(Ok("b", {"export"}), hub);
  EXPECT_EQ(Pending("a"), 0);
  EXPECT_EQ(Pending("b"), 0);
}

}  // namespace
}  // namespace fieldbook::testing
