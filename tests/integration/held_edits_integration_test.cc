// Issue 12, items 3 to 8, end to end: the real fieldbook-server and fieldbook-cli on a loopback
// port. Edits around a reassignment (kept apart, held once, a new record as one item), exact
// decimals through review and resolution, the review list following the manager's decisions, and
// grading that never overwrites a rep's fields.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstring>
#include <thread>

#include "fieldbook/change_set_codec.h"
#include "fieldbook/grading.h"
#include "fieldbook/json.h"
#include "integration/cli_process.h"
#include "integration/server_fixture.h"
#include "support/sync_fixture.h"

namespace fieldbook::testing {
namespace {

namespace json = boost::json;

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// HLC stamps are milliseconds: a pause puts the edits on either side of a move.
void Pause() { std::this_thread::sleep_for(std::chrono::milliseconds(20)); }

// JSON with exact doubles (the fixture's ParseJson is Boost's, which may round one ULP off).
json::value Exact(const std::string& text) {
  boost::system::error_code ec;
  json::value v = ReadJson(text, ec);
  EXPECT_FALSE(ec) << text;
  return v;
}

class HeldEditsTest : public CliFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(InitDb());
    manager_ = AddRep("mgr", "Manager Zhou", "manager");
    token_a_ = AddRep("rep-a", "张伟 Zhang Wei");
    token_b_ = AddRep("rep-b", "李娜 Li Na");
    ASSERT_NO_FATAL_FAILURE(StartServer(/*keep_port=*/true));
  }

  std::string AddCustomer(const std::string& device, std::vector<std::string> fields) {
    fields.insert(fields.begin(), {"customer", "add"});
    return JsonStr(OkJson(device, fields), "id");
  }

  CommandResult Server(std::vector<std::string> args) {
    args.insert(args.end(), {"--db", db_});
    return RunServerCommand(args);
  }

  void Reassign(const std::string& customer, const std::string& to) {
    CommandResult moved = Server({"customer", "reassign", "--customer", customer, "--to", to});
    ASSERT_EQ(moved.exit_code, 0) << moved.err;
  }

  json::array Conflicts() {
    CommandResult list = Server({"conflicts", "list", "--json", "--all"});
    EXPECT_EQ(list.exit_code, 0) << list.err;
    json::value v = Exact(list.out);
    return v.is_array() ? v.as_array() : json::array();
  }

