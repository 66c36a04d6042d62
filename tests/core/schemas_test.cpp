// Every credential type in schemas/ is consistent: its Type Metadata parses, its claims schema compiles, the
// shipped example validates and frames, and typical mistakes are refused with a message naming the claim.
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <variant>

#include <catch2/catch.hpp>

#include "veil/json_schema.h"
#include "veil/sd_jwt_vc.h"
#include "veil/type_metadata.h"

using veil::ErrorCode;
using veil::Json;

namespace {

const char* const kTypes[] = {"person", "age", "employment", "professional_licence"};

Json load(const std::string& type, const char* file) {
  std::ifstream in(std::filesystem::path(VEIL_SCHEMAS_DIR) / type / file);
  REQUIRE(in);
  std::stringstream text;
  text << in.rdbuf();
  auto parsed = veil::parse_json(text.str());
  REQUIRE(parsed);
  return *parsed;
}

struct CredentialType {
  veil::TypeMetadata metadata;
  veil::JsonSchema schema;
  Json example;
};

CredentialType load_type(const std::string& type) {
  INFO(type);
  auto metadata = veil::TypeMetadata::parse(load(type, "type_metadata.json"));
  INFO((metadata ? std::string() : metadata.error().message));
  REQUIRE(metadata);
  auto schema = veil::JsonSchema::compile(load(type, "claims.schema.json"));
  INFO((schema ? std::string() : schema.error().message));
  REQUIRE(schema);
  return {*metadata, *schema, load(type, "example_claims.json")};
}

// Both checks an issuer runs before signing; the first failure.
veil::Status check_claims(const CredentialType& type, const Json& claims) {
  VEIL_CHECK(type.metadata.check_mandatory(claims));
  return type.schema.validate(claims);
}

void expect_rejected(const CredentialType& type, const Json& claims, ErrorCode code, const std::string& names) {
  auto result = check_claims(type, claims);
  REQUIRE_FALSE(result);
  CHECK(result.error().code == code);
  INFO(result.error().message);
  CHECK(result.error().message.find(names) != std::string::npos);
}

}  // namespace

TEST_CASE("schemas: the folder holds exactly the four credential types", "[schemas]") {
  std::set<std::string> found;
  for (const auto& entry : std::filesystem::directory_iterator(VEIL_SCHEMAS_DIR))
    if (entry.is_directory()) found.insert(entry.path().filename().string());
  CHECK(found == std::set<std::string>(std::begin(kTypes), std::end(kTypes)));
}

TEST_CASE("schemas: every type parses, compiles, validates its example and frames it", "[schemas]") {
  for (const char* name : kTypes) {
    INFO(name);
    CredentialType type = load_type(name);
    CHECK(type.metadata.vct() == std::string("urn:veil:credential:") + name);
    CHECK(type.metadata.display().size() >= 1);
    CHECK(type.metadata.display()[0].locale == "en");
    auto checked = check_claims(type, type.example);
    INFO((checked ? std::string() : checked.error().message));
    CHECK(checked);
    auto frame = type.metadata.disclosure_frame(type.example);
    REQUIRE(frame);
    // Every claim the metadata lists has an English label, and mandatory claims are required by the schema.
    const Json schema = load(name, "claims.schema.json");
    for (const auto& claim : type.metadata.claims()) {
      INFO(claim.path.to_dotted());
      CHECK_FALSE(claim.display.empty());
      if (claim.mandatory && claim.path.elements().size() == 1) {
        const auto& top = std::get<std::string>(claim.path.elements().front());
        bool required = false;
        for (const Json& r : schema["required"]) required = required || r == top;
        CHECK(required);
      }
      // The reserved SD-JWT VC names are never subject claims.
      CHECK_FALSE(veil::is_never_disclosable(std::get<std::string>(claim.path.elements().front())));
    }
  }
}

TEST_CASE("schemas: the age credential carries nothing but the age_over booleans", "[schemas]") {
  CredentialType age = load_type("age");
  CHECK(age.example.size() == 5);
  auto frame = age.metadata.disclosure_frame(age.example);
  REQUIRE(frame);
  CHECK(frame->to_json()["_sd"].size() == 5);  // each threshold is its own disclosure
  Json with_birthdate = age.example;
  with_birthdate["birthdate"] = "1984-08-12";
  expect_rejected(age, with_birthdate, ErrorCode::invalid_claims, "claim /birthdate: not allowed");
  Json missing = age.example;
  missing.erase("age_over_18");
  expect_rejected(age, missing, ErrorCode::missing_mandatory_claim, "age_over_18");
  Json wrong_type = age.example;
  wrong_type["age_over_21"] = "yes";
  expect_rejected(age, wrong_type, ErrorCode::invalid_claims, "claim /age_over_21: wrong type");
}

