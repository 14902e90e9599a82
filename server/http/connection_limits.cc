#include "http/connection_limits.h"

#include <utility>

namespace fieldbook::server {

ConnectionLimits::Slot& ConnectionLimits::Slot::operator=(Slot&& other) noexcept {
  if (this != &other) {
    Release();
    owner_ = std::exchange(other.owner_, nullptr);
    address_ = std::move(other.address_);
    decision_ = other.decision_;
  }
  return *this;
}

void ConnectionLimits::Slot::Release() {
  if (owner_ != nullptr) std::exchange(owner_, nullptr)->Give(address_, decision_.kind);
}

ConnectionLimits::BodyReservation& ConnectionLimits::BodyReservation::operator=(
    BodyReservation&& other) noexcept {
  if (this != &other) {
    Release();
    owner_ = std::exchange(other.owner_, nullptr);
    bytes_ = std::exchange(other.bytes_, 0);
    ok_ = std::exchange(other.ok_, false);
    upload_ = std::exchange(other.upload_, false);
  }
  return *this;
}

void ConnectionLimits::BodyReservation::Release() {
  if (owner_ != nullptr) {
    std::exchange(owner_, nullptr)->GiveBody(std::exchange(bytes_, 0), upload_);
  }
}

ConnectionLimits::Slot ConnectionLimits::Admit(const std::string& address) {
  Slot slot;
  std::lock_guard lock(mu_);
  PerAddress& mine = by_address_[address];
  if (admitted_ >= options_.max_connections) {
    slot.decision_.reason = "max_connections";
  } else if (mine.admitted >= options_.max_per_address) {
    slot.decision_.reason = "per_address";
  } else {
    slot.decision_.kind = Kind::kAdmitted;
    ++admitted_;
    ++mine.admitted;
  }
  if (slot.decision_.kind != Kind::kAdmitted) {
    if (overflow_ < options_.max_overflow && mine.overflow < options_.max_overflow_per_address) {
      slot.decision_.kind = Kind::kOverflow;
      ++overflow_;
      ++mine.overflow;
    } else {
      slot.decision_.kind = Kind::kDropped;
      if (mine.admitted == 0 && mine.overflow == 0) by_address_.erase(address);
      return slot;  // holds nothing
    }
  }
  slot.owner_ = this;
  slot.address_ = address;
  return slot;
}

void ConnectionLimits::Give(const std::string& address, Kind kind) {
  std::lock_guard lock(mu_);
  auto it = by_address_.find(address);
  if (kind == Kind::kAdmitted) {
    --admitted_;
    if (it != by_address_.end()) --it->second.admitted;
  } else if (kind == Kind::kOverflow) {
    --overflow_;
    if (it != by_address_.end()) --it->second.overflow;
  }
  if (it != by_address_.end() && it->second.admitted == 0 && it->second.overflow == 0) {
    by_address_.erase(it);
  }
}

ConnectionLimits::BodyReservation ConnectionLimits::ReserveBody(size_t bytes) {
  return Reserve(bytes, false);
}

ConnectionLimits::BodyReservation ConnectionLimits::ReserveUpload(size_t bytes) {
  return Reserve(bytes, true);
}

ConnectionLimits::BodyReservation ConnectionLimits::Reserve(size_t bytes, bool upload) {
  BodyReservation reservation;
  if (bytes == 0) {
    reservation.ok_ = true;
    return reservation;
  }
  std::lock_guard lock(mu_);
  size_t& used = upload ? upload_bytes_ : body_bytes_;
  const size_t budget =
      upload ? options_.max_upload_bytes_on_disk : options_.max_body_bytes_in_flight;
  if (bytes > budget || used > budget - bytes) return reservation;
  used += bytes;
  reservation.owner_ = this;
  reservation.bytes_ = bytes;
  reservation.ok_ = true;
  reservation.upload_ = upload;
  return reservation;
}

void ConnectionLimits::GiveBody(size_t bytes, bool upload) {
  std::lock_guard lock(mu_);
  (upload ? upload_bytes_ : body_bytes_) -= bytes;
}

}  // namespace fieldbook::server
