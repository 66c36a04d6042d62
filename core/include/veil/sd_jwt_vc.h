// SdJwtVc: the SD-JWT VC profile (draft-ietf-oauth-sd-jwt-vc): typ, vct, and the claims that may never be
// selectively disclosable.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "veil/disclosure_frame.h"
#include "veil/error.h"
#include "veil/jwk.h"
#include "veil/json.h"
#include "veil/salt_source.h"
#include "veil/sd_jwt.h"
#include "veil/signer.h"

namespace veil {

inline constexpr char kSdJwtVcTyp[] = "dc+sd-jwt";
/// kLegacySdJwtVcTyp is the media type drafts before -06 used; accepted on input only (VC §2.2.1).
inline constexpr char kLegacySdJwtVcTyp[] = "vc+sd-jwt";

/// kNeverDisclosable lists the claims SD-JWT VC forbids as Disclosures (VC §2.2.2.3 and the status and type
/// integrity claims).
inline constexpr std::array<std::string_view, 8> kNeverDisclosable = {
    "iss", "nbf", "exp", "cnf", "vct", "vct#integrity", "aka_vcts", "status"};

/// is_never_disclosable is true for the names in kNeverDisclosable.
bool is_never_disclosable(std::string_view claim_name);

/// SdJwtVcIssueRequest describes one credential to issue.
struct SdJwtVcIssueRequest {
  std::string iss;
  std::string vct;
  Json claims = Json::object();          // the subject's claims (must not set iss, vct, cnf, status, iat, exp)
  std::optional<DisclosureFrame> frame;  // default: DisclosureFrame::everything(claims, never disclosable)
  std::optional<Jwk> holder_key;         // becomes cnf.jwk
  std::int64_t iat = 0;
  std::optional<std::int64_t> exp;
  std::optional<std::int64_t> nbf;
  std::optional<std::string> status_uri; // with status_index: status.status_list {idx, uri}
  std::optional<std::int64_t> status_index;
  std::size_t decoys_per_level = 0;
};

/// issue_sd_jwt_vc builds and signs an SD-JWT VC with typ dc+sd-jwt. Fails with invalid_vct / invalid_iss for
/// empty identifiers, forbidden_selective_disclosure when the frame makes a never-disclosable claim
/// disclosable, invalid_claims when the claims set a member the issuer controls (iss, vct, cnf, status, iat,
/// exp, nbf), and with build_sd_jwt's and the signer's errors.
Result<SdJwt> issue_sd_jwt_vc(const SdJwtVcIssueRequest& request, SaltSource& salts, const Signer& issuer);

/// check_sd_jwt_vc_typ accepts dc+sd-jwt, and vc+sd-jwt only when |accept_legacy|; otherwise invalid_typ.
Status check_sd_jwt_vc_typ(const Json& issuer_jwt_header, bool accept_legacy);

/// check_sd_jwt_vc_claims checks the Issuer-signed payload (before disclosures are applied): iss and vct
/// present as non-empty strings (invalid_iss, invalid_vct).
Status check_sd_jwt_vc_claims(const Json& issuer_signed_payload);

}  // namespace veil
