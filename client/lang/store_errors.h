// StoreErrors: the replica store's errors that reach a rep (client/store/*: a missing name, a
// visit for a garage not on this device, an order line with a bad quantity...; fieldbook-cli's
// own argument checks) as codes with values (issue #19), each an entry of the one string-table
// type (fieldbook/lang_text.h, codes err_...) with English and Chinese.
//
// The store makes such an error with StoreError (or Invalid): a Status whose message is the
// code's English filled with its values, so logs, --json and every caller that reads messages
// read what they read before. The code and values ride in that English: the templates are
// distinct, so RenderError finds the code back by matching the message against them and fills
// the same values into the reader's language; a message no template matches (a server's words,
// SQLite's) is shown as it is. Values may carry kinds ({what:word}: a noun of the store,
// "customer" -> 客户; lang_text.h).
//
// Thread safety: immutable static data and pure functions; safe from any thread.
#ifndef FIELDBOOK_CLIENT_LANG_STORE_ERRORS_H_
#define FIELDBOOK_CLIENT_LANG_STORE_ERRORS_H_

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "fieldbook/lang_text.h"
#include "fieldbook/status.h"

namespace fieldbook::client {

// Every err_ entry, in table order.
std::span<const LangText> StoreErrors();

// A Status of `code` whose message is `error`'s English with `values` filled in. An unknown
// error code is a bug: its message is the code itself.
Status StoreError(StatusCode code, std::string_view error, const TextValues& values = {});
// StoreError(kInvalidArgument, ...).
Status Invalid(std::string_view error, const TextValues& values = {});

// The code and values a message made by StoreError was made from; nullopt for any other message.
std::optional<Phrase> ReadStoreError(std::string_view message);
// `message` in `lang`: a store error in the reader's language, any other message as it is.
std::string RenderError(Lang lang, std::string_view message);

}  // namespace fieldbook::client

#endif  // FIELDBOOK_CLIENT_LANG_STORE_ERRORS_H_
