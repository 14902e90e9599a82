// The HTTP options of `fieldbook-server serve` on the command line and in the --config file
// (CLI11): where to listen, TLS, and every limit of docs/server.md's "Limits" table. main.cc
// registers them; the config-file fuzz target (tests/fuzz/serve_config_fuzzer.cc) parses
// hostile config files through the very same registration.
//
// Thread safety: used on the main thread while the command line is parsed.
#ifndef FIELDBOOK_SERVER_SERVE_FLAGS_H_
#define FIELDBOOK_SERVER_SERVE_FLAGS_H_

#include <CLI/CLI.hpp>
#include <string>

#include "commands/server_commands.h"

namespace fieldbook::server {

// An option of `command` whose value must lie in [lo, hi]; --help shows its default. Every bounded
// option of fieldbook-server is added through it.
template <typename T, typename Bound>
void AddBounded(CLI::App* command, const std::string& name, T& value, const std::string& help,
                Bound lo, Bound hi) {
  command->add_option(name, value, help)->check(CLI::Range(lo, hi))->capture_default_str();
}

// Adds --listen, --port, --threads, --tls-cert, --tls-key, --body-limit-mb, --read-timeout-ms,
// --max-connections, --max-connections-per-address, --header-timeout-ms, --idle-timeout-ms,
// --json-body-limit-kb, --body-budget-mb, --upload-limit-mb, --upload-disk-mb, --page-rows,
// --console-dir and --console-session-seconds to `serve`, each bound to its field of `options`
// (a flag given in MiB, KiB or ms is stored in the field's bytes or duration as it is parsed).
void AddServeFlags(CLI::App* serve, ServeOptions& options);

// Checks the parsed `options` against each other; CLI::ValidationError when they contradict.
void CheckServeFlags(const ServeOptions& options);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_SERVE_FLAGS_H_
