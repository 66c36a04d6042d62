#include "veil/claim_path.h"

#include <catch2/catch.hpp>

using veil::AllArrayElements;
using veil::ClaimPath;
using veil::ClaimPathElement;
using veil::ErrorCode;
using veil::Json;

TEST_CASE("claim path reads dotted names, indices and *", "[claim_path]") {
  auto path = ClaimPath::parse_dotted("address.country");
  REQUIRE(path);
  CHECK(path->elements() == std::vector<ClaimPathElement>{std::string("address"), std::string("country")});

  auto index = ClaimPath::parse_dotted("nationalities.0");
  REQUIRE(index);
  CHECK(index->elements() == std::vector<ClaimPathElement>{std::string("nationalities"), std::size_t{0}});

  auto all = ClaimPath::parse_dotted("nationalities.*");
  REQUIRE(all);
  CHECK(all->elements() == std::vector<ClaimPathElement>{std::string("nationalities"), AllArrayElements{}});
  CHECK(all->to_dotted() == "nationalities.*");
  CHECK(all->to_json() == Json::array({"nationalities", nullptr}));
}

TEST_CASE("claim path rejects empty paths and empty segments", "[claim_path]") {
  for (const char* bad : {"", ".", "a.", ".a", "a..b"}) {
    INFO(bad);
    auto path = ClaimPath::parse_dotted(bad);
    REQUIRE_FALSE(path);
    CHECK(path.error().code == ErrorCode::invalid_claim_path);
  }
  CHECK(ClaimPath::parse_dotted("a.99999999999999999999999").error().code == ErrorCode::invalid_claim_path);
}

TEST_CASE("claim path reads a DCQL claims path array", "[claim_path]") {
  auto path = ClaimPath::from_json(Json::array({"degrees", nullptr, "type", 2}));
  REQUIRE(path);
  CHECK(path->elements() == std::vector<ClaimPathElement>{std::string("degrees"), AllArrayElements{},
                                                          std::string("type"), std::size_t{2}});
  CHECK(path->to_json() == Json::array({"degrees", nullptr, "type", 2}));
  CHECK(*ClaimPath::parse_dotted(path->to_dotted()) == *path);
}

TEST_CASE("claim path rejects a malformed DCQL claims path", "[claim_path]") {
  for (const Json& bad : {Json::array(), Json("a"), Json::array({-1}), Json::array({1.5}), Json::array({true}),
                          Json::array({Json::object()})}) {
    INFO(bad.dump());
    auto path = ClaimPath::from_json(bad);
    REQUIRE_FALSE(path);
    CHECK(path.error().code == ErrorCode::invalid_claim_path);
  }
}

TEST_CASE("claim path prefixes match with * standing for any index", "[claim_path]") {
  ClaimPath degrees_type = *ClaimPath::parse_dotted("degrees.1.type");
  CHECK(degrees_type.starts_with(*ClaimPath::parse_dotted("degrees")));
  CHECK(degrees_type.starts_with(*ClaimPath::parse_dotted("degrees.*")));
  CHECK(degrees_type.starts_with(*ClaimPath::parse_dotted("degrees.1")));
  CHECK_FALSE(degrees_type.starts_with(*ClaimPath::parse_dotted("degrees.0")));
  CHECK_FALSE(degrees_type.starts_with(*ClaimPath::parse_dotted("degrees.name")));
  CHECK_FALSE(degrees_type.starts_with(*ClaimPath::parse_dotted("degrees.1.type.x")));
  CHECK(ClaimPath::parse_dotted("degrees.*.type")->starts_with(*ClaimPath::parse_dotted("degrees.3")));
  CHECK(ClaimPath::parse_dotted("a")->child(std::size_t{3}) == *ClaimPath::parse_dotted("a.3"));
}
