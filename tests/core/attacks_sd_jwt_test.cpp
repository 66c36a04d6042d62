// ATTACKS.md S rows: hostile SD-JWTs against RFC 9901 §4 and §7.1. Each test asserts the specific ErrorCode.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "core/test_keys.h"
#include "core/verifier_fixtures.h"
#include "veil/base64url.h"
#include "veil/hash.h"
#include "veil/presentation.h"

using namespace veil_test;
using veil::ErrorCode;
using veil::Json;

namespace {

// Sample is a small SD-JWT VC: given_name and family_name disclosable, nationalities ["US" (disclosable), "DE"].
struct Sample {
  veil::Disclosure given = property("given_name", "John", "salt-given-0000000000A");
  veil::Disclosure family = property("family_name", "Doe", "salt-family-000000000A");
  veil::Disclosure us = element("US", "salt-us-0000000000000A");

  Json payload() const {
    Json claims = base_claims();
    claims["_sd"] = {digest(given), digest(family)};
    claims["_sd_alg"] = "sha-256";
    claims["nationalities"] = {{{"...", digest(us)}}, "DE"};
    return claims;
  }
};

std::optional<ErrorCode> verify_code(const veil::SdJwt& presentation,
                                     const veil::VerificationPolicy& policy = vc_policy_without_kb()) {
  const auto result = verify(presentation, policy);
  UNSCOPED_INFO("result: " << (result ? "ok" : result.error().message));
  return error_code(result);
}

std::optional<ErrorCode> verify_text_code(const std::string& presentation) {
  const auto result = verify_text(presentation, vc_policy_without_kb());
  UNSCOPED_INFO("result: " << (result ? "ok" : result.error().message));
  return error_code(result);
}

std::string encoded_disclosure(const std::string& json_text) { return veil::base64url_encode(json_text); }

}  // namespace

TEST_CASE("verifier accepts the untouched sample SD-JWT", "[sd_jwt][attack]") {
  const Sample sample;
  const auto verified = verify(make_sd_jwt(sample.payload(), {sample.given, sample.family, sample.us}),
                               vc_policy_without_kb());
  REQUIRE(verified);
  CHECK(verified->claims().at("given_name") == "John");
  CHECK(verified->claims().at("nationalities") == Json({"US", "DE"}));
}

TEST_CASE("verifier rejects a disclosure whose value was altered [attack:S1]", "[sd_jwt][attack:S1]") {
  const Sample sample;
  // Same salt and name, another value: a different encoded string, so no digest in the payload matches it.
  const auto forged = property("given_name", "Mallory", "salt-given-0000000000A");
  CHECK(verify_code(make_sd_jwt(sample.payload(), {forged})) == ErrorCode::unreferenced_disclosure);

  // The same JSON re-encoded with other whitespace is another Disclosure too (§4.2.3: digest over the string).
  auto respaced = veil::Disclosure::parse(encoded_disclosure(R"(["salt-given-0000000000A",  "given_name", "John"])"));
  REQUIRE(respaced);
  CHECK(verify_code(make_sd_jwt(sample.payload(), {*respaced})) == ErrorCode::unreferenced_disclosure);
}

TEST_CASE("verifier rejects an injected disclosure [attack:S2]", "[sd_jwt][attack:S2]") {
  const Sample sample;
  const auto injected = property("is_admin", true, "salt-admin-0000000000A");
  CHECK(verify_code(make_sd_jwt(sample.payload(), {sample.given, injected})) == ErrorCode::unreferenced_disclosure);
  const auto injected_element = element("FR", "salt-fr-0000000000000A");
  CHECK(verify_code(make_sd_jwt(sample.payload(), {injected_element})) == ErrorCode::unreferenced_disclosure);
}

TEST_CASE("verifier rejects the same disclosure presented twice [attack:S3]", "[sd_jwt][attack:S3]") {
  const Sample sample;
  CHECK(verify_code(make_sd_jwt(sample.payload(), {sample.given, sample.family, sample.given})) ==
        ErrorCode::duplicate_disclosure);
  CHECK(verify_code(make_sd_jwt(sample.payload(), {sample.us, sample.us})) == ErrorCode::duplicate_disclosure);
}

