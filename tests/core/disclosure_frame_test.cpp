#include "veil/disclosure_frame.h"

#include <catch2/catch.hpp>

using veil::DisclosureFrame;
using veil::ErrorCode;
using veil::Json;

TEST_CASE("disclosure frame accepts the case.json shape", "[disclosure_frame]") {
  Json frame = Json::parse(R"({"_sd": ["address"], "address": {"_sd": ["country"]},
                               "nationalities": {"_sd": [0, 1], "1": {"_sd": []}}})");
  auto parsed = DisclosureFrame::parse(frame);
  REQUIRE(parsed);
  CHECK(parsed->to_json() == frame);
  CHECK(DisclosureFrame::none().to_json() == Json::object());
}

TEST_CASE("disclosure frame rejects a malformed shape", "[disclosure_frame]") {
  for (const char* bad : {R"([])", R"({"_sd": "address"})", R"({"_sd": ["a", 1]})", R"({"_sd": [1, "a"]})",
                          R"({"_sd": [-1]})", R"({"_sd": [true]})", R"({"address": ["country"]})",
                          R"({"address": {"_sd": [null]}})"}) {
    INFO(bad);
    auto parsed = DisclosureFrame::parse(Json::parse(bad));
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().code == ErrorCode::invalid_disclosure_frame);
  }
}

TEST_CASE("disclosure frame everything makes every member and element disclosable except the named ones",
          "[disclosure_frame]") {
  Json claims = Json::parse(R"({"given_name": "Erika", "iss": "x",
                                "address": {"street": "Heidestr. 17", "geo": {"lat": 1}},
                                "nationalities": ["DE", {"code": "FR"}], "cnf": {"jwk": {"kty": "EC"}}})");
  Json frame = DisclosureFrame::everything(claims, {"iss", "cnf"}).to_json();
  Json expected = Json::parse(R"({
    "_sd": ["address", "given_name", "nationalities"],
    "address": {"_sd": ["geo", "street"], "geo": {"_sd": ["lat"]}},
    "nationalities": {"_sd": [0, 1], "1": {"_sd": ["code"]}}
  })");
  CHECK(frame == expected);
  CHECK(DisclosureFrame::parse(frame));
}
