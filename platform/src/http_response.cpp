#include "veil/platform/http_response.h"

#include <string>

namespace veil::platform {
namespace {

constexpr const char* kNoStore = "no-store";

std::string dump_for_http(const Json& body) {
  // Invalid UTF-8 in a string is replaced rather than thrown about: an answer is always sent.
  return body.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace

void set_header_once(httplib::Response& response, const std::string& name, const std::string& value) {
  response.headers.erase(name);
  response.set_header(name, value);
}

void send_json(httplib::Response& response, int status, const Json& body) {
  response.status = status;
  response.set_content(dump_for_http(body), "application/json");
  set_header_once(response, "Cache-Control", kNoStore);
}

void send_cacheable_json(httplib::Response& response, const Json& body, std::string_view content_type) {
  response.status = 200;
  response.set_content(dump_for_http(body), std::string(content_type));
  set_header_once(response, "Cache-Control", "public, max-age=" + std::to_string(kPublicMaxAgeSeconds));
}

void send_error(httplib::Response& response, const HttpError& error) {
  Json body = {{"error", error.error}};
  if (!error.description.empty()) body["error_description"] = error.description;
  if (error.status == 401 && !response.has_header("WWW-Authenticate")) {
    // RFC 6750 §3: a 401 names the scheme the client must use (a caller may have set a more precise challenge).
    response.set_header("WWW-Authenticate", "Bearer");
  }
  send_json(response, error.status, body);
}

void send_text(httplib::Response& response, int status, std::string_view body, std::string_view content_type) {
  response.status = status;
  response.set_content(std::string(body), std::string(content_type));
  set_header_once(response, "Cache-Control", kNoStore);
}

std::string_view default_error_code(int status) {
  switch (status) {
    case 400: return "invalid_request";
    case 401: return "invalid_token";
    case 403: return "access_denied";
    case 404: return "not_found";
    case 405: return "method_not_allowed";
    case 408: return "request_timeout";
    case 413: return "payload_too_large";
    case 414: return "uri_too_long";
    case 415: return "unsupported_media_type";
    case 431: return "request_header_fields_too_large";
    default: return status >= 500 ? "server_error" : "invalid_request";
  }
}

}  // namespace veil::platform
