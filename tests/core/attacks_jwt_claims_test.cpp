// ATTACKS.md J12, J13 and J16 at the SD-JWT level: header key hints, hostile kids, and time claims.
#include <string>

#include <catch2/catch.hpp>

#include "core/test_keys.h"
#include "core/verifier_fixtures.h"

using namespace veil_test;
using veil::ErrorCode;
using veil::Json;

namespace {

std::optional<ErrorCode> code_of(const veil::SdJwt& credential, const veil::VerificationPolicy& policy,
                                 const veil::IssuerKeyResolver& keys = test_trust_list()) {
  const auto result = verify_with(credential, policy, keys);
  UNSCOPED_INFO("result: " << (result ? "ok" : result.error().message));
  return error_code(result);
}

// kid_trust trusts the RFC issuer key for kTestIss under kid "issuer-key-1" only.
const veil::TrustList& kid_trust() {
  static const veil::TrustList list = [] {
    Json key = issuer_public_jwk_json();
    key["kid"] = "issuer-key-1";
    auto parsed = veil::TrustList::parse({{"issuers", {{{"iss", kTestIss}, {"jwks", {{"keys", {key}}}}}}}});
    REQUIRE(parsed);
    return std::move(*parsed);
  }();
  return list;
}

}  // namespace

TEST_CASE("verifier ignores jwk, x5c, jku and x5u in the issuer header [attack:J12]", "[sd_jwt][attack:J12]") {
  auto attacker = veil::PrivateJwk::generate(veil::JwsAlg::ES256);
  REQUIRE(attacker);
  auto attacker_signer = veil::make_signer(*attacker);
  REQUIRE(attacker_signer);
  const Json hints[] = {
      {{"jwk", attacker->public_key().to_json()}},
      {{"x5c", {"MIIBszCCAVmgAwIBAgIUAttackerSelfSignedCertificate"}}},
      {{"jku", "https://attacker.example/jwks.json"}},
      {{"x5u", "https://attacker.example/cert.pem"}},
  };
  for (const Json& hint : hints) {
    INFO(hint.dump());
    Json header = hint;
    header["typ"] = "dc+sd-jwt";
    const veil::SdJwt forged({sign_issuer_jwt(base_claims(), header, **attacker_signer)}, {});
    CHECK(code_of(forged, vc_policy_without_kb()) == ErrorCode::invalid_signature);
    // The genuine issuer's credential verifies with the trusted key whatever the header hints say.
    CHECK(code_of(make_sd_jwt(base_claims(), {}, header), vc_policy_without_kb()) == std::nullopt);
  }
}

TEST_CASE("verifier treats a hostile kid as an unknown key [attack:J13]", "[sd_jwt][attack:J13]") {
  const std::string kids[] = {"' OR 1=1 --", "../../../../etc/passwd", std::string(10 * 1024, 'k'), ""};
  for (const std::string& kid : kids) {
    INFO(kid.substr(0, 40));
    const veil::SdJwt credential = make_sd_jwt(base_claims(), {}, {{"typ", "dc+sd-jwt"}, {"kid", kid}});
    CHECK(code_of(credential, vc_policy_without_kb(), kid_trust()) == ErrorCode::unknown_key);
  }
  CHECK(code_of(make_sd_jwt(base_claims(), {}, {{"typ", "dc+sd-jwt"}, {"kid", "issuer-key-1"}}),
                vc_policy_without_kb(), kid_trust()) == std::nullopt);
}

TEST_CASE("verifier applies exp, nbf and iat with the configured skew [attack:J16]", "[sd_jwt][attack:J16]") {
  veil::VerificationPolicy strict = vc_policy_without_kb();
  strict.max_clock_skew_seconds = 0;
  const veil::VerificationPolicy lenient = vc_policy_without_kb();  // 60 s
  auto with = [](const char* name, Json value) {
    Json claims = base_claims();
    claims[name] = std::move(value);
    return make_sd_jwt(claims);
  };

  SECTION("exp") {
    CHECK(code_of(with("exp", kNow), strict) == ErrorCode::token_expired);  // dead at the instant exp names
    CHECK(code_of(with("exp", kNow + 1), strict) == std::nullopt);
    CHECK(code_of(with("exp", kNow - 60), lenient) == ErrorCode::token_expired);
    CHECK(code_of(with("exp", kNow - 59), lenient) == std::nullopt);
    CHECK(code_of(with("exp", kNow + 0.5), strict) == std::nullopt);
  }
  SECTION("nbf") {
    CHECK(code_of(with("nbf", kNow), strict) == std::nullopt);
    CHECK(code_of(with("nbf", kNow + 1), strict) == ErrorCode::token_not_yet_valid);
    CHECK(code_of(with("nbf", kNow + 60), lenient) == std::nullopt);
    CHECK(code_of(with("nbf", kNow + 61), lenient) == ErrorCode::token_not_yet_valid);
  }
  SECTION("iat") {
    CHECK(code_of(with("iat", kNow), strict) == std::nullopt);
    CHECK(code_of(with("iat", kNow + 1), strict) == ErrorCode::issued_in_future);
    CHECK(code_of(with("iat", kNow + 61), lenient) == ErrorCode::issued_in_future);
  }
  SECTION("non-numeric values") {
    for (const char* name : {"exp", "nbf", "iat"}) {
      for (const Json& value : {Json(std::to_string(kNow + 3600)), Json(true), Json(nullptr), Json::object()}) {
        INFO(name << " = " << value.dump());
        CHECK(code_of(with(name, value), lenient) == ErrorCode::invalid_time_claim);
      }
    }
  }
}
