// EdDSA with Ed25519 (RFC 8037 §3.1, RFC 8032 §5.1) through libsodium.
#include <sodium.h>

#include "signature_impls.h"
#include "veil/secret_bytes.h"

namespace veil {
namespace {

class Ed25519Signer final : public Signer {
 public:
  Ed25519Signer(SecretBytes secret_key, std::optional<std::string> kid)
      : secret_key_(std::move(secret_key)), kid_(std::move(kid)) {}
  JwsAlg alg() const override { return JwsAlg::EdDSA; }
  std::optional<std::string> kid() const override { return kid_; }

  Result<std::vector<std::uint8_t>> sign(std::span<const std::uint8_t> data) const override {
    std::vector<std::uint8_t> signature(crypto_sign_BYTES);
    if (crypto_sign_detached(signature.data(), nullptr, data.data(), data.size(), secret_key_.reveal().data()) != 0) {
      return fail(ErrorCode::internal_error, "ed25519 signing failed");
    }
    return signature;
  }

 private:
  SecretBytes secret_key_;  // libsodium's 64-byte form: seed || public key
  std::optional<std::string> kid_;
};

class Ed25519Verifier final : public SignatureVerifier {
 public:
  explicit Ed25519Verifier(Jwk jwk) : jwk_(std::move(jwk)) {}
  JwsAlg alg() const override { return JwsAlg::EdDSA; }
  const Jwk& key() const override { return jwk_; }

  Status verify(std::span<const std::uint8_t> data, std::span<const std::uint8_t> signature) const override {
    if (signature.size() != crypto_sign_BYTES)
      return fail(ErrorCode::invalid_signature, "ed25519 signature is not 64 bytes");
    // libsodium 1.0.18 rejects s >= L (RFC 8032 §5.1.7 step 1), non-canonical and small-order R and A; the
    // Wycheproof ed25519 vectors pin that behaviour (tests/core/wycheproof_test.cpp).
    if (crypto_sign_verify_detached(signature.data(), data.data(), data.size(), jwk_.x().data()) != 0) {
      return fail(ErrorCode::invalid_signature, "ed25519 signature does not verify");
    }
    return {};
  }

 private:
  Jwk jwk_;
};

}  // namespace

Result<std::unique_ptr<Signer>> make_ed25519_signer(const PrivateJwk& key) {
  if (sodium_init() < 0) return fail(ErrorCode::internal_error, "libsodium init");
  if (key.d().size() != crypto_sign_SEEDBYTES) return fail(ErrorCode::invalid_argument, "ed25519 seed length");
  std::vector<std::uint8_t> pk(crypto_sign_PUBLICKEYBYTES);
  SecretBytes sk(std::vector<std::uint8_t>(crypto_sign_SECRETKEYBYTES));
  if (crypto_sign_seed_keypair(pk.data(), sk.reveal_mutable().data(), key.d().reveal().data()) != 0) {
    return fail(ErrorCode::internal_error, "ed25519 key derivation");
  }
  return std::unique_ptr<Signer>(new Ed25519Signer(std::move(sk), key.public_key().kid()));
}

Result<std::unique_ptr<SignatureVerifier>> make_ed25519_verifier(const Jwk& key) {
  if (sodium_init() < 0) return fail(ErrorCode::internal_error, "libsodium init");
  if (key.x().size() != crypto_sign_PUBLICKEYBYTES) return fail(ErrorCode::invalid_argument, "ed25519 key length");
  return std::unique_ptr<SignatureVerifier>(new Ed25519Verifier(key));
}

}  // namespace veil
