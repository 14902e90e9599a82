// SetupCode: a new device exchanges the one-time setup code a manager gave its rep
// (`fieldbook-cli init --code`) for its device token: POST /v1/setup {"code"} (docs/server.md;
// server/store/setup_codes.h). The code is sent as typed; the server reads it case-insensitively
// and ignores spaces and dashes.
//
// Failures are Status values: kUnavailable when the server cannot be reached; kRejected with the
// server's own sentence when it refuses the code (unknown, used already, expired, too many wrong
// codes: HTTP 400, 404, 409, 422, 429) or answers without a token.
//
// Thread safety: a function; it uses the HttpClient it is given (one thread at a time).
#ifndef FIELDBOOK_CLIENT_SYNC_SETUP_CODE_H_
#define FIELDBOOK_CLIENT_SYNC_SETUP_CODE_H_

#include <string>

#include "fieldbook/status.h"
#include "sync/http_client.h"

namespace fieldbook::client {

struct SetupCodeGrant {
  std::string token;   // the device's token, never empty
  std::string rep;     // the rep it belongs to
  std::string device;  // the device's name on the server
};

Result<SetupCodeGrant> ExchangeSetupCode(HttpClient& http, const std::string& code);

}  // namespace fieldbook::client

#endif  // FIELDBOOK_CLIENT_SYNC_SETUP_CODE_H_