  void Resolve(int64_t id, const std::string& action) {
    CommandResult r =
        Server({"conflicts", "resolve", "--id", std::to_string(id), "--action", action});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  json::array Review(const std::string& device, bool all = false) {
    std::vector<std::string> args = {"review", "list", "--json"};
    if (all) args.push_back("--all");
    CommandResult r = Cli(device, args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    json::value v = Exact(r.out);
    return v.is_array() ? v.as_array() : json::array();
  }

  json::value CustomerOn(const std::string& device, const std::string& id) {
    return OkJson(device, {"customer", "show", id}).as_object().at("customer");
  }

  std::string manager_, token_a_, token_b_;
};

// Item 3: the grade job and the nightly job compute a stage beside the rep's; the rep's own
// purchase_stage and relationship, edited before and after grading, stay as the rep set them.
TEST_F(HeldEditsTest, GradingNeverOverwritesTheRepsStageOrRelationship) {
  Init("a", token_a_);
  // Graded as of tomorrow, so the server's grade replaces the device's provisional one.
  const std::string today = FormatDay(*ParseDay(LocalToday()) + 1);
  std::vector<std::string> ids;
  for (int i = 0; i < 6; ++i) {
    ids.push_back(AddCustomer("a", {"--name", "修理厂 " + std::to_string(i), "--purchase-stage",
                                    "aware", "--relationship", "potential"}));
    Ok("a", {"order", "add", "--customer", ids.back(), "--line", "BP-1024:2:128.50"});
  }
  Ok("a", {"sync"});
  ASSERT_EQ(Server({"grade", "--today", today}).exit_code, 0);
  Ok("a", {"sync"});
  for (const std::string& id : ids) {
    json::value c = CustomerOn("a", id);
    EXPECT_EQ(JsonStr(c, "purchase_stage"), "aware") << id;
    EXPECT_EQ(JsonStr(c, "relationship"), "potential") << id;
    json::value shown = OkJson("a", {"customer", "show", id});
    const json::value& grade = shown.at("grade");
    EXPECT_FALSE(grade.at("provisional").as_bool());
    EXPECT_EQ(JsonStr(grade, "purchase_stage"), "customer");  // what the orders decide
    EXPECT_EQ(JsonStr(grade, "relationship"), "existing");
  }
  // The rep edits after the grade; grading and the nightly job run again; the edit stays.
  Ok("a", {"customer", "edit", ids[0], "--purchase-stage", "deciding"});
  Ok("a", {"customer", "edit", ids[1], "--relationship", "vip"});
  Ok("a", {"sync"});
  ASSERT_EQ(Server({"grade", "--today", today}).exit_code, 0);
  CommandResult nightly = Server({"nightly"});
  ASSERT_EQ(nightly.exit_code, 0) << nightly.err << nightly.out;
  Ok("a", {"sync"});
  EXPECT_EQ(JsonStr(CustomerOn("a", ids[0]), "purchase_stage"), "deciding");
  EXPECT_EQ(JsonStr(CustomerOn("a", ids[1]), "relationship"), "vip");
  EXPECT_EQ(JsonStr(CustomerOn("a", ids[2]), "purchase_stage"), "aware");
  const std::string hub = ServerExport("rep-a");
  EXPECT_EQ(Ok("a", {"export"}), hub);
  EXPECT_TRUE(Contains(hub, "\"purchase_stage\":\"deciding\"")) << hub;
  EXPECT_TRUE(Contains(hub, "\"grade_stage\":\"customer\"")) << hub;
  EXPECT_EQ(Review("a").size(), 0u);
}

// Item 4: an edit made before the move and one after it, with no sync in between, are two edits:
// the first merges (the new owner sees it), the second waits for review.
TEST_F(HeldEditsTest, AnEditBeforeTheMoveIsNotFoldedIntoOneAfterIt) {
  Init("a", token_a_);
  Init("b", token_b_);
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i)
    ids.push_back(AddCustomer("a", {"--name", "鑫达 " + std::to_string(i)}));
  Ok("a", {"sync"});
  // Offline: notes twice before the move (only the later one counts), phone once.
  for (const std::string& id : ids) {
    Ok("a", {"customer", "edit", id, "--notes", "草稿"});
    Ok("a", {"customer", "edit", id, "--notes", "改之前", "--phone", "13800138000"});
  }
  Pause();
  Reassign(ids[0], "rep-b");
  Reassign(ids[1], "rep-b");
  Pause();
  for (const std::string& id : ids) Ok("a", {"customer", "edit", id, "--notes", "改之后"});
  Ok("a", {"sync"});
  Ok("b", {"sync"});

  for (int i = 0; i < 2; ++i) {
    json::value moved = CustomerOn("b", ids[i]);
    EXPECT_EQ(JsonStr(moved, "notes"), "改之前") << i;  // the pre-move edit merged
    EXPECT_EQ(JsonStr(moved, "phone"), "13800138000");
  }
  for (int i = 2; i < 5; ++i) EXPECT_EQ(JsonStr(CustomerOn("a", ids[i]), "notes"), "改之后");
  // Only the post-move notes wait: one conflict per moved customer.
  json::array conflicts = Conflicts();
  ASSERT_EQ(conflicts.size(), 2u) << WriteJson(conflicts);
  for (const json::value& c : conflicts) {
    EXPECT_EQ(JsonStr(c, "column"), "notes");
    EXPECT_EQ(JsonStr(c, "value"), "改之后");
    EXPECT_EQ(JsonStr(c, "owner_rep"), "rep-b");
  }
  json::array review = Review("a");
  ASSERT_EQ(review.size(), 2u) << WriteJson(review);
  for (const json::value& r : review) {
    EXPECT_EQ(WriteJson(r.at("values")), R"({"notes":"改之后"})");
  }
  EXPECT_EQ(Ok("a", {"export"}), ServerExport("rep-a"));
  EXPECT_EQ(Ok("b", {"export"}), ServerExport("rep-b"));
}

// Item 4 with a value re-entered unchanged (the scoped property test's seed 5): a rep re-enters
// the relationship the customer already shows on one device, the customer moves, and the rep
// re-enters it once more. The first re-entry was made before the move and is the latest edit of
// the field then: it merges and wins against the older edit another device of the rep pushes, and
// only the re-entry after the move waits for review.
TEST_F(HeldEditsTest, AValueReEnteredBeforeTheMoveMergesAlthoughItIsReEnteredAfterIt) {
  CommandResult issued = Server({"rep", "token", "rep-a", "--device", "tablet", "--json"});
  ASSERT_EQ(issued.exit_code, 0) << issued.err;
  const std::string tablet = JsonStr(ParseJson(issued.out), "token");
  Init("a", token_a_);
  Init("a2", tablet);
  Init("b", token_b_);
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    ids.push_back(
        AddCustomer("a", {"--name", "永顺 " + std::to_string(i), "--relationship", "existing"}));
  }
  Ok("a", {"sync"});
  Ok("a2", {"sync"});
  // Offline: the tablet sets vip first; then the phone re-enters existing, twice.
  for (const std::string& id : ids) Ok("a2", {"customer", "edit", id, "--relationship", "vip"});
  Pause();
  for (const std::string& id : ids) {
    Ok("a", {"customer", "edit", id, "--relationship", "existing"});
    Ok("a", {"customer", "edit", id, "--relationship", "existing"});
  }
  Pause();
  Reassign(ids[0], "rep-b");
  Reassign(ids[1], "rep-b");
  Pause();
  for (const std::string& id : ids) Ok("a", {"customer", "edit", id, "--relationship", "existing"});
  Ok("a2", {"sync"});
  Ok("a", {"sync"});
  Ok("a2", {"sync"});
  Ok("b", {"sync"});
  for (int i = 0; i < 2; ++i) {
    // The phone's re-entry before the move is the latest edit made while rep-a held it.
    EXPECT_EQ(JsonStr(CustomerOn("b", ids[i]), "relationship"), "existing") << i;
  }
  EXPECT_EQ(JsonStr(CustomerOn("a", ids[2]), "relationship"), "existing");
  EXPECT_EQ(JsonStr(CustomerOn("a2", ids[2]), "relationship"), "existing");
  // Only the re-entry after the move waits: one conflict per moved customer.
  json::array conflicts = Conflicts();
  ASSERT_EQ(conflicts.size(), 2u) << WriteJson(conflicts);
  for (const json::value& c : conflicts) {
    EXPECT_EQ(JsonStr(c, "column"), "relationship");
    EXPECT_EQ(JsonStr(c, "value"), "existing");
  }
  EXPECT_EQ(Review("a").size(), 2u);
  EXPECT_EQ(Ok("a", {"export"}), ServerExport("rep-a"));
  EXPECT_EQ(Ok("a2", {"export"}), ServerExport("rep-a"));
  EXPECT_EQ(Ok("b", {"export"}), ServerExport("rep-b"));
}

