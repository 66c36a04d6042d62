#include "issuer/status_list_publisher.h"

#include <charconv>

#include "veil/status_list_token.h"

namespace veil::issuer {

using platform::http_fail;

platform::HttpResult<std::string> status_list_token_response(const IssuerContext& context, std::string_view list_id) {
  std::int64_t id = 0;
  const auto [end, parse_error] = std::from_chars(list_id.data(), list_id.data() + list_id.size(), id);
  if (parse_error != std::errc() || end != list_id.data() + list_id.size() || id <= 0 || list_id.front() == '0') {
    return http_fail(404, "not_found", "no status list has this id");
  }
  auto list = context.store.read_status_list(id);
  if (!list) {
    if (list.error().code == ErrorCode::not_found) return http_fail(404, "not_found", "no status list has this id");
    return tl::unexpected(storage_failure());
  }
  const std::int64_t now = context.clock.now();
  StatusListTokenClaims claims{context.issuer_id() + "/status/" + std::to_string(id),
                               context.issuer_id(),
                               now,
                               now + context.config.status_list_token_lifetime_seconds,
                               context.config.status_list_ttl_seconds,
                               std::move(*list)};
  auto token = sign_status_list_token(claims, *context.keys.current().signer);
  if (!token) return http_fail(500, "server_error", "signing the status list failed");
  return std::move(*token);
}

}  // namespace veil::issuer
