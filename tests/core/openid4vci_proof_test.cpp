#include "veil/openid4vci_proof.h"

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <string_view>

#include "test_keys.h"
#include "veil/base64url.h"

using veil::ErrorCode;
using veil::FixedClock;
using veil::Json;
using veil::JwsAlg;
using veil::OpenId4VciProofClaims;
using veil::OpenId4VciProofPolicy;
using veil::PrivateJwk;

namespace {

constexpr std::int64_t kNow = 1'760'000'000;
constexpr char kIssuer[] = "https://issuer.example.com";

struct Holder {
  PrivateJwk key;
  std::unique_ptr<veil::Signer> signer;
};

Holder make_holder(JwsAlg alg) {
  auto key = PrivateJwk::generate(alg);
  REQUIRE(key);
  auto signer = veil::make_signer(*key);
  REQUIRE(signer);
  return Holder{std::move(*key), std::move(*signer)};
}

const Holder& es256_holder() {
  static const Holder holder = make_holder(JwsAlg::ES256);
  return holder;
}

OpenId4VciProofPolicy policy() {
  OpenId4VciProofPolicy result;
  result.credential_issuer = kIssuer;
  return result;
}

OpenId4VciProofClaims claims() {
  return OpenId4VciProofClaims{kIssuer, kNow, "c-nonce-1", std::nullopt};
}

std::string sign(const OpenId4VciProofClaims& proof_claims, const Holder& holder = es256_holder()) {
  auto proof = veil::sign_openid4vci_proof(proof_claims, holder.key.public_key(), *holder.signer);
  REQUIRE(proof);
  return *proof;
}

// Signs exactly the given header and payload, so tests can build proofs a correct Wallet never would.
std::string sign_raw(const Json& header, const Json& payload, const Holder& holder = es256_holder()) {
  const std::string input = veil::base64url_encode(header.dump()) + "." + veil::base64url_encode(payload.dump());
  auto signature = holder.signer->sign(veil_test::bytes_of(input));
  REQUIRE(signature);
  return input + "." + veil::base64url_encode(*signature);
}

Json good_header(const Holder& holder = es256_holder()) {
  return {{"typ", "openid4vci-proof+jwt"},
          {"alg", std::string(veil::jws_alg_name(holder.key.alg()))},
          {"jwk", holder.key.public_key().to_json()}};
}

Json good_payload() { return {{"aud", kIssuer}, {"iat", kNow}, {"nonce", "c-nonce-1"}}; }

ErrorCode rejection(std::string_view proof, const OpenId4VciProofPolicy& proof_policy = policy(),
                    std::int64_t now = kNow) {
  auto verified = veil::verify_openid4vci_proof(proof, proof_policy, FixedClock(now));
  REQUIRE_FALSE(verified);
  return verified.error().code;
}

}  // namespace

TEST_CASE("issuer accepts an ES256 key proof and returns the holder key, thumbprint and nonce", "[openid4vci_proof]") {
  auto with_client = claims();
  with_client.client_id = "wallet-client";
  auto verified = veil::verify_openid4vci_proof(sign(with_client), policy(), FixedClock(kNow));
  REQUIRE(verified);
  CHECK(verified->holder_key == es256_holder().key.public_key());
  CHECK(verified->thumbprint == es256_holder().key.public_key().thumbprint());
  CHECK(verified->nonce == std::optional<std::string>("c-nonce-1"));
  CHECK(verified->iat == kNow);
  CHECK(verified->client_id == std::optional<std::string>("wallet-client"));
}

TEST_CASE("issuer accepts an EdDSA key proof", "[openid4vci_proof]") {
  const Holder holder = make_holder(JwsAlg::EdDSA);
  auto verified = veil::verify_openid4vci_proof(sign(claims(), holder), policy(), FixedClock(kNow));
  REQUIRE(verified);
  CHECK(verified->holder_key == holder.key.public_key());
  CHECK(verified->holder_key.alg() == JwsAlg::EdDSA);
}

TEST_CASE("signed key proof carries typ, alg and a public jwk but no kid header", "[openid4vci_proof]") {
  auto key = PrivateJwk::generate(JwsAlg::ES256, "holder-kid");
  REQUIRE(key);
  auto signer = veil::make_signer(*key);
  REQUIRE(signer);
  auto proof = veil::sign_openid4vci_proof(claims(), key->public_key(), **signer);
  REQUIRE(proof);
  auto header = veil::parse_json(*veil::base64url_decode_to_string(proof->substr(0, proof->find('.'))));
  REQUIRE(header);
  CHECK((*header)["typ"] == "openid4vci-proof+jwt");
  CHECK((*header)["alg"] == "ES256");
  CHECK_FALSE(header->contains("kid"));
  CHECK_FALSE((*header)["jwk"].contains("d"));
  CHECK(veil::verify_openid4vci_proof(*proof, policy(), FixedClock(kNow)));
}

