#include "issuer/token_endpoint.h"

namespace veil::issuer {

using platform::http_fail;

platform::HttpResult<Json> token_response(const IssuerContext& context,
                                          const std::map<std::string, std::string>& form) {
  const auto grant_type = form.find("grant_type");
  if (grant_type == form.end()) return http_fail(400, "invalid_request", "grant_type is missing");
  if (grant_type->second != kPreAuthorizedCodeGrant) {
    return http_fail(400, "unsupported_grant_type", "only the pre-authorized_code grant is supported");
  }
  const auto code = form.find("pre-authorized_code");
  if (code == form.end()) return http_fail(400, "invalid_request", "pre-authorized_code is missing");

  const std::int64_t now = context.clock.now();
  const std::string access_token = random_url_token();
  RedeemRequest request{SecretHash::of(code->second), std::nullopt, SecretHash::of(access_token),
                        now + context.config.access_token_lifetime_seconds, now};
  if (const auto tx_code = form.find("tx_code"); tx_code != form.end()) {
    request.tx_code_hash = SecretHash::of(tx_code->second);
  }
  auto redeemed = context.store.redeem_pre_authorized_code(request);
  if (!redeemed) return tl::unexpected(storage_failure());

  switch (redeemed->outcome) {
    case RedeemOutcome::redeemed:
      return Json{{"access_token", access_token},
                  {"token_type", "Bearer"},
                  {"expires_in", context.config.access_token_lifetime_seconds}};
    case RedeemOutcome::tx_code_missing:
      return http_fail(400, "invalid_request", "this offer requires a tx_code");
    case RedeemOutcome::tx_code_unexpected:
      return http_fail(400, "invalid_request", "this offer has no tx_code");
    case RedeemOutcome::wrong_tx_code:
      // VCI §6.3: a wrong Transaction Code is invalid_grant.
      return http_fail(400, "invalid_grant", "the tx_code is wrong");
    case RedeemOutcome::unknown_code:
    case RedeemOutcome::expired_code:
    case RedeemOutcome::used_code:
    case RedeemOutcome::tx_code_attempts_exhausted:
      // One answer for all: a client must not learn whether a code ever existed (VCI §13.6.1).
      return http_fail(400, "invalid_grant", "the pre-authorized code is invalid, expired or used");
  }
  return http_fail(500, "server_error", "unexpected redeem outcome");
}

}  // namespace veil::issuer
