// WhoAmI: reading the server's answer to GET /v1/whoami (the asking itself runs against the real
// server in tests/integration/cli_integration_test.cc, `init`).
#include "sync/whoami.h"

#include <gtest/gtest.h>

namespace fieldbook::client {
namespace {

TEST(WhoAmITest, ReadsTheRepTheNameAndTheRole) {
  auto who = ParseWhoAmI(R"({"rep":"rep-a","name":"张伟","role":"rep","extra":[1,2]})");
  ASSERT_TRUE(who.ok()) << who.status().ToString();
  EXPECT_EQ(who->rep, "rep-a");
  EXPECT_EQ(who->name, "张伟");
  EXPECT_EQ(who->role, "rep");
  // Fields that are missing or not texts read as "".
  who = ParseWhoAmI(R"({"rep":"rep-b","name":7})");
  ASSERT_TRUE(who.ok());
  EXPECT_EQ(who->name, "");
  EXPECT_EQ(who->role, "");
}

TEST(WhoAmITest, AnAnswerWithoutARepIsRefused) {
  for (const char* body : {"", "[]", "null", R"({"name":"x"})", R"({"rep":""})", R"({"rep":42})",
                           R"({"rep":"rep-a")", "\xff\xfe"}) {
    auto who = ParseWhoAmI(body);
    ASSERT_FALSE(who.ok()) << body;
    EXPECT_EQ(who.status().code(), StatusCode::kRejected) << body;
    EXPECT_EQ(who.status().message(), "the server's answer to /v1/whoami names no rep");
  }
}

}  // namespace
}  // namespace fieldbook::client
