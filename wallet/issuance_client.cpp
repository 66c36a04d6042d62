#include "wallet/issuance_client.h"

#include <algorithm>
#include <cctype>
#include <memory>

#include "veil/issuer_keys.h"
#include "veil/jwk.h"
#include "veil/openid4vci_proof.h"
#include "veil/platform/jwt_vc_issuer_metadata.h"
#include "veil/sd_jwt.h"
#include "veil/sd_jwt_verifier.h"
#include "veil/signer.h"

namespace veil::wallet {

namespace {

constexpr char kCredentialIssuerWellKnown[] = "/.well-known/openid-credential-issuer";
constexpr char kAuthorizationServerWellKnown[] = "/.well-known/oauth-authorization-server";
constexpr char kSdJwtVcFormat[] = "dc+sd-jwt";

tl::unexpected<Error> bad_metadata(std::string message) {
  return fail(ErrorCode::invalid_issuer_metadata, std::move(message));
}

tl::unexpected<Error> bad_offer(std::string message) {
  return fail(ErrorCode::invalid_credential_offer, std::move(message));
}

// well_known_url inserts |suffix| between the host and the path of |identifier| (OpenID4VCI §12.2.2,
// RFC 8414 §3.1), a terminating "/" of the path removed first.
Result<std::string> well_known_url(std::string_view identifier, std::string_view suffix,
                                   const platform::FetchPolicy& policy) {
  auto url = platform::parse_fetch_url(identifier, policy);
  if (!url) return bad_metadata(std::string(identifier) + " is not an allowed URL: " + url.error().message);
  std::string path = url->target;
  if (path.find('?') != std::string::npos) return bad_metadata(std::string(identifier) + " has a query component");
  if (!path.empty() && path.back() == '/') path.pop_back();
  return url->origin() + std::string(suffix) + path;
}

Result<Json> fetch_metadata(const platform::HttpClient& client, const std::string& url, std::string_view step) {
  VEIL_TRY(const auto response, client.get(url, "application/json"));
  VEIL_CHECK(platform::expect_status(response, 200, step));
  if (platform::media_type_of(response.content_type) != "application/json") {
    return bad_metadata(std::string(step) + " is not application/json");
  }
  auto document = platform::json_object_body(response);
  if (!document) return bad_metadata(std::string(step) + " is not a JSON object: " + document.error().message);
  return document;
}

// endpoint reads a required (or optional) endpoint URL of a metadata document; it must pass the fetch policy.
Result<std::optional<std::string>> endpoint(const Json& metadata, const char* name, bool required,
                                            const platform::FetchPolicy& policy) {
  if (!metadata.contains(name)) {
    if (required) return bad_metadata(std::string("the metadata has no ") + name);
    return std::optional<std::string>();
  }
  const auto& value = metadata.at(name);
  if (!value.is_string()) return bad_metadata(std::string(name) + " is not a string");
  auto url = platform::parse_fetch_url(value.get_ref<const std::string&>(), policy);
  if (!url) return bad_metadata(std::string(name) + " is not an allowed URL: " + url.error().message);
  return std::optional<std::string>(value.get<std::string>());
}

Result<Json> optional_array(const Json& object, const char* name, std::string_view where) {
  if (!object.contains(name)) return Json::array();
  if (!object.at(name).is_array()) return bad_metadata(std::string(where) + " " + name + " is not an array");
  return object.at(name);
}

bool array_has_string(const Json& array, std::string_view value) {
  return array.is_array() && std::any_of(array.begin(), array.end(),
                                         [&](const Json& item) { return item.is_string() && item == value; });
}

Result<OfferedCredential> offered_credential(const Json& configurations, const std::string& id,
                                             const IssuanceOptions& options) {
  if (!configurations.contains(id)) return bad_offer("the issuer does not offer the configuration \"" + id + "\"");
  const Json& configuration = configurations.at(id);
  if (!configuration.is_object()) return bad_metadata("configuration \"" + id + "\" is not a JSON object");
  if (!configuration.contains("format") || configuration.at("format") != kSdJwtVcFormat) {
    return bad_offer("configuration \"" + id + "\" is not an SD-JWT VC (format dc+sd-jwt)");
  }
  OfferedCredential offered;
  offered.configuration_id = id;
  if (!configuration.contains("vct") || !configuration.at("vct").is_string() || configuration.at("vct").empty()) {
    return bad_metadata("configuration \"" + id + "\" has no vct string");
  }
  offered.vct = configuration.at("vct").get<std::string>();
  // The wallet only takes credentials bound to a key it proves (§8.2): jwk binding with jwt proofs.
  if (!array_has_string(configuration.value("cryptographic_binding_methods_supported", Json()), "jwk")) {
    return bad_offer("configuration \"" + id + "\" does not bind credentials to a jwk holder key");
  }
  const Json proof_types = configuration.value("proof_types_supported", Json());
  if (!proof_types.is_object() || !proof_types.contains("jwt") || !proof_types.at("jwt").is_object()) {
    return bad_offer("configuration \"" + id + "\" does not accept jwt key proofs");
  }
  const Json algs = proof_types.at("jwt").value("proof_signing_alg_values_supported", Json());
  const auto alg = std::find_if(options.holder_algs.begin(), options.holder_algs.end(),
                                [&](JwsAlg candidate) { return array_has_string(algs, jws_alg_name(candidate)); });
  if (alg == options.holder_algs.end()) {
    return bad_offer("configuration \"" + id + "\" accepts no key proof algorithm the wallet uses");
  }
  offered.proof_alg = *alg;
  if (configuration.contains("credential_metadata")) {
    const Json& credential_metadata = configuration.at("credential_metadata");
    if (!credential_metadata.is_object()) return bad_metadata("credential_metadata of \"" + id + "\" is not an object");
    VEIL_TRY(offered.display, optional_array(credential_metadata, "display", "credential_metadata"));
    VEIL_TRY(offered.claims, optional_array(credential_metadata, "claims", "credential_metadata"));
  }
  return offered;
}

// authorization_server_identifier picks the AS that answers the token request (§4.1.1 authorization_server,
// §12.2.4 authorization_servers: absent means the Credential Issuer is its own AS).
Result<std::string> authorization_server_identifier(const Json& metadata, const PreAuthorizedCodeGrant& grant,
                                                    const std::string& credential_issuer) {
  VEIL_TRY(const Json servers, optional_array(metadata, "authorization_servers", "the credential issuer metadata"));
  if (grant.authorization_server) {
    if (!array_has_string(servers, *grant.authorization_server)) {
      return bad_metadata("the offer names an authorization_server the issuer metadata does not list");
    }
    return *grant.authorization_server;
  }
  if (servers.empty()) return credential_issuer;
  if (servers.size() > 1) return bad_metadata("the issuer lists several authorization servers and the offer names none");
  if (!servers.at(0).is_string()) return bad_metadata("authorization_servers holds a non-string");
  return servers.at(0).get<std::string>();
}

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// oauth_error_code returns the "error" member of an OAuth-style error answer (RFC 6749 §5.2, VCI §8.3.1.2), kept
// to a short token so that an issuer cannot smuggle text into the wallet's messages.
std::optional<std::string> oauth_error_code(const platform::FetchResponse& response) {
  if (response.status != 400 && response.status != 401 && response.status != 403) return std::nullopt;
  auto body = platform::json_object_body(response);
  if (!body || !body->contains("error") || !body->at("error").is_string()) return std::nullopt;
  const auto& error = body->at("error").get_ref<const std::string&>();
  if (error.empty() || error.size() > 64 || !std::all_of(error.begin(), error.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
      })) {
    return std::string("unrecognized_error");
  }
  return error;
}

// expect_success turns an issuer's OAuth error into issuance_failed and anything else but |expected| into
// unexpected_http_status (redirects included: they are never followed, ATTACKS P8).
Status expect_success(const platform::FetchResponse& response, int expected, std::string_view step) {
  if (auto error = oauth_error_code(response)) {
    return fail(ErrorCode::issuance_failed, "the issuer refused the " + std::string(step) + ": " + *error);
  }
  return platform::expect_status(response, expected, step);
}

Result<std::string> request_access_token(const platform::HttpClient& client, const std::string& token_endpoint,
                                         const PreAuthorizedCodeGrant& grant,
                                         const std::optional<std::string>& tx_code) {
  std::vector<std::pair<std::string, std::string>> form = {{"grant_type", kPreAuthorizedCodeGrantType},
                                                           {"pre-authorized_code", grant.pre_authorized_code}};
  if (tx_code) form.emplace_back("tx_code", *tx_code);
  VEIL_TRY(const auto response, client.post_form(token_endpoint, form));
  VEIL_CHECK(expect_success(response, 200, "token request"));
  auto body = platform::json_object_body(response);
  if (!body) return fail(ErrorCode::issuance_failed, "the token response is not a JSON object");
  const auto token = body->find("access_token");
  if (token == body->end() || !token->is_string() || token->get_ref<const std::string&>().empty()) {
    return fail(ErrorCode::issuance_failed, "the token response has no access_token");
  }
  // Only Bearer tokens (RFC 6750) are sent; a DPoP-bound token would need a proof the wallet does not make.
  const auto type = body->find("token_type");
  if (type == body->end() || !type->is_string() || lowercase(type->get<std::string>()) != "bearer") {
    return fail(ErrorCode::issuance_failed, "the token response's token_type is not Bearer");
  }
  return token->get<std::string>();
}

Result<std::optional<std::string>> request_c_nonce(const platform::HttpClient& client,
                                                   const std::optional<std::string>& nonce_endpoint) {
  if (!nonce_endpoint) return std::optional<std::string>();
  // §7.1: the Nonce Request is a POST without a body.
  VEIL_TRY(const auto response, client.post(*nonce_endpoint, "application/x-www-form-urlencoded", ""));
  VEIL_CHECK(expect_success(response, 200, "nonce request"));
  auto body = platform::json_object_body(response);
  if (!body || !body->contains("c_nonce") || !body->at("c_nonce").is_string() || body->at("c_nonce").empty()) {
    return fail(ErrorCode::issuance_failed, "the nonce response has no c_nonce");
  }
  return std::optional<std::string>(body->at("c_nonce").get<std::string>());
}

struct HolderKey {
  PrivateJwk key;
  std::unique_ptr<Signer> signer;
};

Result<std::vector<std::string>> sign_proofs(const std::vector<HolderKey>& holders, const std::string& aud,
                                             std::int64_t now, const std::optional<std::string>& nonce) {
  std::vector<std::string> proofs;
  for (const auto& holder : holders) {
    // Anonymous pre-authorized access: no client_id, so no iss in the proof (Appendix F.1).
    VEIL_TRY(auto proof, sign_openid4vci_proof({aud, now, nonce, std::nullopt}, holder.key.public_key(), *holder.signer));
    proofs.push_back(std::move(proof));
  }
  return proofs;
}

// credential_strings reads {"credentials": [{"credential": "<SD-JWT VC>"}, ...]} (§8.3).
Result<std::vector<std::string>> credential_strings(const platform::FetchResponse& response) {
  if (response.status == 202) {
    return fail(ErrorCode::issuance_failed, "the issuer deferred issuance, which the wallet does not support");
  }
  VEIL_CHECK(expect_success(response, 200, "credential request"));
  auto body = platform::json_object_body(response);
  if (!body || !body->contains("credentials") || !body->at("credentials").is_array() ||
      body->at("credentials").empty()) {
    return fail(ErrorCode::issuance_failed, "the credential response has no credentials");
  }
  std::vector<std::string> credentials;
  for (const auto& item : body->at("credentials")) {
    if (!item.is_object() || !item.contains("credential") || !item.at("credential").is_string()) {
      return fail(ErrorCode::issuance_failed, "a credentials entry has no credential string");
    }
    credentials.push_back(item.at("credential").get<std::string>());
  }
  return credentials;
}

// Display metadata for the holder's list, in the NewCredential shape: name and description in the holder's
// language when the issuer gave one (English first), the claim labels, and the issuer's own display.
Json credential_display(const OfferedCredential& offered, const Json& issuer_display) {
  auto pick = [](const Json& entries) -> Json {
    for (const auto& entry : entries) {
      if (entry.is_object() && entry.value("locale", std::string()).starts_with("en")) return entry;
    }
    return entries.empty() || !entries.at(0).is_object() ? Json::object() : entries.at(0);
  };
  const Json chosen = pick(offered.display);
  Json display = {{"credential_configuration_id", offered.configuration_id},
                  {"name", chosen.contains("name") && chosen.at("name").is_string() ? chosen.at("name")
                                                                                     : Json(offered.vct)},
                  {"claims", offered.claims},
                  {"display", offered.display},
                  {"issuer_display", issuer_display}};
  if (chosen.contains("description") && chosen.at("description").is_string()) {
    display["description"] = chosen.at("description");
  }
  const Json issuer = pick(issuer_display);
  if (issuer.contains("name") && issuer.at("name").is_string()) display["issuer_name"] = issuer.at("name");
  return display;
}

}  // namespace

