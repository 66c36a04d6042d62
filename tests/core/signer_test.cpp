#include "veil/signer.h"

#include <catch2/catch.hpp>
#include <string_view>

#include "veil/base64url.h"
#include "veil/signature_verifier.h"
#include "test_keys.h"

using veil::JwsAlg;
using veil::PrivateJwk;

using veil_test::bytes_of;

namespace {

PrivateJwk rfc8037_key() {
  auto key = PrivateJwk::parse(veil::Json{{"kty", "OKP"},
                                          {"crv", "Ed25519"},
                                          {"d", "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"},
                                          {"x", "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}});
  REQUIRE(key);
  return *key;
}

}  // namespace

TEST_CASE("Ed25519 signer reproduces the RFC 8037 A.4 signature", "[signer]") {
  auto signer = veil::make_signer(rfc8037_key());
  REQUIRE(signer);
  CHECK((*signer)->alg() == JwsAlg::EdDSA);
  auto signature = (*signer)->sign(bytes_of("eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc"));
  REQUIRE(signature);
  CHECK(veil::base64url_encode(*signature) ==
        "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg");
}

TEST_CASE("ES256 signer always returns 64 bytes R||S that verify", "[signer]") {
  auto key = PrivateJwk::generate(JwsAlg::ES256, "issuer-1");
  REQUIRE(key);
  auto signer = veil::make_signer(*key);
  REQUIRE(signer);
  CHECK((*signer)->alg() == JwsAlg::ES256);
  CHECK((*signer)->kid() == "issuer-1");
  auto verifier = veil::make_verifier(key->public_key());
  REQUIRE(verifier);
  // About 1 in 128 signatures has an r or s with a leading zero byte, so 300 signatures exercise the left-padding.
  for (int i = 0; i < 300; ++i) {
    const std::string message = "message " + std::to_string(i);
    auto signature = (*signer)->sign(bytes_of(message));
    REQUIRE(signature);
    REQUIRE(signature->size() == 64);
    REQUIRE((*verifier)->verify(bytes_of(message), *signature));
  }
}

TEST_CASE("ES256 signatures are randomized, Ed25519 signatures deterministic", "[signer]") {
  for (auto alg : {JwsAlg::ES256, JwsAlg::EdDSA}) {
    auto key = PrivateJwk::generate(alg);
    REQUIRE(key);
    auto signer = veil::make_signer(*key);
    REQUIRE(signer);
    CHECK_FALSE((*signer)->kid());
    auto a = (*signer)->sign(bytes_of("same"));
    auto b = (*signer)->sign(bytes_of("same"));
    REQUIRE(a);
    REQUIRE(b);
    CHECK(a->size() == 64);
    CHECK((*a == *b) == (alg == JwsAlg::EdDSA));
  }
}

TEST_CASE("a signature from one key does not verify under another", "[signer]") {
  for (auto alg : {JwsAlg::ES256, JwsAlg::EdDSA}) {
    auto signing_key = PrivateJwk::generate(alg);
    auto other_key = PrivateJwk::generate(alg);
    REQUIRE(signing_key);
    REQUIRE(other_key);
    auto signer = veil::make_signer(*signing_key);
    auto verifier = veil::make_verifier(other_key->public_key());
    REQUIRE(signer);
    REQUIRE(verifier);
    auto signature = (*signer)->sign(bytes_of("data"));
    REQUIRE(signature);
    auto status = (*verifier)->verify(bytes_of("data"), *signature);
    REQUIRE_FALSE(status);
    CHECK(status.error().code == veil::ErrorCode::invalid_signature);
  }
}

TEST_CASE("a signer signs the empty input", "[signer]") {
  for (auto alg : {JwsAlg::ES256, JwsAlg::EdDSA}) {
    auto key = PrivateJwk::generate(alg);
    REQUIRE(key);
    auto signer = veil::make_signer(*key);
    auto verifier = veil::make_verifier(key->public_key());
    REQUIRE(signer);
    REQUIRE(verifier);
    auto signature = (*signer)->sign({});
    REQUIRE(signature);
    CHECK((*verifier)->verify({}, *signature));
  }
}
