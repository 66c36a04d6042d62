// CredentialEndpoint: issues a batch of SD-JWT VCs, one per proven holder key (OpenID4VCI 1.0 §8, App. F.1).
#pragma once

#include <optional>
#include <string_view>

#include "issuer/issuer_context.h"
#include "veil/json.h"
#include "veil/platform/http_error.h"

namespace veil::issuer {

/// credential_response handles POST /credential. |access_token| is the bearer token of the request (nullopt when
/// there was none); |request| is {"credential_configuration_id": "...", "proofs": {"jwt": ["...", ...]}}.
/// Each proof is checked (typ openid4vci-proof+jwt, aud = the issuer, allowed alg, jwk only, fresh iat, valid
/// signature), then every c_nonce the proofs sign is consumed (one nonce may serve the whole batch), then one
/// credential per proof key is signed — each with its own salts, decoys, cnf.jwk and never-reused status index —
/// in the same store transaction that consumes the access token. Answers {"credentials": [{"credential": ...}]}.
/// Errors (VCI §8.3.1): 401 invalid_token (no, unknown, expired or used token); 400 invalid_credential_request
/// (shape, batch too large, the token granted another configuration: ATTACKS P17), unknown_credential_configuration,
/// invalid_proof (P16, no proofs, a proof without a c_nonce, a key proven twice), invalid_nonce (an unknown, used or
/// expired c_nonce: P15), invalid_encryption_parameters.
platform::HttpResult<Json> credential_response(const IssuerContext& context,
                                               std::optional<std::string_view> access_token, const Json& request);

}  // namespace veil::issuer
