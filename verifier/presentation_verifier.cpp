#include "verifier/presentation_verifier.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <memory>

#include "verifier/status_checker.h"
#include "verifier/trusted_issuers.h"
#include "veil/credential_status.h"
#include "veil/platform/metrics.h"
#include "veil/sd_jwt_verifier.h"

namespace veil::verifier {

namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

// ExpectedIssuerKeys is the IssuerKeyResolver of one verification: the trusted issuers, narrowed to the ones the
// relying party accepts, resolved (metadata issuers: from the cache or the network) only when SdJwtVerifier asks
// for the iss of the credential. It holds the key sets it handed out, so the pointers stay valid for the whole
// verification whatever the cache does meanwhile.
class ExpectedIssuerKeys final : public IssuerKeyResolver {
 public:
  ExpectedIssuerKeys(const TrustedIssuers& issuers, const std::vector<std::string>& accepted)
      : issuers_(issuers), accepted_(accepted) {}

  Result<std::vector<const SignatureVerifier*>> candidates(const std::string& iss,
                                                           const std::optional<std::string>& kid) const override {
    // The relying party's restriction comes first, so an issuer it does not accept is never fetched.
    if (!accepted_.empty() && std::find(accepted_.begin(), accepted_.end(), iss) == accepted_.end()) {
      return fail(ErrorCode::untrusted_issuer, "issuer is not among the issuers this request accepts");
    }
    VEIL_TRY(auto keys, issuers_.keys_for(iss));
    held_.push_back(keys);
    return keys->candidates(iss, kid);
  }

 private:
  const TrustedIssuers& issuers_;
  const std::vector<std::string>& accepted_;
  mutable std::vector<std::shared_ptr<const IssuerKeyResolver>> held_;
};

}  // namespace

PresentationVerifier::PresentationVerifier(const TrustedIssuers& issuers, const StatusChecker* status,
                                           const Clock& clock, PresentationVerifierOptions options,
                                           platform::Metrics* metrics)
    : issuers_(issuers), status_(status), clock_(clock), options_(std::move(options)), metrics_(metrics) {
  if (metrics_ != nullptr) {
    (void)metrics_->describe_counter("veil_verifications_total",
                                     "Presentations verified, by outcome (verified, failed) and error code");
    (void)metrics_->describe_histogram("veil_verification_duration_seconds",
                                       "Time to verify one presentation, including trust and status fetches");
    duration_ = &metrics_->histogram("veil_verification_duration_seconds");
    verified_ = &metrics_->counter("veil_verifications_total", {{"outcome", "verified"}, {"code", "none"}});
  }
}

Result<VerifiedCredential> PresentationVerifier::verify(std::string_view presentation,
                                                        const PresentationExpectations& expectations) const {
  if (metrics_ == nullptr) return verify_unmetered(presentation, expectations);
  const auto start = std::chrono::steady_clock::now();
  auto outcome = verify_unmetered(presentation, expectations);
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  duration_->observe(elapsed.count());
  if (outcome) {
    verified_->increment();
  } else {
    metrics_->counter("veil_verifications_total",
                      {{"outcome", "failed"}, {"code", std::string(error_code_name(outcome.error().code))}})
        .increment();
  }
  return outcome;
}

Result<VerifiedCredential> PresentationVerifier::verify_unmetered(std::string_view presentation,
                                                                  const PresentationExpectations& expectations) const {
  // RFC 9901 §9.5: what is checked is the relying party's decision, never read from the presentation.
  VerificationPolicy policy;
  policy.require_key_binding = expectations.require_key_binding;
  policy.expected_aud = expectations.aud;
  policy.expected_nonce = expectations.nonce;
  policy.max_clock_skew_seconds = options_.max_clock_skew_seconds;
  policy.kb_max_age_seconds = options_.kb_max_age_seconds;
  policy.accept_legacy_vc_typ = options_.accept_legacy_vc_typ;
  policy.limits = options_.limits;
  if (policy.require_key_binding && (!policy.expected_aud || !policy.expected_nonce)) {
    return fail(ErrorCode::invalid_argument, "no aud and nonce to check the key binding against");
  }
  const ExpectedIssuerKeys keys(issuers_, expectations.trusted_issuers);
  const SdJwtVerifier verifier(std::move(policy), keys, clock_);
  VEIL_TRY(auto verified, verifier.verify(trim(presentation)));

  VerifiedCredential credential;
  // SdJwtVerifier's SD-JWT VC rules guarantee iss and vct are non-empty strings signed in the clear.
  credential.iss = verified.iss().value_or("");
  credential.vct = verified.vct().value_or("");
  if (credential.vct.empty()) return fail(ErrorCode::invalid_vct, "the credential has no vct");

  if (expectations.max_credential_age_seconds) {
    const Json& claims = verified.claims();
    const auto iat = claims.find("iat");
    if (iat == claims.end() || !iat->is_number()) {
      return fail(ErrorCode::invalid_time_claim, "the credential has no iat to check its age against");
    }
    const double issued_at = iat->get<double>();
    if (static_cast<double>(clock_.now()) - issued_at > static_cast<double>(*expectations.max_credential_age_seconds)) {
      return fail(ErrorCode::credential_too_old, "the credential was issued longer ago than the policy allows");
    }
  }

  credential.status = "unchecked";
  if (verified.claims().contains("status")) {
    // TSL §6.1: a status claim must be well-formed; a service checks it (TSL §8.3), the offline CLI cannot.
    VEIL_TRY(const auto status, CredentialStatus::from_claims(verified.claims()));
    if (status_ != nullptr) {
      VEIL_CHECK(status_->check(credential.iss, status.status_list()));
      credential.status = "valid";
    }
  }

  credential.disclosed = verified.disclosed();
  credential.key_binding = verified.key_binding();
  credential.claims = verified.claims();
  return credential;
}

}  // namespace veil::verifier
