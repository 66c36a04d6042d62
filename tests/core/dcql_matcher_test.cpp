#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "veil/dcql.h"

using veil::ClaimPath;
using veil::DcqlCandidate;
using veil::DcqlPresentedCredential;
using veil::DcqlQuery;
using veil::DcqlRequirement;
using veil::ErrorCode;
using veil::Json;

namespace {

const std::string kPidVct = "https://credentials.example.com/identity_credential";

DcqlQuery example(const std::string& name) {
  std::ifstream in(std::string(VEIL_VECTORS_DIR) + "/openid4vp/query_lang/" + name);
  std::stringstream text;
  text << in.rdbuf();
  auto query = DcqlQuery::parse(text.str());
  REQUIRE(query);
  return *query;
}

DcqlQuery query_of(const char* text) {
  auto query = DcqlQuery::parse(text);
  REQUIRE(query);
  return *query;
}

ClaimPath path(Json json) { return *ClaimPath::from_json(json); }

Json pid_claims() {
  return Json::parse(R"({"given_name": "John", "family_name": "Doe", "postal_code": "90210", "locality": "Springfield",
      "date_of_birth": "1940-01-01", "address": {"street_address": "123 Main St", "country": "US"},
      "nationalities": ["US", "DE"], "degrees": [{"type": "BSc", "school": "X"}, {"type": "MSc", "school": "Y"}]})");
}

DcqlCandidate pid(std::string handle = "pid-1", Json claims = pid_claims()) {
  return DcqlCandidate{std::move(handle), kPidVct, std::move(claims), true};
}

}  // namespace

TEST_CASE("claims path pointer selects members, indices and all elements (OpenID4VP 1.0 §7)", "[dcql]") {
  Json claims = pid_claims();
  auto street = veil::dcql_select(claims, path({"address", "street_address"}));
  REQUIRE(street);
  REQUIRE(street->size() == 1);
  CHECK(*street->at(0) == "123 Main St");

  auto second = veil::dcql_select(claims, path({"nationalities", 1}));
  REQUIRE(second);
  CHECK(*second->at(0) == "DE");

  auto all = veil::dcql_select(claims, path({"nationalities", nullptr}));
  REQUIRE(all);
  CHECK(all->size() == 2);

  auto types = veil::dcql_select(claims, path({"degrees", nullptr, "type"}));
  REQUIRE(types);
  REQUIRE(types->size() == 2);
  CHECK(*types->at(1) == "MSc");
}

TEST_CASE("claims path pointer selecting nothing or the wrong type is no match", "[dcql]") {
  Json claims = pid_claims();
  CHECK_FALSE(veil::dcql_select(claims, path({"missing"})));
  CHECK_FALSE(veil::dcql_select(claims, path({"nationalities", 5})));
  // A member name on an array, an index or null on an object or a string: §7.2 aborts.
  CHECK_FALSE(veil::dcql_select(claims, path({"nationalities", "0"})));
  CHECK_FALSE(veil::dcql_select(claims, path({"address", 0})));
  CHECK_FALSE(veil::dcql_select(claims, path({"address", nullptr})));
  CHECK_FALSE(veil::dcql_select(claims, path({"given_name", "x"})));
  CHECK_FALSE(veil::dcql_select(claims, path({"given_name", nullptr})));
}

TEST_CASE("simple query matches a PID and discloses exactly the requested claims", "[dcql]") {
  auto result = veil::match_dcql(example("simple.json"), {pid()});
  CHECK(result.satisfiable);
  const auto* entry = result.find("my_credential");
  REQUIRE(entry);
  CHECK(entry->requirement == DcqlRequirement::required);
  REQUIRE(entry->matches.size() == 1);
  CHECK(entry->matches[0].handle == "pid-1");
  CHECK(entry->matches[0].disclosed_paths ==
        std::vector<ClaimPath>{path({"family_name"}), path({"given_name"}), path({"address", "street_address"})});
  CHECK_FALSE(entry->matches[0].claim_set);
}

TEST_CASE("a credential of another vct, or missing a claim, does not match", "[dcql]") {
  DcqlCandidate other = pid("other");
  other.vct = "https://othercredentials.example/pid";
  Json no_street = pid_claims();
  no_street["address"].erase("street_address");
  auto result = veil::match_dcql(example("simple.json"), {other, pid("incomplete", no_street)});
  CHECK_FALSE(result.satisfiable);
  CHECK(result.find("my_credential")->matches.empty());
}

