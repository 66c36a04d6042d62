// The wallet's JSON API end to end over loopback HTTP: unlock and lock, offers from a real `veil-issuer serve`
// (tests/wallet/issuer_process_support.h), requests from a scripted verifier
// (tests/wallet/scripted_verifier_support.h) with a consent plan, approval of exactly the ticked claims, the
// history (names, never values) and batch copies running out.
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

const Json kPersonDcql = Json::parse(R"({"credentials": [
  {"id": "person", "format": "dc+sd-jwt", "meta": {"vct_values": ["urn:veil:credential:person"]},
   "claims": [{"id": "g", "path": ["given_name"]}, {"id": "f", "path": ["family_name"]},
              {"id": "c", "path": ["address", "country"]}],
   "claim_sets": [["g", "f", "c"], ["g", "f"]]}]})");

// by_value_request is an unsigned OpenID4VP request under redirect_uri: (OpenID4VP 1.0 §5.9.3) for |verifier|.
std::string by_value_request(const ScriptedVerifier& verifier, const Json& dcql, const std::string& nonce = "n-0815") {
  return "openid4vp://?client_id=" + url_encode("redirect_uri:" + verifier.response_uri()) +
         "&response_type=vp_token&response_mode=direct_post&response_uri=" + url_encode(verifier.response_uri()) +
         "&nonce=" + nonce + "&state=state-" + nonce + "&dcql_query=" + url_encode(dcql.dump());
}

// accept_offer inspects and accepts an offer of |configuration| through the API and returns the stored summary.
Json accept_offer(WalletTestServer& wallet, IssuerProcess& issuer, const std::string& configuration) {
  Json offer = issuer.create_offer(configuration, example_claims(configuration));
  Json inspected = json_of(wallet.post("/api/offers", Json{{"offer", offer["offer_uri"]}}), 201);
  Json stored = json_of(wallet.post("/api/offers/" + inspected["id"].get<std::string>() + "/accept", Json::object()), 201);
  REQUIRE(stored["credentials"].size() == 1);
  return stored["credentials"][0];
}

// disclosed_names reads the claim names a presentation reveals (its disclosures), without verifying it.
std::set<std::string> disclosed_names(const std::string& presentation) {
  auto parsed = SdJwt::parse(presentation);
  REQUIRE(parsed);
  std::set<std::string> names;
  for (const auto& disclosure : parsed->disclosures()) {
    if (disclosure.claim_name()) names.insert(*disclosure.claim_name());
  }
  return names;
}

}  // namespace

TEST_CASE("a new wallet is created with a passphrase, locks, refuses a wrong passphrase and unlocks", "[wallet][api]") {
  WalletTestServer wallet(false);
  auto status = json_of(wallet.get("/api/status"), 200);
  CHECK(status["initialized"] == false);
  CHECK(status["locked"] == true);
  expect_wallet_error(wallet.get("/api/credentials"), 423, "wallet_locked");
  expect_wallet_error(wallet.post("/api/unlock", Json{{"passphrase", kTestPassphrase}}), 400, "invalid_argument");
  expect_wallet_error(wallet.post("/api/initialize", Json{{"passphrase", "short"}}), 400, "invalid_argument");
  expect_wallet_error(wallet.post("/api/initialize", Json{{"passphrase", 12345678}}), 400, "invalid_request");
  json_of(wallet.post("/api/initialize", Json{{"passphrase", kTestPassphrase}}), 200);
  status = json_of(wallet.get("/api/status"), 200);
  CHECK(status["initialized"] == true);
  CHECK(status["locked"] == false);
  CHECK(status["credentials"] == 0);
  expect_wallet_error(wallet.post("/api/initialize", Json{{"passphrase", kTestPassphrase}}), 400, "invalid_argument");

  json_of(wallet.post("/api/lock", Json::object()), 200);
  expect_wallet_error(wallet.get("/api/credentials"), 423, "wallet_locked");
  expect_wallet_error(wallet.get("/api/history"), 423, "wallet_locked");
  expect_wallet_error(wallet.post("/api/offers", Json{{"offer", "openid-credential-offer://?x=1"}}), 423,
                      "wallet_locked");
  expect_wallet_error(wallet.post("/api/unlock", Json{{"passphrase", "wrong horse battery staple"}}), 403,
                      "wrong_passphrase");
  CHECK(json_of(wallet.get("/api/status"), 200)["locked"] == true);
  json_of(wallet.post("/api/unlock", Json{{"passphrase", kTestPassphrase}}), 200);
  CHECK(json_of(wallet.get("/api/credentials"), 200)["credentials"].empty());
}

