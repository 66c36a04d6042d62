#include "veil/disclosure.h"

#include <catch2/catch.hpp>

#include "veil/base64url.h"

using veil::Disclosure;
using veil::ErrorCode;
using veil::Json;

namespace {

// RFC 9901 §4.2.3: this Disclosure and its SHA-256 digest.
constexpr char kRfcDisclosure[] = "WyI2cU1RdlJMNWhhaiIsICJmYW1pbHlfbmFtZSIsICJNw7ZiaXVzIl0";
constexpr char kRfcDigest[] = "uutlBuYeMDyjLLTpf6Jxi7yNkEF35jdyWMn9U7b_RYY";

ErrorCode parse_error(std::string_view decoded_json) {
  auto parsed = Disclosure::parse(veil::base64url_encode(decoded_json));
  REQUIRE_FALSE(parsed);
  return parsed.error().code;
}

}  // namespace

TEST_CASE("disclosure digest matches RFC 9901 section 4.2.3", "[disclosure]") {
  auto disclosure = Disclosure::parse(kRfcDisclosure);
  REQUIRE(disclosure);
  CHECK(disclosure->encoded() == kRfcDisclosure);
  CHECK(disclosure->salt() == "6qMQvRL5haj");
  CHECK(disclosure->claim_name() == std::optional<std::string>("family_name"));
  CHECK(disclosure->value() == "M\xc3\xb6" "bius");
  CHECK_FALSE(disclosure->is_array_element());
  CHECK(disclosure->digest(veil::HashAlg::sha_256) == kRfcDigest);
}

TEST_CASE("disclosure digest covers the encoded string, not a re-serialization [attack:S12]",
          "[disclosure][attack:S12]") {
  // The same array with other whitespace is a different Disclosure with a different digest.
  auto spaced = Disclosure::parse(veil::base64url_encode(R"(["6qMQvRL5haj","family_name","M\u00f6bius"])"));
  REQUIRE(spaced);
  CHECK(spaced->value() == "M\xc3\xb6" "bius");
  CHECK(spaced->digest(veil::HashAlg::sha_256) != kRfcDigest);
  CHECK(spaced->digest(veil::HashAlg::sha_256) == veil::hash_base64url(veil::HashAlg::sha_256, spaced->encoded()));
}

TEST_CASE("disclosure for a property is built with the JSON library and parses back", "[disclosure]") {
  Json value = {{"street", "Quote \" and \\ backslash"}, {"n", 1}};
  auto made = Disclosure::for_property("c2FsdHNhbHRzYWx0c2FsdA", "address", value);
  REQUIRE(made);
  auto decoded = veil::base64url_decode_to_string(made->encoded());
  REQUIRE(decoded);
  CHECK(Json::parse(*decoded) == Json::array({"c2FsdHNhbHRzYWx0c2FsdA", "address", value}));
  auto reparsed = Disclosure::parse(made->encoded());
  REQUIRE(reparsed);
  CHECK(reparsed->value() == value);
  CHECK(reparsed->digest(veil::HashAlg::sha_384) == made->digest(veil::HashAlg::sha_384));
}

TEST_CASE("disclosure for an array element has two elements and no claim name", "[disclosure]") {
  Disclosure made = Disclosure::for_array_element("lklxF5jMYlGTPUovMNIvCA", "US");
  auto reparsed = Disclosure::parse(made.encoded());
  REQUIRE(reparsed);
  CHECK(reparsed->is_array_element());
  CHECK_FALSE(reparsed->claim_name().has_value());
  CHECK(reparsed->value() == "US");
  // RFC 9901 §4.2.2 example: ["lklxF5jMYlGTPUovMNIvCA", "US"] in Python's spacing.
  auto rfc = Disclosure::parse("WyJsa2x4RjVqTVlsR1RQVW92TU5JdkNBIiwgIlVTIl0");
  REQUIRE(rfc);
  CHECK(rfc->digest(veil::HashAlg::sha_256) == "pFndjkZ_VCzmyTa6UjlZo3dh-ko8aIKQc9DlGzhaVYo");
}

