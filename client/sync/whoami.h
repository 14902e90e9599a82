// WhoAmI: whose device token this is, asked of the server (GET /v1/whoami) when a device is set
// up (`fieldbook-cli init`), so the replica is made for the token's rep.
//
// Failures are Status values: kUnavailable when the server cannot be reached (the device may then
// be set up offline), kRejected with a sentence a rep understands when the server refuses the
// token (HTTP 401 or 403), answers another status, or names no rep; what HttpClient::Get returns
// otherwise (kInvalidArgument, kResourceExhausted).
//
// Thread safety: a function; it uses the HttpClient it is given (one thread at a time).
#ifndef FIELDBOOK_CLIENT_SYNC_WHOAMI_H_
#define FIELDBOOK_CLIENT_SYNC_WHOAMI_H_

#include <string>

#include "fieldbook/status.h"
#include "sync/http_client.h"

namespace fieldbook::client {

struct WhoAmI {
  std::string rep;   // never empty
  std::string name;  // "" when the server did not say
  std::string role;  // "rep", "manager", ...; "" when the server did not say
};

Result<WhoAmI> AskWhoAmI(HttpClient& http, const std::string& token);

// Reads the body of a 200 answer to GET /v1/whoami; fields that are missing or not texts read as
// "", and an answer without a rep is kRejected.
Result<WhoAmI> ParseWhoAmI(const std::string& body);

}  // namespace fieldbook::client

#endif  // FIELDBOOK_CLIENT_SYNC_WHOAMI_H_
