#include "http_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <any>
#include <atomic>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "http_client.h"
#include "support/raw_connection.h"
#include "support/temp_dir.h"

namespace fieldbook::server {
namespace {

using namespace std::chrono_literals;
using client::HttpClient;
using client::HttpClientOptions;
using fieldbook::testing::RawConnection;

// Routes: /echo (body and content type back), /inspect (what the server handed over),
// /remote (the peer address), /slow (sleeps 300 ms), /throw, /big (10,000 bytes); else 404.
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

std::string Request(const std::string& method, const std::string& target,
                    const std::string& body = "", const std::string& extra_headers = "") {
  std::string r = method + " " + target + " HTTP/1.1\r\nHost: localhost\r\n" + extra_headers;
  if (!body.empty()) r += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  return r + "\r\n" + body;
}

bool StartsWith(const std::string& s, std::string_view prefix) { return s.starts_with(prefix); }

bool Contains(const std::string& s, std::string_view part) {
  return s.find(part) != std::string::npos;
}

// Polls `condition` for up to two seconds.
template <class F>
bool Eventually(F condition) {
  const auto deadline = std::chrono::steady_clock::now() + 2s;
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

  std::unique_ptr<HttpClient> Client(uint16_t port, HttpClientOptions options = {}) {
    auto client = HttpClient::Create("http://127.0.0.1:" + std::to_string(port), options);
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    return std::move(client).value();
  }

  FakeHandler handler_;
  Metrics metrics_;
};

TEST_F(HttpServerTest, AnswersOnAnEphemeralPort) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  EXPECT_NE(server->port(), 0);
  auto client = Client(server->port());

  auto echo = client->Post("/echo", "{\"hello\":1}", "application/json");
  ASSERT_TRUE(echo.ok()) << echo.status().ToString();
  EXPECT_EQ(echo->status, 200);
  EXPECT_EQ(echo->content_type, "application/json");
  EXPECT_EQ(echo->body, "{\"hello\":1}");

  auto missing = client->Get("/nowhere");
  ASSERT_TRUE(missing.ok()) << missing.status().ToString();
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(missing->content_type, "application/json");
  const boost::json::value error = boost::json::parse(missing->body);
  EXPECT_EQ(error.at("error").at("code").as_string(), "not_found");
  EXPECT_EQ(error.at("error").at("message").as_string(), "no route for /nowhere");
}

TEST_F(HttpServerTest, HandsMethodTargetAuthorizationContentTypeAndBodyToTheHandler) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  auto client = Client(server->port());
  auto reply = client->Post("/inspect?x=1", "payload", "application/x-capnp", "tok123");
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  EXPECT_EQ(reply->body, "POST|/inspect?x=1|Bearer tok123|application/x-capnp|payload");
}

TEST_F(HttpServerTest, KeepsTheConnectionAliveAcrossRequests) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  RawConnection raw(server->port());
  ASSERT_TRUE(raw.connected());
  for (int i = 0; i < 3; ++i) {
    const std::string body = "ping " + std::to_string(i);
    ASSERT_TRUE(raw.Send(Request("POST", "/echo", body)));
    const std::string response = raw.ReadResponse();
    EXPECT_TRUE(StartsWith(response, "HTTP/1.1 200 OK\r\n")) << response;
    EXPECT_TRUE(Contains(response, "Server: fieldbook\r\n")) << response;
    EXPECT_TRUE(Contains(response, "Content-Length: " + std::to_string(body.size()) + "\r\n"));
    EXPECT_TRUE(Contains(response, "X-Echo-Method: POST\r\n")) << response;
    EXPECT_FALSE(Contains(response, "Connection: close")) << response;
    EXPECT_TRUE(response.ends_with("\r\n\r\n" + body)) << response;
  }
  // Two pipelined requests in one write get two responses, in order.
  ASSERT_TRUE(raw.Send(Request("POST", "/echo", "first") + Request("POST", "/echo", "second")));
  EXPECT_TRUE(raw.ReadResponse().ends_with("first"));
  EXPECT_TRUE(raw.ReadResponse().ends_with("second"));

  // The client reuses its connection: the server sees the same peer port every time.
  auto client = Client(server->port());
  auto first = client->Get("/remote");
  auto second = client->Get("/remote");
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_TRUE(StartsWith(first->body, "127.0.0.1:")) << first->body;
  EXPECT_EQ(first->body, second->body);
}