TEST_CASE("value matching needs one selected value equal in type and value", "[dcql]") {
  DcqlQuery query = example("value_matching_simple.json");
  CHECK(veil::match_dcql(query, {pid()}).satisfiable);

  Json other_postal = pid_claims();
  other_postal["postal_code"] = "10115";
  CHECK_FALSE(veil::match_dcql(query, {pid("p", other_postal)}).satisfiable);

  Json numeric_postal = pid_claims();
  numeric_postal["postal_code"] = 90210;  // the query asks for the string "90210"
  CHECK_FALSE(veil::match_dcql(query, {pid("p", numeric_postal)}).satisfiable);

  Json other_name = pid_claims();
  other_name["family_name"] = "Smith";
  CHECK_FALSE(veil::match_dcql(query, {pid("p", other_name)}).satisfiable);

  DcqlQuery nationality = query_of(R"({"credentials": [{"id": "c", "format": "dc+sd-jwt",
      "meta": {"vct_values": ["https://credentials.example.com/identity_credential"]},
      "claims": [{"path": ["nationalities", null], "values": ["DE"]}]}]})");
  CHECK(veil::match_dcql(nationality, {pid()}).satisfiable);
  Json french = pid_claims();
  french["nationalities"] = Json::array({"FR"});
  CHECK_FALSE(veil::match_dcql(nationality, {pid("p", french)}).satisfiable);
}

TEST_CASE("claim_sets: the first satisfiable set in order of preference is disclosed", "[dcql]") {
  DcqlQuery query = example("claims_alternatives.json");
  // The PID has postal_code but no region: set 1 (a, c, d, e) fails, set 2 (a, b, e) holds.
  auto result = veil::match_dcql(query, {pid()});
  REQUIRE(result.satisfiable);
  const auto& match = result.find("pid")->matches.at(0);
  CHECK(match.claim_set == std::optional<std::size_t>(1));
  CHECK(match.disclosed_paths == std::vector<ClaimPath>{path({"family_name"}), path({"postal_code"}),
                                                        path({"date_of_birth"})});

  Json with_region = pid_claims();
  with_region["region"] = "Somewhere";
  auto preferred = veil::match_dcql(query, {pid("p", with_region)});
  const auto& first = preferred.find("pid")->matches.at(0);
  CHECK(first.claim_set == std::optional<std::size_t>(0));
  CHECK(first.disclosed_paths == std::vector<ClaimPath>{path({"family_name"}), path({"locality"}), path({"region"}),
                                                        path({"date_of_birth"})});

  Json neither = pid_claims();
  neither.erase("date_of_birth");
  CHECK_FALSE(veil::match_dcql(query, {pid("p", neither)}).satisfiable);
}

TEST_CASE("credential_sets: first satisfiable option, required and optional sets", "[dcql]") {
  DcqlQuery query = example("credentials_alternatives.json");
  DcqlCandidate other_pid = pid("other-pid");
  other_pid.vct = "https://othercredentials.example/pid";
  DcqlCandidate reduced{"reduced", "https://credentials.example.com/reduced_identity_credential", pid_claims(), true};
  DcqlCandidate residence{"residence", "https://cred.example/residence_credential",
                          Json::parse(R"({"postal_code": "90210", "locality": "X", "region": "Y"})"), true};
  DcqlCandidate rewards{"rewards", "https://company.example/company_rewards",
                        Json::parse(R"({"rewards_number": 42})"), true};

  // Only the second option (other_pid) is available; the rewards card is optional.
  auto result = veil::match_dcql(query, {other_pid, rewards});
  REQUIRE(result.satisfiable);
  REQUIRE(result.credential_sets.size() == 2);
  CHECK(result.credential_sets[0].chosen_option == std::optional<std::size_t>(1));
  CHECK(result.credential_sets[1].chosen_option == std::optional<std::size_t>(0));
  CHECK_FALSE(result.credential_sets[1].required);
  CHECK(result.find("other_pid")->requirement == DcqlRequirement::required);
  CHECK(result.find("pid")->requirement == DcqlRequirement::not_needed);
  CHECK(result.find("nice_to_have")->requirement == DcqlRequirement::optional);

  // The first option wins when both are available.
  auto both = veil::match_dcql(query, {other_pid, pid()});
  CHECK(both.credential_sets[0].chosen_option == std::optional<std::size_t>(0));
  CHECK(both.find("pid")->requirement == DcqlRequirement::required);
  CHECK(both.find("other_pid")->requirement == DcqlRequirement::not_needed);
  CHECK_FALSE(both.credential_sets[1].chosen_option);
  CHECK(both.find("nice_to_have")->requirement == DcqlRequirement::not_needed);

  // The third option needs both of its credentials.
  CHECK_FALSE(veil::match_dcql(query, {reduced, rewards}).satisfiable);
  auto pair = veil::match_dcql(query, {reduced, residence});
  REQUIRE(pair.satisfiable);
  CHECK(pair.credential_sets[0].chosen_option == std::optional<std::size_t>(2));
  CHECK(pair.find("pid_reduced_cred_1")->requirement == DcqlRequirement::required);
  CHECK(pair.find("pid_reduced_cred_2")->requirement == DcqlRequirement::required);

  // The optional set alone never satisfies the request.
  CHECK_FALSE(veil::match_dcql(query, {rewards}).satisfiable);
}