TEST_CASE("verifier rejects a digest that occurs twice [attack:S4]", "[sd_jwt][attack:S4]") {
  const Sample sample;
  SECTION("twice in one _sd array") {
    Json payload = sample.payload();
    payload["_sd"] = {digest(sample.given), digest(sample.given)};
    CHECK(verify_code(make_sd_jwt(payload, {sample.given})) == ErrorCode::duplicate_digest);
  }
  SECTION("in two _sd arrays at different levels") {
    Json payload = sample.payload();
    payload["address"] = {{"_sd", {digest(sample.family)}}};
    CHECK(verify_code(make_sd_jwt(payload, {sample.family})) == ErrorCode::duplicate_digest);
  }
  SECTION("in _sd and in an array element, even as a decoy") {
    const std::string decoy = veil::hash_base64url(veil::HashAlg::sha_256, "decoy");
    Json payload = sample.payload();
    payload["_sd"].push_back(decoy);
    payload["nationalities"].push_back({{"...", decoy}});
    CHECK(verify_code(make_sd_jwt(payload, {})) == ErrorCode::duplicate_digest);
  }
  SECTION("in the payload and again inside a disclosed value") {
    const auto street = property("street", "Main St", "salt-street-000000000A");
    const auto address = property("address", {{"_sd", {digest(street)}}}, "salt-address-00000000A");
    Json payload = sample.payload();
    payload["_sd"] = {digest(address), digest(street)};
    CHECK(verify_code(make_sd_jwt(payload, {address, street})) == ErrorCode::duplicate_digest);
  }
}

