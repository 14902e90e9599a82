// WriteJson / ReadJson (fieldbook/json.h): every double survives the trip through JSON text
// exactly, ordinary amounts print in plain decimals, and reals stay reals.
#include "fieldbook/json.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "fieldbook/grading.h"
#include "fieldbook/value.h"
#include "json_text.h"

namespace fieldbook {
namespace {

namespace json = boost::json;

double ReadBack(const std::string& text) {
  boost::system::error_code ec;
  json::value v = ReadJson(text, ec);
  EXPECT_FALSE(ec) << text << ": " << ec.message();
  EXPECT_TRUE(v.is_double()) << text;
  return v.is_double() ? v.get_double() : std::numeric_limits<double>::quiet_NaN();
}

bool SameBits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// ReasonsJson appends its text directly (issue #17: a regrade writes one per customer); it must
// give the bytes of the JSON value it stands for, for every reason a grading writes and for text
// that needs escapes.
TEST(JsonTest, GradeReasonsJsonIsTheJsonOfTheReasons) {
  // The JSON value the reasons stand for: rule, code (when there is one), detail, then each value
  // (issue #19).
  auto expected = [](const Grade& g, int version) {
    boost::json::array reasons;
    for (const GradeReason& r : g.reasons) {
      boost::json::object o{{"rule", r.rule}};
      if (!r.code.empty()) o["code"] = r.code;
      o["detail"] = r.detail;
      for (const auto& [name, value] : r.values) {
        boost::system::error_code ec;
        boost::json::value number = ReadJson(value, ec);
        // A number when it reads back as the same text ("4.70" yes, "1.00" no: it stays text).
        const bool same =
            !ec && number.is_number() && NumberText(number.to_number<double>()) == value;
        o[name] = same ? number : boost::json::value(value);
      }
      reasons.push_back(std::move(o));
    }
    return boost::json::value(
        boost::json::object{{"rules_version", version}, {"reasons", reasons}});
  };
  auto parsed = [](const std::string& text) {
    boost::system::error_code ec;
    boost::json::value v = ReadJson(text, ec);
    EXPECT_FALSE(ec) << text;
    return v;
  };
  Grade none;
  EXPECT_EQ(none.ReasonsJson(0), "{\"rules_version\":0,\"reasons\":[]}");
  EXPECT_EQ(none.ReasonsJson(0), WriteJson(expected(none, 0)));
  Grade odd;
  odd.reasons = {{"tier", "A: \"quoted\" \\ back\tslash\n\x01 \xc2\xa5 高 客单", "", {}},
                 {"", "", "", {}}};
  // Reasons without codes (rows from before codes): the same bytes.
  EXPECT_EQ(odd.ReasonsJson(7), WriteJson(expected(odd, 7)));
  const int32_t today = *ParseDay("2026-11-23");
  CustomerHistory c{"c1", today - 400, "potential", "interested", {}, {today - 3}, {2}};
  for (int d = 300; d >= 10; d -= 14)
    c.orders.push_back({"o" + std::to_string(d), today - d, 420000, "", false});
  CustomerHistory quiet{"c2", today - 20, "", "", {}, {}, {}};
  std::vector<Grade> grades = GradeCustomers({c, quiet}, GradingRules{}, today);
  for (const Grade& g : grades) {
    ASSERT_GE(g.reasons.size(), 2u);
    EXPECT_EQ(parsed(g.ReasonsJson(3)), expected(g, 3)) << g.ReasonsJson(3);
  }
}

TEST(JsonTest, TheIssuesAmountRoundTripsInPlainDecimals) {
  const double amount = -13.616440703859283;
  const std::string text = WriteJson(json::value(amount));
  EXPECT_EQ(text, "-13.616440703859283");
  EXPECT_TRUE(SameBits(ReadBack(text), amount));
  // Boost's own parser (1.81) reads this text one unit in the last place off; ours does not.
  boost::system::error_code ec;
  EXPECT_TRUE(SameBits(ReadJson("-1.3616440703859283E1", ec).get_double(), amount));
}

TEST(JsonTest, TypicalAmountsPrintAsPeopleWriteThem) {
  EXPECT_EQ(WriteJson(json::value(128.5)), "128.5");
  EXPECT_EQ(WriteJson(json::value(19.99)), "19.99");
  EXPECT_EQ(WriteJson(json::value(0.1)), "0.1");
  EXPECT_EQ(WriteJson(json::value(120.0)), "120.0");  // a real stays a real
  EXPECT_EQ(WriteJson(json::value(1234567.0)), "1234567.0");
  EXPECT_EQ(WriteJson(json::value(99999999.99)), "99999999.99");
  EXPECT_EQ(WriteJson(json::value(-0.000001)), "-0.000001");
  EXPECT_EQ(WriteJson(json::value(0.0)), "0.0");
  EXPECT_EQ(WriteJson(json::value(23.1291)), "23.1291");
  EXPECT_EQ(WriteJson(json::value(113.2644)), "113.2644");
  EXPECT_EQ(WriteJson(json::value(1e20)), "100000000000000000000.0");
  // Outside ordinary magnitudes the exponent form is the shortest exact text.
  EXPECT_EQ(WriteJson(json::value(1e-7)), "1e-07");
  EXPECT_EQ(WriteJson(json::value(1e300)), "1e+300");
  EXPECT_EQ(WriteJson(json::value(std::numeric_limits<double>::infinity())), "null");
  EXPECT_EQ(WriteJson(json::value(std::nan(""))), "null");
  // Cents of every price from 0.00 to 999.99 print with at most two decimals and read back.
  for (int cents = 0; cents < 100000; ++cents) {
    const double price = cents / 100.0;
    const std::string text = WriteJson(json::value(price));
    ASSERT_EQ(text.find_first_of("eE"), std::string::npos) << text;
    ASSERT_LE(text.size() - text.find('.'), 3u) << text;
    ASSERT_TRUE(SameBits(ReadBack(text), price)) << text;
  }
}

TEST(JsonTest, RandomDoublesRoundTripExactly) {
  std::mt19937_64 rng(20261206);
  std::uniform_real_distribution<double> amounts(-1e7, 1e7);
  std::uniform_real_distribution<double> coordinates(-180, 180);
  for (int i = 0; i < 200000; ++i) {
    double d = 0;
    switch (i % 3) {
      case 0: {  // any bit pattern that is a finite double
        uint64_t bits = rng();
        std::memcpy(&d, &bits, sizeof d);
        if (!std::isfinite(d)) continue;
        break;
      }
      case 1:
        d = amounts(rng);
        break;
      default:
        d = coordinates(rng);
    }
    const std::string text = WriteJson(json::value(d));
    const double magnitude = std::fabs(d);
    if (magnitude >= 1e-6 && magnitude < 1e21) {
      ASSERT_EQ(text.find_first_of("eE"), std::string::npos) << text;
    }
    ASSERT_TRUE(SameBits(ReadBack(text), d)) << text;
    // The same text inside a document.
    const std::string doc = WriteJson(json::object{{"v", d}, {"list", json::array{d, 1, "x"}}});
    boost::system::error_code ec;
    json::value back = ReadJson(doc, ec);
    ASSERT_FALSE(ec) << doc;
    ASSERT_TRUE(SameBits(back.at("v").get_double(), d)) << doc;
    ASSERT_TRUE(SameBits(back.at("list").at(0).get_double(), d)) << doc;
    // And the replica's value writer (review payloads, the canonical export) agrees.
    std::string value_text;
    AppendJsonValue(value_text, Value(d));
    ASSERT_EQ(value_text, text);
  }
}

TEST(JsonTest, DocumentsRoundTripAndMalformedTextIsRefused) {
  const std::string doc =
      R"({"name":"鑫达汽修厂 \"A\"\n","n":-42,"big":18446744073709551615,"ok":true,)"
      R"("none":null,"lines":[{"qty":4,"price":128.5}],"empty":{}})";
  boost::system::error_code ec;
  json::value v = ReadJson(doc, ec);
  ASSERT_FALSE(ec);
  EXPECT_EQ(v.at("n").as_int64(), -42);
  EXPECT_EQ(v.at("big").as_uint64(), 18446744073709551615u);
  EXPECT_EQ(WriteJson(v), doc);
  EXPECT_TRUE(ReadJson("  [1, 2.5]  ", ec).is_array());
  EXPECT_FALSE(ec);
  for (const char* bad : {"", "{", "[1,]", "{\"a\":1} x", "01", "1.", "nan", "[1e]"}) {
    json::value r = ReadJson(bad, ec);
    EXPECT_TRUE(ec) << bad;
    EXPECT_TRUE(r.is_null()) << bad;
  }
  // Deep nesting is refused, not a stack overflow.
  EXPECT_TRUE(ReadJson(std::string(100000, '['), ec).is_null());
  EXPECT_TRUE(ec);
}

}  // namespace
}  // namespace fieldbook
