// Every protocol error path of veil-issuer serve over real HTTP, each with the error code and HTTP status
// OpenID4VCI 1.0 (§6.3, §8.3.1.2) and RFC 6749 / RFC 6750 name for it (ATTACKS P13-P18).
#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <thread>
#include <vector>

#include "issuer/issuer_test_support.h"
#include "veil/base64url.h"

using veil::Json;
using veil::JwsAlg;
using namespace veil::issuer;
using namespace veil::issuer::testing;

namespace {

httplib::Params token_form(const Json& offer) {
  return {{"grant_type", kPreAuthorizedCodeGrant}, {"pre-authorized_code", pre_authorized_code(offer)}};
}

httplib::Params token_form(const Json& offer, const std::string& tx_code) {
  auto form = token_form(offer);
  form.emplace("tx_code", tx_code);
  return form;
}

std::string wrong_code(const std::string& right) {
  std::string wrong = right;
  wrong[0] = wrong[0] == '0' ? '1' : '0';
  return wrong;
}

}  // namespace

TEST_CASE("token endpoint refuses a replayed pre-authorized code [attack:P13]", "[issuer][token][attack:P13]") {
  IssuerTestServer issuer;
  const Json offer = issuer.create_offer("age", example_claims("age"));
  issuer.redeem(offer);
  expect_error(issuer.post_form("/token", token_form(offer)), 400, "invalid_grant");
  // The offer by reference is gone once its code was used.
  auto by_reference = issuer.client().Get(path_of(offer.at("credential_offer_uri")).c_str());
  REQUIRE(by_reference);
  CHECK(by_reference->status == 404);
}

TEST_CASE("token endpoint refuses an expired pre-authorized code [attack:P13]", "[issuer][token][attack:P13]") {
  IssuerTestServer issuer;
  const Json offer = issuer.create_offer("age", example_claims("age"));
  issuer.clock().advance(issuer.config().offer_lifetime_seconds + 1);
  expect_error(issuer.post_form("/token", token_form(offer)), 400, "invalid_grant");
  auto by_reference = issuer.client().Get(path_of(offer.at("credential_offer_uri")).c_str());
  REQUIRE(by_reference);
  CHECK(by_reference->status == 404);
}

TEST_CASE("token endpoint refuses an unknown pre-authorized code [attack:P13]", "[issuer][token][attack:P13]") {
  IssuerTestServer issuer;
  expect_error(issuer.post_form("/token", {{"grant_type", kPreAuthorizedCodeGrant}, {"pre-authorized_code", "nope"}}),
               400, "invalid_grant");
}

TEST_CASE("token endpoint kills a code after five wrong tx_codes, then refuses even the right one [attack:P14]",
          "[issuer][token][attack:P14]") {
  IssuerTestServer issuer;
  const Json offer = issuer.create_offer("age", example_claims("age"), true);
  const std::string tx_code = offer.at("tx_code");
  CHECK(tx_code.size() == issuer.config().tx_code_length);
  const Json tx_code_object =
      offer.at("credential_offer").at("grants").at(kPreAuthorizedCodeGrant).at("tx_code");
  CHECK(tx_code_object.at("input_mode") == "numeric");
  CHECK(tx_code_object.at("length") == tx_code.size());
  REQUIRE(issuer.config().max_tx_code_attempts == 5);
  for (int attempt = 0; attempt < 5; ++attempt) {
    INFO("attempt " << attempt);
    expect_error(issuer.post_form("/token", token_form(offer, wrong_code(tx_code))), 400, "invalid_grant");
  }
  expect_error(issuer.post_form("/token", token_form(offer, tx_code)), 400, "invalid_grant");
  // A dead code's offer is no longer served either.
  auto by_reference = issuer.client().Get(path_of(offer.at("credential_offer_uri")).c_str());
  REQUIRE(by_reference);
  CHECK(by_reference->status == 404);
}

TEST_CASE("token endpoint accepts the right tx_code after fewer wrong ones than the limit [attack:P14]",
          "[issuer][token][attack:P14]") {
  IssuerTestServer issuer;
  const Json offer = issuer.create_offer("age", example_claims("age"), true);
  const std::string tx_code = offer.at("tx_code");
  for (int attempt = 0; attempt < 4; ++attempt) {
    expect_error(issuer.post_form("/token", token_form(offer, wrong_code(tx_code))), 400, "invalid_grant");
  }
  issuer.redeem(offer, tx_code);
}

