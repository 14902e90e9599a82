#include "http/http_server.h"

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

#include "lang/store_errors.h"
#include "support/raw_connection.h"
#include "support/temp_dir.h"
#include "sync/http_client.h"
#include "unit/http_server_fixture.h"

namespace fieldbook::server {
namespace {

using namespace std::chrono_literals;
using client::HttpClient;
using client::HttpClientOptions;
using fieldbook::testing::RawConnection;

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

// #15: a handler's 503 (a store whose database connection is lost) reached devices without
// Retry-After, and devices retry only a 503 that says when: every 503 now carries one, and a
// handler's own is kept as it is.
TEST_F(HttpServerTest, EveryHandler503TellsWhenToAskAgain) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  RawConnection gone(server->port());
  ASSERT_TRUE(gone.Send(Request("GET", "/gone")));
  const std::string response = gone.ReadResponse();
  EXPECT_TRUE(StartsWith(response, "HTTP/1.1 503 ")) << response;
  EXPECT_TRUE(Contains(response, "Retry-After: 1\r\n")) << response;
  RawConnection later(server->port());
  ASSERT_TRUE(later.Send(Request("GET", "/gone-7")));
  const std::string kept = later.ReadResponse();
  EXPECT_TRUE(Contains(kept, "Retry-After: 7\r\n")) << kept;
  EXPECT_FALSE(Contains(kept, "Retry-After: 1")) << kept;
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
                                          "it is not for this IP address");
  EXPECT_EQ(client::RenderError(Lang::kChinese, reply.status()),
            "无法连接 https://127.0.0.1:" + port +
                "：服务器的 TLS 证书不受信任：证书不是为这个 IP 地址签发的");

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
