// A Phrase (lang_text.h: a code and its named values) as JSON, for the texts the server sends a
// rep and the device keeps (issue #19): a pool claim's answer, why the server would refuse a
// claim, an assignment rule a rep breaks.
//
// On the wire the English sentence stays where old devices read it ("reason": "holding cap
// reached (5/5)") and the value comes beside it ("reason_code": "pool_holding_cap",
// "reason_values": {"n": "5", "cap": "5"}): an old device shows the English as before, a new one
// renders the code in the rep's language.
//
// In a text column (the server's srv_pool_claims.reason, the device's fb_pool_requests.reason and
// fb_pool_customers.refusal) a phrase is kept as one JSON object with its English sentence:
// {"code":"pool_holding_cap","detail":"holding cap reached (5/5)","values":{"n":"5","cap":"5"}}.
// No schema change: a row written before codes (or by an old server) is plain text and is shown
// as it is; so is a code this build does not know (its detail).
//
// Thread safety: pure functions; call from any thread.
#ifndef FIELDBOOK_PHRASE_JSON_H_
#define FIELDBOOK_PHRASE_JSON_H_

#include <boost/json.hpp>
#include <string>
#include <string_view>

#include "fieldbook/lang_text.h"

namespace fieldbook {

// A phrase read back from a stored text: its code and values ("" and none for plain text) and its
// English sentence (the plain text itself).
struct StoredPhrase {
  Phrase phrase;
  std::string detail;
};

// The phrase's values as a JSON object ({"n": "5", "cap": "5"}).
boost::json::object PhraseValuesJson(const TextValues& values);
// The most values a phrase read from JSON keeps, and the longest name of one: a text names at
// most 6 (their names at most 13 bytes); what comes off the network (a server's error_values, a
// reason's values) is bounded by these before a device keeps it.
inline constexpr size_t kMaxPhraseValues = 16;
inline constexpr size_t kMaxPhraseValueName = 32;
// A JSON object's string and number members as values (other members are left out), at most
// `max_text` bytes each (a longer text cut back to whole characters, with "…"); at most
// kMaxPhraseValues of them (the first), members whose name is longer than kMaxPhraseValueName
// left out.
TextValues PhraseValuesFrom(const boost::json::value& v, size_t max_text = 500);

// The text a column keeps: the JSON above (the English sentence filled from the code), or ""
// for an empty phrase (no code).
std::string StorePhrase(const Phrase& p);
// The same with `detail` as the English sentence (what an old server sent).
std::string StorePhrase(const Phrase& p, std::string_view detail);
// A stored text read back (see the header comment); plain text is its own detail.
StoredPhrase ReadStoredPhrase(std::string_view stored);
// A person's own words for a column that also keeps stored phrases (a rep's release reason): a
// text that reads back as a stored phrase (JSON with a code and a detail, typed on purpose) gets
// one leading space, so that no reader shows a rep's words as the server's phrase; any other text
// is returned as it is.
std::string PersonText(std::string text);
// A stored text in `lang`: the code's text, else the stored English (or plain text) as it is.
std::string SayStored(Lang lang, std::string_view stored);

}  // namespace fieldbook

#endif  // FIELDBOOK_PHRASE_JSON_H_
