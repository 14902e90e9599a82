// The device against a server that misbehaves (#19: a hostile or broken server is as real as a
// hostile client). An in-process HttpServer plays the server's routes and answers, one way at a
// time: bytes that are no sync answer, an impossible cursor, HTTP 500 and 418 with a page of HTML,
// a refusal code this build does not know, a body over the device's limit, and malformed pool,
// claims and report fields; a raw socket answers bytes that are not HTTP at all. Each failure
// reads in Chinese with no English word (tests/support/english_words.h; the English keeps the
// server's own words for logs and scripts), and nothing local is lost: the write made offline
// still waits with the replica's position unchanged, the claim still waits and the cached pool
// listing stays.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "fieldbook/change_set_codec.h"
#include "http/http_server.h"
#include "lang/store_errors.h"
#include "store/client_store.h"
#include "support/english_words.h"
#include "support/fake_clock.h"
#include "support/temp_dir.h"
#include "sync/device_sync.h"

namespace fieldbook::testing {
namespace {

namespace json = boost::json;

constexpr size_t kSyncLimit = 64u << 10;  // the device's answer limit in this test

// The answers the server gives, per route.
enum class Answer {
  kHonest,
  kGarbage,     // 200 with bytes that are neither a sync answer nor JSON
  kImpossible,  // 200 with a well-formed answer holding a cursor or field no server sends
  kHtml500,     // 500 with a proxy's page of HTML
  kTeapot,      // 418 with one line of English
  kFutureCode,  // 422 with a refusal code and English this build does not know
  kOversized,   // 200 with a body over the device's limit
};

class MisbehavingServer final : public server::RequestHandler {
 public:
  void Set(Answer sync, Answer pool, Answer reports) {
    std::lock_guard<std::mutex> lock(mu_);
    sync_ = sync;
    pool_ = pool;
    reports_ = reports;
  }

  server::HttpResponse Handle(const server::HttpRequest& request) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (request.target == "/v1/sync") return Sync(request);
    if (request.target == "/v1/pool" || request.target == "/v1/pool/claims") {
      return Pool(request.target == "/v1/pool/claims");
    }
    if (request.target.rfind("/v1/reports/", 0) == 0) return Reports();
    return Json(404, R"({"error":{"code":"not_found","message":"no such route"}})");
  }

 private:
  static server::HttpResponse Json(int status, std::string body) {
    server::HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    return r;
  }

  // The misbehaviours every route shares; nullopt for kHonest and kImpossible.
  static std::optional<server::HttpResponse> Broken(Answer a, size_t limit) {
    server::HttpResponse r;
    switch (a) {
      case Answer::kGarbage:
        r.content_type = "application/octet-stream";
        r.body = std::string("\x01\x02 this is no answer at all \xff", 29);
        return r;
      case Answer::kHtml500:
        r.status = 500;
        r.content_type = "text/html";
        r.body = "<html><body><h1>Internal Server Error</h1>upstream went away</body></html>";
        return r;
      case Answer::kTeapot:
        r.status = 418;
        r.content_type = "text/plain";
        r.body = "I'm a teapot";
        return r;
      case Answer::kFutureCode:
        return Json(422, R"({"error":{"code":"future","message":"a refusal from the future"},)"
                         R"("error_code":"http_from_the_future","error_values":{"n":"3"}})");
      case Answer::kOversized:
        r.body = "{\"pad\":\"" + std::string(limit, 'x') + "\"}";
        return r;
      default:
        return std::nullopt;
    }
  }

  server::HttpResponse Sync(const server::HttpRequest& request) {
    if (auto broken = Broken(sync_, kSyncLimit)) return *broken;
    auto asked = DecodeSyncRequest(request.body);
    EXPECT_TRUE(asked.ok()) << asked.status().ToString();
    SyncResponse answer;
    answer.hub_time_ms = FakeWallClock::kDefaultStartMs;
    answer.pull.cursor = asked.ok() ? asked->pull_cursor : 0;
    if (sync_ == Answer::kImpossible) answer.pull.cursor = ~uint64_t{0};  // -1 sent unsigned
    server::HttpResponse r;
    r.content_type = "application/x-fieldbook-sync";
    r.body = EncodeSyncResponse(answer);
    return r;
  }

