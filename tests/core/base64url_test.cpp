#include "veil/base64url.h"

#include <catch2/catch.hpp>

using veil::ErrorCode;

TEST_CASE("base64url round-trips every length and byte value", "[base64url]") {
  std::string bytes;
  for (int i = 0; i < 300; ++i) {
    bytes.push_back(static_cast<char>(i * 7));
    auto decoded = veil::base64url_decode_to_string(veil::base64url_encode(bytes));
    REQUIRE(decoded);
    CHECK(*decoded == bytes);
  }
}

TEST_CASE("base64url encodes the RFC 4648 test vectors without padding", "[base64url]") {
  CHECK(veil::base64url_encode(std::string_view("")) == "");
  CHECK(veil::base64url_encode(std::string_view("f")) == "Zg");
  CHECK(veil::base64url_encode(std::string_view("fo")) == "Zm8");
  CHECK(veil::base64url_encode(std::string_view("foo")) == "Zm9v");
  CHECK(veil::base64url_encode(std::string_view("foob")) == "Zm9vYg");
  CHECK(veil::base64url_encode(std::string_view("\xfb\xff")) == "-_8");
}

TEST_CASE("base64url rejects padding, the standard alphabet and whitespace [attack:J7]", "[base64url][attack:J7]") {
  for (const char* bad : {"Zg==", "Zm8=", "+/8", "Zm 9v", "Zm9v\n", "Zm9v.", "Z"}) {
    auto decoded = veil::base64url_decode(bad);
    REQUIRE_FALSE(decoded);
    CHECK(decoded.error().code == ErrorCode::invalid_base64url);
  }
}

TEST_CASE("base64url rejects non-zero unused trailing bits [attack:J7]", "[base64url][attack:J7]") {
  // "Zh" and "Zg" both carry the byte 'f'; only the canonical one (unused bits zero) is accepted.
  CHECK(veil::base64url_decode("Zg"));
  auto decoded = veil::base64url_decode("Zh");
  REQUIRE_FALSE(decoded);
  CHECK(decoded.error().code == ErrorCode::invalid_base64url);
  CHECK_FALSE(veil::base64url_decode("Zm9"));
  CHECK(veil::base64url_decode("Zm8"));
}
