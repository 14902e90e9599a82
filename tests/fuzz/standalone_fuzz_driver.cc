// A main() for fuzz targets when the compiler has no libFuzzer (gcc): replays corpus files, then
// runs deterministic pseudo-random mutations of built-in valid encodings. It is a regression and
// smoke test, not a coverage-guided fuzzer; use the clang build for real fuzzing.
//
//   change_set_decoder_standalone [--write-seeds=DIR] [FILE_OR_DIR...] [-libfuzzer_flag=value...]
//
// Every FILE, and every regular file directly inside a DIR, is passed to LLVMFuzzerTestOneInput.
// Then FIELDBOOK_FUZZ_RUNS (default 20000) mutants of the built-in seeds are. A failing input
// traps inside the target; the driver's signal handler then saves the input that was running to
// ./standalone-crash-input (replay it by passing that file) and the process dies of the signal.
// --write-seeds=DIR writes the seeds as files and exits: a starting corpus for the libFuzzer build.
// Arguments starting with a single '-' are libFuzzer flags and are ignored, so one command line
// serves both builds.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include "fieldbook/change_set_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace fieldbook {
namespace {

constexpr uint64_t kDefaultRuns = 20000;
constexpr uint64_t kMutationSeed = 0x6669656c64626f6f;  // "fieldboo": fixed, so runs repeat

ChangeSet SeedChangeSet() {
  ChangeSet set;
  set.set_id = "set-1";
  set.replica_id = "replica-a";
  set.cursor = 17;
  const uint32_t a = set.OriginIndex("replica-a");
  const uint32_t hub = set.OriginIndex("hub");
  const Hlc hlc = Hlc::FromParts(1'795'000'000'000, 2);
  set.rows.push_back(RowChange{"customers",
                               "c-1",
                               {{"name", std::string("鑫达汽修"), hlc, a},
                                {"credit_limit", int64_t{-5}, hlc, hub},
                                {"balance", 12.5, hlc, a},
                                {"notes", std::monostate{}, hlc, hub}}});
  // "ok" twice: a shared text. The second visit's versions differ: one is the row's, one not.
  set.rows.push_back(RowChange{"visits", "v-1", {{"outcome", std::string("ok"), hlc, a}}});
  set.rows.push_back(RowChange{"visits",
                               "v-2",
                               {{"outcome", std::string("ok"), Hlc(hlc.packed() + 1), hub},
                                {"customer_id", std::string("c-1"), hlc, a}}});
  return set;
}

std::vector<std::string> Seeds() {
  SyncRequest pull_only;
  pull_only.replica_id = "replica-a";
  pull_only.pull_cursor = 99;
  SyncRequest push;
  push.replica_id = "replica-a";
  push.has_push = true;
  push.push = SeedChangeSet();
  SyncResponse response;
  response.has_push_result = true;
  response.push_result.set_id = "set-1";
  response.push_result.rows_accepted = 1;
  response.push_result.rejections.push_back({"visits", "v-1", "immutable_fact", "已锁定"});
  response.push_result.restamps.push_back({"customers", "c-1", Hlc(42)});
  response.pull = SeedChangeSet();
  response.pull.evicted_customers = {"c-9", "c-10"};
  response.more = true;
  response.hub_time_ms = 1'795'000'000'000;
  // Verification (schema version 2): a device's digests, and the hub's repair.
  SyncRequest digests = pull_only;
  digests.has_digests = true;
  digests.digest_buckets = 64;
  digests.digest_schema = 0x1234567890abcdefULL;
  digests.digests = {{3, 5, 2, 0xfedcba9876543210ULL}, {6, 63, 1, 7}};
  SyncResponse repair;
  repair.verify = true;
  repair.digests_checked = true;
  repair.repair_buckets = {{3, 5, 1, 9}};
  repair.repair = SeedChangeSet();
  return {EncodeChangeSet(SeedChangeSet()), EncodeSyncRequest(pull_only),
          EncodeSyncRequest(push),          EncodeSyncResponse(response),
          EncodeSyncRequest(digests),       EncodeSyncResponse(repair)};
}

// The input being run, for the crash handler.
std::string_view current_input;

constexpr char kCrashFile[] = "standalone-crash-input";

// Async-signal-safe: saves current_input, says so, and lets the signal kill the process.
void SaveInputAndDie(int signal_number) {
  const int fd = ::open(kCrashFile, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd >= 0) {
    for (size_t done = 0; done < current_input.size();) {
      const ssize_t n = ::write(fd, current_input.data() + done, current_input.size() - done);
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    ::close(fd);
  }
  static constexpr char kMessage[] =
      "standalone fuzz driver: crashed; input saved to ./standalone-crash-input\n";
  [[maybe_unused]] ssize_t ignored = ::write(STDERR_FILENO, kMessage, sizeof kMessage - 1);
  ::signal(signal_number, SIG_DFL);
  ::raise(signal_number);
}

void InstallCrashHandler() {
  for (int signal_number : {SIGILL, SIGTRAP, SIGABRT, SIGSEGV, SIGBUS, SIGFPE}) {
    ::signal(signal_number, SaveInputAndDie);
  }
}

void Run(std::string_view input) {
  current_input = input;
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
  current_input = {};
}

bool AcceptedBySomeDecoder(std::string_view input) {
  return DecodeChangeSet(input).ok() || DecodeSyncRequest(input).ok() ||
         DecodeSyncResponse(input).ok();
}

// One to four random edits of the kinds that break length-prefixed binary formats.
std::string Mutate(const std::vector<std::string>& seeds, std::mt19937_64& random) {
  auto below = [&](size_t n) { return n == 0 ? 0 : static_cast<size_t>(random() % n); };
  std::string bytes = seeds[below(seeds.size())];
  const size_t edits = 1 + below(4);
  for (size_t e = 0; e < edits; ++e) {
    switch (below(7)) {
      case 0:  // flip one bit
        if (!bytes.empty()) bytes[below(bytes.size())] ^= static_cast<char>(1u << below(8));
        break;
      case 1: {  // an interesting byte
        static constexpr unsigned char kInteresting[] = {0x00, 0x01, 0x7F, 0x80, 0xFE, 0xFF};
        if (!bytes.empty()) {
          bytes[below(bytes.size())] = static_cast<char>(kInteresting[below(6)]);
        }
        break;
      }
      case 2:  // a random byte
        if (!bytes.empty()) bytes[below(bytes.size())] = static_cast<char>(random());
        break;
      case 3:  // truncate
        bytes.resize(below(bytes.size() + 1));
        break;
      case 4: {  // erase a range
        const size_t at = below(bytes.size() + 1);
        bytes.erase(at, below(bytes.size() - at + 1));
        break;
      }
      case 5: {  // duplicate a range elsewhere
        const size_t from = below(bytes.size() + 1);
        const std::string chunk = bytes.substr(from, below(bytes.size() - from + 1));
        bytes.insert(below(bytes.size() + 1), chunk);
        break;
      }
      default: {  // splice: this prefix, another seed's suffix
        const std::string& other = seeds[below(seeds.size())];
        bytes = bytes.substr(0, below(bytes.size() + 1)) + other.substr(below(other.size() + 1));
        break;
      }
    }
  }
  return bytes;
}

bool ReadFile(const std::filesystem::path& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

int WriteSeeds(const std::filesystem::path& dir) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  const std::vector<std::string> seeds = Seeds();
  for (size_t i = 0; i < seeds.size(); ++i) {
    const std::filesystem::path path = dir / ("seed-" + std::to_string(i));
    std::ofstream out(path, std::ios::binary);
    out.write(seeds[i].data(), static_cast<std::streamsize>(seeds[i].size()));
    if (!out) {
      std::fprintf(stderr, "cannot write %s\n", path.c_str());
      return 1;
    }
  }
  std::printf("wrote %zu seeds to %s\n", seeds.size(), dir.c_str());
  return 0;
}

int Main(int argc, char** argv) {
  uint64_t runs = kDefaultRuns;
  if (const char* env = std::getenv("FIELDBOOK_FUZZ_RUNS"); env != nullptr && *env != '\0') {
    char* end = nullptr;
    runs = std::strtoull(env, &end, 10);
    if (*end != '\0') {
      std::fprintf(stderr, "FIELDBOOK_FUZZ_RUNS must be a number, not '%s'\n", env);
      return 2;
    }
  }

  std::vector<std::filesystem::path> files;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg.starts_with("--write-seeds=")) {
      return WriteSeeds(std::string(arg.substr(std::string_view("--write-seeds=").size())));
    }
    if (arg.starts_with("-")) continue;  // a libFuzzer flag
    std::error_code error;
    if (std::filesystem::is_directory(arg, error)) {
      std::vector<std::filesystem::path> in_dir;
      for (const auto& entry : std::filesystem::directory_iterator(arg, error)) {
        if (entry.is_regular_file()) in_dir.push_back(entry.path());
      }
      std::sort(in_dir.begin(), in_dir.end());
      files.insert(files.end(), in_dir.begin(), in_dir.end());
    } else {
      files.emplace_back(arg);
    }
  }

