// The HTTP options of `fieldbook-server serve` on the command line and in the --config file
// (CLI11): where to listen, TLS, and every limit of docs/server.md's "Limits" table. main.cc
// registers them; the config-file fuzz target (tests/fuzz/serve_config_fuzzer.cc) parses
// hostile config files through the very same registration.
//
// Thread safety: used on the main thread while the command line is parsed.
#ifndef FIELDBOOK_SERVER_SERVE_FLAGS_H_
#define FIELDBOOK_SERVER_SERVE_FLAGS_H_

#include <CLI/CLI.hpp>
#include <cstddef>
#include <cstdint>

#include "commands/server_commands.h"

namespace fieldbook::server {

// The flags kept in other units than ServeOptions uses.
struct ServeFlags {
  size_t body_limit_mb = 32;
  int64_t read_timeout_ms = 30000;
  int64_t header_timeout_ms = 10000;
  int64_t idle_timeout_ms = 60000;
  size_t json_body_limit_kb = 1024;
  size_t body_budget_mb = 256;
  size_t upload_limit_mb = 256;  // spreadsheet uploads, streamed to disk (import_api.h)
  size_t upload_disk_mb = 1024;  // all uploads in progress together
};

// Adds --listen, --port, --threads, --tls-cert, --tls-key, --body-limit-mb, --read-timeout-ms,
// --max-connections, --max-connections-per-address, --header-timeout-ms, --idle-timeout-ms,
// --json-body-limit-kb, --body-budget-mb, --upload-limit-mb, --upload-disk-mb, --page-rows,
// --console-dir and
// --console-session-seconds to `serve`, writing into `options` and `flags`.
void AddServeFlags(CLI::App* serve, ServeOptions& options, ServeFlags& flags);

// Moves `flags` into `options` once parsed; CLI::ValidationError when they contradict each other.
void FinishServeFlags(const ServeFlags& flags, ServeOptions& options);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_SERVE_FLAGS_H_
