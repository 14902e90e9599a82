#include "sync/http_client.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>
#include <cctype>
#include <filesystem>
#include <optional>
#include <random>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>
#include "fieldbook/json.h"
#include "fieldbook/phrase_json.h"
#include "lang/store_errors.h"

namespace fieldbook::client {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

// How long past an operation's own deadline (enforced by beast::tcp_stream) the io_context is
// run before the operation is cancelled by force; a backstop that should never be needed.
constexpr std::chrono::milliseconds kDeadlineGrace{1000};
constexpr uint32_t kResponseHeaderLimit = 64u << 10;

struct ParsedUrl {
  bool tls = false;
  std::string host;         // without brackets
  std::string port;         // digits
  std::string host_header;  // the authority as given: host[:port]
  std::string prefix;       // "" or "/something", no trailing '/'
  std::string origin;       // scheme://authority, for messages
  bool host_is_ip = false;
};

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && beast::iequals(s.substr(0, prefix.size()), prefix);
}

Result<ParsedUrl> ParseBaseUrl(const std::string& url) {
  // `why`: a reason of the error table (why_url_...), read in the rep's language.
  const auto bad = [&url](const char* why) {
    return Invalid("err_bad_server_url", {{"url", url}, {"why", why}});
  };
  ParsedUrl out;
  std::string_view rest = url;
  if (StartsWithNoCase(rest, "http://")) {
    rest.remove_prefix(7);
  } else if (StartsWithNoCase(rest, "https://")) {
    out.tls = true;
    rest.remove_prefix(8);
  } else {
    return bad("why_url_scheme");
  }
  for (char c : rest) {
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) return bad("why_url_spaces");
  }
  const size_t slash = rest.find('/');
  const std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash);
  if (authority.find_first_of("@?#") != std::string_view::npos) {
    return bad("why_url_user_query");
  }
  if (path.find_first_of("?#") != std::string_view::npos) {
    return bad("why_url_query");
  }
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);

  std::string_view host;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return bad("why_url_bracket_open");
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad("why_url_bracket_junk");
      port = after.substr(1);
      if (port.empty()) return bad("why_url_empty_port");
    }
  } else {
    const size_t colon = authority.find(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
      port = authority.substr(colon + 1);
      if (port.empty()) return bad("why_url_empty_port");
    }
  }
  if (host.empty()) return bad("why_url_no_host");
  if (!port.empty()) {
    if (port.size() > 5 ||
        !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return bad("why_url_port_number");
    }
    const int number = std::stoi(std::string(port));
    if (number < 1 || number > 65535) return bad("why_url_port_range");
  }
  out.host = std::string(host);
  out.port = port.empty() ? (out.tls ? "443" : "80") : std::string(port);
  out.host_header = std::string(authority);
  out.prefix = std::string(path);
  out.origin = std::string(out.tls ? "https://" : "http://") + std::string(authority);
  beast::error_code ec;
  net::ip::make_address(out.host, ec);
  out.host_is_ip = !ec;
  return out;
}

