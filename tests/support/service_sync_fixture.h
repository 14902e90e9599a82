// ServiceSyncFixture: a ServerStore on a fresh server.db under a fake clock, the real SyncService
// in process, and devices as real replica files synced by the real SyncEngine through it (as reps,
// with their scopes) - the ground of the server-side sync tests. A subclass's SetUp calls
// OpenStore(), writes its rows, then StartService(). On a PostgreSQL run
// (FIELDBOOK_TEST_SERVER_DB=postgres) the store is a fresh schema (server_store_fixture.h).
//
// Not thread-safe: one test thread drives it.
#ifndef FIELDBOOK_TESTS_SUPPORT_SERVICE_SYNC_FIXTURE_H_
#define FIELDBOOK_TESTS_SUPPORT_SERVICE_SYNC_FIXTURE_H_

#include <gtest/gtest.h>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "api/sync_service.h"
#include "fieldbook/canonical_export.h"
#include "fieldbook/replica.h"
#include "http/metrics.h"
#include "store/server_store.h"
#include "support/fake_clock.h"
#include "support/server_store_fixture.h"
#include "support/temp_dir.h"
#include "sync/sync_engine.h"

namespace fieldbook::testing {

class ServiceSyncFixture : public ::testing::Test {
 protected:
  void OpenStore() {
    auto s = server::ServerStore::Open(TestServerStoreLocation(dir_.File("server.db"), pg_), wall_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
  }
  // Hub-authored rows of a test's set-up, every one new, through the hub's bulk path
  // (ServerStore::WriteBulk: what Write would store -- rows, versions, sequence numbers in row
  // order, feed entries, scope events -- in far fewer statements; on PostgreSQL thousands of rows
  // take a few round trips rather than several per row). A test failure when any is refused.
  void Seed(const std::vector<RowWrite>& rows) {
    auto written = store_->WriteBulk(rows, std::vector<bool>(rows.size(), true));
    ASSERT_TRUE(written.ok()) << written.status().ToString();
    ASSERT_TRUE(written->rejections.empty()) << written->rejections[0].reason;
  }
  // Device activity (last sync per device) is saved in batches of its own: kept out of the way.
  void StartService(server::SyncServiceOptions options = {}) {
    options.device_flush_interval_ms = int64_t{1} << 50;
    service_ = std::make_unique<server::SyncService>(*store_, metrics_, wall_, options);
  }
  // A device's replica file `name`.db (null and a test failure when it cannot be opened).
  std::unique_ptr<Replica> OpenDevice(const std::string& name) {
    ReplicaOptions o;
    o.replica_id = name;
    auto r = Replica::Open(dir_.File(name + ".db"), wall_, o);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(*r) : nullptr;
  }
  // One whole sync of `device` in pages of at most `page_rows` rows.
  Result<client::SyncReport> SyncDevice(Replica& device, client::SyncTransport& transport,
                                        uint32_t page_rows = 50) {
    client::SyncEngine engine(device, transport,
                              client::SyncOptions{.page_rows = page_rows,
                                                  .max_round_trips = 5000,
                                                  .prefetch = false,
                                                  .max_page_rows = page_rows});
    return engine.SyncOnce();
  }
  // The canonical export of what `rep`'s replica must hold, and of a device's replica.
  std::string ServerExport(const std::string& rep) {
    std::ostringstream out;
    EXPECT_TRUE(store_->ExportForRep(rep, out).ok());
    return out.str();
  }
  static std::string DeviceExport(Replica& device) {
    auto e = CanonicalExport(device.db(), device.catalog());
    EXPECT_TRUE(e.ok());
    return e.ok() ? *e : std::string();
  }

  TempDir dir_;
  FakeWallClock wall_;
  std::unique_ptr<PgScratchSchema> pg_;  // PostgreSQL runs only; outlives store_
  server::Metrics metrics_;
  std::unique_ptr<server::ServerStore> store_;
  std::unique_ptr<server::SyncService> service_;
};

}  // namespace fieldbook::testing

#endif  // FIELDBOOK_TESTS_SUPPORT_SERVICE_SYNC_FIXTURE_H_
