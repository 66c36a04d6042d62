#include "veil/openid4vci_proof.h"

#include <algorithm>
#include <cmath>

#include "time_claims.h"
#include "veil/jws.h"
#include "veil/signature_verifier.h"

namespace veil {

namespace {

// HolderSigner presents the holder's Signer without its kid: sign_jws_compact would otherwise add a kid header
// next to the jwk, and App. F.1 makes kid and jwk mutually exclusive.
class HolderSigner final : public Signer {
 public:
  explicit HolderSigner(const Signer& inner) : inner_(inner) {}
  JwsAlg alg() const override { return inner_.alg(); }
  std::optional<std::string> kid() const override { return std::nullopt; }
  Result<std::vector<std::uint8_t>> sign(std::span<const std::uint8_t> data) const override {
    return inner_.sign(data);
  }

 private:
  const Signer& inner_;
};

// App. F.1: the key is named by exactly one of kid, jwk, x5c (and trust_chain, key_attestation's own keys aside).
// Veil binds credentials to a bare public key, so only jwk is usable; a kid would need a resolution Veil does
// not do (a DID, a client's JWKS), and accepting kid next to jwk lets an attacker pair an honest kid with a
// key of their own.
Result<Jwk> proof_key(const Json& header) {
  for (const char* member : {"kid", "x5c", "trust_chain"}) {
    if (header.contains(member)) {
      return fail(ErrorCode::invalid_proof_key,
                  std::string("key proof names its key by ") + member + "; veil accepts only a jwk header");
    }
  }
  const auto jwk = header.find("jwk");
  if (jwk == header.end()) return fail(ErrorCode::invalid_proof_key, "key proof has no jwk header");
  if (!jwk->is_object()) return fail(ErrorCode::invalid_proof_key, "key proof jwk is not an object");
  // App. F.1: the jwk "MUST NOT" hold a private key; a Wallet that sends one has leaked it.
  for (const char* member : {"d", "p", "q", "dp", "dq", "qi", "k"}) {
    if (jwk->contains(member)) return fail(ErrorCode::invalid_proof_key, "key proof jwk contains private key material");
  }
  return Jwk::parse(*jwk);
}

}  // namespace

Result<VerifiedOpenId4VciProof> verify_openid4vci_proof(std::string_view compact, const OpenId4VciProofPolicy& policy,
                                                        const Clock& clock) {
  VEIL_TRY(const auto unverified, UnverifiedJws::parse_compact(compact));
  // App. F.1 "alg": not none, not symmetric (the JwsAlg type cannot hold them), and one the issuer advertises.
  if (std::find(policy.allowed_algs.begin(), policy.allowed_algs.end(), unverified.alg()) == policy.allowed_algs.end()) {
    return fail(ErrorCode::alg_not_allowed, "key proof alg is not in proof_signing_alg_values_supported");
  }
  // §13.8 / App. F.1: the explicit typ stops a KB-JWT, an ID token or any other JWT being replayed as a proof.
  const auto typ = unverified.typ();
  if (!typ || *typ != kOpenId4VciProofTyp) {
    return fail(ErrorCode::invalid_proof_typ, "key proof typ is not openid4vci-proof+jwt");
  }
  VEIL_TRY(auto holder_key, proof_key(unverified.unverified_header()));
  VEIL_TRY(const auto verifier, make_verifier(holder_key));
  VEIL_TRY(const auto verified, unverified.verify(*verifier));

  const Json& payload = verified.payload();
  const auto aud = payload.find("aud");
  const auto iat = payload.find("iat");
  if (aud == payload.end() || iat == payload.end()) {
    return fail(ErrorCode::invalid_proof_claims, "key proof lacks aud or iat");
  }
  // App. F.1: aud is a string, the Credential Issuer Identifier.
  if (!aud->is_string()) return fail(ErrorCode::invalid_proof_claims, "key proof aud is not a string");
  if (!iat->is_number() || !std::isfinite(iat->get<double>())) {
    return fail(ErrorCode::invalid_proof_claims, "key proof iat is not a number");
  }
  std::optional<std::string> nonce;
  if (const auto member = payload.find("nonce"); member != payload.end()) {
    if (!member->is_string()) return fail(ErrorCode::invalid_proof_claims, "key proof nonce is not a string");
    nonce = member->get<std::string>();
  }
  std::optional<std::string> client_id;
  if (const auto member = payload.find("iss"); member != payload.end()) {
    if (!member->is_string()) return fail(ErrorCode::invalid_proof_claims, "key proof iss is not a string");
    client_id = member->get<std::string>();
  }
  if (aud->get_ref<const std::string&>() != policy.credential_issuer) {
    return fail(ErrorCode::proof_aud_mismatch, "key proof aud is not this credential issuer");
  }
  // §13.8: iat bounds how long a proof can be replayed when the c_nonce alone does not (and it must not be
  // pre-dated into the future to stay "fresh").
  const std::int64_t now = clock.now();
  const double issued = iat->get<double>();
  if (issued > static_cast<double>(now + policy.max_future_seconds)) {
    return fail(ErrorCode::proof_iat_in_future, "key proof was issued in the future");
  }
  if (issued < static_cast<double>(now - policy.max_age_seconds)) {
    return fail(ErrorCode::proof_iat_too_old, "key proof was issued too long ago");
  }
  VEIL_CHECK(check_time_claims(payload, now, policy.max_future_seconds));
  if (policy.require_nonce && !nonce) {
    return fail(ErrorCode::missing_proof_nonce, "key proof has no nonce; fetch a c_nonce from the nonce endpoint");
  }
  std::string thumbprint = holder_key.thumbprint();
  return VerifiedOpenId4VciProof{std::move(holder_key), std::move(thumbprint), std::move(nonce),
                                 static_cast<std::int64_t>(issued), std::move(client_id)};
}

std::string_view openid4vci_proof_error_name(ErrorCode code) {
  // §8.3.1.2: invalid_nonce is for a c_nonce that is wrong or stale (fetch a fresh one and retry); a proof with no
  // c_nonce at all is case (3) of invalid_proof, like every other defect of a proof.
  if (code == ErrorCode::nonce_mismatch) return "invalid_nonce";
  return "invalid_proof";
}

Result<std::string> sign_openid4vci_proof(const OpenId4VciProofClaims& claims, const Jwk& holder_public,
                                          const Signer& holder) {
  if (holder_public.alg() != holder.alg()) {
    return fail(ErrorCode::invalid_argument, "the proof jwk is not of the signer's algorithm");
  }
  Json jwk = holder_public.to_json();
  jwk.erase("kid");
  const Json header = {{"typ", kOpenId4VciProofTyp}, {"jwk", std::move(jwk)}};
  Json payload = {{"aud", claims.aud}, {"iat", claims.iat}};
  if (claims.nonce) payload["nonce"] = *claims.nonce;
  if (claims.client_id) payload["iss"] = *claims.client_id;
  return sign_jws_compact(header, payload, HolderSigner(holder));
}

}  // namespace veil
