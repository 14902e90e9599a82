// Search text: what the device's search index (search_index.h) stores besides the text itself —
// pinyin of Chinese names, and Chinese spelled out as single characters and pairs for the index
// of short queries.
//
// Pinyin comes from ICU's transliterators (Han-Latin, then Latin-ASCII: no tone marks), one
// character at a time, cached per character. ICU knows one reading per character; for common
// polyphonic characters of shop, street and place names (长沙 changsha, 厦门 xiamen, 银行
// yinhang, 成都 chengdu, 曾 zeng...) a small table adds the other readings, and a name is spelled
// every way up to kMaxPinyinSpellings (the ICU reading first, then one other reading at a time).
//
// Thread safety: the free functions are thread-safe (one process-wide cache behind a mutex; the
// transliterator is created on first use, which takes about half a second).
#ifndef FIELDBOOK_CLIENT_STORE_SEARCH_TEXT_H_
#define FIELDBOOK_CLIENT_STORE_SEARCH_TEXT_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace fieldbook::client {

inline constexpr size_t kMaxPinyinSpellings = 4;

// Whether the code point is a Chinese (Han) character.
bool IsHan(char32_t c);

// The readings of one Han character, lowercase ASCII, the most common first ("chang", "zhang"
// for 长); empty when ICU has none (or `c` is not Han).
std::vector<std::string> PinyinReadings(char32_t c);

// The pinyin of every run of Han characters in `text`: each spelling of the run in full and as
// initials, separated by spaces ("鑫达汽修（1号店）" -> "xindaqixiu xdqx haodian hd"). Runs
// of one character give their readings once. Text without Han characters gives "".
std::string PinyinOf(std::string_view text);

// `text` for the index of short queries: every run of Han characters becomes its characters and
// adjacent pairs, space-separated ("鑫达汽修" -> "鑫 达 汽 修 鑫达 达汽 汽修"); everything else
// is kept, with a space between Han and other characters. Invalid UTF-8 bytes are dropped.
std::string ShortQueryText(std::string_view text);

// Splits UTF-8 into code points (invalid bytes are skipped).
std::u32string DecodeUtf8(std::string_view text);
void AppendUtf8(char32_t c, std::string& out);

}  // namespace fieldbook::client

#endif  // FIELDBOOK_CLIENT_STORE_SEARCH_TEXT_H_
