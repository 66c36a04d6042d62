// SdJwtVerifier: what a successful verification yields and how the policy shapes it. Rejections of hostile
// input live in the attacks_*_test.cpp files.
#include <algorithm>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "core/test_keys.h"
#include "core/verifier_fixtures.h"
#include "veil/base64url.h"
#include "veil/presentation.h"
#include "veil/sd_jwt_factory.h"
#include "veil/sd_jwt_issuer.h"
#include "veil/sd_jwt_vc.h"

using namespace veil_test;
using veil::ClaimPath;
using veil::ErrorCode;
using veil::Json;

namespace {

Json subject_claims() {
  return {{"given_name", "Erika"},
          {"family_name", "Mustermann"},
          {"address", {{"street_address", "Heidestr. 17"}, {"locality", "Köln"}, {"country", "DE"}}},
          {"nationalities", {"DE", "FR"}}};
}

// issued is an SD-JWT VC of subject_claims with every claim and element disclosable (the default frame).
const veil::SdJwt& issued() {
  static const veil::SdJwt credential = [] {
    veil::SdJwtVcIssueRequest request;
    request.iss = kTestIss;
    request.vct = kTestVct;
    request.claims = subject_claims();
    request.holder_key = holder_key().public_key();
    request.iat = kNow - 3600;
    request.exp = kNow + 3600;
    request.decoys_per_level = 1;
    FixedSaltSource salts;
    auto sd_jwt = veil::issue_sd_jwt_vc(request, salts, issuer_signer());
    REQUIRE(sd_jwt);
    return std::move(*sd_jwt);
  }();
  return credential;
}

ClaimPath path(const std::string& dotted) {
  auto parsed = ClaimPath::parse_dotted(dotted);
  REQUIRE(parsed);
  return std::move(*parsed);
}

veil::SdJwt present(const veil::SdJwt& credential, const std::vector<std::string>& dotted, bool bind = true) {
  std::vector<ClaimPath> paths;
  for (const auto& d : dotted) paths.push_back(path(d));
  auto presentation = veil::select_disclosures(credential, paths);
  REQUIRE(presentation);
  if (!bind) return std::move(*presentation);
  auto bound = veil::add_key_binding(*presentation, {kTestAud, kTestNonce, kNow}, holder_signer());
  REQUIRE(bound);
  return std::move(*bound);
}

}  // namespace

TEST_CASE("verifier returns exactly the disclosed claims of an SD-JWT VC with key binding", "[sd_jwt_verifier]") {
  const auto verified = verify(present(issued(), {"given_name", "address.country", "nationalities.1"}));
  INFO((verified ? "ok" : verified.error().message));
  REQUIRE(verified);
  const Json expected = {{"iss", kTestIss},
                         {"vct", kTestVct},
                         {"iat", kNow - 3600},
                         {"exp", kNow + 3600},
                         {"cnf", {{"jwk", holder_public_jwk_json()}}},
                         {"given_name", "Erika"},
                         {"address", {{"country", "DE"}}},
                         {"nationalities", {"FR"}}};
  CHECK(verified->claims() == expected);
  CHECK(verified->iss() == std::optional<std::string>(kTestIss));
  CHECK(verified->vct() == std::optional<std::string>(kTestVct));
  CHECK(verified->issuer_header().at("typ") == "dc+sd-jwt");
  REQUIRE(verified->holder_key());
  CHECK(*verified->holder_key() == holder_key().public_key());
  REQUIRE(verified->key_binding());
  CHECK(verified->key_binding()->nonce == kTestNonce);

  // Each revealed claim once; the element "FR" sits at index 0 of the processed array.
  std::vector<std::string> disclosed;
  for (const auto& p : verified->disclosed()) disclosed.push_back(p.to_dotted());
  std::sort(disclosed.begin(), disclosed.end());
  CHECK(disclosed == std::vector<std::string>{"address", "address.country", "given_name", "nationalities", "nationalities.0"});
}

TEST_CASE("verifier lists disclosed claim paths in presentation order", "[sd_jwt_verifier]") {
  const auto given = property("given_name", "Erika", "salt-given-0000000000A");
  const auto family = property("family_name", "Mustermann", "salt-family-000000000A");
  const auto fr = element("FR", "salt-fr-0000000000000A");
  Json payload = base_claims();
  payload["_sd"] = {digest(given), digest(family)};
  payload["nationalities"] = {"DE", {{"...", digest(fr)}}};
  const auto verified = verify(make_sd_jwt(payload, {fr, family, given}), vc_policy_without_kb());
  REQUIRE(verified);
  REQUIRE(verified->disclosed().size() == 3);
  CHECK(verified->disclosed()[0] == ClaimPath({std::string("nationalities"), std::size_t{1}}));
  CHECK(verified->disclosed()[1] == ClaimPath({std::string("family_name")}));
  CHECK(verified->disclosed()[2] == ClaimPath({std::string("given_name")}));
  CHECK(verified->claims().at("nationalities") == Json({"DE", "FR"}));
}

TEST_CASE("verifier removes _sd, _sd_alg and undisclosed elements, keeping empty containers", "[sd_jwt_verifier]") {
  const auto verified = verify(present(issued(), {}, /*bind=*/false), vc_policy_without_kb());
  REQUIRE(verified);
  CHECK(verified->disclosed().empty());
  CHECK(!verified->claims().contains("_sd"));
  CHECK(!verified->claims().contains("_sd_alg"));
  CHECK(!verified->claims().contains("given_name"));
  CHECK(!verified->key_binding());
  CHECK(verified->holder_key());
}

