#include "veil/platform/jwt_vc_issuer_metadata.h"

#include <array>
#include <set>

namespace veil::platform {

namespace {

constexpr std::array<const char*, 8> kPrivateJwkMembers = {"d", "p", "q", "dp", "dq", "qi", "oth", "k"};

Error metadata_error(std::string message) { return Error{ErrorCode::invalid_issuer_metadata, std::move(message)}; }

// A metadata document is only trusted as JSON when the server says so (the draft: "MUST use application/json").
// A JWK Set may also come as application/jwk-set+json (RFC 7517 §8.5.1).
Result<Json> fetch_json_document(const HttpClient& client, const std::string& url, std::string_view step,
                                 bool jwk_set = false) {
  VEIL_TRY(const auto response, client.get(url, jwk_set ? "application/jwk-set+json, application/json" : "application/json"));
  VEIL_CHECK(expect_status(response, 200, step));
  const std::string media_type = media_type_of(response.content_type);
  if (media_type != "application/json" && !(jwk_set && media_type == "application/jwk-set+json")) {
    return tl::unexpected(metadata_error(std::string(step) + " is not application/json"));
  }
  return json_object_body(response);
}

}  // namespace

Json JwtVcIssuerMetadata::jwks() const {
  Json keys_json = Json::array();
  for (const auto& key : keys) keys_json.push_back(key.to_json());
  return {{"keys", std::move(keys_json)}};
}

Result<std::string> jwt_vc_issuer_metadata_url(std::string_view iss, const FetchPolicy& policy) {
  VEIL_TRY(const auto url, parse_fetch_url(iss, policy));
  std::string path = url.target;
  if (path.find('?') != std::string::npos) {
    return fail(ErrorCode::url_not_allowed, "the issuer identifier has a query component");
  }
  // SD-JWT VC "JWT VC Issuer Metadata": the well-known segment goes between the host and the path of iss
  // (the RFC 8414 §3.1 construction, a terminating "/" removed first).
  if (!path.empty() && path.back() == '/') path.pop_back();
  return url.origin() + kJwtVcIssuerWellKnown + path;
}

Result<std::vector<Jwk>> parse_jwk_set(const Json& jwks) {
  if (!jwks.is_object() || !jwks.contains("keys") || !jwks.at("keys").is_array()) {
    return tl::unexpected(metadata_error("jwks is not a JWK Set {\"keys\": [...]}"));
  }
  std::vector<Jwk> keys;
  std::set<std::string> kids;
  for (const auto& member : jwks.at("keys")) {
    if (!member.is_object()) return tl::unexpected(metadata_error("a jwks key is not a JSON object"));
    for (const char* name : kPrivateJwkMembers) {
      if (member.contains(name)) {
        return tl::unexpected(metadata_error(std::string("a jwks key carries the private member \"") + name + "\""));
      }
    }
    auto key = Jwk::parse(member);
    // RFC 7517 §5: members of a kty or curve the reader does not understand are ignored, not fatal.
    if (!key && key.error().code == ErrorCode::unsupported_key) continue;
    if (!key) return tl::unexpected(key.error());
    if (key->kid() && !kids.insert(*key->kid()).second) {
      return tl::unexpected(metadata_error("two jwks keys share the kid \"" + *key->kid() + "\""));
    }
    keys.push_back(std::move(*key));
  }
  if (keys.empty()) return tl::unexpected(metadata_error("jwks holds no ES256 or EdDSA key"));
  return keys;
}

namespace {

Result<std::string> checked_issuer(const Json& document, std::string_view expected_iss) {
  if (!document.is_object()) return tl::unexpected(metadata_error("the JWT VC Issuer Metadata is not a JSON object"));
  const auto issuer = document.find("issuer");
  if (issuer == document.end() || !issuer->is_string()) {
    return tl::unexpected(metadata_error("the JWT VC Issuer Metadata has no issuer string"));
  }
  // The draft: the issuer member MUST be identical to the iss the metadata was fetched for; anything else means
  // the document speaks for another issuer.
  if (issuer->get_ref<const std::string&>() != expected_iss) {
    return tl::unexpected(metadata_error("the JWT VC Issuer Metadata names another issuer"));
  }
  const bool has_jwks = document.contains("jwks");
  const bool has_jwks_uri = document.contains("jwks_uri");
  if (has_jwks == has_jwks_uri) {
    return tl::unexpected(metadata_error("the JWT VC Issuer Metadata must have exactly one of jwks and jwks_uri"));
  }
  return issuer->get<std::string>();
}

}  // namespace

Result<JwtVcIssuerMetadata> parse_jwt_vc_issuer_metadata(const Json& document, std::string_view expected_iss) {
  VEIL_TRY(auto issuer, checked_issuer(document, expected_iss));
  if (!document.contains("jwks")) {
    return tl::unexpected(metadata_error("the JWT VC Issuer Metadata refers to a jwks_uri instead of inline jwks"));
  }
  VEIL_TRY(auto keys, parse_jwk_set(document.at("jwks")));
  return JwtVcIssuerMetadata{std::move(issuer), std::move(keys)};
}

Result<JwtVcIssuerMetadata> fetch_jwt_vc_issuer_metadata(const HttpClient& client, std::string_view iss) {
  VEIL_TRY(const auto url, jwt_vc_issuer_metadata_url(iss, client.policy()));
  VEIL_TRY(const auto document, fetch_json_document(client, url, "JWT VC issuer metadata"));
  VEIL_TRY(auto issuer, checked_issuer(document, iss));
  if (document.contains("jwks")) {
    VEIL_TRY(auto keys, parse_jwk_set(document.at("jwks")));
    return JwtVcIssuerMetadata{std::move(issuer), std::move(keys)};
  }
  // jwks_uri is followed only on the issuer's own origin: a document must not be able to point the wallet or
  // the verifier at an arbitrary host (ATTACKS P8, and the fetch policy's spirit).
  const auto& jwks_uri = document.at("jwks_uri");
  if (!jwks_uri.is_string()) return tl::unexpected(metadata_error("jwks_uri is not a string"));
  auto jwks_url = parse_fetch_url(jwks_uri.get_ref<const std::string&>(), client.policy());
  VEIL_TRY(const auto iss_url, parse_fetch_url(iss, client.policy()));
  if (!jwks_url || jwks_url->origin() != iss_url.origin()) {
    return tl::unexpected(metadata_error("jwks_uri is not on the issuer's origin"));
  }
  VEIL_TRY(const auto jwks, fetch_json_document(client, jwks_url->str(), "issuer jwks", true));
  VEIL_TRY(auto keys, parse_jwk_set(jwks));
  return JwtVcIssuerMetadata{std::move(issuer), std::move(keys)};
}

}  // namespace veil::platform
