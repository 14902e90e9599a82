#include "fieldbook/hlc.h"

#include <gtest/gtest.h>

#include "support/fake_clock.h"

namespace fieldbook {
namespace {

using testing::FakeWallClock;

TEST(Hlc, PacksPhysicalAndLogicalSoIntegersOrderLikeTimestamps) {
  const Hlc a = Hlc::FromParts(1000, 5);
  EXPECT_EQ(a.physical_ms(), 1000u);
  EXPECT_EQ(a.logical(), 5u);
  EXPECT_LT(Hlc::FromParts(1000, 65535), Hlc::FromParts(1001, 0));
  EXPECT_LT(Hlc::FromParts(1000, 1), Hlc::FromParts(1000, 2));
}

TEST(Hlc, ToStringShowsUtcTimeAndCounter) {
  EXPECT_EQ(Hlc::FromParts(FakeWallClock::kDefaultStartMs + 123, 4).ToString(),
            "2026-11-23T00:00:00.123Z#4");
}

TEST(HybridClock, FollowsWallTimeAndCountsWithinOneMillisecond) {
  FakeWallClock wall;
  HybridClock clock(wall, Hlc());
  const Hlc a = clock.Now();
  const Hlc b = clock.Now();
  EXPECT_EQ(a.physical_ms(), wall.NowMs());
  EXPECT_EQ(a.logical(), 0u);
  EXPECT_EQ(b.physical_ms(), wall.NowMs());
  EXPECT_EQ(b.logical(), 1u);
  wall.Advance(10);
  const Hlc c = clock.Now();
  EXPECT_EQ(c, Hlc::FromParts(wall.NowMs(), 0));
}

TEST(HybridClock, StaysMonotonicWhenTheWallClockStepsBack) {
  FakeWallClock wall;
  HybridClock clock(wall, Hlc());
  const Hlc before = clock.Now();
  wall.Advance(-60'000);  // NTP steps the clock back a minute
  const Hlc after = clock.Now();
  EXPECT_GT(after, before);
  EXPECT_EQ(after.physical_ms(), before.physical_ms());
}

TEST(HybridClock, LogicalOverflowBorrowsTheNextMillisecond) {
  FakeWallClock wall;
  HybridClock clock(wall, Hlc::FromParts(wall.NowMs(), Hlc::kMaxLogical - 1));
  const Hlc a = clock.Now();
  const Hlc b = clock.Now();
  EXPECT_EQ(a.logical(), Hlc::kMaxLogical);
  EXPECT_EQ(b, Hlc::FromParts(wall.NowMs() + 1, 0));
  EXPECT_GT(b, a);
}

TEST(HybridClock, ResumesAboveItsFloorAfterARestart) {
  FakeWallClock wall;
  Hlc last;
  {
    HybridClock clock(wall, Hlc());
    wall.Advance(5000);
    for (int i = 0; i < 3; ++i) last = clock.Now();
  }
  wall.Advance(-5000);  // the machine restarted with a clock that is behind
  HybridClock restarted(wall, last);
  EXPECT_GT(restarted.Now(), last);
}

TEST(HybridClock, AdoptsRemoteTimestampsWithinTheDriftBound) {
  FakeWallClock wall;
  HybridClock clock(wall, Hlc(), /*max_drift_ms=*/1000);
  const Hlc remote = Hlc::FromParts(wall.NowMs() + 900, 7);
  EXPECT_TRUE(clock.Observe(remote));
  EXPECT_GT(clock.Now(), remote);
}

TEST(HybridClock, RefusesAFarFutureTimestampSoItCannotDragTheClock) {
  FakeWallClock wall;
  HybridClock clock(wall, Hlc(), /*max_drift_ms=*/1000);
  const Hlc next_year = Hlc::FromParts(wall.NowMs() + 365ull * 24 * 3600 * 1000, 0);
  EXPECT_TRUE(clock.IsTooFarAhead(next_year));
  EXPECT_FALSE(clock.Observe(next_year));
  const Hlc now = clock.Now();
  EXPECT_LT(now, next_year);
  EXPECT_EQ(now.physical_ms(), wall.NowMs());
}

TEST(HybridClock, TrustedObservationHasNoBound) {
  FakeWallClock wall;
  HybridClock clock(wall, Hlc(), /*max_drift_ms=*/1000);
  const Hlc hub = Hlc::FromParts(wall.NowMs() + 3'600'000, 0);
  clock.ObserveTrusted(hub);
  EXPECT_GT(clock.Now(), hub);
}

}  // namespace
}  // namespace fieldbook
