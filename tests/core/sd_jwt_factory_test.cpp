#include "veil/sd_jwt_factory.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include <catch2/catch.hpp>

#include "core/test_keys.h"
#include "veil/base64url.h"
#include "veil/sd_jwt.h"

using veil::Disclosure;
using veil::DisclosureFrame;
using veil::ErrorCode;
using veil::HashAlg;
using veil::Json;
using veil_test::FixedSaltSource;

namespace {

using DigestMap = std::map<std::string, const Disclosure*>;

DigestMap digests_of(const std::vector<Disclosure>& disclosures, HashAlg alg) {
  DigestMap map;
  for (const Disclosure& disclosure : disclosures) map.emplace(disclosure.digest(alg), &disclosure);
  return map;
}

// expand replaces every digest with what its disclosure reveals, wrapped as {"<sd>": value}, so two payloads
// built with different salts (or different JSON spacing) compare equal exactly when they have the same
// structure. Digests without a disclosure (decoys) are counted in |unresolved| and left out.
Json expand(const Json& node, const DigestMap& map, std::size_t& unresolved) {
  if (node.is_object()) {
    Json out = Json::object();
    for (const auto& [key, value] : node.items()) {
      if (key == "_sd" || key == "_sd_alg") continue;
      out[key] = expand(value, map, unresolved);
    }
    if (node.contains("_sd")) {
      for (const Json& digest : node["_sd"]) {
        auto found = map.find(digest.get<std::string>());
        if (found == map.end()) {
          ++unresolved;
          continue;
        }
        out[*found->second->claim_name()] = Json{{"<sd>", expand(found->second->value(), map, unresolved)}};
      }
    }
    return out;
  }
  if (node.is_array()) {
    Json out = Json::array();
    for (const Json& element : node) {
      if (element.is_object() && element.size() == 1 && element.contains("...")) {
        auto found = map.find(element["..."].get<std::string>());
        if (found == map.end()) {
          ++unresolved;
          continue;
        }
        out.push_back(Json{{"<sd>", expand(found->second->value(), map, unresolved)}});
      } else {
        out.push_back(expand(element, map, unresolved));
      }
    }
    return out;
  }
  return node;
}

std::vector<std::string> sd_of(const Json& object) { return object.at("_sd").get<std::vector<std::string>>(); }

ErrorCode build_error(const Json& claims, const Json& frame) {
  FixedSaltSource salts;
  auto frame_parsed = DisclosureFrame::parse(frame);
  REQUIRE(frame_parsed);
  auto built = veil::build_sd_jwt(claims, *frame_parsed, salts);
  REQUIRE_FALSE(built);
  return built.error().code;
}

const Json kClaims = Json::parse(R"({
  "given_name": "Erika", "family_name": "Mustermann",
  "address": {"street_address": "Heidestr. 17", "locality": "Koeln", "country": "DE"},
  "nationalities": ["DE", "FR", "US"]
})");

}  // namespace

TEST_CASE("factory replaces framed members by sorted _sd digests and names _sd_alg", "[sd_jwt_factory]") {
  FixedSaltSource salts;
  auto frame = DisclosureFrame::parse(Json::parse(R"({"_sd": ["given_name", "family_name"]})"));
  REQUIRE(frame);
  auto built = veil::build_sd_jwt(kClaims, *frame, salts);
  REQUIRE(built);
  const Json& payload = built->payload;
  CHECK(payload["_sd_alg"] == "sha-256");
  CHECK_FALSE(payload.contains("given_name"));
  CHECK_FALSE(payload.contains("family_name"));
  CHECK(payload["address"] == kClaims["address"]);
  REQUIRE(built->disclosures.size() == 2);
  std::vector<std::string> sd = sd_of(payload);
  CHECK(std::is_sorted(sd.begin(), sd.end()));
  std::set<std::string> expected;
  for (const Disclosure& disclosure : built->disclosures) {
    expected.insert(disclosure.digest(HashAlg::sha_256));
    CHECK(disclosure.value() == kClaims[*disclosure.claim_name()]);
  }
  CHECK(std::set<std::string>(sd.begin(), sd.end()) == expected);
}

