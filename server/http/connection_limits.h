// ConnectionLimits: the HTTP server's admission bookkeeping — how many connections are open in
// all and per client address, the small overflow pool that answers connections over those
// limits (503, or /healthz) instead of dropping them, and the budget of request body bytes held
// in memory across all connections.
//
//  * Admit(address) decides for a new connection: kAdmitted while fewer than max_connections are
//    admitted in all and fewer than max_per_address from that address; else kOverflow while the
//    overflow pool (max_overflow in all, max_overflow_per_address per address) has room; else
//    kDropped. The returned Slot gives its place back when destroyed.
//  * ReserveBody(n) takes n bytes of the in-flight body budget (max_body_bytes_in_flight), or
//    nothing when they do not fit; the returned BodyReservation gives them back when destroyed.
//  * ReserveUpload(n) does the same with the disk budget of bodies streamed to temporary files
//    (max_upload_bytes_on_disk: all concurrent uploads together, issue #17).
//
// Thread safety: thread-safe; Slot and BodyReservation may be destroyed on any thread, but must
// not outlive the ConnectionLimits that issued them.
#ifndef FIELDBOOK_SERVER_CONNECTION_LIMITS_H_
#define FIELDBOOK_SERVER_CONNECTION_LIMITS_H_

#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

namespace fieldbook::server {

struct ConnectionLimitOptions {
  size_t max_connections = 1024;
  size_t max_per_address = 64;
  size_t max_overflow = 64;
  size_t max_overflow_per_address = 8;
  size_t max_body_bytes_in_flight = 256u << 20;
  size_t max_upload_bytes_on_disk = size_t{1} << 30;
};

class ConnectionLimits {
 public:
  enum class Kind { kAdmitted, kOverflow, kDropped };
  // Why a connection was not admitted: "max_connections" or "per_address" ("" when admitted).
  struct Decision {
    Kind kind = Kind::kDropped;
    const char* reason = "";
  };

  // What a Slot holds: the connection's address and the decision on it.
  class Admission {
   public:
    Kind kind() const { return decision_.kind; }
    const char* reason() const { return decision_.reason; }

   private:
    friend class ConnectionLimits;
    std::string address_;
    Decision decision_;
  };

  // What a BodyReservation holds: bytes of the in-memory budget, or of the upload budget.
  class BodyBytes {
   public:
    bool ok() const { return ok_; }

   private:
    friend class ConnectionLimits;
    size_t bytes_ = 0;
    bool ok_ = false;
    bool upload_ = false;  // of the upload budget (else the in-memory one)
  };

  // A claim (Admission or BodyBytes) on the counters of the ConnectionLimits that issued it,
  // given back when destroyed or released, once: a moved-from or released claim holds nothing.
  // Move-only.
  template <typename Claim>
  class Held : public Claim {
   public:
    Held() = default;
    Held(Held&& other) noexcept { *this = std::move(other); }
    Held& operator=(Held&& other) noexcept {
      if (this != &other) {
        Release();
        owner_ = std::exchange(other.owner_, nullptr);
        static_cast<Claim&>(*this) = std::exchange(static_cast<Claim&>(other), Claim{});
      }
      return *this;
    }
    Held(const Held&) = delete;
    Held& operator=(const Held&) = delete;
    ~Held() { Release(); }
    void Release() {
      if (owner_ != nullptr) std::exchange(owner_, nullptr)->Give(static_cast<const Claim&>(*this));
    }

   private:
    friend class ConnectionLimits;
    ConnectionLimits* owner_ = nullptr;
  };
  using Slot = Held<Admission>;
  using BodyReservation = Held<BodyBytes>;

  explicit ConnectionLimits(const ConnectionLimitOptions& options) : options_(options) {}
  ConnectionLimits(const ConnectionLimits&) = delete;
  ConnectionLimits& operator=(const ConnectionLimits&) = delete;

  Slot Admit(const std::string& address);
  // ok() false when `bytes` do not fit in what is left of the budget (0 bytes always fit).
  BodyReservation ReserveBody(size_t bytes);
  // The same for the disk budget of uploads (max_upload_bytes_on_disk).
  BodyReservation ReserveUpload(size_t bytes);

  size_t admitted() const { return Read(admitted_); }
  size_t overflow() const { return Read(overflow_); }
  size_t body_bytes_in_flight() const { return Read(body_bytes_); }
  size_t upload_bytes_on_disk() const { return Read(upload_bytes_); }
  const ConnectionLimitOptions& options() const { return options_; }

 private:
  struct PerAddress {
    size_t admitted = 0;
    size_t overflow = 0;
  };
  void Give(const Admission& admission);
  void Give(const BodyBytes& body);
  BodyReservation Reserve(size_t bytes, bool upload);
  // One of the counters below, read under mu_.
  size_t Read(const size_t& counter) const {
    std::lock_guard lock(mu_);
    return counter;
  }

  const ConnectionLimitOptions options_;
  mutable std::mutex mu_;
  size_t admitted_ = 0;
  size_t overflow_ = 0;
  size_t body_bytes_ = 0;
  size_t upload_bytes_ = 0;
  std::unordered_map<std::string, PerAddress> by_address_;
};

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_CONNECTION_LIMITS_H_
