// Secret: redacted printing and wiping of the held value.
#include "secrets/secret.h"

#include <ostream>

#include <openssl/crypto.h>

namespace secrets {

Secret::Secret(Secret&& other) noexcept : value_(std::move(other.value_)) {
  other.wipe();
}

Secret& Secret::operator=(const Secret& other) {
  if (this != &other) {
    wipe();
    value_ = other.value_;
  }
  return *this;
}

Secret& Secret::operator=(Secret&& other) noexcept {
  if (this != &other) {
    wipe();
    value_ = std::move(other.value_);
    other.wipe();
  }
  return *this;
}

Secret::~Secret() {
  wipe();
}

// Overwrites the characters (including a small-string buffer) before they are released.
void Secret::wipe() {
  if (!value_.empty()) {
    OPENSSL_cleanse(value_.data(), value_.size());
  }
  value_.clear();
}

std::ostream& operator<<(std::ostream& os, const Secret&) {
  return os << kRedacted;
}

}  // namespace secrets