// Item 5: a contact and a task added offline after their customer moved are one review item each,
// applied whole: the new owner gets complete records, never a row without its customer.
TEST_F(HeldEditsTest, ANewRecordAfterTheMoveIsOneItemAppliedWhole) {
  Init("a", token_a_);
  Init("b", token_b_);
  const std::string x = AddCustomer("a", {"--name", "顺通汽配", "--city", "佛山"});
  Ok("a", {"sync"});
  Reassign(x, "rep-b");
  Pause();
  const std::string contact =
      JsonStr(OkJson("a", {"contact", "add", "--customer", x, "--name", "李师傅", "--title",
                           "owner", "--phone", "13900139000", "--notes", "prefers calls after 6"}),
              "id");
  const std::string task =
      JsonStr(OkJson("a", {"task", "add", "--customer", x, "--due", LocalToday(), "--title",
                           "bring the catalogue", "--kind", "visit", "--notes", "new brake line"}),
              "id");
  ASSERT_FALSE(contact.empty());
  ASSERT_FALSE(task.empty());
  Ok("a", {"sync"});

  json::array conflicts = Conflicts();
  ASSERT_EQ(conflicts.size(), 2u) << WriteJson(conflicts);
  int64_t task_item = -1, contact_item = -1;
  for (const json::value& c : conflicts) {
    EXPECT_EQ(JsonStr(c, "kind"), "row");
    EXPECT_EQ(JsonStr(c, "customer"), x);
    const json::value& values = c.at("value");
    ASSERT_TRUE(values.is_object());
    EXPECT_EQ(JsonStr(values, "customer_id"), x);
    if (JsonStr(c, "table") == "tasks") {
      task_item = JsonInt(c, "id");
      EXPECT_EQ(JsonStr(values, "title"), "bring the catalogue");
    } else {
      contact_item = JsonInt(c, "id");
      EXPECT_EQ(JsonStr(values, "name"), "李师傅");
    }
  }
  json::array review = Review("a");
  ASSERT_EQ(review.size(), 2u) << WriteJson(review);

  // Applying the task creates it whole for B; dismissing the contact leaves nothing behind.
  Resolve(task_item, "apply");
  Resolve(contact_item, "dismiss");
  Ok("b", {"sync"});
  json::array tasks = OkJson("b", {"task", "list", "--customer", x}).as_array();
  ASSERT_EQ(tasks.size(), 1u) << WriteJson(tasks);
  EXPECT_EQ(JsonStr(tasks[0], "title"), "bring the catalogue");
  EXPECT_EQ(JsonStr(tasks[0], "notes"), "new brake line");
  const std::string hub_b = ServerExport("rep-b");
  EXPECT_FALSE(Contains(hub_b, "李师傅"));
  EXPECT_FALSE(Contains(hub_b, "\"customer_id\":null")) << hub_b;
  EXPECT_EQ(Ok("b", {"export"}), hub_b);
  // A's device learns both decisions at its next sync.
  Ok("a", {"sync"});
  EXPECT_EQ(Review("a").size(), 0u);
  json::array all = Review("a", /*all=*/true);
  ASSERT_EQ(all.size(), 2u);
  for (const json::value& r : all) EXPECT_TRUE(r.at("resolved").as_bool());
}

