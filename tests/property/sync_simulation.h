// SyncSimulation: a hub and several replicas doing random work and exchanging change sets over a
// simulated network that drops, duplicates and reorders messages. After a run the network is
// healed, everyone syncs until quiet, and Check() verifies convergence and that no accepted edit
// is missing. Everything is derived from one seed, so a failure replays exactly.
#ifndef FIELDBOOK_TESTS_PROPERTY_SYNC_SIMULATION_H_
#define FIELDBOOK_TESTS_PROPERTY_SYNC_SIMULATION_H_

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "fieldbook/hub.h"
#include "fieldbook/replica.h"
#include "support/fake_clock.h"

namespace fieldbook::testing {

struct SimulationConfig {
  int replicas = 5;
  int steps = 600;          // random actions, about half of them local writes
  double drop_rate = 0.15;  // a message is lost
  double duplicate_rate = 0.1;
  int max_clock_skew_ms = 3000;
};

struct SimulationStats {
  int local_writes = 0;
  int pushes_sent = 0;
  int pushes_applied = 0;
  int pages_applied = 0;
  int dropped = 0;
  int duplicated = 0;
  int edits_checked = 0;
  std::string ToString() const;
};

class SyncSimulation {
 public:
  SyncSimulation(uint64_t seed, SimulationConfig config);
  ~SyncSimulation();

  // Random work over a faulty network, then heal and sync until quiet.
  Status Run();
  // Every replica's canonical export equals the hub's; every accepted edit is either the final
  // value or superseded by a greater version; every recorded fact is at the hub unchanged; and the
  // pushes, applied to fresh hubs in two other random orders with duplicates, give the same state.
  Status Check();
  const SimulationStats& stats() const { return stats_; }

 private:
  struct Node;
  struct Message;
  struct Edit;

  Status LocalWrite(Node& node);
  Status SendPush(Node& node);
  Status RequestPull(Node& node);
  Status HubReceive();
  Status NodeReceive(Node& node);
  Status Quiesce();
  void Deliver(std::vector<Message>& queue, Message message);
  bool Chance(double p);
  size_t Pick(size_t n);

  uint64_t seed_;
  SimulationConfig config_;
  std::mt19937_64 rng_;
  FakeWallClock hub_wall_;
  std::unique_ptr<Hub> hub_;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::vector<Message> hub_inbox_;
  std::vector<std::string> all_pushes_;  // every push body ever sent, for the permutation check
  std::vector<Edit> edits_;
  SimulationStats stats_;
};

}  // namespace fieldbook::testing

#endif  // FIELDBOOK_TESTS_PROPERTY_SYNC_SIMULATION_H_
