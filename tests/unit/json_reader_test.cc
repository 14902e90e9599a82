// JsonReader (fieldbook/json_reader.h) as the client's readers of the server's answers use it
// (pool_sync, rep_reports, review_status): every typed read checks the type and the bounds, and
// names the field when it fails.
#include "fieldbook/json_reader.h"

#include <gtest/gtest.h>

#include <string>

namespace fieldbook::client {
namespace {

namespace json = boost::json;

json::object Object(const std::string& text) {
  auto o = ParseJsonObject(text, "the test answer");
  EXPECT_TRUE(o.ok()) << o.status().ToString();
  return o.ok() ? *o : json::object();
}

std::string Message(const Status& s) { return s.message(); }

TEST(JsonReaderTest, OnlyJsonObjectsParse) {
  EXPECT_TRUE(ParseJsonObject(R"({"a":1})", "x").ok());
  for (const char* bad : {"", "[1,2]", "7", "{\"a\":", "not json"}) {
    auto o = ParseJsonObject(bad, "the pool answer");
    EXPECT_EQ(o.status().code(), StatusCode::kCorrupt) << bad;
    EXPECT_EQ(Message(o.status()), "the pool answer is not a JSON object") << bad;
  }
}

TEST(JsonReaderTest, TextsAreBoundedAndOptionalOnesMayBeMissingOrNull) {
  const json::object o = Object(R"({"name":"鑫达","long":"abcdefghijk","n":5,"none":null})");
  JsonReader r(o, "answer", 10);
  EXPECT_EQ(*r.Text("name"), "鑫达");
  EXPECT_EQ(Message(r.Text("long").status()), "answer.long must be a text of at most 10 bytes");
  EXPECT_EQ(r.Text("n").status().code(), StatusCode::kCorrupt);
  EXPECT_EQ(r.Text("missing").status().code(), StatusCode::kCorrupt);
  EXPECT_EQ(r.Text("none").status().code(), StatusCode::kCorrupt);
  EXPECT_EQ(*r.Text("missing", true), "");
  EXPECT_EQ(*r.Text("none", true), "");
  EXPECT_EQ(r.Text("long", true).status().code(), StatusCode::kCorrupt);  // still bounded
}

TEST(JsonReaderTest, DatesAreCalendarDates) {
  const json::object o =
      Object(R"({"day":"2026-11-23","bad":"2026-02-30","empty":"","none":null})");
  JsonReader r(o, "w", 100);
  EXPECT_EQ(*r.Date("day"), "2026-11-23");
  EXPECT_EQ(Message(r.Date("bad").status()), "w.bad must be a date YYYY-MM-DD");
  EXPECT_EQ(r.Date("empty").status().code(), StatusCode::kCorrupt);
  EXPECT_EQ(*r.Date("empty", true), "");
  EXPECT_EQ(*r.Date("none", true), "");
  EXPECT_EQ(r.Date("bad", true).status().code(), StatusCode::kCorrupt);
}

TEST(JsonReaderTest, NumbersAreWholeAndNotNegative) {
  const json::object o = Object(
      R"({"n":42,"zero":0,"neg":-1,"frac":1.5,"text":"3","huge":18446744073709551615,"nil":null})");
  JsonReader r(o, "policy", 100);
  EXPECT_EQ(*r.Int("n"), 42);
  EXPECT_EQ(*r.Int("zero"), 0);
  for (const char* bad : {"neg", "frac", "text", "huge", "nil", "missing"}) {
    EXPECT_EQ(Message(r.Int(bad).status()),
              std::string("policy.") + bad + " must be a whole number");
  }
  EXPECT_EQ(*r.IntOrNull("n"), std::optional<int64_t>(42));
  EXPECT_EQ(*r.IntOrNull("nil"), std::nullopt);
  EXPECT_EQ(*r.IntOrNull("missing"), std::nullopt);
  EXPECT_EQ(r.IntOrNull("neg").status().code(), StatusCode::kCorrupt);
}

TEST(JsonReaderTest, BoolsListsAndObjects) {
  const json::object o =
      Object(R"({"yes":true,"num":1,"list":[1,2,3],"map":{"A":1,"B":2},"nil":null})");
  JsonReader r(o, "answer", 100);
  EXPECT_TRUE(*r.Bool("yes", false));
  EXPECT_TRUE(*r.Bool("missing", true));
  EXPECT_FALSE(*r.Bool("missing", false));
  EXPECT_EQ(Message(r.Bool("num", false).status()), "answer.num must be true or false");

  EXPECT_EQ((*r.Array("list", 3))->size(), 3u);
  EXPECT_EQ(Message(r.Array("list", 2).status()), "answer.list must be a list of at most 2");
  EXPECT_EQ(r.Array("missing", 5).status().code(), StatusCode::kCorrupt);
  EXPECT_TRUE((*r.Array("missing", 5, true))->empty());
  EXPECT_EQ(r.Array("nil", 5, true).status().code(), StatusCode::kCorrupt);  // null is not absent

  EXPECT_EQ((*r.Object("map", 2))->size(), 2u);
  EXPECT_EQ(Message(r.Object("map", 1).status()),
            "answer.map must be an object of at most 1 entries");
  EXPECT_EQ(r.Object("list", 5).status().code(), StatusCode::kCorrupt);
  EXPECT_EQ(Message(r.Bad("regions", "a list of region codes")),
            "answer.regions must be a list of region codes");
}

}  // namespace
}  // namespace fieldbook::client
