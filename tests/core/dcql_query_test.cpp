#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "veil/dcql.h"

using veil::ClaimPath;
using veil::DcqlQuery;
using veil::ErrorCode;
using veil::Json;

namespace {

std::string read_example(const std::string& name) {
  std::ifstream in(std::string(VEIL_VECTORS_DIR) + "/openid4vp/query_lang/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

Json simple() {
  return Json::parse(R"({"credentials": [{"id": "pid", "format": "dc+sd-jwt",
      "meta": {"vct_values": ["https://credentials.example.com/identity_credential"]},
      "claims": [{"id": "a", "path": ["family_name"]}, {"id": "b", "path": ["address", "street_address"]}]}]})");
}

// Expects |query| to be rejected with invalid_dcql_query and a message containing |needle|.
void require_invalid(const Json& query, const std::string& needle) {
  auto parsed = DcqlQuery::from_json(query);
  INFO(query.dump());
  REQUIRE_FALSE(parsed);
  CHECK(parsed.error().code == ErrorCode::invalid_dcql_query);
  CHECK_THAT(parsed.error().message, Catch::Matchers::Contains(needle));
}

}  // namespace

TEST_CASE("every DCQL example of OpenID4VP 1.0 parses and round-trips", "[dcql]") {
  for (const char* name : {"simple.json", "claims_alternatives.json", "credentials_alternatives.json",
                           "multi_credentials.json", "value_matching_simple.json", "simple_mdoc.json",
                           "complex_mdoc.json"}) {
    INFO(name);
    std::string text = read_example(name);
    REQUIRE_FALSE(text.empty());
    auto query = DcqlQuery::parse(text);
    REQUIRE(query);
    auto again = DcqlQuery::from_json(query->to_json());
    REQUIRE(again);
    CHECK(*again == *query);
    CHECK(query->to_json() == Json::parse(text));
  }
}

TEST_CASE("DCQL model reads defaults, claim sets, values and credential sets", "[dcql]") {
  auto claims_alternatives = DcqlQuery::parse(read_example("claims_alternatives.json"));
  REQUIRE(claims_alternatives);
  const auto& pid = claims_alternatives->credentials().at(0);
  CHECK(pid.id == "pid");
  CHECK(pid.format == "dc+sd-jwt");
  CHECK_FALSE(pid.multiple);
  CHECK(pid.require_cryptographic_holder_binding);
  CHECK(pid.vct_values == std::vector<std::string>{"https://credentials.example.com/identity_credential"});
  REQUIRE(pid.claims.size() == 5);
  CHECK(pid.claims[0].id == std::optional<std::string>("a"));
  CHECK(pid.claim_sets == std::vector<std::vector<std::string>>{{"a", "c", "d", "e"}, {"a", "b", "e"}});
  REQUIRE(pid.find_claim("b") != nullptr);
  CHECK(pid.find_claim("b")->path == *ClaimPath::from_json(Json::array({"postal_code"})));

  auto value_matching = DcqlQuery::parse(read_example("value_matching_simple.json"));
  REQUIRE(value_matching);
  CHECK(value_matching->credentials()[0].claims[3].values == std::vector<Json>{"90210", "90211"});
  CHECK(value_matching->credentials()[0].claims[1].values.empty());

  auto alternatives = DcqlQuery::parse(read_example("credentials_alternatives.json"));
  REQUIRE(alternatives);
  REQUIRE(alternatives->credential_sets().size() == 2);
  CHECK(alternatives->credential_sets()[0].required);
  CHECK_FALSE(alternatives->credential_sets()[1].required);
  CHECK(alternatives->credential_sets()[0].options.at(2) ==
        std::vector<std::string>{"pid_reduced_cred_1", "pid_reduced_cred_2"});

  auto mdoc = DcqlQuery::parse(read_example("simple_mdoc.json"));
  REQUIRE(mdoc);
  CHECK(mdoc->credentials()[0].format == "mso_mdoc");
  CHECK(mdoc->credentials()[0].vct_values.empty());
  CHECK(mdoc->find_credential("my_credential") != nullptr);
  CHECK(mdoc->find_credential("other") == nullptr);
}

TEST_CASE("DCQL keeps multiple, holder binding and trusted_authorities", "[dcql]") {
  Json query = simple();
  query["credentials"][0]["multiple"] = true;
  query["credentials"][0]["require_cryptographic_holder_binding"] = false;
  query["credentials"][0]["trusted_authorities"] = Json::parse(R"([{"type": "aki", "values": ["s9tIpP"]}])");
  auto parsed = DcqlQuery::from_json(query);
  REQUIRE(parsed);
  CHECK(parsed->credentials()[0].multiple);
  CHECK_FALSE(parsed->credentials()[0].require_cryptographic_holder_binding);
  REQUIRE(parsed->credentials()[0].trusted_authorities);
  CHECK(parsed->to_json() == query);
}

