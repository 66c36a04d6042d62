// ATTACKS.md K rows: hostile KB-JWTs against RFC 9901 §4.3 and §7.3. Each test asserts the specific ErrorCode.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "core/test_keys.h"
#include "core/verifier_fixtures.h"
#include "veil/base64url.h"
#include "veil/hash.h"

using namespace veil_test;
using veil::ErrorCode;
using veil::Json;

namespace {

const veil::Disclosure& given() {
  static const veil::Disclosure disclosure = property("given_name", "John", "salt-given-0000000000A");
  return disclosure;
}
const veil::Disclosure& family() {
  static const veil::Disclosure disclosure = property("family_name", "Doe", "salt-family-000000000A");
  return disclosure;
}

// credential_with_cnf is an SD-JWT VC revealing given_name with |cnf| (none when null), without KB-JWT yet.
veil::SdJwt credential_with_cnf(const Json& cnf) {
  Json payload = base_claims();
  payload["_sd"] = {digest(given()), digest(family())};
  if (cnf.is_null()) {
    payload.erase("cnf");
  } else {
    payload["cnf"] = cnf;
  }
  return make_sd_jwt(payload, {given()});
}

// presentation is the holder-bound sample, signed once: ECDSA signatures differ per signing, and each KB-JWT
// below must hash the same issuer JWT it is attached to.
const veil::SdJwt& presentation() {
  static const veil::SdJwt sample = credential_with_cnf({{"jwk", holder_public_jwk_json()}});
  return sample;
}

std::optional<ErrorCode> code_with_kb(const Json& header, const Json& payload,
                                      const veil::Signer& signer = holder_signer()) {
  const auto result = verify(presentation().with_key_binding(sign_kb(header, payload, signer)));
  UNSCOPED_INFO("result: " << (result ? "ok" : result.error().message));
  return error_code(result);
}

const Json kKbHeader = {{"typ", "kb+jwt"}};

// raw_jwt writes a compact JWS from literal parts, for algorithms no Signer produces.
std::string raw_jwt(const Json& header, const Json& payload, const std::string& signature) {
  return veil::base64url_encode(header.dump()) + "." + veil::base64url_encode(payload.dump()) + "." + signature;
}

}  // namespace

TEST_CASE("verifier accepts a correct KB-JWT and reports its claims", "[key_binding]") {
  const auto verified = verify(with_kb(presentation()));
  REQUIRE(verified);
  REQUIRE(verified->key_binding());
  CHECK(verified->key_binding()->aud == kTestAud);
  CHECK(verified->key_binding()->nonce == kTestNonce);
  CHECK(verified->key_binding()->iat == kNow);
  REQUIRE(verified->holder_key());
  CHECK(verified->holder_key()->to_json() == holder_public_jwk_json());
}

TEST_CASE("verifier rejects a presentation whose KB-JWT was stripped [attack:K1]", "[key_binding][attack:K1]") {
  CHECK(error_code(verify(presentation())) == ErrorCode::missing_key_binding);
  CHECK(error_code(verify(with_kb(presentation()).without_key_binding())) == ErrorCode::missing_key_binding);
}

TEST_CASE("verifier rejects a KB-JWT not signed by the cnf key [attack:K2]", "[key_binding][attack:K2]") {
  const Json payload = kb_payload(presentation());
  CHECK(code_with_kb(kKbHeader, payload, other_signer()) == ErrorCode::invalid_kb_signature);
  CHECK(code_with_kb(kKbHeader, payload, issuer_signer()) == ErrorCode::invalid_kb_signature);

  // An Ed25519 key of the attacker's: its alg does not even match the P-256 cnf key.
  auto ed_key = veil::PrivateJwk::generate(veil::JwsAlg::EdDSA);
  REQUIRE(ed_key);
  auto ed_signer = veil::make_signer(*ed_key);
  REQUIRE(ed_signer);
  CHECK(code_with_kb(kKbHeader, payload, **ed_signer) == ErrorCode::invalid_kb_signature);

  // The signature of a genuine KB-JWT moved onto another payload.
  const std::string genuine = sign_kb(kKbHeader, payload);
  Json other_payload = payload;
  other_payload["nonce"] = "other";
  const std::string forged = genuine.substr(0, genuine.find('.')) + "." +
                             veil::base64url_encode(other_payload.dump()) + genuine.substr(genuine.rfind('.'));
  CHECK(error_code(verify(presentation().with_key_binding(forged))) == ErrorCode::invalid_kb_signature);
}

