// Service tests of veil-verifier serve on a real loopback server: presentation requests by reference and by
// value, the wallet's direct_post, results, and the OpenID4VP attacks of ATTACKS.md (P1, P2, P10, P11, K4-K6).
#include <catch2/catch.hpp>

#include "veil/platform/files.h"
#include "veil/presentation.h"
#include "veil/sd_jwt.h"
#include "verifier/request_signing.h"
#include "verifier/verifier_test_support.h"

namespace veil::verifier::testing {
namespace {

const std::vector<std::string> kTypes = {"age", "person", "employment", "professional_licence"};

// The claims each type's happy path asks for: two leaf claims of the example.
std::vector<std::string> requested_claims(const std::string& type) {
  if (type == "age") return {"age_over_18", "age_over_21"};
  if (type == "person") return {"given_name", "address.country"};
  if (type == "employment") return {"employer_name", "job_title"};
  return {"profession", "licence_status"};
}

Json simple_policy(const std::string& type, const std::vector<std::string>& claims) {
  return {{"vct", {type_vct(type)}}, {"claims", claims}};
}

// A verifier trusting one in-process issuer, a holder with one credential of |type|, issued now.
struct Fixture {
  explicit Fixture(const std::function<void(VerifierConfig&)>& configure = {})
      : issuer(TestIssuer::generate()), holder(Holder::generate()), verifier({issuer.trust_entry()}, configure) {}

  std::string credential(const std::string& type,
                         const std::optional<std::pair<std::string, std::int64_t>>& status = std::nullopt) {
    return issuer.issue(type_vct(type), example_claims(type), holder.key.public_key(), verifier.clock().now(), status);
  }

  // present answers |request| with |credential| disclosing |paths|, bound to the request's client_id and nonce.
  std::string present(const WalletRequest& request, const std::string& credential, const std::vector<std::string>& paths) {
    std::vector<ClaimPath> parsed;
    for (const auto& dotted : paths) parsed.push_back(path(dotted));
    return holder.present(credential, parsed, request.client_id, request.nonce, verifier.clock().now());
  }

