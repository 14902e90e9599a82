// RawConnection: a blocking POSIX TCP connection to 127.0.0.1, for tests that speak raw (and
// broken) HTTP to a server: send bytes, read one response, wait for the server to close.
//
// Not thread-safe: one connection belongs to one thread.
#ifndef FIELDBOOK_TESTS_SUPPORT_RAW_CONNECTION_H_
#define FIELDBOOK_TESTS_SUPPORT_RAW_CONNECTION_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace fieldbook::testing {

using namespace std::chrono_literals;

class RawConnection {
 public:
  // `source`: the local address to connect from (any 127.x.y.z works on Linux), so that a test
  // can play several clients; empty: the system's choice.
  explicit RawConnection(uint16_t port, const std::string& source = "") {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (!source.empty()) {
      sockaddr_in local{};
      local.sin_family = AF_INET;
      ::inet_pton(AF_INET, source.c_str(), &local.sin_addr);
      if (::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
        ::close(fd_);
        fd_ = -1;
        return;
      }
    }
    timeval send_timeout{5, 0};  // a server that stops reading never blocks a test for long
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof send_timeout);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~RawConnection() { Close(); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return fd_ >= 0; }
  // Half-closes: the server sees end of stream, the connection can still read.
  void ShutdownWrite() {
    if (fd_ >= 0) ::shutdown(fd_, SHUT_WR);
  }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  bool Send(std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // One response (headers and a Content-Length body), or "" when the connection closed or
  // nothing came within `timeout`.
  // (`head`: the response to HEAD, which has no body whatever its Content-Length says.)
  std::string ReadResponse(std::chrono::milliseconds timeout = 3000ms, bool head = false) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    size_t header_end;
    while ((header_end = pending_.find("\r\n\r\n")) == std::string::npos) {
      if (!ReadMore(deadline)) return "";
    }
    size_t length = 0;
    const std::string headers = Lower(pending_.substr(0, header_end));
    if (const size_t at = headers.find("\r\ncontent-length:"); at != std::string::npos) {
      if (!head) length = std::stoul(headers.substr(at + 17));
    }
    while (pending_.size() < header_end + 4 + length) {
      if (!ReadMore(deadline)) return "";
    }
    std::string response = pending_.substr(0, header_end + 4 + length);
    pending_.erase(0, response.size());
    return response;
  }

  // True when the server closes the connection (EOF or reset) within `timeout`.
  bool WaitClosed(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      pollfd p{fd_, POLLIN, 0};
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
      char buf[4096];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return true;
      pending_.append(buf, static_cast<size_t>(n));
    }
  }

  const std::string& pending() const { return pending_; }

 private:
  static std::string Lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }

  bool ReadMore(std::chrono::steady_clock::time_point deadline) {
    pollfd p{fd_, POLLIN, 0};
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char buf[4096];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return false;
    pending_.append(buf, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  std::string pending_;
};

}  // namespace fieldbook::testing

#endif  // FIELDBOOK_TESTS_SUPPORT_RAW_CONNECTION_H_
