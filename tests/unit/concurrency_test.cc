// Concurrency in one server process (issue #15 item 1): the group commit of devices' pushes
// (group_commit.h), the bounded worker pool (worker_pool.h), the HTTP server's admission control
// (503 + Retry-After when the worker queue is full, health answered on the I/O thread) and the
// client's back-off on it (http_client.h).
#include <gtest/gtest.h>

#include <any>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "api/sync_service.h"
#include "auth/auth.h"
#include "fieldbook/change_set_codec.h"
#include "http/http_server.h"
#include "http/metrics.h"
#include "http/worker_pool.h"
#include "store/group_commit.h"
#include "store/pg/pg_sql_db.h"
#include "store/read_stores.h"
#include "support/server_store_fixture.h"
#include "sync/http_client.h"

namespace fieldbook::server {
namespace {

using namespace std::chrono_literals;
using ::fieldbook::testing::Exec;
using ::fieldbook::testing::QueryValue;

template <class F>
bool WaitFor(F condition, std::chrono::milliseconds limit = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(2ms);
  }
  return condition();
}

// ---- group commit --------------------------------------------------------------------------

class GroupCommitTest : public fieldbook::testing::ServerStoreFixture {
 protected:
  void SetUp() override {
    ServerStoreFixture::SetUp();
    AddRep("rep-a", "Rep A");
    group_ = std::make_unique<GroupCommit>(
        *store_, [this] { return std::unique_lock<std::mutex>(store_mu_); });
  }

  // Device `device`'s push `set_id` of one new customer `customer` of rep-a.
  ChangeSet NewCustomer(const std::string& device, const std::string& set_id,
                        const std::string& customer) {
    ChangeSet set;
    set.set_id = set_id;
    set.replica_id = device;
    const uint32_t origin = set.OriginIndex(device);
    const Hlc at = Hlc::FromParts(wall_.NowMs(), 0);
    set.rows.push_back(
        RowChange{"customers",
                  customer,
                  {ColumnChange{"name", Value(customer), at, origin},
                   ColumnChange{"owner_rep_id", Value(std::string("rep-a")), at, origin}}});
    return set;
  }

  int64_t Customers() {
    auto stmt = store_->sql().Prepare("SELECT count(*) FROM customers");
    EXPECT_TRUE(stmt.ok());
    EXPECT_TRUE((*stmt)->Step().ok());
    const int64_t n = (*stmt)->Int(0);
    (*stmt)->Reset();
    return n;
  }

  std::mutex store_mu_;  // the writer's lock, as SyncService holds it
  std::unique_ptr<GroupCommit> group_;
  Principal rep_{"rep-a", "Rep A", "rep"};
};

TEST_F(GroupCommitTest, PushesThatWaitTogetherCommitTogetherAndEachIsAcknowledged) {
  constexpr int kPushes = 12;
  std::vector<std::future<Result<PushResult>>> results;
  {
    // Another writer holds the store: every push queues behind it.
    std::unique_lock<std::mutex> busy(store_mu_);
    for (int i = 0; i < kPushes; ++i) {
      results.push_back(std::async(std::launch::async, [this, i] {
        const std::string n = std::to_string(i);
        return group_->Push(rep_, NewCustomer("device-" + n, "set-" + n, "c" + n));
      }));
    }
    // One caller leads and waits for the lock; the others wait in the queue.
    ASSERT_TRUE(WaitFor([&] { return group_->queued() == kPushes; }));
  }
  for (auto& r : results) {
    auto pushed = r.get();
    ASSERT_TRUE(pushed.ok()) << pushed.status().ToString();
    EXPECT_EQ(pushed->rows_accepted, 1u);
    EXPECT_TRUE(pushed->rejections.empty());
  }
  // All of them in one transaction: one COMMIT (one fsync) for twelve pushes.
  EXPECT_EQ(group_->stats().commits, 1u);
  EXPECT_EQ(group_->stats().pushes, static_cast<uint64_t>(kPushes));
  EXPECT_EQ(Customers(), kPushes);
  // Each push keeps its own idempotency: sent again, it is answered from its stored result.
  auto again = group_->Push(rep_, NewCustomer("device-3", "set-3", "c3"));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->rows_accepted, 1u);
  EXPECT_EQ(Customers(), kPushes);
}

