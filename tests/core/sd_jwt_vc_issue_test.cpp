#include <set>

#include <catch2/catch.hpp>

#include "core/test_keys.h"
#include "veil/jws.h"
#include "veil/presentation.h"
#include "veil/sd_jwt_vc.h"
#include "veil/signature_verifier.h"

using veil::Disclosure;
using veil::DisclosureFrame;
using veil::ErrorCode;
using veil::Json;
using veil::SdJwt;
using veil::SdJwtVcIssueRequest;

namespace {

const Json kClaims = Json::parse(R"({
  "given_name": "Erika", "family_name": "Mustermann",
  "address": {"locality": "Koeln", "country": "DE"},
  "nationalities": ["DE"]
})");

SdJwtVcIssueRequest request() {
  SdJwtVcIssueRequest r;
  r.iss = "https://issuer.example.com";
  r.vct = "https://credentials.example.com/identity_credential";
  r.claims = kClaims;
  r.holder_key = veil_test::holder_key().public_key();
  r.iat = 1683000000;
  return r;
}

veil::Result<SdJwt> issue_with(const SdJwtVcIssueRequest& r) {
  veil_test::FixedSaltSource salts;
  auto signer = veil::make_signer(veil_test::issuer_key());
  REQUIRE(signer);
  return veil::issue_sd_jwt_vc(r, salts, **signer);
}

ErrorCode issue_error(const SdJwtVcIssueRequest& r) {
  auto issued = issue_with(r);
  REQUIRE_FALSE(issued);
  return issued.error().code;
}

veil::UnverifiedJws issuer_jws(const SdJwt& sd_jwt) {
  auto jws = veil::UnverifiedJws::parse_compact(sd_jwt.issuer_jwt());
  REQUIRE(jws);
  return *jws;
}

std::set<std::string> disclosed_names(const SdJwt& sd_jwt) {
  std::set<std::string> out;
  for (const Disclosure& disclosure : sd_jwt.disclosures())
    if (disclosure.claim_name()) out.insert(*disclosure.claim_name());
  return out;
}

}  // namespace


TEST_CASE("is_never_disclosable names the SD-JWT VC registered claims", "[sd_jwt_vc]") {
  for (const char* name : {"iss", "nbf", "exp", "cnf", "vct", "vct#integrity", "aka_vcts", "status"})
    CHECK(veil::is_never_disclosable(name));
  for (const char* name : {"iat", "sub", "given_name", "_sd"}) CHECK_FALSE(veil::is_never_disclosable(name));
}

