// SaltSource: where disclosure salts come from (RFC 9901 §4.2.1, §9.3).
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "veil/error.h"

namespace veil {

/// SaltSource hands out disclosure salts, already base64url-encoded. Issuance takes one by reference so tests
/// can inject fixed salts; production code uses RandomSaltSource.
class SaltSource {
 public:
  virtual ~SaltSource() = default;
  virtual std::string next_salt() = 0;
};

/// RandomSaltSource draws each salt from libsodium's CSPRNG.
class RandomSaltSource final : public SaltSource {
 public:
  static constexpr std::size_t kMinimumBytes = 16;  // 128 bits, RFC 9901 §9.3
  /// create fails with invalid_argument for fewer than kMinimumBytes bytes per salt.
  static Result<std::unique_ptr<RandomSaltSource>> create(std::size_t bytes_per_salt = kMinimumBytes);
  std::string next_salt() override;

 private:
  explicit RandomSaltSource(std::size_t bytes) : bytes_(bytes) {}
  std::size_t bytes_;
};

}  // namespace veil
