#include "wallet/consent_plan.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <catch2/catch.hpp>

using veil::ClaimPath;
using veil::DcqlQuery;
using veil::DcqlRequirement;
using veil::ErrorCode;
using veil::Json;
using veil::wallet::Approval;
using veil::wallet::ConsentPlan;
using veil::wallet::CredentialApproval;
using veil::wallet::HolderCredential;

namespace {

// An absolute path from CMake: __FILE__ may be relative to the build directory (ccache's base_dir rewrites it).
const std::filesystem::path kFixtures = std::filesystem::path(VEIL_WALLET_FIXTURES_DIR) / "dcql";
const std::string kIdentity = "https://credentials.example.com/identity_credential";

Json read_json(const std::filesystem::path& path) {
  std::ifstream in(path);
  REQUIRE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  return Json::parse(text.str());
}

ClaimPath path_of(const Json& json) {
  auto path = ClaimPath::from_json(json);
  REQUIRE(path.has_value());
  return *path;
}

Json paths_json(const std::vector<ClaimPath>& paths) {
  Json out = Json::array();
  for (const ClaimPath& path : paths) out.push_back(path.to_json());
  return out;
}

std::vector<HolderCredential> credentials_of(const Json& list) {
  std::vector<HolderCredential> out;
  for (const Json& entry : list)
    out.push_back(HolderCredential{entry["id"], entry["vct"], entry["claims"], entry["has_holder_binding"]});
  return out;
}

DcqlQuery query_of(const Json& json) {
  auto query = DcqlQuery::from_json(json);
  REQUIRE(query.has_value());
  return *query;
}

std::string_view requirement_name(DcqlRequirement requirement) {
  switch (requirement) {
    case DcqlRequirement::required: return "required";
    case DcqlRequirement::optional: return "optional";
    case DcqlRequirement::not_needed: return "not_needed";
  }
  return "?";
}

// Checks |plan| against a fixture's "expected" member.
void check_plan(const ConsentPlan& plan, const Json& expected) {
  CHECK(plan.satisfiable == expected["satisfiable"].get<bool>());
  CHECK(Json(plan.missing) == expected["missing"]);
  REQUIRE(plan.credential_queries.size() == expected["credential_queries"].size());
  for (const auto& query : plan.credential_queries) {
    INFO("credential query " << query.id);
    REQUIRE(expected["credential_queries"].contains(query.id));
    const Json& want = expected["credential_queries"][query.id];
    CHECK(requirement_name(query.requirement) == want["requirement"].get<std::string>());
    REQUIRE(query.candidates.size() == want["candidates"].size());
    for (const auto& candidate : query.candidates) {
      INFO("candidate " << candidate.credential_id);
      REQUIRE(want["candidates"].contains(candidate.credential_id));
      const Json& expected_candidate = want["candidates"][candidate.credential_id];
      CHECK(paths_json(candidate.required_claims) == expected_candidate["required_claims"]);
      CHECK(paths_json(candidate.optional_claims) == expected_candidate["optional_claims"]);
      Json sets = Json::array();
      for (const auto& set : candidate.claim_sets) sets.push_back(paths_json(set));
      CHECK(sets == expected_candidate["claim_sets"]);
    }
  }
  REQUIRE(plan.credential_sets.size() == expected["credential_sets"].size());
  for (std::size_t i = 0; i < plan.credential_sets.size(); ++i) {
    const Json& want = expected["credential_sets"][i];
    CHECK(plan.credential_sets[i].required == want["required"].get<bool>());
    Json option = plan.credential_sets[i].satisfiable_option ? Json(*plan.credential_sets[i].satisfiable_option)
                                                            : Json(nullptr);
    CHECK(option == want["satisfiable_option"]);
  }
}

template <class T>
void expect_error(const veil::Result<T>& result, ErrorCode code) {
  REQUIRE_FALSE(result.has_value());
  INFO(result.error().message);
  CHECK(result.error().code == code);
}

ConsentPlan plan_for(const std::string& fixture, std::size_t case_index) {
  Json doc = read_json(kFixtures / fixture);
  return veil::wallet::make_consent_plan(query_of(doc["query"]),
                                         credentials_of(doc["cases"][case_index]["credentials"]));
}

HolderCredential identity(std::string id, Json claims, bool bound = true) {
  return HolderCredential{std::move(id), kIdentity, std::move(claims), bound};
}

}  // namespace

