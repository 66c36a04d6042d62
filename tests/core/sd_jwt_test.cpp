#include "veil/sd_jwt.h"

#include <catch2/catch.hpp>

#include "core/test_keys.h"
#include "veil/base64url.h"

using veil::ErrorCode;
using veil::Json;
using veil::SdJwt;

namespace {

constexpr char kJwt[] = "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJ4In0.c2ln";

std::string disclosure(std::string_view json) { return veil::base64url_encode(json); }

ErrorCode parse_error(std::string_view text, const veil::SdJwtLimits& limits = {}) {
  auto parsed = SdJwt::parse_compact(text, limits);
  REQUIRE_FALSE(parsed);
  return parsed.error().code;
}

Json rfc_text(std::string_view example) {
  return veil_test::read_vector_json("sd-jwt/rfc9901-examples/" + std::string(example) + "/rfc9901-text.json");
}

}  // namespace

TEST_CASE("compact SD-JWT from RFC 9901 parses and serializes back byte for byte", "[sd_jwt][vectors]") {
  for (const char* example : {"simple", "arf-pid", "jsonld", "complex_ekyc", "simple_structured"}) {
    INFO(example);
    Json text = rfc_text(example);
    for (const char* kind : {"issuance", "presentation"}) {
      if (!text.contains(kind)) continue;
      for (const Json& entry : text[kind]) {
        const std::string serialized = entry["serialized"].get<std::string>();
        auto parsed = SdJwt::parse_compact(serialized);
        REQUIRE(parsed);
        CHECK(parsed->disclosures().size() == entry["disclosure_count"].get<std::size_t>());
        CHECK(parsed->kb_jwt().has_value() == entry.contains("kb_jwt_payload"));
        CHECK(parsed->serialize_compact() == serialized);
        if (text.contains("issuer_signed_jwt") && std::string(kind) == "issuance")
          CHECK(parsed->issuer_jwt() == text["issuer_signed_jwt"].get<std::string>());
      }
    }
  }
}

TEST_CASE("sd_hash input of an RFC 9901 presentation hashes to the KB-JWT's sd_hash", "[sd_jwt][vectors]") {
  std::size_t checked = 0;
  for (const char* example : {"simple", "arf-pid", "jsonld"}) {
    INFO(example);
    const Json text = rfc_text(example);
    for (const Json& presentation : text["presentation"]) {
      if (!presentation.contains("kb_jwt_payload")) continue;
      auto parsed = SdJwt::parse_compact(presentation["serialized"].get<std::string>());
      REQUIRE(parsed);
      std::string input = parsed->sd_hash_input();
      CHECK(input.back() == '~');
      CHECK(input == parsed->without_key_binding().serialize_compact());
      CHECK(veil::hash_base64url(veil::HashAlg::sha_256, input) == presentation["kb_jwt_payload"]["sd_hash"]);
      ++checked;
    }
  }
  CHECK(checked == 3);
}

TEST_CASE("compact SD-JWT copies swap disclosures and key binding without touching the original", "[sd_jwt]") {
  auto parsed = SdJwt::parse_compact(std::string(kJwt) + "~" + disclosure(R"(["s1", "a", 1])") + "~" +
                                     disclosure(R"(["s2", "b", 2])") + "~");
  REQUIRE(parsed);
  REQUIRE(parsed->disclosures().size() == 2);
  CHECK_FALSE(parsed->kb_jwt());
  SdJwt one = parsed->with_disclosures({parsed->disclosures()[1]});
  CHECK(one.serialize_compact() == std::string(kJwt) + "~" + disclosure(R"(["s2", "b", 2])") + "~");
  SdJwt bound = one.with_key_binding("a.b.c");
  CHECK(bound.serialize_compact() == one.serialize_compact() + "a.b.c");
  CHECK(bound.sd_hash_input() == one.serialize_compact());
  CHECK(bound.without_key_binding().serialize_compact() == one.serialize_compact());
  CHECK(parsed->disclosures().size() == 2);

  auto no_disclosures = SdJwt::parse_compact(std::string(kJwt) + "~");
  REQUIRE(no_disclosures);
  CHECK(no_disclosures->disclosures().empty());
  auto kb_only = SdJwt::parse_compact(std::string(kJwt) + "~x.y.z");
  REQUIRE(kb_only);
  CHECK(kb_only->kb_jwt() == std::optional<std::string>("x.y.z"));
}

