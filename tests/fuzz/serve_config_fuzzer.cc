// Fuzz target for fieldbook-server's --config file: the input is read as the TOML/INI config of
// `fieldbook-server serve` through the same option registration main.cc uses (serve_flags.h),
// and the options it yields are checked the way `serve` checks them. CLI11 may refuse the file
// with its own exceptions; nothing else may escape, nothing may crash, and accepted options must
// be within the ranges the flags promise.
#include <CLI/CLI.hpp>
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "commands/serve_flags.h"
#include "fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (64u << 10)) return 0;
  using namespace fieldbook::server;
  CLI::App app{"fieldbook-server"};
  app.set_config("--config");
  ServeOptions options;
  std::string db;
  CLI::App* serve = app.add_subcommand("serve");
  serve->add_option("--db", db);
  AddServeFlags(serve, options);
  std::istringstream input(std::string(reinterpret_cast<const char*>(data), size));
  try {
    app.parse_from_stream(input);
    if (!serve->parsed()) return 0;
    CheckServeFlags(options);
  } catch (const CLI::Error&) {
    return 0;  // a refused config file is reported to the operator
  }
  if (options.http.threads < 1 || options.http.threads > 64) __builtin_trap();
  if (options.http.body_limit < (1u << 20) || options.http.body_limit > (512u << 20))
    __builtin_trap();
  if (options.http.max_body_bytes_in_flight < options.http.body_limit) __builtin_trap();
  if (options.http.header_timeout.count() < 100) __builtin_trap();
  if (options.http.max_connections_per_address < 1) __builtin_trap();
  return 0;
}