TEST_F(GroupCommitTest, ARefusedPushIsRefusedAloneAndItsBatchMatesCommit) {
  // "set-taken" was applied for device-x; device-y reusing it is refused (409 on the wire).
  ASSERT_TRUE(group_->Push(rep_, NewCustomer("device-x", "set-taken", "cx")).ok());
  std::vector<std::future<Result<PushResult>>> results;
  {
    std::unique_lock<std::mutex> busy(store_mu_);
    for (int i = 0; i < 6; ++i) {
      results.push_back(std::async(std::launch::async, [this, i] {
        const std::string n = std::to_string(i);
        if (i == 2) return group_->Push(rep_, NewCustomer("device-y", "set-taken", "bad"));
        return group_->Push(rep_, NewCustomer("device-" + n, "set-" + n, "c" + n));
      }));
    }
    ASSERT_TRUE(WaitFor([&] { return group_->queued() == 6; }));
  }
  for (int i = 0; i < 6; ++i) {
    auto pushed = results[static_cast<size_t>(i)].get();
    if (i == 2) {
      ASSERT_FALSE(pushed.ok());
      EXPECT_EQ(pushed.status().code(), StatusCode::kConflict) << pushed.status().ToString();
    } else {
      ASSERT_TRUE(pushed.ok()) << i << ": " << pushed.status().ToString();
      EXPECT_EQ(pushed->rows_accepted, 1u);
    }
  }
  EXPECT_EQ(group_->stats().commits, 2u);  // the first push, then the six together
  EXPECT_EQ(Customers(), 1 + 5);           // cx and the five good ones; "bad" rolled back alone
}

TEST_F(GroupCommitTest, AReaderSeesACommittedBatchAtOnceAndNeverPartOfIt) {
  auto readers = ReadStores::Open(db_path_, wall_, HubOptions{}, 2);
  ASSERT_TRUE(readers.ok()) << readers.status().ToString();
  ReadStores::Lease reader = (*readers)->Acquire();
  auto read = reader->BeginRead();
  ASSERT_TRUE(read.ok());
  auto before = reader->hub().LatestSeq();
  ASSERT_TRUE(before.ok());
  ASSERT_TRUE(group_->Push(rep_, NewCustomer("device-1", "set-1", "c1")).ok());
  // Inside its snapshot the reader still sees the hub as it was.
  auto during = reader->hub().LatestSeq();
  ASSERT_TRUE(during.ok());
  EXPECT_EQ(*during, *before);
  read->reset();
  auto after = reader->hub().LatestSeq();
  ASSERT_TRUE(after.ok());
  EXPECT_GT(*after, *before);
}

// ---- reads on the read connections ---------------------------------------------------------

// SyncService with two read connections, a manager, and rep-a holding customer c1.
class ReadConnectionsTest : public GroupCommitTest {
 protected:
  void SetUp() override {
    GroupCommitTest::SetUp();
    AddRep("boss", "Boss", "manager");
    ASSERT_TRUE(group_->Push(rep_, NewCustomer("device-a", "set-1", "c1")).ok());
    auto readers = ReadStores::Open(db_path_, wall_, HubOptions{}, 2);
    ASSERT_TRUE(readers.ok()) << readers.status().ToString();
    readers_ = std::move(*readers);
    SyncServiceOptions options;
    options.readers = readers_;
    options.device_flush_interval_ms = int64_t{1} << 50;
    service_ = std::make_unique<SyncService>(*store_, metrics_, wall_, options);
  }
  static HttpRequest Request(const std::string& method, const std::string& target,
                             const Principal& who, std::string body = {}) {
    HttpRequest request;
    request.method = method;
    request.target = target;
    request.body = std::move(body);
    request.admitted = who;  // as Admit() leaves it
    return request;
  }
  // An export of rep-a as a manager sees it now.
  std::string Export() {
    HttpResponse r = service_->Handle(Request("GET", "/v1/admin/export?rep=rep-a", boss_));
    EXPECT_EQ(r.status, 200) << r.body;
    return r.body;
  }

