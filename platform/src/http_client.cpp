#include "veil/platform/http_client.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include <httplib.h>

namespace veil::platform {
namespace {

constexpr int kDefaultHttpsPort = 443;
constexpr int kDefaultHttpPort = 80;

std::string lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && lowercase(text.substr(0, prefix.size())) == prefix;
}

// A host name of letters, digits, '-' and '.' (RFC 1123), or an IPv6 literal in brackets. Percent-escapes,
// '@' or '\' in the authority are how parser-confusion SSRF tricks start, so none of them pass.
bool is_plausible_host(std::string_view host) {
  if (host.empty()) return false;
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return false;
    return std::all_of(host.begin() + 1, host.end() - 1,
                       [](unsigned char c) { return std::isxdigit(c) || c == ':' || c == '.'; });
  }
  return std::all_of(host.begin(), host.end(),
                     [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '.'; });
}

std::optional<int> parse_port(std::string_view digits) {
  if (digits.empty() || digits.size() > 5) return std::nullopt;
  int port = 0;
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (error != std::errc() || end != digits.data() + digits.size() || port < 1 || port > 65535) return std::nullopt;
  return port;
}

int default_port(std::string_view scheme) { return scheme == "https" ? kDefaultHttpsPort : kDefaultHttpPort; }

bool is_unreserved(unsigned char c) { return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~'; }

std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (is_unreserved(c)) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0x0F];
    }
  }
  return out;
}

Result<FetchResponse> send_request(const FetchPolicy& policy, std::string_view url, std::string method,
                                   std::string_view accept, std::string_view content_type, std::string body,
                                   const HeaderList& extra_headers) {
  VEIL_TRY(const FetchUrl target, parse_fetch_url(url, policy));

  httplib::Client client(target.scheme + "://" + target.host + ":" + std::to_string(target.port));
  client.set_connection_timeout(policy.timeout);
  client.set_read_timeout(policy.timeout);
  client.set_write_timeout(policy.timeout);
  client.set_follow_location(false);  // a redirect is reported to the caller, never followed (ATTACKS P8, L9)
  client.set_keep_alive(false);
  client.set_decompress(false);       // no compressed answers are asked for, so none are inflated
  client.enable_server_certificate_verification(true);

  httplib::Request request;
  request.method = std::move(method);
  request.path = target.target;
  request.headers.emplace("Accept-Encoding", "identity");
  if (!accept.empty()) request.headers.emplace("Accept", std::string(accept));
  for (const auto& [name, value] : extra_headers) request.headers.emplace(name, value);
  if (request.method == "POST") {
    request.headers.emplace("Content-Type", std::string(content_type));
    request.body = std::move(body);
  }

  // The cap holds whatever the server claims: Content-Length is checked up front, and the bytes as they come.
  bool too_large = false;
  std::string received;
  request.response_handler = [&](const httplib::Response& head) {
    if (head.has_header("Content-Length")) {
      const std::string length = head.get_header_value("Content-Length");
      if (length.size() > 19 || std::stoull(length.empty() ? "0" : length) > policy.max_response_bytes) {
        too_large = true;
        return false;
      }
    }
    return true;
  };
  request.content_receiver = [&](const char* data, std::size_t length, std::uint64_t, std::uint64_t) {
    if (received.size() + length > policy.max_response_bytes) {
      too_large = true;
      return false;
    }
    received.append(data, length);
    return true;
  };

  httplib::Response response;
  httplib::Error error = httplib::Error::Success;
  bool sent = false;
  try {
    sent = client.send(request, response, error);
  } catch (const std::exception&) {  // std::stoull on a malformed Content-Length
    return fail(ErrorCode::fetch_failed, "malformed response from " + target.origin());
  }
  if (too_large) {
    return fail(ErrorCode::response_too_large,
                "the answer from " + target.origin() + " exceeds " + std::to_string(policy.max_response_bytes) +
                    " bytes");
  }
  if (!sent) {
    return fail(ErrorCode::fetch_failed, "could not fetch from " + target.origin() + ": " + httplib::to_string(error));
  }

  FetchResponse answer;
  answer.status = response.status;
  answer.content_type = response.get_header_value("Content-Type");
  answer.body = std::move(received);
  if (response.status >= 300 && response.status < 400 && response.has_header("Location")) {
    answer.location = response.get_header_value("Location");
  }
  return answer;
}

}  // namespace

std::string FetchUrl::origin() const {
  std::string out = scheme + "://" + host;
  if (port != default_port(scheme)) out += ":" + std::to_string(port);
  return out;
}

std::string FetchUrl::str() const { return origin() + target; }

bool is_loopback_host(std::string_view host) {
  const std::string name = lowercase(host);
  if (name == "localhost" || name == "[::1]") return true;
  // Any 127/8 dotted quad: four decimal octets, the first 127.
  if (!name.starts_with("127.")) return false;
  int octets = 0;
  std::size_t position = 0;
  while (position <= name.size()) {
    const std::size_t dot = std::min(name.find('.', position), name.size());
    const std::string_view part = std::string_view(name).substr(position, dot - position);
    int value = 0;
    auto [end, error] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (part.empty() || part.size() > 3 || error != std::errc() || end != part.data() + part.size() || value > 255) {
      return false;
    }
    ++octets;
    position = dot + 1;
  }
  return octets == 4;
}

