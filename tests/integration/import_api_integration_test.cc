// The admin API's import route on the real server (issue #17 items 2 and 3): the upload is
// streamed to a temporary file (never held in the server's memory), refused cleanly when it is cut
// short or too large, and imported one batch at a time under the store's lock, so a device syncs
// while a large import runs.
#include <gtest/gtest.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>

#include "integration/server_fixture.h"
#include "support/import_sheets.h"
#include "support/raw_connection.h"
#include "support/sync_fixture.h"

namespace fieldbook::testing {
namespace {

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// kB of a "VmHWM:"/"VmRSS:" line of /proc/PID/status.
int64_t ProcStatusKb(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field, 0) == 0) return std::atoll(line.c_str() + field.size());
  }
  return -1;
}

size_t LineCount(const std::string& text) {
  size_t n = 0;
  for (char c : text) n += c == '\n';
  return n;
}

class ImportApiTest : public ServerFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(InitDb());
    manager_ = AddRep("mgr", "周经理", "manager");
    token_a_ = AddRep("rep-a", "张伟 Zhang Wei");
    tmp_ = dir_.File("server-tmp");
    std::filesystem::create_directories(tmp_);
  }
  // The server runs with TMPDIR in a folder of the test, so that its upload files can be seen.
  void Start(const std::vector<std::string>& extra = {}, const std::string& pause_ms = "") {
    const char* old = std::getenv("TMPDIR");
    const std::string saved = old ? old : "";
    ::setenv("TMPDIR", tmp_.c_str(), 1);
    if (!pause_ms.empty()) ::setenv("FIELDBOOK_TEST_IMPORT_PAUSE_MS", pause_ms.c_str(), 1);
    StartServer(false, extra);
    ::unsetenv("FIELDBOOK_TEST_IMPORT_PAUSE_MS");
    if (saved.empty()) {
      ::unsetenv("TMPDIR");
    } else {
      ::setenv("TMPDIR", saved.c_str(), 1);
    }
  }
  size_t UploadFilesLeft() {
    size_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(tmp_)) {
      n += e.path().filename().string().rfind("fieldbook-body-", 0) == 0;
    }
    return n;
  }
  std::string ExportCsv(const std::string& kind) {
    CommandResult r = RunServerCommand({"export", kind, "--db", db_});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }
  bool EventuallyNoUploadFiles() {  // polled for up to 30 s: the machine may be loaded
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (UploadFilesLeft() > 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return UploadFilesLeft() == 0;
  }

  std::string manager_, token_a_, tmp_;
};

