// LightFleet: fieldbook-loadgen's many devices at once (issue #15), cheap enough that the load
// generator is not what a run on one machine measures. Each device is a rep's phone reduced to
// what goes over the wire: its replica id, hub cursor, epoch and snapshot token, and its few
// customers as rows in memory (no SQLite replica, no thread). Every sync is still a whole sync
// through the real HTTP API, as SyncEngine makes it: 1-5 customers edited (new column values with
// new hybrid timestamps), one change set encoded and pushed with the pull in one POST /v1/sync,
// then pull-only round trips while the server says there is more; the push counts only when its
// answer acknowledges that very set id with no row refused; a 503 is asked again after
// Retry-After with the client's back-off (BusyBackoff). A device keeps its keep-alive connection
// between syncs (one per server instance), and a stale one (closed by the server while idle) is
// reopened and the request sent again once (a push is idempotent by its set id). All devices run
// as C++20 coroutines on one Asio io_context with `threads` threads (1 by default).
//
// What it does not do that a phone does: store pulled rows beyond its own customers' columns,
// keep replica digests (a server's request for them is counted in verify_asked, not answered).
//
// Thread safety: Setup and Rounds block the calling thread until done; call them from one thread,
// one at a time. figures() is read after they return.
#ifndef FIELDBOOK_TESTS_PERF_LIGHT_FLEET_H_
#define FIELDBOOK_TESTS_PERF_LIGHT_FLEET_H_

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "load_harness.h"

namespace fieldbook::loadgen {

struct FleetOptions {
  std::vector<int> ports;  // server instances on 127.0.0.1; each sync goes to one at random
  int customers = 5;       // customers each device creates in its first sync
  int rounds = 20;         // syncs per device after the first
  int max_edit_rows = 5;   // each sync edits 1..max_edit_rows of them
  double pace_s = 0;       // mean seconds between a device's syncs (0: back to back)
  double setup_limit_s = 30;
  double limit_s = 35;
  int threads = 1;          // threads running the devices
  int setup_parallel = 64;  // first syncs in flight at once (setup is not measured)
};

struct FleetFigures {
  // First syncs.
  int setup_ok = 0;
  int setup_slow = 0;  // still running at setup_limit_s
  double setup_wall_s = 0;
  std::vector<double> setup_s;  // per device
  // Rounds.
  double wall_s = 0;
  bool timed_out = false;
  size_t syncs_done = 0;
  std::vector<double> sync_ms;  // whole syncs, edit made to last answer stored
  std::vector<double> push_ms;  // round trips carrying a push
  std::vector<double> pull_ms;  // pull-only round trips
  // Both.
  size_t rows_pushed = 0, rows_acked = 0, rows_refused = 0, rows_received = 0;
  size_t busy_retries = 0, reconnects = 0, verify_asked = 0;
  // Check: acknowledged column values a new device of the rep got, and those it did not.
  size_t columns_checked = 0, columns_lost = 0;
};

class LightFleet {
 public:
  // reps: (rep id, device token) of each device.
  LightFleet(FleetOptions options, const std::vector<std::pair<std::string, std::string>>& reps);
  ~LightFleet();
  LightFleet(const LightFleet&) = delete;
  LightFleet& operator=(const LightFleet&) = delete;

  void Setup(ErrorLog& errors);   // every device's first sync (push its customers, pull to the end)
  void Rounds(ErrorLog& errors);  // then `rounds` edit + sync rounds each, at the pace
  // Then a new device of each rep syncs from nothing: every column value the server acknowledged
  // to the rep's device must be in its snapshot (acknowledged writes are kept, on every instance).
  void Check(ErrorLog& errors);
  const FleetFigures& figures() const;
  int ready() const;  // devices that finished their first sync

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Phase 3 of fieldbook-loadgen with light devices: setup, then the rounds against `servers` (one
// or more instances of one hub), printing what the devices saw, what each server's /metrics and
// /proc say it spent (CPU per sync), the load generator's own CPU, and /healthz polled on the
// first instance all through the rounds; the verdicts go into `v` (issue #15's targets).
// database_pid: PostgreSQL's postmaster, whose processes' CPU is reported too (0: none).
void PhaseLightFleet(const FleetOptions& options,
                     const std::vector<std::pair<std::string, std::string>>& reps,
                     const std::vector<const Server*>& servers, pid_t database_pid, Verdicts& v);

}  // namespace fieldbook::loadgen

#endif  // FIELDBOOK_TESTS_PERF_LIGHT_FLEET_H_
