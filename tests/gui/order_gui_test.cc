// Orders in the desktop app (issue #18), headless and driven by real ImGui input: the order form's
// catalogue search as you type (part number, name, brand) over a catalogue of hundreds of parts,
// prices from the price list for the customer's tier, a price overridden with a reason, the total,
// the outlier question (> 5x the customer's median) as a dialog before anything is saved, and
// free-text lines. What the form saved is read back from the replica.
#include <gtest/gtest.h>
#include <imgui.h>

#include <cstdio>
#include <memory>
#include <string>

#include "fieldbook/sqlite_db.h"
#include "gui_fixture.h"
#include "headless.h"
#include "store/client_store.h"

namespace fieldbook::testing {
namespace {

using app::Lang;

class OrderGuiTest : public AppFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenHub());
    // The catalogue as the server carries it to every device: a few known parts among hundreds.
    Product("p-bp1024", "BP-1024", "刹车片", "BOSCH", "套", 12000, R"({"A": 11000})");
    Product("p-of220", "OF-220", "机油滤清器", "MANN", "个", 3500, "");
    Product("p-sp77", "SP-77", "火花塞", "NGK", "个", 2800, "");
    const char* names[] = {"空气滤清器", "雨刮片", "刹车盘", "机油", "轮胎", "蓄电池"};
    const char* brands[] = {"BOSCH", "MANN", "Castrol", "Michelin", "Varta"};
    for (int i = 0; i < 400; ++i) {
      char id[16], part[16];
      std::snprintf(id, sizeof id, "p-gen%03d", i);
      std::snprintf(part, sizeof part, "GEN-%04d", i);
      Product(id, part, names[i % 6], brands[i % 5], "个", 1000 + 37 * i, "");
    }
    // 鑫达汽修's history: six orders of ¥1,250 to ¥3,860.50 (median ¥2,600): more than 5x that
    // (¥13,000) must be confirmed.
    for (int i = 0; i < 4; ++i) {
      char id[40];
      std::snprintf(id, sizeof id, "o00000000000000000000000000001%02d", i);
      ASSERT_TRUE(hub_->Write("orders", id,
                              {{"customer_id", Value(std::string(kXinda))},
                               {"rep_id", Value(std::string(kRep))},
                               {"order_date", Value("2026-09-0" + std::to_string(i + 1))},
                               {"amount_cents", Value(int64_t{200000 + 40000 * i})},
                               {"currency", Value(std::string("CNY"))}})
                      .ok());
    }
    ASSERT_NO_FATAL_FAILURE(SetUpDevice());
  }

  void Product(const std::string& id, const std::string& part, const std::string& name,
               const std::string& brand, const std::string& unit, int64_t price,
               const std::string& tiers) {
    std::vector<std::pair<std::string, Value>> columns = {
        {"part_number", Value(part)},  {"name", Value(name)},
        {"brand", Value(brand)},       {"category", Value(std::string("parts"))},
        {"unit", Value(unit)},         {"list_price_cents", Value(price)},
        {"active", Value(int64_t{1})}, {"updated_at", Value(std::string("2026-11-01"))}};
    if (!tiers.empty()) columns.push_back({"tier_prices", Value(tiers)});
    auto r = hub_->Write("products", id, columns);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }

  // Opens 鑫达汽修 and its order form.
  void OpenOrderForm() {
    ClickOrFail("list.row:" + std::string(kXinda));
    ASSERT_EQ(Snap()->customer->id, kXinda);
    ClickOrFail("customer.new_order");
    ASSERT_TRUE(app_->Find("order.search")) << app_->probe().Names();
  }

  // Types `text` into the search box (replacing what was there) and waits for the catalogue's
  // answer to it.
  void Search(const std::string& text) {
    ClickOrFail("order.search");
    for (int i = 0; i < 12; ++i) app_->Press(ImGuiKey_Backspace);
    app_->Type(text);
    ASSERT_EQ(Snap()->products->text, text);
    app_->Frame();  // draw the hits
  }

  // Replaces the text of the (auto-selecting) field `anchor`.
  void Retype(const std::string& anchor, const std::string& text) {
    ClickOrFail(anchor);
    app_->Type(text);
  }

  size_t OrdersOnPage() const { return Snap()->customer->orders.size(); }
  // The amount of the order the last form saved, as the customer's page lists it (-1: not listed).
  int64_t SavedAmount() const {
    const auto snap = Snap();
    for (const app::OrderRow& o : snap->customer->orders) {
      if (o.id == snap->last_form.id) return o.amount_cents;
    }
    return -1;
  }
};

