#include "veil/presentation.h"

#include <filesystem>
#include <set>

#include <catch2/catch.hpp>

#include "core/test_keys.h"
#include "core/verifier_fixtures.h"
#include "veil/jws.h"
#include "veil/key_binding_jwt.h"
#include "veil/sd_jwt_factory.h"
#include "veil/sd_jwt_issuer.h"
#include "veil/signature_verifier.h"

using veil::ClaimPath;
using veil::ClaimSelection;
using veil::Disclosure;
using veil::DisclosureFrame;
using veil::ErrorCode;
using veil::HashAlg;
using veil::Json;
using veil::SdJwt;

namespace {

std::vector<ClaimPath> paths(std::initializer_list<const char*> dotted) {
  std::vector<ClaimPath> out;
  for (const char* path : dotted) out.push_back(*ClaimPath::parse_dotted(path));
  return out;
}

// The (name or null, value) of each disclosure, so tests read as the claims they reveal.
std::multiset<std::string> revealed(const SdJwt& sd_jwt) {
  std::multiset<std::string> out;
  for (const Disclosure& disclosure : sd_jwt.disclosures())
    out.insert(Json::array({disclosure.claim_name() ? Json(*disclosure.claim_name()) : Json(nullptr),
                            disclosure.value()})
                   .dump());
  return out;
}

std::set<std::string> encoded(const SdJwt& sd_jwt) {
  std::set<std::string> out;
  for (const Disclosure& disclosure : sd_jwt.disclosures()) out.insert(disclosure.encoded());
  return out;
}

std::set<std::string> names(const SdJwt& sd_jwt) {
  std::set<std::string> out;
  for (const Disclosure& disclosure : sd_jwt.disclosures())
    out.insert(disclosure.claim_name() ? *disclosure.claim_name() : "[" + disclosure.value().dump() + "]");
  return out;
}

SdJwt issue(const Json& claims, const Json& frame, veil::SdJwtFactoryOptions options = {}) {
  veil_test::FixedSaltSource salts;
  auto parsed_frame = DisclosureFrame::parse(frame);
  REQUIRE(parsed_frame);
  auto built = veil::build_sd_jwt(claims, *parsed_frame, salts, options);
  REQUIRE(built);
  auto signer = veil::make_signer(veil_test::issuer_key());
  REQUIRE(signer);
  auto signed_sd_jwt = veil::sign_sd_jwt(*built, Json{{"typ", "example+sd-jwt"}}, **signer);
  REQUIRE(signed_sd_jwt);
  return *signed_sd_jwt;
}

SdJwt present(const SdJwt& issued, std::initializer_list<const char*> dotted) {
  std::vector<ClaimPath> selected = paths(dotted);
  auto presentation = veil::select_disclosures(issued, selected);
  REQUIRE(presentation);
  // Every presentation survives serialization unchanged.
  auto reparsed = SdJwt::parse_compact(presentation->serialize_compact());
  REQUIRE(reparsed);
  CHECK(reparsed->serialize_compact() == presentation->serialize_compact());
  return *reparsed;
}

ErrorCode select_error(const SdJwt& issued, std::initializer_list<const char*> dotted) {
  std::vector<ClaimPath> selected = paths(dotted);
  auto presentation = veil::select_disclosures(issued, selected);
  REQUIRE_FALSE(presentation);
  return presentation.error().code;
}

const Json kClaims = Json::parse(R"({
  "given_name": "Erika", "family_name": "Mustermann", "birthdate": "1963-08-12",
  "address": {"street_address": "Heidestr. 17", "locality": "Koeln", "country": "DE"},
  "nationalities": ["DE", "FR", "US"],
  "degrees": [{"type": "BSc", "year": 2001}, {"type": "MSc", "year": 2003}]
})");

}  // namespace

TEST_CASE("presentation of RFC 9901 section 5 selects exactly the example's disclosures", "[presentation][vectors]") {
  Json text = veil_test::read_vector_json("sd-jwt/rfc9901-examples/simple/rfc9901-text.json");
  auto issued = SdJwt::parse_compact(text["issuance"][0]["serialized"].get<std::string>());
  REQUIRE(issued);
  auto expected = SdJwt::parse_compact(text["presentation"][0]["serialized"].get<std::string>());
  REQUIRE(expected);
  SdJwt presentation = present(*issued, {"given_name", "family_name", "address", "nationalities.0"});
  // Same set; the RFC lists them in another order, which a holder may choose freely.
  CHECK(encoded(presentation) == encoded(*expected));
}