TEST_CASE("token endpoint answers invalid_request for a missing or unexpected tx_code", "[issuer][token]") {
  IssuerTestServer issuer;
  SECTION("the offer requires a tx_code and none is sent") {
    const Json offer = issuer.create_offer("age", example_claims("age"), true);
    expect_error(issuer.post_form("/token", token_form(offer)), 400, "invalid_request");
    // Not a wrong guess: the right tx_code still works afterwards.
    issuer.redeem(offer, offer.at("tx_code").get<std::string>());
  }
  SECTION("the offer has no tx_code and one is sent") {
    const Json offer = issuer.create_offer("age", example_claims("age"));
    expect_error(issuer.post_form("/token", token_form(offer, "123456")), 400, "invalid_request");
  }
  SECTION("the pre-authorized code is missing") {
    expect_error(issuer.post_form("/token", {{"grant_type", kPreAuthorizedCodeGrant}}), 400, "invalid_request");
  }
  SECTION("the grant_type is missing") {
    const Json offer = issuer.create_offer("age", example_claims("age"));
    expect_error(issuer.post_form("/token", {{"pre-authorized_code", pre_authorized_code(offer)}}), 400,
                 "invalid_request");
  }
  SECTION("a parameter is repeated") {
    const Json offer = issuer.create_offer("age", example_claims("age"));
    httplib::Params form = token_form(offer);
    form.emplace("pre-authorized_code", "other");
    expect_error(issuer.post_form("/token", form), 400, "invalid_request");
  }
}

TEST_CASE("token endpoint answers unsupported_grant_type for any other grant", "[issuer][token]") {
  IssuerTestServer issuer;
  const Json offer = issuer.create_offer("age", example_claims("age"));
  for (const char* grant : {"authorization_code", "client_credentials", "password", "refresh_token"}) {
    INFO(grant);
    expect_error(issuer.post_form("/token", {{"grant_type", grant}, {"pre-authorized_code", pre_authorized_code(offer)}}),
                 400, "unsupported_grant_type");
  }
  // None of that used the code.
  issuer.redeem(offer);
}

TEST_CASE("nonce and token answers are never cacheable [attack:P18]", "[issuer][nonce][token][attack:P18]") {
  IssuerTestServer issuer;
  auto nonce = issuer.client().Post("/nonce", "", "application/json");
  REQUIRE(nonce);
  REQUIRE(nonce->status == 200);
  CHECK(nonce->get_header_value("Cache-Control") == "no-store");
  CHECK(body_json(nonce).at("c_nonce").get<std::string>().size() >= 22);
  // Two nonces are never the same.
  CHECK(issuer.fresh_nonce() != body_json(nonce).at("c_nonce"));

  const Json offer = issuer.create_offer("age", example_claims("age"));
  auto token = issuer.post_form("/token", token_form(offer));
  REQUIRE(token);
  REQUIRE(token->status == 200);
  CHECK(token->get_header_value("Cache-Control") == "no-store");
  auto refused = issuer.post_form("/token", token_form(offer));
  REQUIRE(refused);
  CHECK(refused->get_header_value("Cache-Control") == "no-store");

  auto credential = issuer.post_json("/credential", IssuerTestServer::credential_request("age", {}), "x");
  REQUIRE(credential);
  CHECK(credential->get_header_value("Cache-Control") == "no-store");
}

