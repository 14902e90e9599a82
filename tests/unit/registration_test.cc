// Registration<Fn> (fieldbook/registration.h): objects defined at namespace scope in any file are
// all listed, in name order whatever the order of their initialisation, and a list of another
// function type is another list.
#include "fieldbook/registration.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace fieldbook {
namespace {

using AddFn = void (*)(std::vector<std::string>&);
using OtherFn = int (*)();

void AddZebra(std::vector<std::string>& out) { out.push_back("zebra"); }
void AddAnt(std::vector<std::string>& out) { out.push_back("ant"); }
int Seven() { return 7; }

const Registration<AddFn> kZebra{"zebra", &AddZebra};
const Registration<AddFn> kAnt{"ant", &AddAnt};
const Registration<OtherFn> kSeven{"seven", &Seven};

TEST(Registration, EveryObjectIsListedInNameOrder) {
  std::vector<std::string> called;
  for (const auto* r : Registration<AddFn>::All()) r->fn()(called);
  EXPECT_EQ(called, (std::vector<std::string>{"ant", "zebra"}));
  const auto others = Registration<OtherFn>::All();
  ASSERT_EQ(others.size(), 1u);
  EXPECT_STREQ(others[0]->name(), "seven");
  EXPECT_EQ(others[0]->fn()(), 7);
}

}  // namespace
}  // namespace fieldbook