TEST_CASE("verifier rejects a disclosure named _sd or ... [attack:S5]", "[sd_jwt][attack:S5]") {
  const Sample sample;
  const std::string jwt = make_sd_jwt(sample.payload()).issuer_jwt();
  for (const char* name : {"_sd", "..."}) {
    const std::string disclosure = encoded_disclosure(std::string(R"(["salt-reserved-0000000A", ")") + name + R"(", 1])");
    CHECK(verify_text_code(jwt + "~" + disclosure + "~") == ErrorCode::forbidden_claim_name);
    CHECK(!veil::Disclosure::for_property("salt-reserved-0000000A", name, 1));
  }
}

TEST_CASE("verifier rejects a disclosed claim whose name already exists [attack:S6]", "[sd_jwt][attack:S6]") {
  const Sample sample;
  SECTION("a plain claim of the same name") {
    Json payload = sample.payload();
    payload["given_name"] = "Alice";
    CHECK(verify_code(make_sd_jwt(payload, {sample.given})) == ErrorCode::claim_name_conflict);
  }
  SECTION("two disclosures of the same name at one level") {
    const auto second = property("given_name", "Eve", "salt-given-1111111111A");
    Json payload = sample.payload();
    payload["_sd"].push_back(digest(second));
    CHECK(verify_code(make_sd_jwt(payload, {sample.given, second})) == ErrorCode::claim_name_conflict);
  }
  SECTION("a disclosure that would overwrite iss") {
    const auto iss = property("iss", "https://evil.example", "salt-iss-000000000000A");
    Json payload = sample.payload();
    payload["_sd"].push_back(digest(iss));
    CHECK(verify_code(make_sd_jwt(payload, {iss}), plain_policy()) == ErrorCode::claim_name_conflict);
  }
}

TEST_CASE("verifier rejects a disclosure of the wrong kind for its digest [attack:S7]", "[sd_jwt][attack:S7]") {
  const Sample sample;
  SECTION("an array-element disclosure referenced from _sd") {
    Json payload = sample.payload();
    payload["nationalities"] = {"DE"};
    payload["_sd"].push_back(digest(sample.us));
    CHECK(verify_code(make_sd_jwt(payload, {sample.us})) == ErrorCode::disclosure_kind_mismatch);
  }
  SECTION("an object-property disclosure referenced from an array") {
    Json payload = sample.payload();
    payload["_sd"] = Json::array();
    payload["nationalities"].push_back({{"...", digest(sample.given)}});
    CHECK(verify_code(make_sd_jwt(payload, {sample.given})) == ErrorCode::disclosure_kind_mismatch);
  }
}

TEST_CASE("verifier rejects malformed disclosures [attack:S8]", "[sd_jwt][attack:S8]") {
  const Sample sample;
  const std::string jwt = make_sd_jwt(sample.payload()).issuer_jwt();
  const std::vector<std::string> malformed = {
      "not+base64url/",                                         // not base64url
      encoded_disclosure("not json"),                           // not JSON
      encoded_disclosure(R"({"salt": "x", "name": "y"})"),      // not an array
      encoded_disclosure(R"(["only-salt"])"),                   // too short
      encoded_disclosure(R"(["s", "a", "b", "c"])"),            // too long
      encoded_disclosure(R"([42, "given_name", "John"])"),      // salt not a string
      encoded_disclosure(R"(["salt-000000000000000A", 7, 1])"), // name not a string
  };
  for (const std::string& disclosure : malformed) {
    INFO(disclosure);
    CHECK(verify_text_code(jwt + "~" + disclosure + "~") == ErrorCode::invalid_disclosure);
  }
}

TEST_CASE("verifier rejects an unknown, truncated or non-string _sd_alg [attack:S9]", "[sd_jwt][attack:S9]") {
  const Sample sample;
  for (const Json& alg : {Json("md5"), Json("sha-256-32"), Json("SHA-256"), Json(256), Json(nullptr)}) {
    INFO(alg.dump());
    Json payload = sample.payload();
    payload["_sd_alg"] = alg;
    CHECK(verify_code(make_sd_jwt(payload, {sample.given})) == ErrorCode::unsupported_sd_alg);
  }
}

TEST_CASE("verifier rejects malformed digest containers [attack:S10]", "[sd_jwt][attack:S10]") {
  // Decision (see disclosure_processing.cpp): RFC 9901 §7.1 step 3.2 recognises only "_sd" arrays of strings and
  // array elements of exactly {"...": "<digest>"}. Anything else in those places is rejected as
  // invalid_sd_digests instead of being passed on as ordinary claim data.
  const Sample sample;
  SECTION("_sd is not an array") {
    Json payload = sample.payload();
    payload["_sd"] = digest(sample.given);
    CHECK(verify_code(make_sd_jwt(payload, {})) == ErrorCode::invalid_sd_digests);
  }
  SECTION("_sd holds a non-string") {
    Json payload = sample.payload();
    payload["_sd"] = {digest(sample.given), 42};
    CHECK(verify_code(make_sd_jwt(payload, {sample.given})) == ErrorCode::invalid_sd_digests);
  }
  SECTION("an array element digest object with an extra member") {
    Json payload = sample.payload();
    payload["nationalities"] = {{{"...", digest(sample.us)}, {"x", 1}}};
    CHECK(verify_code(make_sd_jwt(payload, {sample.us})) == ErrorCode::invalid_sd_digests);
    CHECK(verify_code(make_sd_jwt(payload, {})) == ErrorCode::invalid_sd_digests);
  }
  SECTION("an array element digest that is not a string") {
    Json payload = sample.payload();
    payload["nationalities"] = {{{"...", 5}}};
    CHECK(verify_code(make_sd_jwt(payload, {})) == ErrorCode::invalid_sd_digests);
  }
}

TEST_CASE("verifier bounds nesting, disclosure count and size [attack:S11]", "[sd_jwt][attack:S11]") {
  const Sample sample;
  SECTION("a chain of 40 recursive disclosures is deeper than the 32-level bound") {
    // A true cycle cannot be built (a disclosure would have to contain its own digest); a long chain is the
    // nearest thing and is cut by the depth bound.
    std::vector<veil::Disclosure> chain;
    Json inner = "leaf";
    for (int i = 0; i < 40; ++i) {
      std::string salt = "salt-chain-" + std::to_string(i);
      salt.resize(22, 'A');
      chain.push_back(property("level", inner, salt));
      inner = {{"_sd", {digest(chain.back())}}};
    }
    Json payload = sample.payload();
    payload["_sd"] = {digest(chain.back())};
    CHECK(verify_code(make_sd_jwt(payload, chain)) == ErrorCode::nesting_too_deep);
  }
  SECTION("a disclosure nested 1000 levels deep") {
    const std::string deep = std::string(1000, '[') + std::string(1000, ']');
    const std::string jwt = make_sd_jwt(sample.payload()).issuer_jwt();
    const std::string disclosure = encoded_disclosure(R"(["salt-deep-00000000000A", "deep", )" + deep + "]");
    CHECK(verify_text_code(jwt + "~" + disclosure + "~") == ErrorCode::nesting_too_deep);
  }
  SECTION("100 000 disclosures") {
    const std::string jwt = make_sd_jwt(sample.payload()).issuer_jwt();
    const std::string one = sample.given.encoded();
    std::string text = jwt + "~";
    text.reserve(text.size() + 100000 * (one.size() + 1));
    for (int i = 0; i < 100000; ++i) text += one + "~";
    veil::VerificationPolicy policy = vc_policy_without_kb();
    policy.limits.max_bytes = 64 << 20;  // let the count limit, not the size limit, decide
    CHECK(error_code(verify_text(text, policy)) == ErrorCode::too_many_disclosures);
  }
  SECTION("a 10 MB disclosure") {
    const std::string jwt = make_sd_jwt(sample.payload()).issuer_jwt();
    const std::string big = encoded_disclosure(R"(["salt-big-000000000000A", "big", ")" +
                                               std::string(10 << 20, 'x') + "\"]");
    CHECK(verify_text_code(jwt + "~" + big + "~") == ErrorCode::input_too_large);
  }
}

