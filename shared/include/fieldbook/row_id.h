// RowIdGenerator: globally unique ids for replicated rows, made offline by any replica.
// 32 lowercase hex digits: 48 bits of milliseconds (so ids sort roughly by creation time and
// inserts stay local in the B-tree) followed by 80 random bits.
//
// Thread safety: not thread-safe; one generator per thread.
#ifndef FIELDBOOK_ROW_ID_H_
#define FIELDBOOK_ROW_ID_H_

#include <cstdint>
#include <random>
#include <string>

#include "fieldbook/hlc.h"

namespace fieldbook {

class RowIdGenerator {
 public:
  // Seeded from std::random_device.
  explicit RowIdGenerator(WallClock& clock);
  // Deterministic, for tests and demo data.
  RowIdGenerator(WallClock& clock, uint64_t seed);

  std::string Next();

 private:
  WallClock& clock_;
  std::mt19937_64 rng_;
};

}  // namespace fieldbook

#endif  // FIELDBOOK_ROW_ID_H_
