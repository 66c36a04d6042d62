#include "veil/jwk.h"

#include <sodium.h>

#include <algorithm>
#include <string_view>

#include "p256.h"
#include "p256_verification_key.h"
#include "veil/base64url.h"
#include "veil/hash.h"

namespace veil {
namespace {

constexpr std::size_t kEd25519KeyBytes = 32;

// A member that must be a string; absent or of another type is invalid_jwk.
Result<std::string> required_string(const Json& jwk, const char* name) {
  auto it = jwk.find(name);
  if (it == jwk.end() || !it->is_string())
    return fail(ErrorCode::invalid_jwk, std::string("jwk ") + name + " missing or not a string");
  return it->get<std::string>();
}

Result<std::vector<std::uint8_t>> required_bytes(const Json& jwk, const char* name, std::size_t size) {
  VEIL_TRY(auto text, required_string(jwk, name));
  auto bytes = base64url_decode(text);
  if (!bytes) return fail(ErrorCode::invalid_jwk, std::string("jwk ") + name + " is not base64url");
  if (bytes->size() != size) return fail(ErrorCode::invalid_jwk, std::string("jwk ") + name + " has the wrong length");
  return std::move(*bytes);
}

// RFC 7517 §4.2-§4.4: "use", "key_ops" and "alg" are optional, but when present they must fit the key.
Status check_optional_members(const Json& jwk, JwsAlg alg) {
  if (auto it = jwk.find("use"); it != jwk.end()) {
    if (!it->is_string() || it->get<std::string>() != "sig") return fail(ErrorCode::invalid_jwk, "jwk use is not sig");
  }
  if (auto it = jwk.find("alg"); it != jwk.end()) {
    if (!it->is_string() || it->get<std::string>() != jws_alg_name(alg)) {
      return fail(ErrorCode::invalid_jwk, "jwk alg does not match the key type");
    }
  }
  // RFC 7517 §4.3: key_ops, when present, must allow signing or verifying (Wycheproof JWS tcId 356 has an EC key
  // limited to encrypt/decrypt). Duplicates are forbidden by the same section.
  if (auto it = jwk.find("key_ops"); it != jwk.end()) {
    if (!it->is_array()) return fail(ErrorCode::invalid_jwk, "jwk key_ops is not an array");
    bool signs = false;
    std::vector<std::string> seen;
    for (const auto& op : *it) {
      if (!op.is_string()) return fail(ErrorCode::invalid_jwk, "jwk key_ops member is not a string");
      const auto& name = op.get_ref<const std::string&>();
      if (std::find(seen.begin(), seen.end(), name) != seen.end())
        return fail(ErrorCode::invalid_jwk, "jwk key_ops repeats a value");
      seen.push_back(name);
      signs = signs || name == "sign" || name == "verify";
    }
    if (!signs) return fail(ErrorCode::invalid_jwk, "jwk key_ops allows neither sign nor verify");
  }
  if (auto it = jwk.find("kid"); it != jwk.end() && !it->is_string()) {
    return fail(ErrorCode::invalid_jwk, "jwk kid is not a string");
  }
  return {};
}

}  // namespace

Result<Jwk> Jwk::parse(const Json& jwk) {
  if (!jwk.is_object()) return fail(ErrorCode::invalid_jwk, "jwk is not an object");
  VEIL_TRY(const auto kty, required_string(jwk, "kty"));
  JwsAlg alg;
  if (kty == "EC") {
    VEIL_TRY(const auto crv, required_string(jwk, "crv"));
    if (crv != "P-256") return fail(ErrorCode::unsupported_key, "unsupported ec curve");
    alg = JwsAlg::ES256;
  } else if (kty == "OKP") {
    VEIL_TRY(const auto crv, required_string(jwk, "crv"));
    if (crv != "Ed25519") return fail(ErrorCode::unsupported_key, "unsupported okp curve");
    alg = JwsAlg::EdDSA;
  } else {
    return fail(ErrorCode::unsupported_key, "unsupported key type");
  }
  VEIL_CHECK(check_optional_members(jwk, alg));
  std::optional<std::string> kid;
  if (jwk.contains("kid")) kid = jwk["kid"].get<std::string>();

  if (alg == JwsAlg::EdDSA) {
    VEIL_TRY(auto x, required_bytes(jwk, "x", kEd25519KeyBytes));
    return Jwk(alg, std::move(x), {}, std::move(kid));
  }
  VEIL_TRY(auto x, required_bytes(jwk, "x", p256::kFieldBytes));
  VEIL_TRY(auto y, required_bytes(jwk, "y", p256::kFieldBytes));
  // RFC 8725 §2.5 / ATTACKS J14: refuse off-curve points at import, not at first use.
  VEIL_TRY(auto on_curve, p256::VerificationKey::parse(x, y));
  Jwk key(alg, std::move(x), std::move(y), std::move(kid));
  key.checked_point_ = std::make_shared<const p256::VerificationKey>(std::move(on_curve));
  return key;
}

Jwk Jwk::with_kid(std::string kid) const {
  Jwk key(alg_, x_, y_, std::move(kid));
  key.checked_point_ = checked_point_;
  return key;
}

Json Jwk::to_json() const {
  Json out = Json::object();
  if (alg_ == JwsAlg::ES256) {
    out["kty"] = "EC";
    out["crv"] = "P-256";
    out["x"] = base64url_encode(x_);
    out["y"] = base64url_encode(y_);
  } else {
    out["kty"] = "OKP";
    out["crv"] = "Ed25519";
    out["x"] = base64url_encode(x_);
  }
  if (kid_) out["kid"] = *kid_;
  return out;
}

std::string Jwk::thumbprint() const {
  // RFC 7638 §3.2: required members only, sorted by name, no whitespace. Values are base64url or fixed names,
  // so no JSON escaping can occur.
  std::string canonical;
  if (alg_ == JwsAlg::ES256) {
    canonical =
        R"({"crv":"P-256","kty":"EC","x":")" + base64url_encode(x_) + R"(","y":")" + base64url_encode(y_) + R"("})";
  } else {
    canonical = R"({"crv":"Ed25519","kty":"OKP","x":")" + base64url_encode(x_) + R"("})";
  }
  return hash_base64url(HashAlg::sha_256, canonical);
}

Result<PrivateJwk> PrivateJwk::generate(JwsAlg alg, std::optional<std::string> kid) {
  if (sodium_init() < 0) return fail(ErrorCode::internal_error, "libsodium init");
  if (alg == JwsAlg::EdDSA) {
    SecretBytes seed = SecretBytes::random(crypto_sign_SEEDBYTES);
    std::vector<std::uint8_t> pk(crypto_sign_PUBLICKEYBYTES);
    SecretBytes sk(std::vector<std::uint8_t>(crypto_sign_SECRETKEYBYTES));
    if (crypto_sign_seed_keypair(pk.data(), sk.reveal_mutable().data(), seed.reveal().data()) != 0) {
      return fail(ErrorCode::internal_error, "ed25519 key generation");
    }
    return PrivateJwk(Jwk(alg, std::move(pk), {}, std::move(kid)), std::move(seed));
  }
  // Rejection sampling keeps d uniform in [1, n-1] (FIPS 186-5 A.2.2); a retry happens with probability ~2^-32.
  for (;;) {
    SecretBytes d = SecretBytes::random(p256::kFieldBytes);
    if (!p256::is_valid_scalar(d.reveal())) continue;
    VEIL_TRY(auto point, p256::derive_public(d.reveal()));
    return PrivateJwk(Jwk(alg, std::move(point.x), std::move(point.y), std::move(kid)), std::move(d));
  }
}

Result<PrivateJwk> PrivateJwk::parse(const Json& jwk) {
  VEIL_TRY(auto public_key, Jwk::parse(jwk));
  VEIL_TRY(auto d_bytes, required_bytes(jwk, "d", 32));
  SecretBytes d(d_bytes);
  sodium_memzero(d_bytes.data(), d_bytes.size());
  if (public_key.alg() == JwsAlg::EdDSA) {
    if (sodium_init() < 0) return fail(ErrorCode::internal_error, "libsodium init");
    std::vector<std::uint8_t> pk(crypto_sign_PUBLICKEYBYTES);
    SecretBytes sk(std::vector<std::uint8_t>(crypto_sign_SECRETKEYBYTES));
    if (crypto_sign_seed_keypair(pk.data(), sk.reveal_mutable().data(), d.reveal().data()) != 0) {
      return fail(ErrorCode::internal_error, "ed25519 key derivation");
    }
    if (pk != public_key.x()) return fail(ErrorCode::invalid_jwk, "jwk d does not match x");
  } else {
    auto point = p256::derive_public(d.reveal());
    if (!point) return fail(ErrorCode::invalid_jwk, "jwk d is out of range");
    if (point->x != public_key.x() || point->y != public_key.y()) {
      return fail(ErrorCode::invalid_jwk, "jwk d does not match x and y");
    }
  }
  return PrivateJwk(std::move(public_key), std::move(d));
}

Json PrivateJwk::to_json() const {
  Json out = public_.to_json();
  out["d"] = base64url_encode(d_.reveal());
  return out;
}

}  // namespace veil
