// ScopedSimulation: the whole sync path as the binaries run it, in one process, at the shape of a
// distributor. A ServerStore seeded with the demo distributor (many reps, thousands of rows) sits
// behind the real SyncService; several reps each have one or more devices, each a Replica driven by
// the real client SyncEngine over an in-process transport that loses requests and answers and can
// cut a sync short. Between syncs the devices write (field edits, re-entered values, new contacts
// and tasks, visits, orders, feedback) and the server does what a distributor's server does:
// reassignments, manager edits, grade runs, history trims, compactions, backups and restores.
// Devices are "killed" at random (a sync stops after a few exchanges; the replica is reopened from
// its file). Page sizes are small, so every first sync and rebuild spans many pages.
//
// At the end the network heals and every device syncs. Check() verifies that every device's
// canonical export equals the server's export for its rep, that every accepted edit is at the
// server (or superseded by a greater version, or waiting for review there or on the device), and
// that every sync finished within a bound of exchanges proportional to the rows it moved.
//
// Everything derives from one seed, so a failure replays exactly
// (FIELDBOOK_PROPERTY_SEED=N). Not thread-safe: one thread drives it.
#ifndef FIELDBOOK_TESTS_PROPERTY_SCOPED_SIMULATION_H_
#define FIELDBOOK_TESTS_PROPERTY_SCOPED_SIMULATION_H_

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "fieldbook/status.h"
#include "support/fake_clock.h"
#include "support/temp_dir.h"

namespace fieldbook::testing {

struct ScopedSimulationConfig {
  int customers = 120;  // the demo distributor's size (8 reps); ~40 rows per customer
  int reps_with_devices = 3;
  int devices_per_rep = 2;
  int steps = 160;
  uint32_t page_rows = 40;     // rows per pull page, on both sides
  double lose_request = 0.05;  // the request never reaches the server
  double lose_answer = 0.08;   // the server applied it; the device never hears back
  double cut_sync = 0.12;      // the device dies after a random number of exchanges
  bool reassignments = true;
  bool manager_edits = true;
  bool conflict_reviews = true;  // a manager applies or dismisses what reassignments diverted
  bool grade_runs = true;
  bool trims = true;        // history trim (the floor rises; stored push answers are forgotten)
  bool compactions = true;  // the nightly compaction's steps
  // Backups, and restores from them. A restored server lacks what reached it after the backup;
  // devices send again every write of their own they still hold (docs/sync.md, "Restores"), and
  // Check() expects every edit back except those no device held any more at the restore
  // (FIELDBOOK_PROPERTY_RESTORES=0 turns them off).
  bool restores = true;
  // The server's database: empty, a SQLite server.db in the run's folder; else what
  // ServerStore::Open takes (a PostgreSQL connection string; restores need a file: turn them off).
  std::string server_db;
};

struct ScopedSimulationStats {
  int local_writes = 0;
  int reentered_values = 0;
  int syncs = 0;
  int syncs_cut = 0;
  int exchanges = 0;
  int answers_lost = 0;
  int rebuilds = 0;
  int reassignments = 0;
  int trims = 0;
  int compactions = 0;
  int restores = 0;
  int grade_runs = 0;
  int conflicts_resolved = 0;
  int edits_checked = 0;
  int edits_in_review = 0;
  // Edits a restore took from the server that no device held any more to send again (see
  // MarkUnrecoverable): not checked.
  int edits_unrecoverable = 0;
  int edits_superseded = 0;  // older than a manager's apply of a held value on the same field
  int max_exchanges = 0;     // the most exchanges one sync took
  std::string ToString() const;
};

class ScopedSimulation {
 public:
  ScopedSimulation(uint64_t seed, ScopedSimulationConfig config);
  ~ScopedSimulation();

  Status Run();
  Status Check();
  const ScopedSimulationStats& stats() const { return stats_; }

 private:
  struct Device;
  struct Edit;
  class Transport;
  struct Server;

  Status Setup();
  // A random write; with `customer`, one that touches that customer (a field, a contact, a task).
  Status LocalWrite(Device& d, const std::string& customer = "");
  Status RecordCaptured(Device& d);
  Status Sync(Device& d, bool faults);
  Status Reopen(Device& d);
  Status Reassign();
  Status ManagerEdit();
  Status ResolveConflict();
  Status GradeRun();
  Status Trim();
  Status Compact();
  Status Backup();
  Status Restore();
  // After a restore: marks the accepted edits the restored server lacks and that no device can
  // send again, because none holds the edit, or a later version of its cell, as its own write.
  Status MarkUnrecoverable();
  Status OpenServer();
  bool Chance(double p);
  size_t Pick(size_t n);

  uint64_t seed_;
  ScopedSimulationConfig config_;
  std::mt19937_64 rng_;
  TempDir dir_;
  FakeWallClock wall_;
  std::unique_ptr<Server> server_;
  std::vector<std::string> reps_;  // every rep of the demo (devices are for the first few)
  std::vector<std::unique_ptr<Device>> devices_;
  std::vector<Edit> edits_;
  std::vector<bool> unrecoverable_;  // by index in edits_
  std::vector<bool> superseded_;     // by index in edits_: a manager applied a held value since
  std::string last_backup_;
  ScopedSimulationStats stats_;
};

}  // namespace fieldbook::testing

#endif  // FIELDBOOK_TESTS_PROPERTY_SCOPED_SIMULATION_H_