TEST_CASE("factory replaces framed array elements in place by {\"...\": digest}", "[sd_jwt_factory]") {
  FixedSaltSource salts;
  auto frame = DisclosureFrame::parse(Json::parse(R"({"nationalities": {"_sd": [0, 2]}})"));
  auto built = veil::build_sd_jwt(kClaims, *frame, salts);
  REQUIRE(built);
  const Json& nationalities = built->payload["nationalities"];
  REQUIRE(nationalities.size() == 3);
  CHECK(nationalities[1] == "FR");
  REQUIRE(built->disclosures.size() == 2);
  CHECK(built->disclosures[0].is_array_element());
  CHECK(nationalities[0] == Json{{"...", built->disclosures[0].digest(HashAlg::sha_256)}});
  CHECK(nationalities[2] == Json{{"...", built->disclosures[1].digest(HashAlg::sha_256)}});
  CHECK(built->disclosures[1].value() == "US");
}

TEST_CASE("factory builds recursive disclosures with the inner digests inside the outer value",
          "[sd_jwt_factory]") {
  FixedSaltSource salts;
  auto frame = DisclosureFrame::parse(Json::parse(R"({"_sd": ["address"], "address": {"_sd": ["country"]}})"));
  auto built = veil::build_sd_jwt(kClaims, *frame, salts);
  REQUIRE(built);
  REQUIRE(built->disclosures.size() == 2);
  // Inner first: the country disclosure exists before the address disclosure that refers to it.
  const Disclosure& country = built->disclosures[0];
  const Disclosure& address = built->disclosures[1];
  CHECK(country.claim_name() == std::optional<std::string>("country"));
  CHECK(address.value()["_sd"] == Json::array({country.digest(HashAlg::sha_256)}));
  CHECK(address.value()["locality"] == "Koeln");
  CHECK(sd_of(built->payload) == std::vector<std::string>{address.digest(HashAlg::sha_256)});
}

TEST_CASE("factory uses the requested hash algorithm for digests and _sd_alg", "[sd_jwt_factory]") {
  for (HashAlg alg : {HashAlg::sha_384, HashAlg::sha_512}) {
    FixedSaltSource salts;
    veil::SdJwtFactoryOptions options;
    options.hash_alg = alg;
    auto built = veil::build_sd_jwt(kClaims, DisclosureFrame::everything(kClaims, {}), salts, options);
    REQUIRE(built);
    CHECK(built->payload["_sd_alg"] == std::string(veil::hash_alg_name(alg)));
    std::size_t unresolved = 0;
    Json expanded = expand(built->payload, digests_of(built->disclosures, alg), unresolved);
    CHECK(unresolved == 0);
    CHECK(expanded["address"]["<sd>"]["country"]["<sd>"] == "DE");
  }
}

TEST_CASE("factory adds decoy digests to every _sd array it creates", "[sd_jwt_factory]") {
  FixedSaltSource salts;
  veil::SdJwtFactoryOptions options;
  options.decoys_per_level = 3;
  auto frame = DisclosureFrame::parse(Json::parse(R"({"_sd": ["address", "given_name"], "address": {"_sd": ["country"]}})"));
  auto built = veil::build_sd_jwt(kClaims, *frame, salts, options);
  REQUIRE(built);
  REQUIRE(built->disclosures.size() == 3);
  std::vector<std::string> top = sd_of(built->payload);
  CHECK(top.size() == 2 + 3);
  CHECK(std::is_sorted(top.begin(), top.end()));
  std::size_t unresolved = 0;
  Json expanded = expand(built->payload, digests_of(built->disclosures, HashAlg::sha_256), unresolved);
  CHECK(unresolved == 3 + 3);
  CHECK(expanded["given_name"]["<sd>"] == "Erika");
  CHECK(std::set<std::string>(top.begin(), top.end()).size() == top.size());

  SECTION("a random number of decoys within the bound") {
    FixedSaltSource more_salts;
    veil::SdJwtFactoryOptions random_options;
    random_options.max_random_decoys_per_level = 4;
    auto random_built = veil::build_sd_jwt(kClaims, *frame, more_salts, random_options);
    REQUIRE(random_built);
    std::size_t size = sd_of(random_built->payload).size();
    CHECK(size >= 2);
    CHECK(size <= 2 + 4);
  }
}

