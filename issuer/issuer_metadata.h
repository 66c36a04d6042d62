// IssuerMetadata: the credential types the issuer offers (CredentialCatalog, loaded from schemas/) and the JSON
// documents that describe the issuer to Wallets and Verifiers: Credential Issuer Metadata (OpenID4VCI 1.0 §12.2),
// OAuth Authorization Server Metadata (RFC 8414 with OpenID4VCI 1.0 §12.3), JWT VC Issuer Metadata
// (draft-ietf-oauth-sd-jwt-vc §5) and Credential Offers with their links (OpenID4VCI 1.0 §4.1).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "veil/disclosure_frame.h"
#include "veil/error.h"
#include "veil/json.h"
#include "veil/json_schema.h"
#include "veil/jws_alg.h"
#include "veil/type_metadata.h"

namespace veil::issuer {

inline constexpr char kSdJwtVcFormat[] = "dc+sd-jwt";
inline constexpr char kPreAuthorizedCodeGrant[] = "urn:ietf:params:oauth:grant-type:pre-authorized_code";
inline constexpr char kCredentialOfferScheme[] = "openid-credential-offer://";

// Paths under the public URL. The routes serve exactly these; the metadata announces them.
inline constexpr char kCredentialIssuerMetadataPath[] = "/.well-known/openid-credential-issuer";
inline constexpr char kAuthorizationServerMetadataPath[] = "/.well-known/oauth-authorization-server";
inline constexpr char kJwtVcIssuerMetadataPath[] = "/.well-known/jwt-vc-issuer";
inline constexpr char kTokenPath[] = "/token";
inline constexpr char kNoncePath[] = "/nonce";
inline constexpr char kCredentialPath[] = "/credential";
inline constexpr char kTypesPath[] = "/types/";            // + configuration id: the Type Metadata document
inline constexpr char kCredentialOffersPath[] = "/offers/";  // + offer id: a Credential Offer by reference

/// CredentialType is one credential configuration the issuer offers: schemas/<configuration_id>/ with its
/// Type Metadata and the JSON Schema of its claims.
class CredentialType {
 public:
  /// load reads |dir|/type_metadata.json and |dir|/claims.schema.json; the configuration id is the folder name.
  /// Fails with io_error, invalid_json, invalid_type_metadata or invalid_json_schema (the message names the file).
  static Result<CredentialType> load(const std::string& dir);

  /// configuration_id is the key in credential_configurations_supported and the OAuth scope ("person").
  const std::string& configuration_id() const { return configuration_id_; }
  const std::string& vct() const { return type_metadata_.vct(); }
  const TypeMetadata& type_metadata() const { return type_metadata_; }
  const JsonSchema& schema() const { return schema_; }

  /// check_claims validates |claims| before signing: the JSON Schema, then the Type Metadata's mandatory
  /// claims. Fails with invalid_claims naming the offending claim's JSON pointer (never its value), or
  /// missing_mandatory_claim naming its path.
  [[nodiscard]] Status check_claims(const Json& claims) const;

  /// disclosure_frame is TypeMetadata::disclosure_frame: what is selectively disclosable in |claims|.
  Result<DisclosureFrame> disclosure_frame(const Json& claims) const { return type_metadata_.disclosure_frame(claims); }

 private:
  CredentialType(std::string configuration_id, TypeMetadata type_metadata, JsonSchema schema)
      : configuration_id_(std::move(configuration_id)),
        type_metadata_(std::move(type_metadata)),
        schema_(std::move(schema)) {}

  std::string configuration_id_;
  TypeMetadata type_metadata_;
  JsonSchema schema_;
};

/// CredentialCatalog is every credential type under a schemas directory, loaded once at start.
class CredentialCatalog {
 public:
  /// load reads each subfolder of |schemas_dir| that holds a type_metadata.json (other entries are ignored),
  /// sorted by name. Fails like CredentialType::load, with io_error when |schemas_dir| cannot be listed or holds
  /// no type, and invalid_type_metadata when two types share a vct or a folder name is not a usable
  /// configuration id ([A-Za-z0-9_.-]+).
  static Result<CredentialCatalog> load(const std::string& schemas_dir);

  /// find returns the type with |configuration_id|, or nullptr (the service answers
  /// unknown_credential_configuration).
  const CredentialType* find(std::string_view configuration_id) const;
  /// find_by_vct returns the type whose Type Metadata has |vct|, or nullptr.
  const CredentialType* find_by_vct(std::string_view vct) const;
  const std::vector<CredentialType>& types() const { return types_; }

