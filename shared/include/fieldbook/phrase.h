// Phrase: a sentence (or part of one) as a value, a code and its named values (issue #19), stored,
// sent and carried in a Status (status.h) as such and rendered in the reader's language only when
// shown (lang_text.h holds the tables and the rendering).
//
// Thread safety: plain value types; distinct objects may be used from distinct threads freely.
#ifndef FIELDBOOK_PHRASE_H_
#define FIELDBOOK_PHRASE_H_

#include <string>
#include <utility>
#include <vector>

namespace fieldbook {

// A text's named values, in order ("days" -> "9"); numbers are written as text.
using TextValues = std::vector<std::pair<std::string, std::string>>;

// A code and its values: a sentence (or part of one) stored as a value, rendered when shown.
struct Phrase {
  std::string code;
  TextValues values;
};

}  // namespace fieldbook

#endif  // FIELDBOOK_PHRASE_H_
