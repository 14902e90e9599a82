// The nightly job's steps (docs/nightly.md). A run is an ordered list of named NightlyStep
// objects; NightlyRunner (nightly_runner.h) records each one's outcome and JSON report, so a run
// killed halfway resumes with the first step that did not finish.
//
// Contract of a step: Run() is idempotent -- running it again after a crash at any point finishes
// the job without doing anything twice that matters -- and works in bounded transactions, calling
// ctx.Checkpoint() between them (which renews the lease and notices a stop request), so a run in
// the serve process never holds the database's write lock for long.
//
// The steps, in order:
//   grade    grade every customer (GradingStore::GradeAll), committed with the step's record
//   reclaim  reclaim neglected customers to the public pool (issue #7)   -- slot, see below
//   verify   replica verification and repair summary (digests)            -- slot, see below
//   compact  forget history older than the retention horizon
//   backup   an online backup of the database, verified, with rotation (SQLite; on PostgreSQL
//            skipped, saying to back up with pg_dump / pg_basebackup: NightlyConfig)
// The reclaim and verify slots are filled by MakeReclaimStep()/MakeVerifyStep() below; until
// their owners wire them, they are NotConfiguredStep and every run reports them as skipped.
//
// Thread safety: a step runs on the runner's thread, with the runner's ServerStore.
#ifndef FIELDBOOK_SERVER_NIGHTLY_STEPS_H_
#define FIELDBOOK_SERVER_NIGHTLY_STEPS_H_

#include <boost/json.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "fieldbook/hlc.h"
#include "fieldbook/status.h"
#include "store/backup.h"
#include "store/nightly_store.h"
#include "store/server_store.h"

namespace fieldbook::server {

// What a step sees of the run it belongs to.
struct StepContext {
  ServerStore& store;
  NightlyStore& nightly;
  WallClock& wall;
  int64_t run_id = 0;
  std::string step;
  int32_t today = 0;  // the run's local day
  // Renews the lease and checks for a stop request: call between transactions. A non-ok result
  // means stop now and return it (the step is then resumed by a later run).
  std::function<Status()> checkpoint;
  // Waits (the compaction grace period), returning early with an error when the run must stop.
  std::function<Status(std::chrono::milliseconds)> sleep;
  // What an earlier, interrupted attempt of this step saved with SaveProgress ({} if none).
  boost::json::object previous;

  Status Checkpoint() { return checkpoint ? checkpoint() : Status::Ok(); }
  // Saves a batched step's report so far; call inside the batch's transaction.
  Status SaveProgress(const boost::json::object& report);
  // Records the step as done with its report; call inside the transaction of the step's last
  // piece of work so that the work and its record commit together (exactly once).
  Status Complete(const boost::json::object& report);
  bool completed = false;
};

class NightlyStep {
 public:
  virtual ~NightlyStep() = default;
  virtual std::string name() const = 0;
  // False for a slot nobody has filled yet: the runner records it as skipped with `why`.
  virtual bool configured() const { return true; }
  virtual std::string why_not_configured() const { return {}; }
  // Does the work and returns the step's report. When Run() did not call ctx.Complete(), the
  // runner records the returned report as done.
  virtual Result<boost::json::object> Run(StepContext& ctx) = 0;
};

// A slot whose step belongs to another component that is not wired in yet.
class NotConfiguredStep final : public NightlyStep {
 public:
  NotConfiguredStep(std::string name, std::string why)
      : name_(std::move(name)), why_(std::move(why)) {}
  std::string name() const override { return name_; }
  bool configured() const override { return false; }
  std::string why_not_configured() const override { return why_; }
  Result<boost::json::object> Run(StepContext&) override {
    return Status::Internal("step " + name_ + " is not configured");
  }

 private:
  std::string name_, why_;
};

// (a) Grades every customer as of the run's day, in one transaction with the step's record.
// Report: grading_run, customers, changed (grades that moved), rules_version, seconds.
class GradeStep final : public NightlyStep {
 public:
  std::string name() const override { return "grade"; }
  Result<boost::json::object> Run(StepContext& ctx) override;
};

// Reclaims neglected customers to the public pool per the assignment rules (PoolStore::ReclaimDue,
// docs/assignment.md), counting days as the run's local day. The reclaim and the step's record
// commit together, so a resumed run reclaims exactly once.
class ReclaimStep final : public NightlyStep {
 public:
  std::string name() const override { return "reclaim"; }
  Result<boost::json::object> Run(StepContext& ctx) override;
};

// Asks every active rep's devices to verify their replicas at their next sync (docs/sync.md,
// "Verification and repair"). Devices answer after the run, so the report counts the checks made
// in the 24 hours before it: the answers to the previous night's request.
class VerifyStep final : public NightlyStep {
 public:
  std::string name() const override { return "verify"; }
  Result<boost::json::object> Run(StepContext& ctx) override;
};

struct CompactOptions {
  int retention_days = 30;
  // Stored push answers only serve a device retrying a push whose answer it never received; a
  // retry after this many days is simply applied again (the merge makes that harmless).
  int push_answers_days = 7;
  size_t batch_rows = 2000;  // rows per transaction
  // Between raising the history floor and forgetting what lies below it: a pull that read the
  // old floor just before finishes first.
  std::chrono::milliseconds floor_grace{3000};
  bool measure_bookkeeping = true;  // sizes every table at the end (SQLite: reads every page)
};

// (d) Forgets history older than the retention horizon: the floor rises to the hub sequence of
// the newest run that started before the horizon (devices behind it rebuild from a snapshot), then
// scope events and tombstones below it are removed in batches, and push answers older than their
// own, shorter horizon. Report: horizon, floor, scope_events, applied_sets, tombstones,
// bytes_freed, bookkeeping share (the last two SQLite's file pages; on PostgreSQL the report says
// that its space is autovacuum's and is not measured here).
class CompactStep final : public NightlyStep {
 public:
  explicit CompactStep(CompactOptions options) : options_(options) {}
  std::string name() const override { return "compact"; }
  Result<boost::json::object> Run(StepContext& ctx) override;

 private:
  CompactOptions options_;
};

// (e) An online backup into options.dir (backup.h), verified, rotated to options.keep files.
// Report: file, bytes, pages, seconds, removed (rotated-out files).
class BackupStep final : public NightlyStep {
 public:
  explicit BackupStep(BackupOptions options) : options_(std::move(options)) {}
  std::string name() const override { return "backup"; }
  Result<boost::json::object> Run(StepContext& ctx) override;

 private:
  BackupOptions options_;
};

// Slot (b): reclaim neglected customers to the public pool (issue #7, pool_store.h).
std::unique_ptr<NightlyStep> MakeReclaimStep();
// Slot (c): replica verification (digests: the replica verification work).
std::unique_ptr<NightlyStep> MakeVerifyStep();

struct NightlyConfig {
  CompactOptions compact;
  BackupOptions backup;
  // Not empty: the database is backed up by other means (PostgreSQL: pg_dump, pg_basebackup),
  // and the backup step is recorded as skipped with this sentence.
  std::string backup_elsewhere;
};

// grade, reclaim, verify, compact, backup.
std::vector<std::unique_ptr<NightlyStep>> DefaultNightlySteps(const NightlyConfig& config);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_NIGHTLY_STEPS_H_
