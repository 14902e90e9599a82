#include "nightly/nightly_steps.h"

#include <algorithm>
#include <chrono>

#include "api/assignment_api.h"
#include "fieldbook/dates.h"
#include "fieldbook/json.h"
#include "store/grading_store.h"
#include "store/pool_store.h"
#include "store/verification_store.h"

namespace fieldbook::server {

namespace {

int64_t IntOr(const boost::json::object& o, const char* key, int64_t fallback = 0) {
  const boost::json::value* v = o.if_contains(key);
  if (v == nullptr) return fallback;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64()) return static_cast<int64_t>(v->as_uint64());
  return fallback;
}

double Percent(double share) { return static_cast<double>(std::llround(share * 1000)) / 10.0; }

}  // namespace

Status StepContext::SaveProgress(const boost::json::object& report) {
  return nightly.SaveStepProgress(run_id, step, WriteJson(report));
}

Status StepContext::Complete(const boost::json::object& report) {
  FB_RETURN_IF_ERROR(nightly.FinishStep(run_id, step, "done", WriteJson(report), "",
                                        static_cast<int64_t>(wall.NowMs())));
  completed = true;
  return Status::Ok();
}

Result<boost::json::object> GradeStep::Run(StepContext& ctx) {
  // The grades and the step's record commit together: a run killed at any point either has both
  // or neither, so a resumed run grades exactly once.
  FB_ASSIGN_OR_RETURN(auto txn, ctx.store.BeginWrite());
  GradingStore grading(ctx.store);
  FB_ASSIGN_OR_RETURN(GradeRun run, grading.GradeAll(ctx.today));
  boost::json::object report{{"grading_run", run.run_id},          {"day", run.today},
                             {"customers", run.customers},         {"changed", run.changed},
                             {"rules_version", run.rules_version}, {"seconds", run.seconds}};
  FB_RETURN_IF_ERROR(ctx.Complete(report));
  FB_RETURN_IF_ERROR(txn->Commit());
  return report;
}

Result<boost::json::object> ReclaimStep::Run(StepContext& ctx) {
  FB_ASSIGN_OR_RETURN(auto txn, ctx.store.BeginWrite());
  PoolStore pool(ctx.store, ctx.wall);
  FB_ASSIGN_OR_RETURN(ReclaimReport reclaimed, pool.ReclaimDue(ctx.today));
  // The run report keeps counts and the first customers of each list; `pool audit` has them all.
  constexpr size_t kListed = 100;
  boost::json::object full = ReclaimJson(reclaimed, /*applied=*/true);
  auto first = [&](const char* key) {
    boost::json::array out;
    for (const auto& v : full[key].as_array()) {
      if (out.size() == kListed) break;
      out.push_back(v);
    }
    return out;
  };
  boost::json::object report{{"today", full["today"]},
                             {"rules_version", full["rules_version"]},
                             {"checked", full["checked"]},
                             {"reclaimed", static_cast<int64_t>(reclaimed.reclaimed.size())},
                             {"waiting", static_cast<int64_t>(reclaimed.waiting.size())},
                             {"reclaimed_customers", first("reclaimed")},
                             {"waiting_customers", first("waiting")}};
  FB_RETURN_IF_ERROR(ctx.Complete(report));
  FB_RETURN_IF_ERROR(txn->Commit());
  return report;
}

Result<boost::json::object> VerifyStep::Run(StepContext& ctx) {
  VerificationStore verification(ctx.store, ctx.wall);
  const int64_t now = static_cast<int64_t>(ctx.wall.NowMs());
  FB_ASSIGN_OR_RETURN(VerificationSummary since, verification.Summary(now - kMsPerDay));
  FB_ASSIGN_OR_RETURN(auto txn, ctx.store.BeginWrite());
  FB_ASSIGN_OR_RETURN(size_t requested, verification.RequestVerification("", false, "nightly"));
  boost::json::object report{{"requested_reps", static_cast<int64_t>(requested)},
                             {"checks", since.checks},
                             {"verified", since.replicas_verified},
                             {"repaired", since.replicas_repaired},
                             {"buckets_repaired", since.buckets_repaired},
                             {"rows_resent", since.rows_resent},
                             {"incompatible", since.replicas_incompatible},
                             {"reps_not_answered", since.reps_pending}};
  FB_RETURN_IF_ERROR(ctx.Complete(report));
  FB_RETURN_IF_ERROR(txn->Commit());
  return report;
}

