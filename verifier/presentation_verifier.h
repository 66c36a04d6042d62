// PresentationVerifier: one full verification of one SD-JWT VC presentation against what the relying party
// expects (issue 5): trusted issuer and its key, issuer signature, digests, key binding (aud, nonce, iat window,
// sd_hash), exp/nbf, vct, trusted-issuer restriction, credential age and Token Status List status.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "veil/claim_path.h"
#include "veil/clock.h"
#include "veil/error.h"
#include "veil/json.h"
#include "veil/key_binding_jwt.h"
#include "veil/sd_jwt.h"

namespace veil::platform {
class Counter;
class Histogram;
class Metrics;
}

namespace veil::verifier {

class TrustedIssuers;
class StatusChecker;

/// PresentationExpectations is what the relying party expects of one presentation; never read from the input.
struct PresentationExpectations {
  bool require_key_binding = true;   // false only when the caller's policy says so (POST /v1/verify "no_kb")
  std::optional<std::string> aud;    // required when require_key_binding: the full client_id
  std::optional<std::string> nonce;  // required when require_key_binding
  std::vector<std::string> trusted_issuers;  // empty: every issuer of the trust file; else only these iss values
  std::optional<std::int64_t> max_credential_age_seconds;  // iat of the credential no older than this
};

/// VerifiedCredential is the outcome of a successful verification.
struct VerifiedCredential {
  std::string iss, vct;
  Json claims;                          // processed payload (disclosed claims inserted)
  std::vector<ClaimPath> disclosed;
  std::optional<KeyBindingClaims> key_binding;
  std::string status;                   // "valid" or "unchecked" (revoked/suspended are errors)
};

/// PresentationVerifierOptions are the operator's settings, fixed for the life of a PresentationVerifier.
struct PresentationVerifierOptions {
  std::int64_t max_clock_skew_seconds = 60;  // for exp, nbf and iat of the credential and the KB-JWT
  std::int64_t kb_max_age_seconds = 300;     // how old a KB-JWT iat may be
  bool accept_legacy_vc_typ = false;         // also accept typ vc+sd-jwt (ATTACKS.md V1); off unless configured
  SdJwtLimits limits;
};

/// PresentationVerifier verifies presentations for every request thread of a service: it is immutable after
/// construction and safe to share between threads (the trust and status caches it uses lock internally).
class PresentationVerifier {
 public:
  /// |issuers| and |clock| must outlive the verifier. |status| may be null: credentials with a status claim are
  /// then reported "unchecked" (the offline CLI's behaviour); a service always passes one. |metrics| may be
  /// null; when given, every verify counts veil_verifications_total{outcome, code} and observes
  /// veil_verification_duration_seconds.
  PresentationVerifier(const TrustedIssuers& issuers, const StatusChecker* status, const Clock& clock,
                       PresentationVerifierOptions options = {}, platform::Metrics* metrics = nullptr);

  /// verify runs the whole check. Fails with invalid_argument when key binding is required but aud or nonce is
  /// not given; untrusted_issuer when iss is not in the trust file or not in expectations.trusted_issuers;
  /// unknown_key when no key of the issuer matches the kid; the trust fetch errors (fetch_failed, ...) for a
  /// metadata issuer that cannot be resolved; every SdJwtVerifier code (signature, digests, time claims, key
  /// binding, SD-JWT VC); credential_too_old when the credential's iat is older than
  /// max_credential_age_seconds (or missing while an age is required: invalid_time_claim); and the
  /// StatusChecker codes (credential_revoked, credential_suspended, status list fetch/verify errors).
  [[nodiscard]] Result<VerifiedCredential> verify(std::string_view presentation,
                                                  const PresentationExpectations& expectations) const;

 private:
  Result<VerifiedCredential> verify_unmetered(std::string_view presentation,
                                              const PresentationExpectations& expectations) const;

  const TrustedIssuers& issuers_;
  const StatusChecker* status_;
  const Clock& clock_;
  PresentationVerifierOptions options_;
  platform::Metrics* metrics_;
  // The series every verification touches, looked up once (failures are looked up by their code).
  platform::Histogram* duration_ = nullptr;
  platform::Counter* verified_ = nullptr;
};

}  // namespace veil::verifier
