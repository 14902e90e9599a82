#include "commands/serve_flags.h"

#include <chrono>

namespace fieldbook::server {

namespace {

// An option of `serve` whose value must lie in [lo, hi]; --help shows its default.
template <typename T, typename Bound>
void AddBounded(CLI::App* serve, const char* name, T& value, const char* help, Bound lo, Bound hi) {
  serve->add_option(name, value, help)->check(CLI::Range(lo, hi))->capture_default_str();
}

}  // namespace

void AddServeFlags(CLI::App* serve, ServeOptions& options, ServeFlags& flags) {
  serve->add_option("--listen", options.http.address, "address to listen on")
      ->capture_default_str();
  serve->add_option("--port", options.http.port, "port (0 = any free port)")->capture_default_str();
  AddBounded(serve, "--threads", options.http.threads, "I/O threads (reading and writing requests)",
             1, 64);
  // Concurrency (docs/server.md, "Concurrency"; docs/deploy.md sizes them).
  AddBounded(serve, "--workers", options.http.workers,
             "handler threads (0 = 4 per core, at least 4)", 0, 1024);
  AddBounded(serve, "--max-queued", options.http.max_queued,
             "requests waiting for a handler thread; more are answered 503 + Retry-After", 1,
             1000000);
  AddBounded(serve, "--read-connections", options.read_connections,
             "database connections for concurrent pulls (0 = one per core, at least 2)", 0, 64);
  serve->add_option("--tls-cert", options.http.tls_cert_file, "PEM certificate chain (HTTPS)");
  serve->add_option("--tls-key", options.http.tls_key_file, "PEM private key (HTTPS)");
  AddBounded(serve, "--body-limit-mb", flags.body_limit_mb, "largest request body accepted", 1,
             512);
  AddBounded(serve, "--read-timeout-ms", flags.read_timeout_ms, "a request must arrive within this",
             100, 600000);
  AddBounded(serve, "--max-connections", options.http.max_connections,
             "connections beyond this are refused with 503", 1, 100000);
  // The limits on hostile clients (docs/server.md, "Limits").
  AddBounded(serve, "--max-connections-per-address", options.http.max_connections_per_address,
             "connections from one client address beyond this are refused with 503", 1, 100000);
  AddBounded(serve, "--header-timeout-ms", flags.header_timeout_ms,
             "a new connection must send a complete request header within this", 100, 600000);
  AddBounded(serve, "--idle-timeout-ms", flags.idle_timeout_ms,
             "a keep-alive connection idle this long is closed", 100, 3600000);
  AddBounded(serve, "--json-body-limit-kb", flags.json_body_limit_kb,
             "largest JSON body of the admin and pool APIs", 1, 65536);
  AddBounded(serve, "--body-budget-mb", flags.body_budget_mb,
             "request body bytes held at once across all connections; more get 503", 1, 65536);
  AddBounded(serve, "--upload-limit-mb", flags.upload_limit_mb,
             "largest spreadsheet upload to /v1/admin/import (streamed to a temporary file)", 1,
             4096);
  AddBounded(serve, "--upload-disk-mb", flags.upload_disk_mb,
             "temporary-file bytes all uploads in progress may take together; more get 503", 1,
             1 << 20);
  AddBounded(serve, "--page-rows", options.page_rows, "rows per pull page by default", 1, 5000);
  serve->add_option("--console-dir", options.console_dir,
                    "the manager's console's files (default: console/ beside the binary, or "
                    "../share/fieldbook/console)");
  AddBounded(serve, "--console-session-seconds", options.console_session_s,
             "a console session's lifetime (it then needs a new login)", int64_t{1},
             int64_t{7 * 86400});
}

void FinishServeFlags(const ServeFlags& flags, ServeOptions& options) {
  if (flags.body_budget_mb < flags.body_limit_mb) {
    throw CLI::ValidationError("--body-budget-mb must be at least --body-limit-mb");
  }
  if (options.http.tls_cert_file.empty() != options.http.tls_key_file.empty()) {
    throw CLI::ValidationError("--tls-cert and --tls-key go together");
  }
  options.http.body_limit = flags.body_limit_mb << 20;
  options.http.read_timeout = std::chrono::milliseconds(flags.read_timeout_ms);
  options.http.header_timeout = std::chrono::milliseconds(flags.header_timeout_ms);
  options.http.idle_timeout = std::chrono::milliseconds(flags.idle_timeout_ms);
  options.http.max_body_bytes_in_flight = flags.body_budget_mb << 20;
  options.json_body_limit = flags.json_body_limit_kb << 10;
  options.upload_limit = flags.upload_limit_mb << 20;
  options.http.max_upload_bytes_on_disk = flags.upload_disk_mb << 20;
}

}  // namespace fieldbook::server
