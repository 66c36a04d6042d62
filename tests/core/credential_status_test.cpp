#include "veil/credential_status.h"

#include <catch2/catch.hpp>

using veil::CredentialStatus;
using veil::ErrorCode;
using veil::Json;

namespace {

Json status_with(Json idx, Json uri = "https://example.com/statuslists/1") {
  return Json{{"status_list", Json{{"idx", std::move(idx)}, {"uri", std::move(uri)}}}};
}

}  // namespace

TEST_CASE("credential status parses the draft's Referenced Token status claim", "[credential_status]") {
  // TSL §6.2 example Referenced Token payload.
  const Json claims = Json::parse(R"({
    "iss": "https://example.com",
    "status": {"status_list": {"idx": 0, "uri": "https://example.com/statuslists/1"}}
  })");
  auto status = CredentialStatus::from_claims(claims);
  REQUIRE(status);
  CHECK(status->status_list().idx == 0);
  CHECK(status->status_list().uri == "https://example.com/statuslists/1");

  auto large = CredentialStatus::parse(status_with(1048575));
  REQUIRE(large);
  CHECK(large->status_list().idx == 1048575);
}

TEST_CASE("credential status ignores members of other status mechanisms", "[credential_status]") {
  Json status = status_with(7);
  status["other_mechanism"] = Json{{"x", 1}};
  auto parsed = CredentialStatus::parse(status);
  REQUIRE(parsed);
  CHECK(parsed->status_list().idx == 7);
}

TEST_CASE("credential status rejects an idx that is negative or not an integer [attack:L4]",
          "[credential_status][attack:L4]") {
  for (const Json& idx : {Json(-1), Json(1.5), Json(1.0), Json("3"), Json(true), Json(nullptr), Json::array(),
                          Json(-9223372036854775807LL)}) {
    INFO("idx " << idx.dump());
    auto status = CredentialStatus::parse(status_with(idx));
    REQUIRE_FALSE(status);
    CHECK(status.error().code == ErrorCode::status_index_out_of_range);
  }
}

TEST_CASE("credential status rejects a malformed status claim", "[credential_status]") {
  const std::vector<Json> bad = {
      Json("https://example.com/statuslists/1"),
      Json::array(),
      Json::object(),                                                      // no status_list
      Json{{"status_list", "https://example.com/statuslists/1"}},          // not an object
      Json{{"status_list", Json{{"uri", "https://example.com/s/1"}}}},     // no idx
      Json{{"status_list", Json{{"idx", 3}}}},                             // no uri
      status_with(3, 42),                                                  // uri not a string
      status_with(3, ""),                                                  // empty uri
  };
  for (const Json& status : bad) {
    INFO("status " << status.dump());
    auto parsed = CredentialStatus::parse(status);
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().code == ErrorCode::invalid_status_claim);
  }
  CHECK(CredentialStatus::from_claims(Json{{"iss", "https://example.com"}}).error().code ==
        ErrorCode::invalid_status_claim);
  CHECK(CredentialStatus::from_claims(Json::array()).error().code == ErrorCode::invalid_status_claim);
}

TEST_CASE("status_claim builds what CredentialStatus parses", "[credential_status]") {
  auto claim = veil::status_claim({42, "https://example.com/statuslists/1"});
  REQUIRE(claim);
  CHECK(*claim == Json::parse(R"({"status_list": {"idx": 42, "uri": "https://example.com/statuslists/1"}})"));
  auto parsed = CredentialStatus::parse(*claim);
  REQUIRE(parsed);
  CHECK(parsed->status_list().idx == 42);
  CHECK(veil::status_claim({1, ""}).error().code == ErrorCode::invalid_argument);
}
