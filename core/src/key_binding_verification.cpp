#include "key_binding_verification.h"

#include <cmath>
#include <string>

#include "time_claims.h"
#include "veil/jws.h"
#include "veil/signature_verifier.h"

namespace veil {

namespace {

const std::string* string_member(const Json& object, std::string_view name) {
  const auto it = object.find(name);
  if (it == object.end() || !it->is_string()) return nullptr;
  return &it->get_ref<const std::string&>();
}

}  // namespace

Result<Jwk> read_cnf_jwk(const Json& processed_claims) {
  const auto cnf = processed_claims.find("cnf");
  if (cnf == processed_claims.end() || !cnf->is_object()) {
    return fail(ErrorCode::missing_cnf, "the credential has no cnf claim");
  }
  const auto jwk = cnf->find("jwk");
  if (jwk == cnf->end() || !jwk->is_object()) return fail(ErrorCode::missing_cnf, "the credential has no cnf.jwk");
  auto key = Jwk::parse(*jwk);
  if (!key) {
    if (key.error().code == ErrorCode::unsupported_key) {
      return fail(ErrorCode::unsupported_key, "cnf.jwk is of a key type veil does not verify with");
    }
    return fail(ErrorCode::missing_cnf, "cnf.jwk is not a usable key");
  }
  return std::move(*key);
}

Result<KeyBindingClaims> verify_key_binding(std::string_view unverified_kb_jwt, const Jwk& holder_key,
                                            std::string_view sd_hash_input, HashAlg sd_alg,
                                            const KeyBindingExpectation& expected, const JsonLimits& limits) {
  // §7.3 step 4.2: the JWS parser enforces the algorithm allow-list (no "none", no HMAC).
  VEIL_TRY(UnverifiedJws unverified, UnverifiedJws::parse_compact(unverified_kb_jwt, limits));

  // §7.3 step 4.4 (checked before the signature because it costs nothing and the outcome is the same).
  const auto typ = unverified.typ();
  if (!typ || *typ != kKeyBindingJwtTyp) return fail(ErrorCode::invalid_kb_typ, "kb-jwt typ is not kb+jwt");

  // §7.3 step 4.3: only the key the issuer bound into cnf may sign. A KB-JWT whose alg is not that key's alg
  // was not signed by it either, so both outcomes are the same reason.
  VEIL_TRY(const auto verifier, make_verifier(holder_key));
  auto verified = std::move(unverified).verify(*verifier);
  if (!verified) return fail(ErrorCode::invalid_kb_signature, "kb-jwt is not signed by the cnf key");
  const Json& payload = verified->payload();

  // §4.3: iat, aud, nonce and sd_hash are required.
  const auto iat = payload.find("iat");
  const std::string* aud = string_member(payload, "aud");
  const std::string* nonce = string_member(payload, "nonce");
  const std::string* sd_hash = string_member(payload, "sd_hash");
  if (iat == payload.end() || !iat->is_number() || aud == nullptr || nonce == nullptr || sd_hash == nullptr) {
    return fail(ErrorCode::invalid_kb_jwt, "kb-jwt lacks iat, aud, nonce or sd_hash, or one has the wrong type");
  }

  // §4.3.1: sd_hash binds the KB-JWT to exactly the Disclosures presented with it.
  if (*sd_hash != hash_base64url(sd_alg, sd_hash_input)) {
    return fail(ErrorCode::sd_hash_mismatch, "kb-jwt sd_hash does not match the presented sd-jwt");
  }
  // §7.3 step 4.6.
  if (*nonce != expected.nonce) return fail(ErrorCode::nonce_mismatch, "kb-jwt nonce is not the expected one");
  if (*aud != expected.aud) return fail(ErrorCode::aud_mismatch, "kb-jwt aud is not the expected audience");

  // §7.3 step 4.5: the KB-JWT must be fresh.
  const double issued = iat->get<double>();
  const double now = static_cast<double>(expected.now);
  const double skew = static_cast<double>(expected.max_clock_skew_seconds);
  if (issued < now - static_cast<double>(expected.max_age_seconds) - skew) {
    return fail(ErrorCode::kb_iat_too_old, "kb-jwt was issued too long ago");
  }
  if (issued > now + skew) return fail(ErrorCode::kb_iat_in_future, "kb-jwt was issued in the future");
  // §7.3 step 4.8: a valid JWT in every other respect, so exp and nbf hold if the holder set them.
  VEIL_CHECK(check_time_claims(payload, expected.now, expected.max_clock_skew_seconds));

  return KeyBindingClaims{*aud, *nonce, static_cast<std::int64_t>(std::floor(issued)), *sd_hash};
}

}  // namespace veil