TEST_F(HttpServerTest, AnswersExpectContinueBeforeReadingTheBody) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  RawConnection raw(server->port());
  ASSERT_TRUE(raw.Send(
      "POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n"));
  EXPECT_EQ(raw.ReadResponse(), "HTTP/1.1 100 Continue\r\n\r\n");
  ASSERT_TRUE(raw.Send("hello"));
  const std::string response = raw.ReadResponse();
  EXPECT_TRUE(StartsWith(response, "HTTP/1.1 200 OK\r\n")) << response;
  EXPECT_TRUE(response.ends_with("\r\n\r\nhello")) << response;
}

TEST_F(HttpServerTest, HeadGetsHeadersWithoutTheBody) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  RawConnection raw(server->port());
  ASSERT_TRUE(raw.Send(Request("HEAD", "/inspect")));
  const std::string response = raw.ReadResponse(3000ms, /*head=*/true);
  EXPECT_TRUE(StartsWith(response, "HTTP/1.1 200 OK\r\n")) << response;
  EXPECT_TRUE(Contains(response, "Content-Length: 16\r\n")) << response;  // "HEAD|/inspect|||"
  EXPECT_TRUE(response.ends_with("\r\n\r\n")) << response;
  // Nothing else was sent: the next response on the connection starts right away.
  ASSERT_TRUE(raw.Send(Request("POST", "/echo", "next")));
  const std::string next = raw.ReadResponse();
  EXPECT_TRUE(StartsWith(next, "HTTP/1.1 200 OK\r\n")) << next;
  EXPECT_TRUE(next.ends_with("next")) << next;
}

TEST_F(HttpServerTest, ClosesWhenTheClientAsksForIt) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  RawConnection raw(server->port());
  ASSERT_TRUE(raw.Send(Request("GET", "/remote", "", "Connection: close\r\n")));
  EXPECT_TRUE(Contains(raw.ReadResponse(), "Connection: close\r\n"));
  EXPECT_TRUE(raw.WaitClosed(2s));
}

TEST_F(HttpServerTest, BodyOverTheLimitIs413AndTheServerSurvives) {
  HttpServerOptions options;
  options.body_limit = 1024;
  auto server = StartServer(options);
  ASSERT_NE(server, nullptr);
  auto client = Client(server->port());

  auto too_big = client->Post("/echo", std::string(4096, 'a'), "text/plain");
  ASSERT_TRUE(too_big.ok()) << too_big.status().ToString();
  EXPECT_EQ(too_big->status, 413);
  const boost::json::value error = boost::json::parse(too_big->body);
  EXPECT_EQ(error.at("error").at("code").as_string(), "body_too_large");
  EXPECT_EQ(handler_.calls, 0);

  auto fits = client->Post("/echo", std::string(1024, 'b'), "text/plain");
  ASSERT_TRUE(fits.ok()) << fits.status().ToString();
  EXPECT_EQ(fits->status, 200);
  EXPECT_EQ(fits->body.size(), 1024u);
}

TEST_F(HttpServerTest, MalformedRequestIs400AndTheServerSurvives) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  {
    RawConnection raw(server->port());
    ASSERT_TRUE(raw.Send("THIS IS NOT HTTP\r\n\r\n"));
    const std::string response = raw.ReadResponse();
    EXPECT_TRUE(StartsWith(response, "HTTP/1.1 400 Bad Request\r\n")) << response;
    EXPECT_TRUE(Contains(response, "\"bad_request\"")) << response;
    EXPECT_TRUE(Contains(response, "Connection: close\r\n")) << response;
    EXPECT_TRUE(raw.WaitClosed(2s));
  }
  {
    RawConnection raw(server->port());
    ASSERT_TRUE(raw.Send(Request("GET", "/x", "", "Bad Header Without Colon\r\n")));
    EXPECT_TRUE(StartsWith(raw.ReadResponse(), "HTTP/1.1 400 "));
  }
  auto ok = Client(server->port())->Get("/echo");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->status, 200);
}