  Metrics metrics_;
  std::shared_ptr<ReadStores> readers_;
  std::unique_ptr<SyncService> service_;
  Principal boss_{"boss", "Boss", "manager"};
};

TEST_F(ReadConnectionsTest, ListsReportsPoolsAndExportsDoNotWaitForTheWriter) {
  const std::vector<std::pair<std::string, Principal>> reads = {
      {"/v1/admin/reps", boss_},
      {"/v1/admin/territories", boss_},
      {"/v1/admin/export?rep=rep-a", boss_},
      {"/v1/admin/reports/tiers", boss_},
      {"/v1/admin/pool", boss_},
      {"/v1/admin/conflicts", boss_},
      {"/v1/admin/grading", boss_},
      {"/v1/reports/tiers", rep_},
      {"/v1/pool", rep_},
      {"/v1/conflicts", rep_}};
  std::vector<std::future<HttpResponse>> answers;
  // The writer is busy (a long batch of pushes, an import, an admin write) for as long as this
  // lock is held.
  auto writer = service_->LockStoreForTesting();
  for (const auto& [target, who] : reads) {
    answers.push_back(std::async(std::launch::async, [this, target = target, who = who] {
      return service_->Handle(Request("GET", target, who));
    }));
  }
  for (size_t i = 0; i < reads.size(); ++i) {
    EXPECT_EQ(answers[i].wait_for(10s), std::future_status::ready)
        << reads[i].first << " waited for the writer";
  }
  writer.unlock();
  for (size_t i = 0; i < reads.size(); ++i) {
    HttpResponse r = answers[i].get();
    EXPECT_EQ(r.status, 200) << reads[i].first << ": " << r.body;
  }
  EXPECT_NE(Export().find("\"c1\""), std::string::npos);
}

TEST_F(ReadConnectionsTest, ALongReadDoesNotBlockAPushAndSeesItOnlyAfterItsSnapshot) {
  const std::string before = Export();
  // A long read (an export of a big rep, a report) holds a read connection in one snapshot.
  ReadStores::Lease long_read = readers_->Acquire();
  auto snapshot = long_read->BeginRead();
  ASSERT_TRUE(snapshot.ok());
  auto seq_before = long_read->hub().LatestSeq();
  ASSERT_TRUE(seq_before.ok());

  SyncRequest sync;
  sync.replica_id = "device-b";
  sync.has_push = true;
  sync.push = NewCustomer("device-b", "set-2", "c2");
  const Principal device{"rep-a", "Rep A", "rep", 1, "phone"};
  auto pushed = std::async(std::launch::async, [&] {
    return service_->Handle(Request("POST", "/v1/sync", device, EncodeSyncRequest(sync)));
  });
  ASSERT_EQ(pushed.wait_for(10s), std::future_status::ready) << "the push waited for the read";
  HttpResponse r = pushed.get();
  ASSERT_EQ(r.status, 200) << r.body;
  auto answer = DecodeSyncResponse(r.body);
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_EQ(answer->push_result.rows_accepted, 1u);
  // The long read still sees the hub as it was when it began; the next read sees the push.
  auto seq_during = long_read->hub().LatestSeq();
  ASSERT_TRUE(seq_during.ok());
  EXPECT_EQ(*seq_during, *seq_before);
  const std::string after = Export();
  EXPECT_EQ(before.find("\"c2\""), std::string::npos);
  EXPECT_NE(after.find("\"c2\""), std::string::npos);
}

