// KeyBindingJwt: the holder's proof of possession over one presentation (RFC 9901 §4.3).
#pragma once

#include <cstdint>
#include <string>

#include "veil/error.h"
#include "veil/hash.h"
#include "veil/signer.h"

namespace veil {

inline constexpr char kKeyBindingJwtTyp[] = "kb+jwt";

/// KeyBindingClaims are the KB-JWT payload members Veil writes and checks.
struct KeyBindingClaims {
  std::string aud;
  std::string nonce;
  std::int64_t iat = 0;
  std::string sd_hash;
};

/// sign_key_binding_jwt signs a KB-JWT with typ "kb+jwt". Fails with internal_error when signing fails.
Result<std::string> sign_key_binding_jwt(const KeyBindingClaims& claims, const Signer& holder);

}  // namespace veil
