// HttpAdmission::body_to_file (issue #17 item 3): a route that streams its request body to a
// temporary file instead of memory — the file handed to Handle() holds the body byte for byte
// (Content-Length and chunked), is removed after Handle(), is limited by the route's limit alone
// (above the server's in-memory body_limit), and a body that is too large, cut short or too slow
// never reaches Handle() and leaves no file behind.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>

#include "http/http_server.h"
#include "http/metrics.h"
#include "support/raw_connection.h"

namespace fieldbook::server {
namespace {

using fieldbook::testing::RawConnection;
using namespace std::chrono_literals;

// /file streams bodies of at most 1 MiB to a file; Handle answers "<size>:<first 16 bytes>" and
// notes the path it was given.
class FileHandler : public RequestHandler {
 public:
  HttpAdmission Admit(const HttpRequest& head) override {
    HttpAdmission admission;
    if (head.target == "/file") {
      admission.body_to_file = true;
      admission.body_limit = 1u << 20;
    }
    return admission;
  }
  HttpResponse Handle(const HttpRequest& request) override {
    ++calls;
    HttpResponse response;
    response.content_type = "text/plain";
    {
      std::lock_guard lock(mu);
      last_path = request.body_path;
      memory_body_size = request.body.size();
    }
    if (request.body_path.empty()) {
      response.body = "no-file";
      return response;
    }
    std::ifstream in(request.body_path, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    const std::string body = bytes.str();
    const auto perms = std::filesystem::status(request.body_path).permissions();
    const bool private_file =
        (perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all)) ==
        std::filesystem::perms::none;
    response.body = std::to_string(body.size()) + ":" + body.substr(0, 16) +
                    (private_file ? ":0600" : ":shared") + ":" + std::to_string(Checksum(body));
    return response;
  }
  static uint64_t Checksum(const std::string& s) {
    uint64_t h = 1469598103934665603ull;
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    return h;
  }
  std::string LastPath() {
    std::lock_guard lock(mu);
    return last_path;
  }

