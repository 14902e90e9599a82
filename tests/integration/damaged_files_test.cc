// Issue 13, damaged files, end to end with the real binaries: a server refuses to serve a file that
// is not a healthy Fieldbook database; a damaged replica is named as damaged, never pushed from,
// and `fieldbook-cli recover` rebuilds it keeping the writes it had not synced; a mistyped
// --replica creates nothing; init takes a private CA and refuses plain http to other hosts.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>

#include "fieldbook/sqlite_db.h"
#include "integration/cli_process.h"
#include "integration/server_fixture.h"
#include "store/client_store.h"
#include "support/sync_fixture.h"

namespace fieldbook::testing {
namespace {

namespace fs = std::filesystem;

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

mode_t Mode(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 0777;
}

void Overwrite(const std::string& path, int64_t offset, const std::string& bytes) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(offset);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

void FlipBit(const std::string& path, int64_t offset, int bit) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(offset);
  char c = 0;
  f.read(&c, 1);
  c = static_cast<char>(c ^ (1 << bit));
  f.seekp(offset);
  f.write(&c, 1);
}

class DamagedFilesTest : public CliFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(InitDb());
    token_a_ = AddRep("rep-a", "张伟 Zhang Wei");
  }

  // A fresh folder for one more server process's port file and log.
  std::string WorkDir(const std::string& db) {
    const std::string dir = db + ".work";
    fs::create_directories(dir);
    return dir;
  }

  std::string token_a_;
};

TEST_F(DamagedFilesTest, ServeRefusesAFileThatIsNotAHealthyFieldbookDatabase) {
  FB_SKIP_ON_POSTGRES("it damages server.db's pages and copies the file");
  // A healthy database with some data, to damage.
  ASSERT_NO_FATAL_FAILURE(StartServer());
  {
    auto phone = OpenReplica("seed");
    ASSERT_TRUE(phone);
    auto txn = Transaction::Begin(phone->db());
    ASSERT_TRUE(txn.ok());
    for (int i = 0; i < 800; ++i) {
      ASSERT_TRUE(Exec(phone->db(),
                       "INSERT INTO customers (id, name, notes, owner_rep_id) VALUES (?, ?, ?, "
                       "'rep-a')",
                       {S(("c" + std::to_string(i)).c_str()),
                        S(("鑫达汽修 " + std::to_string(i)).c_str()), Value(std::string(300, 'n'))})
                      .ok());
    }
    ASSERT_TRUE((*txn)->Commit().ok());
    auto synced = Sync(*phone, token_a_);
    ASSERT_TRUE(synced.ok()) << synced.status().ToString();
  }
  ASSERT_EQ(server_->Stop(SIGTERM), 0);
  EXPECT_EQ(Mode(db_), 0600u);  // init made it so; SQLite's -wal follows
  const int64_t page = 4096;
  int64_t customers_leaf = 0;
  {
    auto db = Db::Open(db_);
    ASSERT_TRUE(db.ok());
    Value v = QueryValue(**db,
                         "SELECT pageno FROM dbstat WHERE name = 'customers' AND pagetype = "
                         "'leaf' ORDER BY pageno LIMIT 1 OFFSET 20");
    ASSERT_TRUE(std::holds_alternative<int64_t>(v));
    customers_leaf = std::get<int64_t>(v);
    ASSERT_TRUE((*db)->ExecScript("PRAGMA wal_checkpoint(TRUNCATE)").ok());
  }

  struct Case {
    const char* name;
    std::function<void(const std::string&)> harm;
    const char* says;
  };
  const std::vector<Case> cases = {
      {"zero bytes", [](const std::string& p) { fs::resize_file(p, 0); }, "empty (0 bytes)"},
      {"not SQLite", [](const std::string& p) { std::ofstream(p) << "server notes, not a db\n"; },
       "not a SQLite database"},
      {"foreign SQLite",
       [](const std::string& p) {
         fs::remove(p);
         auto db = Db::Open(p);
         ASSERT_TRUE(db.ok());
         ASSERT_TRUE((*db)->ExecScript("CREATE TABLE invoices (id INTEGER PRIMARY KEY)").ok());
       },
       "not a Fieldbook server database"},
      {"smashed customers page",
       [&](const std::string& p) {
         Overwrite(p, (customers_leaf - 1) * page, std::string(page, '\xA5'));
       },
       "integrity check"},
      {"bit flip in a page header",
       [&](const std::string& p) { FlipBit(p, (customers_leaf - 1) * page, 3); },
       "integrity check"},
  };
  const std::string good = dir_.File("good-copy.db");
  fs::copy_file(db_, good);
  for (const Case& c : cases) {
    const std::string path =
        dir_.File(std::string("bad-") + std::to_string(&c - &cases[0]) + ".db");
    fs::copy_file(good, path, fs::copy_options::overwrite_existing);
    c.harm(path);
    const auto size_before = fs::file_size(path);
    ServerProcess bad(path, WorkDir(path));
    EXPECT_FALSE(bad.Start()) << c.name << ": served anyway";
    EXPECT_TRUE(Contains(bad.Log(), c.says)) << c.name << ": " << bad.Log();
    // The other commands refuse it too, and nobody migrates it into an empty server.
    CommandResult rep = RunServerCommand({"rep", "list", "--db", path});
    EXPECT_NE(rep.exit_code, 0) << c.name;
    EXPECT_EQ(fs::file_size(path), size_before) << c.name;
  }
  // A mistyped path is not created by anything but init.
  const std::string typo = dir_.File("sever.db");
  ServerProcess nowhere(typo, WorkDir(typo));
  EXPECT_FALSE(nowhere.Start());
  EXPECT_TRUE(Contains(nowhere.Log(), "fieldbook-server init")) << nowhere.Log();
  EXPECT_NE(RunServerCommand({"rep", "add", "--db", typo, "--name", "x"}).exit_code, 0);
  EXPECT_FALSE(fs::exists(typo));
  // The healthy copy still serves.
  ServerProcess fine(good, WorkDir(good));
  EXPECT_TRUE(fine.Start()) << fine.Log();
}

