#include "wallet/presentation_response.h"

#include <algorithm>
#include <set>

#include <catch2/catch.hpp>

#include "scripted_verifier_support.h"
#include "support/test_certificate.h"
#include "veil/issuer_keys.h"
#include "veil/salt_source.h"
#include "veil/sd_jwt_vc.h"
#include "veil/sd_jwt_verifier.h"
#include "veil/signer.h"
#include "veil/x509_certificate.h"
#include "wallet/authorization_request.h"
#include "wallet/consent_plan.h"

using veil::ClaimPath;
using veil::ErrorCode;
using veil::Json;
using veil::PrivateJwk;
using veil::wallet::Approval;
using veil::wallet::AuthorizationRequest;
using veil::wallet::CredentialApproval;
using veil::wallet::PresentationInput;
using veil_test::ScriptedAnswer;
using veil_test::ScriptedVerifier;

namespace {

const veil::FixedClock kClock(1'800'000'000);
const std::string kIssuer = "https://issuer.example.com";
const std::string kIdentity = "https://credentials.example.com/identity_credential";

const Json kClaims = Json::parse(R"({"given_name": "Erika", "family_name": "Mustermann", "birthdate": "1964-08-12",
  "address": {"street_address": "Heidestrasse 17", "locality": "Koeln", "country": "DE"}})");

// A query whose preferred claim set includes address.country, with a fallback without it: the country is the
// holder's to untick.
const Json kDcql = Json::parse(R"({"credentials": [
  {"id": "pid", "format": "dc+sd-jwt", "meta": {"vct_values": ["https://credentials.example.com/identity_credential"]},
   "claims": [{"id": "g", "path": ["given_name"]}, {"id": "f", "path": ["family_name"]},
              {"id": "c", "path": ["address", "country"]}],
   "claim_sets": [["g", "f", "c"], ["g", "f"]]}]})");

ClaimPath path_of(const Json& json) { return *ClaimPath::from_json(json); }

struct Issued {
  PrivateJwk issuer_key;
  PrivateJwk holder_key;
  std::string sd_jwt;
};

Issued issue_identity(veil::JwsAlg holder_alg = veil::JwsAlg::ES256) {
  auto issuer_key = PrivateJwk::generate(veil::JwsAlg::ES256);
  auto holder_key = PrivateJwk::generate(holder_alg);
  REQUIRE(issuer_key.has_value());
  REQUIRE(holder_key.has_value());
  veil::SdJwtVcIssueRequest request;
  request.iss = kIssuer;
  request.vct = kIdentity;
  request.claims = kClaims;
  request.holder_key = holder_key->public_key();
  request.iat = kClock.now() - 3600;
  auto salts = veil::RandomSaltSource::create();
  auto signer = veil::make_signer(*issuer_key);
  auto issued = veil::issue_sd_jwt_vc(request, **salts, **signer);
  REQUIRE(issued.has_value());
  return Issued{*issuer_key, *holder_key, issued->serialize_compact()};
}

veil::platform::HttpClient loopback_client() {
  veil::platform::FetchPolicy policy;
  policy.allow_loopback_http = true;
  policy.timeout = std::chrono::milliseconds(2000);
  return veil::platform::HttpClient(policy);
}

// A signed x509_hash request whose response_uri is the scripted verifier's.
AuthorizationRequest x509_request(const ScriptedVerifier& verifier, const Json& dcql = kDcql) {
  veil_test::TestCertificateOptions options;
  options.dns_names = {"verifier.example.org"};
  auto certificate = veil_test::make_test_certificate(options);
  std::string client_id = "x509_hash:" + veil::X509Certificate::parse_der(certificate.der)->sha256_base64url();
  Json claims{{"client_id", client_id},      {"response_type", "vp_token"},   {"response_mode", "direct_post"},
              {"response_uri", verifier.response_uri()}, {"nonce", "nonce-4711"}, {"state", "state-0815"},
              {"dcql_query", dcql}};
  veil::wallet::AuthorizationRequestPolicy policy;
  policy.allow_loopback_http = true;
  auto request = veil::wallet::authorization_request_from_request_object(
      veil_test::sign_request_object(certificate, claims), client_id, policy, kClock);
  REQUIRE(request.has_value());
  return std::move(*request);
}

