#include "veil/platform/http_request.h"

#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <string>

namespace veil::platform {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
           return std::tolower(x) == std::tolower(y);
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The one value of header |name|, or nullopt when it is missing or repeated. Points into |request|.
std::optional<std::string_view> single_header(const httplib::Request& request, const char* name) {
  auto [first, last] = request.headers.equal_range(name);
  if (first == last || std::next(first) != last) return std::nullopt;
  return std::string_view(first->second);
}

bool is_valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t extra;
    std::uint32_t cp;
    if (c < 0x80) { ++i; continue; }
    if ((c & 0xe0) == 0xc0) { extra = 1; cp = c & 0x1f; }
    else if ((c & 0xf0) == 0xe0) { extra = 2; cp = c & 0x0f; }
    else if ((c & 0xf8) == 0xf0) { extra = 3; cp = c & 0x07; }
    else return false;
    if (extra >= s.size() - i) return false;
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3f);
    }
    // Overlong forms, surrogates and values beyond U+10FFFF are not UTF-8 (RFC 3629 §3).
    static constexpr std::uint32_t kMinimum[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMinimum[extra] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += extra + 1;
  }
  return true;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decoding of application/x-www-form-urlencoded (WHATWG URL §5.1): '+' is a space.
std::optional<std::string> form_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out.push_back(' ');
    } else if (s[i] == '%') {
      if (2 >= s.size() - i) return std::nullopt;
      const int high = hex_value(s[i + 1]);
      const int low = hex_value(s[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      out.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  if (!is_valid_utf8(out)) return std::nullopt;
  return out;
}

bool is_b64token_char(unsigned char c) {
  return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
}

}  // namespace

bool media_type_is(const httplib::Request& request, std::string_view media_type) {
  const std::optional<std::string_view> header = single_header(request, "Content-Type");
  if (!header) return false;
  std::string_view rest = *header;
  std::size_t semicolon = rest.find(';');
  if (!iequals(trim(rest.substr(0, semicolon)), media_type)) return false;
  while (semicolon != std::string_view::npos) {
    rest.remove_prefix(semicolon + 1);
    semicolon = rest.find(';');
    const std::string_view parameter = trim(rest.substr(0, semicolon));
    const std::size_t equals = parameter.find('=');
    if (equals == std::string_view::npos) continue;
    if (iequals(trim(parameter.substr(0, equals)), "charset")) {
      std::string_view charset = trim(parameter.substr(equals + 1));
      if (charset.size() >= 2 && charset.front() == '"' && charset.back() == '"') {
        charset = charset.substr(1, charset.size() - 2);
      }
      if (!iequals(charset, "utf-8")) return false;
    }
  }
  return true;
}

HttpResult<Json> read_json_body(const httplib::Request& request, const HttpLimits& limits) {
  if (!media_type_is(request, "application/json")) {
    return http_fail(415, "unsupported_media_type", "content-type must be application/json");
  }
  if (request.body.size() > limits.max_body_bytes) {
    return http_fail(413, "payload_too_large", "request body too large");
  }
  JsonLimits json_limits;
  json_limits.max_bytes = limits.max_body_bytes;
  json_limits.max_depth = static_cast<int>(std::min<std::size_t>(limits.max_json_depth, 10'000));
  Result<Json> parsed = parse_json(request.body, json_limits);
  if (!parsed) return http_fail(400, "invalid_request", parsed.error().message);
  if (!parsed->is_object()) return http_fail(400, "invalid_request", "request body is not a json object");
  return std::move(*parsed);
}

HttpResult<std::map<std::string, std::string>> read_form_body(const httplib::Request& request) {
  if (!media_type_is(request, "application/x-www-form-urlencoded")) {
    return http_fail(415, "unsupported_media_type", "content-type must be application/x-www-form-urlencoded");
  }
  std::map<std::string, std::string> parameters;
  std::size_t count = 0;
  std::string_view rest = request.body;
  while (!rest.empty()) {
    const std::size_t amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    if (pair.empty()) continue;
    if (++count > kMaxFormParameters) return http_fail(400, "invalid_request", "too many parameters");
    const std::size_t equals = pair.find('=');
    std::optional<std::string> name = form_decode(pair.substr(0, equals));
    std::optional<std::string> value =
        form_decode(equals == std::string_view::npos ? std::string_view{} : pair.substr(equals + 1));
    if (!name || !value) return http_fail(400, "invalid_request", "malformed form encoding");
    if (name->empty()) return http_fail(400, "invalid_request", "parameter without a name");
    // RFC 6749 §3.1: parameters MUST NOT be included more than once; an empty one counts as omitted.
    if (parameters.count(*name) != 0) {
      return http_fail(400, "invalid_request", "repeated parameter " + *name);
    }
    parameters.emplace(std::move(*name), std::move(*value));
  }
  for (auto it = parameters.begin(); it != parameters.end();) {
    it = it->second.empty() ? parameters.erase(it) : std::next(it);
  }
  return parameters;
}

std::optional<std::string_view> bearer_token(const httplib::Request& request) {
  const std::optional<std::string_view> header = single_header(request, "Authorization");
  if (!header) return std::nullopt;
  std::string_view value = *header;
  constexpr std::string_view kScheme = "bearer";
  if (value.size() <= kScheme.size() || !iequals(value.substr(0, kScheme.size()), kScheme) ||
      value[kScheme.size()] != ' ') {
    return std::nullopt;
  }
  value.remove_prefix(kScheme.size());
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);  // RFC 6750 §2.1: 1*SP
  // b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
  std::size_t i = 0;
  while (i < value.size() && is_b64token_char(static_cast<unsigned char>(value[i]))) ++i;
  if (i == 0) return std::nullopt;
  while (i < value.size() && value[i] == '=') ++i;
  if (i != value.size()) return std::nullopt;
  return value;
}

bool constant_time_equals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    // Same work as a real comparison of |a|, so the time says nothing about where the contents differ.
    [[maybe_unused]] const volatile int ignored = sodium_memcmp(a.data(), a.data(), a.size());
    return false;
  }
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool is_safe_id(std::string_view id) {
  return !id.empty() && id.size() <= kMaxIdLength && std::all_of(id.begin(), id.end(), [](unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

}  // namespace veil::platform
