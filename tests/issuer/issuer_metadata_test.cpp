#include "issuer/issuer_metadata.h"
#include "support/temp_dir.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <string>

#include "veil/platform/files.h"

using veil::ErrorCode;
using veil::Json;
using veil::JwsAlg;
using namespace veil::issuer;

using veil_test::TempDir;

namespace {

constexpr char kPublicUrl[] = "https://issuer.example.com/";
constexpr char kIssuer[] = "https://issuer.example.com";

const CredentialCatalog& catalog() {
  static const CredentialCatalog loaded = [] {
    auto result = CredentialCatalog::load(VEIL_SCHEMAS_DIR);
    REQUIRE(result);
    return std::move(*result);
  }();
  return loaded;
}

IssuerMetadataOptions options() {
  IssuerMetadataOptions result;
  result.public_url = kPublicUrl;
  return result;
}

Json schemas_file(const std::string& relative) {
  auto json = veil::platform::read_json_input(std::string(VEIL_SCHEMAS_DIR) + "/" + relative);
  REQUIRE(json);
  return *json;
}

// The set of member names of an object, to compare our documents' shape with the spec's examples.
std::set<std::string> members(const Json& object) {
  std::set<std::string> names;
  for (const auto& [name, value] : object.items()) names.insert(name);
  return names;
}

// The spec's example files live beside the other vectors (../shared/vectors/openid4vci); tests that compare
// shapes with them are skipped where the folder is absent.
std::optional<Json> spec_example(const std::string& name) {
#ifdef VEIL_VECTORS_DIR
  const std::filesystem::path vectors = VEIL_VECTORS_DIR;
#else
  // The default VEIL_VECTORS_DIR of tests/CMakeLists.txt: ../shared/vectors beside the source tree.
  const auto vectors = std::filesystem::path(VEIL_SCHEMAS_DIR).parent_path().parent_path() / "shared" / "vectors";
#endif
  const auto path = vectors / "openid4vci" / name;
  if (!std::filesystem::exists(path)) return std::nullopt;
  auto json = veil::platform::read_json_input(path.string());
  REQUIRE(json);
  return *json;
}

std::string percent_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      out.push_back(static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

void write_file(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path) << text;
}

}  // namespace

TEST_CASE("catalog loads the four credential types of schemas/ keyed by folder name", "[issuer_metadata]") {
  std::vector<std::string> ids;
  for (const auto& type : catalog().types()) ids.push_back(type.configuration_id());
  CHECK(ids == std::vector<std::string>{"age", "employment", "person", "professional_licence"});
  const CredentialType* person = catalog().find("person");
  REQUIRE(person != nullptr);
  CHECK(person->vct() == "urn:veil:credential:person");
  CHECK(catalog().find_by_vct("urn:veil:credential:age") == catalog().find("age"));
  CHECK(catalog().find("PID") == nullptr);
  CHECK(catalog().find("") == nullptr);
}

TEST_CASE("catalog accepts each type's example claims and rejects claims outside its schema", "[issuer_metadata]") {
  for (const auto& type : catalog().types()) {
    INFO(type.configuration_id());
    const Json claims = schemas_file(type.configuration_id() + "/example_claims.json");
    CHECK(type.check_claims(claims));
    auto frame = type.disclosure_frame(claims);
    CHECK(frame);
  }
  const CredentialType* age = catalog().find("age");
  REQUIRE(age != nullptr);
  Json claims = schemas_file("age/example_claims.json");
  claims["age_over_18"] = "yes";
  auto wrong_type = age->check_claims(claims);
  REQUIRE_FALSE(wrong_type);
  CHECK(wrong_type.error().code == ErrorCode::invalid_claims);
  CHECK(wrong_type.error().message.find("age_over_18") != std::string::npos);
  CHECK(wrong_type.error().message.find("yes") == std::string::npos);
  claims = schemas_file("age/example_claims.json");
  claims["given_name"] = "Erika";
  CHECK(age->check_claims(claims).error().code == ErrorCode::invalid_claims);
  CHECK(age->check_claims(Json::array()).error().code == ErrorCode::invalid_claims);
}

