#include "veil/secret_bytes.h"

#include <sodium.h>

#include <cstdlib>

namespace veil {
namespace {

void ensure_sodium() {
  // sodium_init is idempotent and thread-safe; it fails only when no entropy source exists at all, and then no
  // secret may be made.
  if (sodium_init() < 0) std::abort();
}

}  // namespace

SecretBytes::SecretBytes(std::span<const std::uint8_t> bytes) : bytes_(bytes.begin(), bytes.end()) {}

SecretBytes SecretBytes::random(std::size_t size) {
  ensure_sodium();
  SecretBytes secret;
  secret.bytes_.resize(size);
  if (size > 0) randombytes_buf(secret.bytes_.data(), size);  // data() may be null when empty
  return secret;
}

SecretBytes::SecretBytes(const SecretBytes& other) : bytes_(other.bytes_) {}

SecretBytes& SecretBytes::operator=(const SecretBytes& other) {
  if (this != &other) {
    wipe();
    bytes_ = other.bytes_;
  }
  return *this;
}

SecretBytes::SecretBytes(SecretBytes&& other) noexcept : bytes_(std::move(other.bytes_)) { other.wipe(); }

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    wipe();
    bytes_ = std::move(other.bytes_);
    other.wipe();
  }
  return *this;
}

SecretBytes::~SecretBytes() { wipe(); }

void SecretBytes::wipe() {
  if (!bytes_.empty()) sodium_memzero(bytes_.data(), bytes_.size());
  bytes_.clear();
}

bool SecretBytes::equals(const SecretBytes& other) const { return constant_time_equals(bytes_, other.bytes_); }

bool constant_time_equals(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace veil
