#include "veil/json.h"

#include <catch2/catch.hpp>

using veil::ErrorCode;

namespace {

ErrorCode parse_error(std::string_view text, const veil::JsonLimits& limits = {}) {
  auto parsed = veil::parse_json(text, limits);
  REQUIRE_FALSE(parsed);
  return parsed.error().code;
}

}  // namespace

TEST_CASE("parse_json accepts ordinary JSON", "[json]") {
  auto parsed = veil::parse_json(R"({"a": [1, 2.5, "x", null, true], "b": {"c": "\u00e9"}})");
  REQUIRE(parsed);
  CHECK((*parsed)["b"]["c"] == "\xc3\xa9");
}

TEST_CASE("parse_json rejects a repeated member name [attack:J9]", "[json][attack:J9]") {
  CHECK(parse_error(R"({"alg": "ES256", "alg": "none"})") == ErrorCode::duplicate_json_member);
  CHECK(parse_error(R"({"a": {"b": 1, "b": 2}})") == ErrorCode::duplicate_json_member);
  // The same name in two different objects is fine.
  CHECK(veil::parse_json(R"({"a": {"b": 1}, "c": {"b": 2}})"));
}

TEST_CASE("parse_json rejects a byte-order mark and invalid UTF-8 [attack:J9]", "[json][attack:J9]") {
  CHECK(parse_error("\xEF\xBB\xBF{}") == ErrorCode::invalid_json);
  CHECK(parse_error("{\"a\": \"\xff\"}") == ErrorCode::invalid_json);
  CHECK(parse_error("{\"a\": \"\xc0\xaf\"}") == ErrorCode::invalid_json);
}

TEST_CASE("parse_json bounds depth before recursing [attack:H5]", "[json][attack:H5]") {
  const std::string deep = std::string(10000, '[') + std::string(10000, ']');
  CHECK(parse_error(deep) == ErrorCode::nesting_too_deep);
  // Brackets inside strings do not count toward depth.
  CHECK(veil::parse_json(R"({"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["})"));
  CHECK(veil::parse_json(R"({"a": "\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["})"));
}

TEST_CASE("parse_json bounds size", "[json]") {
  veil::JsonLimits limits;
  limits.max_bytes = 10;
  CHECK(parse_error(R"({"a": "0123456789"})", limits) == ErrorCode::input_too_large);
}

TEST_CASE("parse_json rejects numbers that overflow and trailing garbage [attack:H5]", "[json][attack:H5]") {
  CHECK(parse_error(R"({"a": 1e999999})") == ErrorCode::invalid_json);
  CHECK(parse_error(R"({"a": 1} x)") == ErrorCode::invalid_json);
  CHECK(parse_error("") == ErrorCode::invalid_json);
}

TEST_CASE("parse_json_object names the error of a non-object", "[json]") {
  for (const char* text : {"[]", "\"x\"", "null", "0"}) {
    auto parsed = veil::parse_json_object(text, ErrorCode::invalid_jwt_payload);
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().code == ErrorCode::invalid_jwt_payload);
  }
}
