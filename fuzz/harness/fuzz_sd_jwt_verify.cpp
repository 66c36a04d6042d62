// fuzz_sd_jwt_verify: SdJwtVerifier past the signatures. A random token almost never carries a valid signature, so
// this harness signs what the fuzzer writes and lets the digest, disclosure, SD-JWT VC and key binding rules run.
//
// Input, one JSON text per line (kept byte for byte, never re-serialized):
//   line 1     issuer JWT header             line 2  issuer JWT payload
//   lines 3..  disclosures (each line is base64url-encoded as it is)
//   "~KB"      then the KB-JWT header and payload lines (optional)
// In the issuer payload "@D0@".."@D9@" become the SHA-256 digest of disclosure 0..9; in the KB-JWT payload
// "@SD_HASH@" becomes the sd_hash of the presentation. The issuer JWT is signed with the trusted issuer key, the
// KB-JWT with the holder key (the seeds carry it as cnf.jwk).
#include <cstddef>
#include <cstdint>

#include "fuzz_support.h"
#include "veil/hash.h"
#include "veil/sd_jwt.h"
#include "veil/sd_jwt_verifier.h"

namespace {

const veil::SdJwtVerifier& verifier(bool sd_jwt_vc, bool key_binding) {
  auto make = [](bool vc, bool kb) {
    veil::VerificationPolicy policy;
    policy.require_key_binding = kb;
    policy.expected_aud = veil_fuzz::kAud;
    policy.expected_nonce = veil_fuzz::kNonce;
    policy.sd_jwt_vc = vc;
    return veil::SdJwtVerifier(policy, veil_fuzz::trust(), veil_fuzz::clock());
  };
  static const veil::SdJwtVerifier verifiers[4] = {make(false, false), make(false, true), make(true, false),
                                                   make(true, true)};
  return verifiers[(sd_jwt_vc ? 2 : 0) + (key_binding ? 1 : 0)];
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 64 * 1024) return 0;
  const std::vector<std::string_view> lines = veil_fuzz::split_lines(veil_fuzz::text(data, size));
  if (lines.size() < 2) return 0;

  std::vector<std::string> disclosures;
  std::size_t line = 2;
  for (; line < lines.size() && lines[line] != "~KB"; ++line) disclosures.push_back(veil::base64url_encode(lines[line]));
  const bool has_kb = line + 2 < lines.size();

  std::string payload(lines[1]);
  for (std::size_t i = 0; i < disclosures.size() && i < 10; ++i) {
    payload = veil_fuzz::replace_all(payload, "@D" + std::to_string(i) + "@",
                                     veil::hash_base64url(veil::HashAlg::sha_256, disclosures[i]));
  }
  std::string presentation = veil_fuzz::sign_raw(lines[0], payload, veil_fuzz::issuer_signer()) + "~";
  for (const auto& disclosure : disclosures) presentation += disclosure + "~";
  if (has_kb) {
    const std::string kb_payload = veil_fuzz::replace_all(lines[line + 2], "@SD_HASH@",
                                                          veil::hash_base64url(veil::HashAlg::sha_256, presentation));
    presentation += veil_fuzz::sign_raw(lines[line + 1], kb_payload, veil_fuzz::holder_signer());
  }

  const bool sd_jwt_vc = payload.find("\"vct\"") != std::string::npos;
  auto verified = verifier(sd_jwt_vc, has_kb).verify(presentation);
  veil_fuzz::explain("verify", verified);
  if (verified) {
    // A verified presentation never keeps the digest machinery in its claims (§7.1 step 3.3.4).
    veil_fuzz::invariant(verified->claims().is_object() && !verified->claims().contains("_sd") &&
                         !verified->claims().contains("_sd_alg"));
    (void)verified->iss();
    (void)verified->vct();
  }
  return 0;
}