TEST_CASE("catalog refuses a schemas directory with a broken or duplicate type", "[issuer_metadata]") {
  TempDir dir("veil-catalog");
  CHECK(CredentialCatalog::load(dir.path()).error().code == ErrorCode::io_error);
  CHECK(CredentialCatalog::load(dir.file("absent")).error().code == ErrorCode::io_error);
  const std::string schema = R"({"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object"})";
  write_file(dir.file("one/type_metadata.json"), R"({"vct": "urn:x:one"})");
  write_file(dir.file("one/claims.schema.json"), schema);
  REQUIRE(CredentialCatalog::load(dir.path()));
  write_file(dir.file("two/type_metadata.json"), R"({"vct": "urn:x:one"})");
  write_file(dir.file("two/claims.schema.json"), schema);
  CHECK(CredentialCatalog::load(dir.path()).error().code == ErrorCode::invalid_type_metadata);
  write_file(dir.file("two/type_metadata.json"), R"({"vct": "urn:x:two"})");
  write_file(dir.file("two/claims.schema.json"), R"({"$dynamicRef": "#x"})");
  CHECK(CredentialCatalog::load(dir.path()).error().code == ErrorCode::invalid_json_schema);
  write_file(dir.file("two/claims.schema.json"), schema);
  write_file(dir.file("two/type_metadata.json"), R"({"name": "no vct"})");
  CHECK(CredentialCatalog::load(dir.path()).error().code == ErrorCode::invalid_type_metadata);
}

TEST_CASE("credential issuer metadata has the OpenID4VCI 1.0 members and one configuration per type", "[issuer_metadata]") {
  const Json metadata = credential_issuer_metadata(options(), catalog());
  CHECK(metadata["credential_issuer"] == kIssuer);
  CHECK(metadata["credential_endpoint"] == "https://issuer.example.com/credential");
  CHECK(metadata["nonce_endpoint"] == "https://issuer.example.com/nonce");
  CHECK(metadata["batch_credential_issuance"] == Json{{"batch_size", 10}});
  CHECK_FALSE(metadata.contains("authorization_servers"));
  CHECK(metadata["display"][0]["name"] == "Veil issuer");
  const Json& configurations = metadata["credential_configurations_supported"];
  CHECK(members(configurations) == std::set<std::string>{"age", "employment", "person", "professional_licence"});
  const Json& person = configurations["person"];
  CHECK(person["format"] == "dc+sd-jwt");
  CHECK(person["vct"] == "urn:veil:credential:person");
  CHECK(person["scope"] == "person");
  CHECK(person["cryptographic_binding_methods_supported"] == Json::array({"jwk"}));
  CHECK(person["credential_signing_alg_values_supported"] == Json::array({"ES256"}));
  CHECK(person["proof_types_supported"] ==
        Json{{"jwt", {{"proof_signing_alg_values_supported", Json::array({"ES256", "EdDSA"})}}}});
  const Json& display = person["credential_metadata"]["display"];
  REQUIRE(display.size() == 3);
  CHECK(display[0] == Json{{"name", "Person identification"},
                           {"locale", "en"},
                           {"description", "Who the holder is: names, date of birth, nationalities and address."}});
  const Json& given_name = person["credential_metadata"]["claims"][0];
  CHECK(given_name["path"] == Json::array({"given_name"}));
  CHECK(given_name["mandatory"] == true);
  CHECK(given_name["display"][0] == Json{{"name", "Given name"}, {"locale", "en"}});
  CHECK(given_name["display"][1] == Json{{"name", "Vorname"}, {"locale", "de"}});
}

TEST_CASE("credential issuer metadata has the shape of the OpenID4VCI 1.0 SD-JWT VC example", "[issuer_metadata]") {
  auto example = spec_example("credential_issuer_metadata_sd_jwt_long.json");
  if (!example) return;
  const Json metadata = credential_issuer_metadata(options(), catalog());
  // Every member we write is one the spec's example has, with the same JSON type.
  for (const auto& [name, value] : metadata.items()) {
    INFO(name);
    REQUIRE(example->contains(name));
    CHECK((*example)[name].type() == value.type());
  }
  const Json& spec_configuration = (*example)["credential_configurations_supported"]["SD_JWT_VC_example_in_OpenID4VCI"];
  for (const auto& [id, configuration] : metadata["credential_configurations_supported"].items()) {
    INFO(id);
    for (const auto& [name, value] : configuration.items()) {
      INFO(name);
      REQUIRE(spec_configuration.contains(name));
      CHECK(spec_configuration[name].type() == value.type());
    }
    CHECK(members(configuration["proof_types_supported"]["jwt"]) ==
          std::set<std::string>{"proof_signing_alg_values_supported"});
    CHECK(members(configuration["credential_metadata"]) == members(spec_configuration["credential_metadata"]));
    for (const auto& claim : configuration["credential_metadata"]["claims"]) {
      for (const auto& [name, value] : claim.items()) CHECK((name == "path" || name == "display" || name == "mandatory"));
      for (const auto& label : claim.value("display", Json::array())) {
        CHECK(members(label) == members(spec_configuration["credential_metadata"]["claims"][0]["display"][0]));
      }
    }
  }
}

TEST_CASE("authorization server metadata announces the anonymous pre-authorized code grant", "[issuer_metadata]") {
  const Json metadata = authorization_server_metadata(options());
  CHECK(metadata["issuer"] == kIssuer);
  CHECK(metadata["token_endpoint"] == "https://issuer.example.com/token");
  CHECK(metadata["grant_types_supported"] ==
        Json::array({"urn:ietf:params:oauth:grant-type:pre-authorized_code"}));
  CHECK(metadata["pre-authorized_grant_anonymous_access_supported"] == true);
}

TEST_CASE("jwt vc issuer metadata names the credentials' iss and carries the jwks", "[issuer_metadata]") {
  const Json jwks = {{"keys", Json::array({{{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", "abc"}, {"kid", "k1"}}})}};
  const Json metadata = jwt_vc_issuer_metadata(options(), jwks);
  CHECK(metadata == Json{{"issuer", kIssuer}, {"jwks", jwks}});
}

TEST_CASE("credential offer has the shape of the OpenID4VCI 1.0 pre-authorized code example", "[issuer_metadata]") {
  CredentialOfferRequest request{{"person"}, "code-123", TxCode{"numeric", 6, "Enter the code sent by SMS"}};
  auto offer = credential_offer(options(), request);
  REQUIRE(offer);
  CHECK(*offer == Json::parse(R"({
    "credential_issuer": "https://issuer.example.com",
    "credential_configuration_ids": ["person"],
    "grants": {
      "urn:ietf:params:oauth:grant-type:pre-authorized_code": {
        "pre-authorized_code": "code-123",
        "tx_code": {"input_mode": "numeric", "length": 6, "description": "Enter the code sent by SMS"}
      }
    }
  })"));
  if (auto example = spec_example("credential_offer_multiple_credentials.json")) {
    CHECK(members(*offer) == members(*example));
    const char* grant = "urn:ietf:params:oauth:grant-type:pre-authorized_code";
    CHECK(members((*offer)["grants"][grant]) == members((*example)["grants"][grant]));
    CHECK(members((*offer)["grants"][grant]["tx_code"]) == members((*example)["grants"][grant]["tx_code"]));
  }
  request.tx_code.reset();
  auto without = credential_offer(options(), request);
  REQUIRE(without);
  CHECK_FALSE((*without)["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"].contains("tx_code"));
}

TEST_CASE("credential offer refuses an empty offer or a malformed tx_code", "[issuer_metadata]") {
  CHECK(credential_offer(options(), {{}, "code", std::nullopt}).error().code == ErrorCode::invalid_argument);
  CHECK(credential_offer(options(), {{"age"}, "", std::nullopt}).error().code == ErrorCode::invalid_argument);
  CHECK(credential_offer(options(), {{"age"}, "c", TxCode{"alpha", 6, std::nullopt}}).error().code ==
        ErrorCode::invalid_argument);
  CHECK(credential_offer(options(), {{"age"}, "c", TxCode{"numeric", 0, std::nullopt}}).error().code ==
        ErrorCode::invalid_argument);
  CHECK(credential_offer(options(), {{"age"}, "c", TxCode{"text", 8, std::string(301, 'x')}}).error().code ==
        ErrorCode::invalid_argument);
}

TEST_CASE("credential offer links carry the offer by value and by reference, percent-encoded", "[issuer_metadata]") {
  auto offer = credential_offer(options(), {{"age"}, "a b&c=d", std::nullopt});
  REQUIRE(offer);
  const std::string by_value = credential_offer_link_by_value(*offer);
  const std::string prefix = "openid-credential-offer://?credential_offer=";
  REQUIRE(by_value.rfind(prefix, 0) == 0);
  const std::string encoded = by_value.substr(prefix.size());
  CHECK(encoded.find_first_of("{}\":&= ") == std::string::npos);
  CHECK(Json::parse(percent_decode(encoded)) == *offer);

  const std::string uri = credential_offer_uri(options(), "offer-1");
  CHECK(uri == "https://issuer.example.com/offers/offer-1");
  CHECK(credential_offer_link_by_reference(uri) ==
        "openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fissuer.example.com%2Foffers%2Foffer-1");
}

TEST_CASE("the credential issuer identifier is the public url without a trailing slash", "[issuer_metadata]") {
  CHECK(credential_issuer_identifier("https://issuer.example.com/") == kIssuer);
  CHECK(credential_issuer_identifier("https://issuer.example.com") == kIssuer);
  CHECK(credential_issuer_identifier("http://127.0.0.1:8701/tenant//") == "http://127.0.0.1:8701/tenant");
  CHECK(percent_encode("a-Z_0.~ /é") == "a-Z_0.~%20%2F%C3%A9");
}
