#include "fieldbook/hlc.h"

#include <chrono>

#include "fieldbook/dates.h"

namespace fieldbook {

std::string Hlc::ToString() const {
  std::string out = FormatIsoUtcMs(static_cast<int64_t>(physical_ms()));
  out += '#';
  out += std::to_string(logical());
  return out;
}

uint64_t SystemWallClock::NowMs() {
  using namespace std::chrono;
  return static_cast<uint64_t>(
      duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
}

HybridClock::HybridClock(WallClock& wall, Hlc floor, uint64_t max_drift_ms)
    : wall_(wall), last_(floor), max_drift_ms_(max_drift_ms) {}

void HybridClock::Advance(Hlc at_least) {
  if (at_least > last_) last_ = at_least;
}

Hlc HybridClock::Now() {
  uint64_t wall = wall_.NowMs();
  if (wall > Hlc::kMaxPhysicalMs) wall = Hlc::kMaxPhysicalMs;
  if (wall > last_.physical_ms()) {
    last_ = Hlc::FromParts(wall, 0);
  } else if (last_.logical() < Hlc::kMaxLogical) {
    last_ = Hlc(last_.packed() + 1);
  } else {
    // 65,536 timestamps in one millisecond: borrow the next millisecond.
    last_ = Hlc::FromParts(last_.physical_ms() + 1, 0);
  }
  return last_;
}

bool HybridClock::IsTooFarAhead(Hlc remote) {
  return remote.physical_ms() > wall_.NowMs() + max_drift_ms_;
}

bool HybridClock::Observe(Hlc remote) {
  if (IsTooFarAhead(remote)) return false;
  Advance(remote);
  return true;
}

void HybridClock::ObserveTrusted(Hlc remote) { Advance(remote); }

}  // namespace fieldbook