TEST_F(HttpServerTest, HeadersOverTheLimitAre431) {
  HttpServerOptions options;
  options.header_limit = 512;
  auto server = StartServer(options);
  ASSERT_NE(server, nullptr);
  RawConnection raw(server->port());
  ASSERT_TRUE(
      raw.Send(Request("GET", "/echo", "", "X-Filler: " + std::string(1000, 'f') + "\r\n")));
  const std::string response = raw.ReadResponse();
  EXPECT_TRUE(StartsWith(response, "HTTP/1.1 431 ")) << response;
  EXPECT_TRUE(Contains(response, "headers_too_large")) << response;
}

TEST_F(HttpServerTest, HandlerExceptionIs500AndTheConnectionGoesOn) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  auto client = Client(server->port());
  auto failed = client->Get("/throw");
  ASSERT_TRUE(failed.ok()) << failed.status().ToString();
  EXPECT_EQ(failed->status, 500);
  EXPECT_TRUE(Contains(failed->body, "\"internal\"")) << failed->body;
  auto remote1 = client->Get("/remote");
  auto remote2 = client->Get("/remote");
  ASSERT_TRUE(remote1.ok() && remote2.ok());
  EXPECT_EQ(remote1->status, 200);
  EXPECT_EQ(remote1->body, remote2->body);
}

TEST_F(HttpServerTest, SlowClientIsCutByTheReadTimeout) {
  HttpServerOptions options;
  options.read_timeout = 200ms;
  auto server = StartServer(options);
  ASSERT_NE(server, nullptr);
  RawConnection raw(server->port());
  const auto start = std::chrono::steady_clock::now();
  // Promises 100 bytes of body, sends 3, then waits forever.
  ASSERT_TRUE(raw.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc"));
  EXPECT_TRUE(raw.WaitClosed(2s));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_GE(elapsed, 150ms);
  EXPECT_EQ(handler_.calls, 0);
  EXPECT_TRUE(raw.pending().empty()) << raw.pending();
}

TEST_F(HttpServerTest, IdleKeepAliveConnectionIsClosedAfterTheIdleTimeout) {
  HttpServerOptions options;
  options.idle_timeout = 150ms;
  auto server = StartServer(options);
  ASSERT_NE(server, nullptr);
  RawConnection raw(server->port());
  ASSERT_TRUE(raw.Send(Request("GET", "/remote")));
  EXPECT_TRUE(StartsWith(raw.ReadResponse(), "HTTP/1.1 200 "));
  EXPECT_TRUE(raw.WaitClosed(2s));
}

TEST_F(HttpServerTest, GracefulShutdownFinishesTheRequestInFlight) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  const uint16_t port = server->port();

  RawConnection idle(port);  // a keep-alive connection between requests
  ASSERT_TRUE(idle.Send(Request("GET", "/remote")));
  ASSERT_TRUE(StartsWith(idle.ReadResponse(), "HTTP/1.1 200 "));

  RawConnection busy(port);
  ASSERT_TRUE(busy.Send(Request("GET", "/slow")));
  ASSERT_TRUE(Eventually([&] { return handler_.slow_entered.load(); }));
  server->Shutdown();  // while the handler sleeps

  const std::string response = busy.ReadResponse();
  EXPECT_TRUE(StartsWith(response, "HTTP/1.1 200 OK\r\n")) << response;
  EXPECT_TRUE(Contains(response, "Connection: close\r\n")) << response;
  EXPECT_TRUE(response.ends_with("slow done")) << response;
  EXPECT_TRUE(busy.WaitClosed(2s));
  EXPECT_TRUE(idle.WaitClosed(2s));

  EXPECT_FALSE(RawConnection(port).connected()) << "new connections are refused";
  busy.Close();  // else the server lingers up to a second for the client to hang up
  idle.Close();
  server->Wait();
  EXPECT_FALSE(RawConnection(port).connected());
  EXPECT_TRUE(Contains(metrics_.RenderPrometheus(), "\nfieldbook_open_sessions 0\n"));
}

