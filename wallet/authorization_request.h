// AuthorizationRequest: an OpenID4VP 1.0 authorization request as the wallet accepts it (by value or by
// request_uri), after every check of the client_id prefix, the Request Object signature and the response
// parameters (ATTACKS.md P5-P9). Holding one means the wallet may show it to the holder.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "veil/clock.h"
#include "veil/dcql.h"
#include "veil/error.h"
#include "veil/json.h"
#include "veil/platform/http_client.h"

namespace veil::wallet {

/// ClientIdPrefix is the Client Identifier Prefix of a request (OpenID4VP 1.0 §5.9.3). Veil supports these three;
/// every other prefix (decentralized_identifier:, verifier_attestation:, openid_federation:, origin:, none) is
/// refused with unsupported_client_id_prefix.
enum class ClientIdPrefix {
  x509_hash,      // signed; client_id value = base64url(SHA-256(DER of the x5c leaf))
  x509_san_dns,   // signed; client_id value = a dNSName SAN of the x5c leaf = the response_uri host
  redirect_uri,   // unsigned, by value only; client_id value = the response_uri
};

/// client_id_prefix_name returns "x509_hash", "x509_san_dns" or "redirect_uri".
std::string_view client_id_prefix_name(ClientIdPrefix prefix);

/// AuthorizationRequestPolicy says what the wallet accepts beyond the protocol's fixed rules.
struct AuthorizationRequestPolicy {
  /// allow_loopback_http lets request_uri and response_uri be http:// to a loopback host (local demo, tests);
  /// otherwise both must be https.
  bool allow_loopback_http = false;
  /// max_clock_skew_seconds bounds the Request Object's exp/nbf/iat and the x5c leaf's validity window.
  std::int64_t max_clock_skew_seconds = 60;
};

/// AuthorizationRequest is a checked OpenID4VP request with response_type=vp_token and
/// response_mode=direct_post: every member below has been validated.
struct AuthorizationRequest {
  std::string client_id;           // full, with its prefix ("x509_hash:..."): the KB-JWT aud
  ClientIdPrefix client_id_prefix;
  std::string client_id_value;     // the part after the prefix
  std::string response_uri;        // where the vp_token is posted (https, or loopback http when allowed)
  std::string nonce;
  std::string state;
  DcqlQuery dcql_query;
  bool signed_request = false;     // the parameters came from a verified Request Object
  /// verifier_name is what the consent screen shows as "who asks": the DNS name of x509_san_dns, the leaf's
  /// first dNSName SAN (else its subject CN) for x509_hash, the response_uri host for redirect_uri. For an
  /// x509_hash request without a trust list it is what the verifier's certificate claims, not a verified name.
  std::string verifier_name;
  std::optional<Json> client_metadata;  // as received (an object), not interpreted
  std::optional<std::string> request_uri;  // where the Request Object was fetched from, when by reference
  std::optional<std::int64_t> expires_at = {};  // the Request Object's exp: the verifier takes no answer after it

  /// to_json describes the request for the wallet's API and logs: client_id, prefix, verifier_name,
  /// response_uri, signed, dcql_query. The nonce and state are left out.
  Json to_json() const;
};

/// AuthorizationRequestLink is an `openid4vp://` link taken apart: its query parameters, percent-decoded, in
/// order. Nothing in it is checked beyond the URL syntax.
struct AuthorizationRequestLink {
  std::vector<std::pair<std::string, std::string>> parameters;

  /// find returns the value of |name|, or nullptr.
  const std::string* find(std::string_view name) const;
};

/// parse_authorization_request_link reads "openid4vp://?..." (any authority or path, e.g. "openid4vp://authorize?"),
/// or a bare query "?client_id=...". Fails with invalid_authorization_request for another scheme, no query, a
/// fragment, a parameter without "=", invalid percent-encoding, or a parameter given twice (never guessed).
Result<AuthorizationRequestLink> parse_authorization_request_link(std::string_view link);

/// authorization_request_from_parameters checks an unsigned request passed by value (OpenID4VP 1.0 §5): the
/// client_id must carry the redirect_uri: prefix (x509_* prefixes need a signed Request Object:
/// unsupported_client_id_prefix) and its value must equal response_uri (client_id_mismatch, P5); then the
/// common checks (see check_request_parameters).
Result<AuthorizationRequest> authorization_request_from_parameters(const AuthorizationRequestLink& link,
                                                                   const AuthorizationRequestPolicy& policy);

/// authorization_request_from_request_object checks a Request Object (RFC 9101, OpenID4VP 1.0 §5.8-5.10):
/// a compact JWS with typ "oauth-authz-req+jwt" and an allowed alg, an x5c header whose leaf certificate is
/// within its validity window and whose key verifies the signature; |outer_client_id| (the link's client_id)
/// must equal the client_id inside (client_id_mismatch); x509_hash: the value must be base64url(SHA-256(leaf
/// DER)) (client_id_mismatch); x509_san_dns: the value must be a dNSName SAN of the leaf and equal the
/// response_uri host (client_id_mismatch, P6); redirect_uri: is refused signed (invalid_request_object, P5).
/// Anything wrong with the JWS itself (alg none, tampered signature, wrong typ, missing or bad x5c, exp in the
/// past) fails with invalid_request_object, the underlying reason in the message. Then the common checks.
Result<AuthorizationRequest> authorization_request_from_request_object(std::string_view compact_jws,
                                                                       std::string_view outer_client_id,
                                                                       const AuthorizationRequestPolicy& policy,
                                                                       const Clock& clock);

/// resolve_authorization_request turns a link into a checked request. With request_uri it fetches the Request
/// Object by GET (Accept: application/oauth-authz-req+jwt) through |client| (whose FetchPolicy should match
/// |policy|); a "request" parameter is a Request Object by value; otherwise the link is an unsigned request.
/// Fails with invalid_authorization_request when client_id is missing, when request_uri and request are both
/// present, when request_uri_method is "post" (not supported) or anything but "get"; url_not_allowed for a
/// request_uri the policy refuses; unexpected_http_status for any answer but 200 (a 3xx is never followed, P8);
/// fetch_failed / response_too_large from the client; and as the two functions above.
Result<AuthorizationRequest> resolve_authorization_request(const AuthorizationRequestLink& link,
                                                           const platform::HttpClient& client,
                                                           const AuthorizationRequestPolicy& policy,
                                                           const Clock& clock);

/// check_request_parameters is the common part of both paths, given the parameters as JSON members (strings,
/// and for dcql_query / client_metadata objects; the by-value path decodes them from JSON text first):
/// response_type must be "vp_token"; response_mode "direct_post" ("direct_post.jwt" and others are refused:
/// invalid_authorization_request); response_uri is required and allowed by the policy (url_not_allowed);
/// redirect_uri next to response_uri is refused (invalid_authorization_request, P7); transaction_data is
/// refused (invalid_authorization_request, P9); scope and presentation_definition are refused (only DCQL);
/// nonce and state must be non-empty strings; dcql_query must be a valid DCQL query (invalid_dcql_query).
/// |client_id| has already been split into prefix and value by the caller.
Result<AuthorizationRequest> check_request_parameters(const Json& parameters, std::string client_id,
                                                      ClientIdPrefix prefix, std::string client_id_value,
                                                      const AuthorizationRequestPolicy& policy);

}  // namespace veil::wallet
