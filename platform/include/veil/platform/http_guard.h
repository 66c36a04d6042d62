// Guards for a loopback-only HTTP API (the local wallet): Host allow-list against DNS rebinding and Origin
// allow-list against cross-site requests (ATTACKS.md H7-H9, "The local wallet").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <httplib.h>

#include "veil/platform/http_error.h"
#include "veil/platform/http_server.h"

namespace veil::platform {

/// HostGuard accepts a request only when it carries exactly one Host header equal to 127.0.0.1:PORT,
/// localhost:PORT (case-insensitive) or [::1]:PORT. A DNS-rebinding page reaches the server under its own name
/// (Host: attacker.example:PORT), which this refuses.
class HostGuard {
 public:
  explicit HostGuard(int port) : port_(port) {}

  /// allows tells whether |host| (a Host header value) is one of the three loopback authorities.
  [[nodiscard]] bool allows(std::string_view host) const;

  /// check returns 403 access_denied unless |request| has exactly one Host header that allows() accepts.
  std::optional<HttpError> check(const httplib::Request& request) const;

 private:
  int port_;
};

/// OriginGuard refuses requests whose Origin header is present and not in its allow-list (default: empty, so any
/// browser page's request is refused; non-browser clients send no Origin). "null" is refused unless listed.
class OriginGuard {
 public:
  explicit OriginGuard(std::vector<std::string> allowed_origins = {}) : allowed_(std::move(allowed_origins)) {}

  /// check returns 403 access_denied when |request| carries an Origin header (one or several) not in the list.
  std::optional<HttpError> check(const httplib::Request& request) const;

 private:
  std::vector<std::string> allowed_;
};

/// install_local_api_guard adds to |server|, before routing and before any body byte is read, the HostGuard for
/// the server's bound port (looked up per request, so it may be installed before bind with port 0) and then an
/// OriginGuard over |allowed_origins|. Refused requests get the JSON envelope and no CORS headers.
void install_local_api_guard(HttpServer& server, std::vector<std::string> allowed_origins = {});

}  // namespace veil::platform
