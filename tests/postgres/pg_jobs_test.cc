// Scheduled jobs on PostgreSQL (server/store/pg/pg_jobs.h): instances take different due jobs
// at once (SKIP LOCKED), a dead holder's job is taken again once its lease runs out, and every
// job's work commits exactly once (issue #15 item 3).
#include "store/pg/pg_jobs.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <random>
#include <thread>
#include <vector>

#include "postgres/pg_test_env.h"

namespace fieldbook::pg {
namespace {

using namespace std::chrono_literals;
using PgJobsTest = testing::PgMigratedTest;

TEST_F(PgJobsTest, DueJobsAreTakenOnceInOrderAndFinishedByTheirHolder) {
  PgJobs jobs(*db_);
  auto first = jobs.Schedule("grade", "{\"day\":\"2026-12-06\"}");
  auto second = jobs.Schedule("compact", "");
  auto later = jobs.Schedule("report", "", 3600 * 1000);
  ASSERT_TRUE(first.ok() && second.ok() && later.ok());
  auto a = jobs.Take("instance-a", 60000);
  auto b = jobs.Take("instance-b", 60000);
  auto none = jobs.Take("instance-c", 60000);
  ASSERT_TRUE(a.ok() && b.ok() && none.ok());
  ASSERT_TRUE(a->has_value() && b->has_value());
  EXPECT_EQ((*a)->id, *first);
  EXPECT_EQ((*a)->kind, "grade");
  EXPECT_EQ((*a)->payload, "{\"day\":\"2026-12-06\"}");
  EXPECT_EQ((*a)->attempts, 1);
  EXPECT_EQ((*b)->id, *second);
  EXPECT_FALSE(none->has_value());  // the third is due in an hour
  EXPECT_EQ(jobs.Finish(*first, "instance-b").code(), StatusCode::kConflict);
  ASSERT_TRUE(jobs.Finish(*first, "instance-a").ok());
  EXPECT_EQ(jobs.Finish(*first, "instance-a").code(), StatusCode::kConflict);  // done already
  auto pending = jobs.Pending();
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(*pending, 2);
  EXPECT_EQ(jobs.Schedule("", "").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(jobs.Take("x", 0).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(PgJobsTest, ADeadHoldersJobIsTakenAgainAndItCannotFinishIt) {
  PgJobs jobs(*db_);
  auto id = jobs.Schedule("grade", "");
  ASSERT_TRUE(id.ok());
  auto dead = jobs.Take("dead", 1000);
  ASSERT_TRUE(dead.ok() && dead->has_value());
  auto early = jobs.Take("next", 60000);
  ASSERT_TRUE(early.ok());
  EXPECT_FALSE(early->has_value());  // still leased
  std::this_thread::sleep_for(1500ms);
  auto again = jobs.Take("next", 60000);
  ASSERT_TRUE(again.ok() && again->has_value());
  EXPECT_EQ((*again)->id, *id);
  EXPECT_EQ((*again)->attempts, 2);
  EXPECT_EQ(jobs.Finish(*id, "dead").code(), StatusCode::kConflict);
  EXPECT_TRUE(jobs.Finish(*id, "next").ok());
}

// Six instances work through 300 jobs at once, each on its own connection. A job's work and its
// Finish commit in one transaction; one job in 25 is abandoned by its holder (the instance dies
// with it) and must be taken again after its short lease. Every job's work commits exactly once.
TEST_F(PgJobsTest, ConcurrentInstancesRunEveryJobExactlyOnce) {
  constexpr int kJobs = 300;
  constexpr int kInstances = 6;
  ASSERT_TRUE(db_->ExecScript("CREATE TABLE work (job_id bigint, instance integer)").ok());
  {
    PgJobs jobs(*db_);
    for (int i = 0; i < kJobs; ++i) {
      ASSERT_TRUE(jobs.Schedule("job", std::to_string(i)).ok());
    }
  }
  std::atomic<int> abandoned{0}, lost_leases{0};
  std::vector<std::thread> instances;
  for (int i = 0; i < kInstances; ++i) {
    instances.emplace_back([&, i] {
      auto db = PgDb::Connect(conninfo(), {.search_path = schema()});
      ASSERT_TRUE(db.ok()) << db.status().ToString();
      PgJobs jobs(**db);
      std::mt19937 rng(static_cast<unsigned>(i + 11));
      std::uniform_int_distribution<int> work_us(0, 1500), fate(0, 24);
      const std::string me = "instance-" + std::to_string(i);
      const auto deadline = std::chrono::steady_clock::now() + 90s;
      while (std::chrono::steady_clock::now() < deadline) {
        auto job = jobs.Take(me, 500);
        ASSERT_TRUE(job.ok()) << job.status().ToString();
        if (!job->has_value()) {
          auto pending = jobs.Pending();
          ASSERT_TRUE(pending.ok());
          if (*pending == 0) return;
          std::this_thread::sleep_for(20ms);  // abandoned jobs wait for their leases
          continue;
        }
        if (fate(rng) == 0) {
          ++abandoned;
          continue;  // this holder dies with the job
        }
        auto tx = PgTransaction::Begin(**db);
        ASSERT_TRUE(tx.ok());
        ASSERT_TRUE((*db)->Exec("INSERT INTO work VALUES ($1, $2)", {(*job)->id, i}).ok());
        std::this_thread::sleep_for(std::chrono::microseconds(work_us(rng)));
        Status finished = jobs.Finish((*job)->id, me);
        if (finished.code() == StatusCode::kConflict) {
          ++lost_leases;  // too slow: another instance took it over; the work rolls back
          continue;
        }
        ASSERT_TRUE(finished.ok()) << finished.ToString();
        ASSERT_TRUE((*tx)->Commit().ok());
      }
      FAIL() << me << " ran out of time";
    });
  }
  for (auto& t : instances) t.join();
  auto work =
      db_->Exec("SELECT count(*), count(DISTINCT job_id), count(DISTINCT instance) FROM work");
  ASSERT_TRUE(work.ok());
  EXPECT_EQ(work->Int(0, 0), kJobs);  // every job's work committed once
  EXPECT_EQ(work->Int(0, 1), kJobs);
  EXPECT_GT(work->Int(0, 2), 1);  // they shared the work
  // Every abandoned (or lost) hold was followed by another attempt at the same job.
  auto retries = db_->Exec("SELECT sum(attempts - 1) FROM fb_jobs");
  ASSERT_TRUE(retries.ok());
  EXPECT_EQ(retries->Int(0, 0), abandoned.load() + lost_leases.load());
  EXPECT_GT(abandoned.load(), 0);
  auto pending = PgJobs(*db_).Pending();
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(*pending, 0);
}

}  // namespace
}  // namespace fieldbook::pg