TEST_CASE("presentation of RFC 9901 A.3 (PID) selects nationalities and age_equal_or_over.18",
          "[presentation][vectors]") {
  Json text = veil_test::read_vector_json("sd-jwt/rfc9901-examples/arf-pid/rfc9901-text.json");
  auto issued = SdJwt::parse_compact(text["issuance"][0]["serialized"].get<std::string>());
  REQUIRE(issued);
  auto expected = SdJwt::parse_compact(text["presentation"][0]["serialized"].get<std::string>());
  REQUIRE(expected);
  SdJwt presentation = present(*issued, {"nationalities.0", "age_equal_or_over.18"});
  CHECK(presentation.disclosures().size() == 3);
  CHECK(encoded(presentation) == encoded(*expected));
}

TEST_CASE("presentation selects exactly the disclosures sd-jwt-python's holder chose in every vector",
          "[presentation][vectors]") {
  // Our holder on the reference implementation's own issuance, with holder_disclosed_claims read the way its
  // holder reads them (claim_selections_from_holder_disclosed): the same Disclosures as its presentation.
  std::size_t checked = 0;
  for (const char* root : {"sd-jwt/rfc9901-examples", "sd-jwt/sd-jwt-python-testcases"}) {
    for (const std::string& case_dir : veil_test::vector_case_dirs(root)) {
      INFO(case_dir);
      const Json spec = veil_test::read_vector_json(case_dir + "/case.json");
      const bool json = spec.value("serialization_format", "compact") == "json";
      auto issued = json ? SdJwt::parse_json(
                               veil_test::read_vector_json(case_dir + "/generated/sd_jwt_issuance.json").get<std::string>())
                         : SdJwt::parse_compact(veil_test::read_vector_file(case_dir + "/generated/sd_jwt_issuance.txt"));
      REQUIRE(issued);
      const auto selections = veil_test::claim_selections_from_holder_disclosed(
          spec.value("holder_disclosed_claims", Json::object()),
          // The claims the reference issuer signed: object_data_types spells its YAML key `true` "True" there.
          veil_test::read_vector_json(case_dir + "/generated/user_claims.json"));
      auto presentation = veil::select_disclosures(*issued, selections);
      ++checked;
      if (case_dir.ends_with("header_mod")) {
        // Its issuer header has "kid": 42, a number, which our JWS parser refuses (RFC 7515 §4.1.4: a string).
        REQUIRE_FALSE(presentation);
        CHECK(presentation.error().code == ErrorCode::invalid_jws_header);
        continue;
      }
      INFO((presentation ? std::string() : presentation.error().message));
      REQUIRE(presentation);
      auto expected = veil_test::read_generated_presentation(case_dir);
      auto reference = json ? SdJwt::parse_json(expected) : SdJwt::parse_compact(expected);
      REQUIRE(reference);
      CHECK(encoded(*presentation) == encoded(*reference));
    }
  }
  CHECK(checked == 32);
}

TEST_CASE("presentation of flat claims discloses only the named claims", "[presentation]") {
  SdJwt issued = issue(kClaims, Json::parse(R"({"_sd": ["given_name", "family_name", "birthdate"]})"));
  SdJwt presentation = present(issued, {"given_name", "address.country"});
  CHECK(names(presentation) == std::set<std::string>{"given_name"});
  CHECK(present(issued, {"address"}).disclosures().empty());
  CHECK(present(issued, {}).disclosures().empty());
  CHECK(issued.issuer_jwt() == presentation.issuer_jwt());
}

TEST_CASE("presentation of a nested claim discloses it and every disclosable parent", "[presentation]") {
  SdJwt issued = issue(kClaims, Json::parse(R"({"_sd": ["address", "given_name"],
                                                "address": {"_sd": ["country", "locality", "street_address"]}})"));
  SdJwt country = present(issued, {"address.country"});
  CHECK(names(country) == std::set<std::string>{"address", "country"});
  // Naming the object discloses everything beneath it.
  SdJwt address = present(issued, {"address"});
  CHECK(names(address) == std::set<std::string>{"address", "country", "locality", "street_address"});
  // Overlapping paths do not duplicate a disclosure.
  CHECK(present(issued, {"address.country", "address", "address.locality"}).disclosures().size() == 4);
}

