// TrustList: the trust file of DESIGN.md and key lookup by iss and kid.
#include <catch2/catch.hpp>

#include "core/test_keys.h"
#include "core/verifier_fixtures.h"
#include "veil/issuer_keys.h"

using namespace veil_test;
using veil::ErrorCode;
using veil::Json;

namespace {

Json keyed(const Json& jwk, const std::string& kid) {
  Json key = jwk;
  key["kid"] = kid;
  return key;
}

Json trust_file() {
  return {{"issuers",
           {{{"iss", "https://issuer.example"},
             {"jwks", {{"keys", {keyed(issuer_public_jwk_json(), "k1"), keyed(holder_public_jwk_json(), "k2")}}}}},
            {{"iss", "https://metadata.example"}, {"resolve", "metadata"}}}}};
}

}  // namespace

TEST_CASE("trust list finds keys by issuer and kid", "[issuer_keys]") {
  auto list = veil::TrustList::parse(trust_file());
  REQUIRE(list);

  auto by_kid = list->candidates("https://issuer.example", std::string("k2"));
  REQUIRE(by_kid);
  REQUIRE(by_kid->size() == 1);
  CHECK(by_kid->front()->key().to_json().at("x") == holder_public_jwk_json().at("x"));

  auto all = list->candidates("https://issuer.example", std::nullopt);
  REQUIRE(all);
  CHECK(all->size() == 2);

  CHECK(error_code(list->candidates("https://issuer.example", std::string("k3"))) == ErrorCode::unknown_key);
  CHECK(error_code(list->candidates("https://other.example", std::nullopt)) == ErrorCode::untrusted_issuer);
  CHECK(error_code(list->candidates("https://issuer.example/", std::nullopt)) == ErrorCode::untrusted_issuer);
}

TEST_CASE("trust list keeps metadata issuers without keys until they are added", "[issuer_keys]") {
  auto list = veil::TrustList::parse(trust_file());
  REQUIRE(list);
  CHECK(list->issuers_to_resolve() == std::vector<std::string>{"https://metadata.example"});
  CHECK(error_code(list->candidates("https://metadata.example", std::nullopt)) == ErrorCode::unknown_key);

  REQUIRE(list->add_keys("https://metadata.example", {{"keys", {issuer_public_jwk_json()}}}));
  auto found = list->candidates("https://metadata.example", std::string("any-kid"));
  REQUIRE(found);
  CHECK(found->size() == 1);  // a pinned key without kid is not restricted to a label

  CHECK(error_code(list->add_keys("https://unlisted.example", {{"keys", Json::array()}})) ==
        ErrorCode::untrusted_issuer);
  CHECK(error_code(list->add_keys("https://metadata.example", {{"keys", "nope"}})) == ErrorCode::invalid_argument);
}

TEST_CASE("trust list rejects malformed trust files", "[issuer_keys]") {
  const Json key = issuer_public_jwk_json();
  const Json malformed[] = {
      Json::array(),
      Json::object(),
      {{"issuers", "x"}},
      {{"issuers", {"https://issuer.example"}}},
      {{"issuers", {{{"jwks", {{"keys", {key}}}}}}}},
      {{"issuers", {{{"iss", ""}, {"jwks", {{"keys", {key}}}}}}}},
      {{"issuers", {{{"iss", 5}, {"jwks", {{"keys", {key}}}}}}}},
      {{"issuers", {{{"iss", "https://a.example"}}}}},
      {{"issuers", {{{"iss", "https://a.example"}, {"jwks", {{"keys", {key}}}}, {"resolve", "metadata"}}}}},
      {{"issuers", {{{"iss", "https://a.example"}, {"resolve", "dns"}}}}},
      {{"issuers", {{{"iss", "https://a.example"}, {"jwks", {key}}}}}},
      {{"issuers", {{{"iss", "https://a.example"}, {"jwks", {{"keys", {key}}}}},
                    {{"iss", "https://a.example"}, {"resolve", "metadata"}}}}},
  };
  for (const Json& document : malformed) {
    INFO(document.dump());
    CHECK(error_code(veil::TrustList::parse(document)) == ErrorCode::invalid_argument);
  }
}

TEST_CASE("trust list rejects bad and unsupported keys with their own codes", "[issuer_keys]") {
  Json off_curve = issuer_public_jwk_json();
  off_curve["y"] = holder_public_jwk_json().at("y");
  CHECK(error_code(veil::TrustList::parse({{"issuers", {{{"iss", "https://a.example"},
                                                         {"jwks", {{"keys", {off_curve}}}}}}}})) ==
        ErrorCode::invalid_jwk);
  const Json rsa = {{"kty", "RSA"}, {"n", "sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1WlUzewbgBHod5pcM9H95GQRV3JDXboIRROSBigeC5yjU1hGzHHyXss8UDprecbAYxknTcQkhslANGRUZmdTOQ5qTRsLAt6BTYuyvVRdhS8exSZEy_c4gs_7svlJJQ4H9_NxsiIoLwAEk7-Q3UXERGYw_75IDrGA84-lA_-Ct4eTlXHBIY2EaV7t7LjJaynVJCpkv4LKjTTAumiGUIuQhrNhZLuF_RJLqHpM2kgWFLU7-VTdL1VbC2tejvcI2BlMkEpk1BzBZI0KQB0GaDWFLN-aEAw3vRw"}, {"e", "AQAB"}};
  CHECK(error_code(veil::TrustList::parse({{"issuers", {{{"iss", "https://a.example"},
                                                         {"jwks", {{"keys", {rsa}}}}}}}})) ==
        ErrorCode::unsupported_key);
}

TEST_CASE("a single-key trust list accepts that key for any issuer", "[issuer_keys]") {
  auto key = veil::Jwk::parse(keyed(issuer_public_jwk_json(), "k1"));
  REQUIRE(key);
  auto list = veil::TrustList::single_key(*key);
  REQUIRE(list);
  for (const std::string iss : {"https://issuer.example", "", "urn:anything"}) {
    auto found = list->candidates(iss, std::nullopt);
    REQUIRE(found);
    CHECK(found->size() == 1);
  }
  CHECK(list->candidates("https://issuer.example", std::string("k1")));
  CHECK(error_code(list->candidates("https://issuer.example", std::string("k9"))) == ErrorCode::unknown_key);
  CHECK(list->issuers_to_resolve().empty());
}
