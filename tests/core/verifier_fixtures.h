// Verifier test fixtures: a trusted test issuer, policies, and builders for hand-made (often hostile) SD-JWTs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "veil/clock.h"
#include "veil/disclosure.h"
#include "veil/error.h"
#include "veil/issuer_keys.h"
#include "veil/json.h"
#include "veil/presentation.h"
#include "veil/sd_jwt.h"
#include "veil/sd_jwt_verifier.h"
#include "veil/signer.h"

namespace veil_test {

inline constexpr std::int64_t kNow = 1800000000;
inline constexpr char kTestIss[] = "https://issuer.example.com";
inline constexpr char kTestVct[] = "https://credentials.example.com/identity_credential";
inline constexpr char kTestAud[] = "https://verifier.example.org";
inline constexpr char kTestNonce[] = "n-0S6_WzA2Mj";

/// issuer_signer / holder_signer sign with the RFC 9901 issuer and holder keys (test_keys.h).
const veil::Signer& issuer_signer();
const veil::Signer& holder_signer();
/// other_signer signs with a fresh P-256 key nobody trusts.
const veil::Signer& other_signer();

/// test_trust_list trusts the RFC issuer key for kTestIss (no kid on the key).
const veil::TrustList& test_trust_list();
/// fixed_clock answers kNow.
const veil::Clock& fixed_clock();

/// vc_policy checks SD-JWT VC rules and key binding with kTestAud / kTestNonce.
veil::VerificationPolicy vc_policy();

/// vc_policy_without_kb is vc_policy that does not require key binding (a KB-JWT that is present is checked).
veil::VerificationPolicy vc_policy_without_kb();
/// plain_policy is vc_policy_without_kb for plain SD-JWTs (no SD-JWT VC rules).
veil::VerificationPolicy plain_policy();

/// base_claims is a signed-in-the-clear SD-JWT VC payload: iss, vct, iat, exp and cnf.jwk (the holder key).
veil::Json base_claims();

/// property / element make Disclosures; digest hashes one with SHA-256 (the RFC default).
veil::Disclosure property(const std::string& name, veil::Json value, const std::string& salt = "2GLC42sKQveCfGfryNRN9w");
veil::Disclosure element(veil::Json value, const std::string& salt = "lklxF5jMYlGTPUovMNIvCA");
std::string digest(const veil::Disclosure& disclosure);

/// sign_issuer_jwt signs |payload| as-is (nothing added) with |header| (alg from the signer).
std::string sign_issuer_jwt(const veil::Json& payload, const veil::Json& header = {{"typ", "dc+sd-jwt"}},
                            const veil::Signer& signer = issuer_signer());

/// make_sd_jwt signs |payload| and attaches |disclosures| (no KB-JWT).
veil::SdJwt make_sd_jwt(const veil::Json& payload, std::vector<veil::Disclosure> disclosures = {},
                        const veil::Json& header = {{"typ", "dc+sd-jwt"}});

/// kb_payload returns a correct KB-JWT payload for |presentation| (its sd_hash, kTestAud, kTestNonce, kNow).
veil::Json kb_payload(const veil::SdJwt& presentation);
/// sign_kb signs a KB-JWT from explicit parts, so tests can break any of them.
std::string sign_kb(const veil::Json& header, const veil::Json& payload, const veil::Signer& signer = holder_signer());
/// with_kb attaches a correct KB-JWT signed by the holder key.
veil::SdJwt with_kb(const veil::SdJwt& presentation);

/// verify runs SdJwtVerifier with |policy|, the test trust list and the fixed clock.
veil::Result<veil::VerifiedPresentation> verify(const veil::SdJwt& presentation,
                                                const veil::VerificationPolicy& policy = vc_policy());
veil::Result<veil::VerifiedPresentation> verify_with(const veil::SdJwt& presentation,
                                                     const veil::VerificationPolicy& policy,
                                                     const veil::IssuerKeyResolver& issuer_keys);
/// any_iss_trust trusts the RFC issuer key for every iss (TrustList::single_key).
const veil::TrustList& any_iss_trust();
veil::Result<veil::VerifiedPresentation> verify_text(const std::string& presentation,
                                                     const veil::VerificationPolicy& policy = vc_policy());

/// error_code returns the code of a failed result, or std::nullopt when it succeeded.
template <class T>
std::optional<veil::ErrorCode> error_code(const veil::Result<T>& result) {
  if (result) return std::nullopt;
  return result.error().code;
}

/// code_name prints an optional code for Catch2 messages ("ok" for success).
std::string code_name(const std::optional<veil::ErrorCode>& code);

}  // namespace veil_test

