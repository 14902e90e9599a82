// fieldbook-cli visit checkin|checkout|locate|current|radius: a visit as two moments (issue #18;
// store/visits.h). `checkin` on arrival, `checkout` later with purpose, outcome, notes and the
// next follow-up; the visit in progress is kept in the replica, so it survives a restart and
// reaches the rep's other devices. `visit log` (one step) stays in cli_main.cc. This family wires
// itself (command_family.h).
#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <cstdio>
#include <iostream>
#include <memory>

#include "cli/command_family.h"
#include "cli/device_replica.h"
#include "cli/output.h"
#include "fieldbook/dates.h"
#include "store/visits.h"

namespace fieldbook::client::cli {

namespace {

namespace json = boost::json;

// "120 m from the garage: verified", "location unknown", "the garage's location is unknown".
std::string LocationText(Lang lang, const OpenVisit& v) {
  if (!v.lat || !v.lon) return Render(lang, "cli_visit_location_unknown");
  if (!v.location.distance_m) return Render(lang, "cli_visit_garage_location_unknown");
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.0f", *v.location.distance_m);
  return Render(lang,
                v.location.verdict == "verified" ? "cli_visit_verified" : "cli_visit_unverified",
                {buf});
}

json::object OpenVisitJson(const OpenVisit& v) {
  return json::object{{"id", v.id},
                      {"customer_id", v.customer_id},
                      {"customer_name", TextOrNull(v.customer_name)},
                      {"rep_id", v.rep_id},
                      {"check_in", v.check_in},
                      {"lat", OptOrNull(v.lat)},
                      {"lon", OptOrNull(v.lon)},
                      {"distance_m", OptOrNull(v.location.distance_m)},
                      {"location_check", TextOrNull(v.location.verdict)}};
}

// `code`: cli_visit_checked_in or cli_visit_located.
int PrintOpen(const CliContext& ctx, const OpenVisit& v, const char* code) {
  const Lang lang = LangOf(ctx);
  return Answer(
      ctx, OpenVisitJson(v),
      Render(lang, code,
             {v.customer_name, UtcWhenText(lang, v.check_in), v.id, LocationText(lang, v)}));
}

int RunCheckIn(const CliContext& ctx, const CheckInRequest& r) {
  const char* what = "visit checkin";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  auto v = store->visits().CheckIn(r);
  if (!v.ok()) return Fail(ctx, what, v.status());
  return PrintOpen(ctx, *v, "cli_visit_checked_in");
}

int RunLocate(const CliContext& ctx, const std::string& visit, double lat, double lon) {
  const char* what = "visit locate";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  auto v = store->visits().Locate(visit, lat, lon);
  if (!v.ok()) return Fail(ctx, what, v.status());
  return PrintOpen(ctx, *v, "cli_visit_located");
}

int RunCurrent(const CliContext& ctx) {
  const char* what = "visit current";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  auto open = store->visits().InProgress();
  if (!open.ok()) return Fail(ctx, what, open.status());
  if (ctx.json) {
    PrintJsonList(*open, OpenVisitJson);
    return kExitOk;
  }
  if (open->empty()) std::cout << Render(LangOf(ctx), "cli_visit_none_open") << "\n";
  for (const OpenVisit& v : *open) PrintOpen(ctx, v, "cli_visit_checked_in");
  return kExitOk;
}

int RunCheckOut(const CliContext& ctx, const CheckOutRequest& r) {
  const char* what = "visit checkout";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  return AnswerAdded(ctx, what, store->visits().CheckOut(r),
                     Render(LangOf(ctx), "cli_visit_checked_out"));
}

// --lat and --lon into an optional pair (CheckCoordinates refuses one without the other).
struct LocationOptions {
  double lat = 0, lon = 0;
  CLI::Option* lat_opt = nullptr;
  CLI::Option* lon_opt = nullptr;
  void Add(CLI::App* cmd, const CliWiring& w) {
    lat_opt = cmd->add_option("--lat", lat, w.help("help_visit_lat_degrees"));
    lon_opt = cmd->add_option("--lon", lon, w.help("help_visit_lon_degrees"));
  }
  void Into(std::optional<double>& to_lat, std::optional<double>& to_lon) const {
    if (lat_opt->count() > 0) to_lat = lat;
    if (lon_opt->count() > 0) to_lon = lon;
  }
};

void AddVisitCommands(CLI::App& app, CliWiring& w) {
  (void)app;
  CLI::App* visit = w.group("visit", "help_visit");

  auto in = std::make_shared<CheckInRequest>();
  auto in_loc = std::make_shared<LocationOptions>();
  CLI::App* checkin = w.leaf(visit, "checkin", "help_visit_checkin");
  checkin->add_option("customer", in->customer, w.help("help_customer_ref"))->required();
  checkin->add_option("--at", in->check_in, w.help("help_visit_checkin_at"));
  in_loc->Add(checkin, w);
  checkin->callback([&w, in, in_loc] {
    in_loc->Into(in->lat, in->lon);
    w.action = [&w, in] { return RunCheckIn(w.ctx, *in); };
  });

  auto out = std::make_shared<CheckOutRequest>();
  auto out_loc = std::make_shared<LocationOptions>();
  CLI::App* checkout = w.leaf(visit, "checkout", "help_visit_checkout");
  checkout->add_option("visit", out->visit, w.help("help_visit_in_progress"));
  checkout->add_option("--at", out->check_out, w.help("help_visit_checkout_at"));
  checkout->add_option("--purpose", out->purpose, w.help("help_visit_purpose"));
  checkout->add_option("--outcome", out->outcome, w.help("help_visit_outcome"));
  checkout->add_option("--notes", out->notes, w.help("help_notes"));
  checkout->add_option("--next-follow-up", out->next_follow_up,
                       w.help("help_visit_next_follow_up"));
  out_loc->Add(checkout, w);
  checkout->callback([&w, out, out_loc] {
    out_loc->Into(out->lat, out->lon);
    w.action = [&w, out] { return RunCheckOut(w.ctx, *out); };
  });

  auto where = std::make_shared<std::string>();
  auto loc = std::make_shared<LocationOptions>();
  CLI::App* locate = w.leaf(visit, "locate", "help_visit_locate");
  locate->add_option("visit", *where, w.help("help_visit_in_progress"));
  loc->Add(locate, w);
  loc->lat_opt->required();
  loc->lon_opt->required();
  locate->callback([&w, where, loc] {
    w.action = [&w, where, loc] { return RunLocate(w.ctx, *where, loc->lat, loc->lon); };
  });

  CLI::App* current = w.leaf(visit, "current", "help_visit_current");
  current->callback([&w] { w.action = [&w] { return RunCurrent(w.ctx); }; });

  AddNumberSetting(
      w, visit,
      {"radius", "help_visit_radius", "meters", "help_visit_radius_meters", "visit radius",
       "radius_m", [](ClientStore& store, int64_t n) { return store.visits().SetRadiusMeters(n); },
       [](ClientStore& store) { return store.visits().RadiusMeters(); },
       [](Lang lang, int64_t n) { return Render(lang, "cli_visit_radius", {std::to_string(n)}); }});
}

const CommandFamily kVisitCommands{"visits", &AddVisitCommands};

}  // namespace

}  // namespace fieldbook::client::cli
