#include "veil/key_binding_jwt.h"

#include "veil/jws.h"

namespace veil {

Result<std::string> sign_key_binding_jwt(const KeyBindingClaims& claims, const Signer& holder) {
  // §4.3: typ kb+jwt; the payload is exactly iat, aud, nonce and sd_hash.
  Json header = {{"typ", kKeyBindingJwtTyp}};
  Json payload = {{"iat", claims.iat}, {"aud", claims.aud}, {"nonce", claims.nonce}, {"sd_hash", claims.sd_hash}};
  return sign_jws_compact(header, payload, holder);
}

}  // namespace veil