TEST_CASE("consent plan: every DCQL example of OpenID4VP 1.0 gives the expected plan and disclosures", "[dcql]") {
  std::size_t fixtures = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kFixtures)) {
    if (entry.path().extension() != ".json") continue;
    ++fixtures;
    Json doc = read_json(entry.path());
    INFO("fixture " << entry.path().filename().string());
    // The fixture's query is the specification's example, unchanged.
    CHECK(doc["query"] == read_json(std::filesystem::path(VEIL_VECTORS_DIR) / "openid4vp" /
                                    doc["source"].get<std::string>()));
    DcqlQuery query = query_of(doc["query"]);
    for (const Json& test : doc["cases"]) {
      INFO("case: " << test["name"].get<std::string>());
      ConsentPlan plan = veil::wallet::make_consent_plan(query, credentials_of(test["credentials"]));
      const Json& expected = test["expected"];
      check_plan(plan, expected);
      if (!plan.satisfiable) {
        expect_error(veil::wallet::require_satisfiable(plan).map([] { return 0; }), ErrorCode::no_matching_credential);
        continue;
      }
      REQUIRE(veil::wallet::require_satisfiable(plan));
      auto disclosures = veil::wallet::apply_approval(plan, veil::wallet::default_approval(plan));
      REQUIRE(disclosures.has_value());
      Json got = Json::array();
      for (const auto& disclosure : *disclosures) {
        got.push_back({{"credential_query_id", disclosure.credential_query_id},
                       {"credential_id", disclosure.credential_id},
                       {"paths", paths_json(disclosure.paths)}});
        // Nothing beyond what the query names is ever disclosed.
        auto requested = veil::dcql_requested_paths(*query.find_credential(disclosure.credential_query_id));
        for (const ClaimPath& path : disclosure.paths)
          CHECK(std::find(requested.begin(), requested.end(), path) != requested.end());
      }
      CHECK(got == expected["default_disclosures"]);
    }
  }
  CHECK(fixtures == 7);
}

TEST_CASE("consent plan: unticking an optional claim falls back to the next claim set", "[dcql]") {
  ConsentPlan plan = plan_for("claims_alternatives.json", 0);
  // Untick locality: [a c d e] is no longer possible, [a b e] is.
  Approval approval{{CredentialApproval{"pid", "pid-1", {path_of({"region"}), path_of({"postal_code"})}}}};
  auto disclosures = veil::wallet::apply_approval(plan, approval);
  REQUIRE(disclosures.has_value());
  REQUIRE(disclosures->size() == 1);
  CHECK(paths_json((*disclosures)[0].paths) == Json::parse(R"([["family_name"], ["postal_code"], ["date_of_birth"]])"));

  // Ticking only the first set's claims discloses exactly that set, never the unticked postal_code.
  approval.credentials[0].ticked_optional_claims = {path_of({"locality"}), path_of({"region"})};
  disclosures = veil::wallet::apply_approval(plan, approval);
  REQUIRE(disclosures.has_value());
  CHECK(paths_json((*disclosures)[0].paths) ==
        Json::parse(R"([["family_name"], ["locality"], ["region"], ["date_of_birth"]])"));

  // Required claims may be listed as ticked; they change nothing.
  approval.credentials[0].ticked_optional_claims.push_back(path_of({"family_name"}));
  CHECK(veil::wallet::apply_approval(plan, approval).has_value());
}

TEST_CASE("consent plan: unticking so much that no claim set remains is dcql_query_not_satisfied", "[dcql]") {
  ConsentPlan plan = plan_for("claims_alternatives.json", 0);
  Approval approval{{CredentialApproval{"pid", "pid-1", {path_of({"region"})}}}};
  expect_error(veil::wallet::apply_approval(plan, approval), ErrorCode::dcql_query_not_satisfied);
}

TEST_CASE("consent plan: ticking a claim the request did not ask for is claim_not_requested", "[dcql]") {
  ConsentPlan plan = plan_for("claims_alternatives.json", 0);
  Approval approval{{CredentialApproval{"pid", "pid-1", {path_of({"birthdate"})}}}};
  expect_error(veil::wallet::apply_approval(plan, approval), ErrorCode::claim_not_requested);
  // A parent or a child of a requested claim is not that claim.
  approval.credentials[0].ticked_optional_claims = {path_of({"family_name", "x"})};
  expect_error(veil::wallet::apply_approval(plan, approval), ErrorCode::claim_not_requested);

  ConsentPlan simple = plan_for("simple.json", 0);
  Approval parent{{CredentialApproval{"my_credential", "identity-1", {path_of({"address"})}}}};
  expect_error(veil::wallet::apply_approval(simple, parent), ErrorCode::claim_not_requested);
}