TEST_CASE("credential endpoint answers invalid_nonce for a stale, reused or unknown c_nonce [attack:P15]",
          "[issuer][credential][attack:P15]") {
  IssuerTestServer issuer;
  const Json claims = example_claims("age");
  const Holder holder = Holder::generate(JwsAlg::ES256);

  SECTION("stale: the c_nonce expired") {
    const std::string nonce = issuer.fresh_nonce();
    issuer.clock().advance(issuer.config().c_nonce_lifetime_seconds + 1);
    const std::string token = issuer.redeem(issuer.create_offer("age", claims));
    expect_error(issuer.post_json("/credential",
                                  IssuerTestServer::credential_request("age", issuer.proofs({holder}, nonce)), token),
                 400, "invalid_nonce");
  }
  SECTION("reused: the c_nonce already served a successful batch") {
    const std::string nonce = issuer.fresh_nonce();
    const std::string first = issuer.redeem(issuer.create_offer("age", claims));
    auto issued = issuer.post_json("/credential",
                                   IssuerTestServer::credential_request("age", issuer.proofs({holder}, nonce)), first);
    REQUIRE(issued);
    REQUIRE(issued->status == 200);
    const std::string second = issuer.redeem(issuer.create_offer("age", claims));
    const Holder other = Holder::generate(JwsAlg::EdDSA);
    expect_error(issuer.post_json("/credential",
                                  IssuerTestServer::credential_request("age", issuer.proofs({other}, nonce)), second),
                 400, "invalid_nonce");
  }
  SECTION("unknown: the issuer never gave out this c_nonce") {
    const std::string token = issuer.redeem(issuer.create_offer("age", claims));
    expect_error(issuer.post_json("/credential",
                                  IssuerTestServer::credential_request(
                                      "age", issuer.proofs({holder}, "bm90LWEtbm9uY2UtZnJvbS10aGlzLWlzc3Vlcg")),
                                  token),
                 400, "invalid_nonce");
  }

  SECTION("one batch with a good and a bad c_nonce issues nothing") {
    const std::string token = issuer.redeem(issuer.create_offer("age", claims));
    const Holder other = Holder::generate(JwsAlg::EdDSA);
    const std::string good = issuer.fresh_nonce();
    const std::vector<std::string> proofs{holder.proof(issuer.issuer_id(), issuer.clock().now(), good),
                                          other.proof(issuer.issuer_id(), issuer.clock().now(), "unknown-nonce")};
    expect_error(issuer.post_json("/credential", IssuerTestServer::credential_request("age", proofs), token), 400,
                 "invalid_nonce");
    const Json listing = body_json(issuer.admin_get("/admin/credentials"));
    CHECK(listing.at("credentials").empty());
  }
}

TEST_CASE("credential endpoint answers invalid_proof for a malformed key proof, spending neither token nor nonce "
          "[attack:P16]",
          "[issuer][credential][attack:P16]") {
  IssuerTestServer issuer;
  const Holder holder = Holder::generate(JwsAlg::ES256);
  const std::string token = issuer.redeem(issuer.create_offer("age", example_claims("age")));
  const std::string nonce = issuer.fresh_nonce();
  const std::int64_t now = issuer.clock().now();
  const Json jwk = holder.key.public_key().to_json();
  const Json good_header = {{"typ", "openid4vci-proof+jwt"}, {"jwk", jwk}};
  const Json good_payload = {{"aud", issuer.issuer_id()}, {"iat", now}, {"nonce", nonce}};

  auto refuse = [&](const std::string& proof) {
    const Json body =
        expect_error(issuer.post_json("/credential", IssuerTestServer::credential_request("age", {proof}), token), 400,
                     "invalid_proof");
    CHECK(body.contains("error_description"));
  };
  SECTION("typ is not openid4vci-proof+jwt") {
    for (const char* typ : {"JWT", "jwt", "dc+sd-jwt", "kb+jwt", "openid4vci-proof+JWT"}) {
      INFO(typ);
      Json header = good_header;
      header["typ"] = typ;
      refuse(holder.proof_with(header, good_payload));
    }
    Json header = good_header;
    header.erase("typ");
    refuse(holder.proof_with(header, good_payload));
  }
  SECTION("aud is not this issuer") {
    for (const Json& aud : {Json("https://evil.example"), Json(issuer.issuer_id() + "/"), Json::array({issuer.issuer_id()})}) {
      INFO(aud.dump());
      Json payload = good_payload;
      payload["aud"] = aud;
      refuse(holder.proof_with(good_header, payload));
    }
  }
  SECTION("alg is none or HS256") {
    for (const char* alg : {"none", "HS256"}) {
      INFO(alg);
      Json header = good_header;
      header["alg"] = alg;
      const std::string signing_input =
          veil::base64url_encode(header.dump()) + "." + veil::base64url_encode(good_payload.dump());
      refuse(signing_input + ".");
      refuse(signing_input + "." + veil::base64url_encode(std::string(32, 'k')));
    }
  }
  SECTION("both jwk and kid, or a kid alone") {
    Json both = good_header;
    both["kid"] = holder.key.public_key().thumbprint();
    refuse(holder.proof_with(both, good_payload));
    Json kid_only = both;
    kid_only.erase("jwk");
    refuse(holder.proof_with(kid_only, good_payload));
  }
  SECTION("the jwk is a private key or not the signing key") {
    Json with_private = good_header;
    with_private["jwk"] = holder.key.to_json();
    refuse(holder.proof_with(with_private, good_payload));
    Json foreign = good_header;
    foreign["jwk"] = Holder::generate(JwsAlg::ES256).key.public_key().to_json();
    refuse(holder.proof_with(foreign, good_payload));
  }
  SECTION("iat lies far in the future or long past") {
    Json future = good_payload;
    future["iat"] = now + 3600;
    refuse(holder.proof_with(good_header, future));
    Json past = good_payload;
    past["iat"] = now - 3600;
    refuse(holder.proof_with(good_header, past));
  }
  SECTION("the proof signs no c_nonce (VCI 1.0 §8.3.1.2: invalid_proof, not invalid_nonce)") {
    Json payload = good_payload;
    payload.erase("nonce");
    refuse(holder.proof_with(good_header, payload));
    refuse(holder.proof(issuer.issuer_id(), now, std::nullopt));
  }
  SECTION("the proof is not a JWS at all") {
    refuse("not-a-jwt");
  }
  SECTION("the same key is proven twice in one batch") {
    const std::vector<std::string> proofs{holder.proof(issuer.issuer_id(), now, nonce),
                                          holder.proof(issuer.issuer_id(), now, nonce)};
    expect_error(issuer.post_json("/credential", IssuerTestServer::credential_request("age", proofs), token), 400,
                 "invalid_proof");
  }

  // A refused proof consumed neither the nonce nor the access token: a good request with both succeeds now.
  auto issued = issuer.post_json(
      "/credential", IssuerTestServer::credential_request("age", {holder.proof(issuer.issuer_id(), now, nonce)}), token);
  REQUIRE(issued);
  INFO(issued->body);
  CHECK(issued->status == 200);
}