TEST_CASE("issuer rejects a key proof whose typ is not openid4vci-proof+jwt [attack:P16]", "[openid4vci_proof][attack:P16]") {
  for (const Json& typ : {Json("JWT"), Json("kb+jwt"), Json("dc+sd-jwt"), Json("openid4vci-proof+JWT")}) {
    Json header = good_header();
    header["typ"] = typ;
    CHECK(rejection(sign_raw(header, good_payload())) == ErrorCode::invalid_proof_typ);
  }
  Json header = good_header();
  header.erase("typ");
  CHECK(rejection(sign_raw(header, good_payload())) == ErrorCode::invalid_proof_typ);
}

TEST_CASE("issuer rejects a key proof whose aud is not the credential issuer [attack:P16]", "[openid4vci_proof][attack:P16]") {
  auto foreign = claims();
  foreign.aud = "https://other-issuer.example.com";
  CHECK(rejection(sign(foreign)) == ErrorCode::proof_aud_mismatch);
  Json payload = good_payload();
  payload["aud"] = Json::array({kIssuer});
  CHECK(rejection(sign_raw(good_header(), payload)) == ErrorCode::invalid_proof_claims);
  payload.erase("aud");
  CHECK(rejection(sign_raw(good_header(), payload)) == ErrorCode::invalid_proof_claims);
}

TEST_CASE("issuer rejects a key proof with alg none or HS256 [attack:P16]", "[openid4vci_proof][attack:P16]") {
  for (const char* alg : {"none", "HS256"}) {
    Json header = good_header();
    header["alg"] = alg;
    const std::string input =
        veil::base64url_encode(header.dump()) + "." + veil::base64url_encode(good_payload().dump());
    CHECK(rejection(input + ".c2lnbmF0dXJl") == ErrorCode::alg_not_allowed);
  }
}

TEST_CASE("issuer rejects a key proof whose alg it does not advertise", "[openid4vci_proof]") {
  const Holder holder = make_holder(JwsAlg::EdDSA);
  auto es256_only = policy();
  es256_only.allowed_algs = {JwsAlg::ES256};
  CHECK(rejection(sign(claims(), holder), es256_only) == ErrorCode::alg_not_allowed);
}

TEST_CASE("issuer rejects a key proof with both jwk and kid [attack:P16]", "[openid4vci_proof][attack:P16]") {
  Json header = good_header();
  header["kid"] = "did:example:honest#key-1";
  CHECK(rejection(sign_raw(header, good_payload())) == ErrorCode::invalid_proof_key);
}

TEST_CASE("issuer rejects a key proof that names its key by kid or x5c only", "[openid4vci_proof]") {
  Json header = good_header();
  header.erase("jwk");
  header["kid"] = "did:example:holder#key-1";
  CHECK(rejection(sign_raw(header, good_payload())) == ErrorCode::invalid_proof_key);
  header.erase("kid");
  header["x5c"] = Json::array({"MIIB"});
  CHECK(rejection(sign_raw(header, good_payload())) == ErrorCode::invalid_proof_key);
  header.erase("x5c");
  CHECK(rejection(sign_raw(header, good_payload())) == ErrorCode::invalid_proof_key);
  header["jwk"] = "not an object";
  CHECK(rejection(sign_raw(header, good_payload())) == ErrorCode::invalid_proof_key);
}

TEST_CASE("issuer rejects a key proof whose header jwk is a private key [attack:P16]", "[openid4vci_proof][attack:P16]") {
  Json header = good_header();
  header["jwk"] = es256_holder().key.to_json();
  CHECK(rejection(sign_raw(header, good_payload())) == ErrorCode::invalid_proof_key);
}

TEST_CASE("issuer rejects a key proof whose jwk is not a key veil uses", "[openid4vci_proof]") {
  Json header = good_header();
  header["jwk"] = Json{{"kty", "RSA"}, {"n", "AQAB"}, {"e", "AQAB"}};
  CHECK(rejection(sign_raw(header, good_payload())) == ErrorCode::unsupported_key);
  header["jwk"] = Json{{"kty", "EC"}, {"crv", "P-256"}, {"x", "AAAA"}, {"y", "AAAA"}};
  CHECK(rejection(sign_raw(header, good_payload())) == ErrorCode::invalid_jwk);
}

TEST_CASE("issuer rejects a key proof whose iat is far in the future [attack:P16]", "[openid4vci_proof][attack:P16]") {
  auto future = claims();
  future.iat = kNow + 61;
  CHECK(rejection(sign(future)) == ErrorCode::proof_iat_in_future);
  future.iat = kNow + 10 * 365 * 24 * 3600;
  CHECK(rejection(sign(future)) == ErrorCode::proof_iat_in_future);
  future.iat = kNow + 60;
  CHECK(veil::verify_openid4vci_proof(sign(future), policy(), FixedClock(kNow)));
}

