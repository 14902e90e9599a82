// SetupCodes: short one-time codes a manager hands to a rep to set up a new device (issue #16;
// table srv_setup_codes, server migration 0028). The console shows the code; the rep runs
// `fieldbook-cli init --server URL --code CODE`, which exchanges it (POST /v1/setup, console_api.h)
// for a new device token of that rep, as `POST /v1/admin/devices` would issue.
//
//  * A code is 10 characters from 31 without look-alikes (no 0/O, 1/I/L), about 49 random bits,
//    shown as ABCDE-FGHJK; input is read case-insensitively, spaces and dashes ignored.
//  * Valid once and for `ttl_ms` (15 minutes by default). Only its SHA-256 is stored: a copy of the
//    database yields no usable code (a guess must also beat the code's minutes of life).
//  * Only for an active rep (not a manager: the app and the CLI refuse manager tokens). Issuing and
//    exchanging are audited (device.setup_code, then device.issue by "setup-code:<manager>").
//  * Expired codes are forgotten a day after they expire, when a new one is issued.
//
// Thread safety: not thread-safe; use under the same lock as the ServerStore it wraps.
#ifndef FIELDBOOK_SERVER_STORE_SETUP_CODES_H_
#define FIELDBOOK_SERVER_STORE_SETUP_CODES_H_

#include <cstdint>
#include <string>

#include "fieldbook/status.h"
#include "store/server_store.h"

namespace fieldbook::server {

struct IssuedSetupCode {
  std::string code;  // ABCDE-FGHJK, shown once
  std::string rep_id;
  std::string device;
  int64_t expires_ms = 0;
};

struct ExchangedSetupCode {
  DeviceInfo device;
  std::string token;
};

class SetupCodes {
 public:
  static constexpr int64_t kDefaultTtlMs = 15 * 60 * 1000;
  static constexpr size_t kCodeChars = 10;

  explicit SetupCodes(ServerStore& store) : store_(store) {}

  // kNotFound for an unknown rep; kRejected for a manager or a disabled rep.
  Result<IssuedSetupCode> Issue(const std::string& rep_id, const std::string& device,
                                const std::string& actor, int64_t ttl_ms = kDefaultTtlMs);
  // The new device's token. kInvalidArgument when `code` cannot be a code (wrong length or
  // characters); kNotFound for a code never issued; kConflict for a code used already or expired
  // (the message says which); kRejected when its rep was disabled since.
  Result<ExchangedSetupCode> Exchange(const std::string& code);

  // `code` upper-cased without spaces and dashes, or "" when it is not 10 code characters.
  static std::string Normalize(const std::string& code);

 private:
  ServerStore& store_;
};

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_STORE_SETUP_CODES_H_