  server::HttpResponse Pool(bool claims) {
    if (auto broken = Broken(pool_, client::kPoolResponseLimit)) return *broken;
    if (claims) {  // a status no server sends
      return Json(200, R"({"results":[{"request_id":"x","status":"maybe"}]})");
    }
    // A listing whose policy holds a number as words.
    return Json(200, R"({"rep":"rep-a","as_of":"2026-11-23T08:00:00Z","today":"2026-11-23",)"
                     R"("policy":{"warn_days":"seven"},"pool":[]})");
  }

  server::HttpResponse Reports() {
    if (auto broken = Broken(reports_, 4u << 20)) return *broken;
    // A portfolio whose reps are numbers.
    return Json(200, R"({"today":"2026-11-23","window_days":30,"reps":[1,2]})");
  }

  std::mutex mu_;
  Answer sync_ = Answer::kHonest, pool_ = Answer::kHonest, reports_ = Answer::kHonest;
};

// A listener on 127.0.0.1 that answers every connection with bytes that are not HTTP and closes.
class NotHttpListener {
 public:
  NotHttpListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    socklen_t len = sizeof addr;
    EXPECT_EQ(::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    port_ = ntohs(addr.sin_port);
    EXPECT_EQ(::listen(fd_, 8), 0);
    thread_ = std::thread([this] {
      while (!stop_) {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, 50) <= 0) continue;
        const int c = ::accept(fd_, nullptr, nullptr);
        if (c < 0) continue;
        char buf[4096];
        (void)::recv(c, buf, sizeof buf, 0);
        const std::string junk = "SSH-2.0-OpenSSH_9.6 not what you asked for\r\n\r\n";
        (void)::send(c, junk.data(), junk.size(), MSG_NOSIGNAL);
        ::close(c);
      }
    });
  }
  ~NotHttpListener() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  NotHttpListener(const NotHttpListener&) = delete;
  NotHttpListener& operator=(const NotHttpListener&) = delete;
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

class ClientHostileServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto http = server::HttpServer::Start({}, handler_, metrics_);
    ASSERT_TRUE(http.ok()) << http.status().ToString();
    http_ = std::move(*http);
    url_ = "http://127.0.0.1:" + std::to_string(http_->port());
  }

  std::unique_ptr<client::ClientStore> OpenStore(const std::string& name, const std::string& url) {
    auto store = client::ClientStore::Open(dir_.File(name), wall_);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    if (!store.ok()) return nullptr;
    EXPECT_TRUE((*store)->SaveSettings({url, "fbt_secret", "rep-a", "张伟"}).ok());
    return std::move(*store);
  }

  // One whole sync of `store` over HTTP, as the CLI and the app run it.
  Result<client::DeviceSyncReport> Sync(client::ClientStore& store) {
    auto settings = store.Settings();
    if (!settings.ok()) return settings.status();
    client::HttpClientOptions options;
    options.response_body_limit = kSyncLimit;
    options.request_timeout = std::chrono::milliseconds(5000);
    auto links = client::HttpServerLinks::Create(*settings, options);
    if (!links.ok()) return links.status();
    return client::DeviceSync(store).Run((*links)->links());
  }

  TempDir dir_;
  FakeWallClock wall_;
  MisbehavingServer handler_;
  server::Metrics metrics_;
  std::unique_ptr<server::HttpServer> http_;
  std::string url_;
};

