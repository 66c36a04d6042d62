// fuzz_sd_jwt_compact: a compact SD-JWT / SD-JWT+KB as a verifier receives it (RFC 9901 §4): the parser, its
// disclosures and the whole SdJwtVerifier path with a fixed trusted key and clock.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.h"
#include "veil/sd_jwt.h"
#include "veil/sd_jwt_verifier.h"

namespace {

const veil::SdJwtVerifier& verifier(bool sd_jwt_vc) {
  auto make = [](bool vc) {
    veil::VerificationPolicy policy;
    policy.require_key_binding = false;  // a KB-JWT that is present is still checked fully
    policy.expected_aud = veil_fuzz::kAud;
    policy.expected_nonce = veil_fuzz::kNonce;
    policy.sd_jwt_vc = vc;
    return veil::SdJwtVerifier(policy, veil_fuzz::trust(), veil_fuzz::clock());
  };
  static const veil::SdJwtVerifier vc = make(true);
  static const veil::SdJwtVerifier plain = make(false);
  return sd_jwt_vc ? vc : plain;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input = veil_fuzz::text(data, size);
  auto parsed = veil::SdJwt::parse_compact(input);
  if (parsed) {
    // What parses serializes back to something that parses to the same parts.
    auto again = veil::SdJwt::parse_compact(parsed->serialize_compact());
    veil_fuzz::invariant(again.has_value());
    veil_fuzz::invariant(again->issuer_jwt() == parsed->issuer_jwt() && again->kb_jwt() == parsed->kb_jwt() &&
                         again->disclosures().size() == parsed->disclosures().size());
    for (const auto& disclosure : parsed->disclosures()) (void)disclosure.digest(veil::HashAlg::sha_256);
    (void)parsed->sd_hash_input();
    (void)parsed->serialize_json();
    (void)verifier(true).verify(*parsed);
  }
  (void)verifier(false).verify(input);
  return 0;
}
