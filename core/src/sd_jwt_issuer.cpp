#include "veil/sd_jwt_issuer.h"

#include "veil/jws.h"

namespace veil {

Result<SdJwt> sign_sd_jwt(const UnsignedSdJwt& unsigned_sd_jwt, const Json& header, const Signer& issuer) {
  if (!header.is_object()) return fail(ErrorCode::invalid_argument, "jws header is not a json object");
  VEIL_TRY(std::string jwt, sign_jws_compact(header, unsigned_sd_jwt.payload, issuer));
  return SdJwt({std::move(jwt)}, unsigned_sd_jwt.disclosures);
}

}  // namespace veil
