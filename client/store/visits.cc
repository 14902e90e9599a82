// Visits (visits.h): check-in, check-out and the location check. visit_checkins is in
// schema/sql/domain/0023_visit_checkins.sql; the visit itself is recorded by Facts::LogVisit.
#include "store/visits.h"
#include "lang/store_errors.h"

#include <cmath>

#include "fieldbook/dates.h"
#include "fieldbook/replica.h"
#include "fieldbook/sqlite_db.h"
#include "store/facts.h"
#include "store/rows.h"
#include "store/settings.h"

namespace fieldbook::client {

namespace {

using internal::BindReal;
using internal::ForEachRow;
using internal::ParseInt;
using internal::ResolveCustomerId;
using internal::RunWrite;
using internal::Stmt;
using internal::TimeOrNow;

constexpr const char* kRadiusKey = "visit_radius_m";
constexpr int64_t kMaxRadiusM = 100000;

}  // namespace

double DistanceMeters(double lat1, double lon1, double lat2, double lon2) {
  constexpr double kEarthRadiusM = 6371008.8;
  constexpr double kRad = M_PI / 180.0;
  const double dlat = (lat2 - lat1) * kRad;
  const double dlon = (lon2 - lon1) * kRad;
  const double a =
      std::sin(dlat / 2) * std::sin(dlat / 2) +
      std::cos(lat1 * kRad) * std::cos(lat2 * kRad) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kEarthRadiusM * std::asin(std::min(1.0, std::sqrt(a)));
}

LocationCheck JudgeLocation(std::optional<double> garage_lat, std::optional<double> garage_lon,
                            std::optional<double> visit_lat, std::optional<double> visit_lon,
                            int64_t radius_m) {
  LocationCheck out;
  if (!garage_lat || !garage_lon || !visit_lat || !visit_lon) return out;
  out.distance_m = DistanceMeters(*garage_lat, *garage_lon, *visit_lat, *visit_lon);
  out.verdict = *out.distance_m <= static_cast<double>(radius_m) ? "verified" : "unverified";
  return out;
}

Status CheckCoordinates(const std::optional<double>& lat, const std::optional<double>& lon) {
  if (lat.has_value() != lon.has_value()) {
    return Invalid("err_lat_lon_pair");
  }
  if (lat && !(*lat >= -90 && *lat <= 90)) {
    return Invalid("err_latitude_range");
  }
  if (lon && !(*lon >= -180 && *lon <= 180)) {
    return Invalid("err_longitude_range");
  }
  return Status::Ok();
}

Result<int64_t> VisitRadiusMeters(SettingsTable& settings) {
  FB_ASSIGN_OR_RETURN(std::string text, settings.Get(kRadiusKey));
  int64_t meters = 0;
  if (text.empty() || !ParseInt(text, &meters) || meters < 1 || meters > kMaxRadiusM) {
    return kDefaultVisitRadiusM;
  }
  return meters;
}

Result<LocationCheck> JudgeVisitLocation(Db& db, SettingsTable& settings,
                                         const std::string& customer_id, std::optional<double> lat,
                                         std::optional<double> lon) {
  if (!lat || !lon) return LocationCheck{};
  FB_ASSIGN_OR_RETURN(int64_t radius, VisitRadiusMeters(settings));
  FB_ASSIGN_OR_RETURN(Statement * raw, db.Prepare("SELECT lat, lon FROM customers WHERE id = ?"));
  Stmt s(raw);
  s->Bind(1, customer_id);
  FB_ASSIGN_OR_RETURN(bool found, s->Step());
  if (!found) return LocationCheck{};
  return JudgeLocation(s->RealOrNull(0), s->RealOrNull(1), lat, lon, radius);
}

Status Visits::SetRadiusMeters(int64_t meters) {
  if (meters < 1 || meters > kMaxRadiusM) {
    return Invalid("err_radius", {{"max", std::to_string(kMaxRadiusM)}});
  }
  return settings_.Put(kRadiusKey, std::to_string(meters));
}

Result<OpenVisit> Visits::CheckIn(const CheckInRequest& r) {
  FB_ASSIGN_OR_RETURN(std::string rep, settings_.RequireRep());
  FB_ASSIGN_OR_RETURN(std::string customer_id, ResolveCustomerId(replica_.db(), r.customer));
  FB_ASSIGN_OR_RETURN(std::string check_in, TimeOrNow(wall_, r.check_in, "the check-in"));
  FB_RETURN_IF_ERROR(CheckCoordinates(r.lat, r.lon));
  FB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(replica_.db()));
  FB_ASSIGN_OR_RETURN(std::vector<OpenVisit> open, InProgress());
  if (!open.empty()) {
    return StoreError(StatusCode::kConflict, "err_checked_in_elsewhere",
                      {{"name", open.front().customer_name},
                       {"since", open.front().check_in},
                       {"id", open.front().id}});
  }
  const std::string id = replica_.ids().Next();
  FB_ASSIGN_OR_RETURN(Statement * raw,
                      replica_.db().Prepare("INSERT INTO visit_checkins (id, customer_id, rep_id, "
                                            "check_in, lat, lon) VALUES (?, ?, ?, ?, ?, ?)"));
  {
    Stmt s(raw);
    s->Bind(1, id).Bind(2, customer_id).Bind(3, rep).Bind(4, check_in);
    BindReal(*s, 5, r.lat);
    BindReal(*s, 6, r.lon);
    FB_RETURN_IF_ERROR(s->Run());
  }
  FB_RETURN_IF_ERROR(txn->Commit());
  return Find(id);
}