TEST_CASE("consent plan: the holder may pick another option of a credential set", "[dcql]") {
  ConsentPlan plan = plan_for("credentials_alternatives.json", 1);
  Approval approval{{CredentialApproval{"other_pid", "other-pid-1", {}}}};
  auto disclosures = veil::wallet::apply_approval(plan, approval);
  REQUIRE(disclosures.has_value());
  REQUIRE(disclosures->size() == 1);
  CHECK((*disclosures)[0].credential_query_id == "other_pid");

  // Both alternatives at once is allowed by §6.4.2 (each is a complete option); the wallet's default is one.
  approval.credentials.push_back(CredentialApproval{"pid", "identity-1", {}});
  disclosures = veil::wallet::apply_approval(plan, approval);
  REQUIRE(disclosures.has_value());
  CHECK(disclosures->size() == 2);
  CHECK((*disclosures)[0].credential_query_id == "pid");  // in query order
}

TEST_CASE("consent plan: approvals that leave a required set open or half-answer an option are refused", "[dcql]") {
  ConsentPlan plan = plan_for("credentials_alternatives.json", 0);
  // Nothing approved.
  expect_error(veil::wallet::apply_approval(plan, Approval{}), ErrorCode::dcql_query_not_satisfied);
  // Only half of the third option.
  expect_error(veil::wallet::apply_approval(plan, Approval{{CredentialApproval{"pid_reduced_cred_1", "reduced-1", {}}}}),
               ErrorCode::dcql_query_not_satisfied);
  // Only the optional set.
  expect_error(veil::wallet::apply_approval(plan, Approval{{CredentialApproval{"nice_to_have", "rewards-1", {}}}}),
               ErrorCode::dcql_query_not_satisfied);
  // The full third option plus the optional rewards card is fine.
  Approval full{{CredentialApproval{"pid_reduced_cred_1", "reduced-1", {}},
                 CredentialApproval{"pid_reduced_cred_2", "residence-1", {}},
                 CredentialApproval{"nice_to_have", "rewards-1", {}}}};
  auto disclosures = veil::wallet::apply_approval(plan, full);
  REQUIRE(disclosures.has_value());
  CHECK(disclosures->size() == 3);
  CHECK(veil::wallet::default_approval(plan, true).credentials.size() == 3);
}

TEST_CASE("consent plan: unknown queries, non-matching credentials and duplicates are dcql_query_not_satisfied",
          "[dcql]") {
  ConsentPlan plan = plan_for("simple.json", 1);
  auto with = [&](std::vector<CredentialApproval> credentials) {
    return veil::wallet::apply_approval(plan, Approval{std::move(credentials)});
  };
  expect_error(with({CredentialApproval{"nope", "identity-1", {}}}), ErrorCode::dcql_query_not_satisfied);
  expect_error(with({CredentialApproval{"my_credential", "unrelated", {}}}), ErrorCode::dcql_query_not_satisfied);
  expect_error(with({CredentialApproval{"my_credential", "not-stored", {}}}), ErrorCode::dcql_query_not_satisfied);
  // multiple is false: exactly one credential.
  expect_error(with({CredentialApproval{"my_credential", "identity-1", {}},
                     CredentialApproval{"my_credential", "identity-2", {}}}),
               ErrorCode::dcql_query_not_satisfied);
  auto second = with({CredentialApproval{"my_credential", "identity-2", {}}});
  REQUIRE(second.has_value());
  CHECK((*second)[0].credential_id == "identity-2");
}