TEST_CASE("disclosure with invalid UTF-8 is refused when it must not be altered", "[disclosure]") {
  auto made = Disclosure::for_property("salt", "name", std::string("\xff\xfe"));
  REQUIRE_FALSE(made);
  CHECK(made.error().code == ErrorCode::invalid_claims);
  CHECK(Disclosure::try_for_array_element("salt", std::string("\xff")).error().code == ErrorCode::invalid_claims);
}

TEST_CASE("disclosure rejects the reserved claim names _sd and ... [attack:S5]", "[disclosure][attack:S5]") {
  CHECK(parse_error(R"(["salt", "_sd", ["x"]])") == ErrorCode::forbidden_claim_name);
  CHECK(parse_error(R"(["salt", "...", "x"])") == ErrorCode::forbidden_claim_name);
  CHECK(Disclosure::for_property("salt", "_sd", 1).error().code == ErrorCode::forbidden_claim_name);
  CHECK(Disclosure::for_property("salt", "...", 1).error().code == ErrorCode::forbidden_claim_name);
}

TEST_CASE("disclosure rejects anything but a base64url JSON array of 2 or 3 elements [attack:S8]",
          "[disclosure][attack:S8]") {
  SECTION("not base64url") {
    CHECK(Disclosure::parse("WyJzYWx0IiwgIngiXQ==").error().code == ErrorCode::invalid_disclosure);
    CHECK(Disclosure::parse("WyJz+Wx0Ii/gIngiXQ").error().code == ErrorCode::invalid_disclosure);
    CHECK(Disclosure::parse("").error().code == ErrorCode::invalid_disclosure);
  }
  SECTION("not JSON") { CHECK(parse_error("[\"salt\", \"name\", ") == ErrorCode::invalid_disclosure); }
  SECTION("not an array") {
    CHECK(parse_error(R"({"salt": "s", "name": "n"})") == ErrorCode::invalid_disclosure);
    CHECK(parse_error(R"("salt")") == ErrorCode::invalid_disclosure);
  }
  SECTION("wrong length") {
    CHECK(parse_error(R"(["salt"])") == ErrorCode::invalid_disclosure);
    CHECK(parse_error(R"([])") == ErrorCode::invalid_disclosure);
    CHECK(parse_error(R"(["salt", "name", "value", "extra"])") == ErrorCode::invalid_disclosure);
  }
  SECTION("salt not a string") {
    CHECK(parse_error(R"([1, "name", "value"])") == ErrorCode::invalid_disclosure);
    CHECK(parse_error(R"([null, "value"])") == ErrorCode::invalid_disclosure);
  }
  SECTION("name not a string") {
    CHECK(parse_error(R"(["salt", 7, "value"])") == ErrorCode::invalid_disclosure);
    CHECK(parse_error(R"(["salt", null, "value"])") == ErrorCode::invalid_disclosure);
  }
  SECTION("duplicate member inside the value") {
    CHECK(parse_error(R"(["salt", "a", {"b": 1, "b": 2}])") == ErrorCode::invalid_disclosure);
  }
}

TEST_CASE("disclosure parsing honours the JSON limits [attack:S11]", "[disclosure][attack:S11]") {
  veil::JsonLimits small;
  small.max_bytes = 64;
  std::string big = R"(["salt", "name", ")" + std::string(200, 'x') + "\"]";
  CHECK(Disclosure::parse(veil::base64url_encode(big), small).error().code == ErrorCode::input_too_large);

  veil::JsonLimits shallow;
  shallow.max_depth = 4;
  std::string deep = R"(["salt", "name", )" + std::string(10, '[') + std::string(10, ']') + "]";
  CHECK(Disclosure::parse(veil::base64url_encode(deep), shallow).error().code == ErrorCode::nesting_too_deep);
}
