#include "gui_fixture.h"

#include <stdlib.h>
#include <time.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace fieldbook::testing {

namespace {

using Columns = std::vector<std::pair<std::string, Value>>;

Value T(const char* s) { return Value(std::string(s)); }
Value N(int64_t i) { return Value(i); }
Value R(double d) { return Value(d); }

void Write(Hub& hub, const char* table, const std::string& id, const Columns& columns) {
  auto r = hub.Write(table, id, columns);
  ASSERT_TRUE(r.ok()) << table << " " << id << ": " << r.status().ToString();
  ASSERT_TRUE(r->rejections.empty()) << table << " " << id << ": " << r->rejections[0].reason;
}

Columns Garage(const char* name, const char* latin, const char* city, const char* phone,
               const char* contact, const char* type, const char* stage) {
  return {{"name", T(name)},
          {"name_latin", T(latin)},
          {"customer_type", T(type)},
          {"relationship", T("existing")},
          {"purchase_stage", T(stage)},
          {"region_class", T("local")},
          {"city", T(city)},
          {"province", T("广东")},
          {"country", T("CN")},
          {"phone", T(phone)},
          {"primary_contact", T(contact)},
          {"owner_rep_id", T(kRep)},
          {"territory_id", T("terr-gz-tianhe")},
          {"created_at", T("2025-03-01T08:00:00Z")}};
}

}  // namespace