TEST_CASE("without credential_sets every credential query is required; mdoc queries match nothing", "[dcql]") {
  auto result = veil::match_dcql(example("multi_credentials.json"), {pid()});
  CHECK_FALSE(result.satisfiable);
  CHECK(result.find("pid")->matches.size() == 1);
  CHECK(result.find("mdl")->matches.empty());
  CHECK(result.find("mdl")->requirement == DcqlRequirement::not_needed);

  CHECK_FALSE(veil::match_dcql(example("simple_mdoc.json"), {pid()}).satisfiable);
  auto complex = veil::match_dcql(example("complex_mdoc.json"), {pid()});
  CHECK_FALSE(complex.satisfiable);
  for (const auto& entry : complex.credentials) CHECK(entry.matches.empty());
}

TEST_CASE("multiple lists every match; holder binding is required unless the query waives it", "[dcql]") {
  DcqlCandidate unbound = pid("unbound");
  unbound.has_holder_binding = false;
  auto strict = veil::match_dcql(example("simple.json"), {pid("a"), unbound, pid("b")});
  const auto* entry = strict.find("my_credential");
  REQUIRE(entry->matches.size() == 2);
  CHECK(entry->matches[0].handle == "a");
  CHECK(entry->matches[1].handle == "b");
  CHECK_FALSE(entry->multiple);

  DcqlQuery lenient = query_of(R"({"credentials": [{"id": "c", "format": "dc+sd-jwt", "multiple": true,
      "require_cryptographic_holder_binding": false,
      "meta": {"vct_values": ["https://credentials.example.com/identity_credential"]}}]})");
  auto result = veil::match_dcql(lenient, {unbound, pid("a")});
  REQUIRE(result.satisfiable);
  CHECK(result.find("c")->multiple);
  REQUIRE(result.find("c")->matches.size() == 2);
  CHECK(result.find("c")->matches[0].disclosed_paths.empty());  // no claims asked: disclose nothing
}

TEST_CASE("filtering drops every claim the query did not ask for [attack:P10]", "[dcql][attack:P10]") {
  Json claims = pid_claims();
  DcqlQuery query = example("simple.json");
  Json kept = veil::dcql_filter_to_query(query.credentials()[0], claims);
  CHECK(kept == Json::parse(R"({"family_name": "Doe", "given_name": "John",
                                "address": {"street_address": "123 Main St"}})"));

  Json types = veil::dcql_filter_claims(claims, {path({"degrees", nullptr, "type"}), path({"nationalities", 1})});
  CHECK(types == Json::parse(R"({"degrees": [{"type": "BSc"}, {"type": "MSc"}], "nationalities": ["DE"]})"));

  Json merged = veil::dcql_filter_claims(claims, {path({"degrees", 0, "type"}), path({"degrees", nullptr, "school"})});
  CHECK(merged == Json::parse(R"({"degrees": [{"type": "BSc", "school": "X"}, {"school": "Y"}]})"));

  CHECK(veil::dcql_filter_claims(claims, {path({"nationalities", nullptr})})["nationalities"] == claims["nationalities"]);
  CHECK(veil::dcql_filter_claims(claims, {path({"address"})}) == Json{{"address", claims["address"]}});
  CHECK(veil::dcql_filter_claims(claims, {path({"missing"}), path({"address", 0})}) == Json::object());
  CHECK(veil::dcql_filter_claims(claims, {}) == Json::object());
}

TEST_CASE("verifier accepts a response that satisfies the query [attack:P10]", "[dcql][attack:P10]") {
  DcqlQuery query = example("simple.json");
  DcqlPresentedCredential presented{kPidVct, pid_claims(), true};
  CHECK(veil::check_presentation_satisfies(query, {{"my_credential", {presented}}}));

  DcqlQuery alternatives = example("credentials_alternatives.json");
  DcqlPresentedCredential other{"https://othercredentials.example/pid", pid_claims(), true};
  CHECK(veil::check_presentation_satisfies(alternatives, {{"other_pid", {other}}}));
}

