#include "commands/serve_flags.h"

#include <chrono>

namespace fieldbook::server {

void AddServeFlags(CLI::App* serve, ServeOptions& options, ServeFlags& flags) {
  serve->add_option("--listen", options.http.address, "address to listen on")
      ->capture_default_str();
  serve->add_option("--port", options.http.port, "port (0 = any free port)")->capture_default_str();
  serve->add_option("--threads", options.http.threads, "I/O threads (reading and writing requests)")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  // Concurrency (docs/server.md, "Concurrency"; docs/deploy.md sizes them).
  serve
      ->add_option("--workers", options.http.workers,
                   "handler threads (0 = 4 per core, at least 4)")
      ->check(CLI::Range(0, 1024))
      ->capture_default_str();
  serve
      ->add_option("--max-queued", options.http.max_queued,
                   "requests waiting for a handler thread; more are answered 503 + Retry-After")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  serve
      ->add_option("--read-connections", options.read_connections,
                   "database connections for concurrent pulls (0 = one per core, at least 2)")
      ->check(CLI::Range(0, 64))
      ->capture_default_str();
  serve->add_option("--tls-cert", options.http.tls_cert_file, "PEM certificate chain (HTTPS)");
  serve->add_option("--tls-key", options.http.tls_key_file, "PEM private key (HTTPS)");
  serve->add_option("--body-limit-mb", flags.body_limit_mb, "largest request body accepted")
      ->check(CLI::Range(1, 512))
      ->capture_default_str();
  serve->add_option("--read-timeout-ms", flags.read_timeout_ms, "a request must arrive within this")
      ->check(CLI::Range(100, 600000))
      ->capture_default_str();
  serve
      ->add_option("--max-connections", options.http.max_connections,
                   "connections beyond this are refused with 503")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  // The limits on hostile clients (docs/server.md, "Limits").
  serve
      ->add_option("--max-connections-per-address", options.http.max_connections_per_address,
                   "connections from one client address beyond this are refused with 503")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  serve
      ->add_option("--header-timeout-ms", flags.header_timeout_ms,
                   "a new connection must send a complete request header within this")
      ->check(CLI::Range(100, 600000))
      ->capture_default_str();
  serve
      ->add_option("--idle-timeout-ms", flags.idle_timeout_ms,
                   "a keep-alive connection idle this long is closed")
      ->check(CLI::Range(100, 3600000))
      ->capture_default_str();
  serve
      ->add_option("--json-body-limit-kb", flags.json_body_limit_kb,
                   "largest JSON body of the admin and pool APIs")
      ->check(CLI::Range(1, 65536))
      ->capture_default_str();
  serve
      ->add_option("--body-budget-mb", flags.body_budget_mb,
                   "request body bytes held at once across all connections; more get 503")
      ->check(CLI::Range(1, 65536))
      ->capture_default_str();
  serve
      ->add_option("--upload-limit-mb", flags.upload_limit_mb,
                   "largest spreadsheet upload to /v1/admin/import (streamed to a temporary file)")
      ->check(CLI::Range(1, 4096))
      ->capture_default_str();
  serve
      ->add_option("--upload-disk-mb", flags.upload_disk_mb,
                   "temporary-file bytes all uploads in progress may take together; more get 503")
      ->check(CLI::Range(1, 1 << 20))
      ->capture_default_str();
  serve->add_option("--page-rows", options.page_rows, "rows per pull page by default")
      ->check(CLI::Range(1, 5000))
      ->capture_default_str();
  serve->add_option("--console-dir", options.console_dir,
                    "the manager's console's files (default: console/ beside the binary, or "
                    "../share/fieldbook/console)");
  serve
      ->add_option("--console-session-seconds", options.console_session_s,
                   "a console session's lifetime (it then needs a new login)")
      ->check(CLI::Range(int64_t{1}, int64_t{7 * 86400}))
      ->capture_default_str();
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