namespace veil_test {

/// kVectorNonce is the KB-JWT nonce of every SD-JWT vector (settings.yml key_binding_nonce).
inline constexpr char kVectorNonce[] = "1234567890";
inline constexpr char kRfcIss[] = "https://issuer.example.com";
inline constexpr char kRfcAud[] = "https://verifier.example.org";
inline constexpr char kPythonIss[] = "https://example.com/issuer";
inline constexpr char kPythonAud[] = "https://example.com/verifier";

/// vector_case_dirs lists the case folders (relative to VEIL_VECTORS_DIR) under |relative_dir|, sorted.
std::vector<std::string> vector_case_dirs(const std::string& relative_dir);

/// rfc_key_trust trusts the RFC issuer key for any iss (TrustList::single_key): one vector (jsonld) has no iss.
/// json_serialization_general's first signature is by this key.
const veil::TrustList& rfc_key_trust();

/// read_generated_presentation returns generated/sd_jwt_presentation.txt, or the JWS JSON serialization held
/// (double-encoded) in generated/sd_jwt_presentation.json.
std::string read_generated_presentation(const std::string& case_dir);

/// generated_policy is the policy a case needs: key binding when the case has a KB-JWT, SD-JWT VC rules when
/// the issuer header says dc+sd-jwt, and |aud| plus kVectorNonce.
veil::VerificationPolicy generated_policy(const std::string& case_dir, const std::string& aud);

/// claim_selections_from_holder_disclosed translates sd-jwt-python's holder_disclosed_claims into the selections
/// its holder makes over |claims| (the credential's claims before selective disclosure), as SDJWTHolder.
/// _select_disclosures in src/sd_jwt/holder.py does: a claim is disclosed on its own (with_descendants = false);
/// `true` on an object or array reveals the container and none of its disclosable members or elements; a
/// non-empty object or array reveals the container and what it names; on an object member {} and [] withhold
/// (Python truthiness), in an array only false, null and 0 withhold (`in (False, None)`); names the credential
/// lacks are ignored. Python's spellings of non-string YAML keys ("True", "None") are mapped to the
/// user_claims ones first. Where holder.py raises ValueError the test fails.
std::vector<veil::ClaimSelection> claim_selections_from_holder_disclosed(const veil::Json& holder_disclosed_claims,
                                                                        const veil::Json& claims);

/// normalized_frame rewrites a case.json disclosure frame for DisclosureFrame: YAML object keys that were not
/// strings (13, true, null) appear in "_sd" of an object level as numbers or literals; they become the strings
/// the user_claims JSON uses.
veil::Json normalized_frame(const veil::Json& frame, const veil::Json& claims);

/// RoundTrip describes one issue → present → verify run over a case.json.
struct RoundTrip {
  std::string case_dir;
  std::string iss;
  std::string aud;
};

/// round_trip issues the case with our issuer (claims + frame, plus iss/iat/exp and cnf per the case),
/// presents holder_disclosed_claims, adds key binding when the case asks, verifies and returns the result.
veil::Result<veil::VerifiedPresentation> round_trip(const RoundTrip& run);

}  // namespace veil_test