TEST_F(HttpServerTest, ConnectionsBeyondTheLimitAreAnswered503) {
  HttpServerOptions options;
  options.max_connections = 1;
  auto server = StartServer(options);
  ASSERT_NE(server, nullptr);
  auto first = std::make_unique<RawConnection>(server->port());
  ASSERT_TRUE(first->Send(Request("GET", "/remote")));
  ASSERT_TRUE(StartsWith(first->ReadResponse(), "HTTP/1.1 200 "));

  RawConnection second(server->port());
  ASSERT_TRUE(second.Send(Request("GET", "/remote")));
  const std::string response = second.ReadResponse();
  EXPECT_TRUE(StartsWith(response, "HTTP/1.1 503 ")) << response;
  EXPECT_TRUE(Contains(response, "server_busy")) << response;
  EXPECT_TRUE(Contains(response, "Retry-After: 1\r\n")) << response;
  EXPECT_TRUE(second.WaitClosed(2s));
  EXPECT_EQ(handler_.calls, 1);

  first.reset();  // frees the slot (asynchronously)
  EXPECT_TRUE(Eventually([&] {
    RawConnection third(server->port());
    third.Send(Request("GET", "/remote"));
    return StartsWith(third.ReadResponse(), "HTTP/1.1 200 ");
  }));
}

TEST_F(HttpServerTest, CountsResponsesAndOpenSessionsInMetrics) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  {
    auto client = Client(server->port());
    ASSERT_TRUE(client->Get("/echo").ok());
    ASSERT_TRUE(client->Get("/echo").ok());
    ASSERT_TRUE(client->Get("/missing").ok());
    EXPECT_TRUE(Contains(metrics_.RenderPrometheus(), "\nfieldbook_open_sessions 1\n"));
  }
  const std::string text = metrics_.RenderPrometheus();
  EXPECT_TRUE(Contains(text, "\nfieldbook_http_requests_total{code=\"200\"} 2\n")) << text;
  EXPECT_TRUE(Contains(text, "\nfieldbook_http_requests_total{code=\"404\"} 1\n")) << text;
  EXPECT_TRUE(Eventually(
      [&] { return Contains(metrics_.RenderPrometheus(), "\nfieldbook_open_sessions 0\n"); }));
}

TEST_F(HttpServerTest, RejectsBadOptions) {
  HttpServerOptions options;
  options.threads = 0;
  EXPECT_EQ(HttpServer::Start(options, handler_, metrics_).status().code(),
            StatusCode::kInvalidArgument);
  options = {};
  options.tls_cert_file = "/tmp/cert.pem";  // without a key
  EXPECT_EQ(HttpServer::Start(options, handler_, metrics_).status().code(),
            StatusCode::kInvalidArgument);
  options = {};
  options.address = "not an address";
  EXPECT_EQ(HttpServer::Start(options, handler_, metrics_).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(HttpServerTest, PortInUseIsUnavailable) {
  auto first = StartServer();
  ASSERT_NE(first, nullptr);
  HttpServerOptions options;
  options.port = first->port();
  auto second = HttpServer::Start(options, handler_, metrics_);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kUnavailable);
  EXPECT_TRUE(Contains(second.status().message(), std::to_string(first->port())));
}

// Issue 13 item 6: a trailer over the header limit made Beast throw inside the read (no answer).
TEST_F(HttpServerTest, ChunkedTrailerOverTheHeaderLimitIs431AndTheServerSurvives) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  for (const size_t size : {size_t{20000}, size_t{70000}, size_t{200000}}) {
    RawConnection raw(server->port());
    ASSERT_TRUE(
        raw.Send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "3\r\nabc\r\n0\r\nX-Trailer: " +
                 std::string(size, 't') + "\r\n\r\n"));
    const std::string response = raw.ReadResponse();
    EXPECT_TRUE(StartsWith(response, "HTTP/1.1 431 ")) << size << ": " << response;
    EXPECT_TRUE(Contains(response, "trailers")) << response;
  }
  {  // many small trailer fields add up too
    RawConnection raw(server->port());
    std::string trailers;
    for (int i = 0; i < 2000; ++i) trailers += "X-T" + std::to_string(i) + ": value\r\n";
    ASSERT_TRUE(
        raw.Send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "3\r\nabc\r\n0\r\n" +
                 trailers + "\r\n"));
    EXPECT_TRUE(StartsWith(raw.ReadResponse(), "HTTP/1.1 431 "));
  }
  EXPECT_EQ(handler_.calls, 0);
  auto ok = Client(server->port())->Post("/echo", "fine", "text/plain");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->body, "fine");
}

