#include "wallet/standing_consent.h"

#include <algorithm>
#include <set>

namespace veil::wallet {
namespace {

// covering_rule returns the rule that releases every claim |candidate| would disclose, or nullptr.
const ConsentRule* covering_rule(const ConsentCandidate& candidate, std::string_view client_id,
                                 const std::vector<ConsentRule>& rules, const AlwaysAskClaims& always_ask) {
  std::vector<ClaimPath> asked = candidate.required_claims;
  asked.insert(asked.end(), candidate.optional_claims.begin(), candidate.optional_claims.end());
  if (asked.empty()) return nullptr;
  const auto marks = always_ask.find(candidate.credential_id);
  for (const auto& claim : asked) {
    if (marks != always_ask.end() && blocked_by_always_ask(claim, marks->second)) return nullptr;
  }
  for (const auto& rule : rules) {
    if (rule.verifier_client_id != client_id || rule.credential_id != candidate.credential_id) continue;
    if (std::all_of(asked.begin(), asked.end(), [&](const ClaimPath& claim) { return rule.covers(claim); })) {
      return &rule;
    }
  }
  return nullptr;
}

std::optional<std::vector<ClaimPath>> parse_path_list(const Json& body) {
  if (!body.is_object() || !body.contains("claims") || !body["claims"].is_array() || body.size() != 1) return std::nullopt;
  std::vector<ClaimPath> paths;
  for (const auto& entry : body["claims"]) {
    auto path = ClaimPath::from_json(entry);
    if (!path) return std::nullopt;
    paths.push_back(std::move(*path));
  }
  return paths;
}

}  // namespace

std::optional<AutomaticApproval> find_automatic_approval(const ConsentPlan& plan, std::string_view client_id,
                                                         const std::vector<ConsentRule>& rules,
                                                         const AlwaysAskClaims& always_ask) {
  AutomaticApproval automatic;
  std::set<std::string> answered_queries;
  for (const auto& set : plan.credential_sets) {
    // An optional set the holder cannot answer asks nothing of the holder; every other set must be covered.
    if (!set.required && !set.satisfiable_option) continue;
    bool covered = false;
    for (const auto& option : set.options) {
      struct Pick {
        const ConsentCredentialQuery* query;
        const ConsentCandidate* candidate;
        const ConsentRule* rule;
      };
      std::vector<Pick> picks;
      for (const auto& query_id : option) {
        const ConsentCredentialQuery* query = plan.find(query_id);
        if (query == nullptr) break;
        for (const auto& candidate : query->candidates) {
          if (const ConsentRule* rule = covering_rule(candidate, client_id, rules, always_ask)) {
            picks.push_back({query, &candidate, rule});
            break;
          }
        }
        if (picks.empty() || picks.back().query != query) break;  // this query has no covered candidate
      }
      if (picks.size() != option.size()) continue;
      for (const auto& pick : picks) {
        if (!answered_queries.insert(pick.query->id).second) continue;
        automatic.approval.credentials.push_back(
            {pick.query->id, pick.candidate->credential_id, pick.candidate->optional_claims});
        automatic.rule_by_credential[pick.candidate->credential_id] = pick.rule->id;
      }
      covered = true;
      break;
    }
    if (!covered) return std::nullopt;
  }
  if (automatic.approval.credentials.empty()) return std::nullopt;
  return automatic;
}

Result<Json> StandingConsent::list_rules() {
  VEIL_TRY(auto rules, store_.list_consent_rules());
  const std::int64_t now = clock_.now();
  Json list = Json::array();
  for (const auto& rule : rules) {
    VEIL_TRY(auto uses, store_.consent_rule_uses(rule.id, now - kConsentRuleWindowSeconds));
    Json entry = rule.to_json();
    entry["active"] = rule.is_active(now);
    entry["uses_last_24h"] = uses;
    list.push_back(std::move(entry));
  }
  return Json{{"rules", std::move(list)}};
}

Result<Json> StandingConsent::add_rule(const Json& body) {
  VEIL_TRY(auto rule, parse_consent_rule(body, clock_.now()));
  VEIL_TRY(auto marks, store_.always_ask(rule.credential_id));
  for (const auto& claim : rule.claim_paths) {
    if (blocked_by_always_ask(claim, marks)) {
      return fail(ErrorCode::invalid_argument,
                  "claim " + claim.to_dotted() + " is marked \"always ask\": no rule may release it");
    }
  }
  VEIL_TRY(rule.id, store_.add_consent_rule(rule));
  return rule.to_json();
}

Status StandingConsent::delete_rule(std::string_view rule_id) { return store_.delete_consent_rule(rule_id); }

Result<Json> StandingConsent::always_ask(std::string_view credential_id) {
  VEIL_TRY(auto credential, store_.find_credential(credential_id));
  VEIL_TRY(auto marks, store_.always_ask(credential.id));
  Json claims = Json::array();
  for (const auto& path : marks) claims.push_back(path.to_json());
  return Json{{"credential_id", credential.id}, {"claims", std::move(claims)}};
}

Result<Json> StandingConsent::set_always_ask(std::string_view credential_id, const Json& body) {
  auto paths = parse_path_list(body);
  if (!paths) return fail(ErrorCode::invalid_argument, "the body must be {\"claims\": [claim path, ...]} and nothing else");
  VEIL_CHECK(store_.set_always_ask(credential_id, *paths));
  return always_ask(credential_id);
}

Result<std::optional<AutomaticApproval>> StandingConsent::claim_automatic_approval(const ConsentPlan& plan,
                                                                                   std::string_view client_id) {
  VEIL_TRY(auto all_rules, store_.list_consent_rules());
  const std::int64_t now = clock_.now();
  const std::int64_t window_start = now - kConsentRuleWindowSeconds;
  std::vector<ConsentRule> usable;
  for (auto& rule : all_rules) {
    if (rule.verifier_client_id != client_id || !rule.is_active(now)) continue;
    VEIL_TRY(auto uses, store_.consent_rule_uses(rule.id, window_start));
    if (uses < rule.max_per_day) usable.push_back(std::move(rule));
  }
  if (usable.empty()) return std::optional<AutomaticApproval>();
  AlwaysAskClaims marks;
  for (const auto& query : plan.credential_queries) {
    for (const auto& candidate : query.candidates) {
      if (marks.contains(candidate.credential_id)) continue;
      VEIL_TRY(marks[candidate.credential_id], store_.always_ask(candidate.credential_id));
    }
  }
  auto automatic = find_automatic_approval(plan, client_id, usable, marks);
  if (!automatic) return automatic;
  std::set<std::string> claimed;
  for (const auto& [credential_id, rule_id] : automatic->rule_by_credential) {
    if (!claimed.insert(rule_id).second) continue;
    const auto rule = std::find_if(usable.begin(), usable.end(), [&id = rule_id](const ConsentRule& r) { return r.id == id; });
    VEIL_TRY(bool recorded, store_.use_consent_rule(rule_id, now, window_start, rule->max_per_day));
    if (!recorded) return std::optional<AutomaticApproval>();
  }
  return automatic;
}

}  // namespace veil::wallet
