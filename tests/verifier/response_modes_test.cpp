// The front-end flow with response_code (OpenID4VP 1.0 §8.2, §14.3; ATTACKS P3) and the encrypted response mode
// direct_post.jwt (§8.3; ATTACKS P4) of veil-verifier serve, on a real loopback server.
#include <catch2/catch.hpp>

#include "veil/base64url.h"
#include "verifier/jwe_test_support.h"
#include "verifier/response_encryption.h"
#include "verifier/sqlite_transaction_store.h"
#include "verifier/verifier_test_support.h"

namespace veil::verifier::testing {
namespace {

constexpr char kFrontEnd[] = "https://rp.example/cb";

Json age_policy() { return {{"vct", {type_vct("age")}}, {"claims", {"age_over_18"}}}; }

struct Fixture {
  Fixture() : issuer(TestIssuer::generate()), holder(Holder::generate()), verifier(std::vector<Json>{issuer.trust_entry()}) {}

  // start creates a transaction from age_policy() plus |extra| and opens it like a wallet.
  std::pair<Json, WalletRequest> start(const Json& extra) {
    Json body = age_policy();
    for (const auto& [name, value] : extra.items()) body[name] = value;
    const Json created = verifier.create_request(body);
    return {created, verifier.open_link(created.at("link"))};
  }

  Json vp_token(const WalletRequest& request) {
    const std::string credential =
        issuer.issue(type_vct("age"), example_claims("age"), holder.key.public_key(), verifier.clock().now());
    return {{"credential",
             {holder.present(credential, {path("age_over_18")}, request.client_id, request.nonce, verifier.clock().now())}}};
  }

  httplib::Result redeem(const std::string& id, const Json& body) {
    return verifier.client().Post(("/v1/presentation-requests/" + id + "/result").c_str(), body.dump(),
                                  "application/json");
  }

