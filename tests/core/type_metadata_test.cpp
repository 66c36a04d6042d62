#include "veil/type_metadata.h"

#include <string>

#include <catch2/catch.hpp>

using veil::ErrorCode;
using veil::Json;
using veil::SdRule;
using veil::TypeMetadata;

namespace {

const char* const kMetadata = R"({
  "vct": "https://betelgeuse.example.com/education_credential",
  "name": "Betelgeuse Education Credential",
  "description": "for developers",
  "extends": "https://galaxy.example.com/galactic-education-credential-0.9",
  "extends#integrity": "sha256-ilOUJsTultOwLfz7QUcFALaRa3BP/jelX1ds04kB9yU=",
  "display": [
    {"locale": "en-US", "name": "Betelgeuse Education Credential", "description": "An education credential",
     "rendering": {"simple": {"background_color": "#12107c"}}},
    {"lang": "de-DE", "name": "Betelgeuse-Bildungsnachweis"}
  ],
  "claims": [
    {"path": ["name"], "display": [{"locale": "en-US", "label": "Name"}], "sd": "allowed", "mandatory": true},
    {"path": ["address"], "sd": "always"},
    {"path": ["address", "street_address"], "display": [{"lang": "de-DE", "label": "Straße"}], "sd": "always",
     "svg_id": "address_street_address"},
    {"path": ["address", "country"], "sd": "never"},
    {"path": ["degrees", null, "type"], "sd": "never", "mandatory": true},
    {"path": ["nationalities", null], "sd": "always"},
    {"path": ["issuing_authority"], "sd": "never"}
  ],
  "x-unknown": {"ignored": true}
})";

TypeMetadata parsed(const char* text = kMetadata) {
  auto metadata = TypeMetadata::parse(Json::parse(text));
  INFO((metadata ? std::string() : metadata.error().message));
  REQUIRE(metadata);
  return *metadata;
}

ErrorCode parse_error(const Json& document) {
  auto metadata = TypeMetadata::parse(document);
  REQUIRE_FALSE(metadata);
  return metadata.error().code;
}

Json with(const char* member, Json value) {
  Json document = Json::parse(kMetadata);
  document[member] = std::move(value);
  return document;
}

Json with_claim(Json claim) {
  Json document = Json::parse(kMetadata);
  document["claims"].push_back(std::move(claim));
  return document;
}

const char* const kClaims = R"({
  "name": "Arthur Dent",
  "address": {"street_address": "42 Market Street", "city": "Milliways", "country": "GB"},
  "degrees": [{"type": "BSc", "university": "Betelgeuse"}, {"type": "MSc", "university": "Betelgeuse"}],
  "nationalities": ["GB", "BG"],
  "issuing_authority": "University of Betelgeuse",
  "hobby": "towels"
})";

}  // namespace

TEST_CASE("type metadata parses the draft's members and ignores unknown ones", "[type_metadata]") {
  auto metadata = parsed();
  CHECK(metadata.vct() == "https://betelgeuse.example.com/education_credential");
  CHECK(metadata.name() == "Betelgeuse Education Credential");
  CHECK(metadata.extends() == "https://galaxy.example.com/galactic-education-credential-0.9");
  CHECK(metadata.extends_integrity().has_value());
  REQUIRE(metadata.display().size() == 2);
  CHECK(metadata.display()[0].locale == "en-US");
  CHECK(metadata.display()[0].rendering.has_value());
  CHECK(metadata.display()[1].locale == "de-DE");  // the older drafts' "lang"
  REQUIRE(metadata.claims().size() == 7);
  CHECK(metadata.claims()[0].mandatory);
  CHECK(metadata.claims()[0].display[0].label == "Name");
  CHECK(metadata.claims()[2].svg_id == "address_street_address");
  CHECK(metadata.claims()[3].sd == SdRule::never);
  auto found = metadata.find_claim(*veil::ClaimPath::parse_dotted("address.street_address"));
  REQUIRE(found != nullptr);
  CHECK(found->sd == SdRule::always);
  CHECK(metadata.document()["x-unknown"]["ignored"] == true);
}

TEST_CASE("type metadata sd defaults to allowed and mandatory to false", "[type_metadata]") {
  auto metadata = parsed(R"({"vct": "urn:x", "claims": [{"path": ["a"]}]})");
  CHECK(metadata.claims()[0].sd == SdRule::allowed);
  CHECK_FALSE(metadata.claims()[0].mandatory);
  CHECK(metadata.display().empty());
}

TEST_CASE("type metadata rejects malformed documents", "[type_metadata]") {
  CHECK(parse_error(Json::array()) == ErrorCode::invalid_type_metadata);
  CHECK(parse_error(Json::parse(R"({"name": "no vct"})")) == ErrorCode::invalid_type_metadata);
  CHECK(parse_error(with("vct", "")) == ErrorCode::invalid_type_metadata);
  CHECK(parse_error(with("vct", 7)) == ErrorCode::invalid_type_metadata);
  CHECK(parse_error(with("name", Json::array())) == ErrorCode::invalid_type_metadata);
  CHECK(parse_error(with("extends", 1)) == ErrorCode::invalid_type_metadata);
  CHECK(parse_error(with("display", Json::object())) == ErrorCode::invalid_type_metadata);
  CHECK(parse_error(with("display", Json::parse(R"([{"name": "no locale"}])"))) == ErrorCode::invalid_type_metadata);
  CHECK(parse_error(with("display", Json::parse(R"([{"locale": "en"}])"))) == ErrorCode::invalid_type_metadata);
  CHECK(parse_error(with("claims", Json::object())) == ErrorCode::invalid_type_metadata);
  CHECK(parse_error(with("schema", "not a schema")) == ErrorCode::invalid_type_metadata);
  Json both = with("schema", Json::object());
  both["schema_uri"] = "https://example.com/schema.json";
  CHECK(parse_error(both) == ErrorCode::invalid_type_metadata);
}

