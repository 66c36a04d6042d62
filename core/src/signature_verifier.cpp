#include "veil/signature_verifier.h"

#include "signature_impls.h"

namespace veil {

Result<std::unique_ptr<SignatureVerifier>> make_verifier(const Jwk& key) {
  switch (key.alg()) {
    case JwsAlg::ES256: return make_es256_verifier(key);
    case JwsAlg::EdDSA: return make_ed25519_verifier(key);
  }
  return fail(ErrorCode::unsupported_key, "unsupported key");
}

}  // namespace veil
