#include "fieldbook/text_width.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <cstdint>

namespace fieldbook {

size_t DisplayWidth(std::string_view s) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(s.data());
  const auto length = static_cast<int64_t>(s.size());
  size_t width = 0;
  for (int64_t i = 0; i < length;) {
    UChar32 c;
    U8_NEXT(bytes, i, length, c);  // c < 0: an ill-formed sequence, skipped as one character
    if (c < 0) {
      ++width;
      continue;
    }
    const auto east_asian =
        static_cast<UEastAsianWidth>(u_getIntPropertyValue(c, UCHAR_EAST_ASIAN_WIDTH));
    const auto category = static_cast<UCharCategory>(u_charType(c));
    if (east_asian == U_EA_WIDE || east_asian == U_EA_FULLWIDTH) {
      width += 2;
    } else if (category != U_NON_SPACING_MARK && category != U_ENCLOSING_MARK &&
               category != U_FORMAT_CHAR) {
      width += 1;
    }
  }
  return width;
}

std::string PadToWidth(std::string_view s, size_t columns) {
  std::string out(s);
  const size_t width = DisplayWidth(s);
  if (width < columns) out.append(columns - width, ' ');
  return out;
}

}  // namespace fieldbook