TEST_CASE("factory rejects claims that are not an object or set _sd_alg", "[sd_jwt_factory]") {
  CHECK(build_error(Json::array({1}), Json::object()) == ErrorCode::invalid_claims);
  CHECK(build_error(Json{{"_sd_alg", "sha-256"}}, Json::object()) == ErrorCode::invalid_claims);
}

TEST_CASE("factory rejects a frame that names claims the claims do not have", "[sd_jwt_factory]") {
  CHECK(build_error(kClaims, Json::parse(R"({"_sd": ["birthdate"]})")) == ErrorCode::invalid_claims);
  CHECK(build_error(kClaims, Json::parse(R"({"address": {"_sd": ["postal_code"]}})")) == ErrorCode::invalid_claims);
  CHECK(build_error(kClaims, Json::parse(R"({"nationalities": {"_sd": [3]}})")) == ErrorCode::invalid_claims);
  CHECK(build_error(kClaims, Json::parse(R"({"nationalities": {"7": {}}})")) == ErrorCode::invalid_claims);
  CHECK(build_error(kClaims, Json::parse(R"({"birthdate": {}})")) == ErrorCode::invalid_claims);
}

TEST_CASE("factory rejects a frame whose shape does not match the claims", "[sd_jwt_factory]") {
  CHECK(build_error(kClaims, Json::parse(R"({"given_name": {"_sd": ["x"]}})")) ==
        ErrorCode::invalid_disclosure_frame);
  CHECK(build_error(kClaims, Json::parse(R"({"nationalities": {"_sd": ["DE"]}})")) ==
        ErrorCode::invalid_disclosure_frame);
  CHECK(build_error(kClaims, Json::parse(R"({"address": {"_sd": [0]}})")) == ErrorCode::invalid_claims);
  CHECK(build_error(kClaims, Json::parse(R"({"nationalities": {"first": {}}})")) ==
        ErrorCode::invalid_disclosure_frame);
}

TEST_CASE("factory rejects claims named _sd or ... at any depth [attack:S5]", "[sd_jwt_factory][attack:S5]") {
  CHECK(build_error(Json::parse(R"({"_sd": ["x"]})"), Json::object()) == ErrorCode::forbidden_claim_name);
  CHECK(build_error(Json::parse(R"({"a": {"...": "x"}})"), Json::object()) == ErrorCode::forbidden_claim_name);
  CHECK(build_error(Json::parse(R"({"a": [{"...": "x"}]})"), Json::parse(R"({"_sd": ["a"]})")) ==
        ErrorCode::forbidden_claim_name);
}

