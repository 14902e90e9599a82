// fieldbook/json_reader.h: bounded parsing, typed reads that name the field, both error styles,
// and the first-error collector of the rules readers.
#include "fieldbook/json_reader.h"
#include "fieldbook/lang_text.h"

#include <gtest/gtest.h>

#include <string>

namespace fieldbook {
namespace {

namespace json = boost::json;

json::object Object(const std::string& text) {
  auto o = ParseJsonObject(text, "the test answer");
  EXPECT_TRUE(o.ok()) << o.status().ToString();
  return o.ok() ? *o : json::object();
}

TEST(SharedJsonReaderTest, ParsingIsBoundedInSizeAndDepth) {
  EXPECT_TRUE(ParseJsonObject(R"({"a":[1,2,{"b":null}]})", "x").ok());
  for (const char* bad : {"", "[1,2]", "7", "{\"a\":", "not json", "{} {}", "{\"a\":1,}"}) {
    auto o = ParseJsonObject(bad, "the pool answer");
    EXPECT_EQ(o.status().code(), StatusCode::kCorrupt) << bad;
    EXPECT_EQ(o.status().message(), "the pool answer is not a JSON object") << bad;
  }
  // Deep nesting is refused while parsing, not after building a deep tree.
  const std::string deep = std::string(40, '[') + std::string(40, ']');
  EXPECT_FALSE(ParseJson(deep, "deep").ok());
  EXPECT_TRUE(ParseJson(deep, "deep", StatusCode::kCorrupt, JsonLimits{1 << 20, 64}).ok());
  const std::string deep_object = "{\"a\":" + deep + "}";
  EXPECT_EQ(ParseJsonObject(deep_object, "it").status().code(), StatusCode::kCorrupt);
  // Size: refused before parsing, with the limit named.
  const std::string big = "{\"a\":\"" + std::string(2000, 'x') + "\"}";
  auto too_big = ParseJson(big, "the body", StatusCode::kResourceExhausted, JsonLimits{1000, 32});
  EXPECT_EQ(too_big.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(too_big.status().message(), "the body is larger than 1000 bytes");
  EXPECT_TRUE(ParseJson(big, "the body", StatusCode::kCorrupt, JsonLimits{big.size(), 32}).ok());
  auto malformed = ParseJson("{\"a\":", "the rules", StatusCode::kInvalidArgument);
  EXPECT_EQ(malformed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(malformed.status().message().rfind("the rules is not valid JSON: ", 0), 0u);
  // Numbers keep their exact value.
  EXPECT_EQ(ParseJson("0.1", "n")->as_double(), 0.1);
}

// What a person wrote (issue #19): the value a reader sees is where the text stops being JSON,
// line and column in characters, never the parser's English; the message keeps that English.
TEST(SharedJsonReaderTest, APersonsTextThatIsNoJsonIsRefusedWithItsPlace) {
  const JsonRefusals refusals{"http_grading_rules_json", "http_grading_rules_too_large",
                              "grading rules are not valid JSON"};
  struct Case {
    std::string text;
    const char* line;
    const char* column;
  };
  const Case cases[] = {
      {"{", "1", "2"},                        // ends too soon
      {"{\"a\": 1,\n  \"b\" 2}", "2", "7"},   // a value without its colon
      {"{\"名字\": \"鑫达\" x}", "1", "13"},  // columns count characters
      {"{\"a\": 1}\n\n}", "3", "1"},          // more after the document
      {"{\"a\":\n[1,\n2,\n", "4", "1"},       // a list left open
  };
  for (const Case& c : cases) {
    const Status s = ParseJson(c.text, refusals).status();
    ASSERT_FALSE(s.ok()) << c.text;
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(s.message().rfind("grading rules are not valid JSON: ", 0), 0u) << s.message();
    ASSERT_NE(s.phrase(), nullptr);
    EXPECT_EQ(s.phrase()->code, "http_grading_rules_json");
    EXPECT_EQ(s.phrase()->values, (TextValues{{"line", c.line}, {"column", c.column}})) << c.text;
    EXPECT_EQ(SayRefusal(Lang::kChinese, *s.phrase()),
              std::string("评级规则不是有效的 JSON（第 ") + c.line + " 行第 " + c.column + " 列）");
  }
  const Status big = ParseJson("[1, 2, 3]", refusals, JsonLimits{8, 32}).status();
  EXPECT_EQ(big.message(), "grading rules are larger than 8 bytes");
  ASSERT_NE(big.phrase(), nullptr);
  EXPECT_EQ(big.phrase()->values, (TextValues{{"max", "8"}}));
  EXPECT_EQ(ParseJson("[1, 2, 3]", refusals, JsonLimits{9, 32})->as_array().size(), 3u);
}

TEST(SharedJsonReaderTest, TypedReadsNameTheField) {
  const json::object o = Object(
      R"({"name":"鑫达","long":"abcdefghijk","n":5,"neg":-1,"frac":2.5,"day":"2024-02-29",
          "bad_day":"2026-02-29","yes":true,"list":[1,2,3],"map":{"A":1},"nil":null})");
  JsonReader r(o, "answer", 10);
  EXPECT_EQ(*r.Text("name"), "鑫达");
  EXPECT_EQ(r.Text("long").status().message(), "answer.long must be a text of at most 10 bytes");
  EXPECT_EQ(r.Text("long").status().code(), StatusCode::kCorrupt);
  EXPECT_EQ(*r.Text("nil", true), "");
  EXPECT_EQ(*r.Date("day"), "2024-02-29");
  EXPECT_EQ(r.Date("bad_day").status().message(), "answer.bad_day must be a date YYYY-MM-DD");
  EXPECT_EQ(*r.Int("n"), 5);
  for (const char* bad : {"neg", "frac", "name", "nil", "missing"}) {
    EXPECT_EQ(r.Int(bad).status().message(),
              std::string("answer.") + bad + " must be a whole number");
  }
  EXPECT_EQ(*r.IntOrNull("nil"), std::nullopt);
  EXPECT_EQ(**r.Number("frac", 0, 3), 2.5);
  EXPECT_EQ(**r.Number("n", 0, 5), 5.0);
  EXPECT_EQ(*r.Number("missing", 0, 1), std::nullopt);
  EXPECT_EQ(r.Number("n", 0, 1).status().message(), "answer.n must be a number between 0 and 1");
  EXPECT_EQ(r.Number("name", 0, 1).status().code(), StatusCode::kCorrupt);
  EXPECT_TRUE(*r.Bool("yes", false));
  EXPECT_EQ(r.Bool("n", false).status().message(), "answer.n must be true or false");
  EXPECT_EQ((*r.Array("list", 3))->size(), 3u);
  EXPECT_EQ(r.Array("list", 2).status().message(), "answer.list must be a list of at most 2");
  EXPECT_TRUE((*r.Array("missing", 2, true))->empty());
  EXPECT_EQ(r.Object("map", 0).status().message(),
            "answer.map must be an object of at most 0 entries");
  auto child = r.Child("map", 5);
  ASSERT_TRUE(child.ok());
  EXPECT_EQ(child->where(), "answer.map");
  EXPECT_EQ(child->Text("A").status().message(), "answer.map.A must be a text of at most 10 bytes");
  EXPECT_EQ(child->OnlyKeys({"B"}).message(), "answer.map.A: unknown field");
  EXPECT_TRUE(child->OnlyKeys({"A", "B"}).ok());
}

TEST(SharedJsonReaderTest, RulesStyleIsInvalidArgumentWithAColon) {
  const json::object o = Object(R"({"pool":{"warn_days":"five"}})");
  JsonReader top(o, "", 32, JsonReader::kRules);
  auto pool = top.Child("pool", 10);
  ASSERT_TRUE(pool.ok());
  auto days = pool->Number("warn_days", 0, 365);
  EXPECT_EQ(days.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(days.status().message(), "pool.warn_days: must be a number between 0 and 365");
  EXPECT_EQ(top.OnlyKeys({"other"}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(top.OnlyKeys({"other"}).message(), "pool: unknown field");
}

TEST(SharedJsonReaderTest, JsonErrorsKeepsTheFirst) {
  JsonErrors errors;
  EXPECT_TRUE(errors.ok());
  const json::object o = Object(R"({"a":1,"zz":2,"yy":3})");
  errors.OnlyKeys(o, "top", {"a"});
  errors.Fail("later", "http_rule_required");
  EXPECT_EQ(errors.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(errors.status().message(), "top.zz: unknown field");
  // The error is a value (issue #19): its code and the field it names, the English made from them.
  ASSERT_NE(errors.status().phrase(), nullptr);
  EXPECT_EQ(errors.status().phrase()->code, "http_rule_unknown_field");
  EXPECT_EQ(errors.status().phrase()->values, (TextValues{{"field", "top.zz"}}));
  JsonErrors corrupt(StatusCode::kCorrupt);
  corrupt.Fail(JsonPath(JsonPath("", "tiers"), 2), "http_rule_not_object");
  EXPECT_EQ(corrupt.status().code(), StatusCode::kCorrupt);
  EXPECT_EQ(corrupt.status().message(), "tiers[2]: must be an object");
  JsonErrors range;
  range.Fail("window_days", "http_rule_between", {{"lo", "7"}, {"hi", "3650"}, {"value", "1"}});
  EXPECT_EQ(range.status().message(), "window_days: must be between 7 and 3650, not 1");
  EXPECT_EQ(SayRefusal(Lang::kChinese, *range.status().phrase()),
            "window_days：必须在 7 到 3650 之间，而不是 1");
}

TEST(SharedJsonReaderTest, AStoredObjectOrAnEmptyOne) {
  const json::object o = JsonObjectOrEmpty(R"({"rows":12,"ratio":0.1,"nested":{"a":[1,2]}})");
  EXPECT_EQ(o.at("rows").as_int64(), 12);
  EXPECT_EQ(o.at("ratio").as_double(), 0.1);
  EXPECT_EQ(o.at("nested").at("a").as_array().size(), 2u);
  std::string deep;
  for (int i = 0; i < 40; ++i) deep += "{\"a\":";
  deep += "1" + std::string(40, '}');
  for (const std::string& bad : {std::string(), std::string("not json"), std::string("[1,2]"),
                                 std::string("{\"a\":"), std::string("17"), deep}) {
    EXPECT_TRUE(JsonObjectOrEmpty(bad).empty()) << bad;
  }
}

TEST(SharedJsonReaderTest, NumbersOfEveryKind) {
  EXPECT_EQ(*JsonNumber(json::value(3)), 3.0);
  EXPECT_EQ(*JsonNumber(json::value(uint64_t{18446744073709551615u})), 18446744073709551615.0);
  EXPECT_EQ(*JsonNumber(json::value(0.5)), 0.5);
  EXPECT_FALSE(JsonNumber(json::value("3")).has_value());
  EXPECT_FALSE(JsonNumber(json::value(nullptr)).has_value());
  EXPECT_FALSE(JsonNumber(json::value(true)).has_value());
}

}  // namespace
}  // namespace fieldbook
