#include "issuer/nonce_endpoint.h"

namespace veil::issuer {

platform::HttpResult<Json> nonce_response(const IssuerContext& context) {
  const std::string c_nonce = random_url_token();
  const std::int64_t expires_at = context.clock.now() + context.config.c_nonce_lifetime_seconds;
  if (!context.store.store_c_nonce(SecretHash::of(c_nonce), expires_at)) return tl::unexpected(storage_failure());
  return Json{{"c_nonce", c_nonce}};
}

}  // namespace veil::issuer