  InstallCrashHandler();
  uint64_t accepted = 0;
  for (const std::filesystem::path& path : files) {
    std::string input;
    if (!ReadFile(path, &input)) {
      std::fprintf(stderr, "cannot read %s\n", path.c_str());
      return 2;
    }
    Run(input);
    accepted += AcceptedBySomeDecoder(input) ? 1 : 0;
  }

  const std::vector<std::string> seeds = Seeds();
  for (const std::string& seed : seeds) {
    if (!AcceptedBySomeDecoder(seed)) {
      std::fprintf(stderr, "a built-in seed does not decode\n");
      return 1;
    }
    Run(seed);
  }
  std::mt19937_64 random(kMutationSeed);
  for (uint64_t i = 0; i < runs; ++i) {
    const std::string input = Mutate(seeds, random);
    Run(input);
    accepted += AcceptedBySomeDecoder(input) ? 1 : 0;
  }
  std::printf(
      "standalone fuzz driver: %zu files and %llu mutants of %zu seeds, %llu accepted by a "
      "decoder, no failures\n",
      files.size(), static_cast<unsigned long long>(runs), seeds.size(),
      static_cast<unsigned long long>(accepted));
  return 0;
}

}  // namespace
}  // namespace fieldbook

int main(int argc, char** argv) { return fieldbook::Main(argc, argv); }
