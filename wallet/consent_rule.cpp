#include "wallet/consent_rule.h"

#include <algorithm>
#include <set>

namespace veil::wallet {
namespace {

constexpr std::size_t kMaxClientIdLength = 2048;
constexpr std::size_t kMaxCredentialIdLength = 128;
constexpr std::size_t kMaxRuleClaims = 64;
constexpr std::int64_t kMaxPerDayLimit = 1000;

// Exact prefix: unlike ClaimPath::starts_with, an index in the rule never stands for "every element", so a rule
// for nationalities[0] does not release a request for every nationality.
bool is_exact_prefix(const ClaimPath& prefix, const ClaimPath& path) {
  const auto& head = prefix.elements();
  const auto& full = path.elements();
  return head.size() <= full.size() && std::equal(head.begin(), head.end(), full.begin());
}

bool holds_wildcard(const ClaimPath& path) {
  return std::any_of(path.elements().begin(), path.elements().end(), [](const ClaimPathElement& element) {
    return std::holds_alternative<AllArrayElements>(element);
  });
}

Status invalid(const std::string& message) { return fail(ErrorCode::invalid_argument, message); }

Result<std::string> read_text(const Json& body, const char* name, std::size_t max_length) {
  if (!body.contains(name) || !body[name].is_string() || body[name].get_ref<const std::string&>().empty()) {
    return fail(ErrorCode::invalid_argument, std::string(name) + " must be a non-empty string");
  }
  const auto& text = body[name].get_ref<const std::string&>();
  if (text.size() > max_length) {
    return fail(ErrorCode::invalid_argument, std::string(name) + " is longer than " + std::to_string(max_length));
  }
  return text;
}

Result<std::int64_t> read_integer(const Json& body, const char* name) {
  if (!body.contains(name) || !body[name].is_number_integer()) {
    return fail(ErrorCode::invalid_argument, std::string(name) + " must be an integer");
  }
  return body[name].get<std::int64_t>();
}

Result<std::vector<ClaimPath>> read_claims(const Json& body) {
  if (!body.contains("claims") || !body["claims"].is_array() || body["claims"].empty()) {
    return fail(ErrorCode::invalid_argument, "claims must be a non-empty array of claim paths");
  }
  if (body["claims"].size() > kMaxRuleClaims) {
    return fail(ErrorCode::invalid_argument, "a rule names at most " + std::to_string(kMaxRuleClaims) + " claims");
  }
  std::vector<ClaimPath> paths;
  std::set<std::string> seen;
  for (const auto& entry : body["claims"]) {
    auto path = ClaimPath::from_json(entry);
    if (!path) return fail(ErrorCode::invalid_argument, "claims holds a malformed claim path: " + path.error().message);
    if (holds_wildcard(*path)) {
      return fail(ErrorCode::invalid_argument, "claim path " + path->to_dotted() + " holds the array wildcard: a rule names each claim it releases");
    }
    if (!seen.insert(path->to_json().dump()).second) {
      return fail(ErrorCode::invalid_argument, "claim path " + path->to_dotted() + " is named twice");
    }
    paths.push_back(std::move(*path));
  }
  return paths;
}

}  // namespace

bool ConsentRule::covers(const ClaimPath& claim) const {
  return std::any_of(claim_paths.begin(), claim_paths.end(),
                     [&](const ClaimPath& released) { return is_exact_prefix(released, claim); });
}

Json ConsentRule::to_json() const {
  Json claims = Json::array();
  for (const auto& path : claim_paths) claims.push_back(path.to_json());
  return Json{{"id", id},
              {"verifier_client_id", verifier_client_id},
              {"credential_id", credential_id},
              {"claims", std::move(claims)},
              {"created_at", created_at},
              {"expires_at", expires_at},
              {"max_per_day", max_per_day}};
}

Result<ConsentRule> parse_consent_rule(const Json& body, std::int64_t now) {
  if (!body.is_object()) return fail(ErrorCode::invalid_argument, "a consent rule is a JSON object");
  static const std::set<std::string> kMembers = {"verifier_client_id", "credential_id", "claims", "expires_at",
                                                 "max_per_day"};
  for (const auto& [name, value] : body.items()) {
    if (!kMembers.contains(name)) return fail(ErrorCode::invalid_argument, "unknown member " + name + " in a consent rule");
  }
  ConsentRule rule;
  VEIL_TRY(rule.verifier_client_id, read_text(body, "verifier_client_id", kMaxClientIdLength));
  VEIL_TRY(rule.credential_id, read_text(body, "credential_id", kMaxCredentialIdLength));
  VEIL_TRY(rule.claim_paths, read_claims(body));
  VEIL_TRY(rule.expires_at, read_integer(body, "expires_at"));
  VEIL_TRY(rule.max_per_day, read_integer(body, "max_per_day"));
  rule.created_at = now;
  if (rule.expires_at <= now) VEIL_CHECK(invalid("expires_at must lie in the future"));
  if (rule.expires_at - now > kMaxConsentRuleLifetimeSeconds) {
    VEIL_CHECK(invalid("expires_at must lie within a year: a standing consent is renewed at least yearly"));
  }
  if (rule.max_per_day < 1 || rule.max_per_day > kMaxPerDayLimit) {
    VEIL_CHECK(invalid("max_per_day must be between 1 and " + std::to_string(kMaxPerDayLimit)));
  }
  return rule;
}

Result<ConsentRule> consent_rule_from_json(const Json& stored) {
  ConsentRule rule;
  try {
    rule.id = stored.at("id").get<std::string>();
    rule.verifier_client_id = stored.at("verifier_client_id").get<std::string>();
    rule.credential_id = stored.at("credential_id").get<std::string>();
    for (const auto& entry : stored.at("claims")) {
      auto path = ClaimPath::from_json(entry);
      if (!path) return fail(ErrorCode::sealed_data_corrupt, "a stored consent rule holds a malformed claim path");
      rule.claim_paths.push_back(std::move(*path));
    }
    rule.created_at = stored.at("created_at").get<std::int64_t>();
    rule.expires_at = stored.at("expires_at").get<std::int64_t>();
    rule.max_per_day = stored.at("max_per_day").get<std::int64_t>();
  } catch (const Json::exception&) {
    return fail(ErrorCode::sealed_data_corrupt, "a stored consent rule is malformed");
  }
  return rule;
}

bool blocked_by_always_ask(const ClaimPath& claim, const std::vector<ClaimPath>& always_ask) {
  // Both directions: asking for "address" would release "address.country" too, and the reverse.
  return std::any_of(always_ask.begin(), always_ask.end(), [&](const ClaimPath& guarded) {
    return claim.starts_with(guarded) || guarded.starts_with(claim);
  });
}

}  // namespace veil::wallet
