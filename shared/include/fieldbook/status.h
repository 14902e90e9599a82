// Status and Result<T>: how Fieldbook reports expected outcomes (not found, conflict, rejected,
// corrupt input) as values. Exceptions are reserved for bugs and for the program's edges.
//
// An error may carry its phrase (phrase.h: a code and named values, issue #19) beside its
// message: the message is the English (what logs, --json and older readers read), the phrase what
// a reader's language renders (a rep's device: client/lang/store_errors.h). An error without one
// (SQLite's words, a peer's, a message built by hand) is shown as its message.
//
// Thread safety: value types; distinct objects may be used from distinct threads freely (copies
// of an error share its phrase, which is immutable once made; the count is atomic).
#ifndef FIELDBOOK_STATUS_H_
#define FIELDBOOK_STATUS_H_

#include <cassert>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "fieldbook/phrase.h"

namespace fieldbook {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,    // the caller's input is malformed or violates a rule
  kNotFound,           // the thing asked for does not exist
  kConflict,           // the request is valid but clashes with current state
  kRejected,           // refused by a policy (scope, immutability, limits)
  kCorrupt,            // stored or received bytes are damaged
  kResourceExhausted,  // a configured limit was reached
  kUnavailable,        // a peer or resource cannot be reached now; retrying may help
  kIo,                 // the operating system or SQLite failed
  kInternal,           // a bug
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}
  // An error with its phrase: `message` is the phrase in English. A phrase without a code is none.
  Status(StatusCode code, std::string message, Phrase phrase)
      : code_(code), message_(std::move(message)), phrase_(Share(std::move(phrase))) {}

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) {
    return {StatusCode::kInvalidArgument, std::move(m)};
  }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status Conflict(std::string m) { return {StatusCode::kConflict, std::move(m)}; }
  static Status Rejected(std::string m) { return {StatusCode::kRejected, std::move(m)}; }
  static Status Corrupt(std::string m) { return {StatusCode::kCorrupt, std::move(m)}; }
  static Status ResourceExhausted(std::string m) {
    return {StatusCode::kResourceExhausted, std::move(m)};
  }
  static Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
  static Status Io(std::string m) { return {StatusCode::kIo, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // The code and values this error was made from; nullptr when it has none.
  const Phrase* phrase() const { return phrase_.get(); }
  // "invalid_argument: name is empty"; "ok" for success.
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::shared_ptr<const Phrase> phrase_;  // shared by copies: a Status stays cheap to copy

  static std::shared_ptr<const Phrase> Share(Phrase p) {
    if (p.code.empty()) return nullptr;
    return std::make_shared<const Phrase>(std::move(p));
  }
};

// Either a T or a non-ok Status. Accessing value() of an error is a bug (asserts).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT: implicit by design
    assert(!std::get<Status>(v_).ok() && "Result constructed from an ok Status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & {
    assert(ok());
    return std::get<T>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<T>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<T>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace fieldbook

#define FB_CONCAT_INNER_(a, b) a##b
#define FB_CONCAT_(a, b) FB_CONCAT_INNER_(a, b)

// Returns the Status from the enclosing function when `expr` (a Status) is not ok.
#define FB_RETURN_IF_ERROR(expr)             \
  do {                                       \
    ::fieldbook::Status fb_status_ = (expr); \
    if (!fb_status_.ok()) return fb_status_; \
  } while (false)

// `lhs = value of expr` where expr is a Result; returns its Status on error.
#define FB_ASSIGN_OR_RETURN(lhs, expr) \
  FB_ASSIGN_OR_RETURN_IMPL_(FB_CONCAT_(fb_result_, __LINE__), lhs, expr)
#define FB_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return tmp.status();             \
  lhs = std::move(tmp).value()

#endif  // FIELDBOOK_STATUS_H_
