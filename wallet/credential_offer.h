// CredentialOffer: an OpenID4VCI 1.0 Credential Offer (§4.1) as the wallet receives it — an
// openid-credential-offer:// link carrying the offer by value (credential_offer=<json>, §4.1.2) or by reference
// (credential_offer_uri=<https URL>, §4.1.3) — checked before anything is shown to the holder.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "veil/error.h"
#include "veil/json.h"
#include "veil/platform/http_client.h"

namespace veil::wallet {

inline constexpr char kCredentialOfferLinkScheme[] = "openid-credential-offer://";
inline constexpr char kPreAuthorizedCodeGrantType[] = "urn:ietf:params:oauth:grant-type:pre-authorized_code";
inline constexpr char kAuthorizationCodeGrantType[] = "authorization_code";
/// kMaxCredentialOfferLinkBytes bounds a link (by value it holds the whole offer).
inline constexpr std::size_t kMaxCredentialOfferLinkBytes = 64 * 1024;

/// TxCodeRequirement is the offer's tx_code object (§4.1.1): the issuer will ask for a Transaction Code sent to
/// the holder out of band. Every member is optional in the offer; "tx_code": {} still means a code is required.
struct TxCodeRequirement {
  std::string input_mode = "numeric";      // "numeric" (digits only) or "text"
  std::optional<std::size_t> length;       // how many characters the holder will type
  std::optional<std::string> description;  // the issuer's instruction, at most 300 characters

  /// to_json returns {"input_mode", "length"?, "description"?}.
  Json to_json() const;
};

/// PreAuthorizedCodeGrant is grants["urn:ietf:params:oauth:grant-type:pre-authorized_code"] (§4.1.1). The code
/// is a bearer secret: whoever holds it redeems the offer. Never log it or show it.
struct PreAuthorizedCodeGrant {
  std::string pre_authorized_code;
  std::optional<TxCodeRequirement> tx_code;
  std::optional<std::string> authorization_server;  // must be one of the issuer's authorization_servers
};

/// CredentialOffer is a checked Credential Offer object. Holding one means: credential_issuer is an absolute
/// URL the fetch policy allows with no query or fragment, credential_configuration_ids is a non-empty array of
/// distinct non-empty strings, grants (when present) is an object whose known grants are well-formed.
class CredentialOffer {
 public:
  /// parse checks a Credential Offer object. Fails with invalid_credential_offer and a message naming the
  /// offending member: not an object, credential_issuer missing / not a string / not an allowed https URL (or,
  /// under policy.allow_loopback_http, a loopback http URL) / with a query or fragment,
  /// credential_configuration_ids missing / empty / not all non-empty strings / duplicated, grants not an
  /// object, a pre-authorized_code grant that is not an object or whose pre-authorized_code is missing or empty,
  /// a tx_code that is not an object or whose input_mode is not "numeric" or "text", whose length is not a
  /// positive integer, or whose description is not a string of at most 300 characters, an authorization_code
  /// grant that is not an object or whose issuer_state is not a string, an authorization_server that is not a
  /// string.
  static Result<CredentialOffer> parse(const Json& offer, const platform::FetchPolicy& policy);

  /// credential_issuer is the Credential Issuer Identifier the offer names: only a claim until the issuer's
  /// metadata confirms it (IssuanceClient::inspect; ATTACKS P12).
  const std::string& credential_issuer() const { return credential_issuer_; }
  const std::vector<std::string>& credential_configuration_ids() const { return credential_configuration_ids_; }
  /// pre_authorized_code_grant is the one flow Veil's wallet runs; nullopt when the offer does not carry it.
  const std::optional<PreAuthorizedCodeGrant>& pre_authorized_code_grant() const { return pre_authorized_; }
  /// has_authorization_code_grant tells whether the offer also (or only) offers the authorization code flow.
  bool has_authorization_code_grant() const { return has_authorization_code_; }
  /// json is the offer object as received.
  const Json& json() const { return json_; }

 private:
  CredentialOffer() = default;
  std::string credential_issuer_;
  std::vector<std::string> credential_configuration_ids_;
  std::optional<PreAuthorizedCodeGrant> pre_authorized_;
  bool has_authorization_code_ = false;
  Json json_;
};

/// CredentialOfferLink is what an openid-credential-offer:// link carries: exactly one of the offer object
/// (by value) and the URL it is served at (by reference).
struct CredentialOfferLink {
  std::optional<Json> credential_offer;
  std::optional<std::string> credential_offer_uri;
};

/// parse_credential_offer_link reads |link|: the scheme openid-credential-offer:// (case-insensitive; anything
/// between "//" and "?" is ignored), then a query with exactly one of credential_offer and credential_offer_uri
/// (percent-decoded, '+' as space; other parameters ignored). Fails with invalid_credential_offer for another
/// scheme, a link over kMaxCredentialOfferLinkBytes, no query, both or neither parameter, a parameter given
/// twice, a bad percent escape, a credential_offer that is not a JSON object (its JSON error in the message) or
/// a credential_offer_uri that |policy| does not allow.
Result<CredentialOfferLink> parse_credential_offer_link(std::string_view link, const platform::FetchPolicy& policy);

/// read_credential_offer parses |link| and returns the checked offer, fetching it by reference through |client|
/// (GET, Accept: application/json, no redirect followed). Fails like parse_credential_offer_link and
/// CredentialOffer::parse, with the client's errors (url_not_allowed, fetch_failed, response_too_large),
/// unexpected_http_status for any answer but 200 (a redirect included), and invalid_credential_offer for a
/// fetched body that is not application/json or not a JSON object.
Result<CredentialOffer> read_credential_offer(std::string_view link, const platform::HttpClient& client);

}  // namespace veil::wallet
