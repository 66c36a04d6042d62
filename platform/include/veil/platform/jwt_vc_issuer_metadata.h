// JwtVcIssuerMetadata: an SD-JWT VC issuer's signing keys as it publishes them at /.well-known/jwt-vc-issuer
// (draft-ietf-oauth-sd-jwt-vc "JWT VC Issuer Metadata"). The wallet checks every received credential with these
// keys; the verifier resolves the keys of trust-file issuers marked "resolve": "metadata" with them.
//
// Only the issuer's own origin is ever contacted: the metadata URL is derived from iss, and a jwks_uri is
// followed only when it is on that same origin (anything else is refused, so a metadata document cannot send
// a wallet or verifier to fetch an arbitrary URL: ATTACKS.md P8).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "veil/error.h"
#include "veil/json.h"
#include "veil/jwk.h"
#include "veil/platform/http_client.h"

namespace veil::platform {

inline constexpr char kJwtVcIssuerWellKnown[] = "/.well-known/jwt-vc-issuer";

/// JwtVcIssuerMetadata is a checked JWT VC Issuer Metadata document: the issuer identifier it names (equal to
/// the iss it was fetched for) and its public signing keys, in document order, each with its kid when it had one.
struct JwtVcIssuerMetadata {
  std::string issuer;
  std::vector<Jwk> keys;

  /// jwks returns {"keys": [public JWKs with kid]}, the JWK Set shape TrustList::add_keys reads.
  Json jwks() const;
};

/// jwt_vc_issuer_metadata_url returns where |iss| publishes its metadata: origin + "/.well-known/jwt-vc-issuer"
/// + the path of |iss| (one trailing '/' of the path removed), e.g. https://ex.com/tenant/1 ->
/// https://ex.com/.well-known/jwt-vc-issuer/tenant/1. Fails with url_not_allowed when |iss| is not a URL
/// |policy| lets us fetch, or has a query (the draft's iss has scheme, host, optional port and path only).
Result<std::string> jwt_vc_issuer_metadata_url(std::string_view iss, const FetchPolicy& policy);

/// parse_jwt_vc_issuer_metadata checks a metadata document with inline "jwks". Fails with
/// invalid_issuer_metadata when it is not an object, "issuer" is not a string exactly equal to |expected_iss|,
/// both or neither of jwks and jwks_uri are present (jwks_uri documents go through
/// fetch_jwt_vc_issuer_metadata), jwks is not {"keys": [objects]}, a key carries private members (d, p, q, dp,
/// dq, qi, k, oth), two keys share a kid, or no key Veil can use remains; with invalid_jwk for a malformed key.
/// Keys of a type Veil does not use (RSA, P-384, ...) are skipped (RFC 7517 §5).
Result<JwtVcIssuerMetadata> parse_jwt_vc_issuer_metadata(const Json& document, std::string_view expected_iss);

/// parse_jwk_set checks a JWK Set ({"keys": [...]}) the way parse_jwt_vc_issuer_metadata checks its jwks
/// member, and returns its usable public keys. Fails as described there.
Result<std::vector<Jwk>> parse_jwk_set(const Json& jwks);

/// fetch_jwt_vc_issuer_metadata GETs the metadata of |iss| (Accept: application/json, no redirect followed) and
/// checks it like parse_jwt_vc_issuer_metadata. A "jwks_uri" is fetched only when it has the same origin as
/// |iss| (else invalid_issuer_metadata). Fails with the HttpClient's errors (url_not_allowed, fetch_failed,
/// response_too_large), unexpected_http_status for any answer but 200 (a redirect included), invalid_json for a
/// body that is not a JSON object, invalid_issuer_metadata for a content type other than application/json or a
/// document that does not check.
Result<JwtVcIssuerMetadata> fetch_jwt_vc_issuer_metadata(const HttpClient& client, std::string_view iss);

}  // namespace veil::platform
