// fuzz_kb_jwt: the Key Binding JWT of a presentation (RFC 9901 §4.3, §7.3) behind a valid, fixed SD-JWT VC.
// Input with a newline is "KB header\nKB payload" (JSON texts kept byte for byte, "@SD_HASH@" replaced by the
// right sd_hash) signed with the holder key; input without one is appended as a raw compact KB-JWT.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.h"
#include "veil/disclosure.h"
#include "veil/hash.h"
#include "veil/sd_jwt_verifier.h"

namespace {

// credential is an SD-JWT VC for kIss with cnf.jwk = the holder key and one disclosed claim, ending in "~".
const std::string& credential() {
  static const std::string sd_jwt = [] {
    const veil::Disclosure given_name =
        veil_fuzz::must(veil::Disclosure::for_property("2GLC42sKQveCfGfryNRN9w", "given_name", "Erika"));
    const veil::Json payload = {{"iss", veil_fuzz::kIss},
                                {"vct", "https://credentials.example.com/identity_credential"},
                                {"iat", veil_fuzz::kNow - 3600},
                                {"exp", veil_fuzz::kNow + 3600},
                                {"cnf", {{"jwk", veil_fuzz::holder_key().public_key().to_json()}}},
                                {"_sd", veil::Json::array({given_name.digest(veil::HashAlg::sha_256)})},
                                {"_sd_alg", "sha-256"}};
    return veil_fuzz::sign_raw(R"({"alg":"ES256","typ":"dc+sd-jwt"})", payload.dump(), veil_fuzz::issuer_signer()) +
           "~" + given_name.encoded() + "~";
  }();
  return sd_jwt;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const veil::SdJwtVerifier verifier = [] {
    veil::VerificationPolicy policy;
    policy.expected_aud = veil_fuzz::kAud;
    policy.expected_nonce = veil_fuzz::kNonce;
    return veil::SdJwtVerifier(policy, veil_fuzz::trust(), veil_fuzz::clock());
  }();
  const std::string_view input = veil_fuzz::text(data, size);
  std::string kb_jwt;
  const std::size_t newline = input.find('\n');
  if (newline == std::string_view::npos) {
    kb_jwt = input;
  } else {
    const std::string payload = veil_fuzz::replace_all(input.substr(newline + 1), "@SD_HASH@",
                                                       veil::hash_base64url(veil::HashAlg::sha_256, credential()));
    kb_jwt = veil_fuzz::sign_raw(input.substr(0, newline), payload, veil_fuzz::holder_signer());
  }
  auto verified = verifier.verify(credential() + kb_jwt);
  veil_fuzz::explain("verify", verified);
  if (verified) {
    veil_fuzz::invariant(verified->key_binding().has_value() && verified->key_binding()->aud == veil_fuzz::kAud &&
                         verified->key_binding()->nonce == veil_fuzz::kNonce);
  }
  return 0;
}
