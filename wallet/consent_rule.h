// ConsentRule: a standing consent the holder wrote — "verifier X may receive these claims of this credential
// without asking me, until a date, at most N times a day" (issue 8) — and the reading of such a rule from the
// wallet API, where every member is checked before anything is stored.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "veil/claim_path.h"
#include "veil/error.h"
#include "veil/json.h"

namespace veil::wallet {

/// kConsentRuleWindowSeconds is the "day" of max_per_day: the last 24 hours, counted back from each request (a
/// calendar day would let a verifier ask 2N times around midnight).
inline constexpr std::int64_t kConsentRuleWindowSeconds = 24 * 60 * 60;

/// kMaxConsentRuleLifetimeSeconds bounds expires_at: a standing consent is renewed at least once a year.
inline constexpr std::int64_t kMaxConsentRuleLifetimeSeconds = 366 * 24 * 60 * 60;

/// ConsentRule is one standing consent. It covers a claim the verifier asks for when the claim is one of
/// |claim_paths| or lies inside one of them (a rule for "address" covers "address.country").
struct ConsentRule {
  std::string id;                  // assigned by the store; ignored on input
  std::string verifier_client_id;  // the full client_id, with its prefix, exactly as the request names it
  std::string credential_id;       // the stored credential whose claims the rule releases
  std::vector<ClaimPath> claim_paths;  // concrete paths: no array wildcard (a rule names what it releases)
  std::int64_t created_at = 0;
  std::int64_t expires_at = 0;     // the rule covers nothing from this time on
  std::int64_t max_per_day = 0;    // automatic answers in any kConsentRuleWindowSeconds, at least 1

  /// covers is true when |claim| is one of claim_paths or lies inside one of them.
  bool covers(const ClaimPath& claim) const;
  /// is_active is true before expires_at.
  bool is_active(std::int64_t now) const { return now < expires_at; }
  /// to_json renders {"id", "verifier_client_id", "credential_id", "claims": [DCQL path], "created_at",
  /// "expires_at", "max_per_day"} — what the wallet API and the sealed store row hold.
  Json to_json() const;
};

/// parse_consent_rule reads a rule the holder submits: {"verifier_client_id", "credential_id", "claims": [DCQL
/// path, ...], "expires_at", "max_per_day"} with created_at = |now|. Fails with invalid_argument naming the
/// member: a missing or empty client_id or credential_id, no claims, a path that is not a DCQL path or holds the
/// array wildcard (null), the same path twice, expires_at not after |now| or more than a year ahead, max_per_day
/// outside 1..1000, or any other member.
Result<ConsentRule> parse_consent_rule(const Json& body, std::int64_t now);

/// consent_rule_from_json reads a rule as to_json wrote it (the store's sealed row). Fails with
/// sealed_data_corrupt when a member is missing or malformed.
Result<ConsentRule> consent_rule_from_json(const Json& stored);

/// blocked_by_always_ask is true when |claim| equals, lies inside or contains one of |always_ask| — the claims the
/// holder wants to be asked about every time, which no rule can release.
bool blocked_by_always_ask(const ClaimPath& claim, const std::vector<ClaimPath>& always_ask);

}  // namespace veil::wallet
