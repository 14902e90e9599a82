// The columns a monospace terminal gives a UTF-8 text, so that a table lines up in Chinese as it
// does in English (printf's %-24s pads by bytes: a Chinese character is three bytes but two
// columns). The one such measure of the project: the CLIs' help pages (client/cli/help_format.cc),
// fieldbook-server import's placement table and the nightly report's step lines.
//
// A character of Unicode's East Asian Width "W" or "F" (CJK, kana, Hangul, full-width forms, most
// emoji) takes two columns, a combining mark or a format character (a zero-width joiner) none,
// any other character one; so does a sequence that is not well-formed UTF-8 (a terminal shows a
// replacement character). The property is ICU's (u_getIntPropertyValue).
//
// Thread safety: pure functions; call from any thread.
#ifndef FIELDBOOK_TEXT_WIDTH_H_
#define FIELDBOOK_TEXT_WIDTH_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace fieldbook {

// The columns `s` takes in a terminal.
size_t DisplayWidth(std::string_view s);

// `s` followed by spaces up to `columns` columns (%-Ns by display width); `s` itself when it is
// that wide already: never cut.
std::string PadToWidth(std::string_view s, size_t columns);

}  // namespace fieldbook

#endif  // FIELDBOOK_TEXT_WIDTH_H_
