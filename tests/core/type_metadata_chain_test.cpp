#include "veil/type_metadata_chain.h"

#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "veil/base64url.h"
#include "veil/document_integrity.h"
#include "veil/hash.h"

using veil::ErrorCode;
using veil::Json;
using veil::TypeMetadataFetcher;

namespace {

// The W3C SRI specification's own example (§3.2): the sha384 integrity of "alert('Hello, world.');".
const char* const kSriExample = "alert('Hello, world.');";
const char* const kSriExampleIntegrity = "sha384-H8BRh8j48O9oYatfu5AZzq6A9RINhZO5H16dQZngK7T62em8MUt1FLm52t+eX6xO";

// sri computes "<alg>-<standard base64 digest>" the way a referrer writes it.
std::string sri(const std::string& document, veil::HashAlg alg = veil::HashAlg::sha_256) {
  std::string digest = veil::base64url_encode(std::span<const std::uint8_t>(veil::hash_bytes(alg, document)));
  for (char& c : digest) {
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  while (digest.size() % 4 != 0) digest += '=';
  const char* name = alg == veil::HashAlg::sha_256 ? "sha256-" : alg == veil::HashAlg::sha_384 ? "sha384-" : "sha512-";
  return name + digest;
}

std::string type_document(const std::string& vct, const std::string& extends = "", const std::string& integrity = "") {
  Json document = {{"vct", vct}, {"name", "type " + vct}, {"claims", Json::array({{{"path", {"given_name"}}}})}};
  if (!extends.empty()) document["extends"] = extends;
  if (!integrity.empty()) document["extends#integrity"] = integrity;
  return document.dump();
}

// A fetcher over a fixed set of documents that counts its calls.
struct Documents {
  std::map<std::string, std::string> by_vct;
  std::vector<std::string> fetched;
  TypeMetadataFetcher fetcher() {
    return [this](const std::string& vct) -> veil::Result<std::string> {
      fetched.push_back(vct);
      auto found = by_vct.find(vct);
      if (found == by_vct.end()) return veil::fail(ErrorCode::not_found, "no type metadata at " + vct);
      return found->second;
    };
  }
};

}  // namespace

TEST_CASE("document integrity accepts the SRI specification's example and refuses one changed byte [attack:V7]",
          "[type_metadata_chain][attack:V7]") {
  CHECK(veil::check_document_integrity(kSriExampleIntegrity, kSriExample));
  std::string changed = kSriExample;
  changed[0] = 'A';
  auto refused = veil::check_document_integrity(kSriExampleIntegrity, changed);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == ErrorCode::invalid_type_metadata);
  // Unpadded digests and ?options are accepted; whitespace separates tokens.
  CHECK(veil::check_document_integrity(
      "  sha384-H8BRh8j48O9oYatfu5AZzq6A9RINhZO5H16dQZngK7T62em8MUt1FLm52t+eX6xO?ct=application/json ", kSriExample));
  CHECK(veil::check_document_integrity("sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU", ""));
}

TEST_CASE("document integrity counts only the strongest algorithm, and one of its digests is enough [attack:V7]",
          "[type_metadata_chain][attack:V7]") {
  const std::string document = type_document("urn:example:a");
  const std::string good256 = sri(document);
  const std::string good512 = sri(document, veil::HashAlg::sha_512);
  const std::string wrong512 = sri(document + " ", veil::HashAlg::sha_512);
  CHECK(veil::check_document_integrity(good256 + " " + good512, document));
  CHECK(veil::check_document_integrity(wrong512 + " " + good512, document));
  // A matching sha256 does not rescue a wrong sha512: an attacker cannot downgrade to the weaker digest.
  auto downgraded = veil::check_document_integrity(good256 + " " + wrong512, document);
  REQUIRE_FALSE(downgraded);
  CHECK(downgraded.error().code == ErrorCode::invalid_type_metadata);
  // Unknown algorithms are skipped; nothing usable left is a failure, not a silent pass.
  CHECK(veil::check_document_integrity("md5-AAAA " + good256, document));
  for (const char* unusable : {"", "   ", "md5-1B2M2Y8AsgTpgAmY7PhCfg==", "sha256", "sha-256-47DEQpj8HBSa"}) {
    INFO(unusable);
    auto refused = veil::check_document_integrity(unusable, document);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == ErrorCode::invalid_type_metadata);
  }
}

TEST_CASE("type metadata that does not match the credential's vct#integrity is rejected [attack:V7]",
          "[type_metadata_chain][attack:V7]") {
  Documents documents;
  const std::string genuine = type_document("https://types.example/pid");
  documents.by_vct["https://types.example/pid"] = type_document("https://types.example/pid") + " ";  // swapped bytes
  const Json payload = {{"vct", "https://types.example/pid"}, {"vct#integrity", sri(genuine)}};
  auto chain = veil::resolve_credential_type_metadata(payload, documents.fetcher());
  REQUIRE_FALSE(chain);
  CHECK(chain.error().code == ErrorCode::invalid_type_metadata);
  CHECK_THAT(chain.error().message, Catch::Contains("integrity"));

  documents.by_vct["https://types.example/pid"] = genuine;
  auto accepted = veil::resolve_credential_type_metadata(payload, documents.fetcher());
  REQUIRE(accepted);
  REQUIRE(accepted->size() == 1);
  CHECK(accepted->front().vct() == "https://types.example/pid");
}

