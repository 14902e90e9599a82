// Facts (client/store/facts.h): visits, orders and feedback are checked and refused in words a rep
// understands.
#include "store/facts.h"

#include <gtest/gtest.h>

#include "support/client_store_fixture.h"

namespace fieldbook::testing {
namespace {

using client::ClientSettings;
using client::ClientStore;
using client::CustomerFilter;
using client::FieldValue;
using client::NewFeedback;
using client::NewOrder;
using client::NewTask;
using client::NewVisit;
using client::PlanItem;
using client::TaskFilter;

TEST_F(ClientStoreTest, ValidationErrorsSpeakTheRepsLanguage) {
  const std::string id = AddCustomer({{"name", "鑫达汽修"}});
  for (int bad : {0, 6, -1}) {
    auto r = store_->facts().AddFeedback({id, bad, ""});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(r.status().message(), "satisfaction must be 1 to 5");
  }
  EXPECT_EQ(store_->facts().AddFeedback({id, std::nullopt, " "}).status().code(),
            StatusCode::kInvalidArgument);

  NewOrder empty;
  empty.customer_id = id;
  EXPECT_EQ(store_->facts().AddOrder(empty).status().message(), "an order needs at least one line");
  NewOrder zero = empty;
  zero.lines = {{"BP-1", "", 0, 100}};
  EXPECT_EQ(store_->facts().AddOrder(zero).status().message(),
            "line 1: quantity must be a whole number above 0");
  NewOrder bad_date = empty;
  bad_date.lines = {{"BP-1", "", 1, 100}};
  bad_date.order_date = "2026-02-30";
  EXPECT_EQ(store_->facts().AddOrder(bad_date).status().code(), StatusCode::kInvalidArgument);

  EXPECT_EQ(store_->tasks().Add({id, "tomorrow", "call", "x", ""}).status().message(),
            "the due date must look like 2026-11-23 (not 'tomorrow')");
  EXPECT_EQ(store_->tasks().Add({id, "2026-11-24", "party", "x", ""}).status().message(),
            "task kind must be one of call, visit, care, birthday (not 'party')");
  EXPECT_EQ(store_->tasks().Add({id, "2026-11-24", "call", "", ""}).status().message(),
            "a task needs a title");

  NewVisit v;
  v.customer_id = id;
  v.check_in = "2026-11-23T10:00:00Z";
  v.check_out = "2026-11-23T09:00:00Z";
  EXPECT_EQ(store_->facts().LogVisit(v).status().message(), "check-out is before check-in");
  v.check_out.clear();
  v.next_follow_up = "2026-13-01";
  EXPECT_EQ(store_->facts().LogVisit(v).status().code(), StatusCode::kInvalidArgument);
  v.next_follow_up.clear();
  v.lat = 23.0;
  EXPECT_EQ(store_->facts().LogVisit(v).status().message(),
            "give both latitude and longitude, or neither");
  v.lon = 200.0;
  EXPECT_EQ(store_->facts().LogVisit(v).status().message(), "longitude must be from -180 to 180");
  v.lat.reset();
  v.lon.reset();
  v.check_in = "yesterday";
  EXPECT_EQ(store_->facts().LogVisit(v).status().code(), StatusCode::kInvalidArgument);
  v.check_in = "2026-11-23T09:00+08:00";
  auto logged = store_->facts().LogVisit(v);
  ASSERT_TRUE(logged.ok()) << logged.status().ToString();
  EXPECT_EQ(QueryValue(store_->replica().db(), "SELECT check_in FROM visits WHERE id = ?",
                       {S(logged->c_str())}),
            S("2026-11-23T01:00:00Z"));
  // Nothing refused reached the outbox: the customer and the one visit.
  EXPECT_EQ(*store_->replica().PendingWriteCount(), 2);
}

}  // namespace
}  // namespace fieldbook::testing
