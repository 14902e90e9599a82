// Push idempotency on PostgreSQL (server/store/pg/pg_applied_sets.h): one push set reaching
// several server instances at once (a device's retry, a load balancer's resend) is applied once,
// and every copy is answered with the same stored result (issue #15 item 3).
#include "store/pg/pg_applied_sets.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "postgres/pg_test_env.h"
#include "store/pg/pg_change_log.h"

namespace fieldbook::pg {
namespace {

using testing::PgMigratedTest;

class PgAppliedSetsTest : public PgMigratedTest {
 protected:
  void SetUp() override {
    PgMigratedTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    // What "applying" a set leaves behind, so the test can count applications.
    ASSERT_TRUE(db_->ExecScript("CREATE TABLE applications (set_id text, instance integer)").ok());
  }
};

TEST_F(PgAppliedSetsTest, ARetryGetsTheStoredAnswerAndAppliesNothing) {
  PgAppliedSets sets(*db_);
  const std::string answer("\x00\xff\x01 answer \\x00", 15);
  {
    auto tx = PgTransaction::Begin(*db_);
    ASSERT_TRUE(tx.ok());
    auto claim = sets.Claim("set-1", "replica-a");
    ASSERT_TRUE(claim.ok()) << claim.status().ToString();
    EXPECT_FALSE(claim->has_value());  // new: apply it
    ASSERT_TRUE(sets.Record("set-1", answer).ok());
    ASSERT_TRUE((*tx)->Commit().ok());
  }
  auto tx = PgTransaction::Begin(*db_);
  ASSERT_TRUE(tx.ok());
  auto again = sets.Claim("set-1", "replica-a");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  ASSERT_TRUE(again->has_value());
  EXPECT_EQ(**again, answer);
  EXPECT_EQ(sets.Claim("set-1", "replica-b").status().code(), StatusCode::kConflict);
}

TEST_F(PgAppliedSetsTest, MisuseIsRefused) {
  PgAppliedSets sets(*db_);
  EXPECT_EQ(sets.Claim("s", "r").status().code(), StatusCode::kInternal);  // no transaction
  auto tx = PgTransaction::Begin(*db_);
  ASSERT_TRUE(tx.ok());
  EXPECT_EQ(sets.Claim("", "r").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(sets.Claim("s", "").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(sets.Record("never-claimed", "x").code(), StatusCode::kInternal);
  EXPECT_EQ(sets.Claim(std::string("a\0b", 3), "r").status().code(), StatusCode::kInvalidArgument);
}

TEST_F(PgAppliedSetsTest, ARolledBackClaimIsTakenOverByTheNextCopy) {
  auto first = Connect();
  auto second = Connect();
  auto tx1 = PgTransaction::Begin(*first);
  ASSERT_TRUE(tx1.ok());
  auto claim1 = PgAppliedSets(*first).Claim("set-9", "replica-a");
  ASSERT_TRUE(claim1.ok() && !claim1->has_value());

  Result<std::optional<std::string>> claim2 = Status::Internal("not run");
  std::thread copy([&] {
    auto tx2 = PgTransaction::Begin(*second);
    if (!tx2.ok()) return;
    claim2 = PgAppliedSets(*second).Claim("set-9", "replica-a");  // waits for the first
    if (claim2.ok() && !claim2->has_value() && PgAppliedSets(*second).Record("set-9", "two").ok()) {
      (void)(*tx2)->Commit();
    }
  });
  // The second copy waits on the first's claim; the first then fails (e.g. its instance dies).
  WaitUntilBlocked(second->backend_pid());
  tx1->reset();  // rollback
  copy.join();
  ASSERT_TRUE(claim2.ok()) << claim2.status().ToString();
  EXPECT_FALSE(claim2->has_value());  // the second copy applied it
  auto stored = db_->Exec("SELECT result FROM fb_applied_sets WHERE set_id = 'set-9'");
  ASSERT_TRUE(stored.ok());
  ASSERT_EQ(stored->size(), 1);
  EXPECT_EQ(stored->Bytes(0, 0), "two");
}

// Six instances receive copies of the same 40 pushes in different orders, at once. Applying one
// means writing rows and taking hub sequence numbers; one application in five fails before its
// commit (the instance dies) and the device's retry comes again. Every set is applied exactly
// once, and every copy is answered with the answer of the application that committed.
TEST_F(PgAppliedSetsTest, ConcurrentCopiesOfOnePushAreAppliedOnce) {
  constexpr int kInstances = 6;
  constexpr int kSets = 40;
  std::mutex mu;
  std::map<std::string, std::vector<std::string>> answers;  // set id -> what each copy got
  std::atomic<int> failed_applications{0};
  std::vector<std::thread> instances;
  for (int i = 0; i < kInstances; ++i) {
    instances.emplace_back([&, i] {
      auto db = PgDb::Connect(conninfo(), {.search_path = schema()});
      ASSERT_TRUE(db.ok()) << db.status().ToString();
      std::mt19937 rng(static_cast<unsigned>(i * 31 + 7));
      std::vector<int> order(kSets);
      for (int s = 0; s < kSets; ++s) order[s] = s;
      std::shuffle(order.begin(), order.end(), rng);
      std::uniform_int_distribution<int> delay_us(0, 2000), fate(0, 4);
      for (int s : order) {
        const std::string set_id = "set-" + std::to_string(s);
        const std::string replica = "replica-" + std::to_string(s % 5);
        for (int attempt = 0;; ++attempt) {
          ASSERT_LT(attempt, 50) << set_id << " never answered";
          auto tx = PgTransaction::Begin(**db);
          ASSERT_TRUE(tx.ok()) << tx.status().ToString();
          PgAppliedSets sets(**db);
          auto claim = sets.Claim(set_id, replica);
          ASSERT_TRUE(claim.ok()) << claim.status().ToString();
          if (claim->has_value()) {  // applied before: answer with the stored result
            std::lock_guard lock(mu);
            answers[set_id].push_back(**claim);
            break;
          }
          // Apply: the set's rows and their sequence numbers, with some work in between.
          ASSERT_TRUE((*db)->Exec("INSERT INTO applications VALUES ($1, $2)", {set_id, i}).ok());
          std::this_thread::sleep_for(std::chrono::microseconds(delay_us(rng)));
          const std::vector<PgChange> rows = {{1, set_id + "-row", "c", {}}};
          ASSERT_TRUE(PgChangeLog(**db).Append(rows).ok());
          if (fate(rng) == 0) {  // the instance dies before committing: the device retries
            ++failed_applications;
            continue;  // `tx` rolls back
          }
          const std::string answer = "applied by instance " + std::to_string(i);
          ASSERT_TRUE(sets.Record(set_id, answer).ok());
          ASSERT_TRUE((*tx)->Commit().ok());
          std::lock_guard lock(mu);
          answers[set_id].push_back(answer);
          break;
        }
      }
    });
  }
  for (auto& t : instances) t.join();

  auto applied = db_->Exec(
      "SELECT set_id, count(*), min(instance) FROM applications GROUP BY set_id ORDER BY set_id");
  ASSERT_TRUE(applied.ok());
  ASSERT_EQ(applied->size(), kSets);
  for (int r = 0; r < applied->size(); ++r) {
    const std::string set_id = applied->Text(r, 0);
    EXPECT_EQ(applied->Int(r, 1), 1) << set_id << " applied more than once";
    const std::string expected = "applied by instance " + std::to_string(applied->Int(r, 2));
    ASSERT_EQ(answers[set_id].size(), static_cast<size_t>(kInstances)) << set_id;
    for (const auto& a : answers[set_id]) EXPECT_EQ(a, expected) << set_id;
  }
  auto log = PgChangeLog(*db_).After(0, 1000);
  ASSERT_TRUE(log.ok());
  EXPECT_EQ(log->size(), static_cast<size_t>(kSets));  // rolled-back applications left nothing
  EXPECT_GT(failed_applications.load(), 0);
}

}  // namespace
}  // namespace fieldbook::pg
