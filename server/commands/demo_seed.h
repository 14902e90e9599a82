// SeedDemo: a realistic, deterministic demo data set for an auto-parts distributor in Guangdong:
// territories, reps (with one manager), garages with Chinese and Latin names, and two years of
// visits, orders with lines, tasks and feedback. The same options give the same data; dates are
// relative to `today` so that the demo always has recent and overdue work.
//
// Thread safety: uses the store it is given (not thread-safe).
#ifndef FIELDBOOK_SERVER_DEMO_SEED_H_
#define FIELDBOOK_SERVER_DEMO_SEED_H_

#include <boost/describe/class.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "store/server_store.h"

namespace fieldbook::server {

struct DemoSeedOptions {
  int customers = 2000;
  uint64_t seed = 20261123;
  std::string today;  // YYYY-MM-DD; empty = the wall clock's date (UTC)
};

struct DemoRep {
  std::string id;
  std::string name;
  std::string role;
  std::string token;  // shown once
  int customers = 0;
};
BOOST_DESCRIBE_STRUCT(DemoRep, (), (id, name, role, token, customers))

struct DemoSeedReport {
  std::vector<DemoRep> reps;
  std::vector<std::string> territories;
  int customers = 0, contacts = 0, visits = 0, orders = 0, order_lines = 0, tasks = 0, feedback = 0;
};

Result<DemoSeedReport> SeedDemo(ServerStore& store, WallClock& wall,
                                const DemoSeedOptions& options);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_DEMO_SEED_H_
