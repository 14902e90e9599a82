#include "auth/password_hash.h"

#include <argon2.h>

#include <vector>

#include "auth/auth.h"

namespace fieldbook::server {

namespace {
constexpr size_t kSaltBytes = 16;
constexpr size_t kHashBytes = 32;
}  // namespace

Status CheckNewPassword(std::string_view password) {
  if (password.size() < kMinPasswordBytes || password.size() > kMaxPasswordBytes) {
    return Status::InvalidArgument("a password is " + std::to_string(kMinPasswordBytes) + " to " +
                                   std::to_string(kMaxPasswordBytes) + " bytes");
  }
  for (char c : password) {
    if (c == '\0' || c == '\n' || c == '\r') {
      return Status::InvalidArgument("a password cannot hold NUL or line breaks");
    }
  }
  return Status::Ok();
}

Result<std::string> HashPassword(std::string_view password, const PasswordCost& cost) {
  FB_ASSIGN_OR_RETURN(std::string salt, RandomBytes(kSaltBytes));
  std::vector<char> encoded(argon2_encodedlen(cost.passes, cost.memory_kib, cost.lanes, kSaltBytes,
                                              kHashBytes, Argon2_id) +
                            1);
  const int rc = argon2id_hash_encoded(cost.passes, cost.memory_kib, cost.lanes, password.data(),
                                       password.size(), salt.data(), salt.size(), kHashBytes,
                                       encoded.data(), encoded.size());
  if (rc != ARGON2_OK) {
    return Status::Internal(std::string("argon2id failed: ") + argon2_error_message(rc));
  }
  return std::string(encoded.data());
}

bool VerifyPassword(const std::string& encoded, std::string_view password) {
  if (encoded.rfind("$argon2id$", 0) != 0) return false;
  return argon2id_verify(encoded.c_str(), password.data(), password.size()) == ARGON2_OK;
}

}  // namespace fieldbook::server