Result<boost::json::object> CompactStep::Run(StepContext& ctx) {
  ServerStore& store = ctx.store;
  const int64_t now = static_cast<int64_t>(ctx.wall.NowMs());
  const int64_t horizon_ms = now - static_cast<int64_t>(options_.retention_days) * kMsPerDay;
  const size_t batch_rows = std::max<size_t>(options_.batch_rows, 1);

  // Counts continue from an interrupted attempt: every batch saved them with its own work.
  boost::json::object report = ctx.previous;
  report["retention_days"] = options_.retention_days;
  report["horizon"] = FormatIsoUtc(std::max<int64_t>(horizon_ms, 0));
  // SQLite's file pages; PostgreSQL's space is autovacuum's, not measured here.
  const bool pages_measured = store.sql().dialect() == SqlDialect::kSqlite;
  if (pages_measured && !report.contains("free_pages_before")) {
    FB_ASSIGN_OR_RETURN(PageStats pages_before, ctx.nightly.Pages());
    report["free_pages_before"] = pages_before.free_pages;
  }
  int64_t scope_events = IntOr(report, "scope_events");
  int64_t applied_sets = IntOr(report, "applied_sets");
  int64_t tombstones = IntOr(report, "tombstones");
  boost::json::object by_table;
  if (const auto* t = report.if_contains("tombstones_by_table"); t && t->is_object()) {
    by_table = t->as_object();
  }
  int64_t batches = IntOr(report, "batches");
  int64_t longest_ms = IntOr(report, "longest_batch_ms");

  // One bounded transaction: the work and the progress that records it commit together.
  auto batch = [&](const std::function<Status()>& work) -> Status {
    const auto started = std::chrono::steady_clock::now();
    {
      FB_ASSIGN_OR_RETURN(auto txn, store.BeginWrite());
      FB_RETURN_IF_ERROR(work());
      ++batches;
      report["scope_events"] = scope_events;
      report["applied_sets"] = applied_sets;
      report["tombstones"] = tombstones;
      report["tombstones_by_table"] = by_table;
      report["batches"] = batches;
      FB_RETURN_IF_ERROR(ctx.SaveProgress(report));
      FB_RETURN_IF_ERROR(txn->Commit());
    }
    const int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now() - started)
                           .count();
    longest_ms = std::max(longest_ms, ms);
    report["longest_batch_ms"] = longest_ms;
    return ctx.Checkpoint();
  };

  FB_ASSIGN_OR_RETURN(std::optional<uint64_t> bound, ctx.nightly.SeqAtOrBefore(horizon_ms));
  FB_ASSIGN_OR_RETURN(uint64_t floor_before, store.HistoryFloor());
  if (!report.contains("floor_before")) report["floor_before"] = floor_before;
  if (bound && *bound > 0) {
    // History through sequence h is older than the horizon. A device whose cursor is h has seen
    // all of it, so the floor is h: cursors below it rebuild.
    const uint64_t h = *bound;
    report["history_through_seq"] = h;
    if (h > floor_before) {
      // Devices behind the new floor rebuild; only then is anything below it forgotten.
      FB_RETURN_IF_ERROR(batch([&]() -> Status {
        FB_ASSIGN_OR_RETURN(uint64_t floor, store.RaiseHistoryFloor(h));
        report["floor"] = floor;
        return Status::Ok();
      }));
      if (ctx.sleep) FB_RETURN_IF_ERROR(ctx.sleep(options_.floor_grace));
    } else {
      report["floor"] = floor_before;
    }
    int64_t kept = 0;
    for (ScopeTrim trim; !trim.done;) {
      FB_RETURN_IF_ERROR(batch([&]() -> Status {
        FB_ASSIGN_OR_RETURN(trim, store.TrimScopeEvents(trim.scanned_to, h + 1, batch_rows));
        scope_events += static_cast<int64_t>(trim.forgotten);
        kept += static_cast<int64_t>(trim.kept);
        return Status::Ok();
      }));
    }
    report["scope_removals_kept"] = kept;
    // The feeds below the floor: a pull from a cursor below it rebuilds instead.
    // Counts continue from an interrupted attempt, like the others.
    int64_t feed_entries = IntOr(report, "feed_entries");
    for (FeedTrim trim; !trim.done;) {
      FB_RETURN_IF_ERROR(batch([&]() -> Status {
        FB_ASSIGN_OR_RETURN(trim, store.TrimFeeds(trim, h + 1, batch_rows));
        feed_entries += static_cast<int64_t>(trim.forgotten);
        report["feed_entries"] = feed_entries;
        return Status::Ok();
      }));
    }
    for (bool more = true; more;) {
      FB_RETURN_IF_ERROR(batch([&]() -> Status {
        FB_ASSIGN_OR_RETURN(TombstonePurge purge, store.hub().PurgeTombstones(h + 1, batch_rows));
        tombstones += static_cast<int64_t>(purge.rows);
        for (const auto& [table, n] : purge.by_table) {
          by_table[table] = IntOr(by_table, table.c_str()) + static_cast<int64_t>(n);
        }
        more = purge.more;
        return Status::Ok();
      }));
    }
  } else {
    report["floor"] = floor_before;
    report["history_kept"] =
        "no nightly run started before the horizon yet, so no history is known to be older";
  }
  const int64_t answers_before_ms =
      now - static_cast<int64_t>(options_.push_answers_days) * kMsPerDay;
  report["push_answers_days"] = options_.push_answers_days;
  for (size_t n = batch_rows; n == batch_rows;) {
    FB_RETURN_IF_ERROR(batch([&]() -> Status {
      FB_ASSIGN_OR_RETURN(
          n, store.TrimAppliedSets(static_cast<uint64_t>(std::max<int64_t>(answers_before_ms, 0)),
                                   batch_rows));
      applied_sets += static_cast<int64_t>(n);
      return Status::Ok();
    }));
  }

  if (!pages_measured) {
    report["space"] =
        "PostgreSQL: freed rows are reused after VACUUM (autovacuum); file sizes are not measured";
  } else {
    FB_ASSIGN_OR_RETURN(PageStats pages_after, ctx.nightly.Pages());
    const int64_t freed_pages =
        std::max<int64_t>(0, pages_after.free_pages - IntOr(report, "free_pages_before"));
    report["bytes_freed"] = freed_pages * pages_after.page_size;
    report["database_bytes"] = pages_after.pages * pages_after.page_size;
  }
  if (options_.measure_bookkeeping) {
    auto stats = ctx.nightly.MeasureBookkeeping();
    if (stats.ok()) {
      report["bookkeeping"] =
          boost::json::object{{"bytes", stats->bookkeeping_bytes},
                              {"user_data_bytes", stats->user_bytes},
                              {"percent_of_user_data", Percent(stats->share())},
                              {"percent_of_user_tables", Percent(stats->strict_share())}};
    } else {
      report["bookkeeping"] = "not measured: " + stats.status().message();
    }
  }
  FB_ASSIGN_OR_RETURN(auto txn, store.BeginWrite());
  FB_RETURN_IF_ERROR(ctx.Complete(report));
  FB_RETURN_IF_ERROR(txn->Commit());
  return report;
}

