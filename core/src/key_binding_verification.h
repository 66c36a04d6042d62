// Internal: RFC 9901 §7.3 step 4, checking a KB-JWT against the holder key the credential names.
#pragma once

#include <cstdint>
#include <string_view>

#include "veil/error.h"
#include "veil/hash.h"
#include "veil/json.h"
#include "veil/jwk.h"
#include "veil/key_binding_jwt.h"

namespace veil {

/// KeyBindingExpectation is what the verifier's policy and clock demand of a KB-JWT.
struct KeyBindingExpectation {
  std::string_view aud;
  std::string_view nonce;
  std::int64_t now = 0;
  std::int64_t max_clock_skew_seconds = 0;
  std::int64_t max_age_seconds = 0;
};

/// read_cnf_jwk returns the holder key in the processed payload's cnf.jwk (RFC 7800 §3.2). Fails with
/// missing_cnf when there is no cnf object with a jwk member or the key is malformed, and unsupported_key for
/// a key type Veil does not verify with (RSA, oct, other curves).
Result<Jwk> read_cnf_jwk(const Json& processed_claims);

/// verify_key_binding checks |unverified_kb_jwt| over the presentation whose sd_hash input is |sd_hash_input|.
/// Order and codes: the JWS parser's errors (alg_not_allowed for none/HS256, malformed_jws, ...);
/// invalid_kb_typ when typ is not kb+jwt; invalid_kb_signature when |holder_key| did not sign it;
/// invalid_kb_jwt when iat (number), aud, nonce or sd_hash (strings) are missing or of another type;
/// sd_hash_mismatch; nonce_mismatch; aud_mismatch; kb_iat_too_old; kb_iat_in_future; and the time-claim errors
/// of exp/nbf when the KB-JWT carries them.
Result<KeyBindingClaims> verify_key_binding(std::string_view unverified_kb_jwt, const Jwk& holder_key,
                                            std::string_view sd_hash_input, HashAlg sd_alg,
                                            const KeyBindingExpectation& expected, const JsonLimits& limits);

}  // namespace veil