TEST_F(ImportApiTest, ADeviceSyncsPushAndPullWhileALargeImportRuns) {
  const std::string customers = dir_.File("c.csv");
  std::ofstream(customers, std::ios::binary) << RowsToCsv(CustomerRows(200, {"rep-a"}));
  ASSERT_EQ(RunServerCommand({"import", "customers", customers, "--db", db_}).exit_code, 0);
  // Each batch of 100 rows is followed by a 150 ms pause outside the store's lock: the import
  // of 1,200 orders (about 2,400 rows) takes at least 3.5 s whatever the machine.
  ASSERT_NO_FATAL_FAILURE(Start({}, "150"));
  auto phone = OpenReplica("phone");
  ASSERT_TRUE(phone);
  ASSERT_TRUE(Sync(*phone, token_a_).ok());

  const std::string orders = RowsToCsv(OrderRows(1200, 200));
  std::atomic<bool> import_done{false};
  std::optional<Result<client::HttpReply>> reply;
  std::thread importer([&] {
    reply.emplace(Post("/v1/admin/import/orders?batch_rows=100&today=2026-11-30", orders, manager_,
                       "text/csv"));
    import_done = true;
  });
  // Once the import has committed its first batches (read by another process), the device
  // pushes a new customer and pulls.
  bool started = false;
  for (int i = 0; i < 600 && !started && !import_done; ++i) {
    started = LineCount(ExportCsv("orders")) > 1;
    if (!started) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(Exec(phone->db(),
                   "INSERT INTO customers (id, name, owner_rep_id) VALUES ('dev-1', '导入时新建', "
                   "'rep-a')")
                  .ok());
  const auto sync_start = std::chrono::steady_clock::now();
  auto synced = Sync(*phone, token_a_);
  const auto sync_took = std::chrono::steady_clock::now() - sync_start;
  const bool during = !import_done;
  importer.join();
  EXPECT_TRUE(started) << "the import committed nothing before it finished";
  ASSERT_TRUE(synced.ok()) << synced.status().ToString();
  EXPECT_TRUE(during) << "the device's sync waited for the whole import ("
                      << std::chrono::duration_cast<std::chrono::milliseconds>(sync_took).count()
                      << " ms)";
  ASSERT_TRUE(reply->ok()) << reply->status().ToString();
  ASSERT_EQ((*reply)->status, 200) << (*reply)->body;
  const boost::json::value report = ParseJson((*reply)->body);
  EXPECT_EQ(JsonInt(report, "created"), 1200);
  EXPECT_EQ(JsonInt(report, "rejected"), 0);
  EXPECT_GE(JsonInt(report, "batches"), 20);
  // The device's customer reached the hub; the next sync brings the device every order.
  EXPECT_TRUE(Contains(ServerExport("rep-a"), "导入时新建"));
  ASSERT_TRUE(Sync(*phone, token_a_).ok());
  EXPECT_EQ(ReplicaExport(*phone), ServerExport("rep-a"));
}

TEST_F(ImportApiTest, A50MbUploadIsStreamedToDiskAndTheServersMemoryStaysBounded) {
  // Under AddressSanitizer freed memory waits in a quarantine (256 MB by default) that counts as
  // resident: keep it small so that the server's resident size shows what it holds.
  const char* asan = std::getenv("ASAN_OPTIONS");
  const std::string saved_asan = asan ? asan : "";
  ::setenv("ASAN_OPTIONS",
           (saved_asan + (saved_asan.empty() ? "" : ":") + "quarantine_size_mb=4").c_str(), 1);
  Start({"--body-limit-mb", "4", "--body-budget-mb", "8"});
  if (asan) {
    ::setenv("ASAN_OPTIONS", saved_asan.c_str(), 1);
  } else {
    ::unsetenv("ASAN_OPTIONS");
  }
  ASSERT_TRUE(server_ && server_->running());
  // 60 customers, each with a 0.9 MB note in a column the import ignores: 54 MB in all.
  std::string csv = "客户名称,电话,旧系统备注\r\n";
  const std::string filler(900 << 10, 'n');
  for (int i = 1; i <= 60; ++i) {
    csv += CustomerName(i) + "," + CustomerPhone(i) + "," + filler + "\r\n";
  }
  ASSERT_GT(csv.size(), 50u << 20);
  const int64_t before_kb = ProcStatusKb(server_->pid(), "VmRSS:");
  ASSERT_GT(before_kb, 0);
  auto done = Post("/v1/admin/import/customers?name=big.csv", csv, manager_, "text/csv");
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  ASSERT_EQ(done->status, 200) << done->body.substr(0, 500);
  EXPECT_EQ(JsonInt(ParseJson(done->body), "created"), 60);
  const int64_t peak_kb = ProcStatusKb(server_->pid(), "VmHWM:");
  // Held in memory, the body alone would add 54 MB; streamed, the server holds a batch of rows at
  // most (8 MiB of cells: Importer::kMaxBatchBytes) and the reader's buffer.
  EXPECT_LT(peak_kb - before_kb, 40 << 10) << "before " << before_kb << " kB, peak " << peak_kb;
  EXPECT_EQ(LineCount(ExportCsv("customers")), 61u);
  EXPECT_TRUE(EventuallyNoUploadFiles());
}

TEST_F(ImportApiTest, ATruncatedOrStalledUploadIsRefusedAndImportsNothing) {
  ASSERT_NO_FATAL_FAILURE(Start({"--read-timeout-ms", "500"}));
  const std::string csv = RowsToCsv(CustomerRows(300, {"rep-a"}));
  const std::string head =
      "POST /v1/admin/import/customers HTTP/1.1\r\nHost: x\r\nAuthorization: "
      "Bearer " +
      manager_ + "\r\nContent-Length: " + std::to_string(csv.size()) + "\r\n\r\n";
  {
    // Half the file, then the client goes away.
    RawConnection raw(static_cast<uint16_t>(server_->port()));
    ASSERT_TRUE(raw.Send(head + csv.substr(0, csv.size() / 2)));
    raw.ShutdownWrite();
    EXPECT_TRUE(raw.WaitClosed(std::chrono::milliseconds(5000)));
    EXPECT_EQ(raw.pending(), "");
  }
  {
    // Half the file, then silence: closed after the read timeout.
    RawConnection raw(static_cast<uint16_t>(server_->port()));
    ASSERT_TRUE(raw.Send(head + csv.substr(0, csv.size() / 2)));
    EXPECT_TRUE(raw.WaitClosed(std::chrono::milliseconds(5000)));
    EXPECT_EQ(raw.pending(), "");
  }
  EXPECT_EQ(LineCount(ExportCsv("customers")), 1u);  // the header only
  EXPECT_TRUE(EventuallyNoUploadFiles());
  // The whole file imports.
  auto done = Post("/v1/admin/import/customers", csv, manager_, "text/csv");
  ASSERT_TRUE(done.ok());
  ASSERT_EQ(done->status, 200) << done->body;
  EXPECT_EQ(JsonInt(ParseJson(done->body), "created"), 300);
}

TEST_F(ImportApiTest, AnUploadOverTheUploadLimitIs413OnItsHeaderOrWhileStreaming) {
  ASSERT_NO_FATAL_FAILURE(Start({"--upload-limit-mb", "1"}));
  auto big =
      Post("/v1/admin/import/customers", std::string((1 << 20) + 1, 'x'), manager_, "text/csv");
  ASSERT_TRUE(big.ok());
  EXPECT_EQ(big->status, 413);
  // Chunked, with no length announced: refused once it passes the limit.
  RawConnection raw(static_cast<uint16_t>(server_->port()));
  const std::string chunk(700 << 10, 'y');
  char size[32];
  std::snprintf(size, sizeof size, "%zx", chunk.size());
  raw.Send("POST /v1/admin/import/customers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
           manager_ + "\r\nTransfer-Encoding: chunked\r\n\r\n" + size + "\r\n" + chunk + "\r\n" +
           size + "\r\n" + chunk + "\r\n0\r\n\r\n");
  const std::string response = raw.ReadResponse(std::chrono::milliseconds(10000));
  EXPECT_TRUE(response.rfind("HTTP/1.1 413 ", 0) == 0) << response.substr(0, 300);
  EXPECT_EQ(LineCount(ExportCsv("customers")), 1u);
  EXPECT_TRUE(EventuallyNoUploadFiles());
}

// #17: --upload-limit-mb bounds one upload; --upload-disk-mb bounds the temporary files of all the
// uploads in progress together (each reserves its Content-Length, or its limit when chunked).
TEST_F(ImportApiTest, UploadsInProgressTogetherStayWithinTheDiskCap) {
  ASSERT_NO_FATAL_FAILURE(Start({"--upload-limit-mb", "8", "--upload-disk-mb", "6"}));
  auto head = [&](size_t length) {
    return "POST /v1/admin/import/customers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
           manager_ + "\r\nContent-Length: " + std::to_string(length) + "\r\n\r\n";
  };
  // Alone larger than the cap (though within the upload limit): 413 on its header.
  {
    RawConnection raw(static_cast<uint16_t>(server_->port()));
    ASSERT_TRUE(raw.Send(head(7u << 20)));
    const std::string response = raw.ReadResponse(std::chrono::milliseconds(10000));
    EXPECT_TRUE(response.rfind("HTTP/1.1 413 ", 0) == 0) << response.substr(0, 300);
  }
  // A 4 MiB upload in progress (its first bytes sent, the rest still to come)...
  RawConnection slow(static_cast<uint16_t>(server_->port()));
  ASSERT_TRUE(slow.Send(head(4u << 20) + std::string(1000, 'x')));
  const auto upload_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (UploadFilesLeft() == 0 && std::chrono::steady_clock::now() < upload_deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(UploadFilesLeft(), 1u);
  // ...leaves room for a small sheet, which imports...
  const std::string csv = RowsToCsv(CustomerRows(20, {"rep-a"}));
  auto small = Post("/v1/admin/import/customers", csv, manager_, "text/csv");
  ASSERT_TRUE(small.ok());
  EXPECT_EQ(small->status, 200) << small->body;
  // ...but not for a 3 MiB one: 503 with Retry-After, before any byte of it is stored.
  {
    RawConnection raw(static_cast<uint16_t>(server_->port()));
    ASSERT_TRUE(raw.Send(head(3u << 20)));
    const std::string response = raw.ReadResponse(std::chrono::milliseconds(10000));
    EXPECT_TRUE(response.rfind("HTTP/1.1 503 ", 0) == 0) << response.substr(0, 300);
    EXPECT_TRUE(Contains(response, "Retry-After")) << response.substr(0, 300);
    EXPECT_TRUE(Contains(response, "disk")) << response.substr(0, 300);
  }
  EXPECT_EQ(UploadFilesLeft(), 1u);
  // Once the slow upload gives up, its share is free again.
  slow.Close();
  EXPECT_TRUE(EventuallyNoUploadFiles());
  // About 3 MiB again, in 320 rows with long notes (备注): the upload is what is being proved,
  // so the dry run behind it stays short (25,000 rows took over the client's 30 s at load 13).
  auto rows = CustomerRows(320, {"rep-a"});
  for (size_t i = 1; i < rows.size(); ++i) rows[i][8] = std::string(10000, 'n');
  const std::string bigger = RowsToCsv(rows);
  ASSERT_GT(bigger.size(), 3u << 20);
  ASSERT_LT(bigger.size(), 4u << 20);
  auto after = Post("/v1/admin/import/customers?dry_run=1", bigger, manager_, "text/csv");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->status, 200) << after->body.substr(0, 300);
  EXPECT_TRUE(Contains(after->body, "\"rows\":320")) << after->body.substr(0, 300);
}

std::string UrlEncode(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) != 0) {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

TEST_F(ImportApiTest, PreviewShowsTheColumnsTheDetectedFieldsAndTheFirstRowsAndTakesAMapping) {
  ASSERT_NO_FATAL_FAILURE(Start());
  std::string csv = "店名,手机,旧系统ID,内部备注\r\n";
  for (int i = 1; i <= 8; ++i) {
    csv += CustomerName(i) + "," + CustomerPhone(i) + ",OLD-" + std::to_string(i) + ",secret\r\n";
  }
  auto field_of = [](const boost::json::value& preview, size_t column) {
    const auto& c = preview.as_object().at("columns").as_array().at(column).as_object();
    return c.at("field").is_null() ? std::string("null") : std::string(c.at("field").as_string());
  };
  auto plain = Post("/v1/admin/import/customers?preview=1", csv, manager_, "text/csv");
  ASSERT_TRUE(plain.ok());
  ASSERT_EQ(plain->status, 200) << plain->body;
  const boost::json::value p = ParseJson(plain->body);
  EXPECT_EQ(JsonStr(p, "format"), "csv");
  ASSERT_EQ(p.as_object().at("columns").as_array().size(), 4u);
  EXPECT_EQ(field_of(p, 0), "name");
  EXPECT_EQ(field_of(p, 1), "phone");
  EXPECT_EQ(field_of(p, 2), "null");
  EXPECT_EQ(field_of(p, 3), "null");
  EXPECT_EQ(JsonStr(p.as_object().at("columns").as_array().at(2), "header"), "旧系统ID");
  EXPECT_EQ(p.as_object().at("rows").as_array().size(), 5u);
  EXPECT_EQ(p.as_object().at("rows").as_array().at(0).as_array().at(2).as_string(), "OLD-1");
  EXPECT_TRUE(p.as_object().at("problem").is_null());
  bool lists_external_id = false;
  for (const auto& f : p.as_object().at("fields").as_array()) {
    lists_external_id = lists_external_id || f.as_string() == "external_id";
  }
  EXPECT_TRUE(lists_external_id);
  EXPECT_EQ(LineCount(ExportCsv("customers")), 1u);  // a preview writes nothing

  // The mapping the editor made: 旧系统ID is the external id, 内部备注 is not imported.
  const std::string mapping = UrlEncode(R"({"旧系统ID": "external_id", "内部备注": ""})");
  // The preview with it, and the dry run's report: both name the columns as imported (and the
  // fields the editor can offer).
  for (const char* what : {"preview=1", "dry_run=1"}) {
    auto r = Post("/v1/admin/import/customers?" + std::string(what) + "&mapping=" + mapping, csv,
                  manager_, "text/csv");
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->status, 200) << r->body;
    const boost::json::value answer = ParseJson(r->body);
    EXPECT_EQ(field_of(answer, 0), "name") << what;
    EXPECT_EQ(field_of(answer, 2), "external_id") << what;
    EXPECT_EQ(field_of(answer, 3), "null") << what;
    EXPECT_FALSE(answer.as_object().at("fields").as_array().empty()) << what;
  }
  auto done = Post("/v1/admin/import/customers?mapping=" + mapping, csv, manager_, "text/csv");
  ASSERT_TRUE(done.ok());
  ASSERT_EQ(done->status, 200) << done->body;
  EXPECT_EQ(JsonInt(ParseJson(done->body), "created"), 8);
  const std::string exported = ExportCsv("customers");
  EXPECT_TRUE(Contains(exported, "OLD-8")) << exported;
  EXPECT_FALSE(Contains(exported, "secret"));

  // A header naming nothing known: the preview shows it with the problem; a mapping to a field
  // customers do not have is a 400 naming it.
  auto unknown =
      Post("/v1/admin/import/customers?preview=1", "甲,乙\r\n1,2\r\n", manager_, "text/csv");
  ASSERT_TRUE(unknown.ok());
  ASSERT_EQ(unknown->status, 200) << unknown->body;
  EXPECT_TRUE(ParseJson(unknown->body).as_object().at("problem").is_string());
  auto bad =
      Post("/v1/admin/import/customers?preview=1&mapping=" + UrlEncode(R"({"甲": "colour"})"),
           "甲,乙\r\n1,2\r\n", manager_, "text/csv");
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(bad->status, 400);
  EXPECT_TRUE(Contains(bad->body, "colour")) << bad->body;
}

}  // namespace
}  // namespace fieldbook::testing