TEST_F(DamagedFilesTest, AMistypedReplicaPathCreatesNothing) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  const std::string missing_dir = dir_.File("no-such-folder");
  const std::string typo = missing_dir + "/phnoe.db";
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"status"},
                                             {"export"},
                                             {"customer", "list"},
                                             {"sync"},
                                             {"visit", "log", "--customer", "c1"},
                                             {"review", "list"}}) {
    std::vector<std::string> full = {"--replica", typo};
    full.insert(full.end(), args.begin(), args.end());
    CommandResult r = RunCli(full);
    EXPECT_EQ(r.exit_code, 2) << args[0] << ": " << r.err;
    EXPECT_TRUE(Contains(r.err, "no replica at " + typo)) << r.err;
    EXPECT_FALSE(fs::exists(missing_dir)) << args[0] << " created the folder";
  }
  const std::string typo_here = dir_.File("phnoe.db");
  EXPECT_EQ(RunCli({"--replica", typo_here, "status"}).exit_code, 2);
  EXPECT_FALSE(fs::exists(typo_here));
  // init is the one command that creates a replica, folder included, 0600.
  CommandResult init =
      RunCli({"--replica", typo, "init", "--server", server_->url(), "--token", token_a_});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  EXPECT_EQ(Mode(typo), 0600u);
  EXPECT_EQ(RunCli({"--replica", typo, "status"}).exit_code, 0);
}

