// What a fuzz target in tests/fuzz provides: LLVMFuzzerTestOneInput (libFuzzer's entry point,
// also driven by standalone_fuzz_driver.cc) and, optionally, FieldbookFuzzSeeds — valid inputs
// built in code (binary encodings that a committed corpus file would hide). Targets whose seeds
// are text keep them as files in tests/fuzz/corpus/<target>/ instead.
//
// Thread safety: libFuzzer and the standalone driver call the target from one thread.
#ifndef FIELDBOOK_TESTS_FUZZ_FUZZ_TARGET_H_
#define FIELDBOOK_TESTS_FUZZ_FUZZ_TARGET_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

// The target's built-in seeds; the standalone driver's weak default has none.
std::vector<std::string> FieldbookFuzzSeeds();

#endif  // FIELDBOOK_TESTS_FUZZ_FUZZ_TARGET_H_
