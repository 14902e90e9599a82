#include "auth/password_hash.h"

#include <gtest/gtest.h>

#include <string>

#include "api/console_api.h"
#include "store/console_store.h"

namespace fieldbook::server {
namespace {

TEST(PasswordHashTest, Argon2idHashesVerifyOnlyTheirPassword) {
  auto a = HashPassword("correct horse battery");
  auto b = HashPassword("correct horse battery");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0), 0u) << *a;
  EXPECT_NE(*a, *b);  // salted
  EXPECT_TRUE(VerifyPassword(*a, "correct horse battery"));
  EXPECT_FALSE(VerifyPassword(*a, "correct horse batterY"));
  EXPECT_FALSE(VerifyPassword(*a, ""));
  EXPECT_FALSE(VerifyPassword("", "correct horse battery"));
  EXPECT_FALSE(VerifyPassword("$argon2i$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaA", "x"));
  EXPECT_FALSE(VerifyPassword("$argon2id$garbage", "correct horse battery"));
}

TEST(PasswordHashTest, NewPasswordsAreCheckedForLengthAndLineBreaks) {
  EXPECT_TRUE(CheckNewPassword("0123456789").ok());
  EXPECT_FALSE(CheckNewPassword("012345678").ok());
  EXPECT_FALSE(CheckNewPassword(std::string(1025, 'x')).ok());
  EXPECT_TRUE(CheckNewPassword(std::string(1024, 'x')).ok());
  EXPECT_FALSE(CheckNewPassword("0123456789\n").ok());
  EXPECT_FALSE(CheckNewPassword(std::string("01234\0"
                                            "56789",
                                            11))
                   .ok());
  EXPECT_TRUE(CheckNewPassword("密码是中文的也可以").ok());
}

TEST(ConsoleCookieTest, CookieValueFindsTheNamedCookieOnly) {
  EXPECT_EQ(CookieValue("fb_session=abc", "fb_session"), "abc");
  EXPECT_EQ(CookieValue("a=1; fb_session=abc; b=2", "fb_session"), "abc");
  EXPECT_EQ(CookieValue("xfb_session=abc; fb_sessionx=def", "fb_session"), "");
  EXPECT_EQ(CookieValue("", "fb_session"), "");
  EXPECT_EQ(CookieValue(";;; =; fb_session", "fb_session"), "");
}

TEST(ConsoleCookieTest, CsrfTokensDependOnTheSessionAndRevealNothingOfIt) {
  auto s1 = NewSessionToken();
  auto s2 = NewSessionToken();
  ASSERT_TRUE(s1.ok() && s2.ok());
  EXPECT_EQ(s1->size(), 64u);
  EXPECT_NE(*s1, *s2);
  EXPECT_NE(CsrfTokenFor(*s1), CsrfTokenFor(*s2));
  EXPECT_EQ(CsrfTokenFor(*s1), CsrfTokenFor(*s1));
  EXPECT_EQ(CsrfTokenFor(*s1).find(*s1), std::string::npos);
  HttpRequest post;
  post.method = "POST";
  post.cookie = "fb_session=" + *s1;
  EXPECT_FALSE(ConsoleApi::CsrfOk(post));
  post.csrf_token = CsrfTokenFor(*s2);
  EXPECT_FALSE(ConsoleApi::CsrfOk(post));
  post.csrf_token = CsrfTokenFor(*s1);
  EXPECT_TRUE(ConsoleApi::CsrfOk(post));
  post.csrf_token.pop_back();
  EXPECT_FALSE(ConsoleApi::CsrfOk(post));
  HttpRequest get;
  get.method = "GET";
  EXPECT_TRUE(ConsoleApi::CsrfOk(get));
}

}  // namespace
}  // namespace fieldbook::server