TEST_CASE("verifier accepts the flattened and general JSON serializations", "[sd_jwt_verifier]") {
  const veil::SdJwt presentation = present(issued(), {"family_name"});
  for (bool general : {false, true}) {
    const auto verified = verify_text(presentation.serialize_json(general).dump());
    INFO("general " << general << ": " << (verified ? "ok" : verified.error().message));
    REQUIRE(verified);
    CHECK(verified->claims().at("family_name") == "Mustermann");
  }
}

TEST_CASE("verifier accepts a general JSON serialization when any signature is by a trusted key", "[sd_jwt_verifier]") {
  FixedSaltSource salts;
  auto unsigned_sd_jwt = veil::build_sd_jwt(base_claims(), veil::DisclosureFrame::none(), salts);
  REQUIRE(unsigned_sd_jwt);
  auto untrusted = veil::sign_sd_jwt(*unsigned_sd_jwt, {{"typ", "dc+sd-jwt"}}, other_signer());
  auto trusted = veil::sign_sd_jwt(*unsigned_sd_jwt, {{"typ", "dc+sd-jwt"}}, issuer_signer());
  REQUIRE(untrusted);
  REQUIRE(trusted);
  const veil::SdJwt both({untrusted->issuer_jwt(), trusted->issuer_jwt()}, {});
  CHECK(verify_text(both.serialize_json(true).dump(), vc_policy_without_kb()));
  const veil::SdJwt neither({untrusted->issuer_jwt(), untrusted->issuer_jwt()}, {});
  CHECK(error_code(verify_text(neither.serialize_json(true).dump(), vc_policy_without_kb())) ==
        ErrorCode::invalid_signature);
}

TEST_CASE("verifier checks key binding with the credential's _sd_alg", "[sd_jwt_verifier]") {
  veil::SdJwtFactoryOptions options;
  options.hash_alg = veil::HashAlg::sha_384;
  auto frame = veil::DisclosureFrame::parse({{"_sd", {"given_name"}}});
  REQUIRE(frame);
  Json claims = base_claims();
  claims["given_name"] = "Erika";
  FixedSaltSource salts;
  auto unsigned_sd_jwt = veil::build_sd_jwt(claims, *frame, salts, options);
  REQUIRE(unsigned_sd_jwt);
  CHECK(unsigned_sd_jwt->payload.at("_sd_alg") == "sha-384");
  auto credential = veil::sign_sd_jwt(*unsigned_sd_jwt, {{"typ", "dc+sd-jwt"}}, issuer_signer());
  REQUIRE(credential);
  const auto verified = verify(present(*credential, {"given_name"}));
  INFO((verified ? "ok" : verified.error().message));
  REQUIRE(verified);
  CHECK(verified->claims().at("given_name") == "Erika");
}

TEST_CASE("verifier rejects a tampered issuer-signed JWT", "[sd_jwt_verifier]") {
  const std::string jwt = issued().issuer_jwt();
  const std::size_t first_dot = jwt.find('.');
  Json payload = base_claims();
  payload["vct"] = "https://credentials.example.com/admin";
  const std::string tampered =
      jwt.substr(0, first_dot + 1) + veil::base64url_encode(payload.dump()) + jwt.substr(jwt.rfind('.'));
  CHECK(error_code(verify(veil::SdJwt({tampered}, {}), vc_policy_without_kb())) == ErrorCode::invalid_signature);

  // An Ed25519 signature where the trusted issuer key is P-256.
  auto ed_key = veil::PrivateJwk::generate(veil::JwsAlg::EdDSA);
  REQUIRE(ed_key);
  auto ed_signer = veil::make_signer(*ed_key);
  REQUIRE(ed_signer);
  const veil::SdJwt ed({sign_issuer_jwt(base_claims(), {{"typ", "dc+sd-jwt"}}, **ed_signer)}, {});
  CHECK(error_code(verify(ed, vc_policy_without_kb())) == ErrorCode::alg_not_allowed);
}

TEST_CASE("verifier checks a KB-JWT that is present even when none is required", "[sd_jwt_verifier]") {
  veil::VerificationPolicy policy = vc_policy_without_kb();
  const veil::SdJwt bound = present(issued(), {"given_name"});
  CHECK(verify(bound, policy));
  policy.expected_nonce = "another-nonce";
  CHECK(error_code(verify(bound, policy)) == ErrorCode::nonce_mismatch);
}

TEST_CASE("verifier refuses to check key binding without an expected aud and nonce", "[sd_jwt_verifier]") {
  const veil::SdJwt bound = present(issued(), {"given_name"});
  veil::VerificationPolicy no_aud = vc_policy();
  no_aud.expected_aud.reset();
  CHECK(error_code(verify(bound, no_aud)) == ErrorCode::invalid_argument);
  veil::VerificationPolicy no_nonce = vc_policy();
  no_nonce.expected_nonce.reset();
  CHECK(error_code(verify(bound, no_nonce)) == ErrorCode::invalid_argument);
  // A KB-JWT that is present is checked, so the policy needs both even when key binding is optional.
  no_nonce.require_key_binding = false;
  CHECK(error_code(verify(bound, no_nonce)) == ErrorCode::invalid_argument);
  // Without key binding anywhere neither is needed.
  CHECK(verify(bound.without_key_binding(), no_nonce));
}

TEST_CASE("verifier reports parse errors of the serialization", "[sd_jwt_verifier]") {
  CHECK(error_code(verify_text("")) == ErrorCode::malformed_sd_jwt);
  CHECK(error_code(verify_text("not-an-sd-jwt~")) == ErrorCode::malformed_sd_jwt);
  CHECK(error_code(verify_text("{\"payload\": 1}")) == ErrorCode::malformed_sd_jwt);
}
