// JwsAlg: the JWS algorithms Veil signs and verifies with (RFC 7518 §3.4, RFC 8037 §3.1).
#pragma once

#include <string_view>

#include "veil/error.h"

namespace veil {

/// JwsAlg is the whole allow-list: "none", HMAC and RSA are not representable, so they can never be chosen.
enum class JwsAlg { ES256, EdDSA };

/// parse_jws_alg maps "ES256" / "EdDSA" to a JwsAlg; anything else ("none", "HS256", "RS256", "ES384", ...)
/// fails with alg_not_allowed.
Result<JwsAlg> parse_jws_alg(std::string_view name);

/// jws_alg_name returns the registered name ("ES256").
std::string_view jws_alg_name(JwsAlg alg);

}  // namespace veil
