// P256VerificationKey: a P-256 public key in the form OpenSSL verifies fastest (internal to veil_core).
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "veil/error.h"

namespace veil::p256 {

/// VerificationKey is an affine P-256 point checked to lie on the curve, ready for ECDSA verification.
///
/// Why not EVP_PKEY: every SD-JWT presentation carries its own holder key (cnf.jwk), so a verifier imports one
/// key per verification. OpenSSL 3.0's provider import (EVP_PKEY_fromdata) costs ~30 us and its full public
/// check (n·Q) ~100 us, next to ~50 us for the ECDSA verification itself; the EC_KEY path costs ~4 us. P-256
/// has cofactor 1, so "on the curve and not the point at infinity" is the complete validity check (SEC 1
/// §3.2.2.1 without the order multiplication), which EC_POINT_oct2point performs.
class VerificationKey {
 public:
  /// parse builds the key from 32-byte big-endian coordinates. Fails with invalid_jwk when the point is not on
  /// the curve (the point at infinity has no affine coordinates, so it is never accepted).
  static Result<VerificationKey> parse(std::span<const std::uint8_t> x, std::span<const std::uint8_t> y);

  /// verify checks an ECDSA signature (r, s: 32 bytes each, already range-checked by the caller) over the
  /// SHA-256 |digest|. Returns false for any signature that does not verify. Thread-safe.
  bool verify(std::span<const std::uint8_t, 32> digest, std::span<const std::uint8_t> r,
              std::span<const std::uint8_t> s) const;

 private:
  struct Handle;
  explicit VerificationKey(std::shared_ptr<const Handle> handle) : handle_(std::move(handle)) {}
  std::shared_ptr<const Handle> handle_;
};

}  // namespace veil::p256