// A short lower-case description of a network error for a rep to read.
std::string Describe(const beast::error_code& ec) {
  if (ec == net::error::connection_refused) return "why_connection_refused";
  if (ec == net::error::host_not_found || ec == net::error::host_not_found_try_again) {
    return "why_host_not_found";
  }
  if (ec == net::error::network_unreachable) return "why_network_unreachable";
  if (ec == net::error::host_unreachable) return "why_host_unreachable";
  if (ec == net::error::connection_reset) return "why_connection_reset";
  if (ec == net::error::broken_pipe) return "why_broken_pipe";
  if (ec == net::error::connection_aborted) return "why_connection_aborted";
  if (ec == net::error::timed_out) return "why_timed_out";
  if (ec == net::error::eof || ec == http::error::end_of_stream ||
      ec == http::error::partial_message || ec == ssl::error::stream_truncated) {
    return "why_server_closed";
  }
  std::string text = ec.message();
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

// Why OpenSSL could not load CA certificates, kept as a value: a reason of the error table when it
// is the common one (a file with no PEM certificate in it: DER, a key, anything else), else
// OpenSSL's own words ("wrong tag (asn1 encoding routines)").
std::string CaReason(const beast::error_code& ec) {
  if (ec.category() == net::error::get_ssl_category() &&
      ERR_GET_LIB(static_cast<unsigned long>(ec.value())) == ERR_LIB_X509 &&
      ERR_GET_REASON(static_cast<unsigned long>(ec.value())) ==
          X509_R_NO_CERTIFICATE_OR_CRL_FOUND) {
    return "why_ca_no_certificate";
  }
  return ec.message();
}

// Why the server's certificate was not trusted (SSL_get_verify_result), kept as a value: a reason
// of the error table for the common ones, else OpenSSL's own words ("certificate revoked").
std::string UntrustedReason(long verify) {
  switch (verify) {
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
      return "why_tls_self_signed";
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
      return "why_tls_self_signed_root";
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
      return "why_tls_unknown_issuer";
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
      return "why_tls_no_chain";
    case X509_V_ERR_CERT_HAS_EXPIRED:
      return "why_tls_expired";
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return "why_tls_not_yet_valid";
    case X509_V_ERR_HOSTNAME_MISMATCH:
      return "why_tls_host_mismatch";
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
      return "why_tls_ip_mismatch";
    default:
      return X509_verify_cert_error_string(verify);
  }
}

// Why a TLS handshake failed with a certificate that was not the matter: a reason of the error
// table for the common ones of OpenSSL's SSL library (a plain-HTTP port, no TLS version in common,
// the server's refusals), else as Describe says it.
std::string HandshakeReason(const beast::error_code& ec) {
  if (ec.category() == net::error::get_ssl_category() &&
      ERR_GET_LIB(static_cast<unsigned long>(ec.value())) == ERR_LIB_SSL) {
    switch (ERR_GET_REASON(static_cast<unsigned long>(ec.value()))) {
      case SSL_R_WRONG_VERSION_NUMBER:
        return "why_tls_not_tls";
      case SSL_R_UNSUPPORTED_PROTOCOL:
      case SSL_R_TLSV1_ALERT_PROTOCOL_VERSION:
      case SSL_R_NO_PROTOCOLS_AVAILABLE:
        return "why_tls_version";
      case SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE:
        return "why_tls_refused";
      case SSL_R_TLSV1_ALERT_UNKNOWN_CA:
      case SSL_R_SSLV3_ALERT_BAD_CERTIFICATE:
        return "why_tls_device_refused";
      case SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED:
        return "why_tls_device_certificate";
      default:
        break;
    }
  }
  return Describe(ec);
}

bool HasControlCharacters(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && c != '\t') || u == 0x7f;
  });
}

struct ResolveState {
  bool done = false;
  beast::error_code ec;
  tcp::resolver::results_type results;
};

}  // namespace

struct HttpClient::Impl {
  std::mt19937_64 rng{std::random_device{}()};  // the busy back-off's jitter
  std::uniform_real_distribution<double> jitter{0.0, 1.0};
  Impl(ParsedUrl u, HttpClientOptions o, std::string base)
      : url(std::move(u)), options(std::move(o)), base_url(std::move(base)), resolver(ioc) {}

  ParsedUrl url;
  HttpClientOptions options;
  std::string base_url;
  net::io_context ioc;
  tcp::resolver resolver;
  std::optional<ssl::context> tls_context;
  // At most one of them is engaged, and only while connected.
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;

  bool connected() const { return plain.has_value() || secure.has_value(); }

  beast::tcp_stream& Tcp() { return secure ? beast::get_lowest_layer(*secure) : *plain; }

  template <class F>
  void WithStream(F&& f) {
    if (secure) {
      f(*secure);
    } else {
      f(*plain);
    }
  }

