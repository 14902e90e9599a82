// LoginThrottle: back-off after repeated failed console logins (issue #16), per account and per
// client address, kept in memory (a restart forgets it; the password's cost still bounds a
// guesser).
//
// An attempt on an account is counted as a failure when it begins (Begin), so that guesses racing
// on several connections cannot slip past the account's count; Succeeded() then clears the account.
// An address is counted when an attempt from it fails (Failed), so that a right password never
// counts against an office's shared address (racing guesses from one address may overshoot its
// count by the number of requests handled at once, the server's worker threads). A key (an account,
// an address) has `free_*` failures; from the free-th on each one locks it for
// base_delay * 2^(n - free), at most max_delay, counted from that failure. An attempt on a locked
// key is refused without being counted or checked, so a locked account costs the server no password
// hashing. A key with no attempt for forget_after is forgotten; at most max_keys keys are kept (the
// stalest go first).
//
// Thread safety: thread-safe (one internal mutex).
#ifndef FIELDBOOK_SERVER_LOGIN_THROTTLE_H_
#define FIELDBOOK_SERVER_LOGIN_THROTTLE_H_

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace fieldbook::server {

struct LoginThrottleOptions {
  int free_per_account = 5;
  int free_per_address = 20;  // several managers may share an office's address
  int64_t base_delay_ms = 1000;
  int64_t max_delay_ms = 15 * 60 * 1000;
  int64_t forget_after_ms = 60 * 60 * 1000;
  size_t max_keys = 100000;
};

class LoginThrottle {
 public:
  explicit LoginThrottle(LoginThrottleOptions options = {}) : options_(options) {}

  // 0: the attempt may go ahead, and the account counts it (as a failure until Succeeded).
  // Otherwise the milliseconds until the account or the address may try again; nothing is
  // counted.
  int64_t Begin(const std::string& account, const std::string& address, int64_t now_ms);
  // The attempt Begin let through had a wrong password: the address counts it.
  void Failed(const std::string& address, int64_t now_ms);
  // The attempt Begin let through had the right password: the account starts afresh.
  void Succeeded(const std::string& account);

  size_t KeysForTesting();

 private:
  struct Entry {
    int attempts = 0;
    int64_t last_ms = 0;
    int64_t locked_until_ms = 0;
  };
  int64_t WaitFor(const std::string& key, int64_t now_ms);
  void Count(const std::string& key, int free, int64_t now_ms);
  void Prune(int64_t now_ms);

  const LoginThrottleOptions options_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> keys_;
};

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_LOGIN_THROTTLE_H_