TEST_F(HttpServerTest, HeaderLimitAboveWhatBeastCanHoldIsRefused) {
  HttpServerOptions options;
  options.header_limit = 1u << 20;
  EXPECT_EQ(HttpServer::Start(options, handler_, metrics_).status().code(),
            StatusCode::kInvalidArgument);
}

// Issue 13 item 5: a connection that never sends a request was held for the 60 s idle timeout.
TEST_F(HttpServerTest, ConnectionWithoutARequestIsClosedAfterTheHeaderTimeout) {
  HttpServerOptions options;
  options.header_timeout = 200ms;
  auto server = StartServer(options);  // idle_timeout stays 60 s
  ASSERT_NE(server, nullptr);
  RawConnection silent(server->port());
  RawConnection slow(server->port());  // a header that never ends (slowloris)
  ASSERT_TRUE(slow.Send("GET /echo HTTP/1.1\r\nHost: x\r\n"));
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 5; ++i) {
    std::this_thread::sleep_for(30ms);
    ASSERT_TRUE(slow.Send("X-Drip: " + std::to_string(i) + "\r\n"));
  }
  EXPECT_TRUE(silent.WaitClosed(3s));
  EXPECT_TRUE(slow.WaitClosed(3s));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  EXPECT_TRUE(Eventually([&] {
    return Contains(metrics_.RenderPrometheus(),
                    "\nfieldbook_request_timeouts_total{phase=\"header\"} 2\n");
  })) << metrics_.RenderPrometheus();
  // A connection that has made a request gets the idle timeout between requests.
  RawConnection keeper(server->port());
  ASSERT_TRUE(keeper.Send(Request("GET", "/echo")));
  ASSERT_TRUE(StartsWith(keeper.ReadResponse(), "HTTP/1.1 200 "));
  EXPECT_FALSE(keeper.WaitClosed(500ms));
  ASSERT_TRUE(keeper.Send(Request("GET", "/echo")));
  EXPECT_TRUE(StartsWith(keeper.ReadResponse(), "HTTP/1.1 200 "));
}

TEST_F(HttpServerTest, ConnectionsPerAddressAreLimitedAndOtherAddressesStillGetIn) {
  HttpServerOptions options;
  options.max_connections_per_address = 2;
  auto server = StartServer(options);
  ASSERT_NE(server, nullptr);
  RawConnection a1(server->port(), "127.0.0.1");
  RawConnection a2(server->port(), "127.0.0.1");
  ASSERT_TRUE(a1.Send(Request("GET", "/echo")));
  ASSERT_TRUE(StartsWith(a1.ReadResponse(), "HTTP/1.1 200 "));
  ASSERT_TRUE(a2.Send(Request("GET", "/echo")));
  ASSERT_TRUE(StartsWith(a2.ReadResponse(), "HTTP/1.1 200 "));

  RawConnection a3(server->port(), "127.0.0.1");
  ASSERT_TRUE(a3.Send(Request("GET", "/echo")));
  const std::string refused = a3.ReadResponse();
  EXPECT_TRUE(StartsWith(refused, "HTTP/1.1 503 ")) << refused;
  EXPECT_TRUE(Contains(refused, "from your address")) << refused;
  EXPECT_TRUE(Contains(refused, "Retry-After: 1\r\n")) << refused;
  EXPECT_TRUE(a3.WaitClosed(2s));

  RawConnection b(server->port(), "127.0.0.2");
  ASSERT_TRUE(b.connected());
  ASSERT_TRUE(b.Send(Request("GET", "/echo")));
  EXPECT_TRUE(StartsWith(b.ReadResponse(), "HTTP/1.1 200 "));
  EXPECT_TRUE(Contains(metrics_.RenderPrometheus(),
                       "\nfieldbook_connections_refused_total{reason=\"per_address\"} 1\n"));
}

TEST_F(HttpServerTest, HealthCheckIsAnsweredOverTheConnectionLimit) {
  HttpServerOptions options;
  options.max_connections = 1;
  auto server = StartServer(options);
  ASSERT_NE(server, nullptr);
  RawConnection hog(server->port());
  ASSERT_TRUE(hog.Send(Request("GET", "/echo")));
  ASSERT_TRUE(StartsWith(hog.ReadResponse(), "HTTP/1.1 200 "));

  RawConnection monitor(server->port());
  ASSERT_TRUE(monitor.Send(Request("GET", "/healthz")));
  const std::string health = monitor.ReadResponse();
  EXPECT_TRUE(StartsWith(health, "HTTP/1.1 200 ")) << health;
  EXPECT_TRUE(health.ends_with("healthy")) << health;
  EXPECT_TRUE(monitor.WaitClosed(2s));

  RawConnection other(server->port());
  ASSERT_TRUE(other.Send(Request("GET", "/echo")));
  EXPECT_TRUE(StartsWith(other.ReadResponse(), "HTTP/1.1 503 "));
}