Result<std::vector<OpenVisit>> Visits::InProgress() {
  FB_ASSIGN_OR_RETURN(std::string rep, settings_.RequireRep());
  FB_ASSIGN_OR_RETURN(int64_t radius, VisitRadiusMeters(settings_));
  std::vector<OpenVisit> out;
  FB_RETURN_IF_ERROR(ForEachRow(
      replica_.db(),
      "SELECT k.id, k.customer_id, c.name, k.rep_id, k.check_in, k.lat, k.lon, c.lat, c.lon FROM "
      "visit_checkins k JOIN customers c ON c.id = k.customer_id WHERE k.deleted = 0 AND "
      "k.visit_id IS NULL AND c.deleted = 0 AND k.rep_id = ? ORDER BY k.check_in, k.id",
      {rep}, [&](Statement& s) {
        OpenVisit v;
        ReadTextColumns(s, 0, {&v.id, &v.customer_id, &v.customer_name, &v.rep_id, &v.check_in});
        v.lat = s.RealOrNull(5);
        v.lon = s.RealOrNull(6);
        v.location = JudgeLocation(s.RealOrNull(7), s.RealOrNull(8), v.lat, v.lon, radius);
        out.push_back(std::move(v));
      }));
  return out;
}

Result<OpenVisit> Visits::Find(const std::string& visit) {
  FB_ASSIGN_OR_RETURN(std::vector<OpenVisit> open, InProgress());
  if (visit.empty()) {
    if (open.empty()) return StoreError(StatusCode::kNotFound, "err_no_visit_in_progress");
    if (open.size() > 1) {
      std::string ids;
      for (const OpenVisit& v : open)
        ids += (ids.empty() ? "" : ", ") + v.id + " " + v.customer_name;
      return Invalid("err_visits_in_progress", {{"n", std::to_string(open.size())}, {"ids", ids}});
    }
    return open.front();
  }
  const OpenVisit* match = nullptr;
  for (const OpenVisit& v : open) {
    if (v.id == visit) return v;
    if (visit.size() >= 6 && v.id.compare(0, visit.size(), visit) == 0) {
      if (match != nullptr) return Invalid("err_visit_ambiguous", {{"ref", visit}});
      match = &v;
    }
  }
  if (match == nullptr) {
    return StoreError(StatusCode::kNotFound, "err_no_visit_in_progress_ref", {{"ref", visit}});
  }
  return *match;
}

Result<OpenVisit> Visits::Locate(const std::string& visit, double lat, double lon) {
  FB_RETURN_IF_ERROR(CheckCoordinates(lat, lon));
  FB_ASSIGN_OR_RETURN(OpenVisit open, Find(visit));
  FB_RETURN_IF_ERROR(RunWrite(replica_.db(),
                              "UPDATE visit_checkins SET lat = ?, lon = ? WHERE id = ?",
                              {Value(lat), Value(lon), Value(open.id)}));
  return Find(open.id);
}

Result<std::string> Visits::CheckOut(const CheckOutRequest& r) {
  FB_RETURN_IF_ERROR(CheckCoordinates(r.lat, r.lon));
  FB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(replica_.db()));
  FB_ASSIGN_OR_RETURN(OpenVisit open, Find(r.visit));
  NewVisit v;
  v.customer_id = open.customer_id;
  v.check_in = open.check_in;
  FB_ASSIGN_OR_RETURN(v.check_out, TimeOrNow(wall_, r.check_out, "the check-out"));
  v.lat = r.lat ? r.lat : open.lat;
  v.lon = r.lon ? r.lon : open.lon;
  v.purpose = r.purpose;
  v.outcome = r.outcome;
  v.notes = r.notes;
  v.next_follow_up = r.next_follow_up;
  FB_ASSIGN_OR_RETURN(std::string id, facts_.LogVisit(v));
  if (r.lat) {
    FB_RETURN_IF_ERROR(RunWrite(
        replica_.db(), "UPDATE visit_checkins SET lat = ?, lon = ?, visit_id = ? WHERE id = ?",
        {Value(*r.lat), Value(*r.lon), Value(id), Value(open.id)}));
  } else {
    FB_RETURN_IF_ERROR(RunWrite(replica_.db(),
                                "UPDATE visit_checkins SET visit_id = ? WHERE id = ?",
                                {Value(id), Value(open.id)}));
  }
  FB_RETURN_IF_ERROR(txn->Commit());
  return id;
}

}  // namespace fieldbook::client