Result<FetchUrl> parse_fetch_url(std::string_view url, const FetchPolicy& policy) {
  const auto refuse = [](std::string why) { return fail(ErrorCode::url_not_allowed, std::move(why)); };
  if (url.size() > 4096) return refuse("url is longer than 4096 characters");
  if (std::any_of(url.begin(), url.end(), [](unsigned char c) { return c <= 0x20 || c >= 0x7F; })) {
    return refuse("url contains spaces, control or non-ascii characters");
  }
  if (url.find('#') != std::string_view::npos) return refuse("url has a fragment");

  FetchUrl parsed;
  std::string_view rest;
  if (starts_with_ignoring_case(url, "https://")) {
    parsed.scheme = "https";
    rest = url.substr(8);
  } else if (starts_with_ignoring_case(url, "http://")) {
    parsed.scheme = "http";
    rest = url.substr(7);
  } else {
    return refuse("url is not an absolute https url");
  }

  const std::size_t authority_end = std::min(rest.find_first_of("/?"), rest.size());
  const std::string_view authority = rest.substr(0, authority_end);
  std::string_view target = rest.substr(authority_end);
  if (authority.find('@') != std::string_view::npos) return refuse("url carries userinfo");
  if (authority.find('\\') != std::string_view::npos || authority.find('%') != std::string_view::npos) {
    return refuse("url authority has escapes or backslashes");
  }

  // Split host and port; an IPv6 literal keeps its brackets and may contain ':'.
  std::string_view host = authority;
  std::optional<std::string_view> port_text;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return refuse("url has an unterminated ipv6 literal");
    host = authority.substr(0, close + 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return refuse("url has text after its ipv6 literal");
      port_text = after.substr(1);
    }
  } else if (const std::size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port_text = authority.substr(colon + 1);
  }
  if (!is_plausible_host(host)) return refuse("url has an empty or malformed host");
  parsed.host = lowercase(host);
  parsed.port = default_port(parsed.scheme);
  if (port_text) {
    const auto port = parse_port(*port_text);
    if (!port) return refuse("url port is not in 1..65535");
    parsed.port = *port;
  }
  if (parsed.scheme == "http" && !(policy.allow_loopback_http && is_loopback_host(parsed.host))) {
    return refuse(policy.allow_loopback_http ? "plain http is allowed only to a loopback host"
                                             : "plain http is not allowed: use https");
  }
  parsed.target = target.empty() ? "/" : (target.front() == '?' ? "/" + std::string(target) : std::string(target));
  return parsed;
}

Result<FetchResponse> HttpClient::get(std::string_view url, std::string_view accept, const HeaderList& headers) const {
  return send_request(policy_, url, "GET", accept, {}, {}, headers);
}

Result<FetchResponse> HttpClient::post(std::string_view url, std::string_view content_type, std::string body,
                                       const HeaderList& headers) const {
  return send_request(policy_, url, "POST", "application/json", content_type, std::move(body), headers);
}

Result<FetchResponse> HttpClient::post_form(std::string_view url,
                                            const std::vector<std::pair<std::string, std::string>>& fields,
                                            const HeaderList& headers) const {
  return post(url, "application/x-www-form-urlencoded", form_urlencode(fields), headers);
}

Result<FetchResponse> HttpClient::post_json(std::string_view url, const Json& body, const HeaderList& headers) const {
  return post(url, "application/json", body.dump(), headers);
}

std::string form_urlencode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out += '&';
    out += percent_encode(name);
    out += '=';
    out += percent_encode(value);
  }
  return out;
}

Status expect_status(const FetchResponse& response, int expected, std::string_view step) {
  if (response.status == expected) return {};
  std::string message = std::string(step) + " answered HTTP " + std::to_string(response.status);
  if (response.location) message += " (a redirect, not followed)";
  // An OAuth-style error body names what the other side objected to; its code is safe to repeat, the
  // description is the other party's text and is left out of our messages.
  if (media_type_of(response.content_type) == "application/json") {
    if (auto body = parse_json(response.body); body && body->is_object() && body->contains("error") &&
                                               (*body)["error"].is_string()) {
      const std::string code = (*body)["error"].get<std::string>();
      if (code.size() <= 64 && std::all_of(code.begin(), code.end(), [](unsigned char c) {
            return std::isalnum(c) || c == '_' || c == '-' || c == '.';
          })) {
        message += ": " + code;
      }
    }
  }
  return fail(ErrorCode::unexpected_http_status, std::move(message));
}

Result<Json> json_object_body(const FetchResponse& response) {
  return parse_json_object(response.body, ErrorCode::invalid_json);
}

std::string media_type_of(std::string_view content_type) {
  const std::size_t end = std::min(content_type.find(';'), content_type.size());
  std::string_view type = content_type.substr(0, end);
  while (!type.empty() && std::isspace(static_cast<unsigned char>(type.back()))) type.remove_suffix(1);
  while (!type.empty() && std::isspace(static_cast<unsigned char>(type.front()))) type.remove_prefix(1);
  return lowercase(type);
}

}  // namespace veil::platform
