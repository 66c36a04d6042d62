#include "veil/sd_jwt.h"

#include <catch2/catch.hpp>

#include "core/test_keys.h"
#include "veil/base64url.h"

using veil::ErrorCode;
using veil::Json;
using veil::SdJwt;

namespace {

// The generated .json files hold the JWS JSON serialization as a JSON string (double-encoded, vectors README).
std::string double_decoded(std::string_view relative) {
  return veil_test::read_vector_json(relative).get<std::string>();
}

std::string folder(std::string_view example) { return "sd-jwt/rfc9901-examples/" + std::string(example) + "/generated/"; }

ErrorCode parse_error(const Json& document, const veil::SdJwtLimits& limits = {}) {
  auto parsed = SdJwt::parse_json(document.dump(), limits);
  REQUIRE_FALSE(parsed);
  return parsed.error().code;
}

const std::string kDisclosure = veil::base64url_encode(R"(["salt", "given_name", "Erika"])");

Json flattened() {
  return Json{{"payload", "eyJpc3MiOiJ4In0"},
              {"protected", "eyJhbGciOiJFUzI1NiJ9"},
              {"signature", "c2ln"},
              {"header", {{"disclosures", Json::array({kDisclosure})}}}};
}

}  // namespace

TEST_CASE("JSON serialization examples of RFC 9901 section 8 parse, hash and re-serialize", "[sd_jwt_json][vectors]") {
  struct Example {
    const char* name;
    std::size_t signatures;
  };
  for (Example example : {Example{"json_serialization_flattened", 1}, Example{"json_serialization_general", 2}}) {
    INFO(example.name);
    const std::string base = folder(example.name);
    const std::string presentation_text = double_decoded(base + "sd_jwt_presentation.json");
    auto presentation = SdJwt::parse_json(presentation_text);
    REQUIRE(presentation);
    CHECK(presentation->issuer_jwts().size() == example.signatures);
    CHECK(presentation->disclosures().size() == 2);
    REQUIRE(presentation->kb_jwt());
    CHECK(*presentation->kb_jwt() == veil_test::read_vector_file(base + "kb_jwt_serialized.txt"));

    // §8.1: sd_hash covers "<protected>.<payload>.<signature>~<D1>~...~" of the first signature.
    Json kb_payload = veil_test::read_vector_json(base + "kb_jwt_payload.json");
    CHECK(veil::hash_base64url(veil::HashAlg::sha_256, presentation->sd_hash_input()) == kb_payload["sd_hash"]);

    // Re-serialized it is the same JSON document (unprotected "kid" kept), in either form.
    Json original = Json::parse(presentation_text);
    CHECK(presentation->serialize_json(example.signatures > 1) == original);
    auto again = SdJwt::parse(presentation->serialize_json().dump());
    REQUIRE(again);
    CHECK(again->sd_hash_input() == presentation->sd_hash_input());
    CHECK(again->unprotected_headers() == presentation->unprotected_headers());

    // The compact form of the same SD-JWT+KB carries the same sd_hash input.
    auto compact = SdJwt::parse_compact(presentation->serialize_compact());
    REQUIRE(compact);
    CHECK(compact->sd_hash_input() == presentation->sd_hash_input());
    CHECK(compact->kb_jwt() == presentation->kb_jwt());

    auto issuance = SdJwt::parse_json(double_decoded(base + "sd_jwt_issuance.json"));
    REQUIRE(issuance);
    CHECK(issuance->disclosures().size() == 4);
    CHECK_FALSE(issuance->kb_jwt());
    CHECK(issuance->issuer_jwts() == presentation->issuer_jwts());
  }
}

TEST_CASE("JSON serialization keeps the unprotected kid of every signature in the general form", "[sd_jwt_json]") {
  auto general = SdJwt::parse_json(double_decoded(folder("json_serialization_general") + "sd_jwt_issuance.json"));
  REQUIRE(general);
  REQUIRE(general->unprotected_headers().size() == 2);
  CHECK(general->unprotected_headers()[0] == Json{{"kid", "issuer-key-1"}});
  CHECK(general->unprotected_headers()[1] == Json{{"kid", "issuer-key-2"}});
}