// Item 6: a push applied whose answer was lost, retried after the stored answers were purged,
// holds each edit once.
TEST_F(HeldEditsTest, ALostAnswerRetriedAfterThePurgeHoldsEachEditOnce) {
  auto a = OpenReplica("a");
  ASSERT_NE(a, nullptr);
  constexpr int kCustomers = 40;
  for (int i = 0; i < kCustomers; ++i) {
    ASSERT_TRUE(
        Exec(a->db(),
             "INSERT INTO customers (id, name, city, owner_rep_id) VALUES (?, ?, '广州', "
             "'rep-a')",
             {S(("c" + std::to_string(i)).c_str()), S(("修理厂 " + std::to_string(i)).c_str())})
            .ok());
  }
  ASSERT_TRUE(Sync(*a, token_a_).ok());
  for (int i = 0; i < kCustomers; i += 2) Reassign("c" + std::to_string(i), "rep-b");
  Pause();
  ASSERT_TRUE(Exec(a->db(),
                   "UPDATE customers SET notes = 'after the move', phone = '139' || "
                   "substr(id, 2)")
                  .ok());

  // The push reaches the server, which applies it; its answer never comes back.
  auto push = a->PreparePush();
  ASSERT_TRUE(push.ok() && push->has_value());
  SyncRequest request;
  request.replica_id = a->replica_id();
  request.has_push = true;
  request.push = **push;
  request.pull_cursor = a->cursor();
  auto lost =
      Post("/v1/sync", EncodeSyncRequest(request), token_a_, "application/x-fieldbook-sync");
  ASSERT_TRUE(lost.ok());
  ASSERT_EQ(lost->status, 200);
  const size_t held = Conflicts().size();
  EXPECT_EQ(held, static_cast<size_t>(kCustomers));  // notes and phone of 20 moved customers

  // The nightly job purges stored answers; the device retries the same set.
  CommandResult nightly = Server({"nightly", "--push-answers-days", "0"});
  ASSERT_EQ(nightly.exit_code, 0) << nightly.err;
  auto retried = Sync(*a, token_a_);
  ASSERT_TRUE(retried.ok()) << retried.status().ToString();
  json::array conflicts = Conflicts();
  EXPECT_EQ(conflicts.size(), held) << WriteJson(conflicts);
  EXPECT_EQ(*a->PendingWriteCount(), 0);
  EXPECT_EQ(a->ReviewList()->size(), static_cast<size_t>(kCustomers / 2));
  EXPECT_EQ(ReplicaExport(*a), ServerExport("rep-a"));
}