TEST_F(HttpServerTest, WhenEvenTheOverflowPoolIsFullNewConnectionsAreClosedAtOnce) {
  HttpServerOptions options;
  options.max_connections_per_address = 1;
  auto server = StartServer(options);
  ASSERT_NE(server, nullptr);
  std::vector<std::unique_ptr<RawConnection>> held;
  for (int i = 0; i < 9; ++i) {  // one admitted, eight in the overflow pool (per address)
    held.push_back(std::make_unique<RawConnection>(server->port()));
  }
  ASSERT_TRUE(Eventually(
      [&] { return Contains(metrics_.RenderPrometheus(), "\nfieldbook_open_sessions 9\n"); }));
  RawConnection dropped(server->port());
  EXPECT_TRUE(dropped.WaitClosed(2s));
  EXPECT_TRUE(dropped.pending().empty());
  EXPECT_TRUE(Contains(metrics_.RenderPrometheus(),
                       "\nfieldbook_connections_refused_total{reason=\"overflow_full\"} 1\n"));
  RawConnection elsewhere(server->port(), "127.0.0.3");
  ASSERT_TRUE(elsewhere.Send(Request("GET", "/echo")));
  EXPECT_TRUE(StartsWith(elsewhere.ReadResponse(), "HTTP/1.1 200 "));
}

// Issue 13 item 7: the body was read before the handler could look at the token.
TEST_F(HttpServerTest, RequestRefusedOnItsHeaderIsAnsweredWithoutReadingTheBody) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  RawConnection raw(server->port());
  // Announces 30 MB and sends none of it: the answer comes anyway.
  ASSERT_TRUE(raw.Send("POST /private HTTP/1.1\r\nHost: x\r\nContent-Length: 30000000\r\n\r\n"));
  const std::string response = raw.ReadResponse(2000ms);
  EXPECT_TRUE(StartsWith(response, "HTTP/1.1 401 ")) << response;
  EXPECT_TRUE(Contains(response, "Connection: close\r\n")) << response;
  EXPECT_EQ(handler_.calls, 0);

  auto client = Client(server->port());
  auto ok = client->Post("/private", "12345", "text/plain", "good");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(ok->body, "alice:5");  // Admit's context reached Handle
}

TEST_F(HttpServerTest, RouteBodyLimitIsAppliedOnTheHeaderAndWhileReadingChunks) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  {
    RawConnection raw(server->port());
    ASSERT_TRUE(raw.Send("POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 101\r\n\r\n"));
    const std::string response = raw.ReadResponse(2000ms);
    EXPECT_TRUE(StartsWith(response, "HTTP/1.1 413 ")) << response;
  }
  {
    RawConnection raw(server->port());
    ASSERT_TRUE(
        raw.Send("POST /small HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "50\r\n" +
                 std::string(80, 'a') + "\r\n50\r\n" + std::string(80, 'b') + "\r\n"));
    EXPECT_TRUE(StartsWith(raw.ReadResponse(2000ms), "HTTP/1.1 413 "));
  }
  EXPECT_EQ(handler_.calls, 0);
  auto fits = Client(server->port())->Post("/small", std::string(100, 'c'), "text/plain");
  ASSERT_TRUE(fits.ok());
  EXPECT_EQ(fits->status, 200);
}