  std::atomic<int> calls{0};
  std::mutex mu;
  std::string last_path;
  size_t memory_body_size = 0;
};

class HttpBodyFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("fb-bodyfile-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    old_tmpdir_ = getenv("TMPDIR") ? getenv("TMPDIR") : "";
    setenv("TMPDIR", dir_.c_str(), 1);
  }
  void TearDown() override {
    server_.reset();
    if (old_tmpdir_.empty()) {
      unsetenv("TMPDIR");
    } else {
      setenv("TMPDIR", old_tmpdir_.c_str(), 1);
    }
    std::filesystem::remove_all(dir_);
  }
  void Start(HttpServerOptions options = {}) {
    auto server = HttpServer::Start(options, handler_, metrics_);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
  }
  size_t FilesLeft() {
    size_t n = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir_)) ++n;
    return n;
  }
  // The server removes a body's file as the connection closes: polled for up to twenty seconds
  // (generous: the machine may be loaded; only a failing test waits that long).
  bool EventuallyNoFiles() {
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (FilesLeft() > 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(10ms);
    }
    return FilesLeft() == 0;
  }
  static std::string Body(size_t n) {
    std::string s(n, '\0');
    for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (i * 7 + i / 13) % 26);
    return s;
  }

  std::filesystem::path dir_;
  std::string old_tmpdir_;
  FileHandler handler_;
  Metrics metrics_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpBodyFileTest, BodyAboveTheServersMemoryLimitReachesHandleAsAPrivateFileThenIsRemoved) {
  HttpServerOptions options;
  options.body_limit = 1000;  // the in-memory limit; /file's own limit is 1 MiB
  options.max_body_bytes_in_flight = 1000;
  Start(options);
  const std::string body = Body(700000);
  RawConnection raw(server_->port());
  ASSERT_TRUE(raw.Send("POST /file HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                       std::to_string(body.size()) + "\r\n\r\n" + body));
  const std::string response = raw.ReadResponse(10000ms);
  ASSERT_TRUE(response.starts_with("HTTP/1.1 200 ")) << response.substr(0, 300);
  EXPECT_NE(response.find("\r\n\r\n700000:" + body.substr(0, 16) +
                          ":0600:" + std::to_string(FileHandler::Checksum(body))),
            std::string::npos)
      << response;
  EXPECT_EQ(handler_.memory_body_size, 0u);  // never held in HttpRequest::body
  EXPECT_EQ(handler_.LastPath().rfind(dir_.string(), 0), 0u) << handler_.LastPath();
  EXPECT_EQ(FilesLeft(), 0u);

  // Keep-alive: the next request on the connection, chunked this time, works the same.
  const std::string second = Body(3000);
  ASSERT_TRUE(
      raw.Send("POST /file HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
               "7d0\r\n" +
               second.substr(0, 2000) + "\r\n3e8\r\n" + second.substr(2000) + "\r\n0\r\n\r\n"));
  const std::string chunked = raw.ReadResponse(10000ms);
  EXPECT_NE(chunked.find("\r\n\r\n3000:" + second.substr(0, 16) +
                         ":0600:" + std::to_string(FileHandler::Checksum(second))),
            std::string::npos)
      << chunked;
  EXPECT_EQ(FilesLeft(), 0u);
  // A route without the flag keeps the in-memory limit.
  RawConnection other(server_->port());
  ASSERT_TRUE(other.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1001\r\n\r\n"));
  EXPECT_TRUE(other.ReadResponse(3000ms).starts_with("HTTP/1.1 413 "));
}

TEST_F(HttpBodyFileTest, OversizeBodyIs413OnTheHeaderOrWhileStreamingAndLeavesNoFile) {
  Start();
  {
    RawConnection raw(server_->port());
    ASSERT_TRUE(raw.Send("POST /file HTTP/1.1\r\nHost: x\r\nContent-Length: 1048577\r\n\r\n"));
    EXPECT_TRUE(raw.ReadResponse(3000ms).starts_with("HTTP/1.1 413 "));
  }
  {
    RawConnection raw(server_->port());
    const std::string chunk = Body(600000);
    char size[32];
    std::snprintf(size, sizeof size, "%zx", chunk.size());
    ASSERT_TRUE(raw.Send("POST /file HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
                         std::string(size) + "\r\n" + chunk + "\r\n" + size + "\r\n" + chunk +
                         "\r\n0\r\n\r\n"));
    const std::string response = raw.ReadResponse(10000ms);
    EXPECT_TRUE(response.starts_with("HTTP/1.1 413 ")) << response.substr(0, 200);
  }
  EXPECT_EQ(handler_.calls, 0);
  EXPECT_TRUE(EventuallyNoFiles());
}

TEST_F(HttpBodyFileTest, TruncatedOrStalledUploadNeverReachesHandleAndLeavesNoFile) {
  HttpServerOptions options;
  options.read_timeout = 300ms;
  Start(options);
  {
    // The client sends half and goes away.
    RawConnection raw(server_->port());
    ASSERT_TRUE(
        raw.Send("POST /file HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n" + Body(50000)));
    raw.ShutdownWrite();
    EXPECT_TRUE(raw.WaitClosed(3000ms));
    EXPECT_EQ(raw.pending(), "");  // no answer: the body never came
  }
  {
    // The client sends half and stalls: closed after read_timeout without an answer.
    RawConnection raw(server_->port());
    ASSERT_TRUE(
        raw.Send("POST /file HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n" + Body(50000)));
    const auto start = std::chrono::steady_clock::now();
    EXPECT_TRUE(raw.WaitClosed(5000ms));
    EXPECT_GE(std::chrono::steady_clock::now() - start, 250ms);
    EXPECT_EQ(raw.pending(), "");
  }
  EXPECT_EQ(handler_.calls, 0);
  EXPECT_TRUE(EventuallyNoFiles());
}

TEST_F(HttpBodyFileTest, TrickleBelowTheMinimumRateIsCutAtTheWholeBodyDeadline) {
  HttpServerOptions options;
  options.read_timeout = 400ms;  // each read comes well within this, the whole body cannot
  Start(options);
  RawConnection raw(server_->port());
  // 1,000 bytes may take read_timeout + 1000 / kMinFileBodyRate (0 s): 400 ms in all.
  ASSERT_TRUE(raw.Send("POST /file HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n"));
  const auto start = std::chrono::steady_clock::now();
  bool closed = false;
  for (int i = 0; i < 40 && !closed; ++i) {
    if (!raw.Send("x")) break;
    closed = raw.WaitClosed(150ms);
  }
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(closed || raw.WaitClosed(2000ms));
  EXPECT_LT(took, 3000ms);
  EXPECT_EQ(handler_.calls, 0);
  EXPECT_TRUE(EventuallyNoFiles());
}

}  // namespace
}  // namespace fieldbook::server
