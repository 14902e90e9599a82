#include "fieldbook/duplicate_detector.h"

#include <gtest/gtest.h>

namespace fieldbook {
namespace {

TEST(NormalizePhone, KeepsDigitsAndDropsTheChinaPrefix) {
  EXPECT_EQ(NormalizePhone("+86 138-0013-8000"), "13800138000");
  EXPECT_EQ(NormalizePhone("0086 13800138000"), "13800138000");
  EXPECT_EQ(NormalizePhone("(020) 8888-6666"), "02088886666");
  EXPECT_EQ(NormalizePhone("12345"), "");  // too short to identify anyone
  EXPECT_EQ(NormalizePhone(""), "");
}

TEST(NormalizeName, FoldsCaseAndDropsSpacesAndPunctuationInBothScripts) {
  EXPECT_EQ(NormalizeName("Bright Auto (Tianhe)"), "brightautotianhe");
  EXPECT_EQ(NormalizeName("鑫达 汽修（天河店）"), "鑫达汽修天河店");
  EXPECT_EQ(NormalizeName("鑫达汽修，天河店。"), "鑫达汽修天河店");
  EXPECT_NE(NormalizeName("鑫达汽修"), NormalizeName("鑫发汽修"));
}

}  // namespace
}  // namespace fieldbook
