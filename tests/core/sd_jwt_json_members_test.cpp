// Regression tests from fuzzing (fuzz_sd_jwt_json): the JWS members of the JSON serialization must each be one
// base64url part, so that what parse_json accepts reads back identically in the compact form.
#include <catch2/catch.hpp>

#include "veil/base64url.h"
#include "veil/sd_jwt.h"

using veil::ErrorCode;
using veil::Json;
using veil::SdJwt;

namespace {

Json flattened() {
  return Json{{"payload", "eyJpc3MiOiJ4In0"},
              {"protected", "eyJhbGciOiJFUzI1NiJ9"},
              {"signature", "c2ln"},
              {"header", {{"disclosures", Json::array({veil::base64url_encode(R"(["salt", "given_name", "Erika"])")})}}}};
}

std::optional<ErrorCode> parse_error(const Json& document) {
  auto parsed = SdJwt::parse_json(document.dump());
  if (parsed) return std::nullopt;
  return parsed.error().code;
}

}  // namespace

TEST_CASE("SD-JWT JSON serialization with well-formed members parses and reads back in compact form",
          "[sd_jwt_json][fuzz]") {
  auto parsed = SdJwt::parse_json(flattened().dump());
  REQUIRE(parsed);
  auto compact = SdJwt::parse_compact(parsed->serialize_compact());
  REQUIRE(compact);
  CHECK(compact->issuer_jwt() == parsed->issuer_jwt());
}

TEST_CASE("SD-JWT JSON serialization rejects a payload that is not one base64url part", "[sd_jwt_json][fuzz]") {
  // Found by fuzz_sd_jwt_json: a '.' inside "payload" made a four-part issuer JWT the compact parser refuses.
  Json document = flattened();
  document["payload"] = "eyJpc3Mi.OiJ4In0";
  CHECK(parse_error(document) == ErrorCode::malformed_sd_jwt);
  document["payload"] = "eyJpc3Mi~OiJ4In0";
  CHECK(parse_error(document) == ErrorCode::malformed_sd_jwt);
  document["payload"] = "eyJpc3MiOiJ4In0=";
  CHECK(parse_error(document) == ErrorCode::malformed_sd_jwt);
}

TEST_CASE("SD-JWT JSON serialization rejects protected or signature members that are not one base64url part",
          "[sd_jwt_json][fuzz]") {
  for (const char* member : {"protected", "signature"}) {
    for (const char* bad : {"a.b", "a~b", "a b", "a+b"}) {
      INFO(member << " = " << bad);
      Json document = flattened();
      document[member] = bad;
      CHECK(parse_error(document) == ErrorCode::malformed_sd_jwt);
    }
  }
  Json general = {{"payload", "eyJpc3MiOiJ4In0"},
                  {"signatures", Json::array({{{"protected", "eyJhbGciOiJFUzI1NiJ9"}, {"signature", "c2ln"}},
                                              {{"protected", "eyJh.bGci"}, {"signature", "c2ln"}}})}};
  general["signatures"][0]["header"] = flattened()["header"];
  CHECK(parse_error(general) == ErrorCode::malformed_sd_jwt);
}

TEST_CASE("SD-JWT JSON serialization rejects a kb_jwt that is not a compact JWS", "[sd_jwt_json][fuzz]") {
  for (const char* bad : {"a.b", "a.b.c.d", "a~b.c.d", "a..c", ".b.c", "a.b.c~"}) {
    INFO("kb_jwt = " << bad);
    Json document = flattened();
    document["header"]["kb_jwt"] = bad;
    CHECK(parse_error(document) == ErrorCode::malformed_sd_jwt);
  }
  Json document = flattened();
  document["header"]["kb_jwt"] = "eyJhbGciOiJFUzI1NiJ9.e30.c2ln";
  auto parsed = SdJwt::parse_json(document.dump());
  REQUIRE(parsed);
  auto compact = SdJwt::parse_compact(parsed->serialize_compact());
  REQUIRE(compact);
  CHECK(compact->kb_jwt() == parsed->kb_jwt());
}
