#include "verifier/presentation_policy.h"

#include <algorithm>
#include <bit>
#include <set>

namespace veil::verifier {
namespace {

tl::unexpected<Error> invalid(const std::string& message) { return fail(ErrorCode::invalid_policy, message); }

Result<ClaimPath> read_path(const Json& value, const std::string& where) {
  auto path = value.is_string() ? ClaimPath::parse_dotted(value.get_ref<const std::string&>()) : ClaimPath::from_json(value);
  if (!path) return invalid(where + " is not a claims path (an array like [\"address\", \"country\"] or \"address.country\")");
  return path;
}

Result<std::vector<ClaimPath>> read_paths(const Json& policy, const char* member, std::size_t max) {
  std::vector<ClaimPath> out;
  if (!policy.contains(member)) return out;
  const Json& paths = policy[member];
  if (!paths.is_array()) return invalid(std::string(member) + " is not an array of claims paths");
  if (paths.size() > max) return invalid(std::string(member) + " has more than " + std::to_string(max) + " entries");
  for (std::size_t i = 0; i < paths.size(); ++i) {
    VEIL_TRY(auto path, read_path(paths[i], std::string(member) + "[" + std::to_string(i) + "]"));
    out.push_back(std::move(path));
  }
  return out;
}

Result<std::vector<std::string>> read_strings(const Json& value, const std::string& member, std::size_t max) {
  std::vector<std::string> out;
  const Json list = value.is_string() ? Json::array({value}) : value;
  if (!list.is_array() || list.empty() || list.size() > max) {
    return invalid(member + " must be a non-empty array of at most " + std::to_string(max) + " strings");
  }
  for (const Json& entry : list) {
    if (!entry.is_string() || entry.get_ref<const std::string&>().empty()) {
      return invalid(member + " must hold non-empty strings");
    }
    if (std::find(out.begin(), out.end(), entry.get<std::string>()) != out.end()) {
      return invalid(member + " names the same value twice");
    }
    out.push_back(entry.get<std::string>());
  }
  return out;
}

// The simple policy as one dc+sd-jwt Credential Query (OpenID4VP 1.0 §6.1). Required claims alone need no
// claim_sets; with optional ones, claim_sets lists every combination the holder may choose, the fullest first
// (§6.4.1: the wallet picks the first option it can and wants to satisfy).
Result<Json> simple_policy_query(const Json& policy) {
  if (!policy.contains("vct")) return invalid("give vct (with claims) or dcql_query");
  VEIL_TRY(auto vcts, read_strings(policy["vct"], "vct", kMaxPolicyVcts));
  VEIL_TRY(auto required, read_paths(policy, "claims", kMaxPolicyClaims));
  VEIL_TRY(auto optional, read_paths(policy, "optional_claims", kMaxPolicyOptionalClaims));
  if (required.size() + optional.size() > kMaxPolicyClaims) return invalid("too many claims");
  std::set<std::string> seen;
  for (const auto* list : {&required, &optional}) {
    for (const ClaimPath& path : *list) {
      if (!seen.insert(path.to_json().dump()).second) return invalid("claim path " + path.to_dotted() + " is named twice");
    }
  }

  Json credential = {{"id", kSimplePolicyCredentialId}, {"format", kDcqlFormatSdJwtVc}, {"meta", {{"vct_values", vcts}}}};
  Json claims = Json::array();
  std::vector<std::string> required_ids;
  std::vector<std::string> optional_ids;
  for (std::size_t i = 0; i < required.size(); ++i) {
    required_ids.push_back("r" + std::to_string(i));
    claims.push_back({{"id", required_ids.back()}, {"path", required[i].to_json()}});
  }
  for (std::size_t i = 0; i < optional.size(); ++i) {
    optional_ids.push_back("o" + std::to_string(i));
    claims.push_back({{"id", optional_ids.back()}, {"path", optional[i].to_json()}});
  }
  if (!claims.empty()) credential["claims"] = claims;
  if (!optional.empty()) {
    std::vector<unsigned> masks;
    for (unsigned mask = 0; mask < (1u << optional.size()); ++mask) masks.push_back(mask);
    std::stable_sort(masks.begin(), masks.end(), [](unsigned a, unsigned b) { return std::popcount(a) > std::popcount(b); });
    Json claim_sets = Json::array();
    for (unsigned mask : masks) {
      std::vector<std::string> set = required_ids;
      for (std::size_t i = 0; i < optional.size(); ++i) {
        if ((mask >> i) & 1u) set.push_back(optional_ids[i]);
      }
      if (!set.empty()) claim_sets.push_back(set);  // §6.1: an option names at least one claim
    }
    credential["claim_sets"] = claim_sets;
  }
  return Json{{"credentials", Json::array({credential})}};
}

}  // namespace

Result<PresentationPolicy> parse_presentation_policy(const Json& policy) {
  if (!policy.is_object()) return invalid("the policy must be a JSON object");
  static const std::set<std::string, std::less<>> kMembers = {"dcql_query", "vct", "claims", "optional_claims",
                                                               "trusted_issuers", "max_age_seconds"};
  for (const auto& [name, value] : policy.items()) {
    if (!kMembers.contains(name)) return invalid("\"" + name + "\" is not a policy member");
  }
  const bool simple = policy.contains("vct") || policy.contains("claims") || policy.contains("optional_claims");
  if (policy.contains("dcql_query") && simple) return invalid("give either dcql_query or vct/claims, not both");

  Json query_json;
  if (policy.contains("dcql_query")) {
    query_json = policy["dcql_query"];
  } else {
    VEIL_TRY(query_json, simple_policy_query(policy));
  }
  VEIL_TRY(auto query, DcqlQuery::from_json(query_json));
  PresentationPolicy out{std::move(query), {}, std::nullopt};
  if (policy.contains("trusted_issuers")) {
    VEIL_TRY(out.trusted_issuers, read_strings(policy["trusted_issuers"], "trusted_issuers", kMaxPolicyTrustedIssuers));
  }
  if (policy.contains("max_age_seconds")) {
    const Json& age = policy["max_age_seconds"];
    if (!age.is_number_integer() || age.get<std::int64_t>() < 1 || age.get<std::int64_t>() > 100LL * 365 * 86400) {
      return invalid("max_age_seconds must be a positive integer");
    }
    out.max_credential_age_seconds = age.get<std::int64_t>();
  }
  return out;
}

Json presentation_policy_to_json(const PresentationPolicy& policy) {
  Json out = {{"dcql_query", policy.query.to_json()}};
  if (!policy.trusted_issuers.empty()) out["trusted_issuers"] = policy.trusted_issuers;
  if (policy.max_credential_age_seconds) out["max_age_seconds"] = *policy.max_credential_age_seconds;
  return out;
}

}  // namespace veil::verifier