// SQLite's authorizer refuses a read connection's writes; PostgreSQL's read-only sessions do.
TEST_F(ReadConnectionsTest, AReadConnectionRefusesToWriteAndSaysSo) {
  ReadStores::Lease reader = readers_->Acquire();
  EXPECT_FALSE(reader.TakeWriteRefused());
  EXPECT_TRUE(reader->sql().ExecScript("SELECT count(*) FROM customers").ok());
  EXPECT_FALSE(reader.TakeWriteRefused());
  const Status deleted = reader->sql().ExecScript("DELETE FROM customers");
  EXPECT_FALSE(deleted.ok());
  const std::string why = deleted.ToString();  // SQLite's words, or PostgreSQL's
  EXPECT_TRUE(why.find("not authorized") != std::string::npos ||
              why.find("read-only transaction") != std::string::npos)
      << why;
  EXPECT_FALSE(reader->sql().ExecScript("UPDATE reps SET name = 'x'").ok());
  EXPECT_TRUE(reader.TakeWriteRefused());
  EXPECT_FALSE(reader.TakeWriteRefused());  // taken
  // Inside its snapshot too.
  {
    auto snapshot = reader->BeginRead();
    ASSERT_TRUE(snapshot.ok());
    EXPECT_FALSE(reader->sql().ExecScript("DELETE FROM customers").ok());
    EXPECT_TRUE(reader.TakeWriteRefused());
  }
  EXPECT_EQ(Customers(), 1);
}

TEST_F(ReadConnectionsTest, AReadConnectionMadeAgainAfterItWasLostStillRefusesToWrite) {
  if (!store_->on_postgres()) GTEST_SKIP() << "PostgreSQL only: a SQLite file is never lost";
  Value lost;
  {
    ReadStores::Lease reader = readers_->Acquire();
    lost = QueryValue(reader->sql(), "SELECT pg_backend_pid()");
    // The server ends the reader's session (a restart, a failover, an administrator), and
    // waits up to 10 s for it to end.
    ASSERT_TRUE(Exec(store_->sql(), "SELECT pg_terminate_backend(?::integer, 10000)", {lost}).ok());
    EXPECT_FALSE(reader->sql().ExecScript("SELECT 1").ok());
  }
  // The next lease of that reader (the free list is last in, first out) makes it again.
  ReadStores::Lease reader = readers_->Acquire();
  EXPECT_NE(QueryValue(reader->sql(), "SELECT pg_backend_pid()"), lost);
  EXPECT_TRUE(reader->sql().ExecScript("SELECT count(*) FROM customers").ok());
  EXPECT_FALSE(reader->sql().ExecScript("DELETE FROM customers").ok());
  EXPECT_TRUE(reader.TakeWriteRefused());
  EXPECT_EQ(Customers(), 1);
}

// Made again but not set up (a set-up statement failed before the read-only setting): the reader
// serves nothing, and the next lease makes it again, read-only.
TEST_F(ReadConnectionsTest, AReadConnectionWhoseSetUpFailedServesNothingUntilItIsSetUp) {
  if (!store_->on_postgres()) GTEST_SKIP() << "PostgreSQL only: SQLite's authorizer is set once";
  {
    ReadStores::Lease reader = readers_->Acquire();
    auto* pg = dynamic_cast<pg::PgSqlDb*>(&reader->sql());
    ASSERT_NE(pg, nullptr);
    pg->db().FailNextSessionSetUpForTesting();
    const Value lost = QueryValue(reader->sql(), "SELECT pg_backend_pid()");
    ASSERT_TRUE(Exec(store_->sql(), "SELECT pg_terminate_backend(?::integer, 10000)", {lost}).ok());
    EXPECT_FALSE(reader->sql().ExecScript("SELECT 1").ok());  // lost
  }
  {
    ReadStores::Lease reader = readers_->Acquire();  // made again; its set-up fails
    const Status deleted = reader->sql().ExecScript("DELETE FROM customers");
    EXPECT_EQ(deleted.code(), StatusCode::kUnavailable) << deleted.ToString();
    EXPECT_EQ(reader->AddRep(NewRep{"rep-x", "X", "rep", "", "", ""}).status().code(),
              StatusCode::kUnavailable);
    EXPECT_FALSE(reader->BeginRead().ok());
  }
  EXPECT_EQ(Customers(), 1);
  ReadStores::Lease reader = readers_->Acquire();
  EXPECT_TRUE(reader->sql().ExecScript("SELECT count(*) FROM customers").ok());
  EXPECT_FALSE(reader->sql().ExecScript("DELETE FROM customers").ok());
  EXPECT_TRUE(reader.TakeWriteRefused());
  EXPECT_EQ(Customers(), 1);
  EXPECT_EQ(std::get<int64_t>(QueryValue(store_->sql(), "SELECT count(*) FROM reps")), 2);
}

