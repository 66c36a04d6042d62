#include "veil/platform/http_guard.h"

#include <algorithm>
#include <cctype>

namespace veil::platform {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
           return std::tolower(x) == std::tolower(y);
         });
}

}  // namespace

bool HostGuard::allows(std::string_view host) const {
  if (port_ <= 0) return false;
  const std::string port = ":" + std::to_string(port_);
  if (host.size() <= port.size() || host.substr(host.size() - port.size()) != port) return false;
  const std::string_view name = host.substr(0, host.size() - port.size());
  // Only the exact loopback spellings: no trailing dot, no 127.1, no userinfo (nccgroup/singularity wiki).
  return name == "127.0.0.1" || name == "[::1]" || iequals(name, "localhost");
}

std::optional<HttpError> HostGuard::check(const httplib::Request& request) const {
  auto [first, last] = request.headers.equal_range("Host");
  if (first == last || std::next(first) != last || !allows(first->second)) {
    return HttpError{403, "access_denied", "host not allowed"};
  }
  return std::nullopt;
}

std::optional<HttpError> OriginGuard::check(const httplib::Request& request) const {
  auto [first, last] = request.headers.equal_range("Origin");
  for (auto it = first; it != last; ++it) {
    if (std::find(allowed_.begin(), allowed_.end(), it->second) == allowed_.end()) {
      return HttpError{403, "access_denied", "origin not allowed"};
    }
  }
  return std::nullopt;
}

void install_local_api_guard(HttpServer& server, std::vector<std::string> allowed_origins) {
  // The Host check runs first so that a rebinding page learns nothing else (ATTACKS.md, local wallet section).
  server.add_request_check([&server](const httplib::Request& request) { return HostGuard(server.port()).check(request); });
  server.add_request_check([origins = OriginGuard(std::move(allowed_origins))](const httplib::Request& request) {
    return origins.check(request);
  });
}

}  // namespace veil::platform
