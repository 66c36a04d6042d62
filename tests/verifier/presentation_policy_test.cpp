#include "verifier/presentation_policy.h"

#include <catch2/catch.hpp>

namespace veil::verifier {

TEST_CASE("a simple policy becomes one dc+sd-jwt credential query requiring every claim", "[verifier][policy]") {
  auto policy = parse_presentation_policy(
      {{"vct", {"urn:veil:credential:age"}}, {"claims", {{"age_over_18"}, "address.country"}}, {"max_age_seconds", 3600}});
  REQUIRE(policy);
  REQUIRE(policy->query.credentials().size() == 1);
  const DcqlCredentialQuery& query = policy->query.credentials().front();
  CHECK(query.id == kSimplePolicyCredentialId);
  CHECK(query.format == "dc+sd-jwt");
  CHECK(query.vct_values == std::vector<std::string>{"urn:veil:credential:age"});
  REQUIRE(query.claims.size() == 2);
  CHECK(query.claims[1].path.to_json() == Json{"address", "country"});
  CHECK(query.claim_sets.empty());
  CHECK(query.require_cryptographic_holder_binding);
  CHECK(policy->max_credential_age_seconds == 3600);
  CHECK(policy->trusted_issuers.empty());
}

TEST_CASE("optional claims become claim_sets listing every combination, the fullest first", "[verifier][policy]") {
  auto policy = parse_presentation_policy(
      {{"vct", "urn:x"}, {"claims", {{"a"}}}, {"optional_claims", {{"b"}, {"c"}}}, {"trusted_issuers", {"https://i"}}});
  REQUIRE(policy);
  const DcqlCredentialQuery& query = policy->query.credentials().front();
  REQUIRE(query.claim_sets.size() == 4);
  CHECK(query.claim_sets.front() == std::vector<std::string>{"r0", "o0", "o1"});
  CHECK(query.claim_sets.back() == std::vector<std::string>{"r0"});
  CHECK(policy->trusted_issuers == std::vector<std::string>{"https://i"});

  // Only optional claims: the empty option is left out (a claim set names at least one claim).
  auto only_optional = parse_presentation_policy({{"vct", "urn:x"}, {"optional_claims", {{"b"}}}});
  REQUIRE(only_optional);
  CHECK(only_optional->query.credentials().front().claim_sets.size() == 1);
}

TEST_CASE("a policy round-trips through its stored DCQL form", "[verifier][policy]") {
  auto policy = parse_presentation_policy(
      {{"vct", {"urn:x"}}, {"claims", {{"a"}}}, {"optional_claims", {{"b"}}}, {"max_age_seconds", 60}, {"trusted_issuers", {"https://i"}}});
  REQUIRE(policy);
  auto again = parse_presentation_policy(presentation_policy_to_json(*policy));
  REQUIRE(again);
  CHECK(again->query == policy->query);
  CHECK(again->trusted_issuers == policy->trusted_issuers);
  CHECK(again->max_credential_age_seconds == policy->max_credential_age_seconds);
}

TEST_CASE("malformed policies fail with invalid_policy naming the problem", "[verifier][policy]") {
  const std::vector<Json> bad = {
      Json::array(),
      Json::object(),
      {{"claims", {{"a"}}}},
      {{"vct", Json::array()}},
      {{"vct", {""}}},
      {{"vct", {"urn:x", "urn:x"}}},
      {{"vct", {"urn:x"}}, {"claims", "a"}},
      {{"vct", {"urn:x"}}, {"claims", {Json::array()}}},
      {{"vct", {"urn:x"}}, {"claims", {{"a"}}}, {"optional_claims", {{"a"}}}},
      {{"vct", {"urn:x"}}, {"optional_claims", {{"a"}, {"b"}, {"c"}, {"d"}, {"e"}, {"f"}}}},
      {{"vct", {"urn:x"}}, {"max_age_seconds", 0}},
      {{"vct", {"urn:x"}}, {"max_age_seconds", "60"}},
      {{"vct", {"urn:x"}}, {"trusted_issuers", 7}},
      {{"vct", {"urn:x"}}, {"trusted_issuers", Json::array()}},
      {{"vct", {"urn:x"}}, {"extra", true}},
      {{"vct", {"urn:x"}}, {"dcql_query", Json::object()}},
  };
  for (const Json& policy : bad) {
    INFO(policy.dump());
    auto parsed = parse_presentation_policy(policy);
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().code == ErrorCode::invalid_policy);
  }
  auto dcql = parse_presentation_policy({{"dcql_query", {{"credentials", {{{"id", "x"}}}}}}});
  REQUIRE_FALSE(dcql);
  CHECK(dcql.error().code == ErrorCode::invalid_dcql_query);
}

TEST_CASE("a full DCQL query is taken as given", "[verifier][policy]") {
  const Json dcql = {{"credentials",
                      {{{"id", "pid"},
                        {"format", "dc+sd-jwt"},
                        {"meta", {{"vct_values", {"urn:x"}}}},
                        {"claims", {{{"id", "a"}, {"path", {"a"}}}, {{"id", "b"}, {"path", {"b"}}}}},
                        {"claim_sets", {{"a"}, {"b"}}}}}}};
  auto policy = parse_presentation_policy({{"dcql_query", dcql}});
  REQUIRE(policy);
  CHECK(policy->query.to_json() == DcqlQuery::from_json(dcql)->to_json());
}

}  // namespace veil::verifier