TEST_F(ReadConnectionsTest, ATokenWhoseCheckMustWriteIsCheckedOnTheWriter) {
  // A device token stored before keyed hashes: its first check stores it again, keyed (a
  // write, which the read connection refuses).
  auto insert = store_->sql().Prepare(
      "INSERT INTO srv_credentials (rep_id, device, token_hash, hash_scheme, created_ms) VALUES "
      "('rep-a', 'old phone', ?, 'sha256', 1000)");
  ASSERT_TRUE(insert.ok());
  (*insert)->Bind(1, HashToken("fbt_legacy_phone"));
  ASSERT_TRUE((*insert)->Run().ok());
  (*insert)->Reset();
  for (int i = 0; i < 2; ++i) {  // re-hashed on the writer, then found keyed on a reader
    HttpRequest head;
    head.method = "POST";
    head.target = "/v1/sync";
    head.authorization = "Bearer fbt_legacy_phone";
    HttpAdmission admitted = service_->Admit(head);
    ASSERT_FALSE(admitted.response) << i << ": " << admitted.response->body;
    const Principal* who = std::any_cast<Principal>(&admitted.context);
    ASSERT_NE(who, nullptr);
    EXPECT_EQ(who->rep_id, "rep-a");
    EXPECT_EQ(who->device, "old phone");
  }
  auto legacy =
      store_->sql().Prepare("SELECT count(*) FROM srv_credentials WHERE hash_scheme = 'sha256'");
  ASSERT_TRUE(legacy.ok());
  ASSERT_TRUE((*legacy)->Step().ok());
  EXPECT_EQ((*legacy)->Int(0), 0);
  (*legacy)->Reset();
}

// ---- the worker pool -----------------------------------------------------------------------

TEST(WorkerPoolTest, RefusesJobsBeyondItsQueueAndRunsTheRest) {
  WorkerPool pool(1, 2);
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::atomic<int> ran{0};
  std::atomic<bool> started{false};
  ASSERT_TRUE(pool.TryPost([&] {
    started = true;
    gate.wait();
    ++ran;
  }));
  ASSERT_TRUE(WaitFor([&] { return started.load(); }));
  EXPECT_TRUE(pool.TryPost([&] { ++ran; }));
  EXPECT_TRUE(pool.TryPost([&] { ++ran; }));
  EXPECT_EQ(pool.pending(), 3u);
  EXPECT_FALSE(pool.TryPost([&] { ++ran; }));  // the queue is full: refused, never run
  release.set_value();
  pool.Join();
  EXPECT_EQ(ran.load(), 3);
}

// ---- admission control over HTTP -----------------------------------------------------------

