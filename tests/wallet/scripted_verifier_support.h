// ScriptedVerifier: a verifier's two OpenID4VP endpoints, scripted by a test: GET /request serves whatever Request
// Object (or status, or redirect) the test set, and POST /response records every direct_post and answers as
// scripted. It runs an in-process platform HttpServer on 127.0.0.1, port 0, for the length of a test.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "support/test_certificate.h"
#include "veil/json.h"
#include "veil/platform/http_server.h"

namespace veil_test {

/// ScriptedAnswer is what an endpoint answers: status, content type, body and an optional Location header.
struct ScriptedAnswer {
  int status = 200;
  std::string content_type = "application/json";
  std::string body = "{}";
  std::optional<std::string> location;
};

/// RecordedPost is one request the response endpoint received.
struct RecordedPost {
  std::string content_type;
  std::string body;
  std::map<std::string, std::string> form;  // the body's application/x-www-form-urlencoded fields, decoded
};

/// RecordedFetch is one GET of the request endpoint.
struct RecordedFetch {
  std::string accept;
};

class ScriptedVerifier {
 public:
  ScriptedVerifier();
  ~ScriptedVerifier();
  ScriptedVerifier(const ScriptedVerifier&) = delete;
  ScriptedVerifier& operator=(const ScriptedVerifier&) = delete;

  /// origin is "http://127.0.0.1:PORT"; request_uri and response_uri name the two endpoints; redirect_target a
  /// third path that is only ever reached if someone follows a redirect (it records a fetch).
  std::string origin() const;
  std::string request_uri() const { return origin() + "/request"; }
  std::string response_uri() const { return origin() + "/response"; }
  std::string redirect_target() const { return origin() + "/elsewhere"; }

  /// serve_request_object makes GET /request answer 200 with |jws| as application/oauth-authz-req+jwt.
  void serve_request_object(std::string jws);
  /// script_request / script_response set the full answer of each endpoint.
  void script_request(ScriptedAnswer answer);
  void script_response(ScriptedAnswer answer);

  std::vector<RecordedFetch> fetches() const;
  std::vector<RecordedPost> posts() const;
  /// elsewhere_hits counts requests to redirect_target (any method): non-zero means a redirect was followed.
  int elsewhere_hits() const;

 private:
  veil::platform::HttpServer server_;
  mutable std::mutex mutex_;
  ScriptedAnswer request_answer_;
  ScriptedAnswer response_answer_;
  std::vector<RecordedFetch> fetches_;
  std::vector<RecordedPost> posts_;
  int elsewhere_hits_ = 0;
};

/// sign_request_object signs |claims| as a Request Object with |certificate|'s key: header typ
/// oauth-authz-req+jwt and x5c [certificate], plus the members of |extra_header| (which may override them).
std::string sign_request_object(const TestCertificate& certificate, const veil::Json& claims,
                                const veil::Json& extra_header = veil::Json::object());

/// form_decode decodes an application/x-www-form-urlencoded body ('+' is a space) into its fields.
std::map<std::string, std::string> form_decode(const std::string& body);

}  // namespace veil_test
