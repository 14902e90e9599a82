// HttpServerTest: the common ground of the HTTP server's unit tests (http_server_test.cc, and
// http_server_limits_test.cc for the limits on hostile clients) - FakeHandler, a fixture that
// starts an HttpServer on an ephemeral loopback port, and small helpers for raw HTTP.
//
// Not thread-safe: a fixture belongs to its test's thread (the server calls FakeHandler from its
// worker threads; FakeHandler's counters are atomic).
#ifndef FIELDBOOK_TESTS_UNIT_HTTP_SERVER_FIXTURE_H_
#define FIELDBOOK_TESTS_UNIT_HTTP_SERVER_FIXTURE_H_

#include <gtest/gtest.h>

#include <any>
#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>

#include "http/http_server.h"
#include "http/metrics.h"
#include "sync/http_client.h"

namespace fieldbook::server {

using namespace std::chrono_literals;

// Routes: /echo (body and content type back), /inspect (what the server handed over),
// /remote (the peer address), /slow (sleeps 300 ms), /throw, /big (10,000 bytes), /gone (503
// with no Retry-After), /gone-7 (503 with Retry-After: 7); else 404.
// Admit(): /private needs "Bearer good" (else 401 on the header), /small takes bodies of at most
// 100 bytes, /admit-throw throws; Handle() sees what Admit() put in the context at /private.
class FakeHandler : public RequestHandler {
 public:
  HttpAdmission Admit(const HttpRequest& head) override {
    ++admits;
    HttpAdmission admission;
    if (head.target == "/private") {
      if (head.authorization != "Bearer good") {
        admission.response = JsonError(401, "unauthorized", "no");
      } else {
        admission.context = std::string("alice");
      }
    } else if (head.target == "/small") {
      admission.body_limit = 100;
    } else if (head.target == "/admit-throw") {
      throw std::runtime_error("admit boom");
    }
    admission.route = head.target == "/healthz" ? "healthz" : "test";
    return admission;
  }

  HttpResponse Handle(const HttpRequest& request) override {
    ++calls;
    HttpResponse response;
    if (request.target == "/healthz") {
      response.content_type = "text/plain";
      response.body = "healthy";
    } else if (request.target == "/private") {
      response.content_type = "text/plain";
      response.body =
          std::any_cast<std::string>(request.admitted) + ":" + std::to_string(request.body.size());
    } else if (request.target == "/small") {
      response.content_type = "text/plain";
      response.body = request.body;
    } else if (request.target == "/echo") {
      response.content_type = request.content_type.empty() ? "text/plain" : request.content_type;
      response.body = request.body;
      response.headers.emplace_back("X-Echo-Method", request.method);
    } else if (request.target.starts_with("/inspect")) {
      response.content_type = "text/plain";
      response.body = request.method + "|" + request.target + "|" + request.authorization + "|" +
                      request.content_type + "|" + request.body;
    } else if (request.target == "/remote") {
      response.content_type = "text/plain";
      response.body = request.remote;
    } else if (request.target == "/slow") {
      slow_entered = true;
      std::this_thread::sleep_for(300ms);
      response.content_type = "text/plain";
      response.body = "slow done";
    } else if (request.target == "/throw") {
      throw std::runtime_error("boom");
    } else if (request.target == "/gone" || request.target == "/gone-7") {
      response = JsonError(503, "unavailable", "the database is out of reach");
      if (request.target == "/gone-7") response.headers.emplace_back("Retry-After", "7");
    } else if (request.target == "/big") {
      response.content_type = "application/octet-stream";
      response.body.assign(10000, 'x');
    } else {
      response = JsonError(404, "not_found", "no route for " + request.target);
    }
    return response;
  }

  std::atomic<int> calls{0};
  std::atomic<int> admits{0};
  std::atomic<bool> slow_entered{false};
};

inline std::string Request(const std::string& method, const std::string& target,
                           const std::string& body = "", const std::string& extra_headers = "") {
  std::string r = method + " " + target + " HTTP/1.1\r\nHost: localhost\r\n" + extra_headers;
  if (!body.empty()) r += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  return r + "\r\n" + body;
}

inline bool StartsWith(const std::string& s, std::string_view prefix) {
  return s.starts_with(prefix);
}

inline bool Contains(const std::string& s, std::string_view part) {
  return s.find(part) != std::string::npos;
}

// Polls `condition` for up to twenty seconds: generous, since the machine may be loaded; only a
// failing test waits that long.
template <class F>
bool Eventually(F condition) {
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return condition();
}

class HttpServerTest : public ::testing::Test {
 protected:
  std::unique_ptr<HttpServer> StartServer(HttpServerOptions options = {}) {
    auto server = HttpServer::Start(options, handler_, metrics_);
    EXPECT_TRUE(server.ok()) << server.status().ToString();
    if (!server.ok()) return nullptr;
    return std::move(server).value();
  }

  std::unique_ptr<client::HttpClient> Client(uint16_t port,
                                             client::HttpClientOptions options = {}) {
    auto client = client::HttpClient::Create("http://127.0.0.1:" + std::to_string(port), options);
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    return std::move(client).value();
  }

  FakeHandler handler_;
  Metrics metrics_;
};

}  // namespace fieldbook::server

#endif  // FIELDBOOK_TESTS_UNIT_HTTP_SERVER_FIXTURE_H_
