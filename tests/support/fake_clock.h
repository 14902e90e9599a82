// FakeWallClock: a wall clock tests move by hand.
#ifndef FIELDBOOK_TESTS_SUPPORT_FAKE_CLOCK_H_
#define FIELDBOOK_TESTS_SUPPORT_FAKE_CLOCK_H_

#include <cstdint>

#include "fieldbook/hlc.h"

namespace fieldbook::testing {

class FakeWallClock final : public WallClock {
 public:
  // 2026-11-23T00:00:00Z
  static constexpr uint64_t kDefaultStartMs = 1795392000000;
  explicit FakeWallClock(uint64_t start_ms = kDefaultStartMs) : now_ms_(start_ms) {}
  uint64_t NowMs() override { return now_ms_; }
  void Set(uint64_t ms) { now_ms_ = ms; }
  void Advance(uint64_t ms) { now_ms_ += ms; }

 private:
  uint64_t now_ms_;
};

}  // namespace fieldbook::testing

#endif  // FIELDBOOK_TESTS_SUPPORT_FAKE_CLOCK_H_