TEST_CASE("presentation selects array elements by index and by *", "[presentation]") {
  SdJwt issued = issue(kClaims, Json::parse(R"({"nationalities": {"_sd": [0, 2]},
                                                "degrees": {"_sd": [0, 1], "1": {"_sd": ["year"]}}})"));
  CHECK(names(present(issued, {"nationalities.0"})) == std::set<std::string>{"[\"DE\"]"});
  // Element 1 is plain: nothing to disclose, but the path exists.
  CHECK(present(issued, {"nationalities.1"}).disclosures().empty());
  CHECK(names(present(issued, {"nationalities.*"})) == std::set<std::string>{"[\"DE\"]", "[\"US\"]"});
  CHECK(names(present(issued, {"nationalities"})) == std::set<std::string>{"[\"DE\"]", "[\"US\"]"});

  // degrees.1.year: the element's disclosure plus the year inside it.
  SdJwt year = present(issued, {"degrees.1.year"});
  REQUIRE(year.disclosures().size() == 2);
  CHECK(names(year).count("year") == 1);
  SdJwt types = present(issued, {"degrees.*.type"});
  CHECK(types.disclosures().size() == 2);  // both elements; type is plain inside them
  CHECK(names(types).count("year") == 0);
}

TEST_CASE("presentation of recursive disclosures includes nested disclosures beneath a named claim",
          "[presentation]") {
  Json claims = Json::parse(R"({"array_with_recursive_sd": ["boring", {"foo": "bar", "baz": {"qux": "quux"}},
                                                            ["foo", "bar"]]})");
  Json frame = Json::parse(R"({"_sd": ["array_with_recursive_sd"],
                               "array_with_recursive_sd": {"_sd": [1, 2], "1": {"_sd": ["baz"], "baz": {"_sd": ["qux"]}},
                                                           "2": {"_sd": [0, 1]}}})");
  SdJwt issued = issue(claims, frame);
  REQUIRE(issued.disclosures().size() == 7);
  CHECK(present(issued, {"array_with_recursive_sd"}).disclosures().size() == 7);
  SdJwt qux = present(issued, {"array_with_recursive_sd.1.baz.qux"});
  CHECK(qux.disclosures().size() == 4);  // the top member, element 1, baz, qux
  CHECK(names(qux).count("qux") == 1);
  SdJwt second = present(issued, {"array_with_recursive_sd.2.1"});
  CHECK(revealed(second).count(R"([null,"bar"])") == 1);
  CHECK(second.disclosures().size() == 3);
  // Index 0 is the plain "boring": reachable with only the top disclosure.
  CHECK(present(issued, {"array_with_recursive_sd.0"}).disclosures().size() == 1);
}

namespace {

SdJwt present_selections(const SdJwt& issued, std::initializer_list<std::pair<const char*, bool>> selected) {
  std::vector<ClaimSelection> selections;
  for (const auto& [dotted, with_descendants] : selected)
    selections.push_back({*ClaimPath::parse_dotted(dotted), with_descendants});
  auto presentation = veil::select_disclosures(issued, selections);
  REQUIRE(presentation);
  return *presentation;
}

}  // namespace

TEST_CASE("a container-only selection reveals an object without its disclosable members", "[presentation]") {
  SdJwt issued = issue(kClaims, Json::parse(R"({"_sd": ["address", "given_name"],
                                                "address": {"_sd": ["country", "locality", "street_address"]}})"));
  CHECK(names(present_selections(issued, {{"address", false}})) == std::set<std::string>{"address"});
  // Naming members beside it reveals exactly those.
  CHECK(names(present_selections(issued, {{"address", false}, {"address.country", false}})) ==
        std::set<std::string>{"address", "country"});
  // A selection of the object with its descendants wins over a container-only one of the same object.
  CHECK(present_selections(issued, {{"address", false}, {"address", true}}).disclosures().size() == 4);
}

TEST_CASE("a container-only selection reveals an array without its disclosable elements", "[presentation]") {
  SdJwt issued = issue(kClaims, Json::parse(R"({"_sd": ["nationalities"], "nationalities": {"_sd": [0, 2]}})"));
  CHECK(names(present_selections(issued, {{"nationalities", false}})) == std::set<std::string>{"nationalities"});
  CHECK(names(present_selections(issued, {{"nationalities", false}, {"nationalities.2", false}})) ==
        std::set<std::string>{"nationalities", "[\"US\"]"});
  CHECK(present_selections(issued, {{"nationalities", true}}).disclosures().size() == 3);
}