TEST_CASE("a parent type that does not match extends#integrity is rejected [attack:V7]",
          "[type_metadata_chain][attack:V7]") {
  Documents documents;
  const std::string base = type_document("urn:example:base");
  documents.by_vct["urn:example:child"] = type_document("urn:example:child", "urn:example:base", sri(base));
  documents.by_vct["urn:example:base"] = type_document("urn:example:base", "", "") + "\n";
  auto chain = veil::resolve_type_metadata("urn:example:child", std::nullopt, documents.fetcher());
  REQUIRE_FALSE(chain);
  CHECK(chain.error().code == ErrorCode::invalid_type_metadata);

  documents.by_vct["urn:example:base"] = base;
  auto resolved = veil::resolve_type_metadata("urn:example:child", std::nullopt, documents.fetcher());
  REQUIRE(resolved);
  REQUIRE(resolved->size() == 2);
  CHECK((*resolved)[0].vct() == "urn:example:child");
  CHECK((*resolved)[1].vct() == "urn:example:base");
}

TEST_CASE("circular extends is rejected without fetching forever [attack:V7]", "[type_metadata_chain][attack:V7]") {
  Documents documents;
  SECTION("a type extending itself") {
    documents.by_vct["urn:example:a"] = type_document("urn:example:a", "urn:example:a");
    auto chain = veil::resolve_type_metadata("urn:example:a", std::nullopt, documents.fetcher());
    REQUIRE_FALSE(chain);
    CHECK(chain.error().code == ErrorCode::invalid_type_metadata);
    CHECK_THAT(chain.error().message, Catch::Contains("cycle"));
    CHECK(documents.fetched.size() == 1);
  }
  SECTION("a cycle of three") {
    documents.by_vct["urn:example:a"] = type_document("urn:example:a", "urn:example:b");
    documents.by_vct["urn:example:b"] = type_document("urn:example:b", "urn:example:c");
    documents.by_vct["urn:example:c"] = type_document("urn:example:c", "urn:example:a");
    auto chain = veil::resolve_type_metadata("urn:example:a", std::nullopt, documents.fetcher());
    REQUIRE_FALSE(chain);
    CHECK(chain.error().code == ErrorCode::invalid_type_metadata);
    CHECK(documents.fetched == std::vector<std::string>{"urn:example:a", "urn:example:b", "urn:example:c"});
  }
}

TEST_CASE("a type metadata chain longer than the limit is rejected", "[type_metadata_chain]") {
  Documents documents;
  for (int i = 0; i < 20; ++i) {
    documents.by_vct["urn:example:" + std::to_string(i)] =
        type_document("urn:example:" + std::to_string(i), "urn:example:" + std::to_string(i + 1));
  }
  veil::TypeMetadataChainLimits limits;
  limits.max_depth = 4;
  auto chain = veil::resolve_type_metadata("urn:example:0", std::nullopt, documents.fetcher(), limits);
  REQUIRE_FALSE(chain);
  CHECK(chain.error().code == ErrorCode::invalid_type_metadata);
  CHECK(documents.fetched.size() == 4);
}

TEST_CASE("type metadata fetched for one vct that names another is rejected", "[type_metadata_chain]") {
  Documents documents;
  documents.by_vct["https://types.example/pid"] = type_document("https://evil.example/pid");
  auto chain = veil::resolve_type_metadata("https://types.example/pid", std::nullopt, documents.fetcher());
  REQUIRE_FALSE(chain);
  CHECK(chain.error().code == ErrorCode::invalid_type_metadata);
}

TEST_CASE("resolving a credential's type needs a string vct and a string vct#integrity; fetch errors pass through",
          "[type_metadata_chain]") {
  Documents documents;
  auto no_vct = veil::resolve_credential_type_metadata(Json{{"iss", "x"}}, documents.fetcher());
  REQUIRE_FALSE(no_vct);
  CHECK(no_vct.error().code == ErrorCode::invalid_vct);
  auto bad_integrity = veil::resolve_credential_type_metadata(Json{{"vct", "urn:x"}, {"vct#integrity", 5}},
                                                              documents.fetcher());
  REQUIRE_FALSE(bad_integrity);
  CHECK(bad_integrity.error().code == ErrorCode::invalid_type_metadata);
  auto missing = veil::resolve_credential_type_metadata(Json{{"vct", "urn:x"}}, documents.fetcher());
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == ErrorCode::not_found);
  documents.by_vct["urn:x"] = "[]";
  auto not_object = veil::resolve_credential_type_metadata(Json{{"vct", "urn:x"}}, documents.fetcher());
  REQUIRE_FALSE(not_object);
  CHECK(not_object.error().code == ErrorCode::invalid_type_metadata);
}