void SeedHub(Hub& hub) {
  Write(hub, "reps", kRep,
        {{"name", T("张伟 Zhang Wei")},
         {"role", T("rep")},
         {"active", N(1)},
         {"skill", T("senior")}});
  Write(hub, "territories", "terr-gz-tianhe",
        {{"name", T("广州天河 Guangzhou Tianhe")},
         {"region", T("GD-GZ")},
         {"city", T("广州")},
         {"rep_id", T(kRep)}});

  Columns xinda = Garage("鑫达汽修", "Xinda Auto Repair", "广州", "020-3888-1234", "王师傅",
                         "garage", "customer");
  xinda.insert(xinda.end(),
               {{"address", T("天河路 88 号")},
                {"tags", T("brakes,filters")},
                {"notes", T("老板姓王，周一上午最忙")},
                {"lat", R(23.1321)},
                {"lon", R(113.3312)},
                {"grade_tier", T("A")},
                {"grade_recency", N(5)},
                {"grade_frequency", N(4)},
                {"grade_monetary", N(5)},
                {"grade_ticket_class", T("high")},
                {"grade_lifecycle", T("active")},
                {"grade_churn_risk", R(0.12)},
                {"grade_reasons",
                 T(R"j({"rules_version":1,"reasons":[)j"
                   R"j({"rule":"recency","detail":"last order 6 days ago (<= 30 days scores 5)"},)j"
                   R"j({"rule":"frequency","detail":"9 orders in 180 days (scores 4)"},)j"
                   R"j({"rule":"tier","detail":"RFM 5-4-5 -> A"}]})j")},
                {"graded_at", T("2026-11-22T18:00:00Z")},
                {"grade_rules_version", N(1)}});
  Write(hub, "customers", kXinda, xinda);
  Write(hub, "customers", kGoldenWrench,
        Garage("Golden Wrench Garage", "Golden Wrench Garage", "佛山", "0757-8622-0101", "Mr. Chen",
               "garage", "interested"));
  Write(hub, "customers", kShuntong,
        Garage("顺通汽配", "Shuntong Auto Parts", "深圳", "0755-2761-3300", "刘经理", "dealer",
               "deciding"));
  Write(
      hub, "customers", kXinlong,
      Garage("鑫隆轮胎店", "Xinlong Tyres", "广州", "020-8723-5566", "黄老板", "garage", "aware"));
  Write(hub, "customers", kPearlRiver,
        Garage("Pearl River Motors", "Pearl River Motors", "广州", "020-6100-2200", "Ms. Liang",
               "fleet", "customer"));
  // More garages, so the list looks like a rep's.
  const char* prefixes[] = {"宏发", "利民", "安达", "恒通", "腾飞", "明辉", "正大", "兴旺"};
  const char* suffixes[] = {"汽修", "汽车修理厂", "快修", "车行"};
  const char* cities[] = {"广州", "佛山", "深圳"};
  const char* stages[] = {"aware", "interested", "deciding", "customer"};
  for (int i = 0; i < 24; ++i) {
    char id[40];
    std::snprintf(id, sizeof id, "c1%031d", i);
    const std::string name = std::string(prefixes[i % 8]) + suffixes[i % 4];
    char phone[32];
    std::snprintf(phone, sizeof phone, "020-8%03d-%04d", i * 7, 1000 + i * 37);
    Columns c = Garage(name.c_str(), "", cities[i % 3], phone, "", "garage", stages[i % 4]);
    if (i % 3 == 0) c.push_back({"grade_tier", T(i % 2 == 0 ? "B" : "C")});
    Write(hub, "customers", id, c);
  }

  Write(hub, "contacts", "k0000000000000000000000000000001",
        {{"customer_id", T(kXinda)},
         {"name", T("王师傅")},
         {"title", T("老板 owner")},
         {"phone", T("138-0000-1234")},
         {"wechat", T("wang_xinda")},
         {"is_primary", N(1)}});
  Write(hub, "contacts", "k0000000000000000000000000000002",
        {{"customer_id", T(kXinda)},
         {"name", T("李娜")},
         {"title", T("采购 buyer")},
         {"phone", T("139-0000-5678")},
         {"is_primary", N(0)}});

  Write(hub, "visits", "v0000000000000000000000000000001",
        {{"customer_id", T(kXinda)},
         {"rep_id", T(kRep)},
         {"check_in", T("2026-11-02T02:10:00Z")},
         {"check_out", T("2026-11-02T02:50:00Z")},
         {"purpose", T("delivery")},
         {"outcome", T("ordered")},
         {"notes", T("换了刹车片，老板很满意")}});
  Write(hub, "visits", "v0000000000000000000000000000002",
        {{"customer_id", T(kXinda)},
         {"rep_id", T(kRep)},
         {"check_in", T("2026-11-16T06:00:00Z")},
         {"purpose", T("promotion")},
         {"outcome", T("quoted")},
         {"notes", T("询问机油促销价格, quoted Castrol 5W-30")},
         {"next_follow_up", T("2026-11-20")}});
  Write(hub, "visits", "v0000000000000000000000000000003",
        {{"customer_id", T(kPearlRiver)},
         {"rep_id", T(kRep)},
         {"check_in", T("2026-10-20T03:00:00Z")},
         {"purpose", T("routine")},
         {"outcome", T("no_need")},
         {"notes", T("checked stock, reorder filters next month")}});

  Write(hub, "orders", "o0000000000000000000000000000001",
        {{"customer_id", T(kXinda)},
         {"rep_id", T(kRep)},
         {"order_date", T("2026-11-17")},
         {"amount_cents", N(386050)},
         {"currency", T("CNY")},
         {"notes", T("BOSCH 刹车片 x 12")}});
  Write(hub, "orders", "o0000000000000000000000000000002",
        {{"customer_id", T(kXinda)},
         {"rep_id", T(kRep)},
         {"order_date", T("2026-10-28")},
         {"amount_cents", N(125000)},
         {"currency", T("CNY")},
         {"notes", T("MANN filters")}});

  Write(hub, "tasks", kOverdueTask,
        {{"customer_id", T(kGoldenWrench)},
         {"rep_id", T(kRep)},
         {"due_date", T("2026-11-21")},
         {"kind", T("call")},
         {"status", T("open")},
         {"title", T("回访：确认机油报价 confirm the oil quote")}});
  Write(hub, "tasks", kDueTask,
        {{"customer_id", T(kShuntong)},
         {"rep_id", T(kRep)},
         {"due_date", T("2026-11-23")},
         {"kind", T("visit")},
         {"status", T("open")},
         {"title", T("Bring brake pad samples")}});

  Write(hub, "feedback", "f0000000000000000000000000000001",
        {{"customer_id", T(kXinda)},
         {"rep_id", T(kRep)},
         {"created_at", T("2026-11-10T04:00:00Z")},
         {"satisfaction", N(4)},
         {"complaint", T("送货慢了一天 delivery one day late")}});
}