TEST_CASE("verifier rejects a KB-JWT whose sd_hash covers other disclosures [attack:K3]", "[key_binding][attack:K3]") {
  const veil::SdJwt bound = with_kb(presentation());
  SECTION("a disclosure added after signing") {
    const veil::SdJwt widened = bound.with_disclosures({given(), family()});
    REQUIRE(widened.kb_jwt() == bound.kb_jwt());
    CHECK(error_code(verify(widened)) == ErrorCode::sd_hash_mismatch);
  }
  SECTION("a disclosure removed after signing") {
    const veil::SdJwt narrowed = bound.with_disclosures({});
    REQUIRE(narrowed.kb_jwt() == bound.kb_jwt());
    CHECK(error_code(verify(narrowed)) == ErrorCode::sd_hash_mismatch);
  }
  SECTION("sd_hash over the SD-JWT with the KB-JWT's own separator missing") {
    Json payload = kb_payload(presentation());
    std::string input = presentation().sd_hash_input();
    input.pop_back();
    payload["sd_hash"] = veil::hash_base64url(veil::HashAlg::sha_256, input);
    CHECK(code_with_kb(kKbHeader, payload) == ErrorCode::sd_hash_mismatch);
  }
  SECTION("sd_hash missing") {
    Json payload = kb_payload(presentation());
    payload.erase("sd_hash");
    CHECK(code_with_kb(kKbHeader, payload) == ErrorCode::invalid_kb_jwt);
  }
}

TEST_CASE("verifier rejects a KB-JWT with another nonce [attack:K4]", "[key_binding][attack:K4]") {
  // Single use of a nonce (a nonce from a completed transaction) is the verifier service's job: it issues a
  // fresh nonce per transaction and consumes it. At the core, a reused nonce is simply not the expected one.
  Json payload = kb_payload(presentation());
  payload["nonce"] = "nonce-of-an-earlier-transaction";
  CHECK(code_with_kb(kKbHeader, payload) == ErrorCode::nonce_mismatch);
  payload["nonce"] = std::string(kTestNonce) + " ";
  CHECK(code_with_kb(kKbHeader, payload) == ErrorCode::nonce_mismatch);
}

TEST_CASE("verifier rejects a KB-JWT for another audience [attack:K5]", "[key_binding][attack:K5]") {
  veil::VerificationPolicy policy = vc_policy();
  policy.expected_aud = "x509_san_dns:verifier.example.org";
  Json payload = kb_payload(presentation());
  payload["aud"] = "verifier.example.org";  // the client_id without its prefix
  CHECK(error_code(verify(presentation().with_key_binding(sign_kb(kKbHeader, payload)), policy)) ==
        ErrorCode::aud_mismatch);
  payload["aud"] = "https://other-verifier.example";
  CHECK(code_with_kb(kKbHeader, payload) == ErrorCode::aud_mismatch);
}

TEST_CASE("verifier rejects a KB-JWT issued too long ago or in the future [attack:K6]", "[key_binding][attack:K6]") {
  const veil::VerificationPolicy policy = vc_policy();  // kb_max_age 300 s, skew 60 s
  Json payload = kb_payload(presentation());
  const std::int64_t oldest = kNow - policy.kb_max_age_seconds - policy.max_clock_skew_seconds;
  payload["iat"] = oldest;
  CHECK(code_with_kb(kKbHeader, payload) == std::nullopt);
  payload["iat"] = oldest - 1;
  CHECK(code_with_kb(kKbHeader, payload) == ErrorCode::kb_iat_too_old);
  payload["iat"] = kNow + policy.max_clock_skew_seconds;
  CHECK(code_with_kb(kKbHeader, payload) == std::nullopt);
  payload["iat"] = kNow + policy.max_clock_skew_seconds + 1;
  CHECK(code_with_kb(kKbHeader, payload) == ErrorCode::kb_iat_in_future);
  payload["iat"] = std::to_string(kNow);
  CHECK(code_with_kb(kKbHeader, payload) == ErrorCode::invalid_kb_jwt);
  payload["iat"] = kNow;
  payload["exp"] = kNow - 3600;  // "a valid JWT in all other respects" (§7.3)
  CHECK(code_with_kb(kKbHeader, payload) == ErrorCode::token_expired);
}

