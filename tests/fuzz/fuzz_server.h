// FuzzServer: the server side that the HTTP and admin fuzz targets attack, set up once per
// process — a ServerStore on a fresh database in a temporary directory with one rep ("rep-a")
// and one manager ("mgr"), a SyncService on it and, on demand, the real HttpServer on an
// ephemeral loopback port. Inputs name the tokens with placeholders ("@REP@", "@MGR@") that
// Substitute() replaces with the real ones, so that committed seeds reach past authentication.
//
// Thread safety: Get() is thread-safe (a function-local static); the rest is used from the fuzz
// driver's one thread while the HTTP server's workers call the service.
#ifndef FIELDBOOK_TESTS_FUZZ_FUZZ_SERVER_H_
#define FIELDBOOK_TESTS_FUZZ_FUZZ_SERVER_H_

#include <memory>
#include <string>

#include "api/sync_service.h"
#include "fieldbook/hlc.h"
#include "http/http_server.h"
#include "http/metrics.h"
#include "store/server_store.h"

namespace fieldbook::fuzz {

class FuzzServer {
 public:
  static FuzzServer& Get();

  server::SyncService& service() { return *service_; }
  // The HTTP server, started on first use; its port.
  uint16_t HttpPort();
  const std::string& rep_token() const { return rep_token_; }
  const std::string& manager_token() const { return manager_token_; }
  // `input` with "@REP@" and "@MGR@" replaced by the tokens.
  std::string Substitute(std::string input) const;

 private:
  FuzzServer();
  std::string dir_;
  SystemWallClock wall_;
  server::Metrics metrics_;
  std::unique_ptr<server::ServerStore> store_;
  std::unique_ptr<server::SyncService> service_;
  std::unique_ptr<server::HttpServer> http_;
  std::string rep_token_, manager_token_;
};

}  // namespace fieldbook::fuzz

#endif  // FIELDBOOK_TESTS_FUZZ_FUZZ_SERVER_H_