TEST_F(OrderGuiTest, PartsFromTheCatalogueWithTierPricesAnOverrideAndTheTotal) {
  Start(Lang::kEnglish);
  ASSERT_NO_FATAL_FAILURE(OpenOrderForm());
  const size_t before = OrdersOnPage();

  // By brand (any case): BP-1024 comes first among the BOSCH parts, at tier A's price.
  ASSERT_NO_FATAL_FAILURE(Search("bosch"));
  const auto snap = Snap();
  const app::ProductSearch& found = *snap->products;
  ASSERT_TRUE(found.catalogue);
  ASSERT_EQ(found.hits.size(), 20u) << "a page of the 81 BOSCH parts";
  EXPECT_EQ(found.hits[0].part_number, "BP-1024");
  EXPECT_EQ(found.hits[0].price_cents, 11000) << "tier A's price, not the list's ¥120";
  ClickOrFail("order.hit:BP-1024");
  // By part number prefix, and by name in Chinese.
  ASSERT_NO_FATAL_FAILURE(Search("of-22"));
  ClickOrFail("order.hit:OF-220");
  ASSERT_NO_FATAL_FAILURE(Search("火花塞"));
  ASSERT_EQ(Snap()->products->hits.size(), 1u);
  ClickOrFail("order.hit:SP-77");
  ClickOrFail("order.hit:SP-77");  // twice: two of them

  // Four brake pad sets at ¥100 instead of ¥110 (with the reason); one filter at the list price.
  Retype("order.qty:0", "4");
  EXPECT_FALSE(app_->Find("order.reason:0")) << "the list price needs no reason";
  Retype("order.price:0", "100");
  // Without the reason: the form asks for it by its field's name, not by a CLI flag.
  ClickOrFail("order.submit");
  EXPECT_EQ(app_->ui().customer().order_form.error,
            "Line 1: the price differs from the list: say why in \"Why another price\".");
  EXPECT_TRUE(app_->Find("order.submit"));
  EXPECT_EQ(OrdersOnPage(), before);
  ClickOrFail("order.reason:0");
  app_->Type("老客户优惠");
  EXPECT_FALSE(app_->Find("order.reason:1"));
  Screenshot("en-10-order-form.png");
  ClickOrFail("order.notes");
  app_->Type("deliver Monday");
  ClickOrFail("order.submit");

  ASSERT_TRUE(Snap()->last_form.ok) << Snap()->last_form.error.message();
  EXPECT_FALSE(app_->Find("order.submit")) << "the form closed";
  ASSERT_EQ(OrdersOnPage(), before + 1);
  const auto saved = Snap();
  const app::OrderRow& o = saved->customer->orders[0];
  EXPECT_EQ(o.id, saved->last_form.id);
  EXPECT_EQ(o.amount_cents, 4 * 10000 + 3500 + 2 * 2800);
  EXPECT_EQ(o.notes, "deliver Monday");
  ASSERT_EQ(o.lines.size(), 3u);
  EXPECT_GT(Snap()->status.pending_changes, 0);
  Stop();

  // As stored on the replica: the override keeps its reason in the line's description.
  auto db = Db::Open(replica_path_, DbOptions{.read_only = true, .create = false});
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  auto stmt = (*db)->Prepare(
      "SELECT part_no, quantity, unit_price_cents, description FROM order_lines WHERE order_id = ? "
      "ORDER BY part_no");
  ASSERT_TRUE(stmt.ok());
  (*stmt)->Bind(1, o.id);
  struct Want {
    const char* part;
    int64_t qty, price;
    const char* description;
  };
  for (const Want& w :
       {Want{"BP-1024", 4, 10000, "刹车片; price ¥100.00 instead of ¥110.00: 老客户优惠"},
        Want{"OF-220", 1, 3500, "机油滤清器"}, Want{"SP-77", 2, 2800, "火花塞"}}) {
    ASSERT_TRUE(*(*stmt)->Step()) << w.part;
    EXPECT_EQ((*stmt)->Text(0), w.part);
    EXPECT_EQ((*stmt)->Int(1), w.qty);
    EXPECT_EQ((*stmt)->Int(2), w.price);
    EXPECT_EQ((*stmt)->Text(3), w.description);
  }
  EXPECT_FALSE(*(*stmt)->Step());
  (*stmt)->Reset();
}