TEST_CASE("an offer from a real issuer is shown first and stored as a verified batch only once accepted [attack:P12]",
          "[wallet][api][attack:P12]") {
  IssuerProcess issuer;
  WalletTestServer wallet(true, [](WalletConfig& config) { config.max_batch_size = 3; });
  Json offer = issuer.create_offer("person", example_claims("person"));
  Json inspected = json_of(wallet.post("/api/offers", Json{{"offer", offer["offer_uri"]}}), 201);
  CHECK(inspected["credential_issuer"] == issuer.url());
  REQUIRE(inspected["credentials"].size() == 1);
  CHECK(inspected["credentials"][0]["name"] == "Person identification");
  CHECK(inspected["credentials"][0]["vct"] == "urn:veil:credential:person");
  CHECK(inspected["tx_code"].is_null());
  // The pre-authorized code (a bearer secret) never leaves the wallet's memory.
  const Json& grant = offer["credential_offer"]["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"];
  REQUIRE(grant["pre-authorized_code"].is_string());
  CHECK(inspected.dump().find(grant["pre-authorized_code"].get<std::string>()) == std::string::npos);
  // Nothing is stored before the holder accepts.
  CHECK(json_of(wallet.get("/api/credentials"), 200)["credentials"].empty());

  const std::string id = inspected["id"];
  Json stored = json_of(wallet.post("/api/offers/" + id + "/accept", Json::object()), 201);
  REQUIRE(stored["credentials"].size() == 1);
  const Json credential = stored["credentials"][0];
  CHECK(credential["copies_total"] == 3);
  CHECK(credential["copies_left"] == 3);
  CHECK(credential["issuer"] == issuer.url());
  // An accepted offer is spent.
  expect_wallet_error(wallet.post("/api/offers/" + id + "/accept", Json::object()), 404, "not_found");

  Json list = json_of(wallet.get("/api/credentials"), 200)["credentials"];
  REQUIRE(list.size() == 1);
  CHECK(list[0]["name"] == "Person identification");
  CHECK(list[0].dump().find("Erika") == std::string::npos);  // the list carries no claim values
  Json detail = json_of(wallet.get("/api/credentials/" + credential["id"].get<std::string>()), 200);
  CHECK(detail["claims"]["given_name"] == "Erika");
  CHECK(detail["claims"]["address"]["country"] == "DE");
  CHECK_FALSE(detail["claims"].contains("cnf"));
  CHECK_FALSE(detail["claims"].contains("iss"));
  CHECK(detail.contains("expires_at"));

  json_of(wallet.del("/api/credentials/" + credential["id"].get<std::string>()), 200);
  expect_wallet_error(wallet.get("/api/credentials/" + credential["id"].get<std::string>()), 404, "not_found");
}

TEST_CASE("an offer with a transaction code asks for it; a wrong code fails and may be retried", "[wallet][api]") {
  IssuerProcess issuer;
  WalletTestServer wallet(true, [](WalletConfig& config) { config.max_batch_size = 1; });
  Json offer = issuer.create_offer("age", example_claims("age"), true);
  Json inspected = json_of(wallet.post("/api/offers", Json{{"offer", offer["offer_uri"]}}), 201);
  REQUIRE(inspected["tx_code"].is_object());
  const std::string accept = "/api/offers/" + inspected["id"].get<std::string>() + "/accept";
  expect_wallet_error(wallet.post(accept, Json::object()), 400, "invalid_argument");
  expect_wallet_error(wallet.post(accept, Json{{"tx_code", "000000000"}}), 502, "issuance_failed");
  CHECK(json_of(wallet.get("/api/credentials"), 200)["credentials"].empty());
  json_of(wallet.post(accept, Json{{"tx_code", offer["tx_code"]}}), 201);
  CHECK(json_of(wallet.get("/api/credentials"), 200)["credentials"].size() == 1);
  // A discarded offer is gone.
  Json other = json_of(wallet.post("/api/offers", Json{{"offer", issuer.create_offer("age", example_claims("age"))["offer_uri"]}}), 201);
  json_of(wallet.del("/api/offers/" + other["id"].get<std::string>()), 200);
  expect_wallet_error(wallet.post("/api/offers/" + other["id"].get<std::string>() + "/accept", Json::object()), 404,
                      "not_found");
}

