#include "sync/http_client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include "http/http_server.h"
#include "lang/store_errors.h"
#include "support/english_words.h"
#include "support/temp_dir.h"

namespace fieldbook::client {
namespace {

using namespace std::chrono_literals;
using server::HttpRequest;
using server::HttpResponse;
using server::HttpServer;
using server::HttpServerOptions;

// A listening socket on 127.0.0.1 that never accepts: the kernel completes connections into its
// backlog and nobody ever answers. With listen_now = false the port is bound but not listening,
// so connections are refused.
class SilentListener {
 public:
  explicit SilentListener(bool listen_now) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    socklen_t len = sizeof addr;
    EXPECT_EQ(::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    port_ = ntohs(addr.sin_port);
    if (listen_now) {
      EXPECT_EQ(::listen(fd_, 16), 0);
    }
  }
  ~SilentListener() { ::close(fd_); }
  SilentListener(const SilentListener&) = delete;
  SilentListener& operator=(const SilentListener&) = delete;

  uint16_t port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

class TestHandler : public server::RequestHandler {
 public:
  HttpResponse Handle(const HttpRequest& request) override {
    HttpResponse response;
    response.content_type = "text/plain";
    if (request.target.ends_with("/big")) {
      response.body.assign(10000, 'x');
    } else {
      response.body = request.method + "|" + request.target + "|" + request.authorization + "|" +
                      request.content_type + "|" + request.body;
    }
    return response;
  }
};

class HttpClientTest : public ::testing::Test {
 protected:
  std::unique_ptr<HttpServer> StartServer(HttpServerOptions options = {}) {
    auto server = HttpServer::Start(options, handler_, metrics_);
    EXPECT_TRUE(server.ok()) << server.status().ToString();
    return server.ok() ? std::move(server).value() : nullptr;
  }
  static std::string Url(const HttpServer& server) {
    return "http://127.0.0.1:" + std::to_string(server.port());
  }

  TestHandler handler_;
  server::Metrics metrics_;
};

TEST_F(HttpClientTest, ConnectionRefusedIsUnavailableAtOnce) {
  SilentListener closed(/*listen_now=*/false);
  auto client = HttpClient::Create(closed.url());
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  const auto start = std::chrono::steady_clock::now();
  auto reply = (*client)->Get("/v1/status");
  EXPECT_LT(std::chrono::steady_clock::now() - start,
            10s);  // no retrying (a loaded machine is slow)
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(reply.status().message(), "cannot reach " + closed.url() + ": connection refused");
}

TEST_F(HttpClientTest, ServerThatNeverAnswersTimesOut) {
  SilentListener silent(/*listen_now=*/true);
  HttpClientOptions options;
  options.request_timeout = 300ms;
  auto client = HttpClient::Create(silent.url(), options);
  ASSERT_TRUE(client.ok());
  const auto start = std::chrono::steady_clock::now();
  auto reply = (*client)->Post("/v1/sync", "data", "application/octet-stream");
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(reply.status().message(), "no answer from " + silent.url() + " within 300 ms");
  EXPECT_GE(elapsed, 250ms);
  EXPECT_LT(elapsed, 15s);  // the 300 ms timeout, not the 30 s default (a loaded machine is slow)
}

TEST_F(HttpClientTest, BadUrlIsInvalidArgument) {
  for (const std::string url :
       {"", "localhost:8080", "ftp://host", "http://", "http://:80",
        "http://host:", "http://host:x", "http://host:70000", "http://host:0", "http://a b:80",
        "http://user@host", "http://host/?q=1", "http://[::1", "https://[::1]x"}) {
    auto client = HttpClient::Create(url);
    ASSERT_FALSE(client.ok()) << url;
    EXPECT_EQ(client.status().code(), StatusCode::kInvalidArgument) << url;
  }
  for (const std::string url : {"http://localhost", "https://example.org:8443/", "http://[::1]:80",
                                "HTTP://10.0.0.5:8080/fieldbook"}) {
    EXPECT_TRUE(HttpClient::Create(url).ok()) << url;
  }
}

TEST_F(HttpClientTest, MissingCaFileIsInvalidArgument) {
  HttpClientOptions options;
  options.ca_file = "/nonexistent/ca.pem";
  auto client = HttpClient::Create("https://localhost:8443", options);
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.status().code(), StatusCode::kInvalidArgument);
}

// Bug (#19, session 15's re-read): a CA file OpenSSL could not load said only "PEM expected";
// OpenSSL's reason was dropped. It is kept as a value: the common one (no certificate in the
// file) a reason of the table, read in the rep's language, any other in OpenSSL's own words.
TEST_F(HttpClientTest, AnUnreadableCaFileKeepsOpenSslsReasonAsAValue) {
  fieldbook::testing::TempDir dir;
  const std::string junk = dir.File("junk.pem"), damaged = dir.File("damaged.pem");
  std::ofstream(junk) << "not a certificate\n";
  std::ofstream(damaged) << "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
  HttpClientOptions options;
  options.ca_file = junk;
  auto client = HttpClient::Create("https://localhost:8443", options);
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(client.status().message(), "cannot load CA certificates from " + junk +
                                           " (PEM expected): no certificate or CRL found");
  ASSERT_NE(client.status().phrase(), nullptr);
  const std::string zh = RenderError(Lang::kChinese, client.status());
  EXPECT_EQ(zh, "无法从 " + junk + " 读取 CA 证书（应为 PEM 格式）：其中没有证书");
  EXPECT_TRUE(fieldbook::testing::EnglishWords(zh).empty()) << zh;

  options.ca_file = damaged;
  client = HttpClient::Create("https://localhost:8443", options);
  ASSERT_FALSE(client.ok());
  ASSERT_NE(client.status().phrase(), nullptr);
  const TextValues& values = client.status().phrase()->values;
  const auto why =
      std::find_if(values.begin(), values.end(), [](const auto& v) { return v.first == "why"; });
  ASSERT_NE(why, values.end());
  EXPECT_FALSE(why->second.empty());  // OpenSSL's words ("wrong tag (asn1 encoding routines)")
  EXPECT_NE(client.status().message().find(why->second), std::string::npos)
      << client.status().message();
}

TEST_F(HttpClientTest, SendsMethodTargetTokenContentTypeAndBody) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  auto client = HttpClient::Create(Url(*server) + "/api/");
  ASSERT_TRUE(client.ok());
  EXPECT_EQ((*client)->base_url(), Url(*server) + "/api");
  auto post = (*client)->Post("/v1/sync?x=1", "body bytes", "application/x-capnp", "secret");
  ASSERT_TRUE(post.ok()) << post.status().ToString();
  EXPECT_EQ(post->status, 200);
  EXPECT_EQ(post->content_type, "text/plain");
  EXPECT_EQ(post->body, "POST|/api/v1/sync?x=1|Bearer secret|application/x-capnp|body bytes");
  auto get = (*client)->Get("/v1/pull");
  ASSERT_TRUE(get.ok()) << get.status().ToString();
  EXPECT_EQ(get->body, "GET|/api/v1/pull|||");