TEST_CASE("compact SD-JWT without the final ~ is rejected, not read as a KB-JWT [attack:S13]",
          "[sd_jwt][attack:S13]") {
  const std::string d1 = disclosure(R"(["salt", "given_name", "Erika"])");
  auto parsed = SdJwt::parse_compact(std::string(kJwt) + "~" + d1);
  REQUIRE_FALSE(parsed);
  CHECK(parsed.error().code == ErrorCode::malformed_sd_jwt);
  CHECK(parsed.error().message.find("must end with '~'") != std::string::npos);
  // A KB-JWT must look like a JWT: three non-empty parts.
  CHECK(parse_error(std::string(kJwt) + "~" + d1 + "~a.b") == ErrorCode::malformed_sd_jwt);
  CHECK(parse_error(std::string(kJwt) + "~" + d1 + "~a..c") == ErrorCode::malformed_sd_jwt);
}

TEST_CASE("compact SD-JWT rejects a broken ~ structure", "[sd_jwt]") {
  CHECK(parse_error(kJwt) == ErrorCode::malformed_sd_jwt);                    // a plain JWT
  CHECK(parse_error("") == ErrorCode::malformed_sd_jwt);
  CHECK(parse_error("~") == ErrorCode::malformed_sd_jwt);                     // no issuer JWT
  CHECK(parse_error("not-a-jwt~") == ErrorCode::malformed_sd_jwt);
  CHECK(parse_error(std::string(kJwt) + "~~") == ErrorCode::malformed_sd_jwt);  // empty disclosure
  CHECK(parse_error(std::string(kJwt) + "~" + disclosure(R"(["s", "a", 1])") + "~~") == ErrorCode::malformed_sd_jwt);
}

TEST_CASE("compact SD-JWT rejects malformed disclosures [attack:S8] [attack:S5]", "[sd_jwt][attack:S8][attack:S5]") {
  CHECK(parse_error(std::string(kJwt) + "~!!~") == ErrorCode::invalid_disclosure);
  CHECK(parse_error(std::string(kJwt) + "~" + disclosure(R"({"a": 1})") + "~") == ErrorCode::invalid_disclosure);
  CHECK(parse_error(std::string(kJwt) + "~" + disclosure(R"(["s", 1, 2])") + "~") == ErrorCode::invalid_disclosure);
  CHECK(parse_error(std::string(kJwt) + "~" + disclosure(R"(["s", "_sd", 2])") + "~") ==
        ErrorCode::forbidden_claim_name);
}

TEST_CASE("compact SD-JWT parsing is bounded in size and disclosure count [attack:S11]", "[sd_jwt][attack:S11]") {
  std::string many = std::string(kJwt) + "~";
  for (int i = 0; i < 5; ++i) many += disclosure(R"(["s", "a", 1])") + "~";
  veil::SdJwtLimits limits;
  limits.max_disclosures = 4;
  CHECK(parse_error(many, limits) == ErrorCode::too_many_disclosures);
  limits.max_disclosures = 5;
  CHECK(SdJwt::parse_compact(many, limits));

  // 100 000 disclosures with the default bound of 1000.
  std::string flood = std::string(kJwt) + "~";
  const std::string small = disclosure(R"(["s","a",1])");
  for (int i = 0; i < 100000; ++i) flood += small + "~";
  veil::SdJwtLimits roomy;
  roomy.max_bytes = 8 << 20;
  CHECK(parse_error(flood, roomy) == ErrorCode::too_many_disclosures);
  CHECK(parse_error(flood) == ErrorCode::input_too_large);

  veil::SdJwtLimits tiny;
  tiny.max_bytes = 64;
  CHECK(parse_error(many, tiny) == ErrorCode::input_too_large);
  // A 10 MB disclosure is refused before it is decoded.
  CHECK(parse_error(std::string(kJwt) + "~" + std::string(10 << 20, 'A') + "~") == ErrorCode::input_too_large);
  veil::SdJwtLimits shallow;
  shallow.json.max_depth = 8;
  CHECK(parse_error(std::string(kJwt) + "~" + disclosure(R"(["s", "a", )" + std::string(50, '[') +
                                                         std::string(50, ']') + "]") + "~",
                    shallow) == ErrorCode::nesting_too_deep);
}

TEST_CASE("SdJwt::parse picks the JSON serialization for text starting with {", "[sd_jwt]") {
  CHECK(SdJwt::parse(std::string(kJwt) + "~"));
  auto json = SdJwt::parse("  {\"payload\": 1}");
  REQUIRE_FALSE(json);
  CHECK(json.error().code == ErrorCode::malformed_sd_jwt);
}
