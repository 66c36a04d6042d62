// StatusListPublisher: serves each Token Status List as a signed statuslist+jwt (draft-ietf-oauth-status-list §5,
// §8), freshly signed from the store so that an admin's revoke / suspend / reinstate shows in the next fetch.
#pragma once

#include <string>
#include <string_view>

#include "issuer/issuer_context.h"
#include "veil/platform/http_error.h"

namespace veil::issuer {

/// kStatusListTokenMediaType is the Content-Type of a Status List Token (TSL §8.1).
inline constexpr char kStatusListTokenMediaType[] = "application/statuslist+jwt";

/// status_list_token_response handles GET /status/<list_id>: a Status List Token with sub = its own URI, iss,
/// iat = now, exp = now + status_list_token_lifetime_seconds and ttl = status_list_ttl_seconds, the list
/// compressed with zlib (bits as the store created it). Fails with 404 not_found for an id that is not a
/// decimal list id or names no list.
platform::HttpResult<std::string> status_list_token_response(const IssuerContext& context, std::string_view list_id);

}  // namespace veil::issuer