// Item 7: a decimal survives the review list and the manager's "apply" to the last bit.
TEST_F(HeldEditsTest, DecimalsSurviveReviewAndResolutionExactly) {
  Init("a", token_a_);
  Init("b", token_b_);
  const std::string x = AddCustomer("a", {"--name", "Bright Auto"});
  Ok("a", {"sync"});
  Reassign(x, "rep-b");
  Pause();
  const double lat = -13.616440703859283;
  Ok("a", {"customer", "edit", x, "--set", "lat=-13.616440703859283", "--set", "lon=120.5"});
  Ok("a", {"sync"});

  const CommandResult review_text = Cli("a", {"review", "list", "--json"});
  EXPECT_TRUE(Contains(review_text.out, "-13.616440703859283")) << review_text.out;
  EXPECT_FALSE(Contains(review_text.out, "E1")) << review_text.out;
  json::array review = Review("a");
  ASSERT_EQ(review.size(), 1u);
  const double shown = review[0].at("values").at("lat").as_double();
  EXPECT_EQ(std::memcmp(&shown, &lat, sizeof lat), 0) << WriteJson(review);
  EXPECT_EQ(WriteJson(review[0].at("values").at("lon")), "120.5");

  json::array conflicts = Conflicts();
  ASSERT_EQ(conflicts.size(), 2u);
  for (const json::value& c : conflicts) Resolve(JsonInt(c, "id"), "apply");
  Ok("b", {"sync"});
  const json::value moved = Exact(Cli("b", {"customer", "show", x, "--json"}).out);
  const double stored = moved.at("customer").at("lat").as_double();
  EXPECT_EQ(std::memcmp(&stored, &lat, sizeof lat), 0) << stored;
  const std::string hub = ServerExport("rep-b");
  EXPECT_TRUE(Contains(hub, "\"lat\":-13.616440703859283")) << hub;
  EXPECT_EQ(Ok("b", {"export"}), hub);
}

// Item 8: the review list shows only what waits, and follows the manager's decisions.
TEST_F(HeldEditsTest, TheReviewListShowsOnlyHeldValuesAndClearsOnceResolved) {
  Init("a", token_a_);
  Init("b", token_b_);
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i)
    ids.push_back(AddCustomer("a", {"--name", "华信 " + std::to_string(i)}));
  Ok("a", {"sync"});
  for (const std::string& id : ids) Ok("a", {"customer", "edit", id, "--phone", "13700137000"});
  Pause();
  for (const std::string& id : ids) Reassign(id, "rep-b");
  Pause();
  for (const std::string& id : ids) {
    Ok("a", {"customer", "edit", id, "--notes", "late notes", "--city", "东莞"});
  }
  Ok("a", {"sync"});

  json::array review = Review("a");
  ASSERT_EQ(review.size(), 3u) << WriteJson(review);
  for (const json::value& r : review) {
    // The phone (before the move) was applied; only the two late fields wait.
    EXPECT_EQ(WriteJson(r.at("values")), R"({"city":"东莞","notes":"late notes"})");
    EXPECT_FALSE(r.at("resolved").as_bool());
  }
  json::array conflicts = Conflicts();
  ASSERT_EQ(conflicts.size(), 6u);
  // The manager applies one customer's two edits and dismisses one of another's.
  for (const json::value& c : conflicts) {
    if (JsonStr(c, "customer") == ids[0]) Resolve(JsonInt(c, "id"), "apply");
    if (JsonStr(c, "customer") == ids[1] && JsonStr(c, "column") == "notes") {
      Resolve(JsonInt(c, "id"), "dismiss");
    }
  }
  const json::value synced = OkJson("a", {"sync"});
  EXPECT_EQ(JsonInt(synced.at("review"), "resolved"), 1) << WriteJson(synced);
  review = Review("a");
  ASSERT_EQ(review.size(), 2u) << WriteJson(review);  // ids[1] half decided, ids[2] untouched
  json::array all = Review("a", /*all=*/true);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_TRUE(all[2].at("resolved").as_bool());
  EXPECT_EQ(JsonStr(all[2], "outcome"), "applied by a manager");
  Ok("b", {"sync"});
  EXPECT_EQ(JsonStr(CustomerOn("b", ids[0]), "notes"), "late notes");
  EXPECT_EQ(JsonStr(CustomerOn("b", ids[0]), "phone"), "13700137000");
  // Deciding the rest clears the list at the next sync.
  for (const json::value& c : Conflicts()) {
    if (JsonStr(c, "status") == "open") Resolve(JsonInt(c, "id"), "dismiss");
  }
  Ok("a", {"sync"});
  EXPECT_EQ(Review("a").size(), 0u);
  EXPECT_TRUE(Contains(Ok("a", {"review", "list"}), "nothing to review"));
}

