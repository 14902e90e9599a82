// DisplayWidth / PadToWidth (fieldbook/text_width.h): the columns a terminal gives a text, so a
// table lines up in Chinese as in English.
#include "fieldbook/text_width.h"

#include <gtest/gtest.h>

#include <string>

namespace fieldbook {
namespace {

TEST(TextWidth, WideCharactersTakeTwoColumnsOthersOne) {
  EXPECT_EQ(DisplayWidth(""), 0u);
  EXPECT_EQ(DisplayWidth("rep-a"), 5u);
  EXPECT_EQ(DisplayWidth("张伟"), 4u);               // CJK ideographs: 3 bytes, 2 columns each
  EXPECT_EQ(DisplayWidth("鑫达汽修（天河）"), 16u);  // full-width parentheses too
  EXPECT_EQ(DisplayWidth("张伟 Zhang Wei"), 14u);
  EXPECT_EQ(DisplayWidth("ｱ"), 1u);                 // half-width katakana: 3 bytes, 1 column
  EXPECT_EQ(DisplayWidth("…—é"), 3u);               // narrow or ambiguous: one column each
  EXPECT_EQ(DisplayWidth("e\xCC\x81"), 1u);         // e + a combining acute: one column
  EXPECT_EQ(DisplayWidth("\xF0\x9F\x9A\x97"), 2u);  // U+1F697 (an emoji car): wide
  EXPECT_EQ(DisplayWidth("\xF0\xA0\x80\x80"), 2u);  // U+20000, CJK extension B: wide
  // Bytes that are not UTF-8 count as what a terminal shows for them, never as nothing.
  EXPECT_EQ(DisplayWidth("a\xFF"
                         "b"),
            3u);
  EXPECT_EQ(DisplayWidth("\xE5\xBC"), 1u);  // a character cut in the middle
}

TEST(TextWidth, PaddingFillsColumnsNotBytes) {
  EXPECT_EQ(PadToWidth("rep-a", 8), "rep-a   ");  // %-8s for ASCII
  EXPECT_EQ(PadToWidth("张伟", 8), "张伟    ");
  EXPECT_EQ(DisplayWidth(PadToWidth("鑫达汽修 Xinda", 24)), 24u);
  // Never cut: a text as wide or wider stays whole.
  EXPECT_EQ(PadToWidth("鑫达汽修", 8), "鑫达汽修");
  EXPECT_EQ(PadToWidth("鑫达汽修", 3), "鑫达汽修");
}

}  // namespace
}  // namespace fieldbook
