// A wallet-side JWE encryptor for the direct_post.jwt tests, written independently of the verifier's decryption:
// compact JWE, alg ECDH-ES with an ephemeral P-256 key, Concat KDF (RFC 7518 §4.6.2), enc A128GCM or A256GCM.
#pragma once

#include <string>

#include "veil/json.h"

namespace veil::verifier::testing {

/// encrypt_jwe encrypts |payload| to the public EC JWK |recipient| (kty, crv, x, y; its kid goes into the header)
/// with |enc|. |header_overrides| members replace or add header members before encryption (e.g. alg, kid).
std::string encrypt_jwe(const Json& payload, const Json& recipient, const std::string& enc = "A128GCM",
                        const Json& header_overrides = Json::object());

}  // namespace veil::verifier::testing