TEST_F(DamagedFilesTest, InitRefusesPlainHttpToAnotherHostAndTakesAPrivateCa) {
  const std::string cert = dir_.File("cert.pem"), key = dir_.File("key.pem");
  const std::string command =
      "openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 1 -keyout '" + key +
      "' -out '" + cert + "' >/dev/null 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0) << "openssl req failed";
  ASSERT_NO_FATAL_FAILURE(StartServer(false, {"--tls-cert", cert, "--tls-key", key}));
  const std::string https = "https://localhost:" + std::to_string(server_->port());

  // Plain http to another host is refused before anything is created.
  for (const char* url : {"http://10.20.30.40:8470", "http://fieldbook.example.com",
                          "HTTP://192.168.1.5", "http://[2001:db8::1]:80"}) {
    CommandResult r = Cli("lan", {"init", "--server", url, "--token", token_a_, "--rep", "rep-a"});
    EXPECT_EQ(r.exit_code, 2) << url << ": " << r.err;
    EXPECT_TRUE(Contains(r.err, "--insecure-http")) << r.err;
  }
  EXPECT_FALSE(fs::exists(dir_.File("lan.db")));
  // ...unless the rep says the network is trusted (0.0.0.0 is not loopback: it answers nothing
  // here, so the device is set up offline).
  CommandResult trusted = Cli("lan", {"init", "--server", "http://0.0.0.0:1", "--token", token_a_,
                                      "--rep", "rep-a", "--insecure-http"});
  EXPECT_EQ(trusted.exit_code, 0) << trusted.err;

  // Without the private CA the server's certificate is not trusted; with it, init and sync work
  // and the CA is remembered.
  CommandResult untrusted = Cli("tls", {"init", "--server", https, "--token", token_a_});
  EXPECT_NE(untrusted.exit_code, 0);
  Ok("tls", {"init", "--server", https, "--token", token_a_, "--ca-file", cert});
  Ok("tls", {"customer", "add", "--name", "Bright Auto", "--city", "深圳"});
  const std::string synced = Ok("tls", {"sync"});
  EXPECT_TRUE(Contains(synced, "pushed:   1 change")) << synced;
  EXPECT_TRUE(Contains(ServerExport("rep-a"), "Bright Auto"));
}

// A replica with real data and unsynced edits, damaged a dozen ways.
class DamagedReplicaTest : public DamagedFilesTest {
 protected:
  static constexpr int kCustomers = 600;
  static constexpr int kUnsynced = 15;  // visits, and as many customer notes, per case

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(DamagedFilesTest::SetUp());
    ASSERT_NO_FATAL_FAILURE(StartServer(/*keep_port=*/true));
    Init("base", token_a_);
    {
      auto store = client::ClientStore::Open(dir_.File("base.db"), wall_);
      ASSERT_TRUE(store.ok()) << store.status().ToString();
      Db& db = (*store)->replica().db();
      auto txn = Transaction::Begin(db);
      ASSERT_TRUE(txn.ok());
      for (int i = 0; i < kCustomers; ++i) {
        ASSERT_TRUE(Exec(db,
                         "INSERT INTO customers (id, name, city, notes, owner_rep_id, deleted) "
                         "VALUES (?, ?, '广州', ?, 'rep-a', 0)",
                         {S(Customer(i).c_str()), S(("鑫达汽修 " + std::to_string(i)).c_str()),
                          Value(std::string(120, 'n'))})
                        .ok());
      }
      ASSERT_TRUE((*txn)->Commit().ok());
    }
    Ok("base", {"sync"});
  }

  // A copy of the base replica with case `n`'s own unsynced edits.
  void MakeDevice(int n, const std::string& path) {
    fs::copy_file(dir_.File("base.db"), path, fs::copy_options::overwrite_existing);
    auto store = client::ClientStore::Open(path, wall_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    Db& db = (*store)->replica().db();
    for (int i = 0; i < kUnsynced; ++i) {
      ASSERT_TRUE(
          Exec(db,
               "INSERT INTO visits (id, customer_id, rep_id, check_in, notes) VALUES "
               "(?, ?, 'rep-a', '2026-11-23T09:00:00Z', ?)",
               {S(VisitId(n, i).c_str()), S(Customer(i * 29).c_str()), S(Visit(n, i).c_str())})
              .ok());
      ASSERT_TRUE(Exec(db, "UPDATE customers SET notes = ? WHERE id = ?",
                       {S(Note(n, i).c_str()), S(Customer(i * 31 + n).c_str())})
                      .ok());
    }
  }

  static std::string Customer(int i) { return "cust-" + std::to_string(1000 + i); }
  static std::string VisitId(int n, int i) {
    return "v-" + std::to_string(n) + "-" + std::to_string(i);
  }
  static std::string Visit(int n, int i) {
    return "case " + std::to_string(n) + " visit " + std::to_string(i);
  }
  static std::string Note(int n, int i) {
    return "case " + std::to_string(n) + " note " + std::to_string(i);
  }

  // The `skip`-th page of `table`'s b-tree of `type` ("leaf", "internal") in `path`.
  static int64_t PageOf(const std::string& path, const std::string& table, const char* type,
                        int skip = 0) {
    DbOptions options;
    options.read_only = true;
    options.create = false;
    auto db = Db::Open(path, options);
    EXPECT_TRUE(db.ok());
    if (!db.ok()) return -1;
    Value v = QueryValue(**db,
                         "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = ? ORDER BY "
                         "pageno LIMIT 1 OFFSET ?",
                         {S(table.c_str()), S(type), I(skip)});
    EXPECT_TRUE(std::holds_alternative<int64_t>(v)) << table << " " << type;
    return std::holds_alternative<int64_t>(v) ? std::get<int64_t>(v) : 2;
  }

  // Pushes the server has applied, from any device.
  int64_t AppliedSets() { return server_db_.QueryInt("SELECT count(*) FROM fb_applied_sets"); }
};

