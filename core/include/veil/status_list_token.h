// StatusListToken: a Status List signed into a JWT (draft-ietf-oauth-status-list §5.1): header typ
// "statuslist+jwt"; claims sub (the token's own URI), iat, optional exp and ttl, and status_list {bits, lst}.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "veil/clock.h"
#include "veil/credential_status.h"
#include "veil/error.h"
#include "veil/json.h"
#include "veil/jws.h"
#include "veil/signature_verifier.h"
#include "veil/signer.h"
#include "veil/status_list.h"

namespace veil {

/// kStatusListTokenTyp is the JWT typ a Status List Token must carry (TSL §5.1; RFC 8725 §3.11 explicit typing).
inline constexpr std::string_view kStatusListTokenTyp = "statuslist+jwt";

/// StatusListTokenClaims are the claims of a Status List Token. Times are NumericDates in whole seconds
/// (a fractional value read from a token is rounded down).
struct StatusListTokenClaims {
  std::string subject;                      // "sub": the URI the Referenced Token's status_list.uri names
  std::optional<std::string> issuer;        // "iss"
  std::int64_t issued_at = 0;               // "iat"
  std::optional<std::int64_t> expires_at;   // "exp"
  std::optional<std::int64_t> ttl_seconds;  // "ttl": positive; how long a consumer may cache the token
  StatusList status_list;
};

/// sign_status_list_token builds and signs a Status List Token for |claims| with |signer| (header typ
/// statuslist+jwt, alg and kid from the signer). Fails with invalid_argument when subject is empty or ttl is not
/// positive, and with internal_error when compression or signing fails.
Result<std::string> sign_status_list_token(const StatusListTokenClaims& claims, const Signer& signer);

/// parse_status_list_token_claims reads the claims of a Status List Token payload without any signature or time
/// check (use it on a verified payload, or for inspection). Fails with invalid_status_list_token when the payload
/// is not an object, sub is missing, empty or not a string, iss is present but not a string, ttl is present but
/// not a positive number, or status_list is missing; invalid_time_claim when iat is missing or iat/exp is not a
/// number (or out of range); and as StatusList::decode for the status_list object.
Result<StatusListTokenClaims> parse_status_list_token_claims(const Json& payload, const StatusListLimits& limits = {});

/// StatusListTokenPolicy is what a relying party decides, not the token.
struct StatusListTokenPolicy {
  std::int64_t max_clock_skew_seconds = 60;  // for exp, nbf and iat
  StatusListLimits limits;
};

/// verify_status_list_token checks a Status List Token fetched from |expected_uri| (TSL §8.3): typ must be
/// statuslist+jwt (else invalid_status_list_token_typ, checked before the signature), the signature must verify
/// with |verifier| (the caller resolves the issuer's key; failures as UnverifiedJws::verify), the claims must
/// parse (failures as parse_status_list_token_claims), sub must equal |expected_uri| by simple string comparison
/// (else status_list_subject_mismatch), exp must not have passed (exp <= now - skew: status_list_expired), and
/// nbf and iat must not lie in the future (token_not_yet_valid, issued_in_future).
[[nodiscard]] Result<StatusListTokenClaims> verify_status_list_token(const UnverifiedJws& token,
                                                                     const SignatureVerifier& verifier,
                                                                     std::string_view expected_uri,
                                                                     const Clock& clock,
                                                                     const StatusListTokenPolicy& policy = {});

/// check_token_status verifies |token| against |reference|.uri as verify_status_list_token does and returns the
/// status value at |reference|.idx (read it with status_type). Fails as verify_status_list_token, and with
/// status_index_out_of_range when idx is not below the number of statuses in the list.
[[nodiscard]] Result<std::uint8_t> check_token_status(const UnverifiedJws& token, const SignatureVerifier& verifier,
                                                      const StatusListReference& reference, const Clock& clock,
                                                      const StatusListTokenPolicy& policy = {});

}  // namespace veil
