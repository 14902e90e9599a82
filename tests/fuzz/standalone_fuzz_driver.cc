// A main() for fuzz targets without libFuzzer (gcc, and the quick smoke run in the suite): replays
// corpus files, then runs deterministic pseudo-random mutations of the target's built-in seeds
// (FieldbookFuzzSeeds(), fuzz_target.h) and of the corpus files. It is a regression and smoke
// test, not a coverage-guided fuzzer; use the clang build for real fuzzing.
//
//   <target>_standalone [--write-seeds=DIR] [FILE_OR_DIR...] [-libfuzzer_flag=value...]
//
// Every FILE, and every regular file directly inside a DIR, is passed to LLVMFuzzerTestOneInput.
// Then FIELDBOOK_FUZZ_RUNS (default 20000) mutants of the seeds and files are. A failing input
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

#include "fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace fieldbook {
namespace {

constexpr uint64_t kDefaultRuns = 20000;
constexpr uint64_t kMutationSeed = 0x6669656c64626f6f;  // "fieldboo": fixed, so runs repeat

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

// Tokens that break text formats (JSON, HTTP, query strings, TOML).
constexpr std::string_view kTokens[] = {"\"",
                                        "\\",
                                        "{",
                                        "}",
                                        "[",
                                        "]",
                                        ",",
                                        ":",
                                        "\r\n",
                                        "\r\n\r\n",
                                        "%",
                                        "%00",
                                        "%zz",
                                        "&",
                                        "=",
                                        "?",
                                        "\\u0000",
                                        "\\ud800",
                                        "1e999",
                                        "-0",
                                        "9223372036854775808",
                                        "-9223372036854775809",
                                        "null",
                                        "true",
                                        "0x",
                                        "\x00",
                                        "\xff",
                                        "\xc3\x28",
                                        "Bearer ",
                                        ";",
                                        "#",
                                        "'''",
                                        "\t"};

// One to four random edits of the kinds that break length-prefixed binary formats and text.
std::string Mutate(const std::vector<std::string>& seeds, std::mt19937_64& random) {
  auto below = [&](size_t n) { return n == 0 ? 0 : static_cast<size_t>(random() % n); };
  std::string bytes = seeds[below(seeds.size())];
  const size_t edits = 1 + below(4);
  for (size_t e = 0; e < edits; ++e) {
    switch (below(9)) {
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
      case 7: {  // insert a token that means something to a text format
        const std::string_view token = kTokens[below(std::size(kTokens))];
        bytes.insert(below(bytes.size() + 1), token);
        break;
      }
      case 8: {  // repeat a short range many times (deep nesting, long fields)
        const size_t from = below(bytes.size() + 1);
        const std::string chunk = bytes.substr(from, 1 + below(4));
        std::string repeated;
        for (size_t r = below(2000); r > 0; --r) repeated += chunk;
        bytes.insert(below(bytes.size() + 1), repeated);
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
  const std::vector<std::string> seeds = FieldbookFuzzSeeds();
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
  std::vector<std::string> seeds = FieldbookFuzzSeeds();
  for (const std::filesystem::path& path : files) {
    std::string input;
    if (!ReadFile(path, &input)) {
      std::fprintf(stderr, "cannot read %s\n", path.c_str());
      return 2;
    }
    Run(input);
    seeds.push_back(std::move(input));  // a corpus file is a seed for the mutations too
  }
  for (const std::string& seed : FieldbookFuzzSeeds()) Run(seed);
  if (seeds.empty()) seeds.emplace_back();
  std::mt19937_64 random(kMutationSeed);
  for (uint64_t i = 0; i < runs; ++i) Run(Mutate(seeds, random));
  std::printf("standalone fuzz driver: %zu files and %llu mutants of %zu seeds, no failures\n",
              files.size(), static_cast<unsigned long long>(runs), seeds.size());
  return 0;
}

}  // namespace
}  // namespace fieldbook

// Targets without built-in seeds rely on their committed corpus.
__attribute__((weak)) std::vector<std::string> FieldbookFuzzSeeds() { return {}; }

int main(int argc, char** argv) { return fieldbook::Main(argc, argv); }