// The sync exchange itself: the sync fails, says why in Chinese with no English word, and the
// write made offline still waits, the replica's position where it was.
TEST_F(ClientHostileServerTest, ASyncAnswerThatCannotBeUsedIsToldInChineseAndLosesNothing) {
  auto store = OpenStore("sync.db", url_);
  ASSERT_NE(store, nullptr);
  auto added = store->customers().Add({{"name", "鑫达汽修"}});
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  const int64_t waiting = *store->replica().PendingWriteCount();
  ASSERT_GT(waiting, 0);
  const uint64_t cursor = store->replica().cursor();

  NotHttpListener not_http;
  const std::vector<std::pair<const char*, Answer>> answers = {
      {"garbage", Answer::kGarbage},         {"impossible cursor", Answer::kImpossible},
      {"HTTP 500", Answer::kHtml500},        {"HTTP 418", Answer::kTeapot},
      {"unknown code", Answer::kFutureCode}, {"oversized", Answer::kOversized},
      {"not HTTP", Answer::kGarbage}};
  for (const auto& [what, answer] : answers) {
    SCOPED_TRACE(what);
    if (std::string(what) == "not HTTP") {  // the last: the device's server is the raw socket
      ASSERT_TRUE(store->SaveSettings({not_http.url(), "fbt_secret", "rep-a", "张伟"}).ok());
    }
    handler_.Set(answer, Answer::kHonest, Answer::kHonest);
    client::ClientStore& device = *store;
    auto synced = Sync(device);
    ASSERT_FALSE(synced.ok());
    const std::string zh = client::RenderError(Lang::kChinese, synced.status());
    EXPECT_TRUE(EnglishWords(zh).empty())
        << zh << " (English: " << synced.status().message() << ")";
    EXPECT_NE(zh, synced.status().message());
    // Nothing local is lost.
    EXPECT_EQ(*device.replica().PendingWriteCount(), waiting);
    EXPECT_EQ(device.replica().cursor(), cursor);
    auto kept = device.customers().List({});
    ASSERT_TRUE(kept.ok());
    ASSERT_EQ(kept->size(), 1u);
    EXPECT_EQ((*kept)[0].name, "鑫达汽修");
  }
}

// The exchanges after it (the public pool's listing and claims, the rep's reports): the sync
// succeeds, each failure is reported in Chinese with no English word, the claim still waits and
// the cached listing stays.
TEST_F(ClientHostileServerTest, APoolOrReportAnswerThatCannotBeUsedIsToldInChineseAndLosesNothing) {
  auto store = OpenStore("pool.db", url_);
  ASSERT_NE(store, nullptr);
  client::PoolListing listing;
  listing.rep_id = "rep-a";
  listing.as_of = "2026-11-23T08:00:00Z";
  listing.server_day = "2026-11-23";
  listing.pool.push_back({.id = "c-pooled", .name = "宏图汽配"});
  ASSERT_TRUE(store->pool().Save(listing).ok());
  ASSERT_TRUE(store->pool().RequestClaim("c-pooled").ok());

  const std::vector<std::pair<const char*, Answer>> answers = {
      {"garbage", Answer::kGarbage},         {"malformed fields", Answer::kImpossible},
      {"HTTP 500", Answer::kHtml500},        {"HTTP 418", Answer::kTeapot},
      {"unknown code", Answer::kFutureCode}, {"oversized", Answer::kOversized}};
  for (const auto& [what, answer] : answers) {
    SCOPED_TRACE(what);
    handler_.Set(Answer::kHonest, answer, answer);
    auto synced = Sync(*store);
    ASSERT_TRUE(synced.ok()) << synced.status().ToString();
    const client::SyncReport& report = synced->sync;
    ASSERT_FALSE(report.pool_error.empty());
    const std::string pool_zh =
        client::RenderError(Lang::kChinese, report.pool_error, report.pool_error_phrase);
    EXPECT_TRUE(EnglishWords(pool_zh).empty())
        << pool_zh << " (English: " << report.pool_error << ")";
    ASSERT_FALSE(synced->reports_error.empty());
    const std::string reports_zh =
        client::RenderError(Lang::kChinese, synced->reports_error, synced->reports_error_phrase);
    EXPECT_TRUE(EnglishWords(reports_zh).empty())
        << reports_zh << " (English: " << synced->reports_error << ")";
    // Nothing local is lost: the claim waits, the listing is the one the device had.
    auto waiting = store->pool().Requests(/*pending_only=*/true);
    ASSERT_TRUE(waiting.ok());
    ASSERT_EQ(waiting->size(), 1u);
    EXPECT_EQ((*waiting)[0].customer_id, "c-pooled");
    auto cached = store->pool().Cached();
    ASSERT_TRUE(cached.ok() && cached->has_value());
    ASSERT_EQ((*cached)->pool.size(), 1u);
    EXPECT_EQ((*cached)->pool[0].name, "宏图汽配");
  }
}

}  // namespace
}  // namespace fieldbook::testing
