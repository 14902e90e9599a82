// Header recognition (Chinese and English, mapping files) and cell values (dates as Excel writes
// them, amounts with ¥/￥/元/thousands separators, phones, enumerations).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fieldbook/utf8.h"
#include "import/import_fields.h"
#include "import/import_values.h"

namespace fieldbook::server {
namespace {

TEST(ImportFieldsTest, ChineseAndEnglishHeadersAreRecognised) {
  auto map = MapHeader(ImportKind::kCustomers,
                       {"外部编号", "客户名称", "手机", "城市", "地址", "联系人", "类型", "关系",
                        "阶段", "区域", "生日", "标签", "备注", "不认识的列"},
                       {});
  ASSERT_TRUE(map.ok()) << map.status().ToString();
  EXPECT_EQ(map->Column(ImportKind::kCustomers, "external_id"), 0);
  EXPECT_EQ(map->Column(ImportKind::kCustomers, "name"), 1);
  EXPECT_EQ(map->Column(ImportKind::kCustomers, "phone"), 2);
  EXPECT_EQ(map->Column(ImportKind::kCustomers, "notes"), 12);
  ASSERT_EQ(map->ignored.size(), 1u);
  EXPECT_EQ(map->ignored[0], "不认识的列");
  auto en =
      MapHeader(ImportKind::kCustomers, {"Name", " Phone ", "CITY", "External ID", "Tags"}, {});
  ASSERT_TRUE(en.ok());
  EXPECT_EQ(en->Column(ImportKind::kCustomers, "external_id"), 3);
  EXPECT_EQ(en->Column(ImportKind::kCustomers, "city"), 2);
  auto orders =
      MapHeader(ImportKind::kOrders,
                {"订单号", "客户编号", "订单日期", "配件号", "数量", "单价", "金额(元)"}, {});
  ASSERT_TRUE(orders.ok()) << orders.status().ToString();
  EXPECT_EQ(orders->Column(ImportKind::kOrders, "amount"), 6);
  EXPECT_EQ(orders->Column(ImportKind::kOrders, "unit_price"), 5);
}

TEST(ImportFieldsTest, MappingFileOverridesAndErrorsNameTheColumns) {
  auto overrides = ParseMapping(ImportKind::kCustomers,
                                R"({"店铺": "name", "旧系统ID": "external_id", "名称": ""})");
  ASSERT_TRUE(overrides.ok()) << overrides.status().ToString();
  auto map = MapHeader(ImportKind::kCustomers, {"旧系统ID", "名称", "店铺"}, *overrides);
  ASSERT_TRUE(map.ok()) << map.status().ToString();
  EXPECT_EQ(map->Column(ImportKind::kCustomers, "name"), 2);
  EXPECT_EQ(map->Column(ImportKind::kCustomers, "external_id"), 0);
  auto bad = ParseMapping(ImportKind::kCustomers, R"({"店铺": "nom"})");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("no field \"nom\""), std::string::npos);
  EXPECT_FALSE(ParseMapping(ImportKind::kCustomers, "[1,2]").ok());
  auto twice = MapHeader(ImportKind::kCustomers, {"名称", "客户名称"}, {});
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.status().message().find("columns A (\"名称\") and B (\"客户名称\")"),
            std::string::npos)
      << twice.status().message();
  auto none = MapHeader(ImportKind::kCustomers, {"foo", "bar"}, {});
  ASSERT_FALSE(none.ok());
  auto no_customer = MapHeader(ImportKind::kOrders, {"订单日期", "金额"}, {});
  ASSERT_FALSE(no_customer.ok());
  EXPECT_NE(no_customer.status().message().find("customer"), std::string::npos);
}

