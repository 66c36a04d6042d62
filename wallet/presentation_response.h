// PresentationResponse: the wallet's answer to an OpenID4VP request (OpenID4VP 1.0 §8): one SD-JWT+KB per
// approved credential, the vp_token keyed by credential query id, posted with direct_post (§8.2) to the
// response_uri, and the verifier's answer to that post.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "veil/claim_path.h"
#include "veil/clock.h"
#include "veil/error.h"
#include "veil/json.h"
#include "veil/platform/http_client.h"
#include "wallet/authorization_request.h"
#include "wallet/consent_plan.h"
#include "wallet/wallet_store.h"

namespace veil::wallet {

/// PresentationInput is one approved disclosure with the copy to present it from (WalletStore::
/// take_copy_for_verifier): the issued SD-JWT (no KB-JWT) and the private key its cnf names.
struct PresentationInput {
  ApprovedDisclosure disclosure;
  CredentialCopy copy;
};

/// BuiltPresentation is one SD-JWT+KB of a vp_token and what it reveals (for the history: paths, never values).
struct BuiltPresentation {
  std::string credential_query_id;
  std::string credential_id;
  std::vector<ClaimPath> disclosed_paths;
  std::string presentation;  // compact SD-JWT+KB
};

/// VpToken is the vp_token of a direct_post response (§8.1): a JSON object whose members are credential query
/// ids, each an array of presentations.
struct VpToken {
  Json value = Json::object();
  std::vector<BuiltPresentation> presentations;
};

/// build_vp_token builds one presentation per input: the claims at disclosure.paths are disclosed with their
/// parents (core select_disclosures, nothing else), then a KB-JWT is signed with the copy's holder key over aud =
/// the request's full client_id (with its prefix), nonce = the request's nonce, iat = |clock|.now() and sd_hash.
/// Fails with invalid_argument when |inputs| is empty, with the SD-JWT parsing errors of a stored copy,
/// unknown_claim_path when a path is not in the copy, invalid_jwk / internal_error for an unusable holder key.
Result<VpToken> build_vp_token(const AuthorizationRequest& request, const std::vector<PresentationInput>& inputs,
                               const Clock& clock);

/// VerifierAnswer is what the response_uri answered to a successful post (§8.2): an optional redirect_uri the
/// holder's user agent may be sent to (kept only when it is https, or loopback http when the client allows it).
struct VerifierAnswer {
  int status = 200;
  std::optional<std::string> redirect_uri;
};

/// post_vp_token posts vp_token (JSON text) and state as application/x-www-form-urlencoded to the request's
/// response_uri through |client| (no redirect is ever followed). Fails with url_not_allowed / fetch_failed /
/// response_too_large from the client, and unexpected_http_status for any status but 200 (a 3xx included, P8),
/// with the verifier's OAuth "error" member in the message when it sent one.
Result<VerifierAnswer> post_vp_token(const AuthorizationRequest& request, const VpToken& vp_token,
                                     const platform::HttpClient& client);

/// post_error_response tells the verifier that the request was not answered (§8.5): posts error (e.g.
/// "access_denied" when the holder declined) and state to the response_uri. Fails like post_vp_token.
Result<VerifierAnswer> post_error_response(const AuthorizationRequest& request, const std::string& error,
                                           const std::string& error_description, const platform::HttpClient& client);

}  // namespace veil::wallet