TEST_CASE("credential endpoint refuses a token granted for configuration age used for person [attack:P17]",
          "[issuer][credential][attack:P17]") {
  IssuerTestServer issuer;
  const Holder holder = Holder::generate(JwsAlg::ES256);
  const std::string token = issuer.redeem(issuer.create_offer("age", example_claims("age")));
  const std::string nonce = issuer.fresh_nonce();
  expect_error(
      issuer.post_json("/credential", IssuerTestServer::credential_request("person", issuer.proofs({holder}, nonce)),
                       token),
      400, "invalid_credential_request");
  // The refusal spent nothing: the token still gets what it was granted.
  auto issued = issuer.post_json(
      "/credential", IssuerTestServer::credential_request("age", issuer.proofs({holder}, nonce)), token);
  REQUIRE(issued);
  CHECK(issued->status == 200);
}

TEST_CASE("credential endpoint answers unknown_credential_configuration for a configuration it does not offer",
          "[issuer][credential]") {
  IssuerTestServer issuer;
  const Holder holder = Holder::generate(JwsAlg::ES256);
  const std::string token = issuer.redeem(issuer.create_offer("age", example_claims("age")));
  const std::string nonce = issuer.fresh_nonce();
  expect_error(issuer.post_json("/credential",
                                IssuerTestServer::credential_request("diploma", issuer.proofs({holder}, nonce)), token),
               400, "unknown_credential_configuration");
  // The same at offer creation.
  auto offer = issuer.admin_post("/admin/offers", {{"credential_configuration_id", "diploma"}, {"claims", Json::object()}});
  expect_error(offer, 400, "unknown_credential_configuration");
}

