// IssuanceClient: the wallet's OpenID4VCI 1.0 client for the pre-authorized code flow. Two steps so that the
// holder consents before anything is requested (ATTACKS P12: never auto-accept):
//  1. inspect: fetch and check the Credential Issuer Metadata (§12.2) and, for the token endpoint, the OAuth
//     Authorization Server Metadata (RFC 8414); return what the holder must see (issuer, each offered credential
//     with its display names, whether a Transaction Code is needed).
//  2. accept: token (§6) → nonce (§7) → one credential request per configuration with a batch of `jwt` key
//     proofs, one FRESH holder key per copy (§8.2, Appendix F.1) → verify every received credential (issuer key
//     from its /.well-known/jwt-vc-issuer, signature, digests, typ, vct, iss, cnf = our key) before returning it.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "veil/clock.h"
#include "veil/error.h"
#include "veil/json.h"
#include "veil/jws_alg.h"
#include "veil/platform/http_client.h"
#include "wallet/credential_offer.h"
#include "wallet/wallet_store.h"

namespace veil::wallet {

/// IssuanceOptions are the wallet's own choices, never read from the issuer.
struct IssuanceOptions {
  /// max_batch_size caps the copies requested per credential (the issuer's batch_size may be larger).
  std::size_t max_batch_size = 10;
  /// holder_algs are the holder key algorithms in order of preference; the first one the configuration's
  /// proof_signing_alg_values_supported lists is used (ES256 by default).
  std::vector<JwsAlg> holder_algs{JwsAlg::ES256, JwsAlg::EdDSA};
  /// max_clock_skew_seconds is allowed on the received credentials' iat, nbf and exp.
  std::int64_t max_clock_skew_seconds = 60;
};

/// OfferedCredential is one credential configuration of an offer, as the issuer's metadata describes it.
struct OfferedCredential {
  std::string configuration_id;
  std::string vct;
  /// display is credential_metadata.display of the configuration ([{name, locale, description, ...}], [] when
  /// absent); claims is credential_metadata.claims ([{path, mandatory, display: [{name, locale}]}], [] when absent).
  Json display = Json::array();
  Json claims = Json::array();
  /// proof_alg is the holder key algorithm the wallet will use for this configuration.
  JwsAlg proof_alg = JwsAlg::ES256;
};

/// IssuerEndpoints are the URLs the accept step calls, all from checked metadata.
struct IssuerEndpoints {
  std::string token_endpoint;
  std::optional<std::string> nonce_endpoint;  // absent: proofs carry no nonce
  std::string credential_endpoint;
};

/// InspectedOffer is an offer whose issuer metadata checked out: everything the consent screen shows, plus what
/// accept needs. It holds the pre-authorized code (a bearer secret) inside |offer|: keep it in memory only.
struct InspectedOffer {
  CredentialOffer offer;
  std::string credential_issuer;         // equal to the metadata's credential_issuer
  Json issuer_display = Json::array();   // the metadata's display ([{name, locale, logo, ...}], [] when absent)
  std::vector<OfferedCredential> credentials;  // in the offer's order
  std::optional<TxCodeRequirement> tx_code;    // set when the holder must type a Transaction Code
  IssuerEndpoints endpoints;
  std::size_t copies_per_credential = 1;  // min(the issuer's batch_size or 1, options.max_batch_size)

  /// to_json is what the holder is shown: {"credential_issuer", "issuer_display", "credentials": [{
  /// "credential_configuration_id", "vct", "display", "claims"}], "tx_code": {...} | null, "copies"}. It never
  /// contains the pre-authorized code.
  Json to_json() const;
};

/// IssuanceClient runs the OpenID4VCI pre-authorized code flow against one issuer per call. It holds no state
/// between calls and is safe to share between threads. |clock| (proof iat, credential time checks) must outlive it.
class IssuanceClient {
 public:
  IssuanceClient(platform::HttpClient client, const Clock& clock, IssuanceOptions options = {});

  /// read_offer is read_credential_offer with this client's HttpClient.
  Result<CredentialOffer> read_offer(std::string_view link) const;

  /// inspect fetches <credential_issuer origin>/.well-known/openid-credential-issuer<path> (§12.2.2) and the
  /// Authorization Server Metadata of the AS that will answer the token request (RFC 8414 §3: the grant's
  /// authorization_server, else the metadata's only authorization_servers entry, else the issuer itself).
  /// Fails with invalid_credential_offer when the offer has no pre-authorized code grant (the only flow Veil
  /// runs), names a configuration the issuer does not list, or one whose format is not dc+sd-jwt, whose
  /// cryptographic_binding_methods_supported lacks "jwk" or whose proof types allow none of options.holder_algs;
  /// with invalid_issuer_metadata when a metadata document is not an application/json object, its
  /// credential_issuer (or the AS metadata's issuer) is not exactly the identifier it was fetched for, an
  /// endpoint is missing or not an allowed URL, or the grant names an authorization_server the issuer does not
  /// list; with the HttpClient's errors and unexpected_http_status (any answer but 200, redirects included).
  Result<InspectedOffer> inspect(const CredentialOffer& offer) const;

  /// accept runs token → nonce → credential for every offered configuration and returns one NewCredential per
  /// configuration (received_at = the clock's now), each copy with its own fresh holder key, every copy verified.
  /// Its claims are the processed payload of the first copy without cnf and status (those differ per copy);
  /// its display is {"credential_configuration_id", "name", "description"?, "claims" (credential_metadata.claims),
  /// "display" (credential_metadata.display), "issuer_name"?, "issuer_display"}.
  /// |tx_code| is the Transaction Code the holder typed. Fails with invalid_argument when a tx_code is required
  /// and missing, or given when none is required; issuance_failed when the issuer answers an OAuth error (its
  /// error code in the message: invalid_grant for a wrong tx_code or a used code, invalid_proof, ...), asks for
  /// deferred issuance, or returns no credential; one invalid_nonce answer is retried once with a fresh c_nonce;
  /// unexpected_http_status for any other status or a redirect (never followed); the HttpClient's errors. Each
  /// received credential is verified with the keys of the issuer's /.well-known/jwt-vc-issuer and fails with
  /// SdJwtVerifier's errors (invalid_signature, invalid_typ, a digest error, ...), unexpected_key_binding for an
  /// attached KB-JWT, untrusted_issuer when iss is not the credential_issuer, invalid_vct when vct is not the
  /// configuration's, holder_key_mismatch when its cnf.jwk is absent or is not one of the keys just proven (each
  /// key used once).
  Result<std::vector<NewCredential>> accept(const InspectedOffer& offer, const std::optional<std::string>& tx_code) const;

 private:
  platform::HttpClient client_;
  const Clock& clock_;
  IssuanceOptions options_;
};

}  // namespace veil::wallet
