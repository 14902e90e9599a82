// ForEachCodePoint: walks a UTF-8 string's code points (the font atlas and the view model collect
// the characters the UI must be able to draw). Malformed bytes are skipped, never fatal.
//
// Thread safety: a pure function.
#ifndef FIELDBOOK_CLIENT_APP_UTF8_H_
#define FIELDBOOK_CLIENT_APP_UTF8_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace fieldbook::app {

template <typename F>
void ForEachCodePoint(std::string_view s, F&& f) {
  size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    size_t len = 1;
    uint32_t cp = b;
    if (b >= 0x80) {
      if ((b & 0xE0) == 0xC0) {
        len = 2;
        cp = b & 0x1Fu;
      } else if ((b & 0xF0) == 0xE0) {
        len = 3;
        cp = b & 0x0Fu;
      } else if ((b & 0xF8) == 0xF0) {
        len = 4;
        cp = b & 0x07u;
      } else {
        ++i;  // a stray continuation byte or an invalid lead byte
        continue;
      }
      if (i + len > s.size()) return;
      bool valid = true;
      for (size_t k = 1; k < len && valid; ++k) {
        const auto c = static_cast<unsigned char>(s[i + k]);
        valid = (c & 0xC0) == 0x80;
        cp = (cp << 6) | (c & 0x3Fu);
      }
      if (!valid) {
        ++i;
        continue;
      }
    }
    f(cp);
    i += len;
  }
}

}  // namespace fieldbook::app

#endif  // FIELDBOOK_CLIENT_APP_UTF8_H_