veil::Result<veil::VerifiedPresentation> verify_as_verifier(const std::string& presentation, const Issued& issued,
                                                            const std::string& aud, const std::string& nonce) {
  auto trust = veil::TrustList::single_key(issued.issuer_key.public_key());
  REQUIRE(trust.has_value());
  veil::VerificationPolicy policy;
  policy.expected_aud = aud;
  policy.expected_nonce = nonce;
  veil::SdJwtVerifier verifier(policy, *trust, kClock);
  return verifier.verify(presentation);
}

std::set<std::string> dotted(const std::vector<ClaimPath>& paths) {
  std::set<std::string> out;
  for (const ClaimPath& path : paths) out.insert(path.to_dotted());
  return out;
}

std::vector<PresentationInput> inputs_for(const AuthorizationRequest& request, const Issued& issued,
                                          const Approval& approval) {
  auto plan = veil::wallet::make_consent_plan(
      request, {veil::wallet::HolderCredential{"cred-1", kIdentity, kClaims, true}});
  REQUIRE(plan.satisfiable);
  auto disclosures = veil::wallet::apply_approval(plan, approval);
  REQUIRE(disclosures.has_value());
  std::vector<PresentationInput> inputs;
  for (const auto& disclosure : *disclosures)
    inputs.push_back(PresentationInput{disclosure, veil::wallet::CredentialCopy{issued.sd_jwt, issued.holder_key}});
  return inputs;
}

template <class T>
void expect_error(const veil::Result<T>& result, ErrorCode code) {
  REQUIRE_FALSE(result.has_value());
  INFO(result.error().message);
  CHECK(result.error().code == code);
}

}  // namespace

TEST_CASE("presentation response: the posted vp_token verifies under the full client_id and discloses exactly the "
          "approved claims [attack:P10]",
          "[vp_response][attack:P10]") {
  ScriptedVerifier verifier;
  verifier.script_response(ScriptedAnswer{200, "application/json", "{}", std::nullopt});
  Issued issued = issue_identity();
  AuthorizationRequest request = x509_request(verifier);

  // The holder keeps address.country ticked: the preferred claim set is disclosed.
  Approval approval{{CredentialApproval{"pid", "cred-1", {path_of({"address", "country"})}}}};
  auto token = veil::wallet::build_vp_token(request, inputs_for(request, issued, approval), kClock);
  REQUIRE(token.has_value());
  auto answer = veil::wallet::post_vp_token(request, *token, loopback_client());
  REQUIRE(answer.has_value());
  CHECK(answer->status == 200);
  CHECK_FALSE(answer->redirect_uri.has_value());

  auto posts = verifier.posts();
  REQUIRE(posts.size() == 1);
  CHECK(veil::platform::media_type_of(posts[0].content_type) == "application/x-www-form-urlencoded");
  CHECK(posts[0].form.size() == 2);
  CHECK(posts[0].form.at("state") == "state-0815");
  Json vp_token = Json::parse(posts[0].form.at("vp_token"));
  REQUIRE(vp_token.is_object());
  REQUIRE(vp_token.size() == 1);
  REQUIRE(vp_token["pid"].is_array());
  REQUIRE(vp_token["pid"].size() == 1);

  auto verified = verify_as_verifier(vp_token["pid"][0], issued, request.client_id, request.nonce);
  REQUIRE(verified.has_value());
  REQUIRE(verified->key_binding().has_value());
  CHECK(verified->key_binding()->aud == request.client_id);
  CHECK(request.client_id.rfind("x509_hash:", 0) == 0);
  CHECK(verified->key_binding()->nonce == "nonce-4711");
  CHECK(verified->key_binding()->iat == kClock.now());
  // address is disclosed only as the parent needed to reach address.country.
  CHECK(dotted(verified->disclosed()) ==
        std::set<std::string>{"given_name", "family_name", "address", "address.country"});
  CHECK(verified->claims()["address"] == Json{{"country", "DE"}});
  CHECK_FALSE(verified->claims().contains("birthdate"));

  // The aud is the client_id with its prefix: without it the verifier's check fails.
  expect_error(verify_as_verifier(vp_token["pid"][0], issued, request.client_id_value, request.nonce),
               ErrorCode::aud_mismatch);
  REQUIRE(token->presentations.size() == 1);
  CHECK(token->presentations[0].credential_id == "cred-1");
}

