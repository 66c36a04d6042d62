// DcqlQuery: the Digital Credentials Query Language (OpenID4VP 1.0 §6), its matcher over SD-JWT VCs (wallet
// side) and the verifier's own check that a response satisfies the query (ATTACKS.md P10).
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "veil/claim_path.h"
#include "veil/error.h"
#include "veil/json.h"

namespace veil {

/// kDcqlFormatSdJwtVc is the Credential Format Identifier of SD-JWT VC (OpenID4VP 1.0 B.3). It is the only format
/// the matcher ever matches; queries for other formats parse but match nothing.
inline constexpr std::string_view kDcqlFormatSdJwtVc = "dc+sd-jwt";

/// DcqlClaimQuery is one Claims Query (§6.3): an optional id, a claims path, and optional accepted values.
struct DcqlClaimQuery {
  std::optional<std::string> id;  // required when the Credential Query has claim_sets
  ClaimPath path;
  std::vector<Json> values;       // strings, integers or booleans; empty means any value

  bool operator==(const DcqlClaimQuery&) const = default;
};

/// DcqlCredentialQuery is one Credential Query (§6.1).
struct DcqlCredentialQuery {
  std::string id;
  std::string format;
  bool multiple = false;
  Json meta = Json::object();                           // as received (format specific)
  std::vector<std::string> vct_values;                  // meta.vct_values for dc+sd-jwt (B.3.5), else empty
  std::optional<Json> trusted_authorities;              // kept as received, not evaluated
  bool require_cryptographic_holder_binding = true;
  std::vector<DcqlClaimQuery> claims;                   // empty: no claims requested (only what is always sent)
  std::vector<std::vector<std::string>> claim_sets;     // empty: all of claims; else options in preference order

  bool operator==(const DcqlCredentialQuery&) const = default;
  /// find_claim returns the claims query with |claim_id|, or nullptr.
  const DcqlClaimQuery* find_claim(std::string_view claim_id) const;
};

/// DcqlCredentialSetQuery is one Credential Set Query (§6.2): options of credential query ids, and whether one
/// option must be satisfied.
struct DcqlCredentialSetQuery {
  std::vector<std::vector<std::string>> options;
  bool required = true;

  bool operator==(const DcqlCredentialSetQuery&) const = default;
};

/// DcqlQuery is a validated DCQL query: it only exists once every rule of §6 holds.
class DcqlQuery {
 public:
  /// from_json validates a `dcql_query` object. Fails with invalid_dcql_query and a message naming the offending
  /// member (never a claim value): not an object, credentials missing or empty, a bad or duplicate id, a missing
  /// format or meta, dc+sd-jwt without a non-empty meta.vct_values of strings, claim_sets without claims or
  /// naming an unknown claim id, a claim without id where claim_sets is present, a bad path, values that are
  /// empty or not strings/integers/booleans, credential_sets naming an unknown credential id, wrong types.
  static Result<DcqlQuery> from_json(const Json& query);
  /// parse reads untrusted JSON text (parse_json limits) and then validates it like from_json.
  static Result<DcqlQuery> parse(std::string_view text);

  /// to_json writes the query back; from_json(to_json()) gives an equal query.
  Json to_json() const;

  const std::vector<DcqlCredentialQuery>& credentials() const { return credentials_; }
  const std::vector<DcqlCredentialSetQuery>& credential_sets() const { return credential_sets_; }
  /// find_credential returns the credential query with |id|, or nullptr.
  const DcqlCredentialQuery* find_credential(std::string_view id) const;

  bool operator==(const DcqlQuery&) const = default;