  TestIssuer issuer;
  Holder holder;
  VerifierTestServer verifier;
};

Json response_error(const httplib::Result& answer, const std::string& code) {
  REQUIRE(answer);
  INFO("status " << answer->status << " body " << answer->body);
  CHECK(answer->status == 400);
  const Json body = body_json(answer);
  CHECK(body.value("error", "") == "invalid_request");
  CHECK(body.value("error_code", "") == code);
  return body;
}

void expect_ok(const httplib::Result& answer) {
  REQUIRE(answer);
  INFO("status " << answer->status << " body " << answer->body);
  REQUIRE(answer->status == 200);
}

}  // namespace

TEST_CASE("a request by reference serves a Request Object signed by the x5c leaf whose SHA-256 is the client_id",
          "[verifier][service]") {
  Fixture fixture;
  const Json created = fixture.verifier.create_request(simple_policy("age", {"age_over_18"}));
  CHECK(created.at("status") == "pending");
  CHECK(created.at("mode") == "reference");
  CHECK(created.at("client_id") == fixture.verifier.app().signing().client_id());
  CHECK(created.at("client_id").get<std::string>().rfind("x509_hash:", 0) == 0);
  CHECK(created.at("expires_at").get<std::int64_t>() > fixture.verifier.clock().now());
  const std::string link = created.at("link");
  CHECK(link.find("request_uri=") != std::string::npos);
  CHECK(link.find("nonce") == std::string::npos);  // only client_id and request_uri travel in the link

  const WalletRequest request = fixture.verifier.open_link(link);  // REQUIREs signature and x509_hash
  REQUIRE(request.object_header);
  CHECK(request.object_header->at("typ") == "oauth-authz-req+jwt");
  CHECK(request.object_header->at("alg") == "ES256");
  const Json& p = request.parameters;
  CHECK(p.at("response_type") == "vp_token");
  CHECK(p.at("response_mode") == "direct_post");
  CHECK(p.at("response_uri") == fixture.verifier.public_url() + "/response/" + created.at("id").get<std::string>());
  CHECK(p.at("aud") == "https://self-issued.me/v2");
  CHECK(p.at("exp") == created.at("expires_at"));
  CHECK(p.at("client_metadata").at("vp_formats_supported").contains("dc+sd-jwt"));
  CHECK(p.at("dcql_query").at("credentials").at(0).at("meta").at("vct_values").at(0) == type_vct("age"));
  // VP §14.2: a nonce of at least 128 bits, and a state as long.
  CHECK(request.nonce.size() >= 22);
  CHECK(request.state.size() >= 22);
  CHECK(request.nonce != request.state);

  // Two requests never share a nonce, a state or an id.
  const WalletRequest other = fixture.verifier.open_link(fixture.verifier.create_request(simple_policy("age", {"age_over_18"})).at("link"));
  CHECK(other.nonce != request.nonce);
  CHECK(other.state != request.state);
  CHECK(other.id != request.id);
}

TEST_CASE("a request by value carries every parameter unsigned under redirect_uri: and is not served by request_uri",
          "[verifier][service]") {
  Fixture fixture;
  Json policy = simple_policy("age", {"age_over_18"});
  policy["mode"] = "value";
  const Json created = fixture.verifier.create_request(policy);
  CHECK(created.at("mode") == "value");
  CHECK_FALSE(created.contains("request_uri"));
  const WalletRequest request = fixture.verifier.open_link(created.at("link"));
  CHECK_FALSE(request.object_header);
  CHECK(request.client_id == "redirect_uri:" + request.response_uri);
  CHECK(request.parameters.at("response_type") == "vp_token");
  CHECK(request.parameters.at("response_mode") == "direct_post");
  CHECK(request.parameters.at("client_metadata").at("vp_formats_supported").contains("dc+sd-jwt"));
  expect_error(fixture.verifier.client().Get(("/request/" + request.id).c_str()), 404, "not_found");

  // The KB-JWT aud is the full redirect_uri: client_id (VP B.3.6).
  const std::string presentation = fixture.present(request, fixture.credential("age"), {"age_over_18"});
  expect_ok(fixture.verifier.respond(request, {{"credential", {presentation}}}));
  CHECK(fixture.verifier.result(request.id).at("status") == "verified");
}

TEST_CASE("every credential type of schemas/ verifies end to end and only the requested claims come back",
          "[verifier][service]") {
  Fixture fixture;
  for (const std::string& type : kTypes) {
    DYNAMIC_SECTION(type) {
      const auto claims = requested_claims(type);
      const Json created = fixture.verifier.create_request(simple_policy(type, claims));
      const WalletRequest request = fixture.verifier.open_link(created.at("link"));
      CHECK(fixture.verifier.result(request.id).at("status") == "pending");
      const std::string presentation = fixture.present(request, fixture.credential(type), claims);
      expect_ok(fixture.verifier.respond(request, {{"credential", {presentation}}}));

      const Json result = fixture.verifier.result(request.id);
      INFO(result.dump());
      REQUIRE(result.at("status") == "verified");
      const Json& credential = result.at("credentials").at("credential");
      CHECK(credential.at("iss") == fixture.issuer.iss);
      CHECK(credential.at("vct") == type_vct(type));
      CHECK(credential.at("status") == "unchecked");  // no status claim in these credentials
      const Json example = example_claims(type);
      Json expected = Json::object();
      for (const std::string& dotted : claims) {
        const auto dot = dotted.find('.');
        if (dot == std::string::npos) {
          expected[dotted] = example.at(dotted);
        } else {
          expected[dotted.substr(0, dot)][dotted.substr(dot + 1)] = example.at(dotted.substr(0, dot)).at(dotted.substr(dot + 1));
        }
      }
      CHECK(credential.at("claims") == expected);
    }
  }
}

TEST_CASE("disclosures beyond the query are dropped, never passed on [attack:P10]", "[verifier][service][attack:P10]") {
  Fixture fixture;
  const WalletRequest request =
      fixture.verifier.open_link(fixture.verifier.create_request(simple_policy("person", {"age_over_18"})).at("link"));
  // The wallet over-discloses: name, address, birthdate and everything else.
  const std::string presentation = fixture.present(
      request, fixture.credential("person"), {"given_name", "family_name", "birthdate", "address", "age_over_18"});
  expect_ok(fixture.verifier.respond(request, {{"credential", {presentation}}}));
  auto answer = fixture.verifier.client().Get(("/v1/presentation-requests/" + request.id).c_str(),
                                              {{"Authorization", "Bearer " + fixture.verifier.api_key()}});
  const Json result = body_json(answer);
  REQUIRE(result.at("status") == "verified");
  CHECK(result.at("credentials").at("credential").at("claims") == Json{{"age_over_18", true}});
  for (const char* leaked : {"Erika", "Mustermann", "1984-08-12", "Heidestra", "cnf"}) {
    CHECK(answer->body.find(leaked) == std::string::npos);
  }
}

TEST_CASE("a vp_token answering a credential query that was not asked is rejected [attack:P10]",
          "[verifier][service][attack:P10]") {
  Fixture fixture;
  const WalletRequest request =
      fixture.verifier.open_link(fixture.verifier.create_request(simple_policy("age", {"age_over_18"})).at("link"));
  const std::string presentation = fixture.present(request, fixture.credential("age"), {"age_over_18"});
  response_error(fixture.verifier.respond(request, {{"credential", {presentation}}, {"extra", {presentation}}}),
                 "dcql_query_not_satisfied");
  CHECK(fixture.verifier.result(request.id).at("error").at("code") == "dcql_query_not_satisfied");
}

TEST_CASE("the conformance suite's negative presentations are rejected through the response_uri",
          "[verifier][service][attack:K2][attack:K3][attack:K4][attack:K5][attack:K6]") {
  Fixture fixture;
  struct Case {
    std::string name;
    std::string code;
    std::function<std::string(Fixture&, const WalletRequest&)> presentation;
  };
  const auto now = [&] { return fixture.verifier.clock().now(); };
  const std::vector<Case> cases = {
      {"invalid KB signature", "invalid_kb_signature",
       [&](Fixture& f, const WalletRequest& r) {
         // Signed by a key other than cnf.jwk (OIDF invalid-kb-jwt-signature).
         const Holder other = Holder::generate();
         return other.present(f.credential("age"), {path("age_over_18")}, r.client_id, r.nonce, now());
       }},
      {"invalid credential signature", "invalid_signature",
       [&](Fixture& f, const WalletRequest& r) {
         // Same iss and kid, another key: the issuer signature does not verify.
         TestIssuer forger = TestIssuer::generate(f.issuer.iss);
         const std::string forged =
             forger.issue(type_vct("age"), example_claims("age"), f.holder.key.public_key(), now());
         return f.holder.present(forged, {path("age_over_18")}, r.client_id, r.nonce, now());
       }},
      {"invalid sd_hash", "sd_hash_mismatch",
       [&](Fixture& f, const WalletRequest& r) {
         // One more disclosure of the same credential added after the KB-JWT was signed over the smaller set.
         const std::string credential = f.credential("age");
         const std::string bound = f.present(r, credential, {"age_over_18"});
         auto parsed = SdJwt::parse_compact(bound);
         REQUIRE(parsed);
         auto all = SdJwt::parse_compact(f.present(r, credential, {"age_over_18", "age_over_21"}));
         REQUIRE(all);
         std::string extra;
         for (const Disclosure& disclosure : all->disclosures()) {
           if (disclosure.encoded() != parsed->disclosures().front().encoded()) extra = disclosure.encoded();
         }
         REQUIRE_FALSE(extra.empty());
         const std::string kb = bound.substr(bound.rfind('~') + 1);
         const std::string without_kb = bound.substr(0, bound.rfind('~') + 1);
         return without_kb + extra + "~" + kb;
       }},
      {"wrong nonce", "nonce_mismatch",
       [&](Fixture& f, const WalletRequest& r) {
         return f.holder.present(f.credential("age"), {path("age_over_18")}, r.client_id, "another-nonce-value", now());
       }},
      {"wrong aud", "aud_mismatch",
       [&](Fixture& f, const WalletRequest& r) {
         // The client_id without its prefix (K5).
         const std::string bare = r.client_id.substr(r.client_id.find(':') + 1);
         return f.holder.present(f.credential("age"), {path("age_over_18")}, bare, r.nonce, now());
       }},
      {"iat in the past", "kb_iat_too_old",
       [&](Fixture& f, const WalletRequest& r) {
         return f.holder.present(f.credential("age"), {path("age_over_18")}, r.client_id, r.nonce, now() - 3600);
       }},
      {"iat in the future", "kb_iat_in_future",
       [&](Fixture& f, const WalletRequest& r) {
         return f.holder.present(f.credential("age"), {path("age_over_18")}, r.client_id, r.nonce, now() + 3600);
       }},
  };
  for (const Case& test : cases) {
    DYNAMIC_SECTION(test.name) {
      const WalletRequest request =
          fixture.verifier.open_link(fixture.verifier.create_request(simple_policy("age", {"age_over_18"})).at("link"));
      const std::string presentation = test.presentation(fixture, request);
      response_error(fixture.verifier.respond(request, {{"credential", {presentation}}}), test.code);
      // ATTACKS conventions: the transaction is failed with the reason and cannot be reused.
      const Json result = fixture.verifier.result(request.id);
      CHECK(result.at("status") == "failed");
      CHECK(result.at("error").at("code") == test.code);
      CHECK_FALSE(result.contains("credentials"));
      const std::string good = fixture.present(request, fixture.credential("age"), {"age_over_18"});
      response_error(fixture.verifier.respond(request, {{"credential", {good}}}), "transaction_completed");
    }
  }
}

TEST_CASE("a revoked credential is rejected through the response_uri and a valid one reports status valid",
          "[verifier][service][attack:L7]") {
  Fixture fixture;
  StatusListServer status(fixture.issuer, fixture.verifier.clock());
  status.set(7, 1);  // INVALID
  const WalletRequest revoked_request =
      fixture.verifier.open_link(fixture.verifier.create_request(simple_policy("age", {"age_over_18"})).at("link"));
  const std::string revoked = fixture.present(revoked_request, fixture.credential("age", {{status.uri(), 7}}), {"age_over_18"});
  response_error(fixture.verifier.respond(revoked_request, {{"credential", {revoked}}}), "credential_revoked");
  CHECK(fixture.verifier.result(revoked_request.id).at("error").at("code") == "credential_revoked");

  const WalletRequest request =
      fixture.verifier.open_link(fixture.verifier.create_request(simple_policy("age", {"age_over_18"})).at("link"));
  const std::string valid = fixture.present(request, fixture.credential("age", {{status.uri(), 8}}), {"age_over_18"});
  expect_ok(fixture.verifier.respond(request, {{"credential", {valid}}}));
  CHECK(fixture.verifier.result(request.id).at("credentials").at("credential").at("status") == "valid");
}

TEST_CASE("a successful response replayed is rejected and the result stays as it was [attack:P2]",
          "[verifier][service][attack:P2][attack:K10]") {
  Fixture fixture;
  const WalletRequest request =
      fixture.verifier.open_link(fixture.verifier.create_request(simple_policy("age", {"age_over_18"})).at("link"));
  const Json vp_token = {{"credential", {fixture.present(request, fixture.credential("age"), {"age_over_18"})}}};
  expect_ok(fixture.verifier.respond(request, vp_token));
  const Json before = fixture.verifier.result(request.id);
  response_error(fixture.verifier.respond(request, vp_token), "transaction_completed");
  CHECK(fixture.verifier.result(request.id) == before);
  // The Request Object of a completed transaction is no longer served.
  expect_error(fixture.verifier.client().Get(("/request/" + request.id).c_str()), 404, "not_found");
}

TEST_CASE("a response for an unknown, expired or foreign state is refused and stores nothing [attack:P1]",
          "[verifier][service][attack:P1]") {
  Fixture fixture;
  const WalletRequest request =
      fixture.verifier.open_link(fixture.verifier.create_request(simple_policy("age", {"age_over_18"})).at("link"));
  const Json vp_token = {{"credential", {fixture.present(request, fixture.credential("age"), {"age_over_18"})}}};

  SECTION("unknown transaction id") {
    response_error(fixture.verifier.post_form("/response/AAAAAAAAAAAAAAAAAAAAAA",
                                              {{"vp_token", vp_token.dump()}, {"state", request.state}}),
                   "unknown_transaction");
    response_error(fixture.verifier.post_form("/response/bad.id",
                                              {{"vp_token", vp_token.dump()}, {"state", request.state}}),
                   "unknown_transaction");
  }
  SECTION("wrong or missing state") {
    response_error(fixture.verifier.post_form(path_of(request.response_uri),
                                              {{"vp_token", vp_token.dump()}, {"state", request.state + "x"}}),
                   "invalid_presentation_response");
    response_error(fixture.verifier.post_form(path_of(request.response_uri), {{"vp_token", vp_token.dump()}}),
                   "invalid_presentation_response");
    CHECK(fixture.verifier.result(request.id).at("status") == "pending");
    expect_ok(fixture.verifier.respond(request, vp_token));  // the real wallet can still answer
  }
  SECTION("expired transaction") {
    fixture.verifier.clock().advance(fixture.verifier.app().config().transaction_lifetime_seconds);
    response_error(fixture.verifier.respond(request, vp_token), "transaction_expired");
    const Json result = fixture.verifier.result(request.id);
    CHECK(result.at("status") == "failed");
    CHECK(result.at("error").at("code") == "transaction_expired");
    expect_error(fixture.verifier.client().Get(("/request/" + request.id).c_str()), 404, "not_found");
  }
}

TEST_CASE("a response for one transaction delivered to another is rejected [attack:P11]",
          "[verifier][service][attack:P11]") {
  Fixture fixture;
  const Json policy = simple_policy("age", {"age_over_18"});
  const WalletRequest a = fixture.verifier.open_link(fixture.verifier.create_request(policy).at("link"));
  const WalletRequest b = fixture.verifier.open_link(fixture.verifier.create_request(policy).at("link"));
  const Json a_token = {{"credential", {fixture.present(a, fixture.credential("age"), {"age_over_18"})}}};

  // A's whole response (its state) at B's response_uri: refused before anything is verified or stored.
  response_error(fixture.verifier.post_form(path_of(b.response_uri), {{"vp_token", a_token.dump()}, {"state", a.state}}),
                 "invalid_presentation_response");
  CHECK(fixture.verifier.result(b.id).at("status") == "pending");
  CHECK(fixture.verifier.result(a.id).at("status") == "pending");

  // A's vp_token with B's state: the KB-JWT nonce belongs to A, so B fails and A is untouched.
  response_error(fixture.verifier.post_form(path_of(b.response_uri), {{"vp_token", a_token.dump()}, {"state", b.state}}),
                 "nonce_mismatch");
  CHECK(fixture.verifier.result(b.id).at("error").at("code") == "nonce_mismatch");
  expect_ok(fixture.verifier.respond(a, a_token));
  CHECK(fixture.verifier.result(a.id).at("status") == "verified");
}

TEST_CASE("optional claims may be withheld through claim_sets; a withheld required claim fails the query",
          "[verifier][service][dcql]") {
  Fixture fixture;
  const Json policy = {{"vct", {type_vct("person")}},
                       {"claims", {{"age_over_18"}}},
                       {"optional_claims", {{"given_name"}, {"address", "country"}}}};
  const Json created = fixture.verifier.create_request(policy);
  const WalletRequest request = fixture.verifier.open_link(created.at("link"));
  const Json& query = request.dcql_query.at("credentials").at(0);
  REQUIRE(query.contains("claim_sets"));
  CHECK(query.at("claim_sets").size() == 4);
  CHECK(query.at("claim_sets").at(0).size() == 3);  // the fullest option first

  SECTION("an optional claim withheld") {
    expect_ok(fixture.verifier.respond(
        request, {{"credential", {fixture.present(request, fixture.credential("person"), {"age_over_18", "address.country"})}}}));
    const Json claims = fixture.verifier.result(request.id).at("credentials").at("credential").at("claims");
    CHECK(claims == Json{{"age_over_18", true}, {"address", {{"country", "DE"}}}});
  }
  SECTION("the required claim withheld") {
    response_error(fixture.verifier.respond(
                       request, {{"credential", {fixture.present(request, fixture.credential("person"), {"given_name"})}}}),
                   "dcql_query_not_satisfied");
  }
}

TEST_CASE("credential_sets: either alternative satisfies the query, and the result names the one presented",
          "[verifier][service][dcql]") {
  Fixture fixture;
  const Json dcql = {
      {"credentials",
       {{{"id", "person"}, {"format", "dc+sd-jwt"}, {"meta", {{"vct_values", {type_vct("person")}}}}, {"claims", {{{"path", {"age_over_18"}}}}}},
        {{"id", "age"}, {"format", "dc+sd-jwt"}, {"meta", {{"vct_values", {type_vct("age")}}}}, {"claims", {{{"path", {"age_over_18"}}}}}}}},
      {"credential_sets", {{{"options", {{"person"}, {"age"}}}}}}};
  const WalletRequest request = fixture.verifier.open_link(fixture.verifier.create_request({{"dcql_query", dcql}}).at("link"));
  SECTION("the second option") {
    expect_ok(fixture.verifier.respond(request, {{"age", {fixture.present(request, fixture.credential("age"), {"age_over_18"})}}}));
    const Json result = fixture.verifier.result(request.id);
    CHECK(result.at("credentials").contains("age"));
    CHECK_FALSE(result.at("credentials").contains("person"));
  }
  SECTION("a credential of the wrong type under an option's id") {
    response_error(
        fixture.verifier.respond(request, {{"age", {fixture.present(request, fixture.credential("person"), {"age_over_18"})}}}),
        "dcql_query_not_satisfied");
  }
}

TEST_CASE("the wallet declining answers 200 and the result says so", "[verifier][service]") {
  Fixture fixture;
  const WalletRequest request =
      fixture.verifier.open_link(fixture.verifier.create_request(simple_policy("age", {"age_over_18"})).at("link"));
  expect_ok(fixture.verifier.post_form(path_of(request.response_uri), {{"error", "access_denied"}, {"state", request.state}}));
  const Json result = fixture.verifier.result(request.id);
  CHECK(result.at("status") == "failed");
  CHECK(result.at("error").at("code") == "access_denied");
}

TEST_CASE("presentation requests need the relying party's API key [attack:H10]", "[verifier][service][attack:H10]") {
  Fixture fixture([](VerifierConfig& config) {
    config.api_keys_file = config.data_dir + "-keys.json";
    const Json keys = {{"relying_parties",
                        {{{"name", "default"}, {"api_key", "default-key-0123456789abcdef"}},
                         {{"name", "other"}, {"api_key", "other-key-0123456789abcdefgh"}}}}};
    REQUIRE(platform::write_new_secret_file(config.api_keys_file, keys.dump()));
  });
  const Json policy = simple_policy("age", {"age_over_18"});
  auto& client = fixture.verifier.client();
  expect_error(client.Post("/v1/presentation-requests", policy.dump(), "application/json"), 401, "unauthorized");
  expect_error(fixture.verifier.create(policy, "wrong-key-0123456789abcdefghij"), 401, "unauthorized");
  expect_error(fixture.verifier.create(policy, "default-key-0123456789abcde"), 401, "unauthorized");  // a prefix
  auto answer = fixture.verifier.create(policy, "default-key-0123456789abcdef");
  REQUIRE(answer);
  REQUIRE(answer->status == 201);
  const std::string id = body_json(answer).at("id");
  const std::string result_path = "/v1/presentation-requests/" + id;
  expect_error(client.Get(result_path.c_str()), 401, "unauthorized");
  expect_error(client.Get(result_path.c_str(), {{"Authorization", "Bearer nope-0123456789abcdefghijkl"}}), 401,
               "unauthorized");
  // Another relying party cannot read it: to it the transaction does not exist.
  expect_error(client.Get(result_path.c_str(), {{"Authorization", "Bearer other-key-0123456789abcdefgh"}}), 404,
               "not_found");
  auto own = client.Get(result_path.c_str(), {{"Authorization", "Bearer default-key-0123456789abcdef"}});
  REQUIRE(own);
  CHECK(own->status == 200);
}

TEST_CASE("malformed policies are refused with invalid_policy or invalid_dcql_query", "[verifier][service]") {
  Fixture fixture;
  const std::vector<std::pair<Json, std::string>> cases = {
      {Json::object(), "invalid_policy"},
      {{{"vct", Json::array()}}, "invalid_policy"},
      {{{"vct", {"urn:x"}}, {"claims", {{"a"}}}, {"unexpected", 1}}, "invalid_policy"},
      {{{"vct", {"urn:x"}}, {"claims", {{"a"}, {"a"}}}}, "invalid_policy"},
      {{{"vct", {"urn:x"}}, {"claims", {{1.5}}}}, "invalid_policy"},
      {{{"vct", {"urn:x"}}, {"dcql_query", {{"credentials", Json::array()}}}}, "invalid_policy"},
      {{{"dcql_query", {{"credentials", Json::array()}}}}, "invalid_dcql_query"},
      {{{"vct", {"urn:x"}}, {"mode", "sideways"}}, "invalid_policy"},
      {{{"vct", {"urn:x"}}, {"max_age_seconds", -1}}, "invalid_policy"},
      {{{"vct", {"urn:x"}}, {"trusted_issuers", {"https://not-in-the-trust-file.example"}}}, "invalid_policy"},
      {{{"vct", {"urn:x"}}, {"webhook_url", "http://169.254.169.254/latest"}}, "url_not_allowed"},
  };
  for (const auto& [policy, code] : cases) {
    INFO(policy.dump());
    expect_error(fixture.verifier.create(policy), 400, code);
  }
  // H6: JSON only.
  expect_error(fixture.verifier.client().Post("/v1/presentation-requests",
                                              {{"Authorization", "Bearer " + fixture.verifier.api_key()}}, "vct=x",
                                              "application/x-www-form-urlencoded"),
               415, "unsupported_media_type");
}

TEST_CASE("results are deleted after the retention period and expired requests are purged",
          "[verifier][service][attack:H12]") {
  Fixture fixture;
  const Json policy = simple_policy("age", {"age_over_18"});
  const WalletRequest done = fixture.verifier.open_link(fixture.verifier.create_request(policy).at("link"));
  expect_ok(fixture.verifier.respond(done, {{"credential", {fixture.present(done, fixture.credential("age"), {"age_over_18"})}}}));
  const std::string abandoned = fixture.verifier.create_request(policy).at("id");
  const auto retention = fixture.verifier.app().config().result_retention_seconds;
  const auto lifetime = fixture.verifier.app().config().transaction_lifetime_seconds;

  fixture.verifier.clock().advance(retention);
  // Past retention the result is gone for the relying party, purged or not yet.
  expect_error(fixture.verifier.client().Get(("/v1/presentation-requests/" + done.id).c_str(),
                                             {{"Authorization", "Bearer " + fixture.verifier.api_key()}}),
               404, "not_found");
  auto purged = purge_transactions(fixture.verifier.app().transactions());
  REQUIRE(purged);
  CHECK(purged->completed == 1);
  CHECK(purged->expired == 0);  // the abandoned one expired, but its retention has not passed yet
  auto gone = fixture.verifier.app().store().find(done.id);
  REQUIRE(gone);
  CHECK_FALSE(*gone);

  fixture.verifier.clock().advance(lifetime);
  purged = purge_transactions(fixture.verifier.app().transactions());
  REQUIRE(purged);
  CHECK(purged->expired == 1);
  auto expired = fixture.verifier.app().store().find(abandoned);
  REQUIRE(expired);
  CHECK_FALSE(*expired);
}

TEST_CASE("a flood of presentation requests from one address is rate limited [attack:H12]",
          "[verifier][service][attack:H12]") {
  Fixture fixture([](VerifierConfig& config) {
    config.rate_limit.per_second = 1;
    config.rate_limit.burst = 5;
  });
  const Json policy = simple_policy("age", {"age_over_18"});
  int created = 0;
  int limited = 0;
  for (int i = 0; i < 8; ++i) {
    auto answer = fixture.verifier.create(policy);
    REQUIRE(answer);
    if (answer->status == 201) ++created;
    if (answer->status == 429) {
      ++limited;
      CHECK(body_json(answer).at("error") == "too_many_requests");
    }
  }
  CHECK(created <= 6);
  CHECK(limited >= 2);
  // Reading results is not limited.
  auto read = fixture.verifier.client().Get("/v1/presentation-requests/AAAAAAAAAAAAAAAAAAAAAA",
                                            {{"Authorization", "Bearer " + fixture.verifier.api_key()}});
  REQUIRE(read);
  CHECK(read->status == 404);
}

TEST_CASE("the full path with a real veil-issuer: every schema type verifies via metadata keys and status lists, a "
          "revoked credential does not",
          "[verifier][service][issuer]") {
  IssuerProcess issuer;
  VerifierTestServer verifier(std::vector<Json>{Json{{"iss", issuer.url()}, {"resolve", "metadata"}}});
  for (const std::string& type : kTypes) {
    const Holder holder = Holder::generate(JwsAlg::EdDSA);
    const std::string credential = issuer.issue(type, example_claims(type), holder);
    const auto claims = requested_claims(type);
    const WalletRequest request =
        verifier.open_link(verifier.create_request({{"vct", {type_vct(type)}}, {"claims", claims}, {"trusted_issuers", {issuer.url()}}}).at("link"));
    std::vector<ClaimPath> paths;
    for (const auto& dotted : claims) paths.push_back(path(dotted));
    auto answer = verifier.respond(
        request, {{"credential", {holder.present(credential, paths, request.client_id, request.nonce, verifier.clock().now())}}});
    REQUIRE(answer);
    INFO(type << " " << answer->body);
    CHECK(answer->status == 200);
    const Json result = verifier.result(request.id);
    CHECK(result.at("status") == "verified");
    CHECK(result.at("credentials").at("credential").at("status") == "valid");
    CHECK(result.at("credentials").at("credential").at("iss") == issuer.url());
  }

  const Holder holder = Holder::generate();
  const std::string credential = issuer.issue("age", example_claims("age"), holder);
  issuer.revoke(holder);
  // The status list was fetched and cached above; a cached list is used until its ttl, so move past it.
  verifier.clock().advance(600);
  const WalletRequest fresh = verifier.open_link(verifier.create_request(simple_policy("age", {"age_over_18"})).at("link"));
  response_error(verifier.respond(fresh, {{"credential", {holder.present(credential, {path("age_over_18")}, fresh.client_id,
                                                                          fresh.nonce, verifier.clock().now())}}}),
                 "credential_revoked");
}

}  // namespace veil::verifier::testing