TEST_CASE("flattened JSON serialization round-trips through SdJwt", "[sd_jwt_json]") {
  auto parsed = SdJwt::parse_json(flattened().dump());
  REQUIRE(parsed);
  CHECK(parsed->issuer_jwt() == "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJ4In0.c2ln");
  CHECK(parsed->serialize_json() == flattened());
  Json general = parsed->serialize_json(true);
  CHECK(general["signatures"].size() == 1);
  auto from_general = SdJwt::parse_json(general.dump());
  REQUIRE(from_general);
  CHECK(from_general->serialize_compact() == parsed->serialize_compact());
  Json with_kb = parsed->with_key_binding("a.b.c").serialize_json();
  CHECK(with_kb["header"]["kb_jwt"] == "a.b.c");
}

TEST_CASE("JSON serialization rejects documents of the wrong shape", "[sd_jwt_json]") {
  CHECK(SdJwt::parse_json("[]").error().code == ErrorCode::malformed_sd_jwt);
  CHECK(SdJwt::parse_json("{").error().code == ErrorCode::invalid_json);
  Json doc = flattened();
  doc.erase("payload");
  CHECK(parse_error(doc) == ErrorCode::malformed_sd_jwt);
  doc = flattened();
  doc.erase("signature");
  CHECK(parse_error(doc) == ErrorCode::malformed_sd_jwt);
  doc = flattened();
  doc["header"].erase("disclosures");
  CHECK(parse_error(doc) == ErrorCode::malformed_sd_jwt);
  doc = flattened();
  doc["header"]["disclosures"] = kDisclosure;
  CHECK(parse_error(doc) == ErrorCode::malformed_sd_jwt);
  doc = flattened();
  doc["header"] = "x";
  CHECK(parse_error(doc) == ErrorCode::malformed_sd_jwt);
  doc = flattened();
  doc["header"]["kb_jwt"] = 5;
  CHECK(parse_error(doc) == ErrorCode::malformed_sd_jwt);

  Json general = {{"payload", "eyJpc3MiOiJ4In0"}, {"signatures", Json::array()}};
  CHECK(parse_error(general) == ErrorCode::malformed_sd_jwt);
  general["signatures"] = Json::array({{{"protected", "eyJhbGciOiJFUzI1NiJ9"},
                                        {"signature", "c2ln"},
                                        {"header", {{"disclosures", Json::array()}}}},
                                       {{"protected", "eyJhbGciOiJFUzI1NiJ9"},
                                        {"signature", "c2ln"},
                                        {"header", {{"disclosures", Json::array({kDisclosure})}}}}});
  CHECK(parse_error(general) == ErrorCode::malformed_sd_jwt);  // disclosures outside the first signature
  general["signatures"][1]["header"] = Json::object();
  CHECK(SdJwt::parse_json(general.dump()));
  general["signature"] = "c2ln";
  CHECK(parse_error(general) == ErrorCode::malformed_sd_jwt);  // general and flattened mixed
}

TEST_CASE("JSON serialization rejects malformed disclosures [attack:S8]", "[sd_jwt_json][attack:S8]") {
  Json doc = flattened();
  doc["header"]["disclosures"] = Json::array({7});
  CHECK(parse_error(doc) == ErrorCode::invalid_disclosure);
  doc["header"]["disclosures"] = Json::array({"not base64url!"});
  CHECK(parse_error(doc) == ErrorCode::invalid_disclosure);
  doc["header"]["disclosures"] = Json::array({veil::base64url_encode(R"(["s", "...", 1])")});
  CHECK(parse_error(doc) == ErrorCode::forbidden_claim_name);
}

TEST_CASE("JSON serialization parsing is bounded [attack:S11]", "[sd_jwt_json][attack:S11]") {
  Json doc = flattened();
  doc["header"]["disclosures"] = Json::array({kDisclosure, kDisclosure, kDisclosure});
  veil::SdJwtLimits limits;
  limits.max_disclosures = 2;
  CHECK(parse_error(doc, limits) == ErrorCode::too_many_disclosures);
  veil::SdJwtLimits tiny;
  tiny.max_bytes = 32;
  CHECK(parse_error(doc, tiny) == ErrorCode::input_too_large);
}