TEST_CASE("presentation response: an unticked optional claim is not in the presentation", "[vp_response]") {
  ScriptedVerifier verifier;
  Issued issued = issue_identity(veil::JwsAlg::EdDSA);
  AuthorizationRequest request = x509_request(verifier);
  Approval approval{{CredentialApproval{"pid", "cred-1", {}}}};
  auto token = veil::wallet::build_vp_token(request, inputs_for(request, issued, approval), kClock);
  REQUIRE(token.has_value());
  REQUIRE(veil::wallet::post_vp_token(request, *token, loopback_client()).has_value());

  Json vp_token = Json::parse(verifier.posts().at(0).form.at("vp_token"));
  auto verified = verify_as_verifier(vp_token["pid"][0], issued, request.client_id, request.nonce);
  REQUIRE(verified.has_value());
  CHECK(dotted(verified->disclosed()) == std::set<std::string>{"given_name", "family_name"});
  CHECK_FALSE(verified->claims().contains("address"));
  CHECK(dotted(token->presentations[0].disclosed_paths) == std::set<std::string>{"given_name", "family_name"});
}

TEST_CASE("presentation response: several credential queries each get their array in the vp_token",
          "[vp_response]") {
  ScriptedVerifier verifier;
  Issued issued = issue_identity();
  Json dcql = Json::parse(R"({"credentials": [
    {"id": "names", "format": "dc+sd-jwt", "meta": {"vct_values": ["https://credentials.example.com/identity_credential"]},
     "claims": [{"path": ["given_name"]}]},
    {"id": "birth", "format": "dc+sd-jwt", "meta": {"vct_values": ["https://credentials.example.com/identity_credential"]},
     "claims": [{"path": ["birthdate"]}]}]})");
  AuthorizationRequest request = x509_request(verifier, dcql);
  auto plan = veil::wallet::make_consent_plan(
      request, {veil::wallet::HolderCredential{"cred-1", kIdentity, kClaims, true}});
  auto disclosures = veil::wallet::apply_approval(plan, veil::wallet::default_approval(plan));
  REQUIRE(disclosures.has_value());
  std::vector<PresentationInput> inputs;
  for (const auto& disclosure : *disclosures)
    inputs.push_back(PresentationInput{disclosure, veil::wallet::CredentialCopy{issued.sd_jwt, issued.holder_key}});
  auto token = veil::wallet::build_vp_token(request, inputs, kClock);
  REQUIRE(token.has_value());
  REQUIRE(token->value.size() == 2);
  auto names = verify_as_verifier(token->value["names"][0], issued, request.client_id, request.nonce);
  auto birth = verify_as_verifier(token->value["birth"][0], issued, request.client_id, request.nonce);
  REQUIRE(names.has_value());
  REQUIRE(birth.has_value());
  CHECK(dotted(names->disclosed()) == std::set<std::string>{"given_name"});
  CHECK(dotted(birth->disclosed()) == std::set<std::string>{"birthdate"});
}

TEST_CASE("presentation response: the verifier's redirect_uri is passed on only when it is a URL the wallet allows",
          "[vp_response]") {
  ScriptedVerifier verifier;
  Issued issued = issue_identity();
  AuthorizationRequest request = x509_request(verifier);
  auto token = veil::wallet::build_vp_token(
      request, inputs_for(request, issued, Approval{{CredentialApproval{"pid", "cred-1", {}}}}), kClock);
  REQUIRE(token.has_value());

  std::string done = verifier.origin() + "/done?code=abc";
  verifier.script_response(ScriptedAnswer{200, "application/json", Json{{"redirect_uri", done}}.dump(), std::nullopt});
  auto answer = veil::wallet::post_vp_token(request, *token, loopback_client());
  REQUIRE(answer.has_value());
  CHECK(answer->redirect_uri == std::optional<std::string>(done));

  verifier.script_response(
      ScriptedAnswer{200, "application/json", Json{{"redirect_uri", "javascript:alert(1)"}}.dump(), std::nullopt});
  answer = veil::wallet::post_vp_token(request, *token, loopback_client());
  REQUIRE(answer.has_value());
  CHECK_FALSE(answer->redirect_uri.has_value());

  verifier.script_response(ScriptedAnswer{200, "text/plain", "thanks", std::nullopt});
  answer = veil::wallet::post_vp_token(request, *token, loopback_client());
  REQUIRE(answer.has_value());
  CHECK_FALSE(answer->redirect_uri.has_value());
}