  auto bad = (*client)->Get("no-slash");
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  bad = (*client)->Get("/x", "token\r\nX-Injected: 1");
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(HttpClientTest, ResponseOverTheLimitIsResourceExhausted) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  HttpClientOptions options;
  options.response_body_limit = 1000;
  auto client = HttpClient::Create(Url(*server), options);
  ASSERT_TRUE(client.ok());
  auto reply = (*client)->Get("/big");
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), StatusCode::kResourceExhausted);
  // The client recovers on a new connection.
  auto small = (*client)->Get("/small");
  ASSERT_TRUE(small.ok()) << small.status().ToString();
  EXPECT_EQ(small->status, 200);
}

TEST_F(HttpClientTest, ReconnectsWhenTheServerClosedTheIdleConnection) {
  HttpServerOptions options;
  options.idle_timeout = 100ms;
  auto server = StartServer(options);
  ASSERT_NE(server, nullptr);
  auto client = HttpClient::Create(Url(*server));
  ASSERT_TRUE(client.ok());
  ASSERT_TRUE((*client)->Get("/one").ok());
  std::this_thread::sleep_for(300ms);  // the server closes the kept-alive connection
  auto again = (*client)->Post("/two", "x", "text/plain");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->status, 200);
}

TEST_F(HttpClientTest, ServerGoneBetweenRequestsIsUnavailable) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  const std::string url = Url(*server);
  auto client = HttpClient::Create(url);
  ASSERT_TRUE(client.ok());
  ASSERT_TRUE((*client)->Get("/one").ok());
  server.reset();
  auto reply = (*client)->Get("/two");
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(reply.status().message(), "cannot reach " + url + ": connection refused");
}

TEST(ServerErrorMessageTest, TheServersJsonErrorMessageOrTheStartOfTheBody) {
  const HttpReply json_error{409, "application/json",
                             R"({"error":{"code":"conflict","message":"already claimed by 李娜"}})",
                             "", 0};
  EXPECT_EQ(ServerErrorMessage(json_error), "already claimed by 李娜");
  EXPECT_EQ(ServerErrorMessage(json_error, 7), "already");
  const HttpReply html{502, "text/html", "<html>" + std::string(500, 'x') + "</html>", "", 0};
  EXPECT_EQ(ServerErrorMessage(html), html.body.substr(0, 200));
  const HttpReply no_message{500, "application/json", R"({"error":{"code":"internal"}})", "", 0};
  EXPECT_EQ(ServerErrorMessage(no_message), no_message.body);
  EXPECT_EQ(ServerErrorMessage(HttpReply{500, "", "", "", 0}), "");
}

}  // namespace
}  // namespace fieldbook::client
