// Standing consent and the agent token through the wallet's HTTP API (issue 8): a request a rule fully covers is
// answered without a prompt and marked in the history; anything beyond a rule, past its daily limit or after it
// was revoked waits for the holder; "always ask" claims never enter a rule; an AI agent's token submits requests
// and reads nothing.
#include <catch2/catch.hpp>
#include <set>

#include "scripted_verifier_support.h"
#include "veil/sd_jwt.h"
#include "wallet/issuer_process_support.h"
#include "wallet/wallet_server_support.h"

using namespace veil;
using namespace veil::wallet;
using namespace veil::wallet::testing;
using veil_test::ScriptedVerifier;

namespace {

// The person query: given and family name required, the country optional (a second claim set without it).
const Json kPersonDcql = Json::parse(R"({"credentials": [
  {"id": "person", "format": "dc+sd-jwt", "meta": {"vct_values": ["urn:veil:credential:person"]},
   "claims": [{"id": "g", "path": ["given_name"]}, {"id": "f", "path": ["family_name"]},
              {"id": "c", "path": ["address", "country"]}],
   "claim_sets": [["g", "f", "c"], ["g", "f"]]}]})");
const Json kAllThree = Json::parse(R"([["given_name"], ["family_name"], ["address", "country"]])");

std::string by_value_request(const ScriptedVerifier& verifier, const std::string& nonce) {
  return "openid4vp://?client_id=" + url_encode("redirect_uri:" + verifier.response_uri()) +
         "&response_type=vp_token&response_mode=direct_post&response_uri=" + url_encode(verifier.response_uri()) +
         "&nonce=" + nonce + "&state=state-" + nonce + "&dcql_query=" + url_encode(kPersonDcql.dump());
}

std::string accept_person(WalletTestServer& wallet, IssuerProcess& issuer) {
  Json offer = issuer.create_offer("person", example_claims("person"));
  Json inspected = json_of(wallet.post("/api/offers", Json{{"offer", offer["offer_uri"]}}), 201);
  Json stored = json_of(wallet.post("/api/offers/" + inspected["id"].get<std::string>() + "/accept", Json::object()), 201);
  return stored["credentials"][0]["id"];
}

Json rule_for(const ScriptedVerifier& verifier, const std::string& credential_id, const Json& claims,
              std::int64_t now, std::int64_t max_per_day = 5) {
  return {{"verifier_client_id", "redirect_uri:" + verifier.response_uri()}, {"credential_id", credential_id},
          {"claims", claims}, {"expires_at", now + 30 * 24 * 3600}, {"max_per_day", max_per_day}};
}

std::set<std::string> disclosed_names(const std::string& presentation) {
  auto parsed = SdJwt::parse(presentation);
  REQUIRE(parsed);
  std::set<std::string> names;
  for (const auto& disclosure : parsed->disclosures()) {
    if (disclosure.claim_name()) names.insert(*disclosure.claim_name());
  }
  return names;
}

struct Scene {
  IssuerProcess issuer;
  ScriptedVerifier verifier;
  WalletTestServer wallet{true, [](WalletConfig& config) { config.max_batch_size = 3; }};
  std::string credential_id = accept_person(wallet, issuer);

  Json submit(const std::string& nonce) {
    return json_of(wallet.post("/api/requests", Json{{"request", by_value_request(verifier, nonce)}}), 201);
  }
  Json add_rule(const Json& claims, std::int64_t max_per_day = 5) {
    return json_of(wallet.post("/api/rules", rule_for(verifier, credential_id, claims, wallet.clock().now(), max_per_day)), 201);
  }
};

}  // namespace

TEST_CASE("a request a standing rule fully covers is answered without a prompt and marked in the history",
          "[wallet][standing_consent]") {
  Scene scene;
  const Json rule = scene.add_rule(kAllThree);
  Json answered = scene.submit("n-1");
  CHECK(answered["status"] == "shared_by_rule");
  CHECK(answered["rule_ids"] == Json::array({rule["id"]}));
  CHECK(answered["result"]["status"] == "shared");
  REQUIRE(scene.verifier.posts().size() == 1);
  Json vp_token = Json::parse(scene.verifier.posts()[0].form.at("vp_token"));
  // address is itself a disclosure (the object holding country), so it travels with country.
  CHECK(disclosed_names(vp_token["person"][0]) == std::set<std::string>{"given_name", "family_name", "address", "country"});
  CHECK(json_of(scene.wallet.get("/api/requests"), 200)["requests"].empty());

  Json history = json_of(scene.wallet.get("/api/history"), 200)["entries"];
  REQUIRE(history.size() == 1);
  CHECK(history[0]["automatic"] == true);
  CHECK(history[0]["rule_id"] == rule["id"]);
  Json rules = json_of(scene.wallet.get("/api/rules"), 200)["rules"];
  REQUIRE(rules.size() == 1);
  CHECK(rules[0]["uses_last_24h"] == 1);
  CHECK(rules[0]["active"] == true);
}

