// RefusalStatus: an error of the server's made from one of its refusals (fieldbook/lang_text.h
// HttpRefusals: a code and its values), for the stores and the import code whose errors reach an
// HTTP body (issue #19). Its message is the refusal's English with the values filled in, and it
// carries the refusal as its phrase, so StatusResponse (server/api/http_json.h) sends "error_code"
// and "error_values" beside that English. An error whose English differs from its code's (words
// older than the code, kept for scripts) is made with Status(code, message, Phrase) instead.
//
// Thread safety: a pure function; call from any thread.
#ifndef FIELDBOOK_REFUSAL_STATUS_H_
#define FIELDBOOK_REFUSAL_STATUS_H_

#include "fieldbook/phrase.h"
#include "fieldbook/status.h"

namespace fieldbook {

// An error of `code` carrying `refusal`, its message the refusal's English.
Status RefusalStatus(StatusCode code, Phrase refusal);

}  // namespace fieldbook

#endif  // FIELDBOOK_REFUSAL_STATUS_H_