TEST_CASE("a request shows its consent plan; the verifier receives exactly the approved claims; history keeps names",
          "[wallet][api]") {
  IssuerProcess issuer;
  ScriptedVerifier verifier;
  WalletTestServer wallet(true, [](WalletConfig& config) { config.max_batch_size = 2; });
  const Json credential = accept_offer(wallet, issuer, "person");

  Json pending = json_of(wallet.post("/api/requests", Json{{"request", by_value_request(verifier, kPersonDcql)}}), 201);
  CHECK(pending["verifier"]["client_id"] == "redirect_uri:" + verifier.response_uri());
  CHECK(pending["verifier"]["prefix"] == "redirect_uri");
  CHECK_FALSE(pending["verifier"]["prefix_explained"].get<std::string>().empty());
  CHECK(pending["verifier"]["response_uri"] == verifier.response_uri());
  REQUIRE(pending["queries"].size() == 1);
  const Json& query = pending["queries"][0];
  CHECK(query["id"] == "person");
  CHECK(query["required"] == true);
  REQUIRE(query["options"].size() == 1);
  CHECK(query["options"][0]["credential_id"] == credential["id"]);
  std::map<std::string, bool> asked;
  for (const auto& claim : query["options"][0]["claims"]) asked[claim["path"].dump()] = claim["required"];
  CHECK(asked == std::map<std::string, bool>{{R"(["given_name"])", true}, {R"(["family_name"])", true},
                                             {R"(["address","country"])", false}});
  CHECK(pending.dump().find("Erika") == std::string::npos);  // a request shows names, never values
  CHECK(json_of(wallet.get("/api/requests"), 200)["requests"].size() == 1);
  CHECK(json_of(wallet.get("/api/status"), 200)["pending_requests"] == 1);

  const std::string approve = "/api/requests/" + pending["id"].get<std::string>() + "/approve";
  SECTION("an approval naming a claim that was not asked for is refused and the request stays pending") {
    expect_wallet_error(
        wallet.post(approve, Json{{"selections", {{"person", credential["id"]}}},
                                  {"optional_claims", {{"person", Json::array({Json::array({"birthdate"})})}}}}),
        400, "claim_not_requested");
    CHECK(verifier.posts().empty());
    json_of(wallet.get("/api/requests/" + pending["id"].get<std::string>()), 200);
  }
  SECTION("the optional country unticked: only given and family name leave the wallet") {
    Json shared = json_of(wallet.post(approve, Json{{"selections", {{"person", credential["id"]}}},
                                                    {"optional_claims", {{"person", Json::array()}}}}),
                          200);
    CHECK(shared["status"] == "shared");
    REQUIRE(verifier.posts().size() == 1);
    const auto form = verifier.posts()[0].form;
    CHECK(form.at("state") == "state-n-0815");
    Json vp_token = Json::parse(form.at("vp_token"));
    REQUIRE(vp_token["person"].size() == 1);
    CHECK(disclosed_names(vp_token["person"][0]) == std::set<std::string>{"given_name", "family_name"});

    Json history = json_of(wallet.get("/api/history"), 200)["entries"];
    REQUIRE(history.size() == 1);
    CHECK(history[0]["verifier"] == "redirect_uri:" + verifier.response_uri());
    CHECK(history[0]["credential_name"] == "Person identification");
    CHECK(history[0]["outcome"] == "accepted");
    CHECK(history[0]["claims"] == Json::parse(R"([["given_name"], ["family_name"]])"));
    const std::string exported = wallet.get("/api/history/export")->body;
    CHECK(exported.find("Erika") == std::string::npos);
    CHECK(exported.find("Mustermann") == std::string::npos);
    CHECK(wallet.get("/api/history/export")->get_header_value("Content-Disposition").find("attachment") == 0);
    // The request is spent.
    expect_wallet_error(wallet.post(approve, Json{{"selections", {{"person", credential["id"]}}}}), 409,
                        "request_already_answered");
    CHECK(verifier.posts().size() == 1);
  }
  SECTION("the country ticked as well") {
    json_of(wallet.post(approve, Json{{"selections", {{"person", credential["id"]}}},
                                      {"optional_claims", {{"person", Json::array({Json::array({"address", "country"})})}}}}),
            200);
    REQUIRE(verifier.posts().size() == 1);
    Json vp_token = Json::parse(verifier.posts()[0].form.at("vp_token"));
    CHECK(disclosed_names(vp_token["person"][0]).contains("country"));
    CHECK_FALSE(disclosed_names(vp_token["person"][0]).contains("birthdate"));
  }
}

