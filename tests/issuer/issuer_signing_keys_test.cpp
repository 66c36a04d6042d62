#include "issuer/issuer_signing_keys.h"
#include "support/temp_dir.h"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "veil/jws.h"
#include "veil/signature_verifier.h"

using veil::ErrorCode;
using veil::Json;
using veil::JwsAlg;
using veil::issuer::IssuerSigningKeys;
using veil::issuer::SigningKeyOptions;

using veil_test::TempDir;

namespace {

constexpr std::int64_t kNow = 1'760'000'000;
constexpr std::int64_t kDay = 24 * 3600;

std::unique_ptr<IssuerSigningKeys> open_keys(const TempDir& dir, const SigningKeyOptions& options = {}) {
  auto keys = IssuerSigningKeys::open(dir.path(), options);
  REQUIRE(keys);
  return std::move(*keys);
}

std::vector<std::string> kids_of(const Json& jwks) {
  std::vector<std::string> kids;
  for (const auto& key : jwks["keys"]) kids.push_back(key["kid"].get<std::string>());
  return kids;
}

mode_t mode_of(const std::string& path) {
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  return info.st_mode & 0777;
}

}  // namespace

TEST_CASE("first start generates an ES256 key named by its thumbprint, mode 0600", "[signing_keys]") {
  TempDir dir("veil-signing-keys");
  auto keys = open_keys(dir);
  const auto current = keys->current();
  REQUIRE(current.signer);
  CHECK(current.signer->alg() == JwsAlg::ES256);
  CHECK(current.signer->kid() == std::optional<std::string>(current.kid));
  const std::string key_file = dir.file("keys/") + current.kid + ".jwk";
  CHECK(mode_of(key_file) == 0600);
  CHECK(mode_of(dir.file("keys")) == 0700);
  const Json jwks = keys->jwks(kNow);
  REQUIRE(jwks["keys"].size() == 1);
  CHECK(jwks["keys"][0]["kid"] == current.kid);
  CHECK(jwks["keys"][0]["alg"] == "ES256");
  CHECK(jwks["keys"][0]["use"] == "sig");
  CHECK_FALSE(jwks["keys"][0].contains("d"));
  auto parsed = veil::Jwk::parse(jwks["keys"][0]);
  REQUIRE(parsed);
  CHECK(parsed->thumbprint() == current.kid);
}

TEST_CASE("a second start loads the same key instead of generating one", "[signing_keys]") {
  TempDir dir("veil-signing-keys");
  const std::string kid = open_keys(dir)->current().kid;
  CHECK(open_keys(dir)->current().kid == kid);
  CHECK(std::distance(std::filesystem::directory_iterator(dir.file("keys")), {}) == 2);  // key + state.json
}

TEST_CASE("the issuer can generate an EdDSA key instead", "[signing_keys]") {
  TempDir dir("veil-signing-keys");
  SigningKeyOptions options;
  options.alg = JwsAlg::EdDSA;
  auto keys = open_keys(dir, options);
  CHECK(keys->current().signer->alg() == JwsAlg::EdDSA);
  CHECK(keys->jwks(kNow)["keys"][0]["alg"] == "EdDSA");
}

TEST_CASE("signatures of the current key verify with the published JWKS", "[signing_keys]") {
  TempDir dir("veil-signing-keys");
  auto keys = open_keys(dir);
  const auto current = keys->current();
  auto token = veil::sign_jws_compact(Json::object(), Json{{"iss", "https://issuer.example"}}, *current.signer);
  REQUIRE(token);
  auto unverified = veil::UnverifiedJws::parse_compact(*token);
  REQUIRE(unverified);
  CHECK(unverified->kid() == std::optional<std::string>(current.kid));
  auto key = veil::Jwk::parse(keys->jwks(kNow)["keys"][0]);
  REQUIRE(key);
  auto verifier = veil::make_verifier(*key);
  REQUIRE(verifier);
  CHECK(unverified->verify(**verifier));
}

