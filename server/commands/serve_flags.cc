#include "commands/serve_flags.h"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace fieldbook::server {

namespace {

// An option of `serve` given in whole units of 2^shift bytes (KiB: 10, MiB: 20) and kept in
// `bytes`; its value must lie in [lo, hi] units. --help shows the default in units.
void AddScaled(CLI::App* serve, const char* name, size_t& bytes, int shift, const char* help,
               size_t lo, size_t hi) {
  serve
      ->add_option_function<size_t>(
          name, [&bytes, shift](size_t units) { bytes = units << shift; }, help)
      ->check(CLI::Range(lo, hi))
      ->default_str(std::to_string(bytes >> shift));
}

// An option of `serve` given in milliseconds in [lo, hi] and kept as a duration.
void AddMillis(CLI::App* serve, const char* name, std::chrono::milliseconds& value,
               const char* help, int64_t lo, int64_t hi) {
  serve
      ->add_option_function<int64_t>(
          name, [&value](int64_t ms) { value = std::chrono::milliseconds(ms); }, help)
      ->check(CLI::Range(lo, hi))
      ->default_str(std::to_string(value.count()));
}

}  // namespace

void AddServeFlags(CLI::App* serve, ServeOptions& options) {
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
  AddScaled(serve, "--body-limit-mb", options.http.body_limit, 20, "largest request body accepted",
            1, 512);
  AddMillis(serve, "--read-timeout-ms", options.http.read_timeout,
            "a request must arrive within this", 100, 600000);
  AddBounded(serve, "--max-connections", options.http.max_connections,
             "connections beyond this are refused with 503", 1, 100000);
  // The limits on hostile clients (docs/server.md, "Limits").
  AddBounded(serve, "--max-connections-per-address", options.http.max_connections_per_address,
             "connections from one client address beyond this are refused with 503", 1, 100000);
  AddMillis(serve, "--header-timeout-ms", options.http.header_timeout,
            "a new connection must send a complete request header within this", 100, 600000);
  AddMillis(serve, "--idle-timeout-ms", options.http.idle_timeout,
            "a keep-alive connection idle this long is closed", 100, 3600000);
  AddScaled(serve, "--json-body-limit-kb", options.json_body_limit, 10,
            "largest JSON body of the admin and pool APIs", 1, 65536);
  AddScaled(serve, "--body-budget-mb", options.http.max_body_bytes_in_flight, 20,
            "request body bytes held at once across all connections; more get 503", 1, 65536);
  AddScaled(serve, "--upload-limit-mb", options.upload_limit, 20,
            "largest spreadsheet upload to /v1/admin/import (streamed to a temporary file)", 1,
            4096);
  AddScaled(serve, "--upload-disk-mb", options.http.max_upload_bytes_on_disk, 20,
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

void CheckServeFlags(const ServeOptions& options) {
  if (options.http.max_body_bytes_in_flight < options.http.body_limit) {
    throw CLI::ValidationError("--body-budget-mb must be at least --body-limit-mb");
  }
  if (options.http.tls_cert_file.empty() != options.http.tls_key_file.empty()) {
    throw CLI::ValidationError("--tls-cert and --tls-key go together");
  }
}

}  // namespace fieldbook::server
