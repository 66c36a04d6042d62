// SdJwtIssuer: signs an UnsignedSdJwt into an SD-JWT (RFC 9901 §4.1).
#pragma once

#include "veil/error.h"
#include "veil/json.h"
#include "veil/sd_jwt.h"
#include "veil/sd_jwt_factory.h"
#include "veil/signer.h"

namespace veil {

/// sign_sd_jwt signs |unsigned_sd_jwt|.payload with |issuer| and attaches its Disclosures. |header| supplies
/// extra protected-header members ("typ", "kid"); "alg" comes from the signer. Fails with invalid_argument when
/// header is not an object, internal_error when signing fails.
Result<SdJwt> sign_sd_jwt(const UnsignedSdJwt& unsigned_sd_jwt, const Json& header, const Signer& issuer);

}  // namespace veil
