// Signer: the one-method interface through which Veil signs JWS (the core never holds key storage).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "veil/error.h"
#include "veil/jwk.h"
#include "veil/jws_alg.h"

namespace veil {

/// Signer produces JWS signatures: for ES256 exactly 64 bytes R||S (RFC 7518 §3.4), for EdDSA 64 bytes
/// (RFC 8037 §3.1). Implementations are safe to call from several threads.
class Signer {
 public:
  virtual ~Signer() = default;
  virtual JwsAlg alg() const = 0;
  /// kid is put in the JWS header when set.
  virtual std::optional<std::string> kid() const = 0;
  /// sign signs |data| (the JWS signing input). It fails with internal_error only if the crypto library fails.
  [[nodiscard]] virtual Result<std::vector<std::uint8_t>> sign(std::span<const std::uint8_t> data) const = 0;
};

/// make_signer returns a Signer over |key| (ES256 through OpenSSL, EdDSA through libsodium).
Result<std::unique_ptr<Signer>> make_signer(const PrivateJwk& key);

}  // namespace veil
