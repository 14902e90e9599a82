// Visits as two moments end to end (issue #18): the real fieldbook-cli checks in at a garage on
// one device of a rep, the check-in survives the process (every command is a new process), syncs
// through the real fieldbook-server to the rep's second device, which corrects the location and
// checks out; the visit arrives back with its distance and verdict, and unknown locations stay
// NULL on the server too.
#include <gtest/gtest.h>

#include <string>

#include "fieldbook/dates.h"
#include "integration/server_fixture.h"

namespace fieldbook::testing {
namespace {

class VisitIntegrationTest : public CliFixture {};

TEST_F(VisitIntegrationTest, CheckInOnTheScooterCheckOutOnTheTablet) {
  ASSERT_NO_FATAL_FAILURE(InitDb());
  const std::string phone = AddRep("rep-a", "Rep A");
  CommandResult issued =
      RunServerCommand({"rep", "token", "rep-a", "--device", "tablet", "--json", "--db", db_});
  ASSERT_EQ(issued.exit_code, 0) << issued.err;
  const std::string tablet = JsonStr(ParseJson(issued.out), "token");
  ASSERT_NO_FATAL_FAILURE(StartServer());
  Init("phone", phone);
  Init("tablet", tablet);
  const std::string garage = JsonStr(OkJson("phone", {"customer", "add", "--name", "鑫达汽修",
                                                      "--lat", "23.1291", "--lon", "113.2644"}),
                                     "id");
  const std::string blind =
      JsonStr(OkJson("phone", {"customer", "add", "--name", "顺通汽配"}), "id");
  ASSERT_FALSE(garage.empty());

  // Check in 2 km north: unverified by the default 300 m radius.
  const boost::json::value in =
      OkJson("phone", {"visit", "checkin", garage, "--lat", "23.1471", "--lon", "113.2644"});
  EXPECT_EQ(JsonStr(in, "location_check"), "unverified");
  EXPECT_NEAR(in.at("distance_m").as_double(), 2001.5, 1.0);
  const std::string shown = Ok("phone", {"visit", "current"});
  EXPECT_NE(shown.find("checked in at 鑫达汽修"), std::string::npos) << shown;
  EXPECT_NE(shown.find("2002 m from the garage: unverified"), std::string::npos) << shown;
  // One at a time.
  CommandResult twice = Cli("phone", {"visit", "checkin", blind});
  EXPECT_EQ(twice.exit_code, 1);
  EXPECT_NE(twice.err.find("check out first"), std::string::npos) << twice.err;
  // Bad input is refused and changes nothing.
  EXPECT_EQ(Cli("phone", {"visit", "locate", "--lat", "95", "--lon", "0"}).exit_code, 2);
  EXPECT_EQ(Cli("phone", {"visit", "radius", "0"}).exit_code, 2);

  Ok("phone", {"sync"});
  Ok("tablet", {"sync"});
  const boost::json::value seen = OkJson("tablet", {"visit", "current"});
  ASSERT_EQ(seen.as_array().size(), 1u);
  EXPECT_EQ(JsonStr(seen.as_array()[0], "id"), JsonStr(in, "id"));

  // The tablet corrects the location to the garage's door and checks out.
  const boost::json::value located =
      OkJson("tablet", {"visit", "locate", "--lat", "23.1292", "--lon", "113.2644"});
  EXPECT_EQ(JsonStr(located, "location_check"), "verified");
  const std::string visit =
      JsonStr(OkJson("tablet", {"visit", "checkout", "--purpose", "routine", "--outcome", "ordered",
                                "--notes", "换了刹车片", "--next-follow-up", "2099-01-01"}),
              "id");
  ASSERT_FALSE(visit.empty());
  EXPECT_EQ(OkJson("tablet", {"visit", "current"}).as_array().size(), 0u);
  Ok("tablet", {"sync"});
  Ok("phone", {"sync"});
  EXPECT_EQ(OkJson("phone", {"visit", "current"}).as_array().size(), 0u);

  // The server holds the visit with its check.
  CommandResult records =
      RunServerCommand({"records", "visits", "--customer", garage, "--json", "--db", db_});
  ASSERT_EQ(records.exit_code, 0) << records.err;
  EXPECT_NE(records.out.find("\"location_check\":\"verified\""), std::string::npos) << records.out;
  EXPECT_NE(records.out.find("换了刹车片"), std::string::npos) << records.out;

  // A garage with no stored location and a visit with none: NULL everywhere, never 0,0.
  Ok("phone", {"visit", "radius", "500"});
  EXPECT_EQ(JsonInt(OkJson("phone", {"visit", "radius"}), "radius_m"), 500);
  Ok("phone", {"visit", "checkin", blind});
  Ok("phone", {"visit", "checkout"});
  Ok("phone", {"sync"});
  CommandResult none =
      RunServerCommand({"records", "visits", "--customer", blind, "--json", "--db", db_});
  ASSERT_EQ(none.exit_code, 0) << none.err;
  EXPECT_NE(none.out.find("\"lat\":null"), std::string::npos) << none.out;
  EXPECT_EQ(none.out.find("\"lat\":0"), std::string::npos) << none.out;
  EXPECT_NE(none.out.find("\"location_check\":null"), std::string::npos) << none.out;
}

TEST_F(VisitIntegrationTest, CareInThePlanAndTheListFilteredByPreference) {
  ASSERT_NO_FATAL_FAILURE(InitDb());
  const std::string token = AddRep("rep-a", "Rep A");
  ASSERT_NO_FATAL_FAILURE(StartServer());
  Init("dev", token);
  const std::string today = LocalToday();
  const std::string in_two_days = AddDays(today, 2);
  // Born in 1980 on the day after tomorrow (a 29 February birthday would fall on the 28th).
  const std::string born = "1980" + in_two_days.substr(4);
  const std::string garage =
      JsonStr(OkJson("dev", {"customer", "add", "--name", "鑫达汽修", "--birthday",
                             born == "1980-02-29" ? "1980-02-28" : born}),
              "id");
  const std::string other = JsonStr(OkJson("dev", {"customer", "add", "--name", "顺通汽配"}), "id");
  Ok("dev", {"customer", "pref", "add", garage, "--kind", "payment_terms", "--value", "月结"});
  Ok("dev", {"customer", "pref", "add", other, "--kind", "payment_terms", "--value", "现结"});

  const std::string plan = Ok("dev", {"plan"});
  EXPECT_NE(plan.find("Care (" + today + " and the next 7 days):"), std::string::npos) << plan;
  EXPECT_NE(plan.find("birthday of 鑫达汽修 on " + in_two_days + ", in 2 days"), std::string::npos)
      << plan;
  EXPECT_NE(plan.find("care task " + garage), std::string::npos) << plan;
  const boost::json::value task = OkJson("dev", {"care", "task", garage});
  const boost::json::value after = OkJson("dev", {"plan"});
  const boost::json::array& care = JsonArr(after, "care");
  ASSERT_EQ(care.size(), 1u);
  EXPECT_EQ(JsonStr(care[0], "kind"), "care_task");
  EXPECT_EQ(JsonStr(care[0], "task_id"), JsonStr(task, "id"));
  Ok("dev", {"care", "days", "0"});
  EXPECT_EQ(JsonArr(OkJson("dev", {"plan"}), "care").size(), 0u);
  EXPECT_EQ(Cli("dev", {"care", "days", "999"}).exit_code, 2);

  // customer list --pref KIND=VALUE.
  const boost::json::value listed =
      OkJson("dev", {"customer", "list", "--pref", "payment_terms=月结"});
  ASSERT_EQ(listed.as_array().size(), 1u);
  EXPECT_EQ(JsonStr(listed.as_array()[0], "id"), garage);
  EXPECT_EQ(Cli("dev", {"customer", "list", "--pref", "月结"}).exit_code, 2);
  CommandResult bad_kind = Cli("dev", {"customer", "list", "--pref", "colour=red"});
  EXPECT_EQ(bad_kind.exit_code, 2);
  EXPECT_NE(bad_kind.err.find("preference kind must be one of"), std::string::npos) << bad_kind.err;
  Ok("dev", {"sync"});
}

}  // namespace
}  // namespace fieldbook::testing
