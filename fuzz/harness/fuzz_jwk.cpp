// fuzz_jwk: JSON Web Keys (RFC 7517, P-256 and Ed25519) as they arrive in cnf.jwk, proof headers, issuer JWKS and
// trust files: the public and private parsers, thumbprints, verifier construction and a trust list.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.h"
#include "veil/issuer_keys.h"
#include "veil/jwk.h"
#include "veil/signature_verifier.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto json = veil::parse_json(veil_fuzz::text(data, size));
  if (!json) return 0;
  auto key = veil::Jwk::parse(*json);
  if (key) {
    // A parsed key writes back to JSON that parses to the same key, with the same thumbprint.
    auto again = veil::Jwk::parse(key->to_json());
    veil_fuzz::invariant(again.has_value() && *again == *key && again->thumbprint() == key->thumbprint());
    veil_fuzz::invariant(veil::make_verifier(*key).has_value());
  }
  auto private_key = veil::PrivateJwk::parse(*json);
  if (private_key) {
    veil_fuzz::invariant(key.has_value() && private_key->public_key() == *key);
    (void)private_key->to_json();
  }
  // The same document as a JWKS inside a trust file.
  auto trust = veil::TrustList::parse(veil::Json{
      {"issuers", veil::Json::array({{{"iss", veil_fuzz::kIss}, {"jwks", {{"keys", veil::Json::array({*json})}}}}})}});
  if (trust) (void)trust->candidates(veil_fuzz::kIss, std::nullopt);
  (void)veil::TrustList::parse(*json);
  return 0;
}
