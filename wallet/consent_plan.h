// ConsentPlan: what an OpenID4VP request asks of this holder (OpenID4VP 1.0 §6.4), evaluated over the holder's
// credentials with core's DCQL matcher, as the consent screen shows it; and apply_approval, which turns the
// holder's choice into the exact claim paths to disclose — never a claim the request did not ask for.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "veil/claim_path.h"
#include "veil/dcql.h"
#include "veil/error.h"
#include "veil/json.h"
#include "wallet/authorization_request.h"

namespace veil::wallet {

/// HolderCredential is one credential the holder has, as the plan needs to see it (the service fills it from
/// the store): |claims| are the processed claims (the issuer payload with every disclosure applied).
struct HolderCredential {
  std::string id;
  std::string vct;
  Json claims = Json::object();
  bool has_holder_binding = false;  // carries a cnf key whose private part the wallet holds
};

/// ConsentCandidate is one of the holder's credentials that answers a credential query.
struct ConsentCandidate {
  std::string credential_id;
  /// required_claims are disclosed whatever the holder unticks (every satisfiable claim set asks for them).
  std::vector<ClaimPath> required_claims;
  /// optional_claims may be unticked: they appear in some satisfiable claim set but not in all of them. Empty
  /// when the query has no claim_sets (then every claim is required).
  std::vector<ClaimPath> optional_claims;
  /// claim_sets lists, in the verifier's preference order, the claim paths of each claim set this credential
  /// can satisfy (one entry: all claims, when the query has no claim_sets). The approval discloses the first of
  /// them whose claims are all ticked.
  std::vector<std::vector<ClaimPath>> claim_sets;
};

/// ConsentCredentialQuery is one credential query of the request with the holder's matching credentials.
struct ConsentCredentialQuery {
  std::string id;
  /// requirement: required (a required credential set's first satisfiable option needs it), optional (only an
  /// optional set's option), not_needed (an alternative the holder may still pick, or unmatched).
  DcqlRequirement requirement = DcqlRequirement::required;
  bool multiple = false;  // several credentials may answer it; otherwise exactly one
  std::vector<std::string> vct_values;
  std::vector<ConsentCandidate> candidates;  // in the order of the holder's credentials

  /// find returns the candidate for |credential_id|, or nullptr.
  const ConsentCandidate* find(std::string_view credential_id) const;
};

/// ConsentCredentialSet is one credential set (or, without credential_sets, one required set per query):
/// options of credential query ids and the first option the holder can fully answer.
struct ConsentCredentialSet {
  bool required = true;
  std::vector<std::vector<std::string>> options;
  std::optional<std::size_t> satisfiable_option;
};

/// ConsentPlan is everything the consent screen shows for one request.
struct ConsentPlan {
  DcqlQuery query;
  std::vector<ConsentCredentialQuery> credential_queries;  // in query order
  std::vector<ConsentCredentialSet> credential_sets;
  bool satisfiable = false;  // every required credential set has an option the holder can answer
  /// missing names the credential query ids of required sets that nothing the holder has answers.
  std::vector<std::string> missing;

  /// find returns the credential query |id|, or nullptr.
  const ConsentCredentialQuery* find(std::string_view id) const;
  /// to_json renders the plan for the wallet API (paths as DCQL arrays; no claim values).
  Json to_json() const;
};

/// make_consent_plan evaluates |request|'s DCQL query over |credentials| (format, meta.vct_values,
/// require_cryptographic_holder_binding, claims with paths and values, claim_sets, credential_sets, multiple).
ConsentPlan make_consent_plan(const AuthorizationRequest& request, const std::vector<HolderCredential>& credentials);
ConsentPlan make_consent_plan(const DcqlQuery& query, const std::vector<HolderCredential>& credentials);

/// require_satisfiable fails with no_matching_credential (naming the credential query ids, never values) when
/// the holder cannot answer the request at all.
[[nodiscard]] Status require_satisfiable(const ConsentPlan& plan);

/// CredentialApproval is the holder's choice for one credential query: which credential answers it, and which
/// of that candidate's optional claims stay ticked. A query with multiple=true gets one entry per credential.
struct CredentialApproval {
  std::string credential_query_id;
  std::string credential_id;
  std::vector<ClaimPath> ticked_optional_claims;
};

/// Approval is the holder's answer to a plan; a credential query without an entry is not answered.
struct Approval {
  std::vector<CredentialApproval> credentials;
};

/// ApprovedDisclosure is one presentation to build: credential |credential_id| for query |credential_query_id|,
/// disclosing exactly |paths| (those of one claim set of the query, or all of its claims).
struct ApprovedDisclosure {
  std::string credential_query_id;
  std::string credential_id;
  std::vector<ClaimPath> paths;
};

/// apply_approval checks |approval| against |plan| and returns the disclosures, one per approved credential, in
/// the plan's query order. Fails with claim_not_requested when a ticked claim is neither required nor optional
/// for that candidate; dcql_query_not_satisfied when a query id is unknown, a credential is not a candidate of
/// its query, a query without multiple gets several credentials (or the same credential twice), the ticked
/// claims leave no claim set satisfiable, an answered query is not part of a fully answered option of a
/// credential set, or a required credential set is left without a fully answered option. Messages name ids and
/// paths, never values.
Result<std::vector<ApprovedDisclosure>> apply_approval(const ConsentPlan& plan, const Approval& approval);

/// default_approval is what the consent screen pre-selects: for each query of each required set's first
/// satisfiable option (and of optional sets' first satisfiable option when |include_optional_sets|), the first
/// candidate (every candidate when multiple) with every optional claim ticked. Empty when nothing matches.
Approval default_approval(const ConsentPlan& plan, bool include_optional_sets = false);

}  // namespace veil::wallet
