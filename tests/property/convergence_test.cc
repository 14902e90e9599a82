// Property: replicas and a hub doing random work over a network that drops, duplicates and
// reorders change sets always converge, and no accepted edit is lost.
//
// Environment knobs (the suite's defaults run a few thousand operations):
//   FIELDBOOK_PROPERTY_SEED=N    replay exactly one seed (printed by a failure)
//   FIELDBOOK_PROPERTY_RUNS=N    number of seeds (soak: 200)
//   FIELDBOOK_PROPERTY_STEPS=N   random actions per seed (soak: 5000)
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <string>

#include "property/sync_simulation.h"

namespace fieldbook::testing {
namespace {

int EnvInt(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::atoi(v) : fallback;
}

void RunSeed(uint64_t seed, SimulationConfig config) {
  SCOPED_TRACE("replay with FIELDBOOK_PROPERTY_SEED=" + std::to_string(seed));
  SyncSimulation sim(seed, config);
  Status run = sim.Run();
  ASSERT_TRUE(run.ok()) << "seed " << seed << ": " << run.ToString();
  Status check = sim.Check();
  ASSERT_TRUE(check.ok()) << "seed " << seed << ": " << check.ToString();
  EXPECT_GT(sim.stats().edits_checked, 0);
  std::cout << "seed " << seed << ": " << sim.stats().ToString() << "\n";
}

TEST(Convergence, RandomWorkOverAFaultyNetworkConvergesWithoutLosingEdits) {
  SimulationConfig config;
  config.steps = EnvInt("FIELDBOOK_PROPERTY_STEPS", 800);
  if (const int only = EnvInt("FIELDBOOK_PROPERTY_SEED", 0); only != 0) {
    RunSeed(static_cast<uint64_t>(only), config);
    return;
  }
  const int runs = EnvInt("FIELDBOOK_PROPERTY_RUNS", 8);
  for (int seed = 1; seed <= runs && !HasFatalFailure(); ++seed) {
    RunSeed(static_cast<uint64_t>(seed), config);
  }
}

TEST(Convergence, HeavyLossAndDuplicationStillConverge) {
  SimulationConfig config;
  config.steps = EnvInt("FIELDBOOK_PROPERTY_STEPS", 800);
  config.drop_rate = 0.5;
  config.duplicate_rate = 0.4;
  for (int seed = 101; seed <= 103 && !HasFatalFailure(); ++seed) {
    RunSeed(static_cast<uint64_t>(seed), config);
  }
}

}  // namespace
}  // namespace fieldbook::testing