// Issue 19: the review list in words, one entry per record; the rep dismisses one with a note, the
// dismissal reaches the server and the manager's Review API lists it with the garage's name.
TEST_F(HeldEditsTest, TheRepDismissesAnEntryAndTheManagerSeesTheDismissalWithTheNote) {
  Init("a", token_a_);
  constexpr int kCustomers = 24;
  std::vector<std::string> ids;
  for (int i = 0; i < kCustomers; ++i) {
    ids.push_back(AddCustomer("a", {"--name", "华信 " + std::to_string(i), "--phone",
                                    "020-5555-" + std::to_string(1000 + i)}));
  }
  Ok("a", {"sync"});
  std::vector<std::string> moved;
  for (int i = 0; i < kCustomers; i += 2) moved.push_back(ids[i]);
  Pause();
  for (const std::string& id : moved) Reassign(id, "rep-b");
  Pause();
  for (const std::string& id : moved) Ok("a", {"customer", "edit", id, "--notes", "late notes"});
  // The first moved garage is edited twice: both versions are held (two refusals), one entry.
  Ok("a", {"customer", "edit", moved[0], "--notes", "later still"});
  Ok("a", {"sync"});

  json::array review = Review("a");
  ASSERT_EQ(review.size(), moved.size()) << WriteJson(review);
  const json::value& first = review[0];
  EXPECT_EQ(JsonStr(first, "customer_id"), moved[0]);
  EXPECT_EQ(JsonStr(first, "customer_name"), "华信 0");
  EXPECT_EQ(JsonArr(first, "items").size(), 2u);
  EXPECT_EQ(WriteJson(first.at("values")), R"({"notes":"later still"})");
  EXPECT_TRUE(first.at("held").as_bool());
  const int64_t entry = JsonInt(first, "id");
  // In words, in the rep's language: the garage's name, not the table and the id.
  const std::string text = Ok("a", {"review", "list", "--lang", "zh"});
  EXPECT_TRUE(Contains(text, "华信 0的客户资料")) << text;
  EXPECT_TRUE(Contains(text, "备注为 later still")) << text;
  EXPECT_TRUE(Contains(text, "客户已转给其他业务员：等待主管处理")) << text;
  EXPECT_FALSE(Contains(text, moved[0])) << text;

  // Dismissed with a note: off the list, kept with --all, and pushed at the next sync.
  CommandResult unknown = Cli("a", {"review", "dismiss", "99999"});
  EXPECT_EQ(unknown.exit_code, 1) << unknown.err;
  EXPECT_TRUE(Contains(unknown.err, "no open review entry #99999")) << unknown.err;
  const json::value dismissed =
      OkJson("a", {"review", "dismiss", std::to_string(entry), "--note", "客户不同意改"});
  const std::string dismissal = JsonStr(dismissed, "dismissal");
  ASSERT_FALSE(dismissal.empty());
  EXPECT_EQ(Review("a").size(), moved.size() - 1);
  json::array all = Review("a", /*all=*/true);
  ASSERT_EQ(all.size(), moved.size());
  EXPECT_EQ(JsonStr(all.back(), "outcome"), "dismissed by the rep: 客户不同意改");
  const json::value synced = OkJson("a", {"sync"});
  EXPECT_EQ(JsonInt(synced, "rejected"), 0) << WriteJson(synced);
  EXPECT_EQ(Review("a").size(), moved.size() - 1);

  // The manager's Review API lists it: the garage's name, the rep, what was not taken, the note.
  auto reply = Get("/v1/admin/review/dismissals", manager_);
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  ASSERT_EQ(reply->status, 200) << reply->body;
  const json::value listed = Exact(reply->body);
  const json::array& dismissals = JsonArr(listed, "dismissals");
  ASSERT_EQ(dismissals.size(), 1u) << reply->body;
  const json::value& d = dismissals[0];
  EXPECT_EQ(JsonStr(d, "id"), dismissal);
  EXPECT_EQ(JsonStr(d, "customer"), moved[0]);
  EXPECT_EQ(JsonStr(d, "customer_name"), "华信 0");
  EXPECT_EQ(JsonStr(d, "rep"), "rep-a");
  EXPECT_EQ(JsonStr(d, "table"), "customers");
  EXPECT_EQ(JsonStr(d, "code"), "reassigned");
  EXPECT_EQ(WriteJson(d.at("refused")), R"({"notes":"later still"})");
  EXPECT_EQ(JsonStr(d, "note"), "客户不同意改");
  // A rep's token cannot read it.
  auto as_rep = Get("/v1/admin/review/dismissals", token_a_);
  ASSERT_TRUE(as_rep.ok());
  EXPECT_EQ(as_rep->status, 403);
}

}  // namespace
}  // namespace fieldbook::testing
