// SdJwtVerifier: RFC 9901 §7.1 (issuer-signed JWT and disclosures) and §7.3 (key binding), plus the SD-JWT VC
// rules, under an immutable VerificationPolicy.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "veil/claim_path.h"
#include "veil/clock.h"
#include "veil/error.h"
#include "veil/issuer_keys.h"
#include "veil/json.h"
#include "veil/jwk.h"
#include "veil/key_binding_jwt.h"
#include "veil/sd_jwt.h"

namespace veil {

/// VerificationPolicy is decided by the verifier, never inferred from the input (RFC 9901 §9.5).
struct VerificationPolicy {
  /// require_key_binding: a presentation without KB-JWT fails with missing_key_binding. When false, a KB-JWT
  /// that is present is still checked fully.
  bool require_key_binding = true;
  std::optional<std::string> expected_aud;    // required when key binding is checked
  std::optional<std::string> expected_nonce;  // required when key binding is checked
  std::int64_t max_clock_skew_seconds = 60;   // for exp, nbf, iat of both JWTs
  std::int64_t kb_max_age_seconds = 300;      // how old a KB-JWT iat may be
  /// sd_jwt_vc applies the SD-JWT VC profile: typ, iss, vct, never-disclosable claims.
  bool sd_jwt_vc = true;
  /// accept_legacy_vc_typ also accepts vc+sd-jwt; off unless configured (ATTACKS.md V1).
  bool accept_legacy_vc_typ = false;
  SdJwtLimits limits;
};

/// VerifiedPresentation is the outcome of a successful verification; only SdJwtVerifier makes one.
class VerifiedPresentation {
 public:
  const Json& issuer_header() const { return issuer_header_; }
  /// claims is the processed payload (§7.1 step 3): disclosed claims inserted, "_sd", "_sd_alg" and
  /// undisclosed array elements removed.
  const Json& claims() const { return claims_; }
  /// disclosed lists the path of every claim revealed through a Disclosure, in presentation order.
  const std::vector<ClaimPath>& disclosed() const { return disclosed_; }
  const std::optional<KeyBindingClaims>& key_binding() const { return key_binding_; }
  std::optional<std::string> iss() const;
  std::optional<std::string> vct() const;
  /// holder_key is cnf.jwk when the credential has one.
  const std::optional<Jwk>& holder_key() const { return holder_key_; }

 private:
  friend class SdJwtVerifier;
  VerifiedPresentation() = default;
  Json issuer_header_;
  Json claims_;
  std::vector<ClaimPath> disclosed_;
  std::optional<KeyBindingClaims> key_binding_;
  std::optional<Jwk> holder_key_;
};

/// SdJwtVerifier checks presentations (and, with require_key_binding false, issued credentials) against one
/// policy, one set of trusted issuer keys and one clock. It is immutable and safe to share between threads.
class SdJwtVerifier {
 public:
  SdJwtVerifier(VerificationPolicy policy, const IssuerKeyResolver& issuer_keys, const Clock& clock);

  /// verify parses and verifies |unverified_presentation| (compact or JSON serialization). Every rejection
  /// has its own ErrorCode (see error.h): parsing, issuer signature, time claims, §7.1 digests and
  /// disclosures, SD-JWT VC rules, §7.3 key binding.
  [[nodiscard]] Result<VerifiedPresentation> verify(std::string_view unverified_presentation) const;
  [[nodiscard]] Result<VerifiedPresentation> verify(const SdJwt& unverified_presentation) const;

  const VerificationPolicy& policy() const { return policy_; }

 private:
  VerificationPolicy policy_;
  const IssuerKeyResolver& issuer_keys_;
  const Clock& clock_;
};

}  // namespace veil
