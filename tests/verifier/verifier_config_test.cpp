#include "verifier/verifier_config.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "support/temp_dir.h"
#include "veil/platform/files.h"
#include "verifier/relying_parties.h"

namespace veil::verifier {

TEST_CASE("the config file overlays known members and refuses unknown ones", "[verifier][config]") {
  VerifierConfig config;
  REQUIRE(apply_config_file(config, {{"transaction_lifetime_seconds", 120},
                                     {"result_retention_seconds", 60},
                                     {"client_id_prefix", "x509_hash"},
                                     {"allow_loopback_http", true},
                                     {"rate_limit", {{"per_second", 2}, {"burst", 10}}},
                                     {"http", {{"max_body_bytes", 65536}}}}));
  CHECK(config.transaction_lifetime_seconds == 120);
  CHECK(config.result_retention_seconds == 60);
  CHECK(config.client_id_prefix == ClientIdPrefix::x509_hash);
  CHECK(config.allow_loopback_http);
  CHECK(config.rate_limit.burst == 10);
  CHECK(config.http.max_body_bytes == 65536);

  const std::vector<Json> bad = {
      {{"transaction_lifetim_seconds", 120}},
      {{"transaction_lifetime_seconds", 5}},
      {{"transaction_lifetime_seconds", "120"}},
      {{"client_id_prefix", "did"}},
      {{"allow_loopback_http", 1}},
      {{"http", {{"threads", 4}}}},
      {{"rate_limit", {{"per_second", 0}}}},
      {{"public_url", "ftp://verifier.example"}},
      {{"public_url", "https://verifier.example/base"}},
      {{"cert_file", "cert.pem"}},
      Json::array(),
  };
  for (const Json& document : bad) {
    INFO(document.dump());
    VerifierConfig fresh;
    auto applied = apply_config_file(fresh, document);
    REQUIRE_FALSE(applied);
    CHECK(applied.error().code == ErrorCode::invalid_config);
  }
}

TEST_CASE("public_url_host reads names, IPv4 and bracketed IPv6", "[verifier][config]") {
  CHECK(public_url_host("https://verifier.example") == "verifier.example");
  CHECK(public_url_host("http://127.0.0.1:8703/") == "127.0.0.1");
  CHECK(public_url_host("http://[::1]:8703") == "::1");
  CHECK(public_url_host("http://user@host") == "");
}

TEST_CASE("the API key file is created 0600 with one relying party and refused when others can read it",
          "[verifier][config][attack:H10]") {
  veil_test::TempDir dir("veil-api-keys");
  const std::string path = dir.file("api-keys.json");
  auto created = RelyingParties::load_or_create(path);
  REQUIRE(created);
  REQUIRE(created->all().size() == 1);
  const RelyingParty& party = created->all().front();
  CHECK(party.name == "default");
  CHECK(party.api_key.size() >= 43);
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);

  auto loaded = RelyingParties::load_or_create(path);
  REQUIRE(loaded);
  CHECK(loaded->all().front().api_key == party.api_key);
  CHECK(loaded->authenticate(party.api_key) != nullptr);
  CHECK(loaded->authenticate(party.api_key.substr(1)) == nullptr);
  CHECK(loaded->authenticate("") == nullptr);

  REQUIRE(::chmod(path.c_str(), 0640) == 0);
  auto exposed = RelyingParties::load_or_create(path);
  REQUIRE_FALSE(exposed);
  CHECK(exposed.error().code == ErrorCode::io_error);
}

TEST_CASE("malformed API key files are refused", "[verifier][config]") {
  const std::string key = "0123456789abcdefghijklmnop";
  const std::vector<Json> bad = {
      Json::object(),
      {{"relying_parties", Json::array()}},
      {{"relying_parties", {{{"name", "a b"}, {"api_key", key}}}}},
      {{"relying_parties", {{{"name", "a"}, {"api_key", "short"}}}}},
      {{"relying_parties", {{{"name", "a"}, {"api_key", key}, {"role", "admin"}}}}},
      {{"relying_parties", {{{"name", "a"}, {"api_key", key}}, {{"name", "a"}, {"api_key", key + "x"}}}}},
      {{"relying_parties", {{{"name", "a"}, {"api_key", key}}, {{"name", "b"}, {"api_key", key}}}}},
      {{"relying_parties", {{{"name", "a"}, {"api_key", key}}}}, {"extra", 1}},
  };
  for (const Json& document : bad) {
    INFO(document.dump());
    auto parsed = RelyingParties::parse(document);
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().code == ErrorCode::invalid_config);
  }
}

}  // namespace veil::verifier