void SetUpReplica(const std::string& path, WallClock& wall, client::SyncTransport& transport) {
  auto store = client::ClientStore::Open(path, wall);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  client::ClientSettings settings;
  settings.server_url = "http://fieldbook.test";
  settings.device_token = "test-token";
  settings.rep_id = kRep;
  settings.rep_name = "张伟 Zhang Wei";
  ASSERT_TRUE((*store)->SaveSettings(settings).ok());
  auto report = client::DeviceSync(**store).ExchangeChanges(transport);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
}

void AppFixture::SetUpTestSuite() {
  setenv("TZ", "UTC", 1);
  tzset();
}

void AppFixture::SetUp() {
  ASSERT_NO_FATAL_FAILURE(OpenHub());
  ASSERT_NO_FATAL_FAILURE(SetUpDevice());
}

void AppFixture::OpenHub() {
  auto hub = Hub::Open(dir_.File("hub.db"), clock_);
  ASSERT_TRUE(hub.ok()) << hub.status().ToString();
  hub_ = std::move(hub).value();
  SeedHub(*hub_);
}

void AppFixture::SetUpDevice() {
  transport_ = std::make_unique<HubTransport>(*hub_);
  SetUpReplica(replica_path_, clock_, *transport_);
}

void AppFixture::Start(app::Lang lang, app::ViewModelOptions vm_options,
                       app::StoreDataSourceOptions data_options, app::ReportsFetcher reports) {
  const std::string path = replica_path_;
  FakeWallClock& clock = clock_;
  HubTransport& transport = *transport_;
  vm_ = std::make_unique<app::ViewModel>(
      [path, &clock, &transport, data_options,
       reports]() -> Result<std::unique_ptr<app::DataSource>> {
        FB_ASSIGN_OR_RETURN(std::unique_ptr<app::StoreDataSource> ds,
                            app::StoreDataSource::Open(path, clock, TransportsTo(transport),
                                                       data_options, reports));
        return std::unique_ptr<app::DataSource>(std::move(ds));
      },
      clock_, vm_options);
  app::HeadlessOptions options;
  options.lang = lang;
  options.width = width_;
  options.height = height_;
  auto created = app::HeadlessApp::Create(*vm_, clock_, options);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  app_ = std::move(created).value();
  app_->Frame();
  ASSERT_TRUE(app_->Settle());
  ASSERT_TRUE(vm_->snapshot()->ready) << vm_->snapshot()->error;
}

void AppFixture::Stop() {
  app_.reset();
  vm_.reset();
}

void AppFixture::ClickOrFail(const std::string& anchor) {
  ASSERT_TRUE(app_->Click(anchor))
      << "not on screen: " << anchor << "\non screen: " << app_->probe().Names();
}

void AppFixture::LogVisitHere(const std::string& notes, bool follow_up_in_a_week) {
  ClickOrFail("customer.log_visit");
  ASSERT_TRUE(app_->ui().visit_form().visible);
  ClickOrFail("visit.notes");
  app_->Type(notes);
  if (follow_up_in_a_week) ClickOrFail("visit.in_7_days");
  ClickOrFail("visit.submit");
  ASSERT_FALSE(app_->ui().visit_form().visible) << app_->ui().visit_form().error;
  ASSERT_TRUE(Snap()->last_visit.ok) << Snap()->last_visit.error.message();
}

void AppFixture::LogVisitThroughUi(const std::string& customer_id, const std::string& notes) {
  ClickOrFail("list.row:" + customer_id);
  ASSERT_EQ(Snap()->selected_id, customer_id);
  ASSERT_NO_FATAL_FAILURE(LogVisitHere(notes, /*follow_up_in_a_week=*/true));
}

void AppFixture::Screenshot(const std::string& name) {
  const std::filesystem::path dir = FIELDBOOK_GUI_SCREENSHOT_DIR;
  std::filesystem::create_directories(dir);
  const std::filesystem::path path = dir / name;
  app_->Frame();
  ASSERT_TRUE(app_->SavePng(path.string()).ok()) << path;
  ASSERT_TRUE(std::filesystem::exists(path)) << path;
  EXPECT_GT(std::filesystem::file_size(path), 20000u) << path << " looks empty";
  std::ifstream in(path, std::ios::binary);
  char magic[8] = {};
  in.read(magic, sizeof magic);
  EXPECT_EQ(std::string(magic + 1, 3), "PNG") << path;
}

}  // namespace fieldbook::testing
