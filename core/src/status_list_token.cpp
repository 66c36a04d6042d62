#include "veil/status_list_token.h"

#include <cmath>

#include "time_claims.h"

namespace veil {

namespace {

// NumericDates beyond +-2^53 seconds are not times anyone issues; bounding them keeps the int64 cast defined.
constexpr double kMaxSeconds = 9007199254740992.0;

Result<std::optional<std::int64_t>> read_seconds(const Json& payload, std::string_view name) {
  VEIL_TRY(const auto value, read_numeric_date(payload, name));
  if (!value) return std::optional<std::int64_t>{};
  if (!(*value >= -kMaxSeconds && *value <= kMaxSeconds)) {
    return fail(ErrorCode::invalid_time_claim, "time claim is out of range");
  }
  return std::optional<std::int64_t>{static_cast<std::int64_t>(std::floor(*value))};
}

}  // namespace

Result<std::string> sign_status_list_token(const StatusListTokenClaims& claims, const Signer& signer) {
  if (claims.subject.empty()) return fail(ErrorCode::invalid_argument, "status list token needs a subject uri");
  if (claims.ttl_seconds && *claims.ttl_seconds <= 0) return fail(ErrorCode::invalid_argument, "ttl must be positive");
  VEIL_TRY(auto status_list, claims.status_list.to_json());
  Json payload = Json::object();
  payload["sub"] = claims.subject;
  if (claims.issuer) payload["iss"] = *claims.issuer;
  payload["iat"] = claims.issued_at;
  if (claims.expires_at) payload["exp"] = *claims.expires_at;
  if (claims.ttl_seconds) payload["ttl"] = *claims.ttl_seconds;
  payload["status_list"] = std::move(status_list);
  Json header = Json::object();
  header["typ"] = std::string(kStatusListTokenTyp);
  return sign_jws_compact(header, payload, signer);
}

Result<StatusListTokenClaims> parse_status_list_token_claims(const Json& payload, const StatusListLimits& limits) {
  if (!payload.is_object()) return fail(ErrorCode::invalid_status_list_token, "payload is not an object");
  const auto sub = payload.find("sub");
  if (sub == payload.end() || !sub->is_string() || sub->get_ref<const std::string&>().empty()) {
    return fail(ErrorCode::invalid_status_list_token, "sub is missing or not a string");
  }
  std::optional<std::string> issuer;
  if (const auto iss = payload.find("iss"); iss != payload.end()) {
    if (!iss->is_string()) return fail(ErrorCode::invalid_status_list_token, "iss is not a string");
    issuer = iss->get<std::string>();
  }
  // TSL §5.1: iat is REQUIRED, exp OPTIONAL.
  VEIL_TRY(const auto iat, read_seconds(payload, "iat"));
  if (!iat) return fail(ErrorCode::invalid_time_claim, "iat is missing");
  VEIL_TRY(const auto exp, read_seconds(payload, "exp"));
  std::optional<std::int64_t> ttl;
  if (const auto ttl_member = payload.find("ttl"); ttl_member != payload.end()) {
    // TSL §5.1: ttl MUST be a positive number.
    if (!ttl_member->is_number() || !(ttl_member->get<double>() > 0) || ttl_member->get<double>() > kMaxSeconds) {
      return fail(ErrorCode::invalid_status_list_token, "ttl is not a positive number");
    }
    ttl = static_cast<std::int64_t>(std::ceil(ttl_member->get<double>()));
  }
  const auto status_list_member = payload.find("status_list");
  if (status_list_member == payload.end()) {
    return fail(ErrorCode::invalid_status_list_token, "status_list is missing");
  }
  VEIL_TRY(auto status_list, StatusList::decode(*status_list_member, limits));
  return StatusListTokenClaims{sub->get<std::string>(), std::move(issuer), *iat, exp, ttl, std::move(status_list)};
}

Result<StatusListTokenClaims> verify_status_list_token(const UnverifiedJws& token, const SignatureVerifier& verifier,
                                                       std::string_view expected_uri, const Clock& clock,
                                                       const StatusListTokenPolicy& policy) {
  // Explicit typing (TSL §5.1, RFC 8725 §3.11): no other JWT of the same issuer may pass as a status list.
  const auto typ = token.typ();
  if (!typ || *typ != kStatusListTokenTyp) {
    return fail(ErrorCode::invalid_status_list_token_typ, "status list token typ is not statuslist+jwt");
  }
  VEIL_TRY(const auto verified, token.verify(verifier));
  const Json& payload = verified.payload();
  // Time rules first (RFC 7519 validity precedes any status, TSL §7), but only once the claims have the right
  // types; the list itself is decoded last, so an expired token costs no inflation.
  VEIL_TRY(const auto exp, read_seconds(payload, "exp"));
  const std::int64_t now = clock.now();
  if (exp && *exp <= now - policy.max_clock_skew_seconds) {
    return fail(ErrorCode::status_list_expired, "status list token has expired");
  }
  VEIL_CHECK(check_time_claims(payload, now, policy.max_clock_skew_seconds));
  // TSL §8.3: sub must equal the uri the Referenced Token names, or the list may describe other tokens. Checked
  // before the list is inflated; a missing or non-string sub is reported by the claim parser.
  if (const auto sub = payload.find("sub"); sub != payload.end() && sub->is_string() && *sub != expected_uri) {
    return fail(ErrorCode::status_list_subject_mismatch, "status list token sub differs from the referenced uri");
  }
  return parse_status_list_token_claims(payload, policy.limits);
}

Result<std::uint8_t> check_token_status(const UnverifiedJws& token, const SignatureVerifier& verifier,
                                        const StatusListReference& reference, const Clock& clock,
                                        const StatusListTokenPolicy& policy) {
  VEIL_TRY(const auto claims, verify_status_list_token(token, verifier, reference.uri, clock, policy));
  return claims.status_list.get(reference.idx);
}

}  // namespace veil
