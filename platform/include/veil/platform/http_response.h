// Writing HTTP responses: JSON bodies, the JSON error envelope, caching headers.
#pragma once

#include <string_view>

#include <httplib.h>

#include "veil/json.h"
#include "veil/platform/http_error.h"

namespace veil::platform {

/// kPublicMaxAgeSeconds is how long send_cacheable_json lets clients cache public metadata.
inline constexpr int kPublicMaxAgeSeconds = 300;

/// send_json answers |status| with |body| as application/json and Cache-Control: no-store (tokens, nonces and
/// anything personal must never be cached, OpenID4VCI §7).
void send_json(httplib::Response& response, int status, const Json& body);

/// send_cacheable_json answers 200 with |body| as |content_type| and Cache-Control: public, max-age=300, for
/// public metadata (/.well-known/..., type metadata, JWKS).
void send_cacheable_json(httplib::Response& response, const Json& body,
                         std::string_view content_type = "application/json");

/// send_error answers error.status with {"error": error.error, "error_description": error.description}
/// (the description member is omitted when empty), application/json, Cache-Control: no-store. A 401 also gets
/// WWW-Authenticate: Bearer (RFC 6750 §3) unless the response already carries a WWW-Authenticate header.
void send_error(httplib::Response& response, const HttpError& error);

/// send_text answers |status| with |body| as |content_type| (e.g. a signed token as application/statuslist+jwt)
/// and Cache-Control: no-store; callers that want caching set Cache-Control afterwards with set_header_once.
void send_text(httplib::Response& response, int status, std::string_view body, std::string_view content_type);

/// set_header_once sets |name| to |value| on |response|, replacing every earlier value of that header
/// (httplib's set_header appends a duplicate instead).
void set_header_once(httplib::Response& response, const std::string& name, const std::string& value);

/// default_error_code returns the error code the envelope uses for a bare |status|: 400 invalid_request,
/// 401 invalid_token, 403 access_denied, 404 not_found, 405 method_not_allowed, 408 request_timeout,
/// 413 payload_too_large, 414 uri_too_long, 415 unsupported_media_type, 431 request_header_fields_too_large,
/// 5xx server_error, other 4xx invalid_request.
std::string_view default_error_code(int status);

}  // namespace veil::platform