TEST_CASE("a container-only selection still takes every disclosable parent", "[presentation]") {
  Json claims = Json::parse(R"({"array_with_recursive_sd": ["boring", {"foo": "bar", "baz": {"qux": "quux"}}]})");
  Json frame = Json::parse(R"({"_sd": ["array_with_recursive_sd"],
                               "array_with_recursive_sd": {"_sd": [1], "1": {"_sd": ["baz"], "baz": {"_sd": ["qux"]}}}})");
  SdJwt issued = issue(claims, frame);
  REQUIRE(issued.disclosures().size() == 4);
  SdJwt baz = present_selections(issued, {{"array_with_recursive_sd.1.baz", false}});
  CHECK(baz.disclosures().size() == 3);  // the top member, element 1 and baz; not qux beneath baz
  CHECK(names(baz).count("baz") == 1);
  CHECK(names(baz).count("qux") == 0);
  CHECK(present_selections(issued, {{"array_with_recursive_sd.*", false}}).disclosures().size() == 2);
  CHECK(present_selections(issued, {{"array_with_recursive_sd.1.baz", true}}).disclosures().size() == 4);
}

TEST_CASE("a selection with descendants discloses exactly what its claim path does", "[presentation]") {
  SdJwt issued = issue(kClaims, Json::parse(R"({"_sd": ["address", "nationalities", "degrees"],
                                                "address": {"_sd": ["country", "locality"]},
                                                "nationalities": {"_sd": [0, 2]},
                                                "degrees": {"_sd": [0, 1], "1": {"_sd": ["year"]}}})"));
  CHECK(ClaimSelection{*ClaimPath::parse_dotted("address")}.with_descendants);
  for (const char* dotted : {"address", "address.country", "nationalities", "nationalities.*", "degrees",
                             "degrees.1", "degrees.*.year", "given_name"}) {
    INFO(dotted);
    std::vector<ClaimSelection> selections{{*ClaimPath::parse_dotted(dotted), true}};
    auto by_selection = veil::select_disclosures(issued, selections);
    REQUIRE(by_selection);
    CHECK(by_selection->serialize_compact() == present(issued, {dotted}).serialize_compact());
  }
}

TEST_CASE("a container-only selection fails like a claim path", "[presentation]") {
  SdJwt issued = issue(kClaims, Json::parse(R"({"_sd": ["address"], "address": {"_sd": ["country"]}})"));
  std::vector<ClaimSelection> unknown{{*ClaimPath::parse_dotted("address.postal_code"), false}};
  auto missing = veil::select_disclosures(issued, unknown);
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == ErrorCode::unknown_claim_path);
  std::vector<ClaimSelection> address{{*ClaimPath::parse_dotted("address"), false}};
  auto with_kb = veil::select_disclosures(issued.with_key_binding("eyJhbGciOiJFUzI1NiJ9.e30.c2ln"), address);
  REQUIRE_FALSE(with_kb);
  CHECK(with_kb.error().code == ErrorCode::unexpected_key_binding);
}

TEST_CASE("holder_disclosed_claims translate as sd-jwt-python's holder reads them", "[presentation][vectors]") {
  const Json claims = Json::parse(R"({"address": {"country": "DE", "locality": "Koeln"}, "tags": [{"a": 1}, 2, 3],
                                      "given_name": "Erika"})");
  auto dotted = [&](const char* tree) {
    std::set<std::pair<std::string, bool>> out;
    for (const ClaimSelection& selection : veil_test::claim_selections_from_holder_disclosed(Json::parse(tree), claims))
      out.insert({selection.path.to_dotted(), selection.with_descendants});
    return out;
  };
  using Set = std::set<std::pair<std::string, bool>>;
  // true on an object or array: the container alone.
  CHECK(dotted(R"({"address": true, "tags": true})") == Set{{"address", false}, {"tags", false}});
  // A member mapped to {} or false is withheld (Python truthiness), names the credential lacks are ignored.
  CHECK(dotted(R"({"address": {}, "given_name": false, "credentialSubject": {"x": true}})").empty());
  // A non-empty object: the container and what it names.
  CHECK(dotted(R"({"address": {"country": true, "locality": false}})") == Set{{"address", false}, {"address.country", false}});
  // Array entries are positional; {} discloses an element (only false, null and 0 withhold), entries past the
  // end are ignored.
  CHECK(dotted(R"({"tags": [{}, false, null, true]})") == Set{{"tags", false}, {"tags.0", false}});
  CHECK(dotted(R"({"tags": [0, 1]})") == Set{{"tags", false}, {"tags.1", false}});
}