TEST_CASE("verifier rejects a KB-JWT whose typ is not kb+jwt [attack:K7]", "[key_binding][attack:K7]") {
  const Json payload = kb_payload(presentation());
  CHECK(code_with_kb({{"typ", "JWT"}}, payload) == ErrorCode::invalid_kb_typ);
  CHECK(code_with_kb({{"typ", "KB+JWT"}}, payload) == ErrorCode::invalid_kb_typ);
  CHECK(code_with_kb(Json::object(), payload) == ErrorCode::invalid_kb_typ);
}

TEST_CASE("verifier rejects alg none and HMAC KB-JWTs and unusable cnf keys [attack:K8]", "[key_binding][attack:K8]") {
  const Json payload = kb_payload(presentation());
  SECTION("alg none") {
    const std::string none = raw_jwt({{"alg", "none"}, {"typ", "kb+jwt"}}, payload, "");
    // An empty signature part is not a JWS at all.
    CHECK(error_code(verify(presentation().with_key_binding(none))) == ErrorCode::malformed_jws);
    const std::string none_with_signature = raw_jwt({{"alg", "none"}, {"typ", "kb+jwt"}}, payload, "AA");
    CHECK(error_code(verify(presentation().with_key_binding(none_with_signature))) == ErrorCode::alg_not_allowed);
  }
  SECTION("HS256 keyed with the holder's public key") {
    const std::string hmac = raw_jwt({{"alg", "HS256"}, {"typ", "kb+jwt"}}, payload,
                                     veil::base64url_encode(std::string(32, '\x01')));
    CHECK(error_code(verify(presentation().with_key_binding(hmac))) == ErrorCode::alg_not_allowed);
  }
  SECTION("cnf holds an RSA or a symmetric key") {
    const Json rsa = {{"jwk", {{"kty", "RSA"}, {"n", "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"}, {"e", "AQAB"}}}};
    const Json oct = {{"jwk", {{"kty", "oct"}, {"k", "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"}}}};
    for (const Json& cnf : {rsa, oct}) {
      const veil::SdJwt unusable = credential_with_cnf(cnf);
      CHECK(error_code(verify(unusable.with_key_binding(sign_kb(kKbHeader, kb_payload(unusable))))) ==
            ErrorCode::unsupported_key);
    }
  }
}

TEST_CASE("verifier rejects a KB-JWT when the credential names no holder key [attack:K9]", "[key_binding][attack:K9]") {
  const veil::SdJwt unbound = credential_with_cnf(Json());
  CHECK(error_code(verify(unbound.with_key_binding(sign_kb(kKbHeader, kb_payload(unbound))))) ==
        ErrorCode::missing_cnf);
  // The same without key binding required: a KB-JWT that is present is still checked.
  CHECK(error_code(verify(unbound.with_key_binding(sign_kb(kKbHeader, kb_payload(unbound))),
                          vc_policy_without_kb())) == ErrorCode::missing_cnf);
  // cnf without jwk, and a malformed jwk.
  for (const Json& cnf : {Json{{"kid", "holder-key"}}, Json{{"jwk", {{"kty", "EC"}, {"crv", "P-256"}, {"x", "AA"}}}}}) {
    const veil::SdJwt odd = credential_with_cnf(cnf);
    CHECK(error_code(verify(odd.with_key_binding(sign_kb(kKbHeader, kb_payload(odd))))) == ErrorCode::missing_cnf);
  }
}

TEST_CASE("a replayed presentation fails once the verifier asks with a new nonce [attack:K10]",
          "[key_binding][attack:K10]") {
  // The core is stateless: the same presentation verifies every time against the same policy. Replay protection
  // is the verifier service's (one fresh nonce per transaction, consumed on success). Here: the next
  // transaction's nonce no longer matches.
  const veil::SdJwt replayed = with_kb(presentation());
  REQUIRE(verify(replayed));
  veil::VerificationPolicy next_transaction = vc_policy();
  next_transaction.expected_nonce = "nonce-of-the-next-transaction";
  CHECK(error_code(verify(replayed, next_transaction)) == ErrorCode::nonce_mismatch);
}
