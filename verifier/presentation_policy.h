// PresentationPolicy: what a relying party asks of a holder — a DCQL query (OpenID4VP 1.0 §6), either given as
// is or built from a simple policy — plus the verifier-side rules the query cannot carry (trusted issuers,
// maximum credential age).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "veil/dcql.h"
#include "veil/error.h"
#include "veil/json.h"

namespace veil::verifier {

/// kSimplePolicyCredentialId is the credential query id of a DCQL query built from a simple policy: results
/// are reported under it.
inline constexpr char kSimplePolicyCredentialId[] = "credential";

/// Bounds on a simple policy (a query with thousands of claims is a flood, not a request).
inline constexpr std::size_t kMaxPolicyVcts = 16;
inline constexpr std::size_t kMaxPolicyClaims = 64;
inline constexpr std::size_t kMaxPolicyOptionalClaims = 5;  // each may be withheld: 2^5 claim sets at most
inline constexpr std::size_t kMaxPolicyTrustedIssuers = 64;

/// PresentationPolicy is a validated policy: the DCQL query sent to the wallet and the rules the verifier
/// applies to each presented credential.
struct PresentationPolicy {
  DcqlQuery query;
  std::vector<std::string> trusted_issuers;              // empty: every issuer of the trust file
  std::optional<std::int64_t> max_credential_age_seconds;  // iat no older than this
};

/// parse_presentation_policy reads a policy object, one of two shapes:
///  - {"dcql_query": {...}} — a full DCQL query (DcqlQuery::from_json), or
///  - {"vct": ["https://..."], "claims": [["age_over_18"], "address.country", ...], "optional_claims": [...]} —
///    one dc+sd-jwt credential query with id "credential", requiring every claim of "claims" (a claims path
///    array or its dotted form); "optional_claims" are asked for too but the holder may withhold each of them
///    (claim_sets listing every combination, largest first). "vct" may also be one string.
/// Both shapes take "trusted_issuers" (array of iss strings) and "max_age_seconds" (positive integer). Fails
/// with invalid_policy naming the member for an unknown member, a wrong type, an empty or oversized list, a
/// duplicate or unparsable claim path, both shapes at once or neither; invalid_dcql_query for a bad dcql_query.
Result<PresentationPolicy> parse_presentation_policy(const Json& policy);

/// presentation_policy_to_json writes the policy back in its DCQL shape: {"dcql_query", "trusted_issuers",
/// "max_age_seconds"} (the last two only when set); parse_presentation_policy reads it back to an equal policy.
Json presentation_policy_to_json(const PresentationPolicy& policy);

}  // namespace veil::verifier
