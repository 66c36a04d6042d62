#include "veil/signer.h"

#include "signature_impls.h"

namespace veil {

Result<std::unique_ptr<Signer>> make_signer(const PrivateJwk& key) {
  switch (key.alg()) {
    case JwsAlg::ES256: return make_es256_signer(key);
    case JwsAlg::EdDSA: return make_ed25519_signer(key);
  }
  return fail(ErrorCode::unsupported_key, "unsupported key");
}

}  // namespace veil
