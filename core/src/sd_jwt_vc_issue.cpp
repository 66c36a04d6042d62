// Issuing an SD-JWT VC (draft-ietf-oauth-sd-jwt-vc §2.2): the registered claims stay in the clear.
#include <algorithm>

#include "veil/sd_jwt_factory.h"
#include "veil/sd_jwt_issuer.h"
#include "veil/sd_jwt_vc.h"

namespace veil {

namespace {

// Members the issuer writes itself; a caller's claims must not set them.
constexpr std::array<std::string_view, 7> kIssuerControlled = {"iss", "vct", "cnf", "status", "iat", "exp", "nbf"};

}  // namespace

bool is_never_disclosable(std::string_view claim_name) {
  return std::find(kNeverDisclosable.begin(), kNeverDisclosable.end(), claim_name) != kNeverDisclosable.end();
}

Result<SdJwt> issue_sd_jwt_vc(const SdJwtVcIssueRequest& request, SaltSource& salts, const Signer& issuer) {
  if (request.iss.empty()) return fail(ErrorCode::invalid_iss, "iss is empty");
  if (request.vct.empty()) return fail(ErrorCode::invalid_vct, "vct is empty");
  if (!request.claims.is_object()) return fail(ErrorCode::invalid_claims, "claims are not a json object");
  for (std::string_view name : kIssuerControlled)
    if (request.claims.contains(name))
      return fail(ErrorCode::invalid_claims, "claims must not set \"" + std::string(name) + "\"");
  if (request.status_uri.has_value() != request.status_index.has_value())
    return fail(ErrorCode::invalid_argument, "status needs both a uri and an index");
  if (request.status_index && *request.status_index < 0)
    return fail(ErrorCode::invalid_argument, "status index is negative");

  std::set<std::string> never(kNeverDisclosable.begin(), kNeverDisclosable.end());
  DisclosureFrame frame = request.frame ? *request.frame : DisclosureFrame::everything(request.claims, never);
  // VC §2.2.2.3: these claims must be readable without any disclosure.
  if (auto listed = frame.to_json().find("_sd"); listed != frame.to_json().end() && listed->is_array()) {
    for (const Json& name : *listed)
      if (name.is_string() && is_never_disclosable(name.get<std::string>()))
        return fail(ErrorCode::forbidden_selective_disclosure,
                    "\"" + name.get<std::string>() + "\" must not be selectively disclosable");
  }
  // Nor may their insides be (cnf.jwk hidden behind a disclosure would break key binding).
  for (std::string_view name : kNeverDisclosable)
    if (frame.to_json().contains(name))
      return fail(ErrorCode::forbidden_selective_disclosure,
                  "\"" + std::string(name) + "\" must not contain selectively disclosable parts");

  Json claims = request.claims;
  claims["iss"] = request.iss;
  claims["vct"] = request.vct;
  claims["iat"] = request.iat;
  if (request.exp) claims["exp"] = *request.exp;
  if (request.nbf) claims["nbf"] = *request.nbf;
  if (request.holder_key) claims["cnf"] = Json{{"jwk", request.holder_key->to_json()}};
  if (request.status_uri)
    claims["status"] = Json{{"status_list", {{"idx", *request.status_index}, {"uri", *request.status_uri}}}};

  SdJwtFactoryOptions options;
  options.decoys_per_level = request.decoys_per_level;
  VEIL_TRY(UnsignedSdJwt unsigned_sd_jwt, build_sd_jwt(claims, frame, salts, options));
  return sign_sd_jwt(unsigned_sd_jwt, Json{{"typ", kSdJwtVcTyp}}, issuer);
}

}  // namespace veil
