// ResponseEncryption: the verifier's side of the encrypted Authorization Response (OpenID4VP 1.0 §8.3,
// response_mode direct_post.jwt): a fresh P-256 key per transaction advertised in client_metadata, and the
// decryption of the wallet's JWE (RFC 7516 compact serialization, alg ECDH-ES with the Concat KDF of RFC 7518
// §4.6, enc A128GCM or A256GCM). ATTACKS P4.
#pragma once

#include <string>
#include <string_view>

#include "veil/error.h"
#include "veil/json.h"
#include "veil/jwk.h"

namespace veil::verifier {

/// kResponseModeDirectPost and kResponseModeDirectPostJwt are the response modes the verifier asks for.
inline constexpr std::string_view kResponseModeDirectPost = "direct_post";
inline constexpr std::string_view kResponseModeDirectPostJwt = "direct_post.jwt";

/// kResponseEncryptionAlg is the only JWE alg accepted: ECDH-ES direct key agreement (RFC 7518 §4.6).
inline constexpr std::string_view kResponseEncryptionAlg = "ECDH-ES";

/// kMaxEncryptedResponseBytes bounds the compact JWE the verifier decrypts.
inline constexpr std::size_t kMaxEncryptedResponseBytes = 1024 * 1024;

/// response_encryption_enc_values is the client_metadata member encrypted_response_enc_values_supported:
/// ["A128GCM", "A256GCM"].
Json response_encryption_enc_values();

/// generate_response_encryption_key makes a fresh P-256 key pair with a random kid for one transaction. Fails
/// with internal_error when the CSPRNG or OpenSSL fails.
Result<PrivateJwk> generate_response_encryption_key();

/// response_encryption_jwk is the public JWK the Request Object carries in client_metadata.jwks: kty, crv, x, y,
/// kid, "use": "enc" and "alg": "ECDH-ES" (OpenID4VP 1.0 §8.3: alg must be present).
Json response_encryption_jwk(const PrivateJwk& key);

/// decrypt_response opens the compact JWE |jwe| that the wallet encrypted to |key| and returns its payload, a
/// JSON object of Authorization Response parameters. The protected header must carry alg ECDH-ES (anything else:
/// alg_not_allowed), enc A128GCM or A256GCM (alg_not_allowed), kid equal to |key|'s (unknown_key), an epk that is
/// a P-256 point on the curve (invalid_jwk or unsupported_key), no zip and no crit (invalid_jws_header); the
/// encrypted key part must be empty, the IV 96 bits and the tag 128 bits (invalid_presentation_response, as for
/// anything malformed). A tag that does not verify — a tampered JWE, or one encrypted to another key — fails
/// with sealed_data_corrupt; a payload that is not a JSON object with invalid_presentation_response.
Result<Json> decrypt_response(std::string_view jwe, const PrivateJwk& key);

}  // namespace veil::verifier
