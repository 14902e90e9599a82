#include "fieldbook/utf8.h"

namespace fieldbook {

size_t Utf8ErrorAt(std::string_view s, bool partial_end) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    const unsigned char lead = p[i];
    if (lead < 0x80) {
      ++i;
      continue;
    }
    size_t length;
    unsigned char second_min = 0x80;
    unsigned char second_max = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead == 0xE0) {
      length = 3;
      second_min = 0xA0;  // shorter forms are overlong
    } else if ((lead >= 0xE1 && lead <= 0xEC) || lead == 0xEE || lead == 0xEF) {
      length = 3;
    } else if (lead == 0xED) {
      length = 3;
      second_max = 0x9F;  // ED A0..BF would be a surrogate
    } else if (lead == 0xF0) {
      length = 4;
      second_min = 0x90;  // shorter forms are overlong
    } else if (lead >= 0xF1 && lead <= 0xF3) {
      length = 4;
    } else if (lead == 0xF4) {
      length = 4;
      second_max = 0x8F;  // beyond is above U+10FFFF
    } else {
      return i;  // a continuation byte, C0, C1 or F5..FF
    }
    if (n - i < length) {  // cut by the end of `s`
      if (!partial_end) return i;
      for (size_t k = i + 1; k < n; ++k) {
        if ((p[k] & 0xC0) != 0x80) return i;
      }
      return std::string_view::npos;
    }
    if (p[i + 1] < second_min || p[i + 1] > second_max) return i;
    for (size_t k = 2; k < length; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return i;
    }
    i += length;
  }
  return std::string_view::npos;
}

std::string Utf8Prefix(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return std::string(s);
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  std::string out(s.substr(0, cut));
  out += "…";
  return out;
}

std::string Utf8Scrub(std::string_view s) {
  std::string out;
  size_t bad = Utf8ErrorAt(s);
  if (bad == std::string_view::npos) return std::string(s);
  while (bad != std::string_view::npos) {
    out.append(s.substr(0, bad));
    out += "\xEF\xBF\xBD";
    s.remove_prefix(bad + 1);
    bad = Utf8ErrorAt(s);
  }
  out.append(s);
  return out;
}

}  // namespace fieldbook