TEST_CASE("credential endpoint answers 401 invalid_token with a Bearer challenge for a missing or unknown token",
          "[issuer][credential]") {
  IssuerTestServer issuer;
  const Holder holder = Holder::generate(JwsAlg::ES256);
  const std::string nonce = issuer.fresh_nonce();
  const Json request = IssuerTestServer::credential_request("age", issuer.proofs({holder}, nonce));
  auto check_challenge = [](const httplib::Result& answer) {
    expect_error(answer, 401, "invalid_token");
    CHECK(answer->get_header_value("WWW-Authenticate").starts_with("Bearer"));
  };
  SECTION("no Authorization header") { check_challenge(issuer.post_json("/credential", request)); }
  SECTION("an access token the issuer never gave out") {
    check_challenge(issuer.post_json("/credential", request, "bm90LWEtdG9rZW4"));
  }
  SECTION("a malformed or foreign-scheme Authorization header") {
    for (const char* value : {"Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer a b", "bearer"}) {
      INFO(value);
      check_challenge(issuer.client().Post("/credential", {{"Authorization", value}}, request.dump(),
                                           "application/json"));
    }
  }
  SECTION("an expired access token") {
    const std::string token = issuer.redeem(issuer.create_offer("age", example_claims("age")));
    issuer.clock().advance(issuer.config().access_token_lifetime_seconds + 1);
    check_challenge(issuer.post_json(
        "/credential", IssuerTestServer::credential_request("age", issuer.proofs({holder}, issuer.fresh_nonce())),
        token));
  }
  SECTION("the pre-authorized code itself is not an access token") {
    const Json offer = issuer.create_offer("age", example_claims("age"));
    check_challenge(issuer.post_json("/credential", request, pre_authorized_code(offer)));
  }
}

TEST_CASE("credential endpoint answers invalid_credential_request for a batch larger than batch_size",
          "[issuer][credential]") {
  IssuerTestServer issuer([](IssuerConfig& config) { config.batch_size = 3; });
  std::vector<Holder> holders;
  for (int i = 0; i < 4; ++i) holders.push_back(Holder::generate(i % 2 ? JwsAlg::EdDSA : JwsAlg::ES256));
  const std::string token = issuer.redeem(issuer.create_offer("age", example_claims("age")));
  const std::string nonce = issuer.fresh_nonce();
  expect_error(issuer.post_json("/credential",
                                IssuerTestServer::credential_request("age", issuer.proofs(holders, nonce)), token),
               400, "invalid_credential_request");
  holders.pop_back();
  auto issued = issuer.post_json("/credential",
                                 IssuerTestServer::credential_request("age", issuer.proofs(holders, nonce)), token);
  REQUIRE(issued);
  CHECK(issued->status == 200);
  CHECK(body_json(issued).at("credentials").size() == 3);
}

TEST_CASE("credential endpoint refuses requests of the wrong shape", "[issuer][credential]") {
  IssuerTestServer issuer;
  const Holder holder = Holder::generate(JwsAlg::ES256);
  const std::string token = issuer.redeem(issuer.create_offer("age", example_claims("age")));
  const std::string nonce = issuer.fresh_nonce();
  const std::string proof = holder.proof(issuer.issuer_id(), issuer.clock().now(), nonce);
  SECTION("no credential_configuration_id") {
    expect_error(issuer.post_json("/credential", {{"proofs", {{"jwt", {proof}}}}}, token), 400,
                 "invalid_credential_request");
  }
  SECTION("no proofs") {
    expect_error(issuer.post_json("/credential", {{"credential_configuration_id", "age"}}, token), 400,
                 "invalid_proof");
  }
  SECTION("only the pre-1.0 single proof parameter") {
    expect_error(issuer.post_json("/credential",
                                  {{"credential_configuration_id", "age"},
                                   {"proof", {{"proof_type", "jwt"}, {"jwt", proof}}}},
                                  token),
                 400, "invalid_proof");
  }
  SECTION("a pre-1.0 proof parameter next to proofs is ignored, as §8.2 says of unknown parameters") {
    Json request = IssuerTestServer::credential_request("age", {proof});
    request["proof"] = {{"proof_type", "jwt"}, {"jwt", proof}};
    CHECK(issuer.post_json("/credential", request, token)->status == 200);
  }
  SECTION("an empty proofs.jwt array") {
    expect_error(issuer.post_json("/credential", IssuerTestServer::credential_request("age", {}), token), 400,
                 "invalid_proof");
  }
  SECTION("credential response encryption asked for") {
    Json request = IssuerTestServer::credential_request("age", {proof});
    request["credential_response_encryption"] = {{"enc", "A128GCM"}};
    expect_error(issuer.post_json("/credential", request, token), 400, "invalid_encryption_parameters");
  }
}