TEST_F(HttpServerTest, BodiesBeyondTheInFlightBudgetAre503) {
  HttpServerOptions options;
  options.body_limit = 1000;
  options.max_body_bytes_in_flight = 1000;
  auto server = StartServer(options);
  ASSERT_NE(server, nullptr);
  RawConnection holder(server->port());
  ASSERT_TRUE(holder.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 800\r\n\r\nabc"));
  ASSERT_TRUE(Eventually([&] {
    return Contains(metrics_.RenderPrometheus(), "\nfieldbook_request_body_bytes_in_flight 800\n");
  }));
  RawConnection second(server->port());
  ASSERT_TRUE(second.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n"));
  const std::string busy = second.ReadResponse(2000ms);
  EXPECT_TRUE(StartsWith(busy, "HTTP/1.1 503 ")) << busy;
  EXPECT_TRUE(Contains(busy, "Retry-After: 1\r\n")) << busy;
  // A chunked body reserves its route's whole limit.
  RawConnection chunked(server->port());
  ASSERT_TRUE(chunked.Send(
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n"));
  EXPECT_TRUE(StartsWith(chunked.ReadResponse(2000ms), "HTTP/1.1 503 "));
  // Requests without a body are not affected.
  auto get = Client(server->port())->Get("/echo");
  ASSERT_TRUE(get.ok());
  EXPECT_EQ(get->status, 200);

  ASSERT_TRUE(holder.Send(std::string(797, 'x')));
  EXPECT_TRUE(StartsWith(holder.ReadResponse(), "HTTP/1.1 200 "));
  EXPECT_TRUE(Eventually([&] {
    return Contains(metrics_.RenderPrometheus(), "\nfieldbook_request_body_bytes_in_flight 0\n");
  }));
  auto later = Client(server->port())->Post("/echo", std::string(500, 'y'), "text/plain");
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->status, 200);
  EXPECT_TRUE(Contains(metrics_.RenderPrometheus(),
                       "\nfieldbook_connections_refused_total{reason=\"body_budget\"} 2\n"));
}

TEST_F(HttpServerTest, AdmitThatThrowsIs500) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  auto client = Client(server->port());
  auto failed = client->Get("/admit-throw");
  ASSERT_TRUE(failed.ok()) << failed.status().ToString();
  EXPECT_EQ(failed->status, 500);
  auto ok = client->Get("/echo");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->status, 200);
}

TEST_F(HttpServerTest, RecordsLatencyByRoute) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  auto client = Client(server->port());
  ASSERT_TRUE(client->Get("/echo").ok());
  ASSERT_TRUE(client->Get("/healthz").ok());
  const std::string text = metrics_.RenderPrometheus();
  EXPECT_TRUE(Contains(text, "\nfieldbook_http_request_duration_seconds_count{route=\"test\"} 1\n"))
      << text;
  EXPECT_TRUE(
      Contains(text, "\nfieldbook_http_request_duration_seconds_count{route=\"healthz\"} 1\n"))
      << text;
}

TEST(JsonError, EscapesTheMessage) {
  const HttpResponse r = JsonError(409, "conflict", "a \"quoted\" word\nand a \\ backslash");
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.content_type, "application/json");
  const boost::json::value v = boost::json::parse(r.body);
  EXPECT_EQ(v.at("error").at("code").as_string(), "conflict");
  EXPECT_EQ(v.at("error").at("message").as_string(), "a \"quoted\" word\nand a \\ backslash");
}

// HTTPS with a self-signed certificate made by the openssl command.
class HttpsServerTest : public HttpServerTest {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fieldbook::testing::TempDir();
    const std::string command =
        "openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 1 -keyout '" +
        dir_->File("key.pem") + "' -out '" + dir_->File("cert.pem") + "' >/dev/null 2>&1";
    generated_ = std::system(command.c_str()) == 0;
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override { ASSERT_TRUE(generated_) << "openssl req failed"; }

  HttpServerOptions TlsOptions() const {
    HttpServerOptions options;
    options.tls_cert_file = dir_->File("cert.pem");
    options.tls_key_file = dir_->File("key.pem");
    return options;
  }

  static fieldbook::testing::TempDir* dir_;
  static bool generated_;
};

fieldbook::testing::TempDir* HttpsServerTest::dir_ = nullptr;
bool HttpsServerTest::generated_ = false;

TEST_F(HttpsServerTest, RoundTripWithTheCertificateAsTrustAnchor) {
  auto server = StartServer(TlsOptions());
  ASSERT_NE(server, nullptr);
  HttpClientOptions options;
  options.ca_file = dir_->File("cert.pem");
  auto client = HttpClient::Create("https://localhost:" + std::to_string(server->port()), options);
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  for (int i = 0; i < 2; ++i) {
    auto reply = (*client)->Post("/echo", "over tls", "text/plain");
    ASSERT_TRUE(reply.ok()) << reply.status().ToString();
    EXPECT_EQ(reply->status, 200);
    EXPECT_EQ(reply->body, "over tls");
  }
}