  TestIssuer issuer;
  Holder holder;
  VerifierTestServer verifier;
};

// response_code_of REQUIREs a 200 {"redirect_uri": "<front-end>#response_code=<code>"} and returns the code.
std::string response_code_of(const httplib::Result& answer) {
  REQUIRE(answer);
  INFO(answer->body);
  REQUIRE(answer->status == 200);
  const std::string redirect = body_json(answer).at("redirect_uri");
  const std::string prefix = std::string(kFrontEnd) + "#response_code=";
  REQUIRE(redirect.rfind(prefix, 0) == 0);
  const std::string code = redirect.substr(prefix.size());
  auto bytes = base64url_decode(code);
  REQUIRE(bytes);
  CHECK(bytes->size() >= 16);  // §8.2: 128 random bits or more
  return code;
}

Json response_error(const httplib::Result& answer, const std::string& code) {
  REQUIRE(answer);
  INFO("status " << answer->status << " body " << answer->body);
  CHECK(answer->status == 400);
  const Json body = body_json(answer);
  CHECK(body.value("error", "") == "invalid_request");
  CHECK(body.value("error_code", "") == code);
  return body;
}

// The encryption key the Request Object offers.
Json offered_key(const WalletRequest& request) {
  const Json& metadata = request.parameters.at("client_metadata");
  REQUIRE(metadata.at("jwks").at("keys").size() == 1);
  return metadata.at("jwks").at("keys").at(0);
}

// tamper_tag flips bits in the first character of the JWE's tag (the last one also holds padding bits).
std::string tamper_tag(std::string jwe) {
  const std::size_t first = jwe.rfind('.') + 1;
  jwe[first] = jwe[first] == 'A' ? 'B' : 'A';
  return jwe;
}

httplib::Result post_response(Fixture& fixture, const WalletRequest& request, const std::string& jwe) {
  return fixture.verifier.post_form(path_of(request.response_uri), {{"response", jwe}});
}

}  // namespace

TEST_CASE("with a redirect_uri the response endpoint sends the wallet to the front-end with a response_code that "
          "reads the result once",
          "[verifier][response_code]") {
  Fixture fixture;
  const auto [created, request] = fixture.start({{"redirect_uri", kFrontEnd}});
  CHECK(created.at("redirect_uri") == kFrontEnd);
  CHECK_FALSE(created.contains("response_mode"));  // the default, direct_post, is not repeated
  CHECK(request.parameters.at("response_mode") == "direct_post");
  const std::string code = response_code_of(fixture.verifier.respond(request, fixture.vp_token(request)));

  const auto answer = fixture.redeem(request.id, {{"response_code", code}});
  REQUIRE(answer);
  INFO(answer->body);
  REQUIRE(answer->status == 200);
  CHECK(answer->get_header_value("Cache-Control") == "no-store");
  const Json result = body_json(answer);
  CHECK(result.at("status") == "verified");
  CHECK(result.at("credentials").at("credential").at("claims").at("age_over_18") == true);
  // The relying party's API-key fetch keeps working beside it.
  CHECK(fixture.verifier.result(request.id).at("credentials") == result.at("credentials"));

  // The code is stored hashed, never in the clear.
  auto record = fixture.verifier.app().store().find(request.id);
  REQUIRE(record);
  REQUIRE(*record);
  REQUIRE((*record)->response_code_hash);
  CHECK(*(*record)->response_code_hash != code);
  CHECK((*record)->response_code_redeemed_at);

  // A transaction without redirect_uri answers {} as before.
  const auto [plain_created, plain] = fixture.start(Json::object());
  CHECK_FALSE(plain_created.contains("redirect_uri"));
  const auto plain_answer = fixture.verifier.respond(plain, fixture.vp_token(plain));
  REQUIRE(plain_answer);
  CHECK(plain_answer->status == 200);
  CHECK(body_json(plain_answer) == Json::object());
}

TEST_CASE("the front-end fetch is refused without the response_code, with another transaction's code, and a second "
          "time [attack:P3]",
          "[verifier][response_code][attack:P3]") {
  Fixture fixture;
  const auto [created_a, a] = fixture.start({{"redirect_uri", kFrontEnd}});
  const auto [created_b, b] = fixture.start({{"redirect_uri", kFrontEnd}});
  const std::string code_a = response_code_of(fixture.verifier.respond(a, fixture.vp_token(a)));
  const std::string code_b = response_code_of(fixture.verifier.respond(b, fixture.vp_token(b)));
  CHECK(code_a != code_b);

  SECTION("without the code") {
    expect_error(fixture.redeem(a.id, Json::object()), 400, "response_code_required");
    expect_error(fixture.redeem(a.id, {{"response_code", ""}}), 400, "response_code_required");
    expect_error(fixture.redeem(a.id, {{"response_code", 42}}), 400, "response_code_required");
  }
  SECTION("with another transaction's code, or a wrong one") {
    expect_error(fixture.redeem(a.id, {{"response_code", code_b}}), 403, "invalid_response_code");
    expect_error(fixture.redeem(a.id, {{"response_code", code_a + "x"}}), 403, "invalid_response_code");
    expect_error(fixture.redeem("unknown-id", {{"response_code", code_a}}), 403, "invalid_response_code");
    // The refusals spent nothing: the right code still works, once.
    const auto answer = fixture.redeem(a.id, {{"response_code", code_a}});
    REQUIRE(answer);
    CHECK(answer->status == 200);
  }
  SECTION("twice") {
    const auto first = fixture.redeem(b.id, {{"response_code", code_b}});
    REQUIRE(first);
    CHECK(first->status == 200);
    expect_error(fixture.redeem(b.id, {{"response_code", code_b}}), 409, "response_code_used");
  }
  SECTION("before the wallet answered, or for a transaction without redirect_uri") {
    const auto [created_c, c] = fixture.start({{"redirect_uri", kFrontEnd}});
    expect_error(fixture.redeem(c.id, {{"response_code", code_a}}), 403, "invalid_response_code");
    const auto [created_d, d] = fixture.start(Json::object());
    const auto plain = fixture.verifier.respond(d, fixture.vp_token(d));
    REQUIRE(plain);
    CHECK(plain->status == 200);
    expect_error(fixture.redeem(d.id, {{"response_code", code_a}}), 403, "invalid_response_code");
  }
}

TEST_CASE("a declining wallet is also sent to the front-end, and a redirect_uri must be an https URL without fragment",
          "[verifier][response_code]") {
  Fixture fixture;
  const auto [created, request] = fixture.start({{"redirect_uri", kFrontEnd}});
  const std::string code = response_code_of(
      fixture.verifier.post_form(path_of(request.response_uri), {{"error", "access_denied"}, {"state", request.state}}));
  const auto answer = fixture.redeem(request.id, {{"response_code", code}});
  REQUIRE(answer);
  REQUIRE(answer->status == 200);
  CHECK(body_json(answer).at("error").at("code") == "access_denied");

  for (const Json& bad : {Json("http://rp.example/cb"), Json("https://rp.example/cb#frag"), Json("rp.example"),
                          Json(7), Json("https://user@rp.example/cb")}) {
    Json body = age_policy();
    body["redirect_uri"] = bad;
    const auto refused = fixture.verifier.create(body);
    REQUIRE(refused);
    INFO(bad.dump() << " " << refused->body);
    CHECK(refused->status == 400);
  }
}

TEST_CASE("a failed verification sends no response_code", "[verifier][response_code]") {
  Fixture fixture;
  const auto [created, request] = fixture.start({{"redirect_uri", kFrontEnd}});
  const auto answer = fixture.verifier.respond(request, {{"credential", {"not-an-sd-jwt"}}});
  REQUIRE(answer);
  CHECK(answer->status == 400);
  CHECK_FALSE(body_json(answer).contains("redirect_uri"));
  auto record = fixture.verifier.app().store().find(request.id);
  REQUIRE(record);
  REQUIRE(*record);
  CHECK((*record)->status == TransactionStatus::failed);
  CHECK_FALSE((*record)->response_code_hash);
}

TEST_CASE("decrypt_response opens the OpenID4VP 1.0 §8.3 example response with its key", "[verifier][jwe]") {
  auto key = PrivateJwk::parse({{"kty", "EC"},
                                {"crv", "P-256"},
                                {"kid", "ac"},
                                {"x", "YO4epjifD-KWeq1sL2tNmm36BhXnkJ0He-WqMYrp9Fk"},
                                {"y", "Hekpm0zfK7C-YccH5iBjcIXgf6YdUvNUac_0At55Okk"},
                                {"d", "Et-3ce0omz8_TuZ96Df9lp0GAaaDoUnDe6X-CRO7Aww"}});
  REQUIRE(key);
  const std::string jwe =
      "eyJhbGciOiJFQ0RILUVTIiwiZW5jIjoiQTEyOEdDTSIsImtpZCI6ImFjIiwiZXBrIjp7Imt"
      "0eSI6IkVDIiwieCI6Im5ubVZwbTNWM2piaGNhZlFhUkJrU1ZOSGx3Wkh3dC05ck9wSnVmeVlJdWsiLCJ5I"
      "joicjRmakRxd0p5czlxVU9QLV9iM21SNVNaRy0tQ3dPMm1pYzVWU05UWU45ZyIsImNydiI6IlAtMjU2In1"
      "9..uAYcHRUSSn2X0WPX.yVzlGSYG4qbg0bq18JcUiDRw56yVnbKR8E7S7YlEtzT00RqE3Pw5oTpUG3hdLN"
      "4taHZ9gC1kwak8JOnJgQ.1wR024_3-qtAlx1oFIUpQQ";
  auto payload = decrypt_response(jwe, *key);
  REQUIRE(payload);
  CHECK(*payload == Json{{"vp_token", {{"example_credential_id", {"eyJhb...YMetA"}}}}});
}

TEST_CASE("decrypt_response refuses another alg, another kid, a tampered tag, an epk off the curve and a malformed "
          "JWE",
          "[verifier][jwe]") {
  auto key = generate_response_encryption_key();
  REQUIRE(key);
  const Json jwk = response_encryption_jwk(*key);
  CHECK(jwk.at("use") == "enc");
  CHECK(jwk.at("alg") == "ECDH-ES");
  CHECK_FALSE(jwk.contains("d"));
  const Json payload = {{"state", "s"}};
  for (const std::string enc : {"A128GCM", "A256GCM"}) {
    auto opened = decrypt_response(encrypt_jwe(payload, jwk, enc), *key);
    REQUIRE(opened);
    CHECK(*opened == payload);
  }
  const auto refused = [&](const std::string& jwe, ErrorCode code) {
    auto opened = decrypt_response(jwe, *key);
    REQUIRE_FALSE(opened);
    INFO(opened.error().message);
    CHECK(opened.error().code == code);
  };
  refused(encrypt_jwe(payload, jwk, "A128GCM", {{"alg", "ECDH-ES+A128KW"}}), ErrorCode::alg_not_allowed);
  refused(encrypt_jwe(payload, jwk, "A128GCM", {{"alg", "none"}}), ErrorCode::alg_not_allowed);
  refused(encrypt_jwe(payload, jwk, "A128CBC-HS256"), ErrorCode::alg_not_allowed);
  refused(encrypt_jwe(payload, jwk, "A128GCM", {{"kid", "other"}}), ErrorCode::unknown_key);
  refused(encrypt_jwe(payload, jwk, "A128GCM", {{"zip", "DEF"}}), ErrorCode::invalid_jws_header);
  // Encrypted to another key under this kid: the tag does not verify.
  auto other = generate_response_encryption_key();
  REQUIRE(other);
  Json other_jwk = response_encryption_jwk(*other);
  other_jwk["kid"] = jwk.at("kid");
  refused(encrypt_jwe(payload, other_jwk), ErrorCode::sealed_data_corrupt);
  // A flipped tag bit.
  refused(tamper_tag(encrypt_jwe(payload, jwk)), ErrorCode::sealed_data_corrupt);
  // An epk that is not on P-256 (invalid-curve attack).
  Json off_curve = {{"kty", "EC"}, {"crv", "P-256"}, {"x", jwk.at("x")}, {"y", jwk.at("x")}};
  refused(encrypt_jwe(payload, jwk, "A128GCM", {{"epk", off_curve}}), ErrorCode::invalid_jwk);
  refused("a.b.c", ErrorCode::invalid_presentation_response);
  const std::string good = encrypt_jwe(payload, jwk);
  refused(good.substr(0, good.find('.')) + ".AAAA" + good.substr(good.find('.') + 1),
          ErrorCode::invalid_presentation_response);
}

TEST_CASE("a direct_post.jwt request offers a fresh ECDH-ES key and an encrypted response is accepted end to end",
          "[verifier][jwe]") {
  Fixture fixture;
  for (const std::string enc : {"A128GCM", "A256GCM"}) {
    DYNAMIC_SECTION(enc) {
      const auto [created, request] = fixture.start({{"response_mode", "direct_post.jwt"}, {"redirect_uri", kFrontEnd}});
      CHECK(created.at("response_mode") == "direct_post.jwt");
      CHECK(request.parameters.at("response_mode") == "direct_post.jwt");
      const Json key = offered_key(request);
      CHECK(key.at("kty") == "EC");
      CHECK(key.at("crv") == "P-256");
      CHECK(key.at("use") == "enc");
      CHECK(key.at("alg") == "ECDH-ES");
      CHECK(key.at("kid").is_string());
      CHECK_FALSE(key.contains("d"));
      CHECK(request.parameters.at("client_metadata").at("encrypted_response_enc_values_supported") ==
            Json::array({"A128GCM", "A256GCM"}));

      // §8.3: the payload holds the response parameters, vp_token as a JSON object.
      const Json payload = {{"vp_token", fixture.vp_token(request)}, {"state", request.state}};
      const std::string code = response_code_of(post_response(fixture, request, encrypt_jwe(payload, key, enc)));
      const Json result = fixture.verifier.result(request.id);
      CHECK(result.at("status") == "verified");
      CHECK(result.at("credentials").at("credential").at("claims").at("age_over_18") == true);
      const auto redeemed = fixture.redeem(request.id, {{"response_code", code}});
      REQUIRE(redeemed);
      CHECK(redeemed->status == 200);
      // The private key served its one response and is gone from the store.
      auto record = fixture.verifier.app().store().find(request.id);
      REQUIRE(record);
      REQUIRE(*record);
      CHECK_FALSE((*record)->transaction.response_key);
    }
  }
  // Two transactions never share a key.
  const auto [created_a, a] = fixture.start({{"response_mode", "direct_post.jwt"}});
  const auto [created_b, b] = fixture.start({{"response_mode", "direct_post.jwt"}});
  CHECK(offered_key(a).at("x") != offered_key(b).at("x"));
  CHECK(offered_key(a).at("kid") != offered_key(b).at("kid"));
  // By value the key travels in the link's client_metadata.
  const auto [created_v, by_value] = fixture.start({{"response_mode", "direct_post.jwt"}, {"mode", "value"}});
  const Json value_key = offered_key(by_value);
  const Json payload = {{"vp_token", fixture.vp_token(by_value)}, {"state", by_value.state}};
  const auto answer = post_response(fixture, by_value, encrypt_jwe(payload, value_key));
  REQUIRE(answer);
  CHECK(answer->status == 200);
  CHECK(fixture.verifier.result(by_value.id).at("status") == "verified");
}

TEST_CASE("a plain direct_post to a direct_post.jwt transaction is refused and fails it [attack:P4]",
          "[verifier][jwe][attack:P4]") {
  Fixture fixture;
  const auto [created, request] = fixture.start({{"response_mode", "direct_post.jwt"}});
  response_error(fixture.verifier.respond(request, fixture.vp_token(request)), "invalid_presentation_response");
  const Json result = fixture.verifier.result(request.id);
  CHECK(result.at("status") == "failed");
  CHECK(result.at("error").at("code") == "invalid_presentation_response");
  // The transaction is over: a correct encrypted response afterwards is a replay.
  const Json payload = {{"vp_token", fixture.vp_token(request)}, {"state", request.state}};
  response_error(post_response(fixture, request, encrypt_jwe(payload, offered_key(request))), "transaction_completed");

  // A wallet that cannot encrypt may still decline in the clear (§8.3).
  const auto [created_d, declining] = fixture.start({{"response_mode", "direct_post.jwt"}});
  const auto declined =
      fixture.verifier.post_form(path_of(declining.response_uri), {{"error", "access_denied"}, {"state", declining.state}});
  REQUIRE(declined);
  CHECK(declined->status == 200);
  CHECK(fixture.verifier.result(declining.id).at("error").at("code") == "access_denied");

  // A JWE posted to a plain transaction is refused and stores nothing.
  const auto [created_p, plain] = fixture.start(Json::object());
  const Json plain_payload = {{"vp_token", fixture.vp_token(plain)}, {"state", plain.state}};
  response_error(post_response(fixture, plain, encrypt_jwe(plain_payload, offered_key(request))),
                 "invalid_presentation_response");
  CHECK(fixture.verifier.result(plain.id).at("status") == "pending");
}

TEST_CASE("an encrypted response for another transaction's key, with a tampered tag or another alg is refused and "
          "stores nothing [attack:P4]",
          "[verifier][jwe][attack:P4][attack:P11]") {
  Fixture fixture;
  const auto [created_a, a] = fixture.start({{"response_mode", "direct_post.jwt"}});
  const auto [created_b, b] = fixture.start({{"response_mode", "direct_post.jwt"}});
  const Json payload = {{"vp_token", fixture.vp_token(a)}, {"state", a.state}};

  response_error(post_response(fixture, a, encrypt_jwe(payload, offered_key(b))), "unknown_key");
  Json b_key_under_a_kid = offered_key(b);
  b_key_under_a_kid["kid"] = offered_key(a).at("kid");
  response_error(post_response(fixture, a, encrypt_jwe(payload, b_key_under_a_kid)), "sealed_data_corrupt");
  response_error(post_response(fixture, a, tamper_tag(encrypt_jwe(payload, offered_key(a)))), "sealed_data_corrupt");
  response_error(post_response(fixture, a, encrypt_jwe(payload, offered_key(a), "A128GCM", {{"alg", "ECDH-ES+A256KW"}})),
                 "alg_not_allowed");
  response_error(post_response(fixture, a, "not-a-jwe"), "invalid_presentation_response");
  CHECK(fixture.verifier.result(a.id).at("status") == "pending");

  // A JWE for A carrying B's state (mix-up) opens, but the state does not match: nothing stored.
  const Json mixed = {{"vp_token", fixture.vp_token(a)}, {"state", b.state}};
  response_error(post_response(fixture, a, encrypt_jwe(mixed, offered_key(a))), "invalid_presentation_response");
  CHECK(fixture.verifier.result(a.id).at("status") == "pending");

  // After all of that the right response still goes through.
  const auto answer = post_response(fixture, a, encrypt_jwe(payload, offered_key(a)));
  REQUIRE(answer);
  INFO(answer->body);
  CHECK(answer->status == 200);
  CHECK(fixture.verifier.result(a.id).at("status") == "verified");
}

TEST_CASE("the store keeps the response code hash, redeems it once and forgets the response key on completion",
          "[verifier][store][attack:P3]") {
  TempDir dir("veil-transactions-v2");
  auto opened = SqliteTransactionStore::open(dir.file("verifier.db"));
  REQUIRE(opened);
  auto& store = **opened;
  NewTransaction t;
  t.id = "t1";
  t.state = "state";
  t.nonce = "nonce";
  t.client_id = "x509_hash:abc";
  t.policy = {{"dcql_query", Json::object()}};
  t.relying_party = "default";
  t.created_at = 1000;
  t.expires_at = 1300;
  t.response_mode = ResponseMode::direct_post_jwt;
  t.response_key = R"({"kty":"EC"})";
  t.redirect_uri = kFrontEnd;
  REQUIRE(store.create(t));
  CHECK(store.redeem_response_code("t1", 1001).value() == false);  // pending: no code yet
  auto found = store.find("t1");
  REQUIRE(found);
  REQUIRE(*found);
  CHECK((*found)->transaction.response_mode == ResponseMode::direct_post_jwt);
  CHECK((*found)->transaction.response_key == t.response_key);
  CHECK((*found)->transaction.redirect_uri == t.redirect_uri);
  REQUIRE(store.complete("t1", TransactionStatus::verified, Json::object(), 1002, std::string("hash")).value() ==
          CompletionOutcome::completed);
  found = store.find("t1");
  REQUIRE(found);
  REQUIRE(*found);
  CHECK_FALSE((*found)->transaction.response_key);
  CHECK((*found)->response_code_hash == std::string("hash"));
  CHECK_FALSE((*found)->response_code_redeemed_at);
  CHECK(store.redeem_response_code("t1", 1003).value() == true);
  CHECK(store.redeem_response_code("t1", 1004).value() == false);
  CHECK(store.redeem_response_code("nope", 1004).value() == false);
}

}  // namespace veil::verifier::testing
