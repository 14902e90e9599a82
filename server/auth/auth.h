// Device tokens: random secrets shown once when a device is given one, stored only as a keyed hash
// (HMAC-SHA256 under the server's secret, device_tokens.h). A token reaches the server as
// `Authorization: Bearer <token>`.
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
// Lowercase hex HMAC-SHA256 of the token under `key`: how tokens are stored.
std::string KeyedTokenHash(std::string_view key, std::string_view token);
// Lowercase hex bare SHA-256 of the token: how tokens issued before keyed hashes were stored; only
// used to recognise such a token once and store it keyed (device_tokens.h).
std::string HashToken(std::string_view token);
// `n` random bytes from the system generator (keys).
Result<std::string> RandomBytes(size_t n);
// `n` random bytes from the system generator as 2n lowercase hex digits (ids nobody can guess).
Result<std::string> RandomHex(size_t n);
// The token of an "Authorization: Bearer <token>" header; empty when absent or malformed.
std::string BearerToken(std::string_view authorization_header);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_AUTH_H_
