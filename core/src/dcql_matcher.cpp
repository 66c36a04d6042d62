#include <algorithm>
#include <set>

#include "veil/dcql.h"

namespace veil {

namespace {

// §7.2: a value matches when type and value both equal one of the accepted values (a string "1" is not 1).
bool value_accepted(const Json& value, const std::vector<Json>& accepted) {
  for (const Json& candidate : accepted) {
    if (value.is_string() != candidate.is_string() || value.is_boolean() != candidate.is_boolean()) continue;
    if (value.is_number_integer() != candidate.is_number_integer()) continue;
    if (value == candidate) return true;
  }
  return false;
}

bool claim_matches(const Json& claims, const DcqlClaimQuery& claim) {
  auto selected = dcql_select(claims, claim.path);
  if (!selected) return false;
  if (claim.values.empty()) return true;
  return std::any_of(selected->begin(), selected->end(),
                     [&](const Json* value) { return value_accepted(*value, claim.values); });
}

// §6.4.1: without claim_sets every claims query must match; with them, the first set whose claims all match.
std::optional<std::pair<std::vector<ClaimPath>, std::optional<std::size_t>>> select_claims(
    const DcqlCredentialQuery& query, const Json& claims) {
  std::vector<ClaimPath> paths;
  if (query.claim_sets.empty()) {
    for (const DcqlClaimQuery& claim : query.claims) {
      if (!claim_matches(claims, claim)) return std::nullopt;
      paths.push_back(claim.path);
    }
    return std::make_pair(std::move(paths), std::optional<std::size_t>());
  }
  for (std::size_t i = 0; i < query.claim_sets.size(); ++i) {
    paths.clear();
    bool all = true;
    for (const std::string& claim_id : query.claim_sets[i]) {
      const DcqlClaimQuery* claim = query.find_claim(claim_id);
      if (claim == nullptr || !claim_matches(claims, *claim)) {
        all = false;
        break;
      }
      paths.push_back(claim->path);
    }
    if (all) return std::make_pair(std::move(paths), std::optional<std::size_t>(i));
  }
  return std::nullopt;
}

bool vct_accepted(const DcqlCredentialQuery& query, const std::string& vct) {
  return std::find(query.vct_values.begin(), query.vct_values.end(), vct) != query.vct_values.end();
}

// The credential sets to evaluate: the query's, or one required single-option set per credential query (§6.4.2:
// without credential_sets every credential query is requested).
std::vector<DcqlCredentialSetQuery> effective_sets(const DcqlQuery& query) {
  if (!query.credential_sets().empty()) return query.credential_sets();
  std::vector<DcqlCredentialSetQuery> sets;
  for (const DcqlCredentialQuery& credential : query.credentials())
    sets.push_back(DcqlCredentialSetQuery{{{credential.id}}, true});
  return sets;
}

// Filter |node| to the path suffixes in |tails|; nullopt when nothing is selected.
std::optional<Json> filter_node(const Json& node, const std::vector<std::vector<ClaimPathElement>>& tails) {
  for (const auto& tail : tails)
    if (tail.empty()) return node;
  if (node.is_object()) {
    std::map<std::string, std::vector<std::vector<ClaimPathElement>>> by_name;
    for (const auto& tail : tails)
      if (const auto* name = std::get_if<std::string>(&tail.front()))
        by_name[*name].emplace_back(tail.begin() + 1, tail.end());
    Json out = Json::object();
    for (auto& [name, rest] : by_name) {
      auto member = node.find(name);
      if (member == node.end()) continue;
      if (auto kept = filter_node(*member, rest)) out[name] = std::move(*kept);
    }
    if (out.empty()) return std::nullopt;
    return out;
  }
  if (node.is_array()) {
    Json out = Json::array();
    for (std::size_t i = 0; i < node.size(); ++i) {
      std::vector<std::vector<ClaimPathElement>> rest;
      for (const auto& tail : tails) {
        const auto* index = std::get_if<std::size_t>(&tail.front());
        if (std::holds_alternative<AllArrayElements>(tail.front()) || (index != nullptr && *index == i))
          rest.emplace_back(tail.begin() + 1, tail.end());
      }
      if (rest.empty()) continue;
      if (auto kept = filter_node(node[i], rest)) out.push_back(std::move(*kept));
    }
    if (out.empty()) return std::nullopt;
    return out;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::vector<const Json*>> dcql_select(const Json& claims, const ClaimPath& path) {
  // §7.2: start with the root; each component maps the selection; a type mismatch aborts; empty at the end aborts.
  std::vector<const Json*> selected{&claims};
  for (const ClaimPathElement& element : path.elements()) {
    std::vector<const Json*> next;
    for (const Json* current : selected) {
      if (const auto* name = std::get_if<std::string>(&element)) {
        if (!current->is_object()) return std::nullopt;
        if (auto it = current->find(*name); it != current->end()) next.push_back(&*it);
      } else if (const auto* index = std::get_if<std::size_t>(&element)) {
        if (!current->is_array()) return std::nullopt;
        if (*index < current->size()) next.push_back(&(*current)[*index]);
      } else {
        if (!current->is_array()) return std::nullopt;
        for (const Json& item : *current) next.push_back(&item);
      }
    }
    selected = std::move(next);
  }
  if (selected.empty()) return std::nullopt;
  return selected;
}

Json dcql_filter_claims(const Json& claims, const std::vector<ClaimPath>& paths) {
  if (paths.empty() || !claims.is_object()) return Json::object();
  std::vector<std::vector<ClaimPathElement>> tails;
  for (const ClaimPath& path : paths) tails.push_back(path.elements());
  auto kept = filter_node(claims, tails);
  if (!kept || !kept->is_object()) return Json::object();
  return std::move(*kept);
}

std::optional<DcqlCandidateMatch> dcql_match_candidate(const DcqlCredentialQuery& query,
                                                       const DcqlCandidate& candidate) {
  if (query.format != kDcqlFormatSdJwtVc) return std::nullopt;
  if (!vct_accepted(query, candidate.vct)) return std::nullopt;
  if (query.require_cryptographic_holder_binding && !candidate.has_holder_binding) return std::nullopt;
  auto selection = select_claims(query, candidate.claims);
  if (!selection) return std::nullopt;
  DcqlCandidateMatch match{candidate.handle, std::move(selection->first), selection->second, {}, {}, {}};
  if (query.claim_sets.empty()) {
    match.required_paths = match.disclosed_paths;
    return match;
  }
  for (std::size_t i = *match.claim_set; i < query.claim_sets.size(); ++i) {
    bool all = std::all_of(query.claim_sets[i].begin(), query.claim_sets[i].end(), [&](const std::string& id) {
      const DcqlClaimQuery* claim = query.find_claim(id);
      return claim != nullptr && claim_matches(candidate.claims, *claim);
    });
    if (all) match.satisfiable_claim_sets.push_back(i);
  }
  // A claim of the chosen set is required when every satisfiable set asks for it; the others the holder may
  // withhold by falling back to a later set (§6.4.1 lets the wallet answer with any satisfiable option).
  for (const std::string& id : query.claim_sets[*match.claim_set]) {
    bool everywhere = std::all_of(match.satisfiable_claim_sets.begin(), match.satisfiable_claim_sets.end(),
                                  [&](std::size_t set) {
                                    const auto& ids = query.claim_sets[set];
                                    return std::find(ids.begin(), ids.end(), id) != ids.end();
                                  });
    (everywhere ? match.required_paths : match.optional_paths).push_back(query.find_claim(id)->path);
  }
  return match;
}

std::optional<std::vector<ClaimPath>> dcql_paths_without(const DcqlCredentialQuery& query,
                                                         const DcqlCandidateMatch& match,
                                                         const std::vector<ClaimPath>& withheld) {
  auto is_withheld = [&](const ClaimPath& path) {
    return std::find(withheld.begin(), withheld.end(), path) != withheld.end();
  };
  if (query.claim_sets.empty()) {
    if (std::any_of(match.disclosed_paths.begin(), match.disclosed_paths.end(), is_withheld)) return std::nullopt;
    return match.disclosed_paths;
  }
  for (std::size_t set : match.satisfiable_claim_sets) {
    std::vector<ClaimPath> paths;
    for (const std::string& id : query.claim_sets.at(set)) {
      const DcqlClaimQuery* claim = query.find_claim(id);
      if (claim != nullptr) paths.push_back(claim->path);
    }
    if (std::none_of(paths.begin(), paths.end(), is_withheld)) return paths;
  }
  return std::nullopt;
}

const DcqlCredentialResult* DcqlMatchResult::find(std::string_view id) const {
  for (const DcqlCredentialResult& credential : credentials)
    if (credential.credential_query_id == id) return &credential;
  return nullptr;
}

DcqlMatchResult match_dcql(const DcqlQuery& query, const std::vector<DcqlCandidate>& candidates) {
  DcqlMatchResult result;
  for (const DcqlCredentialQuery& credential : query.credentials()) {
    DcqlCredentialResult entry;
    entry.credential_query_id = credential.id;
    entry.multiple = credential.multiple;
    entry.requirement = DcqlRequirement::not_needed;
    for (const DcqlCandidate& candidate : candidates)
      if (auto match = dcql_match_candidate(credential, candidate)) entry.matches.push_back(std::move(*match));
    result.credentials.push_back(std::move(entry));
  }

  // §6.4.2: each required set needs one satisfiable option; the wallet takes the first one (in preference order).
  result.satisfiable = true;
  for (const DcqlCredentialSetQuery& set : effective_sets(query)) {
    DcqlCredentialSetResult set_result{set.required, set.options, std::nullopt};
    for (std::size_t i = 0; i < set.options.size() && !set_result.chosen_option; ++i) {
      bool all = std::all_of(set.options[i].begin(), set.options[i].end(), [&](const std::string& id) {
        const DcqlCredentialResult* entry = result.find(id);
        return entry != nullptr && !entry->matches.empty();
      });
      if (all) set_result.chosen_option = i;
    }
    if (set_result.chosen_option) {
      DcqlRequirement level = set.required ? DcqlRequirement::required : DcqlRequirement::optional;
      for (const std::string& id : set.options[*set_result.chosen_option])
        for (DcqlCredentialResult& entry : result.credentials)
          if (entry.credential_query_id == id &&
              (entry.requirement == DcqlRequirement::not_needed || level == DcqlRequirement::required))
            entry.requirement = level;
    } else if (set.required) {
      result.satisfiable = false;
    }
    result.credential_sets.push_back(std::move(set_result));
  }
  return result;
}

std::vector<ClaimPath> dcql_requested_paths(const DcqlCredentialQuery& query) {
  std::vector<ClaimPath> paths;
  for (const DcqlClaimQuery& claim : query.claims) paths.push_back(claim.path);
  return paths;
}

Json dcql_filter_to_query(const DcqlCredentialQuery& query, const Json& claims) {
  return dcql_filter_claims(claims, dcql_requested_paths(query));
}

Status check_presentation_satisfies(const DcqlQuery& query,
                                    const std::map<std::string, std::vector<DcqlPresentedCredential>>& response) {
  auto unsatisfied = [](std::string message) { return fail(ErrorCode::dcql_query_not_satisfied, std::move(message)); };
  // P10: the verifier re-checks every presented credential itself; nothing the wallet "filtered" is trusted.
  for (const auto& [id, presented] : response) {
    const DcqlCredentialQuery* credential = query.find_credential(id);
    if (credential == nullptr) return unsatisfied("response names an unknown credential query");
    if (presented.empty()) return unsatisfied("credential query " + id + " has an empty presentation list");
    if (presented.size() > 1 && !credential->multiple)
      return unsatisfied("credential query " + id + " allows one credential, the response has several");
    if (credential->format != kDcqlFormatSdJwtVc)
      return unsatisfied("credential query " + id + " asks for an unsupported format");
    for (const DcqlPresentedCredential& one : presented) {
      if (!vct_accepted(*credential, one.vct))
        return unsatisfied("credential query " + id + ": vct is not one of meta.vct_values");
      if (credential->require_cryptographic_holder_binding && !one.holder_bound)
        return unsatisfied("credential query " + id + ": holder binding is required");
      if (!select_claims(*credential, one.claims)) {
        for (const DcqlClaimQuery& claim : credential->claims)
          if (credential->claim_sets.empty() && !claim_matches(one.claims, claim))
            return unsatisfied("credential query " + id + ": claim " + claim.path.to_dotted() +
                               " is missing or has none of the requested values");
        return unsatisfied("credential query " + id + ": no claim set is satisfied");
      }
    }
  }
  for (const DcqlCredentialSetQuery& set : effective_sets(query)) {
    if (!set.required) continue;
    bool any = std::any_of(set.options.begin(), set.options.end(), [&](const std::vector<std::string>& option) {
      return std::all_of(option.begin(), option.end(), [&](const std::string& id) { return response.count(id) > 0; });
    });
    if (!any) {
      std::string names;
      for (const auto& option : set.options)
        for (const std::string& id : option) names += (names.empty() ? "" : ", ") + id;
      return unsatisfied("response answers no option of a required credential set (" + names + ")");
    }
  }
  return {};
}

}  // namespace veil