TEST_CASE("consent plan: multiple lets several credentials answer one query, each once", "[dcql]") {
  auto query = query_of(Json::parse(R"({"credentials": [{"id": "ids", "format": "dc+sd-jwt", "multiple": true,
    "meta": {"vct_values": [")" + kIdentity + R"("]}, "claims": [{"path": ["given_name"]}]}]})"));
  ConsentPlan plan = veil::wallet::make_consent_plan(
      query, {identity("a", {{"given_name", "A"}}), identity("b", {{"given_name", "B"}}), identity("c", {})});
  REQUIRE(plan.satisfiable);
  REQUIRE(plan.credential_queries[0].multiple);
  CHECK(plan.credential_queries[0].candidates.size() == 2);
  CHECK(veil::wallet::default_approval(plan).credentials.size() == 2);

  auto both = veil::wallet::apply_approval(
      plan, Approval{{CredentialApproval{"ids", "a", {}}, CredentialApproval{"ids", "b", {}}}});
  REQUIRE(both.has_value());
  CHECK(both->size() == 2);
  expect_error(veil::wallet::apply_approval(
                   plan, Approval{{CredentialApproval{"ids", "a", {}}, CredentialApproval{"ids", "a", {}}}}),
               ErrorCode::dcql_query_not_satisfied);
}

TEST_CASE("consent plan: require_cryptographic_holder_binding false accepts a credential without a cnf key",
          "[dcql]") {
  std::string text = R"({"credentials": [{"id": "q", "format": "dc+sd-jwt", "require_cryptographic_holder_binding": false,
    "meta": {"vct_values": [")" + kIdentity + R"("]}, "claims": [{"path": ["given_name"]}]}]})";
  ConsentPlan plan = veil::wallet::make_consent_plan(query_of(Json::parse(text)),
                                                     {identity("unbound", {{"given_name", "A"}}, false)});
  CHECK(plan.satisfiable);
}

TEST_CASE("consent plan: a credential query without claims discloses no selectively disclosable claim", "[dcql]") {
  std::string text = R"({"credentials": [{"id": "q", "format": "dc+sd-jwt",
    "meta": {"vct_values": [")" + kIdentity + R"("]}}]})";
  ConsentPlan plan = veil::wallet::make_consent_plan(query_of(Json::parse(text)), {identity("x", {{"given_name", "A"}})});
  REQUIRE(plan.satisfiable);
  auto disclosures = veil::wallet::apply_approval(plan, veil::wallet::default_approval(plan));
  REQUIRE(disclosures.has_value());
  REQUIRE(disclosures->size() == 1);
  CHECK((*disclosures)[0].paths.empty());
}

TEST_CASE("consent plan: array paths with null and accepted values select by element", "[dcql]") {
  std::string text = R"({"credentials": [{"id": "q", "format": "dc+sd-jwt",
    "meta": {"vct_values": [")" + kIdentity + R"("]},
    "claims": [{"path": ["nationalities", null], "values": ["DE"]}, {"path": ["degrees", 0, "type"]}]}]})";
  auto query = query_of(Json::parse(text));
  ConsentPlan plan = veil::wallet::make_consent_plan(
      query, {identity("fr", Json::parse(R"({"nationalities": ["FR"], "degrees": [{"type": "BSc"}]})")),
              identity("de", Json::parse(R"({"nationalities": ["FR", "DE"], "degrees": [{"type": "BSc"}]})")),
              identity("no-degree", Json::parse(R"({"nationalities": ["DE"], "degrees": []})"))});
  REQUIRE(plan.satisfiable);
  REQUIRE(plan.credential_queries[0].candidates.size() == 1);
  CHECK(plan.credential_queries[0].candidates[0].credential_id == "de");
  CHECK(paths_json(plan.credential_queries[0].candidates[0].required_claims) ==
        Json::parse(R"([["nationalities", null], ["degrees", 0, "type"]])"));
}

TEST_CASE("consent plan: to_json lists queries, candidates and paths without claim values", "[dcql]") {
  ConsentPlan plan = plan_for("claims_alternatives.json", 0);
  Json json = plan.to_json();
  CHECK(json["satisfiable"] == true);
  CHECK(json["credential_queries"][0]["id"] == "pid");
  CHECK(json["credential_queries"][0]["requirement"] == "required");
  CHECK(json["credential_queries"][0]["candidates"][0]["optional_claims"] ==
        Json::parse(R"([["locality"], ["region"], ["postal_code"]])"));
  CHECK(json["credential_sets"][0]["satisfiable_option"] == 0);
  CHECK(json.dump().find("Anytown") == std::string::npos);

  ConsentPlan none = plan_for("complex_mdoc.json", 0);
  CHECK(none.to_json()["credential_sets"][0]["satisfiable_option"].is_null());
  auto status = veil::wallet::require_satisfiable(none);
  REQUIRE_FALSE(status);
  CHECK(status.error().code == ErrorCode::no_matching_credential);
  CHECK(status.error().message.find("mdl-id") != std::string::npos);
}