namespace veil::verifier::testing {

TEST_CASE("POST /v1/verify, /health and /metrics are served, and logs carry no nonce, state or claim",
          "[verifier][service][operations]") {
  Fixture fixture;
  auto& client = fixture.verifier.client();
  const Json health = body_json(client.Get("/health"));
  CHECK(health.at("status") == "ok");

  const WalletRequest request =
      fixture.verifier.open_link(fixture.verifier.create_request(simple_policy("person", {"given_name"})).at("link"));
  const std::string presentation = fixture.present(request, fixture.credential("person"), {"given_name"});
  expect_ok(fixture.verifier.respond(request, {{"credential", {presentation}}}));

  // Direct verification answers like `veil-verifier verify`; it needs the API key too.
  const Json direct = {{"presentation", presentation}, {"aud", request.client_id}, {"nonce", request.nonce}};
  expect_error(client.Post("/v1/verify", direct.dump(), "application/json"), 401, "unauthorized");
  const httplib::Headers auth = {{"Authorization", "Bearer " + fixture.verifier.api_key()}};
  const Json valid = body_json(client.Post("/v1/verify", auth, direct.dump(), "application/json"));
  CHECK(valid.at("valid") == true);
  CHECK(valid.at("claims").at("given_name") == "Erika");
  Json wrong = direct;
  wrong["nonce"] = "other";
  const Json invalid = body_json(client.Post("/v1/verify", auth, wrong.dump(), "application/json"));
  CHECK(invalid.at("valid") == false);
  CHECK(invalid.at("error").at("code") == "nonce_mismatch");

  auto metrics = client.Get("/metrics");
  REQUIRE(metrics);
  CHECK(metrics->status == 200);
  CHECK(metrics->get_header_value("Content-Type").rfind("text/plain; version=0.0.4", 0) == 0);
  CHECK(metrics->body.find("veil_presentation_responses_total{code=\"none\",outcome=\"verified\"} 1") != std::string::npos);
  CHECK(metrics->body.find("veil_http_requests_total") != std::string::npos);
  CHECK(metrics->body.find(request.id) == std::string::npos);  // route patterns, never raw ids

  const std::string log = fixture.verifier.log_text();
  CHECK(log.find("presentation_request_created") != std::string::npos);
  for (const std::string& secret : {request.nonce, request.state, std::string("Erika"), fixture.verifier.api_key()}) {
    CHECK(log.find(secret) == std::string::npos);
  }
}

}  // namespace veil::verifier::testing