Json InspectedOffer::to_json() const {
  Json offered = Json::array();
  for (const auto& credential : credentials) {
    offered.push_back({{"credential_configuration_id", credential.configuration_id},
                       {"vct", credential.vct},
                       {"display", credential.display},
                       {"claims", credential.claims}});
  }
  return {{"credential_issuer", credential_issuer},
          {"issuer_display", issuer_display},
          {"credentials", std::move(offered)},
          {"tx_code", tx_code ? tx_code->to_json() : Json(nullptr)},
          {"copies", copies_per_credential}};
}

IssuanceClient::IssuanceClient(platform::HttpClient client, const Clock& clock, IssuanceOptions options)
    : client_(std::move(client)), clock_(clock), options_(std::move(options)) {}

Result<CredentialOffer> IssuanceClient::read_offer(std::string_view link) const {
  return read_credential_offer(link, client_);
}

Result<InspectedOffer> IssuanceClient::inspect(const CredentialOffer& offer) const {
  if (!offer.pre_authorized_code_grant()) {
    return bad_offer("the offer has no pre-authorized code grant, the only flow the wallet runs");
  }
  const auto& grant = *offer.pre_authorized_code_grant();
  const std::string& issuer = offer.credential_issuer();
  const auto& policy = client_.policy();

  VEIL_TRY(const auto metadata_url, well_known_url(issuer, kCredentialIssuerWellKnown, policy));
  VEIL_TRY(const Json metadata, fetch_metadata(client_, metadata_url, "credential issuer metadata"));
  // §12.2.2 / ATTACKS P12: the metadata must speak for exactly the issuer the offer names, or the offer's link
  // could borrow another issuer's name.
  if (!metadata.contains("credential_issuer") || !metadata.at("credential_issuer").is_string() ||
      metadata.at("credential_issuer") != issuer) {
    return bad_metadata("the credential issuer metadata does not name the offer's credential_issuer");
  }
  InspectedOffer inspected{.offer = offer, .credential_issuer = issuer, .issuer_display = Json::array(), .credentials = {}, .tx_code = std::nullopt, .endpoints = {}, .copies_per_credential = 1};
  VEIL_TRY(inspected.issuer_display, optional_array(metadata, "display", "the credential issuer metadata"));
  VEIL_TRY(auto credential_endpoint, endpoint(metadata, "credential_endpoint", true, policy));
  inspected.endpoints.credential_endpoint = std::move(*credential_endpoint);
  VEIL_TRY(inspected.endpoints.nonce_endpoint, endpoint(metadata, "nonce_endpoint", false, policy));

  std::size_t batch_size = 1;
  if (metadata.contains("batch_credential_issuance")) {
    const Json& batch = metadata.at("batch_credential_issuance");
    if (!batch.is_object() || !batch.contains("batch_size") || !batch.at("batch_size").is_number_unsigned() ||
        batch.at("batch_size").get<std::uint64_t>() < 2) {
      return bad_metadata("batch_credential_issuance.batch_size is not an integer of at least 2");
    }
    batch_size = batch.at("batch_size").get<std::size_t>();
  }
  inspected.copies_per_credential = std::max<std::size_t>(1, std::min(batch_size, options_.max_batch_size));

  if (!metadata.contains("credential_configurations_supported") ||
      !metadata.at("credential_configurations_supported").is_object()) {
    return bad_metadata("the credential issuer metadata has no credential_configurations_supported object");
  }
  for (const auto& id : offer.credential_configuration_ids()) {
    VEIL_TRY(auto offered, offered_credential(metadata.at("credential_configurations_supported"), id, options_));
    inspected.credentials.push_back(std::move(offered));
  }
  inspected.tx_code = grant.tx_code;

  VEIL_TRY(const auto server, authorization_server_identifier(metadata, grant, issuer));
  VEIL_TRY(const auto server_url, well_known_url(server, kAuthorizationServerWellKnown, policy));
  VEIL_TRY(const Json server_metadata, fetch_metadata(client_, server_url, "authorization server metadata"));
  // RFC 8414 §3.3: the issuer member must be identical to the identifier the metadata was fetched for.
  if (!server_metadata.contains("issuer") || server_metadata.at("issuer") != server) {
    return bad_metadata("the authorization server metadata does not name the authorization server");
  }
  if (server_metadata.contains("grant_types_supported") &&
      !array_has_string(server_metadata.at("grant_types_supported"), kPreAuthorizedCodeGrantType)) {
    return bad_metadata("the authorization server does not support the pre-authorized code grant");
  }
  VEIL_TRY(auto token_endpoint, endpoint(server_metadata, "token_endpoint", true, policy));
  inspected.endpoints.token_endpoint = std::move(*token_endpoint);
  return inspected;
}

