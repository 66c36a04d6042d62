// fuzz_sd_jwt_json: the JWS JSON serialization of an SD-JWT (RFC 9901 §8, flattened and general) and the verifier
// behind it.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.h"
#include "veil/sd_jwt.h"
#include "veil/sd_jwt_verifier.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const veil::SdJwtVerifier verifier = [] {
    veil::VerificationPolicy policy;
    policy.require_key_binding = false;
    policy.expected_aud = veil_fuzz::kAud;
    policy.expected_nonce = veil_fuzz::kNonce;
    return veil::SdJwtVerifier(policy, veil_fuzz::trust(), veil_fuzz::clock());
  }();
  const std::string_view input = veil_fuzz::text(data, size);
  auto parsed = veil::SdJwt::parse_json(input);
  if (parsed) {
    // Both serializations of what parsed read back as the same parts.
    const veil::Json general = parsed->serialize_json(true);
    auto again = veil::SdJwt::parse_json(general.dump());
    veil_fuzz::invariant(again.has_value() && again->issuer_jwts() == parsed->issuer_jwts() &&
                         again->kb_jwt() == parsed->kb_jwt());
    auto compact = veil::SdJwt::parse_compact(parsed->serialize_compact());
    veil_fuzz::invariant(compact.has_value() && compact->issuer_jwt() == parsed->issuer_jwt());
    (void)parsed->serialize_json(false);
    (void)verifier.verify(*parsed);
  }
  (void)veil::SdJwt::parse(input);
  return 0;
}