TEST_CASE("a request asking beyond the rule waits for the holder, who may still approve it in person",
          "[wallet][standing_consent]") {
  Scene scene;
  scene.add_rule(Json::parse(R"([["given_name"], ["family_name"]])"));  // the optional country is not in it
  Json pending = scene.submit("n-1");
  CHECK(pending["status"] == "pending");
  CHECK(scene.verifier.posts().empty());
  json_of(scene.wallet.post("/api/requests/" + pending["id"].get<std::string>() + "/approve",
                            Json{{"selections", {{"person", scene.credential_id}}}}),
          200);
  Json history = json_of(scene.wallet.get("/api/history"), 200)["entries"];
  CHECK(history[0]["automatic"] == false);
  CHECK(history[0]["rule_id"].is_null());
}

TEST_CASE("a rule answers at most max_per_day times; revoked, it answers nothing", "[wallet][standing_consent]") {
  Scene scene;
  const Json rule = scene.add_rule(kAllThree, 1);
  CHECK(scene.submit("n-1")["status"] == "shared_by_rule");
  CHECK(scene.submit("n-2")["status"] == "pending");  // the day's one answer is spent
  scene.wallet.clock().advance(24 * 3600);
  CHECK(scene.submit("n-3")["status"] == "shared_by_rule");
  json_of(scene.wallet.del("/api/rules/" + rule["id"].get<std::string>()), 200);
  scene.wallet.clock().advance(24 * 3600);
  CHECK(scene.submit("n-4")["status"] == "pending");
  CHECK(json_of(scene.wallet.get("/api/rules"), 200)["rules"].empty());
  expect_wallet_error(scene.wallet.del("/api/rules/" + rule["id"].get<std::string>()), 404, "not_found");
}

TEST_CASE("an expired rule answers nothing but stays listed for the holder to remove", "[wallet][standing_consent]") {
  Scene scene;
  scene.add_rule(kAllThree);
  scene.wallet.clock().advance(31 * 24 * 3600);
  CHECK(scene.submit("n-1")["status"] == "pending");
  Json rules = json_of(scene.wallet.get("/api/rules"), 200)["rules"];
  REQUIRE(rules.size() == 1);
  CHECK(rules[0]["active"] == false);
}

TEST_CASE("approving with remember makes a rule of exactly what was shared", "[wallet][standing_consent]") {
  Scene scene;
  Json pending = scene.submit("n-1");
  const std::int64_t until = scene.wallet.clock().now() + 7 * 24 * 3600;
  Json shared = json_of(scene.wallet.post("/api/requests/" + pending["id"].get<std::string>() + "/approve",
                                          Json{{"selections", {{"person", scene.credential_id}}},
                                               {"optional_claims", {{"person", Json::array()}}},
                                               {"remember", {{"expires_at", until}, {"max_per_day", 2}}}}),
                        200);
  CHECK(shared["remembered"] == true);
  Json rules = json_of(scene.wallet.get("/api/rules"), 200)["rules"];
  REQUIRE(rules.size() == 1);
  CHECK(rules[0]["claims"] == Json::parse(R"([["given_name"], ["family_name"]])"));
  CHECK(rules[0]["expires_at"] == until);
  // The next request also asks for the optional country, which the holder did not share: it asks again.
  CHECK(scene.submit("n-2")["status"] == "pending");

  SECTION("a malformed remember refuses the approval before anything is shared") {
    Json again = scene.submit("n-3");
    expect_wallet_error(scene.wallet.post("/api/requests/" + again["id"].get<std::string>() + "/approve",
                                          Json{{"selections", {{"person", scene.credential_id}}},
                                               {"remember", {{"expires_at", 1}, {"max_per_day", 2}}}}),
                        400, "invalid_argument");
    CHECK(scene.verifier.posts().size() == 1);
  }
}

