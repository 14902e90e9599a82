#include "support/pg_scratch.h"

#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <set>
#include <utility>

#include "store/pg/pg_db.h"
#include "store/pg/pg_schema.h"

namespace fieldbook::testing {
namespace {

// The advisory lock key of building a template ("fbtplock" as 8 bytes).
constexpr int64_t kTemplateLock = 0x666274706c6f636b;

// A name no other scratch object of any process on the cluster has now.
std::string FreshName(const std::string& prefix) {
  static std::atomic<int> counter{0};
  return prefix + "_" + std::to_string(getpid()) + "_" + std::to_string(++counter);
}

Result<std::unique_ptr<pg::PgDb>> ConnectTo(const std::string& conninfo) {
  return pg::PgDb::Connect(conninfo, {.application_name = "fieldbook-test"});
}

std::string Percent(const std::string& s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// 64-bit FNV-1a, stable across builds and machines.
void Mix(uint64_t& h, std::string_view bytes) {
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  h ^= 0xff;  // a separator, so ("ab","c") and ("a","bc") differ
  h *= 0x100000001b3ULL;
}

// The migrated template of `create_options` on `cluster`: made when missing (see the header).
Result<std::string> MigratedTemplate(const std::string& cluster,
                                     const std::string& create_options) {
  uint64_t h = 0xcbf29ce484222325ULL;
  Mix(h, create_options);
  for (const Migration& m : pg::PgMigrations()) {
    Mix(h, std::to_string(m.version));
    Mix(h, m.sql);
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  const std::string name = std::string("fbtpl_") + hex;

  static std::mutex mu;
  static std::set<std::pair<std::string, std::string>> ready;  // (cluster, template) made
  std::lock_guard<std::mutex> lock(mu);
  if (ready.contains({cluster, name})) return name;

  FB_ASSIGN_OR_RETURN(auto admin, ConnectTo(cluster));
  // Held until unlocked below or this session ends (a process killed here frees it).
  FB_RETURN_IF_ERROR(admin->Exec("SELECT pg_advisory_lock($1)", {kTemplateLock}).status());
  FB_ASSIGN_OR_RETURN(pg::PgRows found,
                      admin->Exec("SELECT count(*) FROM pg_database WHERE datname = $1", {name}));
  if (found.Int(0, 0) == 0) {
    const std::string building = name + "_building";
    FB_RETURN_IF_ERROR(admin->ExecScript("DROP DATABASE IF EXISTS " + building + " WITH (FORCE)"));
    FB_RETURN_IF_ERROR(admin->ExecScript("CREATE DATABASE " + building + " " + create_options));
    {
      FB_ASSIGN_OR_RETURN(auto settings, ParsePgConninfo(cluster));
      settings["dbname"] = building;
      FB_ASSIGN_OR_RETURN(auto db, ConnectTo(PgKeywords(settings)));
      FB_RETURN_IF_ERROR(pg::MigratePg(*db).status());
    }  // disconnected: a database with a session can be neither renamed nor copied
    FB_RETURN_IF_ERROR(admin->ExecScript("ALTER DATABASE " + building + " RENAME TO " + name));
    FB_RETURN_IF_ERROR(admin->ExecScript("ALTER DATABASE " + name + " ALLOW_CONNECTIONS false"));
  }
  FB_RETURN_IF_ERROR(admin->Exec("SELECT pg_advisory_unlock($1)", {kTemplateLock}).status());
  ready.insert({cluster, name});
  return name;
}

Status MakeDatabase(const std::string& cluster, const std::string& name,
                    const PgScratchDatabaseOptions& options) {
  if (cluster.empty()) {
    return Status::InvalidArgument("no PostgreSQL cluster: FIELDBOOK_TEST_PG is not set");
  }
  std::string create = options.create_options;
  if (options.migrated) {
    FB_ASSIGN_OR_RETURN(std::string from, MigratedTemplate(cluster, options.create_options));
    create = "TEMPLATE " + from;
  }
  FB_ASSIGN_OR_RETURN(auto admin, ConnectTo(cluster));
  FB_RETURN_IF_ERROR(admin->ExecScript("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"));
  return admin->ExecScript("CREATE DATABASE " + name + " " + create);
}

}  // namespace

std::string TestPgCluster() {
  const char* v = std::getenv("FIELDBOOK_TEST_PG");
  return v == nullptr ? std::string() : std::string(v);
}

Result<std::map<std::string, std::string>> ParsePgConninfo(const std::string& conninfo) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  if (options == nullptr) {
    Status bad = Status::InvalidArgument("not a PostgreSQL connection string: " +
                                         std::string(error != nullptr ? error : ""));
    PQfreemem(error);
    return bad;
  }
  std::map<std::string, std::string> out;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val != nullptr && *o->val != '\0') out[o->keyword] = o->val;
  }
  PQconninfoFree(options);
  return out;
}

