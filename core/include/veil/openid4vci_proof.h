// OpenId4VciProof: the `jwt` key proof a Wallet sends in a Credential Request to show it holds the key the
// credential will be bound to (OpenID4VCI 1.0 Appendix F.1, §8.2, §13.8): verifying it on the issuer side and
// signing one on the holder side.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "veil/clock.h"
#include "veil/error.h"
#include "veil/json.h"
#include "veil/jwk.h"
#include "veil/jws_alg.h"
#include "veil/signer.h"

namespace veil {

inline constexpr char kOpenId4VciProofTyp[] = "openid4vci-proof+jwt";

/// OpenId4VciProofPolicy is what the issuer expects of every key proof. It is fixed by the issuer's
/// configuration, never read from the proof.
struct OpenId4VciProofPolicy {
  std::string credential_issuer;                         // the Credential Issuer Identifier the aud must equal
  std::vector<JwsAlg> allowed_algs{JwsAlg::ES256, JwsAlg::EdDSA};  // proof_signing_alg_values_supported
  std::int64_t max_age_seconds = 300;                    // iat may be at most this old
  std::int64_t max_future_seconds = 60;                  // iat may be at most this far ahead (clock skew)
  bool require_nonce = true;                             // the issuer has a Nonce Endpoint (App. F.1 "nonce")
};

/// VerifiedOpenId4VciProof is what a key proof established once verify_openid4vci_proof accepted it. The nonce
/// is only what the proof claims: the caller must still check it against its c_nonce store (§13.8), and answer
/// invalid_nonce when the store does not know it.
struct VerifiedOpenId4VciProof {
  Jwk holder_key;                        // the header jwk, proven by the signature: the credential's cnf.jwk
  std::string thumbprint;                // RFC 7638 thumbprint of holder_key
  std::optional<std::string> nonce;      // the c_nonce the proof signs over
  std::int64_t iat = 0;
  std::optional<std::string> client_id;  // the proof's iss (the Wallet's client_id), when present
};

/// verify_openid4vci_proof checks one `jwt` key proof at |clock|'s now, in this order: JWS structure and alg
/// (malformed_jws, invalid_base64url, invalid_jws_header, duplicate_json_member, unsupported_crit,
/// invalid_jwt_payload, input_too_large, nesting_too_deep; alg_not_allowed for none, HS*, RS*, or an alg outside
/// policy.allowed_algs); typ exactly "openid4vci-proof+jwt" (invalid_proof_typ); the key (invalid_proof_key when
/// there is no jwk, when kid, x5c or trust_chain is present — Veil resolves no key identifiers, so a kid alone
/// is refused too — or when the jwk holds private members such as "d"; invalid_jwk or unsupported_key for a
/// malformed or foreign public key; alg_not_allowed when alg is not the key's algorithm); the signature
/// (invalid_signature); the payload (invalid_proof_claims when aud or iat is missing, aud is not a string, iat
/// not a number, iss or nonce not a string; proof_aud_mismatch when aud is not policy.credential_issuer;
/// proof_iat_in_future when iat > now + max_future_seconds; proof_iat_too_old when iat < now - max_age_seconds;
/// token_expired, token_not_yet_valid or invalid_time_claim for an exp or nbf that is present and fails;
/// missing_proof_nonce when policy.require_nonce and the proof has no nonce).
[[nodiscard]] Result<VerifiedOpenId4VciProof> verify_openid4vci_proof(std::string_view compact,
                                                                      const OpenId4VciProofPolicy& policy,
                                                                      const Clock& clock);

/// openid4vci_proof_error_name returns the OpenID4VCI Credential Error (§8.3.1.2) a failed key proof answers:
/// "invalid_nonce" for nonce_mismatch (a caller's c_nonce check may use it), and "invalid_proof" for every other
/// code, missing_proof_nonce included (§8.3.1.2 invalid_proof case 3: a key proof without a c_nonce).
std::string_view openid4vci_proof_error_name(ErrorCode code);

/// OpenId4VciProofClaims are the payload members a Wallet signs into a key proof.
struct OpenId4VciProofClaims {
  std::string aud;                       // the Credential Issuer Identifier
  std::int64_t iat = 0;
  std::optional<std::string> nonce;      // the c_nonce from the Nonce Endpoint
  std::optional<std::string> client_id;  // written as iss; omitted for anonymous pre-authorized access
};

/// sign_openid4vci_proof signs a `jwt` key proof (holder side, and tests): header typ "openid4vci-proof+jwt",
/// alg from |holder|, jwk = |holder_public| (its public members only, never a kid header). Fails with
/// invalid_argument when |holder_public|'s algorithm is not the signer's, internal_error when signing fails.
Result<std::string> sign_openid4vci_proof(const OpenId4VciProofClaims& claims, const Jwk& holder_public,
                                          const Signer& holder);

}  // namespace veil