TEST_CASE("a claim marked always ask never enters a rule and stops one written before", "[wallet][standing_consent]") {
  Scene scene;
  scene.add_rule(kAllThree);
  const std::string path = "/api/credentials/" + scene.credential_id + "/always-ask";
  httplib::Headers headers{{"Authorization", "Bearer " + scene.wallet.token()}};
  auto marked = scene.wallet.client().Put(path, headers, R"({"claims": [["address", "country"]]})", "application/json");
  CHECK(json_of(marked, 200)["claims"] == Json::parse(R"([["address", "country"]])"));
  CHECK(json_of(scene.wallet.get(path), 200)["claims"].size() == 1);
  CHECK(scene.submit("n-1")["status"] == "pending");
  Json refused = expect_wallet_error(
      scene.wallet.post("/api/rules", rule_for(scene.verifier, scene.credential_id, kAllThree, scene.wallet.clock().now())),
      400, "invalid_argument");
  CHECK(refused["error_description"].get<std::string>().find("always ask") != std::string::npos);
  expect_wallet_error(scene.wallet.client().Put(path, headers, R"({"claims": "address"})", "application/json"), 400,
                      "invalid_argument");
}

TEST_CASE("the agent token submits requests and can read nothing", "[wallet][standing_consent]") {
  Scene scene;
  const std::string agent = scene.wallet.app().agent_token();
  REQUIRE_FALSE(agent.empty());
  CHECK(agent != scene.wallet.token());

  Json submitted = json_of(scene.wallet.post("/api/requests", Json{{"request", by_value_request(scene.verifier, "n-1")}}, agent), 202);
  CHECK(submitted == Json{{"status", "submitted"}});  // nothing about the holder's credentials
  Json pending = json_of(scene.wallet.get("/api/requests"), 200)["requests"];
  REQUIRE(pending.size() == 1);  // the holder sees it and decides
  const std::string id = pending[0]["id"];

  const std::vector<std::string> readers{"/api/credentials", "/api/credentials/" + scene.credential_id,
                                         "/api/history", "/api/history/export", "/api/requests",
                                         "/api/requests/" + id, "/api/rules", "/api/status"};
  for (const std::string& path : readers) {
    INFO(path);
    expect_wallet_error(scene.wallet.get(path, agent), 403, "insufficient_scope");
  }
  expect_wallet_error(scene.wallet.post("/api/requests/" + id + "/approve", Json{{"selections", {{"person", scene.credential_id}}}}, agent),
                      403, "insufficient_scope");
  expect_wallet_error(scene.wallet.post("/api/session", Json::object(), agent), 401, "invalid_token");
  expect_wallet_error(scene.wallet.post("/api/rules", rule_for(scene.verifier, scene.credential_id, kAllThree, 0), agent),
                      403, "insufficient_scope");
  CHECK(scene.verifier.posts().empty());

  SECTION("a request that nothing answers looks the same to the agent as one that waits") {
    const Json other = Json::parse(R"({"credentials": [{"id": "x", "format": "dc+sd-jwt",
        "meta": {"vct_values": ["urn:veil:credential:unheld"]}, "claims": [{"path": ["a"]}]}]})");
    const std::string link = "openid4vp://?client_id=" + url_encode("redirect_uri:" + scene.verifier.response_uri()) +
                             "&response_type=vp_token&response_mode=direct_post&response_uri=" +
                             url_encode(scene.verifier.response_uri()) + "&nonce=n-2&state=s-2&dcql_query=" + url_encode(other.dump());
    CHECK(json_of(scene.wallet.post("/api/requests", Json{{"request", link}}, agent), 202) == Json{{"status", "submitted"}});
  }
  SECTION("a malformed request is still an error") {
    expect_wallet_error(scene.wallet.post("/api/requests", Json{{"request", "https://x.example/"}}, agent), 400,
                        "invalid_authorization_request");
  }
  SECTION("a request a rule covers is answered, and the agent still learns only that it was taken") {
    scene.add_rule(kAllThree);
    CHECK(json_of(scene.wallet.post("/api/requests", Json{{"request", by_value_request(scene.verifier, "n-3")}}, agent), 202) ==
          Json{{"status", "submitted"}});
    CHECK(scene.verifier.posts().size() == 1);
  }
}