TEST_CASE("presentation response: a redirect from the response_uri is not followed [attack:P8]",
          "[vp_response][attack:P8]") {
  ScriptedVerifier verifier;
  Issued issued = issue_identity();
  AuthorizationRequest request = x509_request(verifier);
  auto token = veil::wallet::build_vp_token(
      request, inputs_for(request, issued, Approval{{CredentialApproval{"pid", "cred-1", {}}}}), kClock);
  REQUIRE(token.has_value());
  for (int status : {302, 307, 308}) {
    verifier.script_response(ScriptedAnswer{status, "text/plain", "", verifier.redirect_target()});
    expect_error(veil::wallet::post_vp_token(request, *token, loopback_client()), ErrorCode::unexpected_http_status);
  }
  CHECK(verifier.posts().size() == 3);
  CHECK(verifier.elsewhere_hits() == 0);
}

TEST_CASE("presentation response: a refusal by the verifier is unexpected_http_status with its error",
          "[vp_response]") {
  ScriptedVerifier verifier;
  Issued issued = issue_identity();
  AuthorizationRequest request = x509_request(verifier);
  auto token = veil::wallet::build_vp_token(
      request, inputs_for(request, issued, Approval{{CredentialApproval{"pid", "cred-1", {}}}}), kClock);
  REQUIRE(token.has_value());
  verifier.script_response(ScriptedAnswer{
      400, "application/json", R"({"error": "invalid_request", "error_description": "state unknown"})", std::nullopt});
  auto answer = veil::wallet::post_vp_token(request, *token, loopback_client());
  expect_error(answer, ErrorCode::unexpected_http_status);
  CHECK(answer.error().message.find("invalid_request") != std::string::npos);
}

TEST_CASE("presentation response: a declined request is reported with access_denied and the state", "[vp_response]") {
  ScriptedVerifier verifier;
  AuthorizationRequest request = x509_request(verifier);
  auto answer = veil::wallet::post_error_response(request, "access_denied", "the holder declined", loopback_client());
  REQUIRE(answer.has_value());
  auto posts = verifier.posts();
  REQUIRE(posts.size() == 1);
  CHECK(posts[0].form.at("error") == "access_denied");
  CHECK(posts[0].form.at("error_description") == "the holder declined");
  CHECK(posts[0].form.at("state") == "state-0815");
  CHECK(posts[0].form.count("vp_token") == 0);
}

TEST_CASE("presentation response: nothing to present, or a path the copy does not have, builds no token",
          "[vp_response]") {
  ScriptedVerifier verifier;
  Issued issued = issue_identity();
  AuthorizationRequest request = x509_request(verifier);
  expect_error(veil::wallet::build_vp_token(request, {}, kClock), ErrorCode::invalid_argument);

  veil::wallet::ApprovedDisclosure unknown{"pid", "cred-1", {path_of({"nickname"})}};
  expect_error(veil::wallet::build_vp_token(
                   request, {PresentationInput{unknown, veil::wallet::CredentialCopy{issued.sd_jwt, issued.holder_key}}},
                   kClock),
               ErrorCode::unknown_claim_path);
  CHECK(verifier.posts().empty());
}

TEST_CASE("presentation response: each response goes to its own request's response_uri, bound to its state, nonce "
          "and client_id [attack:P11]",
          "[vp_response][attack:P11]") {
  ScriptedVerifier verifier_a;
  ScriptedVerifier verifier_b;
  Issued issued = issue_identity();
  AuthorizationRequest a = x509_request(verifier_a);
  AuthorizationRequest b = x509_request(verifier_b);
  b.nonce = "nonce-of-b";
  b.state = "state-of-b";
  REQUIRE(a.client_id != b.client_id);

  Approval approval{{CredentialApproval{"pid", "cred-1", {}}}};
  auto token_a = veil::wallet::build_vp_token(a, inputs_for(a, issued, approval), kClock);
  REQUIRE(token_a.has_value());
  REQUIRE(veil::wallet::post_vp_token(a, *token_a, loopback_client()).has_value());
  CHECK(verifier_b.posts().empty());
  REQUIRE(verifier_a.posts().size() == 1);
  CHECK(verifier_a.posts()[0].form.at("state") == a.state);

  // Delivered to B (mix-up), A's presentation fails B's checks: another audience and another nonce.
  std::string presentation = token_a->value["pid"][0];
  expect_error(verify_as_verifier(presentation, issued, b.client_id, a.nonce), ErrorCode::aud_mismatch);
  expect_error(verify_as_verifier(presentation, issued, a.client_id, b.nonce), ErrorCode::nonce_mismatch);
  CHECK(verify_as_verifier(presentation, issued, a.client_id, a.nonce).has_value());
}