TEST_CASE("DCQL rejects malformed queries, naming the member", "[dcql]") {
  require_invalid(Json::array(), "dcql_query is not an object");
  require_invalid(Json::object(), "credentials");
  require_invalid(Json::parse(R"({"credentials": []})"), "credentials");
  require_invalid(Json::parse(R"({"credentials": [1]})"), "credentials[0] is not an object");

  auto with = [](const char* member, Json value) {
    Json query = simple();
    query["credentials"][0][member] = std::move(value);
    return query;
  };
  auto without = [](const char* member) {
    Json query = simple();
    query["credentials"][0].erase(member);
    return query;
  };
  require_invalid(without("id"), "id is missing");
  require_invalid(with("id", ""), "id is not");
  require_invalid(with("id", "p id"), "id is not");
  require_invalid(with("id", "pid!"), "id is not");
  require_invalid(with("id", 7), "id is not");
  require_invalid(without("format"), "format");
  require_invalid(with("format", 1), "format");
  require_invalid(without("meta"), "meta is missing");
  require_invalid(with("meta", Json::object()), "meta.vct_values");
  require_invalid(with("meta", Json::parse(R"({"vct_values": []})")), "meta.vct_values");
  require_invalid(with("meta", Json::parse(R"({"vct_values": [1]})")), "meta.vct_values");
  require_invalid(with("multiple", "yes"), "multiple is not a boolean");
  require_invalid(with("require_cryptographic_holder_binding", 0), "require_cryptographic_holder_binding");
  require_invalid(with("trusted_authorities", Json::array()), "trusted_authorities");
  require_invalid(with("trusted_authorities", Json::parse(R"([{"type": "aki"}])")), "trusted_authorities");
  require_invalid(with("claims", Json::array()), "claims is not a non-empty array");
  require_invalid(with("claims", Json::parse(R"([{"id": "a"}])")), "path is missing");
  require_invalid(with("claims", Json::parse(R"([{"path": []}])")), "path is not");
  require_invalid(with("claims", Json::parse(R"([{"path": ["a", -1]}])")), "path is not");
  require_invalid(with("claims", Json::parse(R"([{"path": ["a", 1.5]}])")), "path is not");
  require_invalid(with("claims", Json::parse(R"([{"path": "a"}])")), "path is not");
  require_invalid(with("claims", Json::parse(R"([{"path": ["a"], "values": []}])")), "values is not");
  require_invalid(with("claims", Json::parse(R"([{"path": ["a"], "values": [null]}])")), "values has an element");
  require_invalid(with("claims", Json::parse(R"([{"path": ["a"], "values": [{"x": 1}]}])")), "values has an element");
  require_invalid(with("claims", Json::parse(R"([{"path": ["a"], "values": [1.5]}])")), "values has an element");
  require_invalid(with("claims", Json::parse(R"([{"id": "a", "path": ["a"]}, {"id": "a", "path": ["b"]}])")),
                  "claim id a appears more than once");

  Json no_claims = without("claims");
  no_claims["credentials"][0]["claim_sets"] = Json::parse(R"([["a"]])");
  require_invalid(no_claims, "claim_sets is present without claims");
  require_invalid(with("claim_sets", Json::array()), "claim_sets is not a non-empty array");
  require_invalid(with("claim_sets", Json::parse(R"([[]])")), "claim_sets has an element");
  require_invalid(with("claim_sets", Json::parse(R"([["a", 1]])")), "claim_sets has an id");
  require_invalid(with("claim_sets", Json::parse(R"([["a", "z"]])")), "claim_sets names an unknown claim id");
  Json missing_claim_id = with("claim_sets", Json::parse(R"([["a"]])"));
  missing_claim_id["credentials"][0]["claims"][1].erase("id");
  require_invalid(missing_claim_id, "id is missing, required when claim_sets is present");

  Json duplicate = simple();
  duplicate["credentials"].push_back(duplicate["credentials"][0]);
  require_invalid(duplicate, "credential query id pid appears more than once");

  auto with_sets = [](Json sets) {
    Json query = simple();
    query["credential_sets"] = std::move(sets);
    return query;
  };
  require_invalid(with_sets(Json::array()), "credential_sets is not a non-empty array");
  require_invalid(with_sets(Json::parse(R"([1])")), "credential_sets[0] is not an object");
  require_invalid(with_sets(Json::parse(R"([{}])")), "options is missing");
  require_invalid(with_sets(Json::parse(R"([{"options": []}])")), "options is not a non-empty array");
  require_invalid(with_sets(Json::parse(R"([{"options": [[]]}])")), "options has an element");
  require_invalid(with_sets(Json::parse(R"([{"options": [["pid"]], "required": "no"}])")), "required is not");
  require_invalid(with_sets(Json::parse(R"([{"options": [["pid", "nope"]]}])")),
                  "options names an unknown credential query id");
}

TEST_CASE("DCQL error messages never carry claim values", "[dcql]") {
  Json query = simple();
  query["credentials"][0]["claims"][0]["values"] = Json::parse(R"(["Secret-Surname", null])");
  auto parsed = DcqlQuery::from_json(query);
  REQUIRE_FALSE(parsed);
  CHECK(parsed.error().message.find("Secret-Surname") == std::string::npos);
}

TEST_CASE("DCQL parse rejects text that is not JSON", "[dcql]") {
  auto parsed = DcqlQuery::parse("{\"credentials\": [");
  REQUIRE_FALSE(parsed);
  CHECK(parsed.error().code == ErrorCode::invalid_json);
}