TEST_CASE("admin offer creation refuses claims that violate the type's schema, naming the claim",
          "[issuer][offers]") {
  IssuerTestServer issuer;
  Json claims = example_claims("person");
  SECTION("a claim of the wrong type") {
    claims["birthdate"] = 19840812;
    const Json body = expect_error(
        issuer.admin_post("/admin/offers", {{"credential_configuration_id", "person"}, {"claims", claims}}), 400,
        "invalid_claims");
    CHECK(body.at("error_description").get<std::string>().find("birthdate") != std::string::npos);
    CHECK(body.at("error_description").get<std::string>().find("19840812") == std::string::npos);
  }
  SECTION("a nested claim the schema does not allow") {
    claims["address"]["secret_lair"] = "Volcano Island";
    const Json body = expect_error(
        issuer.admin_post("/admin/offers", {{"credential_configuration_id", "person"}, {"claims", claims}}), 400,
        "invalid_claims");
    CHECK(body.at("error_description").get<std::string>().find("secret_lair") != std::string::npos);
    CHECK(body.at("error_description").get<std::string>().find("Volcano") == std::string::npos);
  }
  SECTION("a required claim is missing") {
    claims.erase("family_name");
    auto answer = issuer.admin_post("/admin/offers", {{"credential_configuration_id", "person"}, {"claims", claims}});
    REQUIRE(answer);
    CHECK(answer->status == 400);
    const Json body = body_json(answer);
    CHECK((body.at("error") == "invalid_claims" || body.at("error") == "missing_mandatory_claim"));
    CHECK(body.at("error_description").get<std::string>().find("family_name") != std::string::npos);
  }
  SECTION("the request itself is malformed") {
    expect_error(issuer.admin_post("/admin/offers", {{"credential_configuration_id", "person"}}), 400,
                 "invalid_request");
    expect_error(issuer.admin_post("/admin/offers", {{"credential_configuration_id", 7}, {"claims", claims}}), 400,
                 "invalid_request");
    expect_error(issuer.admin_post("/admin/offers",
                                   {{"credential_configuration_id", "person"}, {"claims", claims}, {"tx_code", "yes"}}),
                 400, "invalid_request");
    expect_error(issuer.admin_post("/admin/offers",
                                   {{"credential_configuration_id", "person"}, {"claims", claims}, {"extra", 1}}),
                 400, "invalid_request");
  }
  // Nothing was stored: no offer can be redeemed and none is listed.
  CHECK(body_json(issuer.admin_get("/admin/credentials")).at("credentials").empty());
}

TEST_CASE("concurrent redemptions of one pre-authorized code yield one access token [attack:P13]",
          "[issuer][token][race][attack:P13]") {
  IssuerTestServer issuer;
  const Json offer = issuer.create_offer("age", example_claims("age"));
  constexpr int kClients = 6;
  std::vector<int> statuses(kClients, 0);
  std::vector<std::thread> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.emplace_back([&, i] {
      httplib::Client client("127.0.0.1", issuer.port());
      auto answer = client.Post("/token", token_form(offer));
      statuses[static_cast<std::size_t>(i)] = answer ? answer->status : -1;
    });
  }
  for (auto& client : clients) client.join();
  CHECK(std::count(statuses.begin(), statuses.end(), 200) == 1);
  CHECK(std::count(statuses.begin(), statuses.end(), 400) == kClients - 1);
}

TEST_CASE("concurrent credential requests with one access token issue one batch", "[issuer][credential][race]") {
  IssuerTestServer issuer;
  const std::string token = issuer.redeem(issuer.create_offer("age", example_claims("age")));
  constexpr int kClients = 4;
  std::vector<Json> requests;
  for (int i = 0; i < kClients; ++i) {
    requests.push_back(IssuerTestServer::credential_request(
        "age", issuer.proofs({Holder::generate(JwsAlg::ES256)}, issuer.fresh_nonce())));
  }
  std::vector<int> statuses(kClients, 0);
  std::vector<std::thread> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.emplace_back([&, i] {
      httplib::Client client("127.0.0.1", issuer.port());
      auto answer = client.Post("/credential", {{"Authorization", "Bearer " + token}},
                                requests[static_cast<std::size_t>(i)].dump(), "application/json");
      statuses[static_cast<std::size_t>(i)] = answer ? answer->status : -1;
    });
  }
  for (auto& client : clients) client.join();
  CHECK(std::count(statuses.begin(), statuses.end(), 200) == 1);
  CHECK(std::count(statuses.begin(), statuses.end(), 401) == kClients - 1);
  CHECK(body_json(issuer.admin_get("/admin/credentials")).at("credentials").size() == 1);
}