TEST_CASE("verifier rejects an incomplete or foreign response [attack:P10]", "[dcql][attack:P10]") {
  DcqlQuery query = example("simple.json");
  DcqlPresentedCredential good{kPidVct, pid_claims(), true};
  auto rejects = [&](const DcqlQuery& q, const std::map<std::string, std::vector<DcqlPresentedCredential>>& response,
                     const std::string& needle) {
    auto status = veil::check_presentation_satisfies(q, response);
    REQUIRE_FALSE(status);
    CHECK(status.error().code == ErrorCode::dcql_query_not_satisfied);
    CHECK_THAT(status.error().message, Catch::Matchers::Contains(needle));
  };

  rejects(query, {}, "required credential set");
  rejects(query, {{"my_credential", {}}}, "empty presentation list");
  rejects(query, {{"my_credential", {good}}, {"extra", {good}}}, "unknown credential query");
  rejects(query, {{"my_credential", {good, good}}}, "allows one credential");

  DcqlPresentedCredential other_vct = good;
  other_vct.vct = "https://othercredentials.example/pid";
  rejects(query, {{"my_credential", {other_vct}}}, "vct");

  DcqlPresentedCredential unbound = good;
  unbound.holder_bound = false;
  rejects(query, {{"my_credential", {unbound}}}, "holder binding");

  DcqlPresentedCredential incomplete = good;
  incomplete.claims["address"].erase("street_address");
  rejects(query, {{"my_credential", {incomplete}}}, "claim address.street_address");

  DcqlPresentedCredential wrong_value = good;
  wrong_value.claims["postal_code"] = "10115";
  rejects(example("value_matching_simple.json"), {{"my_credential", {wrong_value}}}, "claim postal_code");
  auto status = veil::check_presentation_satisfies(example("value_matching_simple.json"),
                                                    {{"my_credential", {wrong_value}}});
  CHECK(status.error().message.find("10115") == std::string::npos);

  DcqlPresentedCredential no_set = good;
  no_set.claims.erase("date_of_birth");
  rejects(example("claims_alternatives.json"), {{"pid", {no_set}}}, "no claim set");

  DcqlQuery alternatives = example("credentials_alternatives.json");
  DcqlPresentedCredential reduced{"https://credentials.example.com/reduced_identity_credential", pid_claims(), true};
  rejects(alternatives, {{"pid_reduced_cred_1", {reduced}}}, "required credential set");
  DcqlPresentedCredential rewards{"https://company.example/company_rewards", Json{{"rewards_number", 1}}, true};
  rejects(alternatives, {{"nice_to_have", {rewards}}}, "required credential set");
}

TEST_CASE("claim_sets tell the consent screen which claims are required and which the holder may withhold", "[dcql]") {
  // An "optional claim" policy as DCQL: everything first, then without the optional claim.
  DcqlQuery query = query_of(R"({"credentials": [{"id": "c", "format": "dc+sd-jwt",
      "meta": {"vct_values": ["https://credentials.example.com/identity_credential"]},
      "claims": [{"id": "a", "path": ["given_name"]}, {"id": "b", "path": ["family_name"]},
                 {"id": "c", "path": ["address", "country"]}],
      "claim_sets": [["a", "b", "c"], ["a", "b"]]}]})");
  const auto& credential = query.credentials()[0];
  auto result = veil::match_dcql(query, {pid()});
  const auto& match = result.find("c")->matches.at(0);
  CHECK(match.satisfiable_claim_sets == std::vector<std::size_t>{0, 1});
  CHECK(match.required_paths == std::vector<ClaimPath>{path({"given_name"}), path({"family_name"})});
  CHECK(match.optional_paths == std::vector<ClaimPath>{path({"address", "country"})});

  auto without_country = veil::dcql_paths_without(credential, match, {path({"address", "country"})});
  REQUIRE(without_country);
  CHECK(*without_country == std::vector<ClaimPath>{path({"given_name"}), path({"family_name"})});
  CHECK_FALSE(veil::dcql_paths_without(credential, match, {path({"given_name"})}));
  CHECK(veil::dcql_paths_without(credential, match, {}) == match.disclosed_paths);

  // Without claim_sets every claim is required and none can be withheld.
  auto simple = veil::match_dcql(example("simple.json"), {pid()});
  const auto& plain = simple.find("my_credential")->matches.at(0);
  CHECK(plain.required_paths == plain.disclosed_paths);
  CHECK(plain.optional_paths.empty());
  CHECK_FALSE(veil::dcql_paths_without(example("simple.json").credentials()[0], plain, {path({"given_name"})}));

  // claims_alternatives with a PID that satisfies both sets: family_name and date_of_birth are in both.
  Json with_region = pid_claims();
  with_region["region"] = "Somewhere";
  auto both = veil::match_dcql(example("claims_alternatives.json"), {pid("p", with_region)});
  const auto& alternatives = both.find("pid")->matches.at(0);
  CHECK(alternatives.required_paths == std::vector<ClaimPath>{path({"family_name"}), path({"date_of_birth"})});
  CHECK(alternatives.optional_paths == std::vector<ClaimPath>{path({"locality"}), path({"region"})});
}