Result<std::vector<NewCredential>> IssuanceClient::accept(const InspectedOffer& offer,
                                                          const std::optional<std::string>& tx_code) const {
  if (offer.tx_code && !tx_code) return fail(ErrorCode::invalid_argument, "the issuer requires a transaction code");
  if (!offer.tx_code && tx_code) return fail(ErrorCode::invalid_argument, "the offer asks for no transaction code");
  const auto& grant = offer.offer.pre_authorized_code_grant();
  if (!grant) return bad_offer("the offer has no pre-authorized code grant, the only flow the wallet runs");

  // Every credential is checked with the keys the issuer publishes for its iss (SD-JWT VC §4), fetched once and
  // before the single-use code is redeemed: an issuer whose keys cannot be read costs the holder no offer.
  VEIL_TRY(const auto issuer_keys, platform::fetch_jwt_vc_issuer_metadata(client_, offer.credential_issuer));
  VEIL_TRY(const auto trust, TrustList::parse({{"issuers", Json::array({{{"iss", offer.credential_issuer},
                                                                        {"jwks", issuer_keys.jwks()}}})}}));
  VerificationPolicy policy;
  policy.require_key_binding = false;
  policy.sd_jwt_vc = true;
  policy.max_clock_skew_seconds = options_.max_clock_skew_seconds;
  const SdJwtVerifier verifier(policy, trust, clock_);

  VEIL_TRY(const auto access_token, request_access_token(client_, offer.endpoints.token_endpoint, *grant, tx_code));
  const platform::HeaderList authorization = {{"Authorization", "Bearer " + access_token}};
  VEIL_TRY(auto nonce, request_c_nonce(client_, offer.endpoints.nonce_endpoint));

  std::vector<NewCredential> received;
  for (const auto& offered : offer.credentials) {
    // One fresh key per copy: two verifiers shown different copies cannot link them by cnf (unlinkability).
    std::vector<HolderKey> holders;
    for (std::size_t i = 0; i < offer.copies_per_credential; ++i) {
      VEIL_TRY(auto key, PrivateJwk::generate(offered.proof_alg));
      VEIL_TRY(auto signer, make_signer(key));
      holders.push_back({std::move(key), std::move(signer)});
    }
    Result<platform::FetchResponse> response = fail(ErrorCode::internal_error, "no credential request made");
    for (int attempt = 0; attempt < 2; ++attempt) {
      VEIL_TRY(auto proofs, sign_proofs(holders, offer.credential_issuer, clock_.now(), nonce));
      const Json request = {{"credential_configuration_id", offered.configuration_id},
                            {"proofs", {{"jwt", std::move(proofs)}}}};
      response = client_.post_json(offer.endpoints.credential_endpoint, request, authorization);
      if (!response) return tl::unexpected(response.error());
      // §8.3.1.2 invalid_nonce: the c_nonce expired or was used; one retry with a fresh one, then give up.
      if (attempt == 0 && oauth_error_code(*response) == "invalid_nonce" && offer.endpoints.nonce_endpoint) {
        VEIL_TRY(nonce, request_c_nonce(client_, offer.endpoints.nonce_endpoint));
        continue;
      }
      break;
    }
    VEIL_TRY(const auto credentials, credential_strings(*response));
    if (credentials.size() > holders.size()) {
      return fail(ErrorCode::issuance_failed, "the issuer returned more credentials than keys were proven");
    }

    NewCredential credential;
    credential.vct = offered.vct;
    credential.issuer = offer.credential_issuer;
    credential.display = credential_display(offered, offer.issuer_display);
    credential.received_at = clock_.now();
    std::vector<bool> key_used(holders.size(), false);
    for (const auto& compact : credentials) {
      VEIL_TRY(const auto sd_jwt, SdJwt::parse_compact(compact, policy.limits));
      // RFC 9901 §7.2: what the issuer hands the holder carries no KB-JWT.
      if (sd_jwt.kb_jwt()) return fail(ErrorCode::unexpected_key_binding, "an issued credential carries a KB-JWT");
      VEIL_TRY(const auto verified, verifier.verify(sd_jwt));
      if (verified.vct() != offered.vct) {
        return fail(ErrorCode::invalid_vct, "a received credential's vct is not the offered configuration's");
      }
      if (verified.iss() != offer.credential_issuer) {
        return fail(ErrorCode::untrusted_issuer, "a received credential's iss is not the credential issuer");
      }
      if (!verified.holder_key()) return fail(ErrorCode::holder_key_mismatch, "a received credential has no cnf.jwk");
      std::size_t index = 0;
      while (index < holders.size() && (key_used[index] || !(holders[index].key.public_key() == *verified.holder_key()))) {
        ++index;
      }
      if (index == holders.size()) {
        return fail(ErrorCode::holder_key_mismatch,
                    "a received credential's cnf.jwk is not one of the holder keys the wallet proved");
      }
      key_used[index] = true;
      if (credential.copies.empty()) {
        // The claims every copy shares: cnf and status differ from copy to copy, each copy keeps its own.
        credential.claims = verified.claims();
        credential.claims.erase("cnf");
        credential.claims.erase("status");
      }
      credential.copies.push_back({compact, holders[index].key});
    }
    received.push_back(std::move(credential));
  }
  return received;
}

}  // namespace veil::wallet