 private:
  CredentialCatalog() = default;
  std::vector<CredentialType> types_;
};

/// IssuerMetadataOptions are the operator's choices the metadata documents announce.
struct IssuerMetadataOptions {
  /// public_url is the Credential Issuer Identifier and the base of every endpoint ("https://issuer.example");
  /// a trailing '/' is removed.
  std::string public_url;
  /// display_name is the issuer's name for Wallets (the issuer-level "display", locale "en").
  std::string display_name = "Veil issuer";
  /// batch_size is batch_credential_issuance.batch_size: the most proofs (credentials) per request, >= 2.
  std::size_t batch_size = 10;
  /// credential_signing_algs are the algorithms of the issuer's signing keys (credential_signing_alg_values_supported).
  std::vector<JwsAlg> credential_signing_algs{JwsAlg::ES256};
  /// proof_signing_algs are the key proof algorithms accepted (proof_signing_alg_values_supported).
  std::vector<JwsAlg> proof_signing_algs{JwsAlg::ES256, JwsAlg::EdDSA};
};

/// credential_issuer_identifier returns |public_url| without trailing slashes: the iss of every credential,
/// the aud every key proof must name.
std::string credential_issuer_identifier(std::string_view public_url);

/// credential_issuer_metadata builds /.well-known/openid-credential-issuer (OpenID4VCI 1.0 §12.2.4):
/// credential_issuer, credential_endpoint, nonce_endpoint, batch_credential_issuance, display and one
/// credential_configurations_supported entry per type (format dc+sd-jwt, scope, vct,
/// cryptographic_binding_methods_supported ["jwk"], credential_signing_alg_values_supported, proof_types_supported
/// {"jwt": {...}}, credential_metadata {display, claims} from the Type Metadata, Appendix A.3.2 / B.2).
/// authorization_servers is omitted: the issuer is its own Authorization Server.
Json credential_issuer_metadata(const IssuerMetadataOptions& options, const CredentialCatalog& catalog);

/// authorization_server_metadata builds /.well-known/oauth-authorization-server (RFC 8414 §2, OpenID4VCI 1.0
/// §12.3): issuer, token_endpoint, grant_types_supported [pre-authorized_code],
/// pre-authorized_grant_anonymous_access_supported true, token_endpoint_auth_methods_supported ["none"].
Json authorization_server_metadata(const IssuerMetadataOptions& options);

/// jwt_vc_issuer_metadata builds /.well-known/jwt-vc-issuer (SD-JWT VC §5): {"issuer": the iss of the
/// credentials, "jwks": |jwks|}.
Json jwt_vc_issuer_metadata(const IssuerMetadataOptions& options, const Json& jwks);

/// TxCode describes the Transaction Code a Wallet must ask the user for (OpenID4VCI 1.0 §4.1.1 "tx_code").
struct TxCode {
  std::string input_mode = "numeric";  // "numeric" or "text"
  std::size_t length = 6;
  std::optional<std::string> description;  // at most 300 characters
};

/// CredentialOfferRequest is what a Credential Offer carries for the pre-authorized code flow.
struct CredentialOfferRequest {
  std::vector<std::string> credential_configuration_ids;
  std::string pre_authorized_code;
  std::optional<TxCode> tx_code;
};

/// credential_offer builds the Credential Offer object (OpenID4VCI 1.0 §4.1.1): credential_issuer,
/// credential_configuration_ids and grants.<pre-authorized_code grant> {"pre-authorized_code", "tx_code"}.
/// Fails with invalid_argument when there is no configuration id or the code is empty, and when a tx_code's
/// input_mode is not numeric or text, its length is 0 or its description is longer than 300 characters.
Result<Json> credential_offer(const IssuerMetadataOptions& options, const CredentialOfferRequest& request);

/// credential_offer_uri returns where the offer with |offer_id| is served by reference:
/// <public_url>/offers/<offer_id>.
std::string credential_offer_uri(const IssuerMetadataOptions& options, std::string_view offer_id);

/// credential_offer_link_by_value returns "openid-credential-offer://?credential_offer=" + the offer's JSON,
/// percent-encoded (§4.1.2).
std::string credential_offer_link_by_value(const Json& offer);

/// credential_offer_link_by_reference returns "openid-credential-offer://?credential_offer_uri=" + |offer_uri|,
/// percent-encoded (§4.1.3).
std::string credential_offer_link_by_reference(std::string_view offer_uri);

/// percent_encode encodes every byte outside RFC 3986 "unreserved" (A-Z a-z 0-9 - . _ ~) as %XX.
std::string percent_encode(std::string_view text);

}  // namespace veil::issuer
