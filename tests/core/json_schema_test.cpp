#include "veil/json_schema.h"

#include <string>

#include <catch2/catch.hpp>

using veil::ErrorCode;
using veil::Json;
using veil::JsonSchema;

namespace {

JsonSchema compiled(const char* text) {
  auto schema = JsonSchema::compile(Json::parse(text));
  INFO(text << (schema ? std::string() : ": " + schema.error().message));
  REQUIRE(schema);
  return *schema;
}

ErrorCode compile_error(const char* text) {
  auto schema = JsonSchema::compile(Json::parse(text));
  REQUIRE_FALSE(schema);
  return schema.error().code;
}

std::string violation(const JsonSchema& schema, const char* instance) {
  auto result = schema.validate(Json::parse(instance));
  REQUIRE_FALSE(result);
  CHECK(result.error().code == ErrorCode::invalid_claims);
  return result.error().message;
}

const char* const kAddressSchema = R"({
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "properties": {
    "address": {
      "type": "object",
      "properties": {
        "postal_code": {"type": "string", "pattern": "^[0-9]{5}$"},
        "country": {"$ref": "#/$defs/country"}
      },
      "required": ["postal_code"],
      "additionalProperties": false
    },
    "nationalities": {"type": "array", "items": {"$ref": "#/$defs/country"}, "uniqueItems": true},
    "birthdate": {"type": "string", "format": "date"}
  },
  "$defs": {"country": {"type": "string", "pattern": "^[A-Z]{2}$"}}
})";

}  // namespace

TEST_CASE("json schema accepts a claim set that matches", "[json_schema]") {
  auto schema = compiled(kAddressSchema);
  CHECK(schema.validate(Json::parse(
      R"({"address": {"postal_code": "51147", "country": "DE"}, "nationalities": ["DE", "FR"], "birthdate": "2000-02-29"})")));
}

TEST_CASE("json schema names the claim and keyword but never the value", "[json_schema]") {
  auto schema = compiled(kAddressSchema);
  std::string message = violation(schema, R"({"address": {"postal_code": "SECRET-1"}})");
  CHECK(message == "claim /address/postal_code: does not match pattern");
  CHECK(message.find("SECRET") == std::string::npos);

  CHECK(violation(schema, R"({"nationalities": ["DE", "germany"]})") == "claim /nationalities/1: does not match pattern");
  CHECK(violation(schema, R"({"address": {}})") == "claim /address: required member postal_code is missing");
  CHECK(violation(schema, R"({"address": {"postal_code": "12345", "secret_extra": 1}})") ==
        "claim /address/secret_extra: not allowed (additionalProperties)");
  CHECK(violation(schema, R"({"nationalities": "DE"})") == "claim /nationalities: wrong type");
  CHECK(violation(schema, R"({"nationalities": ["DE", "DE"]})") == "claim /nationalities: items are not unique");
  CHECK(violation(schema, R"([])") == "claim (root): wrong type");
}

TEST_CASE("json schema format date accepts only real calendar dates", "[json_schema]") {
  auto schema = compiled(R"({"format": "date"})");
  for (const char* good : {"\"2024-02-29\"", "\"2000-02-29\"", "\"1999-12-31\"", "\"0001-01-01\""})
    CHECK(schema.validate(Json::parse(good)));
  for (const char* bad : {"\"2023-02-29\"", "\"1900-02-29\"", "\"2024-13-01\"", "\"2024-00-10\"", "\"2024-04-31\"",
                          "\"2024-1-01\"", "\"24-01-01\"", "\"2024-01-01T00:00:00Z\"", "\"2024/01/01\"", "\"\""})
    CHECK(violation(schema, bad) == "claim (root): not a valid date (format date)");
  CHECK(schema.validate(Json(5)));  // format only constrains strings
}

TEST_CASE("json schema format email accepts a simple addr-spec", "[json_schema]") {
  auto schema = compiled(R"({"format": "email"})");
  CHECK(schema.validate(Json("erika@example.org")));
  for (const char* bad : {"\"erika\"", "\"@example.org\"", "\"erika@\"", "\"a@b@c\"", "\"erika @example.org\"",
                          "\"erika@example..org\"", "\".erika@example.org\""})
    CHECK(violation(schema, bad).find("format email") != std::string::npos);
}