TEST_CASE("issuer rejects a key proof whose iat is too old [attack:P16]", "[openid4vci_proof][attack:P16]") {
  auto old = claims();
  old.iat = kNow - 301;
  CHECK(rejection(sign(old)) == ErrorCode::proof_iat_too_old);
  old.iat = kNow - 300;
  CHECK(veil::verify_openid4vci_proof(sign(old), policy(), FixedClock(kNow)));
  auto strict = policy();
  strict.max_age_seconds = 30;
  old.iat = kNow - 31;
  CHECK(rejection(sign(old), strict) == ErrorCode::proof_iat_too_old);
}

TEST_CASE("issuer rejects a key proof with a missing or non-numeric iat", "[openid4vci_proof]") {
  Json payload = good_payload();
  payload["iat"] = "1760000000";
  CHECK(rejection(sign_raw(good_header(), payload)) == ErrorCode::invalid_proof_claims);
  payload.erase("iat");
  CHECK(rejection(sign_raw(good_header(), payload)) == ErrorCode::invalid_proof_claims);
}

TEST_CASE("issuer rejects an expired key proof", "[openid4vci_proof]") {
  Json payload = good_payload();
  payload["exp"] = kNow - 120;
  CHECK(rejection(sign_raw(good_header(), payload)) == ErrorCode::token_expired);
}

TEST_CASE("issuer rejects a key proof with a bad signature [attack:P16]", "[openid4vci_proof][attack:P16]") {
  const std::string proof = sign(claims());
  const auto dot = proof.rfind('.');
  // A signature by another key over the same input.
  const Holder other = make_holder(JwsAlg::ES256);
  auto signature = other.signer->sign(veil_test::bytes_of(std::string_view(proof).substr(0, dot)));
  REQUIRE(signature);
  CHECK(rejection(proof.substr(0, dot + 1) + veil::base64url_encode(*signature)) == ErrorCode::invalid_signature);
  // The payload swapped after signing (another nonce).
  Json payload = good_payload();
  payload["nonce"] = "c-nonce-2";
  const auto first_dot = proof.find('.');
  const std::string tampered =
      proof.substr(0, first_dot + 1) + veil::base64url_encode(payload.dump()) + proof.substr(dot);
  CHECK(rejection(tampered) == ErrorCode::invalid_signature);
}

TEST_CASE("issuer rejects a key proof whose alg is not its jwk's algorithm", "[openid4vci_proof]") {
  const Holder eddsa = make_holder(JwsAlg::EdDSA);
  Json header = good_header(eddsa);
  header["alg"] = "ES256";
  CHECK(rejection(sign_raw(header, good_payload())) == ErrorCode::alg_not_allowed);
}

TEST_CASE("issuer rejects a key proof without a nonce, mapped to invalid_proof (VCI 1.0 §8.3.1.2 case 3)",
          "[openid4vci_proof]") {
  auto no_nonce = claims();
  no_nonce.nonce.reset();
  CHECK(rejection(sign(no_nonce)) == ErrorCode::missing_proof_nonce);
  CHECK(veil::openid4vci_proof_error_name(ErrorCode::missing_proof_nonce) == "invalid_proof");
  auto optional_nonce = policy();
  optional_nonce.require_nonce = false;
  auto verified = veil::verify_openid4vci_proof(sign(no_nonce), optional_nonce, FixedClock(kNow));
  REQUIRE(verified);
  CHECK_FALSE(verified->nonce);
  Json payload = good_payload();
  payload["nonce"] = 42;
  CHECK(rejection(sign_raw(good_header(), payload)) == ErrorCode::invalid_proof_claims);
}

TEST_CASE("every other key proof rejection is the VCI error invalid_proof", "[openid4vci_proof]") {
  for (ErrorCode code : {ErrorCode::invalid_proof_typ, ErrorCode::invalid_proof_key, ErrorCode::invalid_proof_claims,
                         ErrorCode::proof_aud_mismatch, ErrorCode::proof_iat_too_old, ErrorCode::proof_iat_in_future,
                         ErrorCode::alg_not_allowed, ErrorCode::invalid_signature, ErrorCode::malformed_jws}) {
    CHECK(veil::openid4vci_proof_error_name(code) == "invalid_proof");
  }
}

TEST_CASE("issuer rejects a key proof that is not a compact JWS", "[openid4vci_proof]") {
  CHECK(rejection("not-a-jwt") == ErrorCode::malformed_jws);
  CHECK(rejection("") == ErrorCode::malformed_jws);
}
