// ES256 (RFC 7518 §3.4): ECDSA P-256 with SHA-256 through OpenSSL 3, signatures as 64-byte R||S.
#include <openssl/err.h>

#include <array>

#include "openssl_ptr.h"
#include "p256.h"
#include "p256_verification_key.h"
#include "signature_impls.h"
#include "veil/hash.h"

namespace veil {
namespace {

constexpr std::size_t kSignatureBytes = 2 * p256::kFieldBytes;
// SEQUENCE { INTEGER r, INTEGER s } with each integer at most 33 bytes (a leading 0x00 for the sign bit).
constexpr std::size_t kMaxDerBytes = 2 + 2 * (2 + p256::kFieldBytes + 1);

// Reads one strict DER INTEGER holding a non-negative value of at most 32 bytes, left-padded into |out|.
bool get_der_integer(std::span<const std::uint8_t> der, std::size_t& at, std::uint8_t* out) {
  if (at + 2 > der.size() || der[at] != 0x02) return false;
  const std::size_t length = der[at + 1];
  at += 2;
  // Short-form length only: an integer here never reaches 128 bytes, and long form would be BER.
  if (length == 0 || length >= 0x80 || at + length > der.size()) return false;
  auto content = der.subspan(at, length);
  at += length;
  if ((content[0] & 0x80) != 0) return false;                                           // negative
  if (content.size() > 1 && content[0] == 0 && (content[1] & 0x80) == 0) return false;  // not minimal
  if (content[0] == 0 && content.size() > 1) content = content.subspan(1);
  if (content.size() > p256::kFieldBytes) return false;
  std::fill(out, out + p256::kFieldBytes, std::uint8_t{0});
  std::copy(content.begin(), content.end(), out + (p256::kFieldBytes - content.size()));
  return true;
}

class Es256Signer final : public Signer {
 public:
  Es256Signer(ossl::EvpPkeyPtr key, std::optional<std::string> kid) : key_(std::move(key)), kid_(std::move(kid)) {}
  JwsAlg alg() const override { return JwsAlg::ES256; }
  std::optional<std::string> kid() const override { return kid_; }

  Result<std::vector<std::uint8_t>> sign(std::span<const std::uint8_t> data) const override {
    ossl::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    std::array<std::uint8_t, kMaxDerBytes + 8> der{};
    std::size_t der_length = der.size();
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1 ||
        EVP_DigestSign(ctx.get(), der.data(), &der_length, data.data(), data.size()) != 1) {
      ERR_clear_error();
      return fail(ErrorCode::internal_error, "es256 signing failed");
    }
    // OpenSSL emits DER; JWS wants R||S with each integer left-padded to 32 bytes (RFC 7518 §3.4).
    auto converted = ecdsa_der_to_jws(std::span<const std::uint8_t>(der.data(), der_length));
    if (!converted) return fail(ErrorCode::internal_error, "es256 signature conversion failed");
    return converted;
  }

 private:
  ossl::EvpPkeyPtr key_;
  std::optional<std::string> kid_;
};

class Es256Verifier final : public SignatureVerifier {
 public:
  Es256Verifier(Jwk jwk, p256::VerificationKey key) : jwk_(std::move(jwk)), key_(std::move(key)) {}
  JwsAlg alg() const override { return JwsAlg::ES256; }
  const Jwk& key() const override { return jwk_; }

  Status verify(std::span<const std::uint8_t> data, std::span<const std::uint8_t> signature) const override {
    // RFC 7518 §3.4: exactly 64 bytes; anything else (DER, 63/65 bytes) is refused before decoding.
    if (signature.size() != kSignatureBytes)
      return fail(ErrorCode::invalid_signature, "es256 signature is not 64 bytes");
    const auto r = signature.first(p256::kFieldBytes);
    const auto s = signature.last(p256::kFieldBytes);
    // r, s in [1, n-1] (SEC 1 §4.1.4 step 1); checked here so no library quirk can accept 0 (CVE-2022-21449).
    if (!p256::is_valid_scalar(r) || !p256::is_valid_scalar(s)) {
      return fail(ErrorCode::invalid_signature, "es256 signature r or s out of range");
    }
    const auto digest = hash_bytes(
        HashAlg::sha_256, std::string_view(reinterpret_cast<const char*>(data.data()), data.size()));
    if (!key_.verify(std::span<const std::uint8_t, 32>(digest.data(), 32), r, s)) return fail(ErrorCode::invalid_signature, "es256 signature does not verify");
    return {};
  }

 private:
  Jwk jwk_;
  p256::VerificationKey key_;
};

}  // namespace

Result<std::vector<std::uint8_t>> ecdsa_der_to_jws(std::span<const std::uint8_t> der) {
  // X.690 DER: SEQUENCE with a short-form length covering exactly the rest of the input.
  if (der.size() < 2 || der[0] != 0x30 || der[1] >= 0x80 || der[1] != der.size() - 2) {
    return fail(ErrorCode::invalid_signature, "ecdsa signature is not a der sequence");
  }
  std::vector<std::uint8_t> out(kSignatureBytes);
  std::size_t at = 2;
  if (!get_der_integer(der, at, out.data()) || !get_der_integer(der, at, out.data() + p256::kFieldBytes) ||
      at != der.size()) {
    return fail(ErrorCode::invalid_signature, "ecdsa signature is not strict der");
  }
  return out;
}

Result<std::unique_ptr<Signer>> make_es256_signer(const PrivateJwk& key) {
  const Jwk& pub = key.public_key();
  VEIL_TRY(auto pkey, p256::private_key(key.d().reveal(), pub.x(), pub.y()));
  return std::unique_ptr<Signer>(new Es256Signer(std::move(pkey), pub.kid()));
}

Result<std::unique_ptr<SignatureVerifier>> make_es256_verifier(const Jwk& key) {
  if (key.checked_point_) return std::unique_ptr<SignatureVerifier>(new Es256Verifier(key, *key.checked_point_));
  VEIL_TRY(auto verification_key, p256::VerificationKey::parse(key.x(), key.y()));
  return std::unique_ptr<SignatureVerifier>(new Es256Verifier(key, std::move(verification_key)));
}

}  // namespace veil