TEST_CASE("schemas: the person credential refuses bad claims naming the claim", "[schemas]") {
  CredentialType person = load_type("person");
  Json claims = person.example;
  claims["given_name"] = 42;
  expect_rejected(person, claims, ErrorCode::invalid_claims, "claim /given_name: wrong type");

  claims = person.example;
  claims.erase("family_name");
  expect_rejected(person, claims, ErrorCode::missing_mandatory_claim, "family_name");

  claims = person.example;
  claims["address"].erase("postal_code");
  expect_rejected(person, claims, ErrorCode::missing_mandatory_claim, "address.postal_code");

  claims = person.example;
  claims["birthdate"] = "1984-02-30";
  expect_rejected(person, claims, ErrorCode::invalid_claims, "claim /birthdate: not a valid date");

  claims = person.example;
  claims["nationalities"] = Json::array({"DE", "Deutschland"});
  expect_rejected(person, claims, ErrorCode::invalid_claims, "claim /nationalities/1: does not match pattern");

  claims = person.example;
  claims["address"]["country"] = "deu";
  auto result = check_claims(person, claims);
  REQUIRE_FALSE(result);
  CHECK(result.error().message == "claim /address/country: does not match pattern");
  CHECK(result.error().message.find("deu") == std::string::npos);

  claims = person.example;
  claims["email"] = "not-an-email";
  expect_rejected(person, claims, ErrorCode::invalid_claims, "claim /email");

  claims = person.example;
  claims["vct"] = "urn:other";
  expect_rejected(person, claims, ErrorCode::invalid_claims, "claim /vct: not allowed");
}

TEST_CASE("schemas: the person credential makes every listed claim disclosable", "[schemas]") {
  CredentialType person = load_type("person");
  auto frame = person.metadata.disclosure_frame(person.example);
  REQUIRE(frame);
  const Json& f = frame->to_json();
  CHECK(f["_sd"].size() == person.example.size());
  CHECK(f["address"]["_sd"].size() == person.example["address"].size());
  CHECK(f["nationalities"]["_sd"] == Json::parse("[0]"));
}

TEST_CASE("schemas: employment and professional licence refuse bad claims naming the claim", "[schemas]") {
  CredentialType employment = load_type("employment");
  Json claims = employment.example;
  claims["employment_type"] = "volunteer";
  expect_rejected(employment, claims, ErrorCode::invalid_claims, "claim /employment_type: not one of the enum values");
  claims = employment.example;
  claims["employment_start"] = "01.04.2019";
  expect_rejected(employment, claims, ErrorCode::invalid_claims, "claim /employment_start");
  claims = employment.example;
  claims.erase("employer_name");
  expect_rejected(employment, claims, ErrorCode::missing_mandatory_claim, "employer_name");
  claims = employment.example;
  claims["employer_country"] = "Germany";
  expect_rejected(employment, claims, ErrorCode::invalid_claims, "claim /employer_country");

  CredentialType licence = load_type("professional_licence");
  claims = licence.example;
  claims["valid_until"] = "2031-13-01";
  expect_rejected(licence, claims, ErrorCode::invalid_claims, "claim /valid_until: not a valid date");
  claims = licence.example;
  claims["jurisdiction"] = "Nordrhein-Westfalen";
  expect_rejected(licence, claims, ErrorCode::invalid_claims, "claim /jurisdiction: does not match pattern");
  claims = licence.example;
  claims["scope"] = Json::array();
  expect_rejected(licence, claims, ErrorCode::invalid_claims, "claim /scope: fewer items than minItems");
  claims = licence.example;
  claims.erase("licence_number");
  expect_rejected(licence, claims, ErrorCode::missing_mandatory_claim, "licence_number");

  // The issuing authority and jurisdiction are sd never: a licence means nothing without them.
  auto frame = licence.metadata.disclosure_frame(licence.example);
  REQUIRE(frame);
  for (const Json& name : frame->to_json()["_sd"]) {
    CHECK(name != "issuing_authority");
    CHECK(name != "jurisdiction");
  }
  CHECK(frame->to_json()["_sd"].size() == licence.example.size() - 2);
}
