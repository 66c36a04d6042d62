// Reading untrusted HTTP requests: JSON and form bodies, bearer tokens, path ids.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <httplib.h>

#include "veil/json.h"
#include "veil/platform/http_error.h"
#include "veil/platform/http_server.h"

namespace veil::platform {

/// kMaxFormParameters bounds how many parameters read_form_body accepts (a token request has a handful).
inline constexpr std::size_t kMaxFormParameters = 32;

/// kMaxIdLength bounds the ids is_safe_id accepts.
inline constexpr std::size_t kMaxIdLength = 128;

/// read_json_body parses the body of |request| as a JSON object. Fails with 415 unsupported_media_type unless
/// Content-Type is application/json (a charset parameter must say utf-8), 413 payload_too_large beyond
/// limits.max_body_bytes, and 400 invalid_request (description: the core parse error's message) for anything
/// parse_json rejects — nesting beyond limits.max_json_depth, duplicate members, 1e999999, invalid UTF-8 —
/// and for a top level that is not an object.
HttpResult<Json> read_json_body(const httplib::Request& request, const HttpLimits& limits);

/// read_form_body parses an application/x-www-form-urlencoded body (415 unsupported_media_type for any other
/// Content-Type) into name → value, percent-decoded with '+' as space. Parameters without a value are omitted
/// (RFC 6749 §3.1). Fails with 400 invalid_request for a repeated parameter (RFC 6749 §3.1), a bad percent
/// escape, invalid UTF-8, or more than kMaxFormParameters parameters. Query-string parameters are never mixed in.
HttpResult<std::map<std::string, std::string>> read_form_body(const httplib::Request& request);

/// bearer_token returns the token of the one "Authorization: Bearer <token>" header of |request| (scheme
/// case-insensitive, RFC 6750 §2.1 b64token syntax), or nullopt when the header is missing, repeated, of another
/// scheme, empty or malformed. It never looks at the query string or cookies (RFC 6750 §2.3 is not offered).
/// The view points into |request| and lives as long as it does.
std::optional<std::string_view> bearer_token(const httplib::Request& request);

/// constant_time_equals tells whether |a| and |b| are equal, in time independent of their content (sodium_memcmp).
/// Different lengths give false after a dummy comparison; only the length difference itself is observable.
[[nodiscard]] bool constant_time_equals(std::string_view a, std::string_view b);

/// is_safe_id tells whether |id| is a usable path id: 1..kMaxIdLength characters of [A-Za-z0-9_-]. Anything
/// else ("..", "%2e", "/", empty) is false, so a route answers 404 or 400 before touching storage (ATTACKS H11).
[[nodiscard]] bool is_safe_id(std::string_view id);

/// media_type_is tells whether the Content-Type header of |request| names |media_type| (case-insensitive,
/// parameters ignored except a charset, which must be utf-8). A missing or repeated header gives false.
[[nodiscard]] bool media_type_is(const httplib::Request& request, std::string_view media_type);

}  // namespace veil::platform