TEST_CASE("declining tells the verifier access_denied and is recorded; an expired request is answered no more",
          "[wallet][api]") {
  IssuerProcess issuer;
  ScriptedVerifier verifier;
  WalletTestServer wallet(true, [](WalletConfig& config) { config.max_batch_size = 1; });
  accept_offer(wallet, issuer, "person");
  Json pending = json_of(wallet.post("/api/requests", Json{{"request", by_value_request(verifier, kPersonDcql)}}), 201);
  const std::string id = pending["id"];
  Json declined = json_of(wallet.post("/api/requests/" + id + "/decline", Json::object()), 200);
  CHECK(declined["status"] == "declined");
  REQUIRE(verifier.posts().size() == 1);
  CHECK(verifier.posts()[0].form.at("error") == "access_denied");
  CHECK_FALSE(verifier.posts()[0].form.contains("vp_token"));
  expect_wallet_error(wallet.get("/api/requests/" + id), 409, "request_already_answered");
  Json history = json_of(wallet.get("/api/history"), 200)["entries"];
  REQUIRE(history.size() == 1);
  CHECK(history[0]["outcome"] == "declined");
  CHECK(history[0]["claims"].empty());

  Json later = json_of(wallet.post("/api/requests", Json{{"request", by_value_request(verifier, kPersonDcql, "n-2")}}), 201);
  wallet.clock().advance(wallet.app().config().request_ttl_seconds + 1);
  expect_wallet_error(wallet.get("/api/requests/" + later["id"].get<std::string>()), 409, "request_already_answered");
  CHECK(json_of(wallet.get("/api/requests"), 200)["requests"].empty());
  expect_wallet_error(wallet.get("/api/requests/unknownid"), 404, "not_found");
}

TEST_CASE("a request nothing in the wallet answers is refused with no_matching_credential", "[wallet][api]") {
  IssuerProcess issuer;
  ScriptedVerifier verifier;
  WalletTestServer wallet(true, [](WalletConfig& config) { config.max_batch_size = 1; });
  accept_offer(wallet, issuer, "age");
  expect_wallet_error(wallet.post("/api/requests", Json{{"request", by_value_request(verifier, kPersonDcql)}}), 422,
                      "no_matching_credential");
  expect_wallet_error(wallet.post("/api/requests", Json{{"request", "openid4vp://?client_id=x"}}), 400,
                      "unsupported_client_id_prefix");
  expect_wallet_error(wallet.post("/api/requests", Json{{"request", "https://verifier.example/?client_id=x"}}), 400,
                      "invalid_authorization_request");
  CHECK(verifier.posts().empty());
}

TEST_CASE("each verifier gets a copy no other verifier saw, and the wallet says when copies ran out", "[wallet][api]") {
  IssuerProcess issuer;
  ScriptedVerifier first;
  ScriptedVerifier second;
  WalletTestServer wallet(true, [](WalletConfig& config) { config.max_batch_size = 1; });
  const Json credential = accept_offer(wallet, issuer, "person");
  CHECK(credential["copies_left"] == 1);
  const Json approval{{"selections", {{"person", credential["id"]}}}, {"optional_claims", {{"person", Json::array()}}}};

  Json one = json_of(wallet.post("/api/requests", Json{{"request", by_value_request(first, kPersonDcql, "n-1")}}), 201);
  Json shared = json_of(wallet.post("/api/requests/" + one["id"].get<std::string>() + "/approve", approval), 200);
  REQUIRE(shared["warnings"].size() == 1);
  CHECK(shared["warnings"][0].get<std::string>().find("last unused copy") != std::string::npos);
  CHECK(json_of(wallet.get("/api/credentials"), 200)["credentials"][0]["copies_left"] == 0);

  Json two = json_of(wallet.post("/api/requests", Json{{"request", by_value_request(second, kPersonDcql, "n-2")}}), 201);
  CHECK(two["queries"][0]["options"][0]["copies_left"] == 0);
  Json again = json_of(wallet.post("/api/requests/" + two["id"].get<std::string>() + "/approve", approval), 200);
  REQUIRE(again["warnings"].size() == 1);
  CHECK(again["warnings"][0].get<std::string>().find("already been shown to another verifier") != std::string::npos);
  CHECK(again["copies"][0]["exhausted"] == true);
  REQUIRE(first.posts().size() == 1);
  REQUIRE(second.posts().size() == 1);
}
