#include "fuzz_server.h"

#include <stdlib.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace fieldbook::fuzz {

namespace {

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "fuzz server setup failed: %s\n", what.c_str());
  std::abort();
}

void ReplaceAll(std::string& s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
}

}  // namespace

FuzzServer& FuzzServer::Get() {
  static FuzzServer* server = new FuzzServer();  // never destroyed: the HTTP threads may run on
  return *server;
}

FuzzServer::FuzzServer() {
  char pattern[] = "/tmp/fieldbook-fuzz-XXXXXX";
  if (::mkdtemp(pattern) == nullptr) Die("mkdtemp");
  dir_ = pattern;
  auto store = server::ServerStore::Open(dir_ + "/server.db", wall_);
  if (!store.ok()) Die(store.status().ToString());
  store_ = std::move(*store);
  auto rep = store_->AddRep(server::NewRep{"rep-a", "Rep A", "rep", "", "", ""});
  auto manager = store_->AddRep(server::NewRep{"mgr", "Manager", "manager", "", "", ""});
  if (!rep.ok() || !manager.ok()) Die("rep add");
  rep_token_ = rep->second;
  manager_token_ = manager->second;
  server::SyncServiceOptions options;
  options.limits.max_message_bytes = 1 << 20;
  options.json_body_limit = 64 << 10;
  service_ = std::make_unique<server::SyncService>(*store_, metrics_, wall_, options);
  std::atexit([] {
    std::error_code ec;
    std::filesystem::remove_all(Get().dir_, ec);
  });
}

uint16_t FuzzServer::HttpPort() {
  if (http_ == nullptr) {
    server::HttpServerOptions options;
    options.threads = 1;
    options.body_limit = 1 << 20;
    options.header_limit = 4096;
    options.header_timeout = std::chrono::milliseconds(2000);
    options.read_timeout = std::chrono::milliseconds(2000);
    options.max_body_bytes_in_flight = 8 << 20;
    auto http = server::HttpServer::Start(options, *service_, metrics_);
    if (!http.ok()) Die(http.status().ToString());
    http_ = std::move(*http);
  }
  return http_->port();
}

std::string FuzzServer::Substitute(std::string input) const {
  ReplaceAll(input, "@REP@", rep_token_);
  ReplaceAll(input, "@MGR@", manager_token_);
  return input;
}

}  // namespace fieldbook::fuzz
