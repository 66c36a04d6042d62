#include "wallet/consent_plan.h"

#include <algorithm>
#include <map>
#include <set>

namespace veil::wallet {

namespace {

bool contains(const std::vector<ClaimPath>& paths, const ClaimPath& path) {
  return std::find(paths.begin(), paths.end(), path) != paths.end();
}

std::vector<ClaimPath> paths_of_set(const DcqlCredentialQuery& query, std::size_t set) {
  std::vector<ClaimPath> paths;
  for (const std::string& id : query.claim_sets.at(set))
    if (const DcqlClaimQuery* claim = query.find_claim(id)) paths.push_back(claim->path);
  return paths;
}

// §6.4.1: with claim_sets the wallet may answer with any satisfiable set; a claim every such set asks for cannot
// be withheld, the others can (by answering with a set without them).
ConsentCandidate candidate_of(const DcqlCredentialQuery& query, const DcqlCandidateMatch& match) {
  ConsentCandidate candidate;
  candidate.credential_id = match.handle;
  if (query.claim_sets.empty()) {
    candidate.required_claims = match.disclosed_paths;
    candidate.claim_sets.push_back(match.disclosed_paths);
    return candidate;
  }
  for (std::size_t set : match.satisfiable_claim_sets) candidate.claim_sets.push_back(paths_of_set(query, set));
  for (const auto& paths : candidate.claim_sets) {
    for (const ClaimPath& path : paths) {
      bool everywhere = std::all_of(candidate.claim_sets.begin(), candidate.claim_sets.end(),
                                    [&](const std::vector<ClaimPath>& other) { return contains(other, path); });
      auto& list = everywhere ? candidate.required_claims : candidate.optional_claims;
      if (!contains(list, path)) list.push_back(path);
    }
  }
  return candidate;
}

std::string_view requirement_name(DcqlRequirement requirement) {
  switch (requirement) {
    case DcqlRequirement::required: return "required";
    case DcqlRequirement::optional: return "optional";
    case DcqlRequirement::not_needed: return "not_needed";
  }
  return "not_needed";
}

Json paths_json(const std::vector<ClaimPath>& paths) {
  Json out = Json::array();
  for (const ClaimPath& path : paths) out.push_back(path.to_json());
  return out;
}

tl::unexpected<Error> not_satisfied(std::string message) {
  return fail(ErrorCode::dcql_query_not_satisfied, std::move(message));
}

std::string join(const std::vector<std::string>& ids) {
  std::string out;
  for (const std::string& id : ids) out += (out.empty() ? "" : ", ") + id;
  return out;
}

}  // namespace

const ConsentCandidate* ConsentCredentialQuery::find(std::string_view credential_id) const {
  for (const ConsentCandidate& candidate : candidates)
    if (candidate.credential_id == credential_id) return &candidate;
  return nullptr;
}

const ConsentCredentialQuery* ConsentPlan::find(std::string_view id) const {
  for (const ConsentCredentialQuery& entry : credential_queries)
    if (entry.id == id) return &entry;
  return nullptr;
}

Json ConsentPlan::to_json() const {
  Json queries = Json::array();
  for (const ConsentCredentialQuery& entry : credential_queries) {
    Json candidates = Json::array();
    for (const ConsentCandidate& candidate : entry.candidates) {
      Json sets = Json::array();
      for (const auto& set : candidate.claim_sets) sets.push_back(paths_json(set));
      candidates.push_back({{"credential_id", candidate.credential_id},
                            {"required_claims", paths_json(candidate.required_claims)},
                            {"optional_claims", paths_json(candidate.optional_claims)},
                            {"claim_sets", std::move(sets)}});
    }
    queries.push_back({{"id", entry.id},
                       {"requirement", requirement_name(entry.requirement)},
                       {"multiple", entry.multiple},
                       {"vct_values", entry.vct_values},
                       {"candidates", std::move(candidates)}});
  }
  Json sets = Json::array();
  for (const ConsentCredentialSet& set : credential_sets) {
    Json entry{{"required", set.required}, {"options", set.options}};
    entry["satisfiable_option"] = set.satisfiable_option ? Json(*set.satisfiable_option) : Json(nullptr);
    sets.push_back(std::move(entry));
  }
  return {{"satisfiable", satisfiable},
          {"missing", missing},
          {"credential_queries", std::move(queries)},
          {"credential_sets", std::move(sets)}};
}

ConsentPlan make_consent_plan(const AuthorizationRequest& request, const std::vector<HolderCredential>& credentials) {
  return make_consent_plan(request.dcql_query, credentials);
}

ConsentPlan make_consent_plan(const DcqlQuery& query, const std::vector<HolderCredential>& credentials) {
  std::vector<DcqlCandidate> candidates;
  candidates.reserve(credentials.size());
  for (const HolderCredential& credential : credentials)
    candidates.push_back(DcqlCandidate{credential.id, credential.vct, credential.claims, credential.has_holder_binding});
  DcqlMatchResult result = match_dcql(query, candidates);

  ConsentPlan plan{query, {}, {}, result.satisfiable, {}};
  for (const DcqlCredentialResult& entry : result.credentials) {
    const DcqlCredentialQuery* credential_query = query.find_credential(entry.credential_query_id);
    ConsentCredentialQuery planned;
    planned.id = entry.credential_query_id;
    planned.requirement = entry.requirement;
    planned.multiple = entry.multiple;
    planned.vct_values = credential_query->vct_values;
    for (const DcqlCandidateMatch& match : entry.matches)
      planned.candidates.push_back(candidate_of(*credential_query, match));
    plan.credential_queries.push_back(std::move(planned));
  }
  for (const DcqlCredentialSetResult& set : result.credential_sets) {
    plan.credential_sets.push_back(ConsentCredentialSet{set.required, set.options, set.chosen_option});
    if (!set.required || set.chosen_option) continue;
    for (const auto& option : set.options)
      for (const std::string& id : option) {
        const ConsentCredentialQuery* planned = plan.find(id);
        if (planned != nullptr && planned->candidates.empty() &&
            std::find(plan.missing.begin(), plan.missing.end(), id) == plan.missing.end())
          plan.missing.push_back(id);
      }
  }
  return plan;
}

Status require_satisfiable(const ConsentPlan& plan) {
  if (plan.satisfiable) return {};
  return fail(ErrorCode::no_matching_credential,
              "no stored credential answers the request (credential queries: " + join(plan.missing) + ")");
}

Result<std::vector<ApprovedDisclosure>> apply_approval(const ConsentPlan& plan, const Approval& approval) {
  std::map<std::string, std::vector<ApprovedDisclosure>> by_query;
  for (const CredentialApproval& chosen : approval.credentials) {
    const ConsentCredentialQuery* query = plan.find(chosen.credential_query_id);
    if (query == nullptr) return not_satisfied("the approval names an unknown credential query");
    const ConsentCandidate* candidate = query->find(chosen.credential_id);
    if (candidate == nullptr)
      return not_satisfied("credential " + chosen.credential_id + " does not answer credential query " + query->id);
    auto& answered = by_query[query->id];
    if (!answered.empty() && !query->multiple)
      return not_satisfied("credential query " + query->id + " takes exactly one credential");
    for (const ApprovedDisclosure& earlier : answered)
      if (earlier.credential_id == chosen.credential_id)
        return not_satisfied("credential " + chosen.credential_id + " is approved twice for " + query->id);

    // Only claims the request asked for can be ticked; anything else is never disclosed.
    for (const ClaimPath& path : chosen.ticked_optional_claims)
      if (!contains(candidate->optional_claims, path) && !contains(candidate->required_claims, path))
        return fail(ErrorCode::claim_not_requested,
                    "claim " + path.to_dotted() + " was not requested by credential query " + query->id);
    // §6.4.1: answer with the first claim set (in the verifier's preference order) that needs nothing unticked.
    const std::vector<ClaimPath>* disclosed = nullptr;
    for (const auto& set : candidate->claim_sets) {
      bool allowed = std::all_of(set.begin(), set.end(), [&](const ClaimPath& path) {
        return contains(candidate->required_claims, path) || contains(chosen.ticked_optional_claims, path);
      });
      if (allowed) {
        disclosed = &set;
        break;
      }
    }
    if (disclosed == nullptr)
      return not_satisfied("without the unticked claims no claim set of credential query " + query->id +
                           " is satisfied");
    answered.push_back(ApprovedDisclosure{query->id, chosen.credential_id, *disclosed});
  }

  // §6.4.2: every required credential set needs a fully answered option, and a credential is sent only as part of
  // a fully answered option (a half-answered alternative would disclose without satisfying anything).
  std::set<std::string> covered;
  for (const ConsentCredentialSet& set : plan.credential_sets) {
    bool any = false;
    for (const auto& option : set.options) {
      bool complete = std::all_of(option.begin(), option.end(),
                                  [&](const std::string& id) { return by_query.count(id) > 0; });
      if (!complete) continue;
      any = true;
      covered.insert(option.begin(), option.end());
    }
    if (set.required && !any) {
      std::vector<std::string> ids;
      for (const auto& option : set.options) ids.insert(ids.end(), option.begin(), option.end());
      return not_satisfied("the approval answers no option of a required credential set (" + join(ids) + ")");
    }
  }
  for (const auto& [id, answered] : by_query)
    if (!covered.count(id))
      return not_satisfied("credential query " + id + " is answered outside a complete credential set option");

  std::vector<ApprovedDisclosure> out;
  for (const ConsentCredentialQuery& query : plan.credential_queries) {
    auto it = by_query.find(query.id);
    if (it == by_query.end()) continue;
    for (ApprovedDisclosure& disclosure : it->second) out.push_back(std::move(disclosure));
  }
  return out;
}

Approval default_approval(const ConsentPlan& plan, bool include_optional_sets) {
  Approval approval;
  std::set<std::string> chosen;
  for (const ConsentCredentialSet& set : plan.credential_sets) {
    if (!set.satisfiable_option || (!set.required && !include_optional_sets)) continue;
    for (const std::string& id : set.options.at(*set.satisfiable_option)) {
      const ConsentCredentialQuery* query = plan.find(id);
      if (query == nullptr || query->candidates.empty() || !chosen.insert(id).second) continue;
      for (const ConsentCandidate& candidate : query->candidates) {
        approval.credentials.push_back(CredentialApproval{id, candidate.credential_id, candidate.optional_claims});
        if (!query->multiple) break;
      }
    }
  }
  return approval;
}

}  // namespace veil::wallet