TEST_F(OrderGuiTest, ATotalFarAboveTheCustomersHistoryIsConfirmedInADialogBeforeSaving) {
  Start(Lang::kChinese);
  ASSERT_NO_FATAL_FAILURE(OpenOrderForm());
  const size_t before = OrdersOnPage();
  ASSERT_NO_FATAL_FAILURE(Search("BP-1024"));
  ClickOrFail("order.hit:BP-1024");
  Retype("order.qty:0", "9999");  // a typo: ¥1,099,890 against a median of ¥2,600

  ClickOrFail("order.submit");
  EXPECT_TRUE(Snap()->last_form.needs_confirmation) << Snap()->last_form.error.message();
  EXPECT_NE(Snap()->last_form.error.message().find("median"), std::string::npos)
      << Snap()->last_form.error.message();
  app_->Frame();
  ASSERT_TRUE(app_->Find("order.confirm")) << "the outlier dialog is up";
  // The store's reason in Chinese (its phrase), not its English.
  EXPECT_EQ(app_->ui().customer().order_form.outlier,
            "合计 ¥1099890.00 是该客户订单中位数（¥2600.00，共 6 个订单）的 423.0 倍：请核对，"
            "无误后再确认");
  EXPECT_EQ(OrdersOnPage(), before) << "nothing saved before the rep answers";
  Screenshot("zh-10b-order-outlier.png");

  // Back to the form: fix the quantity; a usual total saves without a question.
  ClickOrFail("order.back");
  EXPECT_FALSE(app_->Find("order.confirm"));
  Retype("order.qty:0", "9");
  ClickOrFail("order.submit");
  ASSERT_TRUE(Snap()->last_form.ok) << Snap()->last_form.error.message();
  EXPECT_FALSE(app_->Find("order.submit"));
  ASSERT_EQ(OrdersOnPage(), before + 1);
  EXPECT_EQ(SavedAmount(), 9 * 11000);

  // It really was that big: confirmed in the dialog, it is saved.
  ClickOrFail("customer.new_order");
  ASSERT_NO_FATAL_FAILURE(Search("BP-1024"));
  ClickOrFail("order.hit:BP-1024");
  Retype("order.qty:0", "9999");
  ClickOrFail("order.submit");
  app_->Frame();
  ClickOrFail("order.confirm");
  ASSERT_TRUE(Snap()->last_form.ok) << Snap()->last_form.error.message();
  EXPECT_FALSE(app_->Find("order.submit"));
  ASSERT_EQ(OrdersOnPage(), before + 2);
  EXPECT_EQ(SavedAmount(), int64_t{9999} * 11000);
}

TEST_F(OrderGuiTest, APartNotInTheCatalogueIsAFreeTextLineWithItsPrice) {
  Start(Lang::kEnglish);
  ASSERT_NO_FATAL_FAILURE(OpenOrderForm());
  const size_t before = OrdersOnPage();
  ASSERT_NO_FATAL_FAILURE(Search("WIPER-X9"));
  EXPECT_TRUE(Snap()->products->hits.empty());
  ClickOrFail("order.free_text");
  // No price: the form asks for it in its own words (the store's sentence names the CLI's
  // PART:QTY:PRICE), and keeps the line; nothing is sent.
  ClickOrFail("order.submit");
  EXPECT_EQ(app_->ui().customer().order_form.error,
            "Line 1: give the unit price (the price list has none for it).");
  EXPECT_EQ(Snap()->last_form.request_id, 0u) << "nothing was posted";
  ASSERT_TRUE(app_->Find("order.submit"));
  Retype("order.price:0", "45.5");
  Retype("order.qty:0", "2");
  ClickOrFail("order.submit");
  ASSERT_TRUE(Snap()->last_form.ok) << Snap()->last_form.error.message();
  ASSERT_EQ(OrdersOnPage(), before + 1);
  const auto saved = Snap();
  const app::OrderRow& o = saved->customer->orders[0];
  EXPECT_EQ(o.amount_cents, 9100);
  ASSERT_EQ(o.lines.size(), 1u);
  EXPECT_EQ(o.lines[0].part_no, "WIPER-X9");
}

