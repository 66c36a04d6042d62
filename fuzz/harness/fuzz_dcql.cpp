// fuzz_dcql: a DCQL query (OpenID4VP 1.0 §6) as a verifier sends it to the wallet: parse, write back, match
// against fixed credentials (wallet side) and check a fixed response against it (verifier side).
#include <cstddef>
#include <cstdint>
#include <map>

#include "fuzz_support.h"
#include "veil/dcql.h"

namespace {

const std::vector<veil::DcqlCandidate>& candidates() {
  static const std::vector<veil::DcqlCandidate> list = [] {
    const veil::Json pid = {{"given_name", "Erika"},
                            {"family_name", "Mustermann"},
                            {"birthdate", "1963-08-12"},
                            {"age_over_18", true},
                            {"age_equal_or_over", {{"18", true}, {"21", true}, {"65", false}}},
                            {"nationalities", veil::Json::array({"DE", "AT"})},
                            {"address", {{"street_address", "Heidestraße 17"}, {"locality", "Köln"}, {"country", "DE"}}},
                            {"degrees", veil::Json::array({{{"type", "Bachelor"}, {"year", 2001}},
                                                           {{"type", "Master"}, {"year", 2003}}})}};
    const veil::Json diploma = {{"degree", "MSc"}, {"grade", 1.3}, {"courses", veil::Json::array({1, 2, 3})}};
    return std::vector<veil::DcqlCandidate>{
        {"pid-1", "https://credentials.example.com/identity_credential", pid, true},
        {"pid-2", "https://credentials.example.com/identity_credential", pid, false},
        {"diploma", "https://credentials.example.com/diploma", diploma, true},
        {"empty", "urn:eu.europa.ec.eudi:pid:1", veil::Json::object(), true}};
  }();
  return list;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto query = veil::DcqlQuery::parse(veil_fuzz::text(data, size));
  veil_fuzz::explain("parse", query);
  if (!query) return 0;
  // from_json(to_json()) gives an equal query (dcql.h).
  auto again = veil::DcqlQuery::from_json(query->to_json());
  veil_fuzz::invariant(again.has_value() && *again == *query);

  const veil::DcqlMatchResult result = veil::match_dcql(*query, candidates());
  std::map<std::string, std::vector<veil::DcqlPresentedCredential>> response;
  for (const auto& credential_result : result.credentials) {
    const veil::DcqlCredentialQuery* credential_query = query->find_credential(credential_result.credential_query_id);
    veil_fuzz::invariant(credential_query != nullptr);
    for (const auto& match : credential_result.matches) {
      const veil::DcqlCandidate* candidate = nullptr;
      for (const auto& c : candidates()) {
        if (c.handle == match.handle) candidate = &c;
      }
      veil_fuzz::invariant(candidate != nullptr);
      (void)veil::dcql_paths_without(*credential_query, match, match.optional_paths);
      (void)veil::dcql_paths_without(*credential_query, match, match.required_paths);
      response[credential_result.credential_query_id].push_back(
          {candidate->vct, veil::dcql_filter_claims(candidate->claims, match.disclosed_paths),
           candidate->has_holder_binding});
    }
    for (const auto& candidate : candidates()) (void)veil::dcql_filter_to_query(*credential_query, candidate.claims);
  }
  (void)veil::check_presentation_satisfies(*query, response);
  return 0;
}
