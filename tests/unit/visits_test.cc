// Visits as two moments (client/store/visits.h, issue #18): the haversine distance, the
// verified/unverified rule within the device's radius, check-in surviving a restart of the store,
// check-out recording the visit with its location check, unknown locations stored as NULL (never
// 0,0), and the visit in progress reaching the rep's other device, where each column merges on its
// own.
#include "store/visits.h"

#include <gtest/gtest.h>

#include <cmath>

#include "lang/store_errors.h"
#include "support/client_store_fixture.h"

namespace fieldbook::testing {
namespace {

using client::CheckInRequest;
using client::CheckOutRequest;
using client::DistanceMeters;
using client::JudgeLocation;
using client::LocationCheck;
using client::OpenVisit;

// The garage: 鑫达汽修 in Guangzhou's Tianhe district.
constexpr double kGarageLat = 23.1291;
constexpr double kGarageLon = 113.2644;
// One degree of a great circle on the Earth's mean radius.
constexpr double kDegreeM = 6371008.8 * M_PI / 180.0;

TEST(VisitDistanceTest, HaversineOnTheMeanRadius) {
  EXPECT_DOUBLE_EQ(DistanceMeters(kGarageLat, kGarageLon, kGarageLat, kGarageLon), 0.0);
  // Along a meridian and along the equator a degree is R * pi / 180 (111,195 m).
  EXPECT_NEAR(DistanceMeters(10, 20, 11, 20), kDegreeM, 1e-6);
  EXPECT_NEAR(DistanceMeters(0, 100, 0, 101), kDegreeM, 1e-6);
  // Away from the equator a degree of longitude shrinks by cos(latitude): at 60 degrees, by half
  // (55,597.5 m along the parallel); the great circle is a little shorter: 2R asin(cos 60 sin 0.5)
  // = 55,597.0 m.
  const double parallel = std::cos(60 * M_PI / 180) * kDegreeM;
  const double at60 = DistanceMeters(60, 10, 60, 11);
  EXPECT_NEAR(at60, 2 * 6371008.8 * std::asin(0.5 * std::sin(0.5 * M_PI / 180)), 1e-6);
  EXPECT_LT(at60, parallel);
  EXPECT_GT(at60, parallel - 1);
  // Across the antimeridian, and to the antipode (half the circumference).
  EXPECT_NEAR(DistanceMeters(0, 179.5, 0, -179.5), kDegreeM, 1e-6);
  EXPECT_NEAR(DistanceMeters(0, 0, 0, 180), 180 * kDegreeM, 1e-3);
  EXPECT_NEAR(DistanceMeters(90, 0, -90, 0), 180 * kDegreeM, 1e-3);
  // Symmetric; Beijing (天安门) to Shanghai (人民广场) is about 1,067 km.
  const double bj_sh = DistanceMeters(39.9087, 116.3975, 31.2304, 121.4737);
  EXPECT_DOUBLE_EQ(bj_sh, DistanceMeters(31.2304, 121.4737, 39.9087, 116.3975));
  EXPECT_NEAR(bj_sh, 1067000, 2000);
}

TEST(VisitDistanceTest, VerifiedWithinTheRadiusUnknownWhenEitherLocationIs) {
  // 0.0027 degrees of latitude north of the garage: 300.2 m.
  const double d300 = 0.0027 * kDegreeM;
  LocationCheck at = JudgeLocation(kGarageLat, kGarageLon, kGarageLat + 0.0027, kGarageLon, 301);
  ASSERT_TRUE(at.distance_m);
  EXPECT_NEAR(*at.distance_m, d300, 1e-6);
  EXPECT_EQ(at.verdict, "verified");
  EXPECT_EQ(JudgeLocation(kGarageLat, kGarageLon, kGarageLat + 0.0027, kGarageLon, 300).verdict,
            "unverified");
  EXPECT_EQ(JudgeLocation(kGarageLat, kGarageLon, kGarageLat, kGarageLon, 1).verdict, "verified");
  // Unknown on either side: no distance, no verdict (never a distance to 0,0).
  for (const LocationCheck& unknown :
       {JudgeLocation(std::nullopt, std::nullopt, kGarageLat, kGarageLon, 300),
        JudgeLocation(kGarageLat, kGarageLon, std::nullopt, std::nullopt, 300),
        JudgeLocation(kGarageLat, std::nullopt, kGarageLat, kGarageLon, 300)}) {
    EXPECT_FALSE(unknown.distance_m);
    EXPECT_EQ(unknown.verdict, "");
  }
}

class VisitsTest : public ClientStoreTest {
 protected:
  std::string Garage(std::optional<double> lat = kGarageLat,
                     std::optional<double> lon = kGarageLon) {
    std::vector<client::FieldValue> fields{{"name", "鑫达汽修"}};
    if (lat) fields.push_back({"lat", std::to_string(*lat)});
    if (lon) fields.push_back({"lon", std::to_string(*lon)});
    return AddCustomer(fields);
  }
  Value VisitColumn(const std::string& id, const std::string& column) {
    return QueryValue(store_->replica().db(), "SELECT " + column + " FROM visits WHERE id = ?",
                      {Value(id)});
  }
  void Reopen() {
    store_.reset();
    auto store = client::ClientStore::Open(path_, wall_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
  }
};

TEST_F(VisitsTest, ACheckInSurvivesARestartAndTheCheckOutRecordsTheVisit) {
  const std::string garage = Garage();
  wall_.Advance(9 * 3600 * 1000);  // 09:00
  // 120 m east of the garage (0.0012 degrees of longitude at 23 degrees north is ~122.8 m).
  auto in = store_->visits().CheckIn({garage, "", kGarageLat, kGarageLon + 0.0012});
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  EXPECT_EQ(in->check_in, "2026-11-23T09:00:00Z");
  EXPECT_EQ(in->customer_name, "鑫达汽修");
  ASSERT_TRUE(in->location.distance_m);
  EXPECT_NEAR(*in->location.distance_m, 122.8, 0.5);
  EXPECT_EQ(in->location.verdict, "verified");
  // Nothing is a visit yet.
  EXPECT_EQ(std::get<int64_t>(QueryValue(store_->replica().db(), "SELECT count(*) FROM visits")),
            0);

  // The app (or the CLI) closes and opens again: the visit is still in progress.
  ASSERT_NO_FATAL_FAILURE(Reopen());
  auto open = store_->visits().InProgress();
  ASSERT_TRUE(open.ok()) << open.status().ToString();
  ASSERT_EQ(open->size(), 1u);
  EXPECT_EQ(open->front().id, in->id);
  // A second check-in is refused while one is in progress.
  auto again = store_->visits().CheckIn({garage, "", std::nullopt, std::nullopt});
  EXPECT_EQ(again.status().code(), StatusCode::kConflict);
  EXPECT_NE(again.status().message().find("check out first"), std::string::npos);
  // In the rep's language, the time in the Chinese form (English until session 15).
  EXPECT_NE(client::RenderError(Lang::kChinese, again.status())
                .find("签到（自 2026年11月23日 09:00 UTC 起，拜访 " + in->id + "）：请先离店"),
            std::string::npos)
      << client::RenderError(Lang::kChinese, again.status());

  wall_.Advance(45 * 60 * 1000);  // 09:45
  CheckOutRequest out;
  out.purpose = "routine";
  out.outcome = "ordered";
  out.notes = "换了刹车片";
  out.next_follow_up = "2026-11-30";
  auto visit = store_->visits().CheckOut(out);
  ASSERT_TRUE(visit.ok()) << visit.status().ToString();
  EXPECT_EQ(VisitColumn(*visit, "check_in"), Value(std::string("2026-11-23T09:00:00Z")));
  EXPECT_EQ(VisitColumn(*visit, "check_out"), Value(std::string("2026-11-23T09:45:00Z")));
  EXPECT_EQ(VisitColumn(*visit, "notes"), Value(std::string("换了刹车片")));
  EXPECT_EQ(VisitColumn(*visit, "next_follow_up"), Value(std::string("2026-11-30")));
  EXPECT_EQ(VisitColumn(*visit, "location_check"), Value(std::string("verified")));
  EXPECT_NEAR(std::get<double>(VisitColumn(*visit, "distance_m")), 122.8, 0.5);
  EXPECT_TRUE(store_->visits().InProgress()->empty());
  EXPECT_EQ(store_->visits().CheckOut({}).status().code(), StatusCode::kNotFound);
  // It counts as the customer's visit (the plan's follow-up, the provisional grade).
  auto grade = store_->grades().ForCustomer(garage);
  ASSERT_TRUE(grade.ok());
  ASSERT_TRUE(grade->provisional);
  EXPECT_EQ(grade->provisional->local_facts, 1);
}

TEST_F(VisitsTest, AnUnknownLocationStaysUnknownUntilTheRepEntersIt) {
  const std::string garage = Garage();
  auto in = store_->visits().CheckIn({garage, "", std::nullopt, std::nullopt});
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  EXPECT_FALSE(in->lat);
  EXPECT_FALSE(in->location.distance_m);
  EXPECT_TRUE(IsNull(QueryValue(store_->replica().db(),
                                "SELECT lat FROM visit_checkins WHERE id = ?", {Value(in->id)})));
  // Entered later, 2 km away: unverified; corrected at check-out to the garage's door: verified.
  auto located = store_->visits().Locate("", kGarageLat + 0.018, kGarageLon);
  ASSERT_TRUE(located.ok()) << located.status().ToString();
  EXPECT_EQ(located->location.verdict, "unverified");
  EXPECT_NEAR(*located->location.distance_m, 2001.5, 1.0);
  EXPECT_EQ(store_->visits().Locate("", 91, 0).status().code(), StatusCode::kInvalidArgument);
  CheckOutRequest out;
  out.lat = kGarageLat + 0.0001;
  out.lon = kGarageLon;
  auto visit = store_->visits().CheckOut(out);
  ASSERT_TRUE(visit.ok()) << visit.status().ToString();
  EXPECT_EQ(VisitColumn(*visit, "location_check"), Value(std::string("verified")));

  // No location at all: the visit's lat, lon, distance and verdict are NULL, never 0,0.
  ASSERT_TRUE(store_->visits().CheckIn({garage, "", std::nullopt, std::nullopt}).ok());
  auto blind = store_->visits().CheckOut({});
  ASSERT_TRUE(blind.ok()) << blind.status().ToString();
  for (const char* column : {"lat", "lon", "distance_m", "location_check"}) {
    EXPECT_TRUE(IsNull(VisitColumn(*blind, column))) << column;
  }
  // A garage with no stored location: the visit keeps its own, with no verdict.
  const std::string nowhere = Garage(std::nullopt, std::nullopt);
  ASSERT_TRUE(store_->visits().CheckIn({nowhere, "", kGarageLat, kGarageLon}).ok());
  auto unjudged = store_->visits().CheckOut({});
  ASSERT_TRUE(unjudged.ok());
  EXPECT_EQ(VisitColumn(*unjudged, "lat"), Value(kGarageLat));
  EXPECT_TRUE(IsNull(VisitColumn(*unjudged, "location_check")));
}

TEST_F(VisitsTest, TheRadiusIsTheDevicesSetting) {
  const std::string garage = Garage();
  EXPECT_EQ(*store_->visits().RadiusMeters(), 300);
  // 500 m north.
  const double lat = kGarageLat + 500 / kDegreeM;
  auto in = store_->visits().CheckIn({garage, "", lat, kGarageLon});
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->location.verdict, "unverified");
  ASSERT_TRUE(store_->visits().SetRadiusMeters(800).ok());
  EXPECT_EQ(store_->visits().InProgress()->front().location.verdict, "verified");
  EXPECT_EQ(store_->visits().SetRadiusMeters(0).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->visits().SetRadiusMeters(100001).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(*store_->visits().RadiusMeters(), 800);
  // `visit log` (one step) is judged by the same rule.
  ASSERT_TRUE(store_->visits().CheckOut({}).ok());
  client::NewVisit v;
  v.customer_id = garage;
  v.lat = kGarageLat + 900 / kDegreeM;
  v.lon = kGarageLon;
  auto logged = store_->facts().LogVisit(v);
  ASSERT_TRUE(logged.ok());
  EXPECT_EQ(VisitColumn(*logged, "location_check"), Value(std::string("unverified")));
}

TEST_F(VisitsTest, TheVisitInProgressReachesTheRepsOtherDeviceAndMergesPerColumn) {
  auto hub = Hub::Open(dir_.File("hub.db"), wall_);
  ASSERT_TRUE(hub.ok()) << hub.status().ToString();
  auto other =
      client::ClientStore::Open(dir_.File("tablet.db"), wall_, ReplicaOptions{"", 2000, 7});
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  ASSERT_TRUE((*other)->SaveSettings({"http://127.0.0.1:9", "fbt_tablet", "rep-a", "张伟"}).ok());
  // Many garages, and many closed visits, so that the sync runs over many small pages.
  std::string garage;
  for (int i = 0; i < 300; ++i) {
    garage = AddCustomer({{"name", "汽修 " + std::to_string(i)},
                          {"lat", std::to_string(kGarageLat + i * 0.001)},
                          {"lon", std::to_string(kGarageLon)}});
    ASSERT_TRUE(store_->visits().CheckIn({garage, "", kGarageLat + i * 0.001, kGarageLon}).ok());
    ASSERT_TRUE(store_->visits().CheckOut({}).ok());
  }
  auto in = store_->visits().CheckIn({garage, "", std::nullopt, std::nullopt});
  ASSERT_TRUE(in.ok());
  ASSERT_TRUE(SyncOnce(store_->replica(), **hub, 7).ok());
  ASSERT_TRUE(SyncOnce((*other)->replica(), **hub, 7).ok());
  auto seen = (*other)->visits().InProgress();
  ASSERT_TRUE(seen.ok()) << seen.status().ToString();
  ASSERT_EQ(seen->size(), 1u);
  EXPECT_EQ(seen->front().id, in->id);
  EXPECT_EQ(std::get<int64_t>(QueryValue((*other)->replica().db(),
                                         "SELECT count(*) FROM visits WHERE location_check = "
                                         "'verified'")),
            300);

  // Offline, the tablet enters the location while the phone checks out: both columns survive.
  wall_.Advance(1000);
  ASSERT_TRUE((*other)->visits().Locate("", kGarageLat + 0.299, kGarageLon).ok());
  wall_.Advance(1000);
  auto visit = store_->visits().CheckOut({});
  ASSERT_TRUE(visit.ok());
  ASSERT_TRUE(SyncOnce((*other)->replica(), **hub, 7).ok());
  ASSERT_TRUE(SyncOnce(store_->replica(), **hub, 7).ok());
  ASSERT_TRUE(SyncOnce((*other)->replica(), **hub, 7).ok());
  for (client::ClientStore* device : {store_.get(), other->get()}) {
    Db& db = device->replica().db();
    EXPECT_TRUE(device->visits().InProgress()->empty());
    EXPECT_EQ(QueryValue(db, "SELECT visit_id FROM visit_checkins WHERE id = ?", {Value(in->id)}),
              Value(*visit));
    EXPECT_EQ(QueryValue(db, "SELECT lat FROM visit_checkins WHERE id = ?", {Value(in->id)}),
              Value(kGarageLat + 0.299));
  }
}

}  // namespace
}  // namespace fieldbook::testing
