#include "issuer/issuer_metadata.h"

#include <algorithm>
#include <filesystem>

#include "veil/platform/files.h"

namespace veil::issuer {

namespace {

constexpr std::size_t kMaxSchemaFileBytes = 1 << 20;
constexpr std::size_t kMaxTxCodeDescription = 300;  // §4.1.1 tx_code.description

bool is_configuration_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '.';
  });
}

Result<Json> read_json_file(const std::string& path) {
  auto json = platform::read_json_input(path, kMaxSchemaFileBytes);
  if (!json) return fail(json.error().code, path + ": " + json.error().message);
  return json;
}

Json alg_names(const std::vector<JwsAlg>& algs) {
  Json names = Json::array();
  for (JwsAlg alg : algs) names.push_back(std::string(jws_alg_name(alg)));
  return names;
}

// Appendix B.2 (Claims Description): path, mandatory, display [{name, locale}]. Type Metadata writes a claim's
// label as "label"; OpenID4VCI calls it "name".
Json claims_description(const TypeMetadata& type) {
  Json claims = Json::array();
  for (const auto& claim : type.claims()) {
    Json entry = {{"path", claim.path.to_json()}};
    if (claim.mandatory) entry["mandatory"] = true;
    if (!claim.display.empty()) {
      Json display = Json::array();
      for (const auto& label : claim.display) display.push_back({{"name", label.label}, {"locale", label.locale}});
      entry["display"] = std::move(display);
    }
    claims.push_back(std::move(entry));
  }
  return claims;
}

// Appendix A.3.2 / §12.2.4 credential_metadata.display: name (required), locale, description.
Json credential_display(const TypeMetadata& type) {
  Json display = Json::array();
  for (const auto& entry : type.display()) {
    Json item = {{"name", entry.name}, {"locale", entry.locale}};
    if (entry.description) item["description"] = *entry.description;
    display.push_back(std::move(item));
  }
  if (display.empty() && type.name()) display.push_back({{"name", *type.name()}});
  return display;
}

}  // namespace

Result<CredentialType> CredentialType::load(const std::string& dir) {
  const std::string id = std::filesystem::path(dir).filename().string();
  if (!is_configuration_id(id)) {
    return fail(ErrorCode::invalid_type_metadata, dir + ": the folder name is not a credential configuration id");
  }
  VEIL_TRY(const auto metadata_json, read_json_file(dir + "/type_metadata.json"));
  auto metadata = TypeMetadata::parse(metadata_json);
  if (!metadata) return fail(metadata.error().code, dir + "/type_metadata.json: " + metadata.error().message);
  VEIL_TRY(const auto schema_json, read_json_file(dir + "/claims.schema.json"));
  auto schema = JsonSchema::compile(schema_json);
  if (!schema) return fail(schema.error().code, dir + "/claims.schema.json: " + schema.error().message);
  return CredentialType(id, std::move(*metadata), std::move(*schema));
}

Status CredentialType::check_claims(const Json& claims) const {
  if (!claims.is_object()) return fail(ErrorCode::invalid_claims, "the claims must be a JSON object");
  VEIL_CHECK(schema_.validate(claims));
  return type_metadata_.check_mandatory(claims);
}

Result<CredentialCatalog> CredentialCatalog::load(const std::string& schemas_dir) {
  std::vector<std::string> dirs;
  std::error_code error;
  for (std::filesystem::directory_iterator it(schemas_dir, error), end; !error && it != end; it.increment(error)) {
    std::error_code status_error;
    if (it->is_directory(status_error) && std::filesystem::exists(it->path() / "type_metadata.json", status_error)) {
      dirs.push_back(it->path().string());
    }
  }
  if (error) return fail(ErrorCode::io_error, "cannot list " + schemas_dir + ": " + error.message());
  if (dirs.empty()) return fail(ErrorCode::io_error, schemas_dir + " holds no credential type");
  std::sort(dirs.begin(), dirs.end());
  CredentialCatalog catalog;
  for (const auto& dir : dirs) {
    VEIL_TRY(auto type, CredentialType::load(dir));
    if (catalog.find_by_vct(type.vct()) != nullptr) {
      return fail(ErrorCode::invalid_type_metadata, dir + ": another credential type has the same vct");
    }
    catalog.types_.push_back(std::move(type));
  }
  return catalog;
}

const CredentialType* CredentialCatalog::find(std::string_view configuration_id) const {
  for (const auto& type : types_) {
    if (type.configuration_id() == configuration_id) return &type;
  }
  return nullptr;
}

const CredentialType* CredentialCatalog::find_by_vct(std::string_view vct) const {
  for (const auto& type : types_) {
    if (type.vct() == vct) return &type;
  }
  return nullptr;
}

