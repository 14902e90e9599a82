// Utf8ErrorAt / IsValidUtf8 / Utf8Scrub (fieldbook/utf8.h), the one UTF-8 check of the change-set
// codec and the CSV import: where a text stops being well-formed UTF-8, and a sequence cut by the
// end of a chunk.
#include "fieldbook/utf8.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace fieldbook {
namespace {

constexpr size_t kAllValid = std::string_view::npos;

TEST(Utf8, WellFormedTextHasNoError) {
  for (const std::string text :
       {"", "plain ascii", "鑫达汽修", "\xC2\x80", "\xEF\xBF\xBF" /* U+FFFF */,
        "\xF0\x9F\x9A\x97" /* U+1F697 */, "\xF4\x8F\xBF\xBF" /* U+10FFFF */}) {
    EXPECT_EQ(Utf8ErrorAt(text), kAllValid) << testing::PrintToString(text);
    EXPECT_TRUE(IsValidUtf8(text)) << testing::PrintToString(text);
  }
}

TEST(Utf8, TheErrorIsAtTheLeadOfTheIllFormedSequence) {
  const std::vector<std::pair<std::string, size_t>> cases = {
      {"\x80", 0},                      // lone continuation byte
      {"ab\xC0\x80", 2},                // overlong NUL
      {"\xE9\x91\xAB\xE0\x80\xAF", 3},  // 鑫, then an overlong '/'
      {"x\xED\xA0\x80", 1},             // UTF-16 surrogate
      {"\xF4\x90\x80\x80", 0},          // above U+10FFFF
      {"ok\xFF", 2},                    // never valid
      {"\xE9\x41\xAB", 0},              // a lead followed by no continuation byte
      {"ab\xE9\x91", 2},                // truncated 鑫 at the end of the whole text
  };
  for (const auto& [text, at] : cases) {
    EXPECT_EQ(Utf8ErrorAt(text), at) << testing::PrintToString(text);
    EXPECT_FALSE(IsValidUtf8(text)) << testing::PrintToString(text);
  }
}

// A chunk of a longer text may end inside a sequence: the next chunk decides. Bytes that can
// never continue it are still an error.
TEST(Utf8, APartialEndIsLeftForTheNextChunk) {
  EXPECT_EQ(Utf8ErrorAt("ab\xE9\x91", /*partial_end=*/true), kAllValid);
  EXPECT_EQ(Utf8ErrorAt("ab\xF0", true), kAllValid);
  EXPECT_EQ(Utf8ErrorAt("ab\xE9\x41", true), 2u);  // 'A' cannot continue it
  EXPECT_EQ(Utf8ErrorAt("\xFF"
                        "ab\xE9",
                        true),
            0u);  // an error before the cut still counts
  EXPECT_EQ(Utf8ErrorAt("ab\xE9\x91", false), 2u);
}

// A text from outside made fit for strict JSON: each byte that is not part of a well-formed
// sequence becomes U+FFFD, the rest is kept byte for byte.
TEST(Utf8, ScrubReplacesEachIllFormedByteAndKeepsTheRest) {
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(Utf8Scrub(""), "");
  EXPECT_EQ(Utf8Scrub("鑫达汽修.csv"), "鑫达汽修.csv");
  // 广州 in GBK: four bytes, none of them UTF-8 here.
  EXPECT_EQ(Utf8Scrub("\xB9\xE3\xD6\xDD.csv"), fffd + fffd + fffd + fffd + ".csv");
  EXPECT_EQ(Utf8Scrub("ab\xE9\x91"), "ab" + fffd + fffd);    // 鑫 cut by the end
  EXPECT_EQ(Utf8Scrub("\xC0\x80x鑫"), fffd + fffd + "x鑫");  // an overlong NUL
  EXPECT_EQ(Utf8Scrub("\xED\xA0\x80"), fffd + fffd + fffd);  // a surrogate
  for (const std::string text : {"\xFF\xFE", "ok\xE9\x41\xAB", "\x80\x80\x80鑫"}) {
    EXPECT_TRUE(IsValidUtf8(Utf8Scrub(text))) << testing::PrintToString(text);
  }
}

}  // namespace
}  // namespace fieldbook
