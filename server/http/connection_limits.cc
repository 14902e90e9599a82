#include "http/connection_limits.h"

#include <utility>

namespace fieldbook::server {

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

void ConnectionLimits::Give(const Admission& admission) {
  const Kind kind = admission.decision_.kind;
  std::lock_guard lock(mu_);
  auto it = by_address_.find(admission.address_);
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

void ConnectionLimits::Give(const BodyBytes& body) {
  std::lock_guard lock(mu_);
  (body.upload_ ? upload_bytes_ : body_bytes_) -= body.bytes_;
}

}  // namespace fieldbook::server