// The one field table gives each kind its fields in export order, shared fields included.
TEST(ImportFieldsTest, EachKindHasItsFieldsInExportOrder) {
  auto keys = [](ImportKind kind) {
    std::vector<std::string> out;
    for (const FieldSpec& f : FieldsOf(kind)) out.push_back(f.key);
    return out;
  };
  EXPECT_EQ(keys(ImportKind::kOrders),
            (std::vector<std::string>{"external_id", "customer_ref", "customer_phone", "order_date",
                                      "part_no", "description", "quantity", "unit_price", "amount",
                                      "currency", "notes", "rep"}));
  EXPECT_EQ(keys(ImportKind::kCustomers).front(), "external_id");
  EXPECT_EQ(keys(ImportKind::kCustomers).back(), "rep");
  EXPECT_EQ(keys(ImportKind::kVisits).back(), "rep");
  EXPECT_EQ(keys(ImportKind::kProducts).front(), "part_number");
  EXPECT_EQ(keys(ImportKind::kContacts).size(), 11u);
  // A bare 电话 is the customer's phone on an order, the contact's own phone on a contact.
  auto order = MapHeader(ImportKind::kOrders, {"电话", "订单日期", "金额"}, {});
  ASSERT_TRUE(order.ok());
  EXPECT_EQ(order->Column(ImportKind::kOrders, "customer_phone"), 0);
  auto contact = MapHeader(ImportKind::kContacts, {"客户编号", "电话"}, {});
  ASSERT_TRUE(contact.ok());
  EXPECT_EQ(contact->Column(ImportKind::kContacts, "phone"), 1);
  EXPECT_EQ(FieldsOf(ImportKind::kOrders)[3].type, FieldType::kDate);
  EXPECT_STREQ(FieldsOf(ImportKind::kOrders)[3].zh, "订单日期");
}

// For a preview: what MapHeader refuses is still shown as far as it goes, with the reason.
TEST(ImportFieldsTest, DetectHeaderShowsWhatMapHeaderRefuses) {
  Status problem;
  HeaderMap map = DetectHeader(ImportKind::kCustomers, {"名称", "客户名称", "手机"}, {}, &problem);
  ASSERT_FALSE(problem.ok());
  EXPECT_NE(problem.message().find("both mean name"), std::string::npos) << problem.message();
  EXPECT_EQ(map.field_of_column[0], FieldIndex(ImportKind::kCustomers, "name"));
  EXPECT_EQ(map.field_of_column[1], -1);
  EXPECT_EQ(map.field_of_column[2], FieldIndex(ImportKind::kCustomers, "phone"));
  HeaderMap none = DetectHeader(ImportKind::kCustomers, {"foo"}, {}, &problem);
  EXPECT_FALSE(problem.ok());
  EXPECT_EQ(none.field_of_column[0], -1);
  DetectHeader(ImportKind::kCustomers, {"名称"}, {}, &problem);
  EXPECT_TRUE(problem.ok());
}

// A header cell named in an error (its English and its error_values) is cut to 64 bytes on a
// character boundary: a sheet's header cells may be 1 MiB each (issue #19).
TEST(ImportFieldsTest, HeaderCellsInErrorsAreCut) {
  std::string huge = "客户名称（";  // 15 bytes; then 3-byte characters, one across byte 64
  while (huge.size() < (1u << 20)) huge += "长";
  huge += "）";
  const std::string shown = huge.substr(0, 63) + "…";
  Status problem;
  DetectHeader(ImportKind::kCustomers, {huge, huge}, {}, &problem);
  ASSERT_FALSE(problem.ok());
  ASSERT_NE(problem.phrase(), nullptr);
  ASSERT_EQ(problem.phrase()->code, "http_import_columns_clash");
  for (const auto& [name, value] : problem.phrase()->values) {
    if (name == "first_header" || name == "second_header") EXPECT_EQ(value, shown) << name;
    EXPECT_TRUE(IsValidUtf8(value)) << name;
  }
  EXPECT_LT(problem.message().size(), 400u);
  EXPECT_EQ(problem.message(),
            "columns A (\"" + shown + "\") and B (\"" + shown +
                "\") both mean name; map one of them to another field or to \"\" in a --mapping "
                "file");
  // A short header is named whole; so is one of exactly 64 bytes.
  DetectHeader(ImportKind::kCustomers, {"名称", "客户名称"}, {}, &problem);
  EXPECT_NE(problem.message().find("(\"客户名称\")"), std::string::npos) << problem.message();
  EXPECT_EQ(Utf8Prefix(std::string(64, 'x'), 64), std::string(64, 'x'));
  EXPECT_EQ(Utf8Prefix(std::string(65, 'x'), 64), std::string(64, 'x') + "…");
  // The mapping file's headers too.
  auto mapping = ParseMapping(ImportKind::kCustomers, "{\"" + std::string(5000, 'h') + "\": 7}");
  ASSERT_FALSE(mapping.ok());
  EXPECT_LT(mapping.status().message().size(), 200u);
  ASSERT_NE(mapping.status().phrase(), nullptr);
  EXPECT_EQ(mapping.status().phrase()->values.at(0).second, std::string(64, 'h') + "…");
}