TEST_CASE("presentation ignores decoy digests", "[presentation]") {
  veil::SdJwtFactoryOptions options;
  options.decoys_per_level = 4;
  SdJwt issued = issue(kClaims, Json::parse(R"({"_sd": ["address"], "address": {"_sd": ["country"]}})"), options);
  CHECK(names(present(issued, {"address.country"})) == std::set<std::string>{"address", "country"});
}

TEST_CASE("presentation rejects a path the credential does not have", "[presentation]") {
  SdJwt issued = issue(kClaims, Json::parse(R"({"_sd": ["address", "nationalities"], "nationalities": {"_sd": [0]}})"));
  CHECK(select_error(issued, {"email"}) == ErrorCode::unknown_claim_path);
  CHECK(select_error(issued, {"address.postal_code"}) == ErrorCode::unknown_claim_path);
  CHECK(select_error(issued, {"nationalities.3"}) == ErrorCode::unknown_claim_path);
  CHECK(select_error(issued, {"nationalities.code"}) == ErrorCode::unknown_claim_path);
  CHECK(select_error(issued, {"address.0"}) == ErrorCode::unknown_claim_path);
  CHECK(select_error(issued, {"address.*"}) == ErrorCode::unknown_claim_path);
  CHECK(select_error(issued, {"given_name.first"}) == ErrorCode::unknown_claim_path);
  CHECK(select_error(issued, {"_sd"}) == ErrorCode::unknown_claim_path);
  CHECK(select_error(issued, {"_sd_alg"}) == ErrorCode::unknown_claim_path);
  CHECK(select_error(issued, {"given_name", "email"}) == ErrorCode::unknown_claim_path);
}

TEST_CASE("presentation refuses an issued SD-JWT that already carries a KB-JWT [attack:S14]",
          "[presentation][attack:S14]") {
  SdJwt issued = issue(kClaims, Json::parse(R"({"_sd": ["given_name"]})"));
  SdJwt with_kb = issued.with_key_binding("eyJhbGciOiJFUzI1NiJ9.e30.c2ln");
  CHECK(select_error(with_kb, {"given_name"}) == ErrorCode::unexpected_key_binding);
  auto holder = veil::make_signer(veil_test::holder_key());
  REQUIRE(holder);
  auto bound = veil::add_key_binding(with_kb, {"https://verifier.example.org", "n", 1}, **holder);
  REQUIRE_FALSE(bound);
  CHECK(bound.error().code == ErrorCode::unexpected_key_binding);
}

TEST_CASE("presentation reports a broken issuer JWT", "[presentation]") {
  SdJwt broken({"not-a-jwt"}, {});
  std::vector<ClaimPath> selected = paths({"given_name"});
  auto presentation = veil::select_disclosures(broken, selected);
  REQUIRE_FALSE(presentation);
  CHECK(presentation.error().code == ErrorCode::malformed_jws);
}

TEST_CASE("key binding signs a kb+jwt over the presentation with the credential's _sd_alg", "[presentation]") {
  for (HashAlg alg : {HashAlg::sha_256, HashAlg::sha_384}) {
    veil::SdJwtFactoryOptions options;
    options.hash_alg = alg;
    SdJwt issued = issue(kClaims, Json::parse(R"({"_sd": ["given_name", "family_name"]})"), options);
    SdJwt presentation = present(issued, {"given_name"});
    auto holder = veil::make_signer(veil_test::holder_key());
    REQUIRE(holder);
    auto bound = veil::add_key_binding(presentation, {"https://verifier.example.org", "1234567890", 1700000000},
                                       **holder);
    REQUIRE(bound);
    REQUIRE(bound->kb_jwt());
    CHECK(bound->sd_hash_input() == presentation.serialize_compact());

    auto kb = veil::UnverifiedJws::parse_compact(*bound->kb_jwt());
    REQUIRE(kb);
    CHECK(kb->typ() == std::optional<std::string>(veil::kKeyBindingJwtTyp));
    CHECK(kb->alg() == veil::JwsAlg::ES256);
    const Json& payload = kb->unverified_payload();
    CHECK(payload["aud"] == "https://verifier.example.org");
    CHECK(payload["nonce"] == "1234567890");
    CHECK(payload["iat"] == 1700000000);
    CHECK(payload["sd_hash"] == veil::hash_base64url(alg, presentation.sd_hash_input()));
    auto verifier = veil::make_verifier(veil_test::holder_key().public_key());
    REQUIRE(verifier);
    CHECK(kb->verify(**verifier));

    // The SD-JWT+KB serializes and parses back to the same parts.
    auto reparsed = SdJwt::parse_compact(bound->serialize_compact());
    REQUIRE(reparsed);
    CHECK(reparsed->kb_jwt() == bound->kb_jwt());
    CHECK(reparsed->sd_hash_input() == presentation.sd_hash_input());
  }
}

