// Search text (client/store/search_text.h): pinyin of Chinese names through ICU, with the other
// readings of common polyphonic characters, and Chinese spelled out for the short-query index.
#include "store/search_text.h"

#include <gtest/gtest.h>

#include <string>

namespace fieldbook::client {
namespace {

bool HasWord(const std::string& text, const std::string& word) {
  return (" " + text + " ").find(" " + word + " ") != std::string::npos;
}

TEST(SearchTextTest, PinyinSpellsEveryRunOfChineseInFullAndAsInitials) {
  EXPECT_EQ(PinyinOf("鑫达汽修"), "xindaqixiu xdqx");
  const std::string shop = PinyinOf("鑫达汽修（1582号店）");
  EXPECT_TRUE(HasWord(shop, "xindaqixiu")) << shop;
  EXPECT_TRUE(HasWord(shop, "xdqx")) << shop;
  EXPECT_TRUE(HasWord(shop, "haodian")) << shop;
  EXPECT_TRUE(HasWord(shop, "hd")) << shop;
  EXPECT_EQ(PinyinOf("Bright Auto"), "");
  EXPECT_EQ(PinyinOf(""), "");
  EXPECT_EQ(PinyinOf("王"), "wang");  // one character: no initials of its own
}

TEST(SearchTextTest, PolyphonicCharactersAreSpelledEveryCommonWay) {
  // ICU reads 长 as zhang and 厦 as sha; place names read them chang and xia.
  const std::string changsha = PinyinOf("长沙汽配");
  EXPECT_TRUE(HasWord(changsha, "changshaqipei")) << changsha;
  EXPECT_TRUE(HasWord(changsha, "zhangshaqipei")) << changsha;
  EXPECT_TRUE(HasWord(changsha, "csqp")) << changsha;
  EXPECT_TRUE(HasWord(PinyinOf("厦门"), "xiamen")) << PinyinOf("厦门");
  EXPECT_TRUE(HasWord(PinyinOf("银行"), "yinhang")) << PinyinOf("银行");
  EXPECT_TRUE(HasWord(PinyinOf("成都"), "chengdu")) << PinyinOf("成都");
  EXPECT_TRUE(HasWord(PinyinOf("重庆"), "chongqing")) << PinyinOf("重庆");
  // The spellings of one name are capped.
  const std::string many = PinyinOf("长长长长长长");
  size_t words = 1;
  for (char c : many) words += c == ' ' ? 1 : 0;
  EXPECT_LE(words, 2 * kMaxPinyinSpellings) << many;
  const auto readings = PinyinReadings(U'长');
  ASSERT_GE(readings.size(), 2u);
  EXPECT_TRUE(PinyinReadings(U'a').empty());
}

TEST(SearchTextTest, ShortQueryTextSpellsOutCharactersAndPairs) {
  EXPECT_EQ(ShortQueryText("鑫达汽修"), "鑫 达 汽 修 鑫达 达汽 汽修");
  EXPECT_EQ(ShortQueryText("A区店 BOSCH"), "A 区 店 区店 BOSCH");
  EXPECT_EQ(ShortQueryText("鑫"), "鑫");
  EXPECT_EQ(ShortQueryText("phone 020-8888"), "phone 020-8888");
  // Invalid UTF-8 is dropped, never passed on.
  EXPECT_EQ(ShortQueryText(std::string("a\xff\xfe") + "b"), "ab");
  EXPECT_EQ(DecodeUtf8("鑫a").size(), 2u);
  std::string out;
  for (char32_t c : DecodeUtf8("鑫达 𠀀x")) AppendUtf8(c, out);
  EXPECT_EQ(out, "鑫达 𠀀x");
}

}  // namespace
}  // namespace fieldbook::client