TEST_F(DamagedReplicaTest, SyncRefusesEveryDamageAndRecoverKeepsTheUnsyncedEdits) {
  constexpr int64_t kPage = 4096;
  using Harm = std::function<void(const std::string&)>;
  auto smash = [](const std::string& table, const char* type, int skip) -> Harm {
    return [=](const std::string& p) {
      const int64_t pageno = PageOf(p, table, type, skip);
      std::string junk(static_cast<size_t>(kPage), '\0');
      for (size_t i = 0; i < junk.size(); ++i) junk[i] = static_cast<char>(i * 131 + 7);
      Overwrite(p, (pageno - 1) * kPage, junk);
    };
  };
  auto flip = [](const std::string& table, int skip, int64_t at, int bit) -> Harm {
    return [=](const std::string& p) {
      FlipBit(p, (PageOf(p, table, "leaf", skip) - 1) * kPage + at, bit);
    };
  };
  // kSome: at least the edits in undamaged tables; kAny: no count (the damage decides).
  enum Keeps { kAll, kSome, kAny, kNone };
  struct Case {
    std::string name;
    Harm harm;
    bool settings_readable;  // recover needs no --server/--token
    Keeps keeps;             // which unsynced edits survive recovery
  };
  const std::vector<Case> cases = {
      {"zero bytes", [](const std::string& p) { fs::resize_file(p, 0); }, false, kNone},
      {"header magic", [](const std::string& p) { Overwrite(p, 0, "SQLite formet 3"); }, false,
       kNone},
      {"customers leaf smashed", smash("customers", "leaf", 3), true, kSome},
      {"customers interior page smashed", smash("customers", "internal", 0), true, kSome},
      {"customers index smashed", smash("customers_owner", "leaf", 1), true, kAll},
      {"search index smashed", smash("fb_search_data", "leaf", 2), true, kAll},
      {"digests smashed", smash("fb_digests", "leaf", 0), true, kAll},
      {"customers leaf type bit flipped", flip("customers", 5, 0, 4), true, kSome},
      {"customers leaf cell count bit flipped", flip("customers", 6, 4, 6), true, kSome},
      {"customers leaf cell pointer bit flipped", flip("customers", 7, 9, 7), true, kSome},
      {"truncated to 60%",
       [](const std::string& p) { fs::resize_file(p, fs::file_size(p) * 6 / 10 / kPage * kPage); },
       false, kNone},
      {"visits smashed", smash("visits", "leaf", 0), true, kSome},
      {"outbox smashed", smash("fb_outbox", "leaf", 0), true, kNone},
  };
  ASSERT_GE(cases.size(), 12u);
  for (size_t n = 0; n < cases.size(); ++n) {
    const Case& c = cases[n];
    SCOPED_TRACE(c.name);
    const std::string device = "dmg" + std::to_string(n);
    const std::string path = dir_.File(device + ".db");
    ASSERT_NO_FATAL_FAILURE(MakeDevice(static_cast<int>(n), path));
    c.harm(path);

    // Sync refuses, says so plainly, and pushes nothing.
    const int64_t applied = AppliedSets();
    CommandResult sync = Cli(device, {"sync"});
    EXPECT_NE(sync.exit_code, 0) << sync.out;
    EXPECT_TRUE(Contains(sync.err, "damaged")) << sync.err;
    EXPECT_FALSE(Contains(sync.err, "not set up")) << sync.err;
    EXPECT_EQ(AppliedSets(), applied) << "a damaged replica pushed";
    CommandResult status = Cli(device, {"status"});
    EXPECT_NE(status.exit_code, 0) << status.out;
    EXPECT_TRUE(Contains(status.err, "damaged")) << status.err;

    // Recovery keeps the damaged file, rebuilds from the server and pushes the salvaged edits.
    std::vector<std::string> recover = {"recover", "--json"};
    if (!c.settings_readable) {
      CommandResult without = Cli(device, recover);
      EXPECT_EQ(without.exit_code, 2) << without.err;
      EXPECT_TRUE(Contains(without.err, "--token")) << without.err;
      recover.insert(recover.end(), {"--server", server_->url(), "--token", token_a_});
    }
    CommandResult r = Cli(device, recover);
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    const boost::json::value report = ParseJson(r.out);
    EXPECT_TRUE(fs::exists(JsonStr(report, "damaged_copy"))) << r.out;
    std::set<std::string> lost;
    for (const auto& l : JsonArr(report, "lost")) lost.insert(std::string(l.as_string()));
    const std::string after = ServerExport("rep-a");
    int kept = 0;
    for (int i = 0; i < kUnsynced; ++i) {
      const bool visit = Contains(after, Visit(static_cast<int>(n), i));
      const bool note = Contains(after, Note(static_cast<int>(n), i));
      kept += visit + note;
      if (c.keeps == kAll) {
        EXPECT_TRUE(visit) << Visit(static_cast<int>(n), i);
        EXPECT_TRUE(note) << Note(static_cast<int>(n), i);
      } else if (c.keeps != kNone && JsonInt(report, "unreadable_parts") == 0) {
        // Every edit the outbox names is on the server or reported as lost.
        EXPECT_TRUE(visit || lost.count("visits/" + VisitId(static_cast<int>(n), i)));
        EXPECT_TRUE(note || lost.count("customers/" + Customer(i * 31 + static_cast<int>(n))));
      }
    }
    if (c.keeps == kSome) EXPECT_GE(kept, kUnsynced) << r.out;
    // The rebuilt replica is whole and syncs; the server holds what it held plus the edits.
    EXPECT_EQ(Cli(device, {"status"}).exit_code, 0);
    CommandResult again = Cli(device, {"sync"});
    EXPECT_EQ(again.exit_code, 0) << again.err;
    EXPECT_TRUE(Contains(after, "鑫达汽修 599"));
  }
}

}  // namespace
}  // namespace fieldbook::testing