  void Disconnect() {
    if (!connected()) return;
    beast::error_code ignored;
    Tcp().socket().shutdown(tcp::socket::shutdown_both, ignored);
    Tcp().close();
    // Run the handlers of anything the close cancelled (they refer to locals of a caller that
    // is still waiting for them) before the streams go.
    ioc.restart();
    ioc.poll();
    secure.reset();
    plain.reset();
    buffer.clear();
  }

  // Runs the io_context until `done` or `deadline`; false when the deadline came first.
  bool RunUntil(const bool& done, Clock::time_point deadline) {
    while (!done) {
      ioc.restart();
      if (ioc.run_one_until(deadline) == 0) {
        if (done) break;
        return false;  // the deadline passed (or, impossibly, nothing is pending)
      }
    }
    return true;
  }

  // Waits for an operation on the stream that completes by setting `done`. The stream's own
  // expiry enforces `deadline`; past it (plus a grace) the stream is closed and the operation
  // finishes with operation_aborted. Sets `ec` to timeout if the operation never finished.
  void Await(const bool& done, Clock::time_point deadline, beast::error_code& ec) {
    if (RunUntil(done, deadline + kDeadlineGrace)) return;
    beast::error_code ignored;
    Tcp().socket().close(ignored);
    while (!done) {
      ioc.restart();
      if (ioc.run_one() == 0) break;
    }
    if (!done) ec = beast::error::timeout;
  }

  // kUnavailable "cannot reach <origin>: <why>", `why` a reason of the error table (why_...:
  // Describe) or other words (lang/store_errors.h: read in the rep's language).
  Status Unreachable(const std::string& why) const {
    return StoreError(StatusCode::kUnavailable, "err_net_cannot_reach",
                      {{"origin", url.origin}, {"why", why}});
  }
  Status Unreachable(const char* error, const std::string& detail) const {
    return StoreError(StatusCode::kUnavailable, error, {{"origin", url.origin}, {"why", detail}});
  }

