// A phrase inside another phrase's values (issue #19): "imported from {file}: {reason:phrase}",
// where the reason is itself a code with values (the assignment plan's, or the import's own
// refusal), and a list of them ("no other rep {needs:phrases}": "is senior+ and has room").
//
// A phrase's values stay flat text (a stored phrase, phrase_json.h; the wire's "reason_values";
// a device's kept copy), so a nested phrase is spelled into them by name:
//   {reason:phrase}   "reason" = the inner code, "reason.X" = its value X;
//   {needs:phrases}   "needs"  = the inner codes separated by spaces, "needs.I.X" = value X of
//                     the I-th (from 0).
// Nested again, the names grow: "reason.why.rep". FillText (lang_text.h) renders such a value in
// the reader's language (an inner code this build does not know is shown as the code); a list as
// "a, b and c" / "a、b、c" (at most 8 items, then "…": a list off the network is bounded before it
// is spelled out). The names must stay within kMaxPhraseValueName and their number
// within kMaxPhraseValues (phrase_json.h) for a device to keep them all.
//
// Thread safety: pure functions; call from any thread.
#ifndef FIELDBOOK_PHRASE_NEST_H_
#define FIELDBOOK_PHRASE_NEST_H_

#include <string>
#include <vector>

#include "fieldbook/phrase.h"

namespace fieldbook {

// Adds `inner` to `values` under `name` (for a {name:phrase} placeholder).
inline void NestPhrase(TextValues& values, const std::string& name, const Phrase& inner) {
  values.emplace_back(name, inner.code);
  for (const auto& [key, value] : inner.values) values.emplace_back(name + "." + key, value);
}

// Adds `items` to `values` under `name` (for a {name:phrases} placeholder).
inline void NestPhrases(TextValues& values, const std::string& name,
                        const std::vector<Phrase>& items) {
  std::string codes;
  for (const Phrase& p : items) codes += (codes.empty() ? "" : " ") + p.code;
  values.emplace_back(name, codes);
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string prefix = name + "." + std::to_string(i) + ".";
    for (const auto& [key, value] : items[i].values) values.emplace_back(prefix + key, value);
  }
}

}  // namespace fieldbook

#endif  // FIELDBOOK_PHRASE_NEST_H_