TEST_CASE("rotation makes a new current key and keeps the old public key published", "[signing_keys]") {
  TempDir dir("veil-signing-keys");
  SigningKeyOptions options;
  options.max_credential_lifetime_seconds = 30 * kDay;
  auto keys = open_keys(dir, options);
  const auto old = keys->current();
  REQUIRE(keys->rotate(kNow));
  const auto fresh = keys->current();
  CHECK(fresh.kid != old.kid);
  CHECK(kids_of(keys->jwks(kNow)) == std::vector<std::string>{fresh.kid, old.kid});
  // The old signer stays usable by whoever still holds it.
  CHECK(old.signer->sign(std::vector<std::uint8_t>{1, 2, 3}));

  // The rotation survives a restart.
  auto reopened = open_keys(dir, options);
  CHECK(reopened->current().kid == fresh.kid);
  CHECK(kids_of(reopened->jwks(kNow + kDay)) == std::vector<std::string>{fresh.kid, old.kid});
}

TEST_CASE("a retired key leaves the JWKS after the longest credential lifetime", "[signing_keys]") {
  TempDir dir("veil-signing-keys");
  SigningKeyOptions options;
  options.max_credential_lifetime_seconds = 30 * kDay;
  auto keys = open_keys(dir, options);
  const std::string first = keys->current().kid;
  REQUIRE(keys->rotate(kNow));
  const std::string second = keys->current().kid;
  REQUIRE(keys->rotate(kNow + 10 * kDay));
  const std::string third = keys->current().kid;
  CHECK(kids_of(keys->jwks(kNow + 10 * kDay)) == std::vector<std::string>{third, second, first});
  CHECK(kids_of(keys->jwks(kNow + 30 * kDay - 1)) == std::vector<std::string>{third, second, first});
  CHECK(kids_of(keys->jwks(kNow + 30 * kDay)) == std::vector<std::string>{third, second});
  CHECK(kids_of(keys->jwks(kNow + 40 * kDay)) == std::vector<std::string>{third});
}

TEST_CASE("loading refuses a key file readable by group or others", "[signing_keys]") {
  TempDir dir("veil-signing-keys");
  const std::string kid = open_keys(dir)->current().kid;
  const std::string key_file = dir.file("keys/") + kid + ".jwk";
  for (mode_t mode : {0640, 0604, 0660}) {
    REQUIRE(::chmod(key_file.c_str(), mode) == 0);
    auto keys = IssuerSigningKeys::open(dir.path(), {});
    REQUIRE_FALSE(keys);
    CHECK(keys.error().code == ErrorCode::io_error);
  }
}

TEST_CASE("loading refuses a key file that does not hold the key its kid names", "[signing_keys]") {
  TempDir dir("veil-signing-keys");
  const std::string kid = open_keys(dir)->current().kid;
  const std::string key_file = dir.file("keys/") + kid + ".jwk";
  auto other = veil::PrivateJwk::generate(JwsAlg::ES256);
  REQUIRE(other);
  std::filesystem::remove(key_file);
  {
    std::ofstream out(key_file);
    out << other->to_json().dump();
  }
  REQUIRE(::chmod(key_file.c_str(), 0600) == 0);
  auto keys = IssuerSigningKeys::open(dir.path(), {});
  REQUIRE_FALSE(keys);
  CHECK(keys.error().code == ErrorCode::invalid_argument);
}

TEST_CASE("loading refuses a malformed state.json or a kid that is a path", "[signing_keys]") {
  TempDir dir("veil-signing-keys");
  open_keys(dir);
  const std::string state = dir.file("keys/state.json");
  for (const char* text : {"[]", "{\"current\": 1, \"retired\": []}", "{\"current\": \"../../etc/passwd\", \"retired\": []}",
                           "{\"current\": \"abc\"}"}) {
    {
      std::ofstream out(state, std::ios::trunc);
      out << text;
    }
    auto keys = IssuerSigningKeys::open(dir.path(), {});
    REQUIRE_FALSE(keys);
    CHECK(keys.error().code == ErrorCode::invalid_argument);
  }
}

TEST_CASE("a missing current key file is an io error, not a new key", "[signing_keys]") {
  TempDir dir("veil-signing-keys");
  const std::string kid = open_keys(dir)->current().kid;
  std::filesystem::remove(dir.file("keys/") + kid + ".jwk");
  auto keys = IssuerSigningKeys::open(dir.path(), {});
  REQUIRE_FALSE(keys);
  CHECK(keys.error().code == ErrorCode::io_error);
}
