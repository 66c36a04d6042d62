// ATTACKS.md V rows: credentials that break the SD-JWT VC profile (draft-ietf-oauth-sd-jwt-vc).
#include <string>

#include <catch2/catch.hpp>

#include "core/test_keys.h"
#include "core/verifier_fixtures.h"

using namespace veil_test;
using veil::ErrorCode;
using veil::Json;

namespace {

std::optional<ErrorCode> code_of(const veil::SdJwt& credential,
                                 const veil::VerificationPolicy& policy = vc_policy_without_kb(),
                                 const veil::IssuerKeyResolver& keys = test_trust_list()) {
  const auto result = verify_with(credential, policy, keys);
  UNSCOPED_INFO("result: " << (result ? "ok" : result.error().message));
  return error_code(result);
}

}  // namespace

TEST_CASE("verifier rejects an issuer JWT whose typ is not dc+sd-jwt [attack:V1]", "[sd_jwt_vc][attack:V1]") {
  const Json claims = base_claims();
  CHECK(code_of(make_sd_jwt(claims, {}, {{"typ", "dc+sd-jwt"}})) == std::nullopt);
  CHECK(code_of(make_sd_jwt(claims, {}, {{"typ", "JWT"}})) == ErrorCode::invalid_typ);
  CHECK(code_of(make_sd_jwt(claims, {}, {{"typ", "example+sd-jwt"}})) == ErrorCode::invalid_typ);
  CHECK(code_of(make_sd_jwt(claims, {}, Json::object())) == ErrorCode::invalid_typ);

  SECTION("the legacy vc+sd-jwt only by explicit configuration") {
    const veil::SdJwt legacy = make_sd_jwt(claims, {}, {{"typ", "vc+sd-jwt"}});
    CHECK(code_of(legacy) == ErrorCode::invalid_typ);
    veil::VerificationPolicy policy = vc_policy_without_kb();
    policy.accept_legacy_vc_typ = true;
    CHECK(code_of(legacy, policy) == std::nullopt);
  }
}

TEST_CASE("verifier rejects a credential without a string vct [attack:V2]", "[sd_jwt_vc][attack:V2]") {
  Json claims = base_claims();
  claims.erase("vct");
  CHECK(code_of(make_sd_jwt(claims)) == ErrorCode::invalid_vct);
  for (const Json& vct : {Json(42), Json(nullptr), Json::array({"a"}), Json("")}) {
    INFO(vct.dump());
    claims["vct"] = vct;
    CHECK(code_of(make_sd_jwt(claims)) == ErrorCode::invalid_vct);
  }
  SECTION("and likewise iss") {
    Json no_iss = base_claims();
    no_iss["iss"] = 7;
    CHECK(code_of(make_sd_jwt(no_iss), vc_policy_without_kb(), any_iss_trust()) == ErrorCode::invalid_iss);
    no_iss.erase("iss");
    CHECK(code_of(make_sd_jwt(no_iss), vc_policy_without_kb(), any_iss_trust()) == ErrorCode::invalid_iss);
  }
}

TEST_CASE("verifier rejects never-disclosable claims delivered as disclosures [attack:V3]", "[sd_jwt_vc][attack:V3]") {
  Json status = {{"status_list", {{"idx", 3}, {"uri", "https://issuer.example.com/status/1"}}}};
  Json with_all = base_claims();
  with_all["nbf"] = kNow - 3600;
  with_all["status"] = status;
  for (const char* name : {"iss", "exp", "nbf", "cnf", "vct", "status", "vct#integrity"}) {
    INFO(name);
    Json payload = with_all;
    const Json value = payload.contains(name) ? payload.at(name) : Json("sha256-abc");
    payload.erase(name);
    const auto disclosure = property(name, value, "salt-never-0000000000A");
    payload["_sd"] = {digest(disclosure)};
    // Keys for any iss: without iss in the signed payload the trust list could not pick the issuer at all.
    CHECK(code_of(make_sd_jwt(payload, {disclosure}), vc_policy_without_kb(), any_iss_trust()) ==
          ErrorCode::forbidden_selective_disclosure);
  }
  SECTION("a nested member of the same name is an ordinary claim") {
    Json payload = base_claims();
    const auto nested = property("status", "married", "salt-status-000000000A");
    payload["family"] = {{"_sd", {digest(nested)}}};
    CHECK(code_of(make_sd_jwt(payload, {nested})) == std::nullopt);
  }
  SECTION("an undisclosed never-disclosable digest reveals nothing and is not refused") {
    // The verifier cannot know what a digest it was not shown stands for; undisclosed digests are decoys to it.
    Json payload = base_claims();
    const auto hidden_exp = property("exp", kNow + 10, "salt-hidden-000000000A");
    payload["_sd"] = {digest(hidden_exp)};
    CHECK(code_of(make_sd_jwt(payload, {})) == std::nullopt);
  }
}

TEST_CASE("verifier never takes the issuer key from the credential [attack:V4]", "[sd_jwt_vc][attack:V4]") {
  // A self-asserted key: the attacker signs with their own key and puts it in the header.
  auto attacker = veil::PrivateJwk::generate(veil::JwsAlg::ES256);
  REQUIRE(attacker);
  auto attacker_signer = veil::make_signer(*attacker);
  REQUIRE(attacker_signer);
  const Json header = {{"typ", "dc+sd-jwt"}, {"jwk", attacker->public_key().to_json()}};

  SECTION("claiming a trusted iss") {
    const veil::SdJwt forged({sign_issuer_jwt(base_claims(), header, **attacker_signer)}, {});
    CHECK(code_of(forged) == ErrorCode::invalid_signature);
  }
  SECTION("naming an issuer nobody trusts") {
    Json claims = base_claims();
    claims["iss"] = "https://attacker.example";
    const veil::SdJwt forged({sign_issuer_jwt(claims, header, **attacker_signer)}, {});
    CHECK(code_of(forged) == ErrorCode::untrusted_issuer);
  }
  SECTION("a genuine issuer signature under an issuer the trust list does not name") {
    Json claims = base_claims();
    claims["iss"] = "https://other-issuer.example";
    CHECK(code_of(make_sd_jwt(claims)) == ErrorCode::untrusted_issuer);
  }
}

// V5 (JWT VC Issuer Metadata "issuer" mismatch), V6 (refusing to fetch http://, loopback, link-local and
// private addresses) and V7 (vct#integrity and type metadata) concern fetching issuer and type metadata, which
// the Foundation issue does not do: TrustList only records which issuers are "resolve": "metadata". Their
// tests belong with the metadata resolver in a later issue.

TEST_CASE("verifier rejects an expired or not yet valid credential [attack:V8]", "[sd_jwt_vc][attack:V8]") {
  Json claims = base_claims();
  claims["exp"] = kNow - 3600;
  CHECK(code_of(make_sd_jwt(claims)) == ErrorCode::token_expired);
  claims = base_claims();
  claims["nbf"] = kNow + 3600;
  CHECK(code_of(make_sd_jwt(claims)) == ErrorCode::token_not_yet_valid);
}
