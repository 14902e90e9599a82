#include "auth/auth.h"

#include <gtest/gtest.h>

#include <set>

namespace fieldbook::server {
namespace {

TEST(Auth, TokensAreLongRandomAndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    auto t = NewDeviceToken();
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(t->size(), 4u + 64u);
    EXPECT_EQ(t->rfind("fbt_", 0), 0u);
    seen.insert(*t);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(Auth, HashIsSha256Hex) {
  EXPECT_EQ(HashToken("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_NE(HashToken("fbt_a"), HashToken("fbt_b"));
}

TEST(Auth, BearerHeaderParsing) {
  EXPECT_EQ(BearerToken("Bearer fbt_123"), "fbt_123");
  EXPECT_EQ(BearerToken("Bearer   fbt_123  "), "fbt_123");
  EXPECT_EQ(BearerToken("Basic abc"), "");
  EXPECT_EQ(BearerToken("Bearer "), "");
  EXPECT_EQ(BearerToken(""), "");
  EXPECT_EQ(BearerToken("Bearer " + std::string(300, 'x')), "");
}

}  // namespace
}  // namespace fieldbook::server
