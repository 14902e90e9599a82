#include "integration/server_fixture.h"

#include <chrono>
#include <ctime>

#include "fieldbook/canonical_export.h"

namespace fieldbook::testing {

namespace json = boost::json;

json::value ParseJson(const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  EXPECT_FALSE(ec) << "not JSON: " << text;
  return ec ? json::value() : v;
}

std::string JsonStr(const json::value& v, const char* key) {
  if (!v.is_object()) return {};
  const json::value* f = v.as_object().if_contains(key);
  return f != nullptr && f->is_string() ? std::string(f->as_string()) : std::string();
}

int64_t JsonInt(const json::value& v, const char* key) {
  if (!v.is_object()) return -1;
  const json::value* f = v.as_object().if_contains(key);
  return f != nullptr && f->is_int64() ? f->as_int64() : -1;
}

const json::array& JsonArr(const json::value& v, const char* key) {
  static const json::array kEmpty;
  if (!v.is_object()) return kEmpty;
  const json::value* f = v.as_object().if_contains(key);
  return f != nullptr && f->is_array() ? f->as_array() : kEmpty;
}

std::string LocalToday() {
  const time_t now = time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

void ServerFixture::InitDb() {
  CommandResult r = RunServerCommand({"init", "--db", db_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
}

std::string ServerFixture::AddRep(const std::string& id, const std::string& name,
                                  const std::string& role) {
  CommandResult r = RunServerCommand(
      {"rep", "add", "--db", db_, "--id", id, "--name", name, "--role", role, "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return JsonStr(ParseJson(r.out), "token");
}

void ServerFixture::StartServer(bool keep_port, const std::vector<std::string>& extra) {
  server_ = std::make_unique<ServerProcess>(db_, dir_.path().string(), keep_port);
  ASSERT_TRUE(server_->Start(extra)) << server_->Log();
}

std::unique_ptr<Replica> ServerFixture::OpenReplica(const std::string& name) {
  auto r = Replica::Open(dir_.File(name + ".db"), wall_);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(*r) : nullptr;
}

Result<client::SyncReport> ServerFixture::Sync(Replica& replica, const std::string& token) {
  FB_ASSIGN_OR_RETURN(auto transport, client::HttpSyncTransport::Create(server_->url(), token));
  client::SyncEngine engine(replica, *transport, client::SyncOptions{sync_page_rows_, 10000});
  return engine.SyncOnce();
}

std::string ServerFixture::ServerExport(const std::string& rep) {
  CommandResult r = RunServerCommand({"export", "--db", db_, "--rep", rep});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.out;
}

std::string ServerFixture::ReplicaExport(Replica& replica) {
  auto e = CanonicalExport(replica.db(), replica.catalog());
  EXPECT_TRUE(e.ok()) << e.status().ToString();
  return e.ok() ? *e : "";
}

Result<client::HttpReply> ServerFixture::Get(const std::string& target, const std::string& token) {
  FB_ASSIGN_OR_RETURN(auto http, client::HttpClient::Create(server_->url()));
  return http->Get(target, token);
}

Result<client::HttpReply> ServerFixture::Post(const std::string& target, const std::string& body,
                                              const std::string& token, const char* content_type) {
  // A whole import in one request (thousands of rows, on PostgreSQL, under the sanitizers, on a
  // loaded machine) can take longer than a device's 30 s: the test waits for its answer.
  client::HttpClientOptions options;
  options.request_timeout = std::chrono::seconds(180);
  FB_ASSIGN_OR_RETURN(auto http, client::HttpClient::Create(server_->url(), options));
  return http->Post(target, body, content_type, token);
}

CommandResult CliFixture::Cli(const std::string& device, std::vector<std::string> args) {
  args.insert(args.begin(), {"--replica", dir_.File(device + ".db")});
  return RunCli(args);
}

std::string CliFixture::Ok(const std::string& device, const std::vector<std::string>& args) {
  CommandResult r = Cli(device, args);
  std::string cmd;
  for (const std::string& a : args) cmd += a + " ";
  EXPECT_EQ(r.exit_code, 0) << device << ": " << cmd << "\n" << r.err << r.out;
  return r.out;
}

json::value CliFixture::OkJson(const std::string& device, std::vector<std::string> args) {
  args.push_back("--json");
  CommandResult r = Cli(device, args);
  EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
  return ParseJson(r.out);
}

void CliFixture::Init(const std::string& device, const std::string& token) {
  Ok(device, {"init", "--server", server_->url(), "--token", token});
}

}  // namespace fieldbook::testing
