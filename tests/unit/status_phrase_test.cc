// A Status that carries its phrase (status.h, issue #19): the code and values travel with the
// error through copies, Result<T> and FB_RETURN_IF_ERROR, beside the English message.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "fieldbook/status.h"

namespace fieldbook {
namespace {

Status Refused() {
  return Status(StatusCode::kRejected, "holding cap reached (5/5)",
                Phrase{"pool_holding_cap", {{"n", "5"}, {"cap", "5"}}});
}

Status Passes() {
  FB_RETURN_IF_ERROR(Refused());
  return Status::Ok();
}

Result<int> Number() { return Refused(); }

Status Assigns() {
  FB_ASSIGN_OR_RETURN(int n, Number());
  return n > 0 ? Status::Ok() : Status::Internal("unreachable");
}

TEST(StatusPhraseTest, TheErrorCarriesItsCodeAndValuesBesideTheEnglish) {
  const Status s = Refused();
  EXPECT_EQ(s.code(), StatusCode::kRejected);
  EXPECT_EQ(s.message(), "holding cap reached (5/5)");
  EXPECT_EQ(s.ToString(), "rejected: holding cap reached (5/5)");
  ASSERT_NE(s.phrase(), nullptr);
  EXPECT_EQ(s.phrase()->code, "pool_holding_cap");
  const TextValues expected{{"n", "5"}, {"cap", "5"}};
  EXPECT_EQ(s.phrase()->values, expected);
}

TEST(StatusPhraseTest, AStatusWithoutAPhraseHasNone) {
  EXPECT_EQ(Status::Ok().phrase(), nullptr);
  EXPECT_EQ(Status::Io("disk I/O error").phrase(), nullptr);
  EXPECT_EQ(Status(StatusCode::kConflict, "x", Phrase{}).phrase(), nullptr);
  EXPECT_EQ(Status(StatusCode::kConflict, "x", Phrase{"", {{"a", "b"}}}).phrase(), nullptr);
}

TEST(StatusPhraseTest, ThePhraseSurvivesCopiesMovesResultsAndTheReturnMacros) {
  Status copy = Refused();
  const Status moved = std::move(copy);
  ASSERT_NE(moved.phrase(), nullptr);
  const Status again = moved;  // NOLINT: the copy is the point
  ASSERT_NE(again.phrase(), nullptr);
  EXPECT_EQ(again.phrase()->code, "pool_holding_cap");

  const Status returned = Passes();
  ASSERT_NE(returned.phrase(), nullptr);
  EXPECT_EQ(returned.phrase()->values.at(1).second, "5");

  const Result<int> r = Number();
  ASSERT_FALSE(r.ok());
  ASSERT_NE(r.status().phrase(), nullptr);
  EXPECT_EQ(r.status().phrase()->code, "pool_holding_cap");

  const Status assigned = Assigns();
  ASSERT_NE(assigned.phrase(), nullptr);
  EXPECT_EQ(assigned.phrase()->code, "pool_holding_cap");
}

TEST(StatusPhraseTest, CopiesOfOneErrorMayBeReadAndDroppedOnSeveralThreads) {
  const Status shared = Refused();
  std::vector<std::thread> threads;
  std::vector<int> seen(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&shared, &seen, t] {
      for (int i = 0; i < 2000; ++i) {
        const Status mine = shared;  // each thread its own copy
        if (mine.phrase() != nullptr && mine.phrase()->code == "pool_holding_cap") ++seen[t];
      }
    });
  }
  for (std::thread& th : threads) th.join();
  for (int n : seen) EXPECT_EQ(n, 2000);
  EXPECT_EQ(shared.phrase()->values.size(), 2u);
}

}  // namespace
}  // namespace fieldbook
