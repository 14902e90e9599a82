// Visits: a visit as two moments (issue #18). The rep checks in on arrival (`CheckIn`: a row of
// visit_checkins, schema/sql/domain/0023_visit_checkins.sql) and checks out later (`CheckOut`:
// the visit is recorded as a fact through Facts::LogVisit, with purpose, outcome, notes and the
// next follow-up, and the check-in row points at it). The visit in progress is an ordinary
// replicated row: it survives a restart of the app or the CLI and reaches the rep's other devices,
// where it can be checked out too.
//
// Location: unknown is stored as unknown (NULL, never 0,0). The rep may enter or correct it while
// the visit is in progress (`Locate`) and at check-out. When the garage's stored location and the
// visit's are both known, the distance between them (haversine, `DistanceMeters`) is judged
// against the device's radius (`RadiusMeters`, the setting `visit_radius_m`, 300 m unless
// changed): within it the check-in is verified, beyond it unverified (`JudgeLocation`). A visit
// fact stores the judgement made when it was recorded (visits.distance_m, visits.location_check).
//
// Thread safety: not thread-safe; use it on the thread that owns the ClientStore (its Replica).
#ifndef FIELDBOOK_CLIENT_STORE_VISITS_H_
#define FIELDBOOK_CLIENT_STORE_VISITS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fieldbook/hlc.h"
#include "fieldbook/status.h"

namespace fieldbook {
class Db;
class Replica;
}  // namespace fieldbook

namespace fieldbook::client {

class Facts;
class SettingsTable;

// The great-circle distance in metres between two points given in degrees (haversine, on a sphere
// of the Earth's mean radius, 6,371,008.8 m).
double DistanceMeters(double lat1, double lon1, double lat2, double lon2);

// The check of a visit's location against the garage's.
struct LocationCheck {
  std::optional<double> distance_m;  // nullopt: one of the two locations is unknown
  std::string verdict;               // "verified", "unverified" or "" (unknown)
};
LocationCheck JudgeLocation(std::optional<double> garage_lat, std::optional<double> garage_lon,
                            std::optional<double> visit_lat, std::optional<double> visit_lon,
                            int64_t radius_m);

// kInvalidArgument unless both coordinates are given (in range) or neither.
Status CheckCoordinates(const std::optional<double>& lat, const std::optional<double>& lon);

// The radius within which a check-in counts as verified (the setting visit_radius_m).
inline constexpr int64_t kDefaultVisitRadiusM = 300;
Result<int64_t> VisitRadiusMeters(SettingsTable& settings);
// A visit's location judged against its customer's stored location by the device's radius.
Result<LocationCheck> JudgeVisitLocation(Db& db, SettingsTable& settings,
                                         const std::string& customer_id, std::optional<double> lat,
                                         std::optional<double> lon);

// A visit in progress (checked in, not yet checked out).
struct OpenVisit {
  std::string id;  // the check-in's id
  std::string customer_id;
  std::string customer_name;
  std::string rep_id;
  std::string check_in;  // ISO-8601 UTC
  std::optional<double> lat, lon;
  LocationCheck location;  // by the device's radius now
};

struct CheckInRequest {
  std::string customer;  // id or unique id prefix
  std::string check_in;  // ISO-8601; "" = now
  std::optional<double> lat, lon;
};

struct CheckOutRequest {
  std::string visit;      // the check-in's id or unique prefix; "" = the one visit in progress
  std::string check_out;  // ISO-8601; "" = now
  std::optional<double> lat, lon;  // the location entered or corrected at check-out
  std::string purpose;
  std::string outcome;
  std::string notes;
  std::string next_follow_up;  // YYYY-MM-DD or ""
};

class Visits {
 public:
  Visits(Replica& replica, WallClock& wall, SettingsTable& settings, Facts& facts)
      : replica_(replica), wall_(wall), settings_(settings), facts_(facts) {}

  // Checks in at a customer. Refused while this rep has a visit in progress (check out first).
  Result<OpenVisit> CheckIn(const CheckInRequest& request);
  // This rep's visits in progress, oldest first (normally one; two devices of the rep may each
  // have checked in while offline).
  Result<std::vector<OpenVisit>> InProgress();
  // Enters or corrects the location of a visit in progress ("" = the one in progress).
  Result<OpenVisit> Locate(const std::string& visit, double lat, double lon);
  // Checks out: records the visit (Facts::LogVisit) and closes the check-in, in one transaction.
  // Returns the visit's id.
  Result<std::string> CheckOut(const CheckOutRequest& request);

  // The radius of a verified check-in, and changing it (1 m to 100 km).
  Result<int64_t> RadiusMeters() { return VisitRadiusMeters(settings_); }
  Status SetRadiusMeters(int64_t meters);

 private:
  Result<OpenVisit> Find(const std::string& visit);

  Replica& replica_;
  WallClock& wall_;
  SettingsTable& settings_;
  Facts& facts_;
};

}  // namespace fieldbook::client

#endif  // FIELDBOOK_CLIENT_STORE_VISITS_H_
