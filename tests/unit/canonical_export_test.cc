#include "fieldbook/canonical_export.h"

#include <gtest/gtest.h>

#include "fieldbook/replica.h"
#include "support/fake_clock.h"
#include "support/sync_fixture.h"
#include "support/temp_dir.h"

namespace fieldbook {
namespace {

using testing::Exec;
using testing::FakeWallClock;
using testing::S;

TEST(CanonicalExport, IsSortedByTableThenIdWithEveryReplicatedColumnAndNoBookkeeping) {
  testing::TempDir dir;
  FakeWallClock wall;
  auto r = Replica::Open(dir.File("r.db"), wall);
  ASSERT_TRUE(r.ok());
  Db& db = (*r)->db();
  ASSERT_TRUE(
      Exec(db, "INSERT INTO visits (id, customer_id, lat, notes) VALUES ('v1', 'c2', 23.125, ?)",
           {S("换了\"刹车片\"\n")})
          .ok());
  ASSERT_TRUE(Exec(db, "INSERT INTO customers (id, name) VALUES ('c2', '鑫达汽修')").ok());
  ASSERT_TRUE(
      Exec(db, "INSERT INTO customers (id, name, lat) VALUES ('c1', 'Bright Auto', 23.0)").ok());
  auto out = CanonicalExport(db, (*r)->catalog());
  ASSERT_TRUE(out.ok());
  const std::string& text = *out;
  const size_t c1 = text.find("\"id\":\"c1\"");
  const size_t c2 = text.find("\"id\":\"c2\"");
  const size_t v1 = text.find("\"id\":\"v1\"");
  ASSERT_NE(c1, std::string::npos);
  EXPECT_LT(c1, c2);
  EXPECT_LT(c2, v1);
  EXPECT_EQ(text.find("\"_v\""), std::string::npos);
  EXPECT_EQ(text.find("\"_seq\""), std::string::npos);
  EXPECT_NE(
      text.find("{\"table\":\"customers\",\"id\":\"c2\",\"name\":\"鑫达汽修\",\"name_latin\":null"),
      std::string::npos);
  EXPECT_NE(text.find("\"lat\":23.0,"), std::string::npos);  // exact, and still a real
  EXPECT_NE(text.find("\"notes\":\"换了\\\"刹车片\\\"\\n\""), std::string::npos);
  EXPECT_NE(text.find("\"deleted\":0"), std::string::npos);
  size_t lines = 0;
  for (char c : text) lines += c == '\n';
  EXPECT_EQ(lines, 3u);
}

TEST(CanonicalExport, AFilterSelectsRows) {
  testing::TempDir dir;
  FakeWallClock wall;
  auto r = Replica::Open(dir.File("r.db"), wall);
  ASSERT_TRUE(r.ok());
  Db& db = (*r)->db();
  ASSERT_TRUE(Exec(db, "INSERT INTO customers (id, name) VALUES ('c1', 'keep')").ok());
  ASSERT_TRUE(Exec(db, "INSERT INTO customers (id, name) VALUES ('c2', 'drop')").ok());
  ExportFilter only_c1 = [](const TableInfo&, const std::string& id, const std::vector<Value>&) {
    return id == "c1";
  };
  auto out = CanonicalExport(db, (*r)->catalog(), &only_c1);
  ASSERT_TRUE(out.ok());
  EXPECT_NE(out->find("keep"), std::string::npos);
  EXPECT_EQ(out->find("drop"), std::string::npos);
}

}  // namespace
}  // namespace fieldbook