  Status Connect() {
    const Clock::time_point deadline = Clock::now() + options.connect_timeout;
    const Status timed_out = StoreError(
        StatusCode::kUnavailable, "err_net_connect_timeout",
        {{"origin", url.origin}, {"ms", std::to_string(options.connect_timeout.count())}});

    std::vector<tcp::endpoint> endpoints;
    beast::error_code ec;
    const net::ip::address ip = net::ip::make_address(url.host, ec);
    if (!ec) {
      endpoints.emplace_back(ip, static_cast<uint16_t>(std::stoi(url.port)));
    } else {
      // The handler owns its state: a resolution that outlives its deadline (getaddrinfo cannot
      // be interrupted) is abandoned and completes harmlessly later.
      auto state = std::make_shared<ResolveState>();
      resolver.async_resolve(url.host, url.port,
                             [state](beast::error_code e, tcp::resolver::results_type r) {
                               state->done = true;
                               state->ec = e;
                               state->results = std::move(r);
                             });
      if (!RunUntil(state->done, deadline)) {
        resolver.cancel();
        return Unreachable("why_resolution_timeout");
      }
      if (state->ec) return Unreachable(Describe(state->ec));
      for (const auto& entry : state->results) endpoints.push_back(entry.endpoint());
      if (endpoints.empty()) return Unreachable("why_host_not_found");
    }

    if (url.tls) {
      secure.emplace(ioc, *tls_context);
    } else {
      plain.emplace(ioc);
    }
    buffer.clear();
    Tcp().expires_at(deadline);
    bool done = false;
    Tcp().async_connect(endpoints, [&](beast::error_code e, const tcp::endpoint&) {
      done = true;
      ec = e;
    });
    Await(done, deadline, ec);
    if (ec) {
      Disconnect();
      return ec == beast::error::timeout ? timed_out : Unreachable(Describe(ec));
    }
    if (!url.tls) return Status::Ok();

    SSL* ssl_handle = secure->native_handle();
    if (!url.host_is_ip) SSL_set_tlsext_host_name(ssl_handle, url.host.c_str());  // SNI
    if (options.verify_tls) {
      const int set = url.host_is_ip ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_handle),
                                                                     url.host.c_str())
                                     : SSL_set1_host(ssl_handle, url.host.c_str());
      if (set != 1) {
        Disconnect();
        return Status::Internal("cannot set the TLS host name to verify");
      }
    }
    done = false;
    secure->async_handshake(ssl::stream_base::client, [&](beast::error_code e) {
      done = true;
      ec = e;
    });
    Await(done, deadline, ec);
    if (ec) {
      const long verify = SSL_get_verify_result(ssl_handle);
      Disconnect();
      if (ec == beast::error::timeout) return timed_out;
      if (verify != X509_V_OK) {
        return Unreachable("err_net_tls_untrusted", UntrustedReason(verify));
      }
      return Unreachable("err_net_tls_failed", HandshakeReason(ec));
    }
    return Status::Ok();
  }

  // One request on the current connection. `stale` is set when the connection turned out to be
  // closed by the server before it answered anything (the caller may reconnect and resend).
  Result<HttpReply> Exchange(http::request<http::string_body>& request, bool& stale) {
    stale = false;
    const Clock::time_point deadline = Clock::now() + options.request_timeout;
    Tcp().expires_at(deadline);
    bool done = false;
    beast::error_code ec;
    WithStream([&](auto& stream) {
      http::async_write(stream, request, [&](beast::error_code e, size_t) {
        done = true;
        ec = e;
      });
    });
    Await(done, deadline, ec);
    if (ec) {
      stale = ec != beast::error::timeout;
      Disconnect();
      return Failure(ec);
    }

    http::response_parser<http::string_body> parser;
    parser.body_limit(options.response_body_limit);
    parser.header_limit(kResponseHeaderLimit);
    done = false;
    WithStream([&](auto& stream) {
      http::async_read(stream, buffer, parser, [&](beast::error_code e, size_t) {
        done = true;
        ec = e;
      });
    });
    Await(done, deadline, ec);
    if (ec) {
      stale = !parser.got_some() &&
              (ec == http::error::end_of_stream || ec == net::error::connection_reset ||
               ec == net::error::eof || ec == ssl::error::stream_truncated);
      Disconnect();
      if (ec == http::error::body_limit) {
        return StoreError(
            StatusCode::kResourceExhausted, "err_net_answer_too_large",
            {{"origin", url.origin}, {"max", std::to_string(options.response_body_limit)}});
      }
      return Failure(ec);
    }
    http::response<http::string_body> response = parser.release();
    HttpReply reply;
    reply.status = static_cast<int>(response.result_int());
    reply.content_type = std::string(response[http::field::content_type]);
    reply.body = std::move(response.body());
    reply.retry_after = std::string(response[http::field::retry_after]);
    if (!response.keep_alive()) Disconnect();
    return reply;
  }

  Status Failure(const beast::error_code& ec) const {
    if (ec == beast::error::timeout) {
      return StoreError(
          StatusCode::kUnavailable, "err_net_no_answer",
          {{"origin", url.origin}, {"ms", std::to_string(options.request_timeout.count())}});
    }
    if (ec.category() == http::make_error_code(http::error::bad_version).category() &&
        ec != http::error::end_of_stream && ec != http::error::partial_message) {
      // Bytes that are no HTTP answer: the parser's words in English, the rep's own in the phrase.
      const Status english = StoreError(StatusCode::kUnavailable, "err_net_bad_answer",
                                        {{"origin", url.origin}, {"why", Describe(ec)}});
      return Status(
          english.code(), english.message(),
          Phrase{"err_net_bad_answer", {{"origin", url.origin}, {"why", "why_not_http"}}});
    }
    return StoreError(StatusCode::kUnavailable, "err_net_lost",
                      {{"origin", url.origin}, {"why", Describe(ec)}});
  }

  Result<HttpReply> Request(http::verb method, const std::string& target, const std::string& body,
                            const std::string& content_type, const std::string& bearer_token) {
    if (target.empty() || target.front() != '/' || HasControlCharacters(target) ||
        target.find(' ') != std::string::npos) {
      return Status::InvalidArgument("bad request target \"" + target +
                                     "\": it must start with '/' and contain no spaces");
    }
    if (HasControlCharacters(content_type) || HasControlCharacters(bearer_token)) {
      return Status::InvalidArgument("control characters in a request header");
    }
    try {
      http::request<http::string_body> request{method, url.prefix + target, 11};
      request.set(http::field::host, url.host_header);
      request.set(http::field::user_agent, "fieldbook-client");
      if (!content_type.empty()) request.set(http::field::content_type, content_type);
      if (!bearer_token.empty()) request.set(http::field::authorization, "Bearer " + bearer_token);
      request.body() = body;
      request.keep_alive(true);
      request.prepare_payload();

      int busy = 0;
      std::chrono::milliseconds waited{0};
      for (int attempt = 0;; ++attempt) {
        const bool reused = connected();
        if (!reused) FB_RETURN_IF_ERROR(Connect());
        bool stale = false;
        Result<HttpReply> reply = Exchange(request, stale);
        // A kept-alive connection the server closed meanwhile: send again on a new one.
        if (!reply.ok() && stale && reused && attempt == 0) continue;
        if (reply.ok()) reply->busy_retries = busy;
        // A busy server did nothing with the request: back off with jitter and ask again.
        if (reply.ok() && reply->status == 503 && !reply->retry_after.empty() &&
            busy < options.busy_retries) {
          const auto wait = BusyBackoff(reply->retry_after, busy, jitter(rng));
          if (waited + wait <= options.max_busy_wait) {
            std::this_thread::sleep_for(wait);
            waited += wait;
            ++busy;
            attempt = -1;  // a fresh request: a stale connection may be retried again
            continue;
          }
        }
        return reply;
      }
    } catch (const std::exception& e) {
      Disconnect();
      return Status::Internal(std::string("HTTP client: ") + e.what());
    }
  }
};