Result<boost::json::object> BackupStep::Run(StepContext& ctx) {
  FB_ASSIGN_OR_RETURN(BackupInfo info, WriteBackup(ctx.store.path(), options_, ctx.wall.NowMs(),
                                                   [&ctx]() { return ctx.Checkpoint(); }));
  const boost::json::value removed = boost::json::value_from(info.removed);
  return boost::json::object{{"file", info.file},       {"bytes", info.bytes},
                             {"pages", info.pages},     {"chunks", info.chunks},
                             {"seconds", info.seconds}, {"keep", options_.keep},
                             {"removed", removed},      {"checked", "integrity ok"}};
}

// ---- Slots for steps owned by other components (docs/nightly.md, "Wiring a step") ----

std::unique_ptr<NightlyStep> MakeReclaimStep() { return std::make_unique<ReclaimStep>(); }

std::unique_ptr<NightlyStep> MakeVerifyStep() { return std::make_unique<VerifyStep>(); }

// ---- end of slots ----

std::vector<std::unique_ptr<NightlyStep>> DefaultNightlySteps(const NightlyConfig& config) {
  std::vector<std::unique_ptr<NightlyStep>> steps;
  steps.push_back(std::make_unique<GradeStep>());
  steps.push_back(MakeReclaimStep());
  steps.push_back(MakeVerifyStep());
  steps.push_back(std::make_unique<CompactStep>(config.compact));
  if (config.backup_elsewhere.empty()) {
    steps.push_back(std::make_unique<BackupStep>(config.backup));
  } else {
    steps.push_back(std::make_unique<NotConfiguredStep>("backup", config.backup_elsewhere));
  }
  return steps;
}

}  // namespace fieldbook::server