TEST_CASE("type metadata rejects malformed claim entries", "[type_metadata]") {
  for (const char* claim : {R"("name")", R"({"display": []})", R"({"path": []})", R"({"path": ["a", -1]})",
                            R"({"path": ["a", 1.5]})", R"({"path": "a"})", R"({"path": ["x"], "sd": "sometimes"})",
                            R"({"path": ["x"], "sd": true})", R"({"path": ["x"], "mandatory": "yes"})",
                            R"({"path": ["x"], "svg_id": "1abc"})", R"({"path": ["x"], "svg_id": "a-b"})",
                            R"({"path": ["x"], "display": [{"locale": "en"}]})",
                            R"({"path": ["x"], "display": [{"label": "X"}]})", R"({"path": ["x"], "display": {}})",
                            R"({"path": ["name"]})", R"({"path": ["y"], "svg_id": "address_street_address"})"}) {
    INFO(claim);
    CHECK(parse_error(with_claim(Json::parse(claim))) == ErrorCode::invalid_type_metadata);
  }
}

TEST_CASE("type metadata cannot demand that a never-disclosable SD-JWT VC claim be disclosable", "[type_metadata]") {
  for (const char* name : {"iss", "vct", "cnf", "status", "exp", "nbf"})
    CHECK(parse_error(with_claim({{"path", {name}}, {"sd", "always"}})) == ErrorCode::invalid_type_metadata);
  CHECK(TypeMetadata::parse(with_claim({{"path", {"status"}}, {"sd", "never"}})));
}

TEST_CASE("type metadata disclosure frame follows sd and discloses unmentioned claims", "[type_metadata]") {
  auto frame = parsed().disclosure_frame(Json::parse(kClaims));
  REQUIRE(frame);
  const Json& f = frame->to_json();
  // name (allowed), address (always), degrees and nationalities and hobby (not mentioned) are disclosable;
  // issuing_authority (never) is not.
  CHECK(f["_sd"] == Json::parse(R"(["address", "degrees", "hobby", "name", "nationalities"])"));
  CHECK(f["address"]["_sd"] == Json::parse(R"(["city", "street_address"])"));  // country is sd never
  CHECK(f["nationalities"]["_sd"] == Json::parse("[0, 1]"));
  CHECK(f["degrees"]["_sd"] == Json::parse("[0, 1]"));
  CHECK(f["degrees"]["0"]["_sd"] == Json::parse(R"(["university"])"));  // ["degrees", null, "type"] is never
  CHECK(f["degrees"]["1"]["_sd"] == Json::parse(R"(["university"])"));
}

TEST_CASE("type metadata disclosure frame never frames the reserved SD-JWT VC claims", "[type_metadata]") {
  auto metadata = parsed(R"({"vct": "urn:x"})");
  auto frame = metadata.disclosure_frame(Json::parse(R"({"status": {"status_list": {"idx": 1}}, "a": 1})"));
  REQUIRE(frame);
  CHECK(frame->to_json()["_sd"] == Json::parse(R"(["a"])"));
  CHECK_FALSE(frame->to_json().contains("status"));
}

TEST_CASE("type metadata disclosure frame refuses claims that are not an object", "[type_metadata]") {
  auto frame = parsed().disclosure_frame(Json::array());
  REQUIRE_FALSE(frame);
  CHECK(frame.error().code == ErrorCode::invalid_claims);
}

TEST_CASE("type metadata disclosure frame rejects a claim selected as both always and never", "[type_metadata]") {
  auto metadata = parsed(R"({"vct": "urn:x", "claims": [{"path": ["n", null], "sd": "always"},
                                                          {"path": ["n", 1], "sd": "never"}]})");
  CHECK(metadata.disclosure_frame(Json::parse(R"({"n": [1]})")));  // index 1 absent: no conflict
  auto frame = metadata.disclosure_frame(Json::parse(R"({"n": [1, 2]})"));
  REQUIRE_FALSE(frame);
  CHECK(frame.error().code == ErrorCode::invalid_type_metadata);
}

TEST_CASE("type metadata check_mandatory names the missing claim", "[type_metadata]") {
  auto metadata = parsed();
  CHECK(metadata.check_mandatory(Json::parse(kClaims)));
  auto missing_name = metadata.check_mandatory(Json::parse(R"({"degrees": [{"type": "BSc"}]})"));
  REQUIRE_FALSE(missing_name);
  CHECK(missing_name.error().code == ErrorCode::missing_mandatory_claim);
  CHECK(missing_name.error().message == "mandatory claim name is missing");
  auto missing_type = metadata.check_mandatory(Json::parse(R"({"name": "A", "degrees": [{"university": "B"}]})"));
  REQUIRE_FALSE(missing_type);
  CHECK(missing_type.error().message == "mandatory claim degrees.*.type is missing");
  CHECK_FALSE(metadata.check_mandatory(Json::parse(R"({"name": "A", "degrees": []})")));
  CHECK_FALSE(metadata.check_mandatory(Json::parse(R"({"name": "A", "degrees": "BSc"})")));
}
