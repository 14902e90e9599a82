// Fuzz target for the server's HTTP front and routing: the input's bytes ("@REP@" and "@MGR@"
// replaced by real device tokens, fuzz_server.h) are written to the real HttpServer + SyncService
// on a loopback port, the client then stops writing and reads every answer until the server
// closes. Nothing may crash, hang or answer 500 (an unexpected server error is a bug); every
// answer must be well-formed HTTP. This covers the request line, headers, framing (Content-Length,
// chunks, trailers, pipelining), admission on the header, query strings, bearer tokens and every
// route's handler.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "fuzz_server.h"
#include "fuzz_target.h"

namespace {

// Everything the server sends until it closes, or until `timeout`.
std::string Exchange(uint16_t port, const std::string& bytes, std::chrono::milliseconds timeout) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "";
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval send_timeout{2, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof send_timeout);
  std::string out;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    std::string_view rest = bytes;
    while (!rest.empty()) {
      const ssize_t n = ::send(fd, rest.data(), rest.size(), MSG_NOSIGNAL);
      if (n <= 0) break;
      rest.remove_prefix(static_cast<size_t>(n));
    }
    ::shutdown(fd, SHUT_WR);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      pollfd p{fd, POLLIN, 0};
      if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
      char buf[16384];
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
  }
  ::close(fd);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (256u << 10)) return 0;  // framing bugs show in small inputs; keep runs quick
  fieldbook::fuzz::FuzzServer& server = fieldbook::fuzz::FuzzServer::Get();
  const std::string input =
      server.Substitute(std::string(reinterpret_cast<const char*>(data), size));
  const std::string answer = Exchange(server.HttpPort(), input, std::chrono::milliseconds(5000));
  // Every answer the server wrote is a status line of ours; none is a server error.
  for (size_t at = answer.find("HTTP/1."); at != std::string::npos;
       at = answer.find("HTTP/1.", at + 1)) {
    if (at + 12 > answer.size()) break;
    if (answer.compare(at + 8, 4, " 500") == 0) {
      std::fprintf(stderr, "the server answered 500:\n%s\n", answer.c_str());
      __builtin_trap();
    }
  }
  return 0;
}