HttpClient::HttpClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpClient::~HttpClient() {
  if (impl_) impl_->Disconnect();
}

Result<std::unique_ptr<HttpClient>> HttpClient::Create(const std::string& base_url,
                                                       HttpClientOptions options) {
  FB_ASSIGN_OR_RETURN(ParsedUrl url, ParseBaseUrl(base_url));
  if (options.connect_timeout.count() <= 0 || options.request_timeout.count() <= 0) {
    return Status::InvalidArgument("connect_timeout and request_timeout must be positive");
  }
  std::string base = base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  const bool tls = url.tls;
  auto impl = std::make_unique<Impl>(std::move(url), std::move(options), std::move(base));
  if (tls) {
    const HttpClientOptions& o = impl->options;
    ssl::context context(ssl::context::tls_client);
    context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                        ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    beast::error_code ec;
    if (o.verify_tls) {
      if (!o.ca_file.empty()) {
        std::error_code fs_ec;
        if (!std::filesystem::is_regular_file(o.ca_file, fs_ec)) {
          return Invalid("err_ca_file_missing", {{"path", o.ca_file}});
        }
        context.load_verify_file(o.ca_file, ec);
        if (ec) {
          return Invalid("err_ca_file_unreadable", {{"path", o.ca_file}, {"why", CaReason(ec)}});
        }
      } else {
        context.set_default_verify_paths(ec);
        if (ec) return StoreError(StatusCode::kIo, "err_system_ca", {{"why", CaReason(ec)}});
      }
      context.set_verify_mode(ssl::verify_peer);
    } else {
      context.set_verify_mode(ssl::verify_none);
    }
    impl->tls_context.emplace(std::move(context));
  }
  return std::unique_ptr<HttpClient>(new HttpClient(std::move(impl)));
}