// /hold blocks its worker until released, and so does /upload, whose body is streamed to a file
// (an import); /healthz and /fast answer at once.
class HoldingHandler : public RequestHandler {
 public:
  HttpAdmission Admit(const HttpRequest& head) override {
    HttpAdmission admission;
    admission.body_to_file = head.target == "/upload";  // streamed to a file, up to 4 MiB
    if (admission.body_to_file) admission.body_limit = 4u << 20;
    return admission;
  }
  HttpResponse Handle(const HttpRequest& request) override {
    if (request.target == "/hold" || request.target == "/upload") {
      if (!request.body_path.empty()) {  // written before `holding` counts it
        upload_path = request.body_path;
        upload_file_seen = std::filesystem::exists(request.body_path);
      }
      ++holding;
      gate.wait();
    }
    ++handled;
    return HttpResponse{200, "text/plain", request.target == "/healthz" ? "healthy" : "done", {}};
  }
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::atomic<int> holding{0};
  std::atomic<int> handled{0};
  std::atomic<bool> upload_file_seen{false};
  std::string upload_path;
};

class AdmissionTest : public ::testing::Test {
 protected:
  void Start(size_t workers, size_t max_queued, int io_threads = 2) {
    HttpServerOptions options;
    options.threads = io_threads;
    options.workers = workers;
    options.max_queued = max_queued;
    auto server = HttpServer::Start(options, handler_, metrics_);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(*server);
  }
  std::unique_ptr<client::HttpClient> Client(client::HttpClientOptions options = {}) {
    auto c =
        client::HttpClient::Create("http://127.0.0.1:" + std::to_string(server_->port()), options);
    EXPECT_TRUE(c.ok());
    return std::move(*c);
  }
  void TearDown() override {
    try {
      handler_.release.set_value();
    } catch (const std::future_error&) {
    }
    server_.reset();
  }

  HoldingHandler handler_;
  Metrics metrics_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(AdmissionTest, AFullQueueAnswers503WithRetryAfterAndHealthIsStillAnswered) {
  Start(/*workers=*/1, /*max_queued=*/1);
  client::HttpClientOptions no_retry;
  no_retry.busy_retries = 0;
  auto holder = std::async(std::launch::async, [&] { return Client(no_retry)->Get("/hold"); });
  ASSERT_TRUE(WaitFor([&] { return handler_.holding.load() == 1; }));
  // The one worker is busy: of two more requests one waits in the queue, the other finds it
  // full and is told to come back.
  auto a = std::async(std::launch::async, [&] { return Client(no_retry)->Get("/fast"); });
  auto b = std::async(std::launch::async, [&] { return Client(no_retry)->Get("/fast"); });
  ASSERT_TRUE(WaitFor([&] {
    return metrics_.RenderPrometheus().find("reason=\"queue_full\"") != std::string::npos;
  }));
  // A monitor is answered on the I/O thread while every worker is busy and the queue is full.
  const auto t0 = std::chrono::steady_clock::now();
  auto health = Client(no_retry)->Get("/healthz");
  ASSERT_TRUE(health.ok());
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(health->body, "healthy");
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 10s);  // not behind the held worker
  auto metrics = Client(no_retry)->Get("/metrics");
  ASSERT_TRUE(metrics.ok());
  EXPECT_EQ(metrics->status, 200);

  handler_.release.set_value();
  auto held = holder.get();
  ASSERT_TRUE(held.ok());
  EXPECT_EQ(held->status, 200);
  auto ra = a.get();
  auto rb = b.get();
  ASSERT_TRUE(ra.ok() && rb.ok());
  const client::HttpReply& refused = ra->status == 503 ? *ra : *rb;
  const client::HttpReply& served = ra->status == 503 ? *rb : *ra;
  EXPECT_EQ(refused.status, 503);
  EXPECT_EQ(refused.retry_after, "1");
  EXPECT_NE(refused.body.find("server_busy"), std::string::npos);
  EXPECT_EQ(served.status, 200);  // queued, not refused: answered once the worker was free
}