std::string credential_issuer_identifier(std::string_view public_url) {
  while (!public_url.empty() && public_url.back() == '/') public_url.remove_suffix(1);
  return std::string(public_url);
}

Json credential_issuer_metadata(const IssuerMetadataOptions& options, const CredentialCatalog& catalog) {
  const std::string issuer = credential_issuer_identifier(options.public_url);
  Json configurations = Json::object();
  for (const auto& type : catalog.types()) {
    Json configuration = {
        {"format", kSdJwtVcFormat},
        {"scope", type.configuration_id()},
        {"vct", type.vct()},
        {"cryptographic_binding_methods_supported", Json::array({"jwk"})},
        {"credential_signing_alg_values_supported", alg_names(options.credential_signing_algs)},
        {"proof_types_supported", {{"jwt", {{"proof_signing_alg_values_supported", alg_names(options.proof_signing_algs)}}}}},
    };
    Json credential_metadata = Json::object();
    Json display = credential_display(type.type_metadata());
    if (!display.empty()) credential_metadata["display"] = std::move(display);
    Json claims = claims_description(type.type_metadata());
    if (!claims.empty()) credential_metadata["claims"] = std::move(claims);
    if (!credential_metadata.empty()) configuration["credential_metadata"] = std::move(credential_metadata);
    configurations[type.configuration_id()] = std::move(configuration);
  }
  return {
      {"credential_issuer", issuer},
      {"credential_endpoint", issuer + kCredentialPath},
      {"nonce_endpoint", issuer + kNoncePath},
      {"batch_credential_issuance", {{"batch_size", options.batch_size}}},
      {"display", Json::array({{{"name", options.display_name}, {"locale", "en"}}})},
      {"credential_configurations_supported", std::move(configurations)},
  };
}

Json authorization_server_metadata(const IssuerMetadataOptions& options) {
  const std::string issuer = credential_issuer_identifier(options.public_url);
  // RFC 8414 §2 names response_types_supported REQUIRED, but it describes the authorization endpoint, which a
  // pre-authorized-code-only server does not have; an empty list says so without claiming "code".
  return {
      {"issuer", issuer},
      {"token_endpoint", issuer + kTokenPath},
      {"response_types_supported", Json::array()},
      {"grant_types_supported", Json::array({kPreAuthorizedCodeGrant})},
      {"token_endpoint_auth_methods_supported", Json::array({"none"})},
      {"pre-authorized_grant_anonymous_access_supported", true},
  };
}

Json jwt_vc_issuer_metadata(const IssuerMetadataOptions& options, const Json& jwks) {
  return {{"issuer", credential_issuer_identifier(options.public_url)}, {"jwks", jwks}};
}

Result<Json> credential_offer(const IssuerMetadataOptions& options, const CredentialOfferRequest& request) {
  if (request.credential_configuration_ids.empty()) {
    return fail(ErrorCode::invalid_argument, "a credential offer needs at least one credential configuration id");
  }
  if (request.pre_authorized_code.empty()) return fail(ErrorCode::invalid_argument, "the pre-authorized code is empty");
  Json grant = {{"pre-authorized_code", request.pre_authorized_code}};
  if (request.tx_code) {
    const TxCode& tx = *request.tx_code;
    if (tx.input_mode != "numeric" && tx.input_mode != "text") {
      return fail(ErrorCode::invalid_argument, "tx_code input_mode must be numeric or text");
    }
    if (tx.length == 0) return fail(ErrorCode::invalid_argument, "tx_code length must be positive");
    Json tx_code = {{"input_mode", tx.input_mode}, {"length", tx.length}};
    if (tx.description) {
      if (tx.description->size() > kMaxTxCodeDescription) {
        return fail(ErrorCode::invalid_argument, "tx_code description is longer than 300 characters");
      }
      tx_code["description"] = *tx.description;
    }
    grant["tx_code"] = std::move(tx_code);
  }
  return Json{
      {"credential_issuer", credential_issuer_identifier(options.public_url)},
      {"credential_configuration_ids", request.credential_configuration_ids},
      {"grants", {{kPreAuthorizedCodeGrant, std::move(grant)}}},
  };
}

std::string credential_offer_uri(const IssuerMetadataOptions& options, std::string_view offer_id) {
  return credential_issuer_identifier(options.public_url) + kCredentialOffersPath + percent_encode(offer_id);
}

std::string credential_offer_link_by_value(const Json& offer) {
  return std::string(kCredentialOfferScheme) + "?credential_offer=" + percent_encode(offer.dump());
}

std::string credential_offer_link_by_reference(std::string_view offer_uri) {
  return std::string(kCredentialOfferScheme) + "?credential_offer_uri=" + percent_encode(offer_uri);
}

std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3);
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                            c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0x0F]);
    }
  }
  return out;
}

}  // namespace veil::issuer
