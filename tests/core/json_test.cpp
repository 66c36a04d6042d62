#include "veil/json.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

using veil::ErrorCode;

namespace {

ErrorCode parse_error(std::string_view text, const veil::JsonLimits& limits = {}) {
  auto parsed = veil::parse_json(text, limits);
  REQUIRE_FALSE(parsed);
  return parsed.error().code;
}

// has_non_finite_number tells whether |value| holds a number nlohmann parsed to infinity (it does not refuse them).
bool has_non_finite_number(const veil::Json& value) {
  if (value.is_number_float()) return !std::isfinite(value.get<double>());
  if (value.is_structured()) {
    for (const auto& child : value) {
      if (has_non_finite_number(child)) return true;
    }
  }
  return false;
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

TEST_CASE("parse_json keeps nlohmann's number types: unsigned, signed, then double", "[json]") {
  auto parsed = veil::parse_json(R"([0, -0, 18446744073709551615, 18446744073709551616, -9223372036854775808,
                                     -9223372036854775809, 1.0, 1e2, 1E-2, -0.0, 1e-400])");
  REQUIRE(parsed);
  const auto& values = *parsed;
  CHECK(values[0].is_number_unsigned());
  CHECK(values[1].is_number_integer());
  CHECK(values[2].get<std::uint64_t>() == 18446744073709551615ULL);
  CHECK(values[3].is_number_float());  // beyond uint64: a double, as nlohmann does
  CHECK(values[4].get<std::int64_t>() == INT64_MIN);
  CHECK(values[5].is_number_float());
  CHECK(values[6].is_number_float());
  CHECK(values.dump() == veil::Json::parse(values.dump()).dump());
  CHECK(values[10].get<double>() == 0.0);  // underflow is zero, not an error (only overflow is refused)
}

TEST_CASE("parse_json follows RFC 8259 strings: escapes, surrogate pairs, no raw control characters", "[json]") {
  auto parsed = veil::parse_json(R"(["\"\\\/\b\f\n\r\t", "\u0000", "\ud83d\ude00", "\u00E9"])");
  REQUIRE(parsed);
  CHECK((*parsed)[0] == "\"\\/\b\f\n\r\t");
  CHECK((*parsed)[1].get<std::string>() == std::string(1, '\0'));
  CHECK((*parsed)[2] == "\xF0\x9F\x98\x80");
  CHECK((*parsed)[3] == "\xC3\xA9");
  for (const char* text : {R"(["\ud83d"])", R"(["\ude00"])", R"(["\ud83d\u0041"])", R"(["\x41"])", R"(["\u12"])",
                           "[\"\t\"]", "[\"a", R"(["\'"])", "[\"\xed\xa0\x80\"]", "[\"\xf4\x90\x80\x80\"]",
                           "[\"\xe0\x80\xaf\"]", "[\"\xc3\"]"}) {
    INFO(text);
    CHECK(parse_error(text) == ErrorCode::invalid_json);
  }
}

TEST_CASE("parse_json refuses what RFC 8259 does not allow", "[json]") {
  for (const char* text : {"[01]", "[1.]", "[.1]", "[1e]", "[+1]", "[-]", "[1,]", "{\"a\":1,}", "[NaN]", "[Infinity]",
                           "{a:1}", "{'a':1}", "[TRUE]", "[nul]", "[1 2]", "{\"a\" 1}", "\f[]", "[]\v", "{\"a\":}",
                           "[\"a\"\"b\"]", "]", "{", "[", "-01", "0x10", "1_000"}) {
    INFO(text);
    CHECK(parse_error(text) == ErrorCode::invalid_json);
  }
  CHECK(veil::parse_json(" \t\r\n[ 1 , {\"a\" : [ ] } ] \n"));
}

TEST_CASE("parse_json agrees with nlohmann on mutated documents (differential)", "[json]") {
  // Every input our reader accepts, nlohmann accepts with the same value and number types; every input it
  // refuses as invalid json, nlohmann refuses too (numbers out of a double's range aside). Mutations are
  // deterministic so a failure reproduces.
  const std::vector<std::string> seeds = {
      R"({"alg":"ES256","typ":"dc+sd-jwt","kid":"k-1"})",
      R"({"_sd":["a","b"],"iss":"https://issuer.example","iat":1683000000,"exp":1.5e9,"nested":{"x":[1,-2,3.25,true,false,null]}})",
      R"(["salt","given_name","J\u00f6rg \ud83d\ude00 \"quoted\" \\ \/"])",
      "[\"caf\xc3\xa9\",\"\xe2\x82\xac\",\"\xf0\x9f\x98\x80\",0,-0,1e-7,123456789012345678901234567890]",
  };
  const std::string interesting = "{}[]\",:\\0123456789eE+-.tfnul \t\n\x80\xbf\xc3\xed\xf0\xff";
  std::uint64_t state = 0x9E3779B97F4A7C15ULL;
  const auto next = [&state] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  int accepted = 0;
  for (int round = 0; round < 30000; ++round) {
    std::string text = seeds[next() % seeds.size()];
    const int edits = 1 + static_cast<int>(next() % 3);
    for (int e = 0; e < edits && !text.empty(); ++e) {
      const std::size_t at = next() % text.size();
      switch (next() % 4) {
        case 0: text[at] = interesting[next() % interesting.size()]; break;
        case 1: text.insert(at, 1, interesting[next() % interesting.size()]); break;
        case 2: text.erase(at, 1); break;
        default: text.insert(at, text.substr(at, next() % 8)); break;
      }
    }
    INFO(text);
    const veil::Json reference = veil::Json::parse(text, nullptr, /*allow_exceptions=*/false);
    auto ours = veil::parse_json(text);
    if (ours) {
      ++accepted;
      REQUIRE_FALSE(reference.is_discarded());
      REQUIRE(ours->dump() == reference.dump());
    } else if (ours.error().code == ErrorCode::invalid_json && !reference.is_discarded()) {
      // nlohmann keeps an overflowing number as infinity; that is the one refusal of ours it does not share.
      REQUIRE(has_non_finite_number(reference));
    } else if (ours.error().code == ErrorCode::duplicate_json_member) {
      REQUIRE_FALSE(reference.is_discarded());
    }
  }
  CHECK(accepted > 1000);  // the mutations leave enough valid documents to compare values, not only refusals
}
