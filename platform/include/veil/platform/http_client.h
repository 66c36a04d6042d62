// HttpClient: Veil's outgoing HTTP (the wallet fetching offers, metadata and request objects and posting
// responses; the verifier fetching issuer keys and status lists). Every fetch is bounded in time and size,
// never follows a redirect (ATTACKS.md P8, L9), and goes only to URLs the FetchPolicy allows: an attacker-named
// URL must not turn a wallet or verifier into a probe of the holder's or operator's network.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "veil/error.h"
#include "veil/json.h"

namespace veil::platform {

/// FetchPolicy says where a client may connect and how long and how much it may read.
struct FetchPolicy {
  /// Plain http:// is refused unless this is set, and then only to a loopback host (127.0.0.1, [::1],
  /// localhost): local demos and tests. https:// is always allowed, with the server certificate verified
  /// against the system CA store.
  bool allow_loopback_http = false;
  /// Bound on connecting, and on each read and write (a trickling server hits it).
  std::chrono::milliseconds timeout{5000};
  /// Bound on the response body; a longer answer fails with response_too_large, whatever Content-Length says.
  std::size_t max_response_bytes = 1024 * 1024;
};

/// FetchUrl is an absolute URL that passed the policy: scheme "https" or "http", host (brackets kept for IPv6
/// literals), port (explicit or the scheme's default) and target (path plus query, "/" when empty).
struct FetchUrl {
  std::string scheme;
  std::string host;
  int port = 0;
  std::string target;

  /// origin returns "scheme://host[:port]" with the port omitted when it is the scheme's default.
  std::string origin() const;
  /// str returns origin() + target.
  std::string str() const;
};

/// is_loopback_host tells whether |host| is 127.0.0.1 (any 127/8 address), [::1] or localhost (case-insensitive).
[[nodiscard]] bool is_loopback_host(std::string_view host);

/// parse_fetch_url checks |url| against |policy|. Fails with url_not_allowed for anything but an absolute
/// https:// URL (or http:// to a loopback host when policy.allow_loopback_http), and for userinfo ("user@"),
/// a fragment, an empty or malformed host, a port outside 1..65535, control characters or spaces.
Result<FetchUrl> parse_fetch_url(std::string_view url, const FetchPolicy& policy);

/// FetchResponse is what the remote party answered. Non-2xx statuses and redirects (3xx, never followed) are
/// answers too: the caller decides what its protocol step accepts (expect_status).
struct FetchResponse {
  int status = 0;
  std::string content_type;  // the Content-Type header as sent, "" when absent
  std::string body;
  std::optional<std::string> location;  // the Location header of a redirect, reported, never followed
};

/// HeaderList is a list of extra request headers (name, value), e.g. {"Authorization", "Bearer ..."}.
using HeaderList = std::vector<std::pair<std::string, std::string>>;

/// HttpClient makes one request per call on a fresh connection. It is cheap to copy and safe to share between
/// threads (it holds only its policy).
class HttpClient {
 public:
  explicit HttpClient(FetchPolicy policy = {}) : policy_(policy) {}

  const FetchPolicy& policy() const { return policy_; }

  /// get fetches |url| with the given Accept header. Fails with url_not_allowed (policy), fetch_failed
  /// (connect, TLS, timeout, reset) or response_too_large.
  Result<FetchResponse> get(std::string_view url, std::string_view accept,
                            const HeaderList& headers = {}) const;

  /// post sends |body| with |content_type| to |url|; failures as for get.
  Result<FetchResponse> post(std::string_view url, std::string_view content_type, std::string body,
                             const HeaderList& headers = {}) const;

  /// post_form sends |fields| as application/x-www-form-urlencoded (percent-encoded, RFC 6749 Appendix B).
  Result<FetchResponse> post_form(std::string_view url, const std::vector<std::pair<std::string, std::string>>& fields,
                                  const HeaderList& headers = {}) const;

  /// post_json sends |body| serialized as application/json.
  Result<FetchResponse> post_json(std::string_view url, const Json& body, const HeaderList& headers = {}) const;

 private:
  FetchPolicy policy_;
};

/// form_urlencode percent-encodes |fields| as an application/x-www-form-urlencoded string ("a=1&b=x%20y").
std::string form_urlencode(const std::vector<std::pair<std::string, std::string>>& fields);

/// expect_status fails with unexpected_http_status (message names the step, the status and, for an OAuth-style
/// JSON error body, its "error" member) unless |response| has status |expected|. |step| is a short noun phrase
/// for people ("credential issuer metadata").
Status expect_status(const FetchResponse& response, int expected, std::string_view step);

/// json_object_body parses |response|'s body as a JSON object with the default parse limits. Fails with
/// invalid_json, nesting_too_deep, duplicate_json_member, input_too_large or, for a JSON value that is not an
/// object, invalid_json.
Result<Json> json_object_body(const FetchResponse& response);

/// media_type_of returns the lowercase media type of a Content-Type value without parameters
/// ("application/json; charset=utf-8" -> "application/json").
std::string media_type_of(std::string_view content_type);

}  // namespace veil::platform