TEST(ImportValuesTest, DatesAsExcelWritesThem) {
  for (const char* text : {"2026/11/23", "2026-11-23", "2026.11.23", "2026年11月23日", "46349",
                           "2026/11/23 14:30", "20261123", " 2026-11-23T08:00:00Z "}) {
    auto d = ParseImportDate(text);
    ASSERT_TRUE(d.ok()) << text << ": " << d.status().ToString();
    EXPECT_EQ(*d, "2026-11-23") << text;
  }
  EXPECT_EQ(*ParseImportDate("2026/1/5"), "2026-01-05");
  EXPECT_EQ(*ParseImportDateTime("2026/11/23 14:30"), "2026-11-23T14:30:00Z");
  EXPECT_EQ(*ParseImportDateTime("46349.5"), "2026-11-23T12:00:00Z");
  for (const char* text : {"2026/13/01", "2026-02-30", "23/11/2026", "yesterday", "", "2026-11",
                           "2026-11-23 25:00", "0"}) {
    EXPECT_FALSE(ParseImportDate(text).ok()) << text;
  }
  EXPECT_TRUE(ParseImportDate("2024-02-29").ok());
  EXPECT_FALSE(ParseImportDate("2025-02-29").ok());
}

TEST(ImportValuesTest, AmountsWithCurrencySignsAndSeparators) {
  const std::pair<const char*, int64_t> cases[] = {{"1234.5", 123450},
                                                   {"¥1,234.50", 123450},
                                                   {"￥12元", 1200},
                                                   {"1,234,567", 123456700},
                                                   {"-8.00", -800},
                                                   {"(8.00)", -800},
                                                   {"1.2万", 1200000},
                                                   {"RMB 99.9", 9990},
                                                   {"12.300000000000001", 1230},
                                                   {"0", 0},
                                                   {" 7 元 ", 700}};
  for (const auto& [text, cents] : cases) {
    auto v = ParseAmountCents(text);
    ASSERT_TRUE(v.ok()) << text << ": " << v.status().ToString();
    EXPECT_EQ(*v, cents) << text;
  }
  for (const char* text : {"", "abc", "1,23", "12.345", "1.2.3", "¥", "99999999999999999999"}) {
    EXPECT_FALSE(ParseAmountCents(text).ok()) << text;
  }
  EXPECT_EQ(*ParseQuantity("1,200"), 1200);
  EXPECT_EQ(*ParseQuantity("3.0"), 3);
  EXPECT_FALSE(ParseQuantity("2.5").ok());
  EXPECT_FALSE(ParseQuantity("-1").ok());
}

TEST(ImportValuesTest, PhonesFlagsAndEnumerations) {
  EXPECT_EQ(*ParsePhone("1.3800138001E+10"), "13800138001");
  EXPECT_EQ(*ParsePhone("13800138000.0"), "13800138000");
  EXPECT_EQ(*ParsePhone(" 020-8888 6666 "), "020-8888 6666");
  EXPECT_EQ(*ParseFlag("是"), 1);
  EXPECT_EQ(*ParseFlag("No"), 0);
  EXPECT_FALSE(ParseFlag("maybe").ok());
  EXPECT_EQ(*ParseEnum("customer_type", "修理厂"), "garage");
  EXPECT_EQ(*ParseEnum("customer_type", "Dealer"), "dealer");
  EXPECT_EQ(*ParseEnum("relationship", "老客户"), "existing");
  EXPECT_EQ(*ParseEnum("purchase_stage", "决策"), "deciding");
  auto bad = ParseEnum("relationship", "朋友");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("potential"), std::string::npos);
  EXPECT_EQ(TrimCell("\xE3\x80\x80鑫达 \t"), "鑫达");
}

}  // namespace
}  // namespace fieldbook::server
