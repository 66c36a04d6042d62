// HttpError: an HTTP failure as a status code plus an OAuth-style error body, and HttpResult<T>.
#pragma once

#include <string>

#include <tl/expected.hpp>

namespace veil::platform {

/// HttpError is what an HTTP endpoint answers when it refuses a request: |status| (400, 401, 413, ...), the
/// OAuth-style |error| code ("invalid_request", RFC 6749 §5.2) and a short |description| for people, which
/// send_error puts into {"error": ..., "error_description": ...}. Never put secrets or claim values in it.
struct HttpError {
  int status;
  std::string error;
  std::string description;
};

/// HttpResult<T> is either a T or the HttpError to answer with.
template <class T>
using HttpResult = tl::expected<T, HttpError>;

/// http_fail builds the error side of any HttpResult: `return http_fail(400, "invalid_request", "no body");`.
inline tl::unexpected<HttpError> http_fail(int status, std::string error, std::string description = {}) {
  return tl::unexpected<HttpError>(HttpError{status, std::move(error), std::move(description)});
}

}  // namespace veil::platform