// The sd-jwt-python vectors: our factory, fed the same claims and frame (and the vectors' salts), must produce a
// payload of the same structure, with the same disclosed (name, value) pairs, and no digest without a
// disclosure. Bytes differ on purpose (Python's JSON spacing), and so does the salt-to-claim assignment:
// Python walks claims in YAML order, nlohmann::json in sorted order.
TEST_CASE("factory output is structurally equivalent to the sd-jwt vectors", "[sd_jwt_factory][vectors]") {
  namespace fs = std::filesystem;
  const fs::path root = fs::path(veil_test::vectors_dir()) / "sd-jwt";
  std::size_t checked = 0;
  for (const char* group : {"rfc9901-examples", "sd-jwt-python-testcases"}) {
    for (const fs::directory_entry& entry : fs::directory_iterator(root / group)) {
      const fs::path folder = entry.path();
      if (!fs::exists(folder / "case.json") || !fs::exists(folder / "generated" / "sd_jwt_payload.json")) continue;
      const std::string relative = std::string("sd-jwt/") + group + "/" + folder.filename().string();
      Json spec = veil_test::read_vector_json(relative + "/case.json");
      if (spec.value("add_decoy_claims", false)) continue;
      // YAML keys of type null, float and bool have no frame spelling ("_sd": [null, 3.14, true]).
      if (folder.filename() == "object_data_types") continue;
      INFO(relative);

      // Issued disclosures, from the compact or (double-encoded) JSON issuance.
      std::string issuance;
      if (fs::exists(folder / "generated" / "sd_jwt_issuance.txt")) {
        issuance = veil_test::read_vector_file(relative + "/generated/sd_jwt_issuance.txt");
      } else {
        issuance = veil_test::read_vector_json(relative + "/generated/sd_jwt_issuance.json").get<std::string>();
      }
      auto issued = veil::SdJwt::parse(issuance);
      REQUIRE(issued);
      Json their_payload = veil_test::read_vector_json(relative + "/generated/sd_jwt_payload.json");
      HashAlg alg = *veil::parse_hash_alg(their_payload.value("_sd_alg", "sha-256"));

      std::vector<std::string> their_salts;
      for (const Disclosure& disclosure : issued->disclosures()) their_salts.push_back(disclosure.salt());
      FixedSaltSource salts(their_salts);
      auto frame = DisclosureFrame::parse(spec["disclosure_frame"]);
      REQUIRE(frame);
      veil::SdJwtFactoryOptions options;
      options.hash_alg = alg;
      auto built = veil::build_sd_jwt(spec["user_claims"], *frame, salts, options);
      REQUIRE(built);
      CHECK(built->payload["_sd_alg"] == their_payload.value("_sd_alg", "sha-256"));
      CHECK(built->disclosures.size() == issued->disclosures().size());
      CHECK(salts.used() == their_salts.size());

      std::size_t our_unresolved = 0;
      std::size_t their_unresolved = 0;
      Json ours = expand(built->payload, digests_of(built->disclosures, alg), our_unresolved);
      Json theirs = expand(their_payload, digests_of(issued->disclosures(), alg), their_unresolved);
      CHECK(our_unresolved == 0);
      CHECK(their_unresolved == 0);
      // The generator adds iss, iat, exp and cnf around the user claims.
      for (const char* added : {"iss", "iat", "exp", "cnf"})
        if (!spec["user_claims"].contains(added)) theirs.erase(added);
      CHECK(ours == theirs);

      // Same disclosed (name, value) pairs, values compared with nested digests expanded.
      auto pairs = [&](const std::vector<Disclosure>& disclosures, std::size_t& unresolved) {
        std::multiset<std::string> out;
        DigestMap map = digests_of(disclosures, alg);
        for (const Disclosure& disclosure : disclosures)
          out.insert(Json::array({disclosure.claim_name() ? Json(*disclosure.claim_name()) : Json(nullptr),
                                  expand(disclosure.value(), map, unresolved)})
                         .dump());
        return out;
      };
      CHECK(pairs(built->disclosures, our_unresolved) == pairs(issued->disclosures(), their_unresolved));
      ++checked;
    }
  }
  CHECK(checked >= 20);
}

TEST_CASE("factory rejects claims nested beyond its depth bound and invalid UTF-8", "[sd_jwt_factory]") {
  Json deep = "leaf";
  for (int i = 0; i < 80; ++i) deep = Json{{"n", deep}};
  CHECK(build_error(deep, Json::object()) == ErrorCode::nesting_too_deep);
  CHECK(build_error(Json{{"name", std::string("\xff")}}, Json::object()) == ErrorCode::invalid_claims);
  CHECK(build_error(Json{{"name", std::string("\xff")}}, Json::parse(R"({"_sd": ["name"]})")) ==
        ErrorCode::invalid_claims);
}
