// Tasks (client/store/tasks.h): added, listed and done on the device.
#include "store/tasks.h"

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

TEST_F(ClientStoreTest, TasksAreAddedListedAndDone) {
  const std::string id = AddCustomer({{"name", "鑫达汽修"}});
  auto t1 = store_->tasks().Add({id, "2026-11-25", "visit", "bring the catalogue", ""});
  auto t2 = store_->tasks().Add({id, "2026-11-24", "call", "confirm the order", "after 2pm"});
  ASSERT_TRUE(t1.ok() && t2.ok());
  auto open = store_->tasks().List({});
  ASSERT_TRUE(open.ok());
  ASSERT_EQ(open->size(), 2u);
  EXPECT_EQ((*open)[0].id, *t2);  // earliest due first
  EXPECT_EQ((*open)[0].customer_name, "鑫达汽修");
  TaskFilter due;
  due.due_by = "2026-11-24";
  EXPECT_EQ(store_->tasks().List(due)->size(), 1u);

  ASSERT_TRUE(store_->tasks().Complete(t2->substr(0, 16)).ok());  // a unique prefix
  EXPECT_EQ(store_->tasks().Complete(*t2).code(), StatusCode::kConflict);
  EXPECT_EQ(store_->tasks().Complete("nosuchtask").code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->tasks().List({})->size(), 1u);
  TaskFilter all;
  all.include_closed = true;
  auto everything = store_->tasks().List(all);
  ASSERT_TRUE(everything.ok());
  ASSERT_EQ(everything->size(), 2u);
  EXPECT_EQ((*everything)[1].status, "done");
  EXPECT_EQ((*everything)[1].done_at, "2026-11-23T00:00:00Z");
}

}  // namespace
}  // namespace fieldbook::testing