TEST_CASE("selection and key binding work on a JSON-serialized credential", "[presentation]") {
  SdJwt issued = issue(kClaims, Json::parse(R"({"_sd": ["given_name", "family_name"]})"));
  auto from_json = SdJwt::parse_json(issued.serialize_json().dump());
  REQUIRE(from_json);
  std::vector<ClaimPath> selected = paths({"family_name"});
  auto presentation = veil::select_disclosures(*from_json, selected);
  REQUIRE(presentation);
  CHECK(names(*presentation) == std::set<std::string>{"family_name"});
  Json serialized = presentation->serialize_json();
  CHECK(serialized["header"]["disclosures"].size() == 1);
}

namespace {

// A Signer whose crypto library "fails", to check that the error surfaces.
class FailingSigner final : public veil::Signer {
 public:
  veil::JwsAlg alg() const override { return veil::JwsAlg::ES256; }
  std::optional<std::string> kid() const override { return std::nullopt; }
  veil::Result<std::vector<std::uint8_t>> sign(std::span<const std::uint8_t>) const override {
    return veil::fail(ErrorCode::internal_error, "signing failed");
  }
};

// An issuer JWT over |payload| exactly as given (the factory would never write these).
SdJwt signed_payload(const Json& payload) {
  auto signer = veil::make_signer(veil_test::issuer_key());
  REQUIRE(signer);
  auto jwt = veil::sign_jws_compact(Json::object(), payload, **signer);
  REQUIRE(jwt);
  return SdJwt({*jwt}, {});
}

}  // namespace

TEST_CASE("presentation reports malformed _sd, ... and _sd_alg in the credential", "[presentation]") {
  std::vector<ClaimPath> selected = paths({"a"});
  auto code = [&](const Json& payload) {
    auto presentation = veil::select_disclosures(signed_payload(payload), selected);
    REQUIRE_FALSE(presentation);
    return presentation.error().code;
  };
  CHECK(code(Json::parse(R"({"a": 1, "_sd_alg": "md5"})")) == ErrorCode::unsupported_sd_alg);
  CHECK(code(Json::parse(R"({"a": 1, "_sd_alg": 256})")) == ErrorCode::unsupported_sd_alg);
  CHECK(code(Json::parse(R"({"_sd": "abc"})")) == ErrorCode::invalid_sd_digests);
  CHECK(code(Json::parse(R"({"_sd": [1]})")) == ErrorCode::invalid_sd_digests);
  std::vector<ClaimPath> element = paths({"a.0"});
  auto array = veil::select_disclosures(signed_payload(Json::parse(R"({"a": [{"...": 5}]})")), element);
  REQUIRE_FALSE(array);
  CHECK(array.error().code == ErrorCode::invalid_sd_digests);
}

TEST_CASE("signing errors surface from issuance and key binding", "[presentation]") {
  FailingSigner failing;
  veil_test::FixedSaltSource salts;
  auto built = veil::build_sd_jwt(kClaims, DisclosureFrame::none(), salts);
  REQUIRE(built);
  auto issued = veil::sign_sd_jwt(*built, Json::object(), failing);
  REQUIRE_FALSE(issued);
  CHECK(issued.error().code == ErrorCode::internal_error);
  auto bad_header = veil::sign_sd_jwt(*built, Json::array(), failing);
  REQUIRE_FALSE(bad_header);
  CHECK(bad_header.error().code == ErrorCode::invalid_argument);

  SdJwt credential = issue(kClaims, Json::parse(R"({"_sd": ["given_name"]})"));
  auto bound = veil::add_key_binding(credential, {"aud", "nonce", 1}, failing);
  REQUIRE_FALSE(bound);
  CHECK(bound.error().code == ErrorCode::internal_error);
}
