// TokenEndpoint: the OAuth Token Endpoint for the pre-authorized code grant (OpenID4VCI 1.0 §6).
#pragma once

#include <map>
#include <string>

#include "issuer/issuer_context.h"
#include "veil/json.h"
#include "veil/platform/http_error.h"

namespace veil::issuer {

/// token_response handles POST /token with the form parameters of |form|: grant_type
/// urn:ietf:params:oauth:grant-type:pre-authorized_code, pre-authorized_code and, when the offer asked for one,
/// tx_code. Answers {"access_token", "token_type": "Bearer", "expires_in"}. Errors (RFC 6749 §5.2, VCI §6.3):
/// 400 unsupported_grant_type; invalid_request for a missing code, a missing tx_code the offer requires or a
/// tx_code it does not; invalid_grant for an unknown, expired or used code and for a wrong tx_code (after
/// max_tx_code_attempts wrong ones the code is dead: ATTACKS P13, P14). The invalid_grant causes all read alike.
platform::HttpResult<Json> token_response(const IssuerContext& context, const std::map<std::string, std::string>& form);

}  // namespace veil::issuer
