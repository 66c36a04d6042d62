// P-256 helpers shared by jwk.cpp and es256.cpp (internal to veil_core).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "openssl_ptr.h"
#include "veil/error.h"
#include "veil/secret_bytes.h"

namespace veil::p256 {

inline constexpr std::size_t kFieldBytes = 32;

/// kOrder is n, the order of the P-256 base point (SEC 2 §2.4.2), big-endian.
inline constexpr std::array<std::uint8_t, kFieldBytes> kOrder = {
    0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51};

/// is_valid_scalar tells whether the 32-byte big-endian |scalar| lies in [1, n-1].
bool is_valid_scalar(std::span<const std::uint8_t> scalar);


/// private_key builds an EVP_PKEY holding the private scalar |d| and its public point (x, y), which the caller
/// has already checked to match.
Result<ossl::EvpPkeyPtr> private_key(std::span<const std::uint8_t> d, std::span<const std::uint8_t> x,
                                     std::span<const std::uint8_t> y);

/// derive_public computes d·G; fails with invalid_jwk when |d| is not 32 bytes in [1, n-1].
struct Point {
  std::vector<std::uint8_t> x;
  std::vector<std::uint8_t> y;
};
Result<Point> derive_public(std::span<const std::uint8_t> d);

}  // namespace veil::p256
