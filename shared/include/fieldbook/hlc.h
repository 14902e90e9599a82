// Hlc and HybridClock: hybrid logical timestamps that order every write in the system.
//
// An Hlc packs wall-clock milliseconds since the Unix epoch (48 bits) and a logical counter
// (16 bits) into one uint64, so timestamps compare as integers. Ties between equal Hlcs from
// different replicas are broken by the replica id (see Version in change_set.h).
//
// HybridClock issues strictly increasing Hlcs even when the wall clock steps backwards, and is
// monotonic across restarts when its owner persists Last() with every write that consumed a
// timestamp and passes it back as `floor` on start-up.
//
// Far-future timestamps: a remote Hlc whose physical part is more than `max_drift_ms` ahead of
// this clock's wall time is not adopted (Observe returns false and the clock keeps its own time),
// so one laptop set to next year cannot drag every other clock, or win every later conflict. The
// hub additionally re-stamps such changes on receipt (docs/sync.md).
//
// Thread safety: HybridClock is not thread-safe; each replica or hub owns one and serialises its
// use. WallClock implementations must be safe to call from the owning thread.
#ifndef FIELDBOOK_HLC_H_
#define FIELDBOOK_HLC_H_

#include <cstdint>
#include <string>

namespace fieldbook {

class Hlc {
 public:
  static constexpr int kLogicalBits = 16;
  static constexpr uint64_t kMaxLogical = (uint64_t{1} << kLogicalBits) - 1;
  static constexpr uint64_t kMaxPhysicalMs = (uint64_t{1} << (64 - kLogicalBits)) - 1;

  constexpr Hlc() = default;
  constexpr explicit Hlc(uint64_t packed) : packed_(packed) {}
  static constexpr Hlc FromParts(uint64_t physical_ms, uint64_t logical) {
    return Hlc((physical_ms << kLogicalBits) | (logical & kMaxLogical));
  }

  constexpr uint64_t packed() const { return packed_; }
  constexpr uint64_t physical_ms() const { return packed_ >> kLogicalBits; }
  constexpr uint64_t logical() const { return packed_ & kMaxLogical; }
  constexpr bool is_zero() const { return packed_ == 0; }

  // "2026-11-23T08:15:02.123Z#4": for logs and review lists.
  std::string ToString() const;

  friend constexpr auto operator<=>(Hlc, Hlc) = default;

 private:
  uint64_t packed_ = 0;
};

// Source of wall time, passed in so tests can fake it.
class WallClock {
 public:
  virtual ~WallClock() = default;
  virtual uint64_t NowMs() = 0;
};

// The operating system's realtime clock.
class SystemWallClock final : public WallClock {
 public:
  uint64_t NowMs() override;
};

class HybridClock {
 public:
  // Default bound on how far ahead of local wall time a remote timestamp may be and still be
  // adopted: five minutes covers ordinary clock error without letting a wrong date win.
  static constexpr uint64_t kDefaultMaxDriftMs = 5 * 60 * 1000;

  // `floor` is the last Hlc this clock issued or observed before a restart; every Hlc issued
  // from now on is greater than it.
  HybridClock(WallClock& wall, Hlc floor, uint64_t max_drift_ms = kDefaultMaxDriftMs);

  // A new timestamp, greater than every timestamp issued or adopted before.
  Hlc Now();

  // Folds a remote timestamp into this clock so later Now() values order after it. Returns false,
  // and changes nothing, when `remote` is too far ahead of wall time (see IsTooFarAhead).
  bool Observe(Hlc remote);

  // Folds a timestamp from a trusted authority (the hub) into this clock with no drift bound.
  void ObserveTrusted(Hlc remote);

  // Whether `remote` is more than max_drift_ms ahead of the current wall time.
  bool IsTooFarAhead(Hlc remote);

  Hlc Last() const { return last_; }
  uint64_t max_drift_ms() const { return max_drift_ms_; }
  uint64_t WallNowMs() { return wall_.NowMs(); }

 private:
  void Advance(Hlc at_least);

  WallClock& wall_;
  Hlc last_;
  uint64_t max_drift_ms_;
};

}  // namespace fieldbook

#endif  // FIELDBOOK_HLC_H_