TEST_F(OrderGuiTest, VoidAndCorrectFromTheCustomersPageKeepTheOriginalsListedAndMarked) {
  constexpr const char* kSeedOrder = "o0000000000000000000000000000001";  // 2026-11-17 ¥3,860.50
  Start(Lang::kEnglish);
  ASSERT_NO_FATAL_FAILURE(OpenOrderForm());
  ASSERT_NO_FATAL_FAILURE(Search("BP-1024"));
  ClickOrFail("order.hit:BP-1024");
  Retype("order.qty:0", "4");
  ClickOrFail("order.submit");
  ASSERT_TRUE(Snap()->last_form.ok) << Snap()->last_form.error.message();
  const std::string taken = Snap()->last_form.id;
  const size_t before = OrdersOnPage();

  // Void the seeded order with a reason.
  ClickOrFail("customer.tab.orders");
  ClickOrFail("order.void:" + std::string(kSeedOrder));
  ClickOrFail("void.submit");  // no reason: asked for one, nothing saved
  EXPECT_EQ(OrdersOnPage(), before);
  ClickOrFail("void.reason");
  app_->Type("客户取消 cancelled by phone");
  ClickOrFail("void.submit");
  ASSERT_TRUE(Snap()->last_form.ok) << Snap()->last_form.error.message();
  EXPECT_FALSE(app_->Find("void.submit")) << "the dialog closed";
  ASSERT_EQ(OrdersOnPage(), before + 1);
  const std::string void_id = Snap()->last_form.id;
  bool original_marked = false, void_listed = false;
  const auto voided = Snap();
  for (const app::OrderRow& o : voided->customer->orders) {
    if (o.id == kSeedOrder) {
      original_marked = o.voided_by == void_id && !o.corrected && !o.counts();
      EXPECT_EQ(o.void_reason, "客户取消 cancelled by phone");
    }
    if (o.id == void_id) void_listed = o.is_void && o.voids_id == kSeedOrder;
  }
  EXPECT_TRUE(original_marked);
  EXPECT_TRUE(void_listed);
  EXPECT_TRUE(app_->Find("order.voided:" + std::string(kSeedOrder)));
  EXPECT_TRUE(app_->Find("order.is_void:" + void_id));
  EXPECT_FALSE(app_->Find("order.void:" + std::string(kSeedOrder))) << "a voided order is final";
  EXPECT_FALSE(app_->Find("order.void:" + void_id)) << "a void cannot be voided";

  // Correct the order taken above: it opens on its lines; one set came back.
  ClickOrFail("order.correct:" + taken);
  ASSERT_TRUE(app_->Find("order.qty:0"));
  ClickOrFail("order.submit");  // no reason yet
  EXPECT_EQ(OrdersOnPage(), before + 1);
  ASSERT_TRUE(app_->Find("order.submit"));
  Retype("order.qty:0", "3");
  ClickOrFail("order.correct_reason");
  app_->Type("one set returned");
  Screenshot("en-11-order-correct.png");
  ClickOrFail("order.submit");
  ASSERT_TRUE(Snap()->last_form.ok) << Snap()->last_form.error.message();
  ASSERT_EQ(OrdersOnPage(), before + 2);
  const std::string correction = Snap()->last_form.id;
  const auto corrected = Snap();
  for (const app::OrderRow& o : corrected->customer->orders) {
    if (o.id == taken) {
      EXPECT_TRUE(o.corrected);
      EXPECT_EQ(o.voided_by, correction);
    }
    if (o.id == correction) {
      EXPECT_EQ(o.voids_id, taken);
      EXPECT_EQ(o.amount_cents, 3 * 11000);
      EXPECT_TRUE(o.counts());
      EXPECT_NE(o.notes.find("correction: one set returned"), std::string::npos) << o.notes;
    }
  }
  EXPECT_TRUE(app_->Find("order.voided:" + taken));
  EXPECT_TRUE(app_->Find("order.void:" + correction)) << "the correction counts: it can be voided";
  Screenshot("en-11b-orders-voided.png");
}

}  // namespace
}  // namespace fieldbook::testing
