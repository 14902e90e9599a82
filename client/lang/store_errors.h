// StoreErrors: the replica store's errors that reach a rep (client/store/*: a missing name, a
// visit for a garage not on this device, an order line with a bad quantity...; fieldbook-cli's
// own argument checks) as codes with values (issue #19), each an entry of the one string-table
// type (fieldbook/lang_text.h, codes err_...) with English and Chinese.
//
// The store makes such an error with StoreError (or Invalid): a Status that carries its phrase
// (the code and its values, fieldbook/status.h) and whose message is the code's English filled
// with those values, so logs, --json and every caller that reads messages read what they read
// before. (An error of a server that misbehaves keeps the server's own words in its message and
// carries the rep's words as its phrase: sync/http_client.h ServerError, AnswerUnreadable.) A
// value that is a code of the table (why_..., what_...) is read from it in the reader's language.
// RenderError renders the carried code and values in the reader's language: a store error, or one
// of the server's own refusals the sync layer keeps from the wire (codes http_...,
// fieldbook/lang_text.h HttpRefusals). An error without a phrase (SQLite's words, a transport's)
// or with a code this build does not know (a newer server's) is shown as its message. Values
// may carry kinds ({what:word}: a noun of the store, "customer" -> 客户; lang_text.h).
//
// Thread safety: immutable static data and pure functions; safe from any thread.
#ifndef FIELDBOOK_CLIENT_LANG_STORE_ERRORS_H_
#define FIELDBOOK_CLIENT_LANG_STORE_ERRORS_H_

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

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

// An operating system's error as the value of an err_ text's {why}: a reason of the table
// (why_os_..., read in the rep's language) when it is a common one, else the system's own words.
// In English it reads as the system writes it ("Permission denied").
std::string OsReason(const std::error_code& ec);
// SQLite's words at the end of an error's message (fieldbook/sqlite_db.h: "database is locked",
// "database or disk is full", "attempt to write a readonly database"...) as a reason of the table
// (why_sqlite_...), nullopt for any other. RenderError reads an error without a phrase by it.
std::optional<std::string> SqliteReason(std::string_view message);

// `phrase` in `lang` when its code is a store error, a server refusal or a common text
// (fieldbook/lang_text.h SayKnown); nullopt for any other.
std::optional<std::string> SayError(Lang lang, const Phrase& phrase);
// `error` as the rep reads it: in Chinese its phrase when it carries one this build knows, or the
// reason of SQLite's words its message ends with (SqliteReason: a locked, full or read-only
// replica, shown alone), else (and always in English, what scripts read) its message as it is.
std::string RenderError(Lang lang, const Status& error);
// A text kept in a column as a phrase with its English (fieldbook/phrase_json.h: a pool request's
// answer, a server's refusal) in `lang`: a common text, a store error or a server's refusal by its
// code; else (plain text, a code this build does not know) the English as it is.
std::string SayStoredText(Lang lang, std::string_view stored);
// The same for an error kept as its message and its phrase apart (a sync report's pool, reports
// or review error, the app's sync status).
std::string RenderError(Lang lang, const std::string& message, const std::optional<Phrase>& phrase);

}  // namespace fieldbook::client

#endif  // FIELDBOOK_CLIENT_LANG_STORE_ERRORS_H_
