// NonceEndpoint: fresh c_nonces for key proofs (OpenID4VCI 1.0 §7).
#pragma once

#include "issuer/issuer_context.h"
#include "veil/json.h"
#include "veil/platform/http_error.h"

namespace veil::issuer {

/// nonce_response handles POST /nonce: a new single-use c_nonce, stored hashed, valid for c_nonce_lifetime_seconds.
/// Answers {"c_nonce": "..."}; the route sends it with Cache-Control: no-store (ATTACKS P18).
platform::HttpResult<Json> nonce_response(const IssuerContext& context);

}  // namespace veil::issuer
