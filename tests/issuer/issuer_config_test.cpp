#include <catch2/catch.hpp>

#include "issuer/issuer_config.h"

using veil::ErrorCode;
using veil::Json;
using veil::issuer::IssuerConfig;

namespace {

IssuerConfig base_config() {
  IssuerConfig config;
  config.schemas_dir = VEIL_SCHEMAS_DIR;
  return config;
}

ErrorCode error_of(const Json& document) {
  IssuerConfig config = base_config();
  const auto applied = veil::issuer::apply_config_file(config, document);
  REQUIRE_FALSE(applied);
  return applied.error().code;
}

}  // namespace

TEST_CASE("a config file overlays its members on the defaults", "[issuer][config]") {
  IssuerConfig config = base_config();
  REQUIRE(veil::issuer::apply_config_file(config, Json::parse(R"({"offer_lifetime_seconds": 120, "batch_size": 3,
      "signing_alg": "EdDSA", "public_url": "https://issuer.example", "http": {"max_body_bytes": 65536}})")));
  CHECK(config.offer_lifetime_seconds == 120);
  CHECK(config.batch_size == 3);
  CHECK(config.signing_alg == veil::JwsAlg::EdDSA);
  CHECK(config.public_url == "https://issuer.example");
  CHECK(config.http.max_body_bytes == 65536);
  CHECK(config.access_token_lifetime_seconds == IssuerConfig{}.access_token_lifetime_seconds);
}

TEST_CASE("a config file with an unknown, mistyped or out-of-range member is refused and names it",
          "[issuer][config]") {
  IssuerConfig config = base_config();
  const auto typo = veil::issuer::apply_config_file(config, Json::parse(R"({"offer_lifetime": 60})"));
  REQUIRE_FALSE(typo);
  CHECK(typo.error().code == ErrorCode::invalid_config);
  CHECK_THAT(typo.error().message, Catch::Contains("offer_lifetime"));
  CHECK(error_of(Json::parse(R"({"batch_size": "3"})")) == ErrorCode::invalid_config);
  CHECK(error_of(Json::parse(R"({"batch_size": 1})")) == ErrorCode::invalid_config);
  CHECK(error_of(Json::parse(R"({"signing_alg": "RS256"})")) == ErrorCode::invalid_config);
  CHECK(error_of(Json::parse(R"({"http": {"threads": 4}})")) == ErrorCode::invalid_config);
  CHECK(error_of(Json::parse(R"([])")) == ErrorCode::invalid_config);
}

TEST_CASE("a status list may not be cached longer than it lives", "[issuer][config]") {
  CHECK(error_of(Json::parse(R"({"status_list_ttl_seconds": 7200, "status_list_token_lifetime_seconds": 3600})")) ==
        ErrorCode::invalid_config);
}

TEST_CASE("the public URL must be an http(s) origin: metadata of an issuer with a path would be unreachable",
          "[issuer][config]") {
  // OpenID4VCI 1.0 §12.2.2: https://x/tenant has its metadata at https://x/.well-known/openid-credential-issuer/tenant.
  CHECK(error_of(Json::parse(R"({"public_url": "https://issuer.example/tenant"})")) == ErrorCode::invalid_config);
  CHECK(error_of(Json::parse(R"({"public_url": "https://issuer.example?x=1"})")) == ErrorCode::invalid_config);
  CHECK(error_of(Json::parse(R"({"public_url": "ftp://issuer.example"})")) == ErrorCode::invalid_config);
  IssuerConfig config = base_config();
  CHECK(veil::issuer::apply_config_file(config, Json::parse(R"({"public_url": "https://issuer.example:8443/"})")));
}
