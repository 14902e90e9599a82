#include "auth/login_throttle.h"

#include <gtest/gtest.h>

#include <string>

namespace fieldbook::server {
namespace {

TEST(LoginThrottleTest, FreeAttemptsThenDoublingDelaysCappedAtTheMaximum) {
  LoginThrottle t(LoginThrottleOptions{
      .free_per_account = 3, .free_per_address = 100, .base_delay_ms = 1000, .max_delay_ms = 5000});
  int64_t now = 1'000'000;
  EXPECT_EQ(t.Begin("mgr", "10.0.0.1", now), 0);
  EXPECT_EQ(t.Begin("mgr", "10.0.0.1", now), 0);
  EXPECT_EQ(t.Begin("mgr", "10.0.0.1", now), 0);  // the third locks for 1 s
  EXPECT_EQ(t.Begin("mgr", "10.0.0.1", now), 1000);
  EXPECT_EQ(t.Begin("mgr", "10.0.0.2", now + 400), 600);  // any address: the account is locked
  now += 1000;
  EXPECT_EQ(t.Begin("mgr", "10.0.0.1", now), 0);  // the fourth: 2 s
  EXPECT_EQ(t.Begin("mgr", "10.0.0.1", now + 1999), 1);
  now += 2000;
  EXPECT_EQ(t.Begin("mgr", "10.0.0.1", now), 0);  // 4 s
  now += 4000;
  EXPECT_EQ(t.Begin("mgr", "10.0.0.1", now), 0);  // 8 s, capped at 5 s
  EXPECT_EQ(t.Begin("mgr", "10.0.0.1", now), 5000);
  // Another account is not affected.
  EXPECT_EQ(t.Begin("other", "10.0.0.3", now), 0);
}

TEST(LoginThrottleTest, SuccessClearsTheAccountAndAddressesCountOnlyFailures) {
  LoginThrottle t(LoginThrottleOptions{.free_per_account = 2, .free_per_address = 3});
  EXPECT_EQ(t.Begin("mgr", "a", 0), 0);
  EXPECT_EQ(t.Begin("mgr", "a", 0), 0);
  EXPECT_GT(t.Begin("mgr", "a", 0), 0);  // the account, counted as each attempt began
  EXPECT_EQ(t.Begin("mgr", "a", 1000), 0);
  t.Succeeded("mgr");
  EXPECT_EQ(t.Begin("mgr", "a", 1000), 0);  // afresh
  t.Succeeded("mgr");
  // Right passwords never count against an address, however many.
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(t.Begin("user-" + std::to_string(i), "office", 1000), 0);
    t.Succeeded("user-" + std::to_string(i));
  }
  // Failures from one address lock it for every account, from the third on.
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(t.Begin("guess-" + std::to_string(i), "b", 2000), 0);
    t.Failed("b", 2000);
  }
  EXPECT_EQ(t.Begin("mgr", "b", 2000), 1000);
  EXPECT_EQ(t.Begin("mgr", "c", 2000), 0);
}

TEST(LoginThrottleTest, QuietKeysAreForgottenAndMemoryIsBounded) {
  LoginThrottle t(LoginThrottleOptions{.free_per_account = 1,
                                       .free_per_address = 1000000,
                                       .base_delay_ms = 10,
                                       .max_delay_ms = 10,
                                       .forget_after_ms = 1000,
                                       .max_keys = 100});
  for (int i = 0; i < 1000; ++i) {
    EXPECT_EQ(t.Begin("acct-" + std::to_string(i), "addr", i), 0);
    EXPECT_LE(t.KeysForTesting(), 101u);
  }
  // A key with no attempt for forget_after starts afresh.
  LoginThrottle u(LoginThrottleOptions{.free_per_account = 2, .forget_after_ms = 1000});
  EXPECT_EQ(u.Begin("mgr", "a", 0), 0);
  EXPECT_EQ(u.Begin("mgr", "a", 5000), 0);
  EXPECT_EQ(u.Begin("mgr", "a", 5000), 0);  // counted afresh: this is the second, which locks
  EXPECT_GT(u.Begin("mgr", "a", 5000), 0);
}

}  // namespace
}  // namespace fieldbook::server
