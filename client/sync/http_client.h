// HttpClient: a small blocking HTTP/1.1 client (plain or HTTPS) for the rep's sync engine and the
// integration tests. It talks to one server (the base URL given to Create), keeps one keep-alive
// connection open and opens a new one when the server has closed it.
//
//  * Every call has deadlines that really apply: connect_timeout for resolving, connecting and
//    the TLS handshake, request_timeout for sending the request and receiving the whole response.
//    A server that accepts but never answers times out.
//  * Failures are Status values, never exceptions: kUnavailable when the server cannot be reached
//    or does not answer in time, with a sentence a rep can read ("cannot reach
//    http://10.0.0.5:8443: connection refused"); kInvalidArgument for a bad URL or request;
//    kResourceExhausted for a response body over response_body_limit. An HTTP error status
//    (4xx, 5xx) is not a failure: it is an HttpReply with that status.
//  * A busy server (503 with Retry-After: its worker queue or connection limits are full; nothing
//    of the request was done) is asked again, at most busy_retries times, after Retry-After
//    seconds grown with each attempt and spread by +-50% random jitter (so that a fleet of
//    devices refused together does not come back together), never waiting past max_busy_wait in
//    all. The last reply says how many retries it took (HttpReply::busy_retries), and
//    ServerErrorMessage tells the user that the server was busy.
//  * HTTPS verifies the server's certificate and host name (against ca_file when given, else the
//    system's trust store) and sends SNI. verify_tls = false is for tests only.
//
// Thread safety: not thread-safe; use one HttpClient per thread. Distinct clients are
// independent.
#ifndef FIELDBOOK_CLIENT_HTTP_CLIENT_H_
#define FIELDBOOK_CLIENT_HTTP_CLIENT_H_

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "fieldbook/status.h"

namespace fieldbook::client {

struct HttpClientOptions {
  std::chrono::milliseconds connect_timeout{5000};   // resolve + connect + TLS handshake
  std::chrono::milliseconds request_timeout{30000};  // send the request + read the response
  size_t response_body_limit = 64u << 20;            // larger responses: kResourceExhausted
  std::string ca_file;     // PEM file of trusted certificates for HTTPS; "" = the system's
  bool verify_tls = true;  // false: accept any certificate (tests only)
  int busy_retries = 5;    // 503 + Retry-After answers asked again, at most
  std::chrono::milliseconds max_busy_wait{60000};  // the back-off's total wait, at most
  std::string bearer_token;  // sent with every request that names none of its own; "" = none
};

struct HttpReply {
  int status = 0;
  std::string content_type;
  std::string body;
  std::string retry_after;  // the Retry-After header ("" when absent)
  int busy_retries = 0;     // 503s answered busy before this reply (then asked again)
};

// How long to wait before asking a busy server again: Retry-After seconds (1 when absent or not a
// number, at most 60), doubled per earlier retry up to 8x, times a jitter factor in [0.5, 1.5).
std::chrono::milliseconds BusyBackoff(const std::string& retry_after, int retries_before,
                                      double jitter01);

// What a server's error reply says: the message of its JSON error ({"error":{"message":...}}), at
// most `max_bytes` of it; else the first 200 bytes of the body.
std::string ServerErrorMessage(const HttpReply& reply, size_t max_bytes = 2000);
// The server's refusal as a value: the "error_code" and "error_values" beside its JSON error
// (server/http/http_types.h; fieldbook/lang_text.h HttpRefusals), nullopt when it sent none (an
// older server, a proxy's page).
std::optional<Phrase> ServerErrorPhrase(const HttpReply& reply);
// A Status of `code` whose message is `message` (the English, for logs) and which carries the
// reply's phrase when it has one, so the rep reads the server's refusal in the rep's language.
Status ServerError(StatusCode code, std::string message, const HttpReply& reply);
// The same, carrying `otherwise` when the reply has no phrase this build reads (an older server,
// a proxy's page, a newer or hostile server's code): a server that misbehaves is told in the rep's
// language too, its own words kept in the English message only.
Status ServerError(StatusCode code, std::string message, const HttpReply& reply, Phrase otherwise);
// err_server_status: "the server answered HTTP <status> to <what>", `what` a what_ value of the
// error table (lang/store_errors.cc: "what_sync").
Phrase AnsweredPhrase(const HttpReply& reply, std::string_view what);
// `failure` (reading the server's answer to `what`) with err_server_answer_unreadable as its phrase
// when it carries none (a JSON or field error in English), its message as it was; as it is
// otherwise.
Status AnswerUnreadable(const Status& failure, std::string_view what);

class HttpClient {
 public:
  // base_url: "http://host[:port][/prefix]" or "https://host[:port][/prefix]"; targets passed
  // to Post/Get are appended to the prefix. Does not connect yet. kInvalidArgument for a bad URL
  // or an unreadable ca_file.
  static Result<std::unique_ptr<HttpClient>> Create(const std::string& base_url,
                                                    HttpClientOptions options = {});

  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;
  ~HttpClient();

  // target: path and query starting with '/', e.g. "/v1/sync". bearer_token (when empty, the
  // options' bearer_token), when not empty, is sent as "Authorization: Bearer <token>".
  Result<HttpReply> Post(const std::string& target, const std::string& body,
                         const std::string& content_type, const std::string& bearer_token = "");
  Result<HttpReply> Get(const std::string& target, const std::string& bearer_token = "");

  // The base URL as given to Create, without a trailing '/'.
  const std::string& base_url() const;

 private:
  struct Impl;
  explicit HttpClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace fieldbook::client

#endif  // FIELDBOOK_CLIENT_HTTP_CLIENT_H_
