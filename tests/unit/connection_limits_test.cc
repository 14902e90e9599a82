#include "http/connection_limits.h"

#include <gtest/gtest.h>

#include <vector>

namespace fieldbook::server {
namespace {

using Kind = ConnectionLimits::Kind;

ConnectionLimitOptions Small() {
  ConnectionLimitOptions o;
  o.max_connections = 4;
  o.max_per_address = 2;
  o.max_overflow = 3;
  o.max_overflow_per_address = 2;
  o.max_body_bytes_in_flight = 100;
  return o;
}

TEST(ConnectionLimits, AdmitsUpToThePerAddressLimitThenOverflowsThenDrops) {
  ConnectionLimits limits(Small());
  std::vector<ConnectionLimits::Slot> slots;
  slots.push_back(limits.Admit("10.0.0.1"));
  slots.push_back(limits.Admit("10.0.0.1"));
  EXPECT_EQ(slots[0].kind(), Kind::kAdmitted);
  EXPECT_EQ(slots[1].kind(), Kind::kAdmitted);
  slots.push_back(limits.Admit("10.0.0.1"));
  EXPECT_EQ(slots[2].kind(), Kind::kOverflow);
  EXPECT_STREQ(slots[2].reason(), "per_address");
  slots.push_back(limits.Admit("10.0.0.1"));
  EXPECT_EQ(slots[3].kind(), Kind::kOverflow);
  ConnectionLimits::Slot dropped = limits.Admit("10.0.0.1");
  EXPECT_EQ(dropped.kind(), Kind::kDropped);
  EXPECT_EQ(limits.admitted(), 2u);
  EXPECT_EQ(limits.overflow(), 2u);

  // Another address still gets in.
  EXPECT_EQ(limits.Admit("10.0.0.2").kind(), Kind::kAdmitted);
  EXPECT_EQ(limits.admitted(), 2u) << "the temporary slot gave its place back";

  slots.erase(slots.begin());  // one admitted connection from 10.0.0.1 closes
  EXPECT_EQ(limits.Admit("10.0.0.1").kind(), Kind::kAdmitted);
}

TEST(ConnectionLimits, TotalLimitOverflowsWithItsOwnReason) {
  ConnectionLimits limits(Small());
  std::vector<ConnectionLimits::Slot> slots;
  for (const char* address : {"a", "a", "b", "b"}) slots.push_back(limits.Admit(address));
  for (const auto& slot : slots) EXPECT_EQ(slot.kind(), Kind::kAdmitted);
  ConnectionLimits::Slot over = limits.Admit("c");
  EXPECT_EQ(over.kind(), Kind::kOverflow);
  EXPECT_STREQ(over.reason(), "max_connections");
  ConnectionLimits::Slot over2 = limits.Admit("d");
  ConnectionLimits::Slot over3 = limits.Admit("e");
  EXPECT_EQ(over3.kind(), Kind::kOverflow);
  EXPECT_EQ(limits.Admit("f").kind(), Kind::kDropped) << "the overflow pool holds 3";
}

TEST(ConnectionLimits, SlotsMoveAndReleaseOnce) {
  ConnectionLimits limits(Small());
  {
    ConnectionLimits::Slot a = limits.Admit("x");
    ConnectionLimits::Slot b = std::move(a);
    ConnectionLimits::Slot c;
    c = std::move(b);
    EXPECT_EQ(limits.admitted(), 1u);
  }
  EXPECT_EQ(limits.admitted(), 0u);
}

TEST(ConnectionLimits, BodyBudgetIsSharedAndGivenBack) {
  ConnectionLimits limits(Small());
  auto a = limits.ReserveBody(60);
  ASSERT_TRUE(a.ok());
  auto b = limits.ReserveBody(41);
  EXPECT_FALSE(b.ok());
  auto c = limits.ReserveBody(40);
  EXPECT_TRUE(c.ok());
  EXPECT_EQ(limits.body_bytes_in_flight(), 100u);
  EXPECT_TRUE(limits.ReserveBody(0).ok());
  EXPECT_FALSE(limits.ReserveBody(SIZE_MAX).ok()) << "no overflow in the arithmetic";
  a.Release();
  EXPECT_EQ(limits.body_bytes_in_flight(), 40u);
  {
    auto d = limits.ReserveBody(60);
    EXPECT_TRUE(d.ok());
  }
  EXPECT_EQ(limits.body_bytes_in_flight(), 40u);
}

}  // namespace
}  // namespace fieldbook::server