 private:
  DcqlQuery() = default;
  std::vector<DcqlCredentialQuery> credentials_;
  std::vector<DcqlCredentialSetQuery> credential_sets_;
};

// ---------------------------------------------------------------------------------------------------------------
// Claims Path Pointer processing (OpenID4VP 1.0 §7).

/// dcql_select returns the values |path| selects in |claims| (§7.2). It returns nullopt when the selection ends
/// empty or when an element has the wrong type for the path component (a name on a non-object, an index or null
/// on a non-array): the spec aborts there, which for DCQL means "no match".
std::optional<std::vector<const Json*>> dcql_select(const Json& claims, const ClaimPath& path);

/// dcql_filter_claims returns the part of |claims| that |paths| select, with the objects and arrays needed to hold
/// it; everything else is dropped. A null path element keeps every matching array element; an array keeps only
/// the selected elements, in order (so indices can shift). Returns an empty object when nothing is selected.
Json dcql_filter_claims(const Json& claims, const std::vector<ClaimPath>& paths);

// ---------------------------------------------------------------------------------------------------------------
// Wallet side: which stored credentials answer which credential query, and what to disclose.

/// DcqlCandidate is one credential the holder has, as the matcher needs to see it.
struct DcqlCandidate {
  std::string handle;          // chosen by the caller, returned in matches
  std::string vct;
  Json claims;                 // processed claims: the payload after applying all of the holder's disclosures
  bool has_holder_binding = false;  // the credential carries a cnf key the holder controls
};

/// DcqlCandidateMatch is one candidate that satisfies a credential query, with the claim paths to disclose
/// (the claims of the first satisfiable claim set, or all claims when there are no claim sets).
struct DcqlCandidateMatch {
  std::string handle;
  std::vector<ClaimPath> disclosed_paths;
  std::optional<std::size_t> claim_set;  // index of the claim set used, when the query has claim_sets
  std::vector<std::size_t> satisfiable_claim_sets;  // every claim set this candidate satisfies, in preference order
  std::vector<ClaimPath> required_paths;  // disclosed in every satisfiable claim set: cannot be withheld
  std::vector<ClaimPath> optional_paths;  // in disclosed_paths but not required: withholding picks a later set
};

/// dcql_paths_without returns the claim paths to disclose for |match| when the holder withholds |withheld|: those
/// of the first satisfiable claim set that contains none of them (or all claims when the query has no claim
/// sets and none is withheld). Returns nullopt when no satisfiable set avoids them: the credential cannot answer.
std::optional<std::vector<ClaimPath>> dcql_paths_without(const DcqlCredentialQuery& query,
                                                         const DcqlCandidateMatch& match,
                                                         const std::vector<ClaimPath>& withheld);

/// DcqlRequirement says whether a credential query must be answered, may be answered, or is not needed (an
/// alternative in a credential set whose first satisfiable option does not contain it, or no option fits).
enum class DcqlRequirement { required, optional, not_needed };

/// DcqlCredentialResult is the matcher's answer for one credential query.
struct DcqlCredentialResult {
  std::string credential_query_id;
  DcqlRequirement requirement = DcqlRequirement::required;
  bool multiple = false;                    // when false, present exactly one of the matches
  std::vector<DcqlCandidateMatch> matches;  // in candidate order
};

/// DcqlCredentialSetResult is one credential set (or, without credential_sets, one synthesized required set per
/// credential query) and the first option whose every credential query has a match.
struct DcqlCredentialSetResult {
  bool required = true;
  std::vector<std::vector<std::string>> options;
  std::optional<std::size_t> chosen_option;
};

/// DcqlMatchResult is everything a consent screen needs: per credential query, matching candidates, the claims
/// each would disclose and whether it is required; and whether the request can be satisfied at all.
struct DcqlMatchResult {
  std::vector<DcqlCredentialResult> credentials;  // in query order
  std::vector<DcqlCredentialSetResult> credential_sets;
  bool satisfiable = false;  // every required set has a chosen option

  /// find returns the result for credential query |id|, or nullptr.
  const DcqlCredentialResult* find(std::string_view id) const;
};

/// dcql_match_candidate returns the claim paths |candidate| would disclose for |query|, or nullopt when it does
/// not match (format not dc+sd-jwt, vct not in vct_values, holder binding required but absent, a claim missing
/// or with none of the accepted values, or no claim set satisfiable).
std::optional<DcqlCandidateMatch> dcql_match_candidate(const DcqlCredentialQuery& query, const DcqlCandidate& candidate);

/// match_dcql evaluates |query| against the holder's |candidates| (§6.4).
DcqlMatchResult match_dcql(const DcqlQuery& query, const std::vector<DcqlCandidate>& candidates);

// ---------------------------------------------------------------------------------------------------------------
// Verifier side.

/// DcqlPresentedCredential is one verified credential from a response, as the verifier sees it.
struct DcqlPresentedCredential {
  std::string vct;
  Json claims;                 // processed claims after verification
  bool holder_bound = false;   // a KB-JWT was verified for it
};

/// check_presentation_satisfies re-checks on the verifier's side that |response| (credential query id → the
/// credentials presented for it) satisfies |query|. Fails with dcql_query_not_satisfied when the response names
/// an unknown credential query, has none or several credentials where one is expected, a credential of the
/// wrong vct or without holder binding when required, a missing claim or value, or leaves a required credential
/// set (or, without credential_sets, any credential query) unanswered. Messages name ids and paths, never values.
[[nodiscard]] Status check_presentation_satisfies(
    const DcqlQuery& query, const std::map<std::string, std::vector<DcqlPresentedCredential>>& response);

/// dcql_requested_paths returns every claim path |query| asks for (all of its claims, across all claim sets).
std::vector<ClaimPath> dcql_requested_paths(const DcqlCredentialQuery& query);

/// dcql_filter_to_query keeps only the claims |query| asked for (dcql_filter_claims over dcql_requested_paths):
/// what a verifier passes on. A query without claims keeps nothing.
Json dcql_filter_to_query(const DcqlCredentialQuery& query, const Json& claims);

}  // namespace veil