TEST_F(AdmissionTest, AnUploadStreamedToAFileIsHandledOnAWorkerNotOnTheIoThread) {
  // One I/O thread: were the upload's handler run on it (as it was), nothing else would be read
  // or answered until the upload was done.
  Start(/*workers=*/2, /*max_queued=*/4, /*io_threads=*/1);
  const std::string body(2u << 20, 'x');
  auto upload =
      std::async(std::launch::async, [&] { return Client()->Post("/upload", body, "text/csv"); });
  ASSERT_TRUE(WaitFor([&] { return handler_.holding.load() == 1; }));
  EXPECT_TRUE(handler_.upload_file_seen.load());
  client::HttpClientOptions quick;
  quick.request_timeout = 5s;
  quick.busy_retries = 0;
  auto health = Client(quick)->Get("/healthz");
  ASSERT_TRUE(health.ok()) << health.status().ToString();
  EXPECT_EQ(health->status, 200);
  auto fast = Client(quick)->Get("/fast");  // the other worker
  ASSERT_TRUE(fast.ok()) << fast.status().ToString();
  EXPECT_EQ(fast->status, 200);
  EXPECT_EQ(fast->body, "done");

  handler_.release.set_value();
  auto uploaded = upload.get();
  ASSERT_TRUE(uploaded.ok()) << uploaded.status().ToString();
  EXPECT_EQ(uploaded->status, 200);
  // The body's file is removed once the worker's answer is back.
  ASSERT_FALSE(handler_.upload_path.empty());
  EXPECT_FALSE(std::filesystem::exists(handler_.upload_path));
}

TEST_F(AdmissionTest, TheClientBacksOffAndRetriesUntilTheServerHasRoom) {
  Start(/*workers=*/1, /*max_queued=*/0);  // no queue: a busy worker refuses everyone else
  auto holder = std::async(std::launch::async, [&] { return Client()->Get("/hold"); });
  ASSERT_TRUE(WaitFor([&] { return handler_.holding.load() == 1; }));
  // Free the worker a little later: the client, refused meanwhile, asks again and gets through.
  auto freer = std::async(std::launch::async, [&] {
    std::this_thread::sleep_for(700ms);
    handler_.release.set_value();
  });
  client::HttpClientOptions options;
  options.busy_retries = 5;
  auto reply = Client(options)->Get("/fast");
  freer.get();
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  EXPECT_EQ(reply->status, 200);
  EXPECT_GE(reply->busy_retries, 1);
  ASSERT_TRUE(holder.get().ok());
}

TEST_F(AdmissionTest, TheClientGivesUpAfterItsRetriesAndSaysTheServerWasBusy) {
  Start(/*workers=*/1, /*max_queued=*/0);
  auto holder = std::async(std::launch::async, [&] { return Client()->Get("/hold"); });
  ASSERT_TRUE(WaitFor([&] { return handler_.holding.load() == 1; }));
  client::HttpClientOptions options;
  options.busy_retries = 2;
  auto reply = Client(options)->Get("/fast");
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  EXPECT_EQ(reply->status, 503);
  EXPECT_EQ(reply->busy_retries, 2);
  const std::string message = client::ServerErrorMessage(*reply);
  EXPECT_NE(message.find("too many requests"), std::string::npos) << message;
  EXPECT_NE(message.find("the server was busy; asked again 2 times"), std::string::npos) << message;
  handler_.release.set_value();
  ASSERT_TRUE(holder.get().ok());
}

TEST(BusyBackoffTest, GrowsWithTheRetriesAndIsSpreadByJitter) {
  using client::BusyBackoff;
  EXPECT_EQ(BusyBackoff("1", 0, 0.5), 1000ms);
  EXPECT_EQ(BusyBackoff("1", 0, 0.0), 500ms);
  EXPECT_EQ(BusyBackoff("2", 1, 0.5), 4000ms);
  EXPECT_EQ(BusyBackoff("1", 10, 0.5), 8000ms);    // at most 8x
  EXPECT_EQ(BusyBackoff("soon", 0, 0.5), 1000ms);  // not a number: 1 s
  EXPECT_EQ(BusyBackoff("99999", 0, 0.5), 1000ms);
  EXPECT_LE(BusyBackoff("600", 0, 0.99), 60s * 1.5);
}

}  // namespace
}  // namespace fieldbook::server
