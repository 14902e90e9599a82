// Device tokens: random secrets shown once when a rep or manager is added, stored only as a
// SHA-256 hash. A token reaches the server as `Authorization: Bearer <token>`.
//
// Thread safety: pure functions; OpenSSL's RNG and digests are thread-safe.
#ifndef FIELDBOOK_SERVER_AUTH_H_
#define FIELDBOOK_SERVER_AUTH_H_

#include <string>
#include <string_view>

#include "fieldbook/status.h"

namespace fieldbook::server {

// "fbt_" followed by 64 hex digits (256 random bits).
Result<std::string> NewDeviceToken();
// Lowercase hex SHA-256 of the token.
std::string HashToken(std::string_view token);
// The token of an "Authorization: Bearer <token>" header; empty when absent or malformed.
std::string BearerToken(std::string_view authorization_header);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_AUTH_H_
