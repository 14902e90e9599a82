// Managers' console passwords (issue #16): hashed with argon2id, the memory-hard KDF of Debian's
// libargon2, into the library's self-describing encoded string ($argon2id$v=19$m=..,t=..,p=..$
// salt$hash) so that a later change of cost still verifies older hashes. Only that string is
// stored (console_store.h); the password itself is never written anywhere.
//
// Thread safety: pure functions; safe from any thread. Each hash or verify takes the cost's memory
// (19 MiB by default) for its duration.
#ifndef FIELDBOOK_SERVER_PASSWORD_HASH_H_
#define FIELDBOOK_SERVER_PASSWORD_HASH_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fieldbook/status.h"

namespace fieldbook::server {

// OWASP's argon2id minimum: 19 MiB, 2 passes, 1 lane.
struct PasswordCost {
  uint32_t passes = 2;
  uint32_t memory_kib = 19 * 1024;
  uint32_t lanes = 1;
};

inline constexpr size_t kMinPasswordBytes = 10;
inline constexpr size_t kMaxPasswordBytes = 1024;

// Ok when `password` may be set: 10 to 1024 bytes, no NUL or line break (a password read from a
// terminal ends at its line).
Status CheckNewPassword(std::string_view password);
// The encoded argon2id hash of `password` under a fresh 16-byte random salt.
Result<std::string> HashPassword(std::string_view password, const PasswordCost& cost = {});
// True when `encoded` is an argon2id hash of `password`; false for any other string.
bool VerifyPassword(const std::string& encoded, std::string_view password);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_PASSWORD_HASH_H_
