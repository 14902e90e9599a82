// AssignmentStore: assignment on the server — the versions of the assignment rules, the reps'
// profiles, and `assign`: the plan (assignment_engine.h) computed on the live data, and applying
// it as ordinary reassignments (ServerStore::ReassignCustomer, so the sync flow carries each move
// to the devices), logged with its rule and reason. Together with ServerStore it forms the
// server's repository layer; all assignment SQL lives here.
//
// Rules are versioned like the grading rules: every version is kept, the highest is in force,
// none stored means the built-in defaults (version 0). They do not replicate: devices learn the
// pool policy from GET /v1/pool.
//
// Thread safety: not thread-safe; use under the same lock as the ServerStore it wraps.
#ifndef FIELDBOOK_SERVER_ASSIGNMENT_STORE_H_
#define FIELDBOOK_SERVER_ASSIGNMENT_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/assignment_engine.h"
#include "domain/assignment_rules.h"
#include "fieldbook/hlc.h"
#include "store/server_store.h"

namespace fieldbook::server {

// A change to a rep's profile: only the fields set change.
struct ProfileUpdate {
  std::optional<std::vector<std::string>> regions;  // empty list: any region
  std::optional<Skill> skill;
  std::optional<std::optional<int>> capacity;  // set: change it; inner nullopt: no limit
  std::optional<std::optional<int>> capacity_a;
  std::optional<bool> closer;
};

// A rep's profile with what they hold now.
struct RepLoad {
  RepProfile profile;
  std::string role;
  int64_t customers = 0;
  int64_t tier_a = 0;  // customers of the rules' tier-A tiers
};

class AssignmentStore {
 public:
  AssignmentStore(ServerStore& store, WallClock& wall) : store_(store), wall_(wall) {}

  // The rules in force (version 0: the built-in defaults).
  Result<AssignmentRules> CurrentRules();
  // Validates (tier names against the grading tiers), stores a new version. Returns it.
  Result<int> SetRules(const std::string& json, const std::string& actor);
  // The same for a body already parsed as JSON.
  Result<int> SetParsedRules(const boost::json::value& json, const std::string& actor);
  // The grading tiers from most to least valuable: the VIP tier, then the tiers in order.
  Result<std::vector<std::string>> TierOrder();

  // Every rep and manager, with the defaults for those without a stored profile, by id.
  Result<std::vector<RepProfile>> Profiles();
  Result<RepProfile> ProfileOf(const std::string& rep_id);  // kNotFound for no such rep
  // kInvalidArgument naming the field for a bad value; kNotFound for no such rep.
  Status SetProfile(const std::string& rep_id, const ProfileUpdate& update,
                    const std::string& actor);
  Result<std::vector<RepLoad>> Loads();
  // What `rep_id` holds now: the live customers of its scope, and how many of them are of the
  // rules' tier-A tiers. A deleted customer stays in its holder's scope (its tombstone goes to
  // the rep's devices) but is held no more: no load, cap or count includes it.
  struct Holding {
    int64_t customers = 0;
    int64_t tier_a = 0;
  };
  Result<Holding> HoldingOf(const std::string& rep_id, const AssignmentRules& rules);

  // Live customers outside the pool, with who holds them and since when, by id.
  Result<std::vector<HeldCustomer>> HeldCustomers();
  // The moves `assign` would make now; `territory` non-empty limits them to its customers.
  Result<AssignmentPlan> Plan(const std::string& territory);
  // Computes the plan and applies every move in one transaction; returns what was applied.
  Result<AssignmentPlan> Apply(const std::string& territory, const std::string& actor);

 private:
  Result<int> StoreRules(AssignmentRules parsed, const std::string& actor);
  ServerStore& store_;
  WallClock& wall_;
};

// "GD-GZ, GD-FS" -> {"GD-GZ", "GD-FS"} (spaces trimmed, empties dropped).
std::vector<std::string> SplitRegions(const std::string& text);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_ASSIGNMENT_STORE_H_
