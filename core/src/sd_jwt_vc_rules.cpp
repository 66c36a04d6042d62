#include "veil/sd_jwt_vc.h"

namespace veil {

Status check_sd_jwt_vc_typ(const Json& issuer_jwt_header, bool accept_legacy) {
  // VC §2.2.1: explicit typing (RFC 8725 §3.11) keeps other JWTs from being taken for credentials.
  const auto typ = issuer_jwt_header.find("typ");
  if (typ != issuer_jwt_header.end() && typ->is_string()) {
    const auto& value = typ->get_ref<const std::string&>();
    if (value == kSdJwtVcTyp) return {};
    if (accept_legacy && value == kLegacySdJwtVcTyp) return {};
  }
  return fail(ErrorCode::invalid_typ, "issuer-signed jwt typ is not dc+sd-jwt");
}

Status check_sd_jwt_vc_claims(const Json& issuer_signed_payload) {
  // VC §2.2.2.3: iss and vct are required and are never selectively disclosed, so they are in the signed payload.
  const auto iss = issuer_signed_payload.find("iss");
  if (iss == issuer_signed_payload.end() || !iss->is_string() || iss->get_ref<const std::string&>().empty()) {
    return fail(ErrorCode::invalid_iss, "iss is missing or not a non-empty string");
  }
  const auto vct = issuer_signed_payload.find("vct");
  if (vct == issuer_signed_payload.end() || !vct->is_string() || vct->get_ref<const std::string&>().empty()) {
    return fail(ErrorCode::invalid_vct, "vct is missing or not a non-empty string");
  }
  return {};
}

}  // namespace veil