TEST_CASE("json schema counts string length in code points", "[json_schema]") {
  auto schema = compiled(R"({"minLength": 2, "maxLength": 3})");
  CHECK(schema.validate(Json("\xc3\xa4\xc3\xb6\xc3\xbc")));  // three code points, six bytes
  CHECK(violation(schema, "\"\xf0\x9f\x98\x80\"") == "claim (root): shorter than minLength");
}

TEST_CASE("json schema numeric keywords", "[json_schema]") {
  auto schema = compiled(R"({"type": "integer", "minimum": 0, "exclusiveMaximum": 150, "multipleOf": 5})");
  CHECK(schema.validate(Json(145)));
  CHECK(schema.validate(Json(10.0)));  // 10.0 is an integer in JSON Schema
  CHECK(violation(schema, "150") == "claim (root): not less than exclusiveMaximum");
  CHECK(violation(schema, "-5") == "claim (root): less than minimum");
  CHECK(violation(schema, "12") == "claim (root): not a multiple of multipleOf");
  CHECK(violation(schema, "12.5") == "claim (root): wrong type");
}

TEST_CASE("json schema combinators and boolean schemas", "[json_schema]") {
  auto schema = compiled(R"({"oneOf": [{"type": "string"}, {"const": 1}], "not": {"enum": ["x"]}})");
  CHECK(schema.validate(Json("y")));
  CHECK(schema.validate(Json(1)));
  CHECK(violation(schema, "2") == "claim (root): matches none of oneOf");
  CHECK(violation(schema, "\"x\"") == "claim (root): matches the not schema");
  CHECK(compiled("true").validate(Json::object()));
  CHECK(violation(compiled("false"), "{}") == "claim (root): not allowed (false schema)");
  auto prefix = compiled(R"({"prefixItems": [{"type": "string"}], "items": {"type": "integer"}})");
  CHECK(prefix.validate(Json::parse(R"(["a", 1, 2])")));
  CHECK(violation(prefix, R"(["a", "b"])") == "claim /1: wrong type");
}

TEST_CASE("json schema refuses keywords it does not implement instead of under-validating", "[json_schema]") {
  for (const char* text : {R"({"$dynamicRef": "#meta"})", R"({"properties": {"a": {"patternProperties": {}}}})",
                           R"({"if": {}, "then": {}})", R"({"$ref": "https://example.com/other.json"})",
                           R"({"$ref": "#anchor"})", R"({"unevaluatedProperties": false})",
                           R"({"items": [{"type": "string"}]})", R"({"properties": {"a": {"$id": "other"}}})",
                           R"({"$schema": "http://json-schema.org/draft-04/schema#"})"})
    CHECK(compile_error(text) == ErrorCode::invalid_json_schema);
}

TEST_CASE("json schema refuses malformed keyword values", "[json_schema]") {
  for (const char* text : {R"("object")", R"({"type": "text"})", R"({"required": "a"})", R"({"minLength": -1})",
                           R"({"pattern": "(unclosed"})", R"({"multipleOf": 0})", R"({"$ref": "#/$defs/missing"})",
                           R"({"anyOf": []})", R"({"enum": "a"})"})
    CHECK(compile_error(text) == ErrorCode::invalid_json_schema);
  CHECK(JsonSchema::compile(Json::parse(R"({"format": "uuid", "x-unknown": 1})")));  // annotations are ignored
}

TEST_CASE("json schema bounds recursion through $ref loops and deep instances", "[json_schema]") {
  auto loop = compiled(R"({"$defs": {"a": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"})");
  auto result = loop.validate(Json(1));
  REQUIRE_FALSE(result);
  CHECK(result.error().code == ErrorCode::nesting_too_deep);

  auto tree = compiled(R"({"type": "array", "items": {"$ref": "#"}})");
  Json deep = Json::array();
  for (int i = 0; i < 200; ++i) deep = Json::array({deep});
  auto deep_result = tree.validate(deep);
  REQUIRE_FALSE(deep_result);
  CHECK(deep_result.error().code == ErrorCode::nesting_too_deep);
}

TEST_CASE("json schema refuses to run a pattern over a very long string", "[json_schema]") {
  auto schema = compiled(R"({"pattern": "^(a|b)*$"})");
  CHECK(violation(schema, ("\"" + std::string(100000, 'a') + "\"").c_str()) == "claim (root): too long to match pattern");
}
