#include "commands/demo_seed.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <random>

#include "fieldbook/dates.h"
#include "store/assignment_store.h"

namespace fieldbook::server {

namespace {

struct TerritoryDef {
  const char* id;
  const char* name;
  const char* region;
  const char* city;
  double lat, lon;
  const char* region_class;
};

constexpr TerritoryDef kTerritories[] = {
    {"terr-gz-tianhe", "广州天河 Guangzhou Tianhe", "GD-GZ", "广州", 23.1291, 113.3612, "local"},
    {"terr-fs-nanhai", "佛山南海 Foshan Nanhai", "GD-FS", "佛山", 23.0286, 113.1431, "local"},
    {"terr-sz-baoan", "深圳宝安 Shenzhen Bao'an", "GD-SZ", "深圳", 22.5553, 113.8836, "domestic"},
};

struct RepDef {
  const char* id;
  const char* name;
  const char* role;
  int territory;  // index into kTerritories; -1 = none
};

constexpr RepDef kReps[] = {
    {"rep-zhang-wei", "张伟 Zhang Wei", "rep", 0},
    {"rep-li-na", "李娜 Li Na", "rep", 0},
    {"rep-wang-qiang", "王强 Wang Qiang", "rep", 0},
    {"rep-liu-yang", "刘洋 Liu Yang", "rep", 1},
    {"rep-chen-jing", "陈静 Chen Jing", "rep", 1},
    {"rep-yang-lei", "杨磊 Yang Lei", "rep", 1},
    {"rep-zhao-min", "赵敏 Zhao Min", "rep", 2},
    {"rep-huang-yong", "黄勇 Huang Yong", "rep", 2},
    {"mgr-zhou", "周经理 Manager Zhou", "manager", -1},
};

// Assignment profiles (docs/assignment.md): capacity as a share of the demo's customers, tier-A
// capacity as a share of that; one key-account rep per territory.
struct ProfileDef {
  const char* rep;
  Skill skill;
  const char* also_serves;  // a second region, or ""
  int capacity_percent;
  int tier_a_percent;
  bool closer;
};

constexpr ProfileDef kProfiles[] = {
    {"rep-zhang-wei", Skill::kKeyAccount, "", 20, 60, true},
    {"rep-li-na", Skill::kSenior, "", 15, 30, false},
    {"rep-wang-qiang", Skill::kJunior, "GD-FS", 12, 10, true},
    {"rep-liu-yang", Skill::kSenior, "", 15, 30, true},
    {"rep-chen-jing", Skill::kKeyAccount, "", 20, 60, false},
    {"rep-yang-lei", Skill::kJunior, "", 12, 10, false},
    {"rep-zhao-min", Skill::kKeyAccount, "", 25, 60, true},
    {"rep-huang-yong", Skill::kSenior, "", 20, 30, false},
};

constexpr const char* kPrefixes[] = {"鑫达", "顺通", "华信", "永安", "金轮", "东风",
                                     "宏发", "利民", "安达", "恒通", "腾飞", "明辉",
                                     "正大", "兴旺", "通达", "佳美"};
constexpr const char* kSuffixes[] = {"汽修", "汽配", "汽车修理厂", "快修", "车行", "轮胎店"};
constexpr const char* kLatin[] = {"Bright Auto",        "Golden Wrench", "Speedy Fix",
                                  "Pearl River Motors", "Lion Garage",   "Sunrise Auto Care",
                                  "Dragon Tyres",       "Li's Garage"};
constexpr const char* kStreets[] = {"中山大道", "黄埔大道", "天河路", "南海大道",
                                    "宝安大道", "工业路",   "建设路", "人民路"};
constexpr const char* kContacts[] = {"王师傅", "李老板", "陈经理", "刘师傅", "黄老板", "张经理"};
constexpr const char* kParts[] = {"BOSCH-0986452041", "NGK-BKR6E",      "MANN-W712/75",
                                  "BREMBO-P85020",    "GATES-5PK1035",  "DENSO-K20TT",
                                  "VALEO-826702",     "CASTROL-5W30-4L"};
constexpr const char* kPurposes[] = {"routine", "delivery", "complaint", "promotion", "collection"};
constexpr const char* kOutcomes[] = {"ordered", "no_need", "follow_up", "quoted", "resolved"};
constexpr const char* kVisitNotes[] = {"换了刹车片，老板很满意", "询问机油促销价格",
                                       "库存不足，下周补货",     "checked stock, reorder filters",
                                       "投诉上次送货晚了",       "introduced new Bosch line"};

// Ordering rhythm: days between orders, and whether the customer stopped ordering.
struct Rhythm {
  int every_days;
  bool lapsed;
};

// Ids are deterministic: a fixed clock for the time part and the seed for the random part.
class FixedClock final : public WallClock {
 public:
  uint64_t NowMs() override { return 1767225600000; }  // 2026-01-01T00:00:00Z
};

}  // namespace

Result<DemoSeedReport> SeedDemo(ServerStore& store, WallClock& wall,
                                const DemoSeedOptions& options) {
  if (options.customers < 1 || options.customers > 200000) {
    return Status::InvalidArgument("--customers must be between 1 and 200000");
  }
  // Times are Unix milliseconds; today is the start of the day.
  int32_t today_day = DayOfMs(static_cast<int64_t>(wall.NowMs()));
  if (!options.today.empty()) {
    const std::optional<int32_t> day = ParseDate(options.today);
    if (!day) {
      return Status::InvalidArgument("--today must be YYYY-MM-DD, not '" + options.today + "'");
    }
    today_day = *day;
  }
  const int64_t today = MsOfDay(today_day);
  constexpr int64_t kDay = kMsPerDay, kHour = 3600 * 1000, kSecond = 1000;
  const int64_t start = today - 730 * kDay;

  std::mt19937_64 rng(options.seed);
  FixedClock fixed;
  RowIdGenerator ids(fixed, options.seed);
  auto pick = [&](const auto& arr) { return arr[rng() % std::size(arr)]; };
  auto uniform = [&](double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(rng);
  };

  DemoSeedReport report;
  for (const RepDef& r : kReps) {
    if (store.RepExists(r.id)) {
      return Status::Conflict(std::string("demo data is already there (rep ") + r.id + ")");
    }
  }
  for (const TerritoryDef& t : kTerritories) {
    FB_ASSIGN_OR_RETURN(
        PushResult w,
        store.Write({RowWrite{
            "territories", t.id, {{"name", t.name}, {"region", t.region}, {"city", t.city}}}}));
    (void)w;
    report.territories.push_back(t.id);
  }
  for (const RepDef& r : kReps) {
    NewRep rep;
    rep.id = r.id;
    rep.name = r.name;
    rep.role = r.role;
    if (r.territory >= 0) rep.regions = kTerritories[r.territory].region;
    FB_ASSIGN_OR_RETURN(auto added, store.AddRep(rep, "system:seed-demo"));
    report.reps.push_back(DemoRep{added.first, r.name, r.role, added.second, 0});
  }
  AssignmentStore assignment(store, wall);
  for (const ProfileDef& p : kProfiles) {
    std::vector<std::string> regions;
    for (const RepDef& r : kReps) {
      if (std::string(r.id) == p.rep) regions.push_back(kTerritories[r.territory].region);
    }
    if (*p.also_serves != '\0') regions.push_back(p.also_serves);
    ProfileUpdate u;
    u.regions = regions;
    u.skill = p.skill;
    const int capacity = std::max(5, options.customers * p.capacity_percent / 100);
    u.capacity = capacity;
    u.capacity_a = std::max(1, capacity * p.tier_a_percent / 100);
    u.closer = p.closer;
    FB_RETURN_IF_ERROR(assignment.SetProfile(p.rep, u, "system:seed-demo"));
  }
  for (size_t t = 0; t < std::size(kTerritories); ++t) {
    for (const RepDef& r : kReps) {
      if (r.territory == static_cast<int>(t)) {
        FB_RETURN_IF_ERROR(store.AssignTerritory(kTerritories[t].id, r.id, "system:seed-demo"));
        break;
      }
    }
  }

  std::vector<RowWrite> batch;
  auto flush = [&]() -> Status {
    if (batch.empty()) return Status::Ok();
    // Every row is new (fresh ids): the hub's bulk path stores what Write would, with far fewer
    // statements (Hub::WriteBulk).
    FB_ASSIGN_OR_RETURN(PushResult w,
                        store.WriteBulk(batch, std::vector<bool>(batch.size(), true)));
    batch.clear();
    if (!w.rejections.empty()) {
      return Status::Internal("demo row refused: " + w.rejections[0].reason);
    }
    return Status::Ok();
  };

  for (int i = 0; i < options.customers; ++i) {
    const size_t t = static_cast<size_t>(rng() % std::size(kTerritories));
    const TerritoryDef& terr = kTerritories[t];
    std::vector<size_t> serving;
    for (size_t r = 0; r < std::size(kReps); ++r) {
      if (kReps[r].territory == static_cast<int>(t)) serving.push_back(r);
    }
    const size_t owner = serving[rng() % serving.size()];
    for (DemoRep& dr : report.reps) {
      if (dr.id == kReps[owner].id) ++dr.customers;
    }
    const std::string cid = ids.Next();
    const bool latin = rng() % 5 == 0;
    const std::string name = latin ? std::string(pick(kLatin)) + " " + std::to_string(i + 1)
                                   : std::string(pick(kPrefixes)) + pick(kSuffixes) + "（" +
                                         std::to_string(i + 1) + "号店）";
    const int kind = static_cast<int>(rng() % 20);
    const char* type = kind < 15   ? "garage"
                       : kind < 17 ? "dealer"
                       : kind < 19 ? "fleet"
                                   : "individual";
    static constexpr std::array<Rhythm, 6> kRhythms = {
        {{7, false}, {14, false}, {30, false}, {30, false}, {90, false}, {21, true}}};
    const Rhythm rhythm = kRhythms[rng() % kRhythms.size()];
    const int64_t created = start + static_cast<int64_t>(rng() % 300) * kDay;
    const bool prospect = rng() % 10 == 0;
    char phone[16];
    std::snprintf(phone, sizeof phone, "1%d%09llu", 3 + static_cast<int>(rng() % 7),
                  static_cast<unsigned long long>(rng() % 1000000000ull));
    batch.push_back(RowWrite{
        "customers",
        cid,
        {{"name", name},
         {"customer_type", type},
         {"relationship", prospect ? "potential" : (rng() % 8 == 0 ? "vip" : "existing")},
         {"purchase_stage", prospect ? (rng() % 2 ? "aware" : "interested") : "customer"},
         {"region_class", terr.region_class},
         {"address",
          std::string(terr.city) + pick(kStreets) + std::to_string(1 + rng() % 400) + "号"},
         {"city", terr.city},
         {"province", "广东"},
         {"country", "CN"},
         {"lat", terr.lat + uniform(-0.08, 0.08)},
         {"lon", terr.lon + uniform(-0.08, 0.08)},
         {"phone", std::string(phone)},
         {"primary_contact", pick(kContacts)},
         {"tags", rhythm.every_days <= 14 ? "frequent" : "regular"},
         {"owner_rep_id", kReps[owner].id},
         {"territory_id", terr.id},
         {"created_at", FormatIsoUtc(created)}}});
    ++report.customers;
    batch.push_back(RowWrite{"contacts",
                             ids.Next(),
                             {{"customer_id", cid},
                              {"name", pick(kContacts)},
                              {"title", "owner"},
                              {"phone", std::string(phone)},
                              {"is_primary", int64_t{1}}}});
    ++report.contacts;

    if (!prospect) {
      const int64_t stop = rhythm.lapsed ? today - (120 + rng() % 200) * kDay : today;
      for (int64_t day = created + static_cast<int64_t>(rng() % 10) * kDay; day < stop;) {
        const std::string oid = ids.Next();
        const int lines = 1 + static_cast<int>(rng() % 3);
        int64_t total = 0;
        for (int l = 0; l < lines; ++l) {
          const int64_t qty = 1 + static_cast<int64_t>(rng() % 12);
          const int64_t price = 3000 + static_cast<int64_t>(rng() % 60000);
          total += qty * price;
          batch.push_back(RowWrite{"order_lines",
                                   ids.Next(),
                                   {{"order_id", oid},
                                    {"customer_id", cid},
                                    {"part_no", pick(kParts)},
                                    {"quantity", qty},
                                    {"unit_price_cents", price}}});
          ++report.order_lines;
        }
        batch.push_back(RowWrite{"orders",
                                 oid,
                                 {{"customer_id", cid},
                                  {"rep_id", kReps[owner].id},
                                  {"order_date", FormatDate(DayOfMs(day))},
                                  {"amount_cents", total},
                                  {"currency", "CNY"}}});
        ++report.orders;
        const int jitter = static_cast<int>(rng() % (rhythm.every_days / 2 + 1));
        day += (rhythm.every_days + jitter - rhythm.every_days / 4) * kDay;
      }
    }
    // Visits about every two to six weeks, more often for frequent buyers.
    const int visit_every = rhythm.every_days <= 14 ? 14 : 35;
    for (int64_t day = created + static_cast<int64_t>(rng() % 20) * kDay; day < today;) {
      const int64_t in = day + (9 + static_cast<int64_t>(rng() % 8)) * kHour;
      batch.push_back(RowWrite{
          "visits",
          ids.Next(),
          {{"customer_id", cid},
           {"rep_id", kReps[owner].id},
           {"check_in", FormatIsoUtc(in)},
           {"check_out", FormatIsoUtc(in + (1200 + static_cast<int64_t>(rng() % 2400)) * kSecond)},
           {"lat", terr.lat + uniform(-0.08, 0.08)},
           {"lon", terr.lon + uniform(-0.08, 0.08)},
           {"purpose", pick(kPurposes)},
           {"outcome", pick(kOutcomes)},
           {"notes", pick(kVisitNotes)}}});
      ++report.visits;
      day += (visit_every + static_cast<int>(rng() % visit_every)) * kDay;
    }
    if (rng() % 3 == 0) {
      const int64_t due = today + (static_cast<int64_t>(rng() % 21) - 7) * kDay;
      batch.push_back(RowWrite{"tasks",
                               ids.Next(),
                               {{"customer_id", cid},
                                {"rep_id", kReps[owner].id},
                                {"due_date", FormatDate(DayOfMs(due))},
                                {"kind", rng() % 4 == 0 ? "care" : "call"},
                                {"status", "open"},
                                {"title", "回访 follow up"}}});
      ++report.tasks;
    }
    if (rng() % 4 == 0) {
      batch.push_back(
          RowWrite{"feedback",
                   ids.Next(),
                   {{"customer_id", cid},
                    {"rep_id", kReps[owner].id},
                    {"created_at", FormatIsoUtc(today - static_cast<int64_t>(rng() % 300) * kDay)},
                    {"satisfaction", static_cast<int64_t>(1 + rng() % 5)},
                    {"complaint", rng() % 3 == 0 ? "送货太慢 delivery too slow" : ""}}});
      ++report.feedback;
    }
    if (batch.size() >= 4000) FB_RETURN_IF_ERROR(flush());
  }
  FB_RETURN_IF_ERROR(flush());
  return report;
}

}  // namespace fieldbook::server