std::string PgKeywords(const std::map<std::string, std::string>& settings) {
  std::string out;
  for (const auto& [k, v] : settings) {
    std::string quoted;
    for (char c : v) {
      if (c == '\'' || c == '\\') quoted += '\\';
      quoted += c;
    }
    out += (out.empty() ? "" : " ") + k + "='" + quoted + "'";
  }
  return out;
}

std::string PgUrl(const std::map<std::string, std::string>& settings) {
  std::string url = "postgresql://";
  if (auto u = settings.find("user"); u != settings.end()) url += Percent(u->second) + "@";
  auto db = settings.find("dbname");
  url += "/" + (db == settings.end() ? std::string() : Percent(db->second));
  char sep = '?';
  for (const auto& [k, v] : settings) {
    if (k == "user" || k == "dbname") continue;
    url += sep + k + "=" + Percent(v);
    sep = '&';
  }
  return url;
}

PgScratch::PgScratch(const std::string& prefix, const std::string& cluster)
    : cluster_(cluster), name_(FreshName(prefix)) {}

PgScratchSchema::PgScratchSchema(const std::string& prefix, const std::string& cluster)
    : PgScratch(prefix, cluster) {
  status_ = [&]() -> Status {
    if (cluster_.empty()) {
      return Status::InvalidArgument("no PostgreSQL cluster: FIELDBOOK_TEST_PG is not set");
    }
    FB_ASSIGN_OR_RETURN(auto settings, ParsePgConninfo(cluster_));
    std::string& options = settings["options"];
    options += (options.empty() ? "" : " ") + ("-csearch_path=" + name_);
    conninfo_ = PgKeywords(settings);
    FB_ASSIGN_OR_RETURN(auto admin, ConnectTo(cluster_));
    return admin->ExecScript("DROP SCHEMA IF EXISTS " + name_ + " CASCADE; CREATE SCHEMA " + name_);
  }();
}

PgScratchSchema::~PgScratchSchema() {
  if (cluster_.empty()) return;
  auto admin = ConnectTo(cluster_);
  if (admin.ok()) (void)(*admin)->ExecScript("DROP SCHEMA IF EXISTS " + name_ + " CASCADE");
}

PgScratchDatabase::PgScratchDatabase(const std::string& prefix,
                                     const PgScratchDatabaseOptions& options,
                                     const std::string& cluster)
    : PgScratch(prefix, cluster) {
  status_ = [&]() -> Status {
    FB_RETURN_IF_ERROR(MakeDatabase(cluster_, name_, options));
    FB_ASSIGN_OR_RETURN(auto settings, ParsePgConninfo(cluster_));
    settings["dbname"] = name_;
    conninfo_ = PgKeywords(settings);
    url_ = PgUrl(settings);
    return Status::Ok();
  }();
}

PgScratchDatabase::~PgScratchDatabase() {
  if (cluster_.empty()) return;
  auto admin = ConnectTo(cluster_);
  if (admin.ok()) (void)(*admin)->ExecScript("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
}

}  // namespace fieldbook::testing
