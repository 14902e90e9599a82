// Small helpers the in-process benchmarks share: stop on a failed step, the machine's load.
//
// Thread safety: plain functions; call them from any thread.
#ifndef FIELDBOOK_TESTS_PERF_BENCH_UTIL_H_
#define FIELDBOOK_TESTS_PERF_BENCH_UTIL_H_

#include <cstdio>
#include <cstdlib>
#include <string>

#include "fieldbook/status.h"

namespace fieldbook::bench {

// Prints "what: error" and exits 1 unless `s` is ok (a benchmark cannot go on without its data).
inline void Check(const Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "%s: %s\n", what, s.ToString().c_str());
    std::exit(1);
  }
}

// The 1, 5 and 15 minute load averages, "12.34 11.20 9.87".
inline std::string LoadAverage() {
  double l[3] = {0, 0, 0};
  if (getloadavg(l, 3) != 3) return "?";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f %.2f %.2f", l[0], l[1], l[2]);
  return buf;
}

}  // namespace fieldbook::bench

#endif  // FIELDBOOK_TESTS_PERF_BENCH_UTIL_H_
