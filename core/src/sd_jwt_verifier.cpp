#include "veil/sd_jwt_verifier.h"

#include <utility>

#include "disclosure_processing.h"
#include "key_binding_verification.h"
#include "time_claims.h"
#include "veil/jws.h"
#include "veil/sd_jwt_vc.h"

namespace veil {

namespace {

std::optional<std::string> string_claim(const Json& claims, std::string_view name) {
  const auto it = claims.find(name);
  if (it == claims.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

// verify_one_issuer_jwt checks one signature of the Issuer-signed JWT. The key comes only from the trusted
// resolver, looked up by the payload's iss and the header's kid; header jwk/x5c/jku/x5u are never read
// (RFC 8725 §3.10, ATTACKS J12) and kid is only compared (J13).
Result<VerifiedJws> verify_one_issuer_jwt(std::string_view compact, const IssuerKeyResolver& issuer_keys,
                                          const JsonLimits& limits) {
  VEIL_TRY(UnverifiedJws unverified, UnverifiedJws::parse_compact(compact, limits));
  const std::string iss = string_claim(unverified.unverified_payload(), "iss").value_or("");
  VEIL_TRY(const auto candidates, issuer_keys.candidates(iss, unverified.kid()));
  Error first_error{ErrorCode::invalid_signature, "the issuer signature does not verify"};
  bool have_error = false;
  for (const SignatureVerifier* candidate : candidates) {
    // Moves out of |unverified| only on success, so the next candidate still sees the whole token.
    auto verified = std::move(unverified).verify(*candidate);
    if (verified) return std::move(*verified);
    if (!have_error) {
      first_error = std::move(verified.error());
      have_error = true;
    }
  }
  return tl::unexpected(std::move(first_error));
}

// verify_issuer_signature accepts the SD-JWT when any of its signatures (several only with the general JSON
// serialization, §8) verifies with a trusted key; otherwise it reports why the first one failed.
Result<VerifiedJws> verify_issuer_signature(const SdJwt& sd_jwt, const IssuerKeyResolver& issuer_keys,
                                            const JsonLimits& limits) {
  std::optional<Error> first_error;
  for (const std::string& compact : sd_jwt.issuer_jwts()) {
    auto verified = verify_one_issuer_jwt(compact, issuer_keys, limits);
    if (verified) return verified;
    if (!first_error) first_error = std::move(verified.error());
  }
  if (!first_error) return fail(ErrorCode::malformed_sd_jwt, "the sd-jwt has no issuer-signed jwt");
  return tl::unexpected(std::move(*first_error));
}

// check_never_disclosed enforces VC §2.2.2.3: claims the verifier relies on for validity, binding and type
// (iss, exp, nbf, cnf, vct, status, ...) must be signed in the clear, never delivered as a Disclosure (S15, V3).
Status check_never_disclosed(const std::vector<ClaimPath>& disclosed) {
  for (const ClaimPath& path : disclosed) {
    if (path.elements().size() != 1) continue;
    const auto* name = std::get_if<std::string>(&path.elements().front());
    if (name != nullptr && is_never_disclosable(*name)) {
      return fail(ErrorCode::forbidden_selective_disclosure, "a claim that sd-jwt vc forbids to disclose is a disclosure");
    }
  }
  return {};
}

}  // namespace

std::optional<std::string> VerifiedPresentation::iss() const { return string_claim(claims_, "iss"); }
std::optional<std::string> VerifiedPresentation::vct() const { return string_claim(claims_, "vct"); }

SdJwtVerifier::SdJwtVerifier(VerificationPolicy policy, const IssuerKeyResolver& issuer_keys, const Clock& clock)
    : policy_(std::move(policy)), issuer_keys_(issuer_keys), clock_(clock) {}

Result<VerifiedPresentation> SdJwtVerifier::verify(std::string_view unverified_presentation) const {
  VEIL_TRY(const SdJwt sd_jwt, SdJwt::parse(unverified_presentation, policy_.limits));
  return verify(sd_jwt);
}

Result<VerifiedPresentation> SdJwtVerifier::verify(const SdJwt& unverified_presentation) const {
  const SdJwt& sd_jwt = unverified_presentation;
  // §7.3 step 1: whether key binding is checked is the verifier's decision; a KB-JWT that is present is never
  // ignored.
  const bool check_key_binding = policy_.require_key_binding || sd_jwt.kb_jwt().has_value();
  if (check_key_binding && (!policy_.expected_aud || !policy_.expected_nonce)) {
    return fail(ErrorCode::invalid_argument, "checking key binding needs an expected aud and nonce in the policy");
  }
  // §7.3 step 2.
  if (policy_.require_key_binding && !sd_jwt.kb_jwt()) {
    return fail(ErrorCode::missing_key_binding, "the presentation has no key binding jwt");
  }

  // §7.1 step 2: the Issuer-signed JWT.
  VEIL_TRY(VerifiedJws verified_issuer_jwt, verify_issuer_signature(sd_jwt, issuer_keys_, policy_.limits.json));
  auto [issuer_header, issuer_payload] = std::move(verified_issuer_jwt).take();
  if (policy_.sd_jwt_vc) VEIL_CHECK(check_sd_jwt_vc_typ(issuer_header, policy_.accept_legacy_vc_typ));
  VEIL_TRY(const HashAlg sd_alg, read_sd_alg(issuer_payload));
  // iss and vct must be signed in the clear; checked before the payload is rewritten into the processed claims.
  const Status vc_claims = policy_.sd_jwt_vc ? check_sd_jwt_vc_claims(issuer_payload) : Status{};

  // §7.1 steps 3–5.
  VEIL_TRY(ProcessedPayload processed, apply_disclosures(std::move(issuer_payload), sd_jwt.disclosures(), sd_alg,
                                                         policy_.limits.json.max_depth));

  // §7.1 step 6: validity on the processed payload, so an exp the issuer chose to disclose still counts.
  const std::int64_t now = clock_.now();
  VEIL_CHECK(check_time_claims(processed.claims, now, policy_.max_clock_skew_seconds));

  if (policy_.sd_jwt_vc) {
    VEIL_CHECK(check_never_disclosed(processed.disclosed));
    VEIL_CHECK(vc_claims);
  }

  // §7.3 step 4.
  auto holder_key = read_cnf_jwk(processed.claims);
  std::optional<KeyBindingClaims> key_binding;
  if (check_key_binding) {
    if (!holder_key) return tl::unexpected(std::move(holder_key.error()));
    const KeyBindingExpectation expected{*policy_.expected_aud, *policy_.expected_nonce, now,
                                         policy_.max_clock_skew_seconds, policy_.kb_max_age_seconds};
    VEIL_TRY(key_binding, verify_key_binding(*sd_jwt.kb_jwt(), *holder_key, sd_jwt.sd_hash_input(), sd_alg,
                                             expected, policy_.limits.json));
  }

  VerifiedPresentation presentation;
  presentation.issuer_header_ = std::move(issuer_header);
  presentation.claims_ = std::move(processed.claims);
  presentation.disclosed_ = std::move(processed.disclosed);
  presentation.key_binding_ = std::move(key_binding);
  if (holder_key) presentation.holder_key_ = std::move(*holder_key);
  return presentation;
}

}  // namespace veil