TEST_F(HttpsServerTest, ClientReconnectsAfterTheServerClosedTheIdleConnection) {
  HttpServerOptions server_options = TlsOptions();
  server_options.idle_timeout = 100ms;
  auto server = StartServer(server_options);
  ASSERT_NE(server, nullptr);
  HttpClientOptions options;
  options.ca_file = dir_->File("cert.pem");
  auto client = HttpClient::Create("https://localhost:" + std::to_string(server->port()), options);
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  ASSERT_TRUE((*client)->Get("/remote").ok());
  std::this_thread::sleep_for(300ms);
  auto reply = (*client)->Post("/echo", "again", "text/plain");
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  EXPECT_EQ(reply->body, "again");
}

TEST_F(HttpsServerTest, UntrustedOrMisnamedCertificateIsRefusedByTheClient) {
  auto server = StartServer(TlsOptions());
  ASSERT_NE(server, nullptr);
  const std::string port = std::to_string(server->port());

  auto untrusted = HttpClient::Create("https://localhost:" + port);  // system trust store
  ASSERT_TRUE(untrusted.ok());
  auto reply = (*untrusted)->Get("/echo");
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), StatusCode::kUnavailable);
  EXPECT_TRUE(Contains(reply.status().message(), "cannot reach https://localhost:" + port +
                                                     ": the server's TLS certificate is not "
                                                     "trusted: "))
      << reply.status().ToString();

  HttpClientOptions trusted;
  trusted.ca_file = dir_->File("cert.pem");
  auto misnamed = HttpClient::Create("https://127.0.0.1:" + port, trusted);  // CN is localhost
  ASSERT_TRUE(misnamed.ok());
  reply = (*misnamed)->Get("/echo");
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(reply.status().message(), "cannot reach https://127.0.0.1:" + port +
                                          ": the server's TLS certificate is not trusted: "
                                          "IP address mismatch");

  HttpClientOptions insecure;
  insecure.verify_tls = false;
  auto unchecked = HttpClient::Create("https://127.0.0.1:" + port, insecure);
  ASSERT_TRUE(unchecked.ok());
  reply = (*unchecked)->Get("/echo");
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  EXPECT_EQ(reply->status, 200);
}

TEST_F(HttpsServerTest, PlainHttpToTheTlsPortGetsNoAnswer) {
  auto server = StartServer(TlsOptions());
  ASSERT_NE(server, nullptr);
  RawConnection raw(server->port());
  ASSERT_TRUE(raw.Send(Request("GET", "/echo")));
  EXPECT_TRUE(raw.WaitClosed(2s));
  EXPECT_FALSE(StartsWith(raw.pending(), "HTTP/1.1 200"));
  HttpClientOptions trusted;
  trusted.ca_file = dir_->File("cert.pem");
  auto ok = HttpClient::Create("https://localhost:" + std::to_string(server->port()), trusted);
  ASSERT_TRUE(ok.ok());
  auto reply = (*ok)->Get("/echo");
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
}

TEST_F(HttpsServerTest, MissingOrBadCertificateIsAnErrorFromStart) {
  HttpServerOptions options = TlsOptions();
  options.tls_cert_file = dir_->File("does-not-exist.pem");
  auto missing = HttpServer::Start(options, handler_, metrics_);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(missing.status().message(), "does-not-exist.pem"));

  const std::string garbage = dir_->File("garbage.pem");
  std::ofstream(garbage) << "not a certificate\n";
  options = TlsOptions();
  options.tls_cert_file = garbage;
  auto bad_cert = HttpServer::Start(options, handler_, metrics_);
  ASSERT_FALSE(bad_cert.ok());
  EXPECT_EQ(bad_cert.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(bad_cert.status().message(), "garbage.pem"));

  options = TlsOptions();
  options.tls_key_file = garbage;
  auto bad_key = HttpServer::Start(options, handler_, metrics_);
  ASSERT_FALSE(bad_key.ok());
  EXPECT_EQ(bad_key.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace fieldbook::server