TEST_CASE("verifier rejects digests computed over the decoded disclosure [attack:S12]", "[sd_jwt][attack:S12]") {
  const Sample sample;
  const auto decoded = veil::base64url_decode_to_string(sample.given.encoded());
  REQUIRE(decoded);
  Json payload = sample.payload();
  payload["_sd"] = {veil::hash_base64url(veil::HashAlg::sha_256, *decoded)};
  CHECK(verify_code(make_sd_jwt(payload, {sample.given})) == ErrorCode::unreferenced_disclosure);
}

TEST_CASE("verifier rejects an SD-JWT without its final tilde [attack:S13]", "[sd_jwt][attack:S13]") {
  const Sample sample;
  const std::string jwt = make_sd_jwt(sample.payload()).issuer_jwt();
  CHECK(verify_text_code(jwt + "~" + sample.given.encoded()) == ErrorCode::malformed_sd_jwt);
  CHECK(verify_text_code(jwt) == ErrorCode::malformed_sd_jwt);
}

TEST_CASE("holder refuses an issued SD-JWT that already carries a KB-JWT [attack:S14]", "[sd_jwt][attack:S14]") {
  // §7.2 is the holder's check; select_disclosures is where the holder receives and re-presents.
  const Sample sample;
  const auto issued = with_kb(make_sd_jwt(sample.payload(), {sample.given, sample.family, sample.us}));
  const std::vector<veil::ClaimPath> paths = {veil::ClaimPath({std::string("given_name")})};
  CHECK(error_code(veil::select_disclosures(issued, paths)) == ErrorCode::unexpected_key_binding);
}

TEST_CASE("verifier refuses security-critical claims delivered as disclosures [attack:S15]", "[sd_jwt][attack:S15]") {
  const Sample sample;
  SECTION("SD-JWT VC: exp, cnf or iss as a disclosure is forbidden") {
    for (const char* name : {"exp", "cnf", "iss"}) {
      INFO(name);
      Json payload = sample.payload();
      const auto disclosure = property(name, payload.at(name), "salt-critical-0000000A");
      payload.erase(name);
      payload["_sd"].push_back(digest(disclosure));
      CHECK(error_code(verify_with(make_sd_jwt(payload, {disclosure}), vc_policy_without_kb(), any_iss_trust())) ==
            ErrorCode::forbidden_selective_disclosure);
    }
  }
  SECTION("plain SD-JWT: a disclosed exp still counts") {
    Json payload = sample.payload();
    const auto exp = property("exp", kNow - 3600, "salt-exp-000000000000A");
    payload.erase("exp");
    payload["_sd"].push_back(digest(exp));
    CHECK(verify_code(make_sd_jwt(payload, {exp}), plain_policy()) == ErrorCode::token_expired);
  }
}

TEST_CASE("verifier ignores decoy digests [attack:S16]", "[sd_jwt][attack:S16]") {
  const Sample sample;
  Json payload = sample.payload();
  payload["_sd"].push_back(veil::hash_base64url(veil::HashAlg::sha_256, "decoy-1"));
  payload["nationalities"].push_back({{"...", veil::hash_base64url(veil::HashAlg::sha_256, "decoy-2")}});
  const auto verified = verify(make_sd_jwt(payload, {sample.given, sample.us}), vc_policy_without_kb());
  REQUIRE(verified);
  CHECK(verified->claims().at("nationalities") == Json({"US", "DE"}));
  CHECK(!verified->claims().contains("family_name"));
  CHECK(!verified->claims().contains("_sd"));
}
