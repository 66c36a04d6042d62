// Conformance: every RFC 9901 example presentation verifies to the processed payload the reference
// implementation computed (../shared/vectors/sd-jwt/rfc9901-examples).
#include <filesystem>

#include <catch2/catch.hpp>

#include "core/test_keys.h"
#include "core/verifier_fixtures.h"

using namespace veil_test;

namespace {

constexpr char kRfcExamples[] = "sd-jwt/rfc9901-examples";
// KB-JWT iat of the presentations printed in the RFC text (README).
constexpr std::int64_t kRfcTextKbIat = 1748537243;

std::int64_t generated_kb_iat(const std::string& case_dir) {
  return read_vector_json(case_dir + "/generated/kb_jwt_payload.json").at("iat").get<std::int64_t>();
}

}  // namespace

TEST_CASE("every RFC 9901 generated presentation verifies to its verified_contents", "[sd_jwt][vectors]") {
  for (const std::string& case_dir : vector_case_dirs(kRfcExamples)) {
    SECTION(case_dir) {
      const veil::VerificationPolicy policy = generated_policy(case_dir, kRfcAud);
      // The generated KB-JWTs carry their generation time; without one any time inside exp will do.
      const veil::FixedClock clock(policy.require_key_binding ? generated_kb_iat(case_dir) : 1795549650);
      const veil::SdJwtVerifier verifier(policy, rfc_key_trust(), clock);
      const auto verified = verifier.verify(read_generated_presentation(case_dir));
      INFO(case_dir << ": " << (verified ? "ok" : verified.error().message));
      REQUIRE(verified);
      CHECK(verified->claims() == read_vector_json(case_dir + "/generated/verified_contents.json"));
      CHECK(verified->key_binding().has_value() == policy.require_key_binding);
    }
  }
}

TEST_CASE("every presentation printed in the RFC 9901 text verifies", "[sd_jwt][vectors]") {
  int presentations = 0;
  for (const std::string& case_dir : vector_case_dirs(kRfcExamples)) {
    const std::string text_file = case_dir + "/rfc9901-text.json";
    if (!std::filesystem::exists(vectors_dir() + "/" + text_file)) continue;
    const veil::Json text = read_vector_json(text_file);
    REQUIRE(text.at("kb_expected").at("aud") == kRfcAud);
    REQUIRE(text.at("kb_expected").at("nonce") == kVectorNonce);
    for (const veil::Json& presentation : text.at("presentation")) {
      ++presentations;
      veil::VerificationPolicy policy = generated_policy(case_dir, kRfcAud);
      policy.require_key_binding = presentation.contains("kb_jwt_header");
      const veil::FixedClock clock(kRfcTextKbIat);
      const veil::SdJwtVerifier verifier(policy, rfc_key_trust(), clock);
      const auto verified = verifier.verify(presentation.at("serialized").get<std::string>());
      INFO(case_dir << ": " << (verified ? "ok" : verified.error().message));
      REQUIRE(verified);
      CHECK(verified->claims() == read_vector_json(case_dir + "/generated/verified_contents.json"));
      CHECK(verified->disclosed().size() == presentation.at("disclosure_count").get<std::size_t>());
      if (policy.require_key_binding) {
        REQUIRE(verified->key_binding());
        CHECK(verified->key_binding()->iat == kRfcTextKbIat);
        CHECK(verified->key_binding()->sd_hash == presentation.at("kb_jwt_payload").at("sd_hash"));
      }
    }
  }
  CHECK(presentations == 5);
}

TEST_CASE("RFC 9901 examples survive issue, present and verify with our own issuer and holder", "[sd_jwt][vectors]") {
  // holder_disclosed_claims is read as sd-jwt-python's holder reads it (claim_selections_from_holder_disclosed):
  // complex_eidas and complex_eidas_proposal reveal containers while withholding the disclosable claims inside
  // them, and w3c-vc_for_slide_deck names credentialSubject, which its user_claims lack and the holder ignores.
  std::size_t round_trips = 0;
  for (const std::string& case_dir : vector_case_dirs(kRfcExamples)) {
    INFO(case_dir);
    const auto verified = round_trip({case_dir, kRfcIss, kRfcAud});
    INFO((verified ? "ok" : verified.error().message));
    REQUIRE(verified);
    CHECK(verified->claims() == read_vector_json(case_dir + "/generated/verified_contents.json"));
    ++round_trips;
  }
  // With the 17 sd-jwt-python cases, the 32 case.json files of the conformance vectors: none skipped.
  CHECK(round_trips == 15);
}
