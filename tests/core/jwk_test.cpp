#include "veil/jwk.h"

#include <catch2/catch.hpp>

#include "veil/base64url.h"

using veil::ErrorCode;
using veil::Json;
using veil::Jwk;
using veil::JwsAlg;
using veil::PrivateJwk;

namespace {

// The P-256 key of Wycheproof's json_web_signature_test.json ("kid-ec-sign").
Json ec_private_jwk() {
  return Json{{"kty", "EC"},
              {"crv", "P-256"},
              {"x", "04N0xi21hshyvBp7I167sbE_bXqyqkAPfefdklMO7wY"},
              {"y", "UI8exy-C06a7DUnjIdENkxeFtHM4-l_41LqEw9nVgmw"},
              {"d", "yy49oPcINGK2ps0LmtxpB6UTEOiITghHBif6wDqmJ3c"},
              {"kid", "kid-ec-sign"}};
}

Json ec_public_jwk() {
  Json jwk = ec_private_jwk();
  jwk.erase("d");
  return jwk;
}

// RFC 8037 §A.1 / §A.2.
Json ed25519_private_jwk() {
  return Json{{"kty", "OKP"},
              {"crv", "Ed25519"},
              {"d", "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"},
              {"x", "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}};
}

ErrorCode public_error(const Json& jwk) {
  auto parsed = Jwk::parse(jwk);
  REQUIRE_FALSE(parsed);
  return parsed.error().code;
}

ErrorCode private_error(const Json& jwk) {
  auto parsed = PrivateJwk::parse(jwk);
  REQUIRE_FALSE(parsed);
  return parsed.error().code;
}

Json with(Json jwk, const std::string& name, Json value) {
  jwk[name] = std::move(value);
  return jwk;
}

Json without(Json jwk, const std::string& name) {
  jwk.erase(name);
  return jwk;
}

}  // namespace

TEST_CASE("Jwk parses a P-256 key and writes it back", "[jwk]") {
  auto jwk = Jwk::parse(ec_public_jwk());
  REQUIRE(jwk);
  CHECK(jwk->alg() == JwsAlg::ES256);
  CHECK(jwk->kid() == "kid-ec-sign");
  CHECK(jwk->x().size() == 32);
  CHECK(jwk->y().size() == 32);
  CHECK(jwk->to_json() == ec_public_jwk());
  auto again = Jwk::parse(jwk->to_json());
  REQUIRE(again);
  CHECK(*again == *jwk);
}

TEST_CASE("Jwk parses an Ed25519 key and writes it back", "[jwk]") {
  auto jwk = Jwk::parse(without(ed25519_private_jwk(), "d"));
  REQUIRE(jwk);
  CHECK(jwk->alg() == JwsAlg::EdDSA);
  CHECK_FALSE(jwk->kid());
  CHECK(jwk->y().empty());
  CHECK(jwk->to_json() == without(ed25519_private_jwk(), "d"));
}

TEST_CASE("Jwk::parse ignores private members", "[jwk]") {
  auto jwk = Jwk::parse(ec_private_jwk());
  REQUIRE(jwk);
  CHECK_FALSE(jwk->to_json().contains("d"));
}

TEST_CASE("Jwk thumbprint follows RFC 7638", "[jwk]") {
  // RFC 8037 §A.3.
  auto ed = Jwk::parse(ed25519_private_jwk());
  REQUIRE(ed);
  CHECK(ed->thumbprint() == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
  // Computed independently: python3 hashlib.sha256 over
  // {"crv":"P-256","kty":"EC","x":"04N0xi21hshyvBp7I167sbE_bXqyqkAPfefdklMO7wY","y":"UI8exy-C06a7DUnjIdENkxeFtHM4-l_41LqEw9nVgmw"}
  auto ec = Jwk::parse(ec_public_jwk());
  REQUIRE(ec);
  CHECK(ec->thumbprint() == "jtGSXJVYuZVE0cLF8m4OWz-gvUEtc1LxRfUd7fMBarg");
  // kid, alg and use are not part of the thumbprint.
  CHECK(ec->with_kid("other").thumbprint() == ec->thumbprint());
}

TEST_CASE("Jwk with_kid replaces the kid only", "[jwk]") {
  auto jwk = Jwk::parse(ec_public_jwk());
  REQUIRE(jwk);
  auto renamed = jwk->with_kid("k2");
  CHECK(renamed.kid() == "k2");
  CHECK(renamed == *jwk);
}

TEST_CASE("Jwk accepts consistent alg and use members", "[jwk]") {
  CHECK(Jwk::parse(with(with(ec_public_jwk(), "alg", "ES256"), "use", "sig")));
  CHECK(Jwk::parse(with(without(ed25519_private_jwk(), "d"), "alg", "EdDSA")));
}

TEST_CASE("Jwk rejects alg or use that do not fit the key", "[jwk]") {
  CHECK(public_error(with(ec_public_jwk(), "alg", "ES384")) == ErrorCode::invalid_jwk);
  CHECK(public_error(with(ec_public_jwk(), "alg", "EdDSA")) == ErrorCode::invalid_jwk);
  CHECK(public_error(with(ec_public_jwk(), "alg", "none")) == ErrorCode::invalid_jwk);
  CHECK(public_error(with(ec_public_jwk(), "alg", 7)) == ErrorCode::invalid_jwk);
  CHECK(public_error(with(ec_public_jwk(), "use", "enc")) == ErrorCode::invalid_jwk);
  CHECK(public_error(with(ed25519_private_jwk(), "alg", "ES256")) == ErrorCode::invalid_jwk);
  CHECK(public_error(with(ec_public_jwk(), "kid", 1)) == ErrorCode::invalid_jwk);
}

TEST_CASE("Jwk refuses key types Veil does not use", "[jwk]") {
  CHECK(public_error(Json{{"kty", "RSA"}, {"n", "AQAB"}, {"e", "AQAB"}}) == ErrorCode::unsupported_key);
  CHECK(public_error(Json{{"kty", "oct"}, {"k", "AAAA"}}) == ErrorCode::unsupported_key);
  CHECK(public_error(with(ec_public_jwk(), "crv", "P-384")) == ErrorCode::unsupported_key);
  CHECK(public_error(with(ec_public_jwk(), "crv", "secp256k1")) == ErrorCode::unsupported_key);
  CHECK(public_error(with(ed25519_private_jwk(), "crv", "X25519")) == ErrorCode::unsupported_key);
  CHECK(public_error(with(ed25519_private_jwk(), "crv", "Ed448")) == ErrorCode::unsupported_key);
  CHECK(public_error(Json{{"kty", "EC2"}}) == ErrorCode::unsupported_key);
}

TEST_CASE("Jwk rejects a wrong crv for the key type [attack:J14]", "[jwk][attack:J14]") {
  CHECK(public_error(with(ec_public_jwk(), "crv", "Ed25519")) == ErrorCode::unsupported_key);
  CHECK(public_error(with(ed25519_private_jwk(), "crv", "P-256")) == ErrorCode::unsupported_key);
}

TEST_CASE("Jwk rejects malformed members", "[jwk]") {
  CHECK(public_error(Json::array()) == ErrorCode::invalid_jwk);
  CHECK(public_error(Json("EC")) == ErrorCode::invalid_jwk);
  CHECK(public_error(without(ec_public_jwk(), "kty")) == ErrorCode::invalid_jwk);
  CHECK(public_error(with(ec_public_jwk(), "kty", 1)) == ErrorCode::invalid_jwk);
  CHECK(public_error(without(ec_public_jwk(), "crv")) == ErrorCode::invalid_jwk);
  CHECK(public_error(without(ec_public_jwk(), "x")) == ErrorCode::invalid_jwk);
  CHECK(public_error(without(ec_public_jwk(), "y")) == ErrorCode::invalid_jwk);
  CHECK(public_error(with(ec_public_jwk(), "x", Json::array())) == ErrorCode::invalid_jwk);
  CHECK(public_error(with(ec_public_jwk(), "x", "04N0xi21hshyvBp7I167sbE_bXqyqkAPfefdklMO7wY=")) ==
        ErrorCode::invalid_jwk);
  CHECK(public_error(with(ec_public_jwk(), "x", "04N0xi21hshyvBp7I167sbE/bXqyqkAPfefdklMO7wY")) ==
        ErrorCode::invalid_jwk);
  CHECK(public_error(without(ed25519_private_jwk(), "x")) == ErrorCode::invalid_jwk);
  CHECK(public_error(with(ed25519_private_jwk(), "x", "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHUR")) ==
        ErrorCode::invalid_jwk);
}

TEST_CASE("Jwk rejects coordinates of the wrong length [attack:J14]", "[jwk][attack:J14]") {
  const std::vector<std::uint8_t> short_x(31, 0x11);
  const std::vector<std::uint8_t> long_x(33, 0x11);
  CHECK(public_error(with(ec_public_jwk(), "x", veil::base64url_encode(short_x))) == ErrorCode::invalid_jwk);
  CHECK(public_error(with(ec_public_jwk(), "x", veil::base64url_encode(long_x))) == ErrorCode::invalid_jwk);
  CHECK(public_error(with(ec_public_jwk(), "y", veil::base64url_encode(short_x))) == ErrorCode::invalid_jwk);
  CHECK(public_error(with(ed25519_private_jwk(), "x", veil::base64url_encode(short_x))) == ErrorCode::invalid_jwk);
  // x with its leading byte dropped (a 31-byte encoding of the same number) is not accepted either.
  auto x = veil::base64url_decode("04N0xi21hshyvBp7I167sbE_bXqyqkAPfefdklMO7wY");
  REQUIRE(x);
  x->erase(x->begin());
  CHECK(public_error(with(ec_public_jwk(), "x", veil::base64url_encode(*x))) == ErrorCode::invalid_jwk);
}

TEST_CASE("Jwk rejects a point that is not on P-256 [attack:J14]", "[jwk][attack:J14]") {
  // Wycheproof json_web_key_test "invalid_point": y changed in one character.
  CHECK(public_error(with(ec_public_jwk(), "y", "UI8exy-C06a7DUnjIdENkxeFtHM4-l_41LqEw9nVgnw")) ==
        ErrorCode::invalid_jwk);
  // The point at infinity has no affine coordinates; its usual stand-ins (0, 0) and (0, 1) are off the curve.
  const std::vector<std::uint8_t> zero(32, 0);
  std::vector<std::uint8_t> one(32, 0);
  one.back() = 1;
  CHECK(public_error(with(with(ec_public_jwk(), "x", veil::base64url_encode(zero)), "y",
                          veil::base64url_encode(zero))) == ErrorCode::invalid_jwk);
  CHECK(public_error(with(with(ec_public_jwk(), "x", veil::base64url_encode(zero)), "y",
                          veil::base64url_encode(one))) == ErrorCode::invalid_jwk);
  // Coordinates >= p are not field elements.
  const std::vector<std::uint8_t> all_ones(32, 0xFF);
  CHECK(public_error(with(ec_public_jwk(), "x", veil::base64url_encode(all_ones))) == ErrorCode::invalid_jwk);
}

TEST_CASE("PrivateJwk parses a key pair whose d matches", "[jwk]") {
  auto ec = PrivateJwk::parse(ec_private_jwk());
  REQUIRE(ec);
  CHECK(ec->alg() == JwsAlg::ES256);
  CHECK(ec->d().size() == 32);
  CHECK(ec->to_json() == ec_private_jwk());
  auto ed = PrivateJwk::parse(ed25519_private_jwk());
  REQUIRE(ed);
  CHECK(ed->alg() == JwsAlg::EdDSA);
  CHECK(ed->to_json() == ed25519_private_jwk());
  CHECK(ed->public_key().thumbprint() == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
}

TEST_CASE("PrivateJwk rejects a missing, malformed or mismatched d", "[jwk]") {
  CHECK(private_error(ec_public_jwk()) == ErrorCode::invalid_jwk);
  CHECK(private_error(with(ec_private_jwk(), "d", 5)) == ErrorCode::invalid_jwk);
  CHECK(private_error(with(ec_private_jwk(), "d", "yy49oPcINGK2ps0LmtxpB6UTEOiITghHBif6wDqmJ3")) ==
        ErrorCode::invalid_jwk);
  // Another valid scalar: well-formed but not this key's.
  CHECK(private_error(with(ec_private_jwk(), "d", "zy49oPcINGK2ps0LmtxpB6UTEOiITghHBif6wDqmJ3c")) ==
        ErrorCode::invalid_jwk);
  CHECK(private_error(with(ec_private_jwk(), "d", veil::base64url_encode(std::vector<std::uint8_t>(32, 0)))) ==
        ErrorCode::invalid_jwk);
  CHECK(private_error(with(ec_private_jwk(), "d", veil::base64url_encode(std::vector<std::uint8_t>(32, 0xFF)))) ==
        ErrorCode::invalid_jwk);
  CHECK(private_error(without(ed25519_private_jwk(), "d")) == ErrorCode::invalid_jwk);
  CHECK(private_error(with(ed25519_private_jwk(), "d", "mWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A")) ==
        ErrorCode::invalid_jwk);
  CHECK(private_error(with(ed25519_private_jwk(), "crv", "Ed448")) == ErrorCode::unsupported_key);
}

TEST_CASE("PrivateJwk generates distinct keys that parse back", "[jwk]") {
  for (auto alg : {JwsAlg::ES256, JwsAlg::EdDSA}) {
    auto a = PrivateJwk::generate(alg, "k1");
    auto b = PrivateJwk::generate(alg);
    REQUIRE(a);
    REQUIRE(b);
    CHECK(a->alg() == alg);
    CHECK(a->public_key().kid() == "k1");
    CHECK_FALSE(b->public_key().kid());
    CHECK_FALSE(a->public_key() == b->public_key());
    CHECK_FALSE(a->d().equals(b->d()));
    auto reparsed = PrivateJwk::parse(a->to_json());
    REQUIRE(reparsed);
    CHECK(reparsed->public_key() == a->public_key());
    CHECK(reparsed->d().equals(a->d()));
  }
}

TEST_CASE("Jwk checks key_ops when present", "[jwk]") {
  CHECK(Jwk::parse(with(ec_public_jwk(), "key_ops", Json::array({"verify"}))));
  CHECK(Jwk::parse(with(ec_public_jwk(), "key_ops", Json::array({"sign", "verify"}))));
  // Wycheproof JWS tcId 356: an EC key restricted to encryption must not verify signatures.
  CHECK(public_error(with(ec_public_jwk(), "key_ops", Json::array({"encrypt", "decrypt"}))) == ErrorCode::invalid_jwk);
  CHECK(public_error(with(ec_public_jwk(), "key_ops", Json::array())) == ErrorCode::invalid_jwk);
  CHECK(public_error(with(ec_public_jwk(), "key_ops", "verify")) == ErrorCode::invalid_jwk);
  CHECK(public_error(with(ec_public_jwk(), "key_ops", Json::array({"sign, verify"}))) == ErrorCode::invalid_jwk);
  CHECK(public_error(with(ec_public_jwk(), "key_ops", Json::array({"verify", "verify"}))) == ErrorCode::invalid_jwk);
  CHECK(public_error(with(ec_public_jwk(), "key_ops", Json::array({1}))) == ErrorCode::invalid_jwk);
}
