// Well-formed UTF-8, the one check of it (change-set decoding, the CSV import's decoder and its
// encoding detection): Unicode 15 table 3-7, so no overlong forms, no surrogates, nothing above
// U+10FFFF.
//
// Thread safety: pure functions; call from any thread.
#ifndef FIELDBOOK_UTF8_H_
#define FIELDBOOK_UTF8_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace fieldbook {

// The offset of the first byte of `s` that does not start a well-formed UTF-8 sequence (the lead
// of the ill-formed one), or std::string_view::npos when all of `s` is well formed. A sequence cut
// by the end of `s` is ill formed, unless `partial_end` (`s` is a chunk of a longer text) and its
// bytes so far are continuation bytes: then the next chunk decides.
size_t Utf8ErrorAt(std::string_view s, bool partial_end = false);

// True when all of `s` is well-formed UTF-8, with no truncated sequence at its end.
inline bool IsValidUtf8(std::string_view s) { return Utf8ErrorAt(s) == std::string_view::npos; }

// `s` when it is at most `max_bytes` long; else its first `max_bytes` bytes cut back to a whole
// character (a continuation byte is never the first one left out) and "…" after them: a long text
// shown, not kept (an import's preview cell, a header cell named in an error).
std::string Utf8Prefix(std::string_view s, size_t max_bytes);

// `s` with each byte that does not start or continue a well-formed sequence replaced by U+FFFD
// ("\xEF\xBF\xBD"); `s` itself when it is well formed. For a text from outside (a file's name on
// a GBK disk, an upload's name) that goes into JSON a strict reader must parse back.
std::string Utf8Scrub(std::string_view s);

}  // namespace fieldbook

#endif  // FIELDBOOK_UTF8_H_