Result<HttpReply> HttpClient::Post(const std::string& target, const std::string& body,
                                   const std::string& content_type,
                                   const std::string& bearer_token) {
  return impl_->Request(http::verb::post, target, body, content_type,
                        bearer_token.empty() ? impl_->options.bearer_token : bearer_token);
}

Result<HttpReply> HttpClient::Get(const std::string& target, const std::string& bearer_token) {
  return impl_->Request(http::verb::get, target, "", "",
                        bearer_token.empty() ? impl_->options.bearer_token : bearer_token);
}

const std::string& HttpClient::base_url() const { return impl_->base_url; }

namespace {
std::string ServerErrorText(const HttpReply& reply, size_t max_bytes);
}  // namespace

std::chrono::milliseconds BusyBackoff(const std::string& retry_after, int retries_before,
                                      double jitter01) {
  double seconds = 1;
  if (!retry_after.empty() && retry_after.size() <= 4 &&
      std::all_of(retry_after.begin(), retry_after.end(),
                  [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; })) {
    seconds = std::clamp(std::stod(retry_after), 0.1, 60.0);
  }
  seconds *= static_cast<double>(1 << std::clamp(retries_before, 0, 3));
  seconds *= 0.5 + std::clamp(jitter01, 0.0, 1.0);
  return std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
}

std::string ServerErrorMessage(const HttpReply& reply, size_t max_bytes) {
  const std::string busy =
      reply.busy_retries > 0
          ? " (the server was busy; asked again " + std::to_string(reply.busy_retries) + " times)"
          : std::string();
  return ServerErrorText(reply, max_bytes) + busy;
}

namespace {
std::string ServerErrorText(const HttpReply& reply, size_t max_bytes) {
  boost::system::error_code ec;
  const boost::json::value v = ReadJson(reply.body, ec);
  if (!ec && v.is_object()) {
    if (const auto* e = v.as_object().if_contains("error"); e != nullptr && e->is_object()) {
      if (const auto* m = e->as_object().if_contains("message"); m != nullptr && m->is_string()) {
        return std::string(m->as_string()).substr(0, max_bytes);
      }
    }
  }
  return reply.body.substr(0, 200);
}

}  // namespace

std::optional<Phrase> ServerErrorPhrase(const HttpReply& reply) {
  boost::system::error_code ec;
  const boost::json::value v = ReadJson(reply.body, ec);
  const boost::json::object* o = !ec ? v.if_object() : nullptr;
  const boost::json::value* code = o != nullptr ? o->if_contains("error_code") : nullptr;
  if (code == nullptr || !code->is_string() || code->as_string().empty() ||
      code->as_string().size() > 100) {
    return std::nullopt;
  }
  Phrase out{std::string(code->as_string()), {}};
  if (const boost::json::value* values = o->if_contains("error_values")) {
    out.values = PhraseValuesFrom(*values);
  }
  return out;
}

Status ServerError(StatusCode code, std::string message, const HttpReply& reply) {
  std::optional<Phrase> phrase = ServerErrorPhrase(reply);
  if (!phrase) return Status(code, std::move(message));
  return Status(code, std::move(message), std::move(*phrase));
}

Status ServerError(StatusCode code, std::string message, const HttpReply& reply, Phrase otherwise) {
  std::optional<Phrase> phrase = ServerErrorPhrase(reply);
  // A code this build cannot read (a newer server's, a broken or hostile one's) is as good as none.
  if (!phrase || !SayError(Lang::kChinese, *phrase)) phrase = std::move(otherwise);
  return Status(code, std::move(message), std::move(*phrase));
}

Phrase AnsweredPhrase(const HttpReply& reply, std::string_view what) {
  return Phrase{"err_server_status",
                {{"status", std::to_string(reply.status)}, {"what", std::string(what)}}};
}

Status AnswerUnreadable(const Status& failure, std::string_view what) {
  if (failure.ok() || failure.phrase() != nullptr) return failure;
  return Status(failure.code(), failure.message(),
                Phrase{"err_server_answer_unreadable", {{"what", std::string(what)}}});
}

}  // namespace fieldbook::client
