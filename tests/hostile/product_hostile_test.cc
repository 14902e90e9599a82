// A rep's device attacks the product catalogue (issue #18): the real fieldbook-server receives
// crafted change sets that create a product, cut a real product's price and deactivate it, sent
// over HTTP with a valid rep token as a device would. Each row is refused (`read_only_table`), the
// catalogue is unchanged, and the same device's honest work in the same set still lands.
#include <gtest/gtest.h>

#include <string>

#include "fieldbook/change_set_codec.h"
#include "integration/server_fixture.h"
#include "support/sync_fixture.h"

namespace fieldbook::testing {
namespace {

class ProductHostileTest : public ServerFixture {};

TEST_F(ProductHostileTest, CraftedProductRowsFromADeviceAreRefusedAndChangeNothing) {
  ASSERT_NO_FATAL_FAILURE(InitDb());
  const std::string token = AddRep("rep-a", "Rep A");
  CommandResult added = RunServerCommand(
      {"product", "add", "BP-1", "--name", "刹车片", "--price", "128", "--db", db_, "--json"});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  const std::string product_id = JsonStr(ParseJson(added.out).at("product"), "id");
  ASSERT_FALSE(product_id.empty());
  ASSERT_NO_FATAL_FAILURE(StartServer());

  auto device = OpenReplica("device");
  ASSERT_NE(device, nullptr);
  ASSERT_TRUE(Sync(*device, token).ok());
  ASSERT_TRUE(Exec(device->db(),
                   "INSERT INTO customers (id, name, owner_rep_id) VALUES ('c-1', '鑫达', 'rep-a')")
                  .ok());
  auto push = device->PreparePush();
  ASSERT_TRUE(push.ok() && push->has_value());
  ChangeSet set = **push;
  // The honest row, then the forged ones, stamped like the device's own writes.
  const Hlc stamp = set.rows[0].columns[0].hlc;
  const uint32_t origin = set.rows[0].columns[0].origin;
  auto col = [&](const char* name, Value v) {
    return ColumnChange{name, std::move(v), stamp, origin};
  };
  set.rows.push_back(RowChange{"products",
                               "p-forged",
                               {col("part_number", S("EVIL-1")), col("name", S("假货")),
                                col("list_price_cents", I(1)), col("active", I(1))}});
  set.rows.push_back(RowChange{"products", product_id, {col("list_price_cents", I(1))}});
  set.rows.push_back(
      RowChange{"products", product_id, {col("active", I(0)), col("deleted", I(1))}});
  SyncRequest request;
  request.replica_id = device->replica_id();
  request.has_push = true;
  request.push = set;
  request.pull_cursor = device->cursor();
  auto reply = Post("/v1/sync", EncodeSyncRequest(request), token, "application/x-fieldbook-sync");
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  ASSERT_EQ(reply->status, 200) << reply->body;
  auto response = DecodeSyncResponse(reply->body);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  ASSERT_TRUE(response->has_push_result);
  ASSERT_EQ(response->push_result.rejections.size(), 3u);
  for (const RowRejection& r : response->push_result.rejections) {
    EXPECT_EQ(r.table, "products");
    EXPECT_EQ(r.code, "read_only_table");
  }

  // The catalogue is as the manager left it; the customer landed.
  CommandResult listed = RunServerCommand({"product", "list", "--all", "--json", "--db", db_});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  const boost::json::value parsed = ParseJson(listed.out);
  const auto& products = JsonArr(parsed, "products");
  ASSERT_EQ(products.size(), 1u) << listed.out;
  EXPECT_EQ(JsonStr(products[0], "part_number"), "BP-1");
  EXPECT_EQ(JsonInt(products[0], "list_price_cents"), 12800);
  EXPECT_TRUE(products[0].at("active").as_bool());
  EXPECT_NE(ServerExport("rep-a").find("鑫达"), std::string::npos);
}

}  // namespace
}  // namespace fieldbook::testing
