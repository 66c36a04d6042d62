// SignatureVerifier: checks JWS signatures with a public key.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "veil/error.h"
#include "veil/jwk.h"
#include "veil/jws_alg.h"

namespace veil {

/// SignatureVerifier verifies signatures for one public key and one algorithm. Implementations hold the parsed
/// key (no per-call key import) and are safe to call from several threads.
class SignatureVerifier {
 public:
  virtual ~SignatureVerifier() = default;
  virtual JwsAlg alg() const = 0;
  virtual const Jwk& key() const = 0;
  /// verify fails with invalid_signature for any signature that does not verify, including an ES256 signature
  /// that is not exactly 64 bytes (checked before decoding), r or s equal to 0 or >= n, and an Ed25519
  /// signature with s >= L or a non-canonical encoding.
  [[nodiscard]] virtual Status verify(std::span<const std::uint8_t> data, std::span<const std::uint8_t> signature) const = 0;
};

/// make_verifier returns a SignatureVerifier for |key|.
Result<std::unique_ptr<SignatureVerifier>> make_verifier(const Jwk& key);

/// ecdsa_der_to_jws converts a strict DER ECDSA-Sig-Value (P-256) to the 64-byte R||S form. It fails with
/// invalid_signature for BER, extra bytes, negative or oversized integers, or missing leading zeros.
Result<std::vector<std::uint8_t>> ecdsa_der_to_jws(std::span<const std::uint8_t> der);

}  // namespace veil
