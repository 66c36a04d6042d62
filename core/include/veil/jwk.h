// Jwk and PrivateJwk: P-256 and Ed25519 keys in JSON Web Key form (RFC 7517, RFC 7518 §6.2, RFC 8037 §2).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "veil/error.h"
#include "veil/json.h"
#include "veil/jws_alg.h"
#include "veil/secret_bytes.h"

namespace veil {

class SignatureVerifier;
namespace p256 {
class VerificationKey;
}

/// Jwk is a public key that has been checked: an EC P-256 point on the curve (not the point at infinity, x and
/// y exactly 32 bytes) or a 32-byte Ed25519 key. Holding a Jwk means it is well-formed.
class Jwk {
 public:
  /// parse reads a public JWK object. Private members ("d") are ignored. It fails with unsupported_key for
  /// kty/crv Veil does not use (RSA, oct, P-384, X25519, ...) and invalid_jwk for anything malformed
  /// (missing or non-string members, wrong lengths, bad base64url, point not on the curve). Optional members must
  /// fit a signing key, else invalid_jwk: "use" must be "sig", "alg" the key's algorithm (ES256 for P-256, EdDSA
  /// for Ed25519), "key_ops" an array of distinct strings containing "sign" or "verify", "kid" a string.
  static Result<Jwk> parse(const Json& jwk);

  JwsAlg alg() const { return alg_; }
  const std::optional<std::string>& kid() const { return kid_; }
  Jwk with_kid(std::string kid) const;

  /// x and y are the raw coordinates (y is empty for Ed25519).
  const std::vector<std::uint8_t>& x() const { return x_; }
  const std::vector<std::uint8_t>& y() const { return y_; }

  /// to_json returns the public JWK: kty, crv, x, (y), and kid when set.
  Json to_json() const;

  /// thumbprint returns the RFC 7638 JWK thumbprint: base64url(SHA-256(canonical JSON of the required members)).
  std::string thumbprint() const;

  bool operator==(const Jwk& other) const { return alg_ == other.alg_ && x_ == other.x_ && y_ == other.y_; }

 private:
  Jwk(JwsAlg alg, std::vector<std::uint8_t> x, std::vector<std::uint8_t> y, std::optional<std::string> kid)
      : alg_(alg), x_(std::move(x)), y_(std::move(y)), kid_(std::move(kid)) {}
  friend class PrivateJwk;
  friend Result<std::unique_ptr<SignatureVerifier>> make_es256_verifier(const Jwk& key);

  JwsAlg alg_;
  std::vector<std::uint8_t> x_;
  std::vector<std::uint8_t> y_;
  std::optional<std::string> kid_;
  // The P-256 point parse() checked, kept so that a verifier made from this key does not import it a second
  // time: every presentation's cnf.jwk is parsed and then verified with (about 3 us per import).
  std::shared_ptr<const p256::VerificationKey> checked_point_;
};

/// PrivateJwk is a key pair: the public Jwk plus the private scalar (EC "d", 32 bytes) or Ed25519 seed ("d",
/// 32 bytes), held in SecretBytes. The core never stores one; the programs load and save them.
class PrivateJwk {
 public:
  /// generate makes a fresh key pair from the system CSPRNG.
  static Result<PrivateJwk> generate(JwsAlg alg, std::optional<std::string> kid = std::nullopt);

  /// parse reads a private JWK. It fails like Jwk::parse, plus invalid_jwk when "d" is missing, of the wrong
  /// length, or does not match the public part.
  static Result<PrivateJwk> parse(const Json& jwk);

  const Jwk& public_key() const { return public_; }
  JwsAlg alg() const { return public_.alg(); }
  const SecretBytes& d() const { return d_; }

  /// to_json returns the private JWK including "d". Write it only to a 0600 file.
  Json to_json() const;

 private:
  PrivateJwk(Jwk public_key, SecretBytes d) : public_(std::move(public_key)), d_(std::move(d)) {}

  Jwk public_;
  SecretBytes d_;
};

}  // namespace veil