TEST_CASE("SD-JWT VC issuance signs a dc+sd-jwt with the registered claims in the clear", "[sd_jwt_vc]") {
  SdJwtVcIssueRequest r = request();
  r.exp = 1883000000;
  r.nbf = 1682999000;
  r.status_uri = "https://issuer.example.com/status/1";
  r.status_index = 42;
  auto issued = issue_with(r);
  REQUIRE(issued);
  veil::UnverifiedJws jws = issuer_jws(*issued);
  CHECK(jws.typ() == std::optional<std::string>(veil::kSdJwtVcTyp));
  auto verifier = veil::make_verifier(veil_test::issuer_key().public_key());
  REQUIRE(verifier);
  CHECK(jws.verify(**verifier));

  const Json& payload = jws.unverified_payload();
  CHECK(payload["iss"] == r.iss);
  CHECK(payload["vct"] == r.vct);
  CHECK(payload["iat"] == 1683000000);
  CHECK(payload["exp"] == 1883000000);
  CHECK(payload["nbf"] == 1682999000);
  CHECK(payload["cnf"] == Json{{"jwk", veil_test::holder_key().public_key().to_json()}});
  CHECK(payload["status"] == Json::parse(R"({"status_list": {"idx": 42, "uri": "https://issuer.example.com/status/1"}})"));
  CHECK(payload["_sd_alg"] == "sha-256");
  // By default every subject claim, at every depth, is selectively disclosable.
  for (const char* name : {"given_name", "family_name", "address", "nationalities"}) CHECK_FALSE(payload.contains(name));
  CHECK(disclosed_names(*issued) == std::set<std::string>{"given_name", "family_name", "address", "locality", "country",
                                                          "nationalities"});
  CHECK(issued->disclosures().size() == 7);  // plus the array element "DE"
  CHECK_FALSE(issued->kb_jwt());
}

TEST_CASE("SD-JWT VC issuance leaves optional members out when not given", "[sd_jwt_vc]") {
  SdJwtVcIssueRequest r = request();
  r.holder_key.reset();
  auto issued = issue_with(r);
  REQUIRE(issued);
  const Json payload = issuer_jws(*issued).unverified_payload();
  for (const char* absent : {"exp", "nbf", "cnf", "status"}) CHECK_FALSE(payload.contains(absent));
}

TEST_CASE("SD-JWT VC issuance applies a given frame and decoys", "[sd_jwt_vc]") {
  SdJwtVcIssueRequest r = request();
  r.frame = *DisclosureFrame::parse(Json::parse(R"({"_sd": ["given_name"]})"));
  r.decoys_per_level = 2;
  auto issued = issue_with(r);
  REQUIRE(issued);
  const Json payload = issuer_jws(*issued).unverified_payload();
  CHECK(payload["family_name"] == "Mustermann");
  CHECK(payload["_sd"].size() == 3);
  CHECK(disclosed_names(*issued) == std::set<std::string>{"given_name"});
}

TEST_CASE("SD-JWT VC round trip: issue, select, serialize, parse", "[sd_jwt_vc]") {
  auto issued = issue_with(request());
  REQUIRE(issued);
  auto reparsed = SdJwt::parse(issued->serialize_compact());
  REQUIRE(reparsed);
  std::vector<veil::ClaimPath> paths = {*veil::ClaimPath::parse_dotted("address.country")};
  auto presentation = veil::select_disclosures(*reparsed, paths);
  REQUIRE(presentation);
  CHECK(disclosed_names(*presentation) == std::set<std::string>{"address", "country"});
  auto holder = veil::make_signer(veil_test::holder_key());
  REQUIRE(holder);
  auto bound = veil::add_key_binding(*presentation, {"https://verifier.example.org", "n-1", 1683000100}, **holder);
  REQUIRE(bound);
  auto final_form = SdJwt::parse(bound->serialize_compact());
  REQUIRE(final_form);
  CHECK(final_form->disclosures().size() == 2);
  CHECK(final_form->kb_jwt() == bound->kb_jwt());
  auto as_json = SdJwt::parse(bound->serialize_json().dump());
  REQUIRE(as_json);
  CHECK(as_json->serialize_compact() == bound->serialize_compact());
}

TEST_CASE("SD-JWT VC issuance refuses a frame that hides a never-disclosable claim [attack:S15]",
          "[sd_jwt_vc][attack:S15]") {
  SdJwtVcIssueRequest r = request();
  r.claims["vct#integrity"] = "sha256-abc";
  r.frame = *DisclosureFrame::parse(Json::parse(R"({"_sd": ["given_name", "vct#integrity"]})"));
  CHECK(issue_error(r) == ErrorCode::forbidden_selective_disclosure);
  r.frame = *DisclosureFrame::parse(Json::parse(R"({"_sd": ["iss"]})"));
  CHECK(issue_error(r) == ErrorCode::forbidden_selective_disclosure);
  r.frame = *DisclosureFrame::parse(Json::parse(R"({"cnf": {"_sd": ["jwk"]}})"));
  CHECK(issue_error(r) == ErrorCode::forbidden_selective_disclosure);
  // The default frame keeps such a claim in the clear.
  r.frame.reset();
  auto issued = issue_with(r);
  REQUIRE(issued);
  CHECK(issuer_jws(*issued).unverified_payload()["vct#integrity"] == "sha256-abc");
}

TEST_CASE("SD-JWT VC issuance refuses claims that set issuer-controlled members", "[sd_jwt_vc]") {
  for (const char* name : {"iss", "vct", "cnf", "status", "iat", "exp", "nbf"}) {
    INFO(name);
    SdJwtVcIssueRequest r = request();
    r.claims[name] = "x";
    auto issued = issue_with(r);
    REQUIRE_FALSE(issued);
    CHECK(issued.error().code == ErrorCode::invalid_claims);
    CHECK(issued.error().message.find(name) != std::string::npos);
  }
  SdJwtVcIssueRequest r = request();
  r.claims = Json::array();
  CHECK(issue_error(r) == ErrorCode::invalid_claims);
}

TEST_CASE("SD-JWT VC issuance refuses empty identifiers and a half-given status", "[sd_jwt_vc]") {
  SdJwtVcIssueRequest r = request();
  r.iss.clear();
  CHECK(issue_error(r) == ErrorCode::invalid_iss);
  r = request();
  r.vct.clear();
  CHECK(issue_error(r) == ErrorCode::invalid_vct);
  r = request();
  r.status_uri = "https://issuer.example.com/status/1";
  CHECK(issue_error(r) == ErrorCode::invalid_argument);
  r.status_index = -1;
  CHECK(issue_error(r) == ErrorCode::invalid_argument);
}

TEST_CASE("SD-JWT VC issuance passes on the factory's errors", "[sd_jwt_vc]") {
  SdJwtVcIssueRequest r = request();
  r.frame = *DisclosureFrame::parse(Json::parse(R"({"_sd": ["email"]})"));
  CHECK(issue_error(r) == ErrorCode::invalid_claims);
  r = request();
  r.claims["_sd"] = Json::array();
  CHECK(issue_error(r) == ErrorCode::forbidden_claim_name);
}
