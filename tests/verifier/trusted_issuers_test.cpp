// TrustedIssuers: pinned keys and keys resolved from JWT VC Issuer Metadata of listed issuers only, on an
// in-process loopback server, with bounded positive and negative caching.
#include <catch2/catch.hpp>

#include <thread>

#include "verifier/verification_fixtures.h"
#include "veil/platform/jwt_vc_issuer_metadata.h"

using namespace veil;
using namespace veil::verifier;
using namespace veil::verifier::verification_test;

namespace {

constexpr char kWellKnown[] = "/.well-known/jwt-vc-issuer";

Json metadata_issuer(const std::string& iss) { return {{"iss", iss}, {"resolve", "metadata"}}; }

Json metadata(const std::string& issuer, const Json& key = issuer_keys().public_json()) {
  return {{"issuer", issuer}, {"jwks", {{"keys", {key}}}}};
}

std::unique_ptr<TrustedIssuers> trusted(const Json& document, const Clock& clock, bool loopback = true,
                                        TrustedIssuersOptions options = {}) {
  options.fetch.allow_loopback_http = loopback;
  auto issuers = TrustedIssuers::create(document, clock, options);
  REQUIRE(issuers);
  return std::move(*issuers);
}

// verify_with checks a presentation of a credential from |iss| against |issuers|.
Result<VerifiedCredential> verify_with(const TrustedIssuers& issuers, const Clock& clock, const std::string& iss,
                                       const KeyPair& signer = issuer_keys()) {
  CredentialSpec spec;
  spec.iss = iss;
  spec.signer = &signer;
  const PresentationVerifier verifier(issuers, nullptr, clock);
  return verifier.verify(present(issue(spec)), expect_kb());
}

}  // namespace

TEST_CASE("pinned issuers come from the trust file and nothing is fetched", "[trusted_issuers]") {
  ManualClock clock;
  const auto issuers = trusted(trust_document({metadata_issuer("https://metadata.example")}), clock);
  CHECK(issuers->is_listed(kIss));
  CHECK(issuers->is_listed("https://metadata.example"));
  CHECK_FALSE(issuers->is_listed("https://issuer.example/"));  // no normalisation
  CHECK(issuers->issuers() == std::vector<std::string>{kIss, "https://metadata.example"});
  CHECK(verify_with(*issuers, clock, kIss));
  CHECK(issuers->fetch_count() == 0);
}

TEST_CASE("a malformed trust file is refused", "[trusted_issuers]") {
  ManualClock clock;
  for (const Json& document : {Json::array(), Json{{"issuers", 1}}, Json{{"issuers", {{{"iss", "x"}}}}},
                               Json{{"issuers", {{{"iss", "x"}, {"resolve", "dns"}}}}},
                               Json{{"issuers", {metadata_issuer("x"), metadata_issuer("x")}}}}) {
    INFO(document.dump());
    const auto issuers = TrustedIssuers::create(document, clock);
    REQUIRE_FALSE(issuers);
    CHECK(issuers.error().code == ErrorCode::invalid_argument);
  }
}

TEST_CASE("a metadata issuer's keys are fetched from its well-known URL and verify its credentials", "[trusted_issuers]") {
  ScriptedServer server;
  server.set(kWellKnown, ScriptedServer::json(metadata(server.origin())));
  ManualClock clock;
  const auto issuers = trusted(trust_document({metadata_issuer(server.origin())}), clock);
  const auto verified = verify_with(*issuers, clock, server.origin());
  REQUIRE(verified);
  CHECK(verified->iss == server.origin());
  CHECK(server.hits(kWellKnown) == 1);
}

TEST_CASE("metadata naming another issuer is not used [attack:V5]", "[trusted_issuers][attack:V5]") {
  ScriptedServer server;
  server.set(kWellKnown, ScriptedServer::json(metadata("https://evil.example")));
  ManualClock clock;
  const auto issuers = trusted(trust_document({metadata_issuer(server.origin())}), clock);
  const auto keys = issuers->keys_for(server.origin());
  REQUIRE_FALSE(keys);
  CHECK(keys.error().code == ErrorCode::invalid_issuer_metadata);
  const auto verified = verify_with(*issuers, clock, server.origin());
  REQUIRE_FALSE(verified);
  CHECK(verified.error().code == ErrorCode::invalid_issuer_metadata);
}

TEST_CASE("a credential whose kid matches no published key is rejected", "[trusted_issuers]") {
  ScriptedServer server;
  auto other_kid = issuer_keys().key.public_key().with_kid("rotated-away").to_json();
  server.set(kWellKnown, ScriptedServer::json(metadata(server.origin(), other_kid)));
  ManualClock clock;
  const auto issuers = trusted(trust_document({metadata_issuer(server.origin())}), clock);
  const auto verified = verify_with(*issuers, clock, server.origin());
  REQUIRE_FALSE(verified);
  CHECK(verified.error().code == ErrorCode::unknown_key);
}

TEST_CASE("resolved keys are cached for the TTL and fetched again after it", "[trusted_issuers]") {
  ScriptedServer server;
  server.set(kWellKnown, ScriptedServer::json(metadata(server.origin())));
  ManualClock clock;
  TrustedIssuersOptions options;
  options.keys_ttl_seconds = 300;
  const auto issuers = trusted(trust_document({metadata_issuer(server.origin())}), clock, true, options);
  REQUIRE(issuers->keys_for(server.origin()));
  REQUIRE(issuers->keys_for(server.origin()));
  CHECK(verify_with(*issuers, clock, server.origin()));
  CHECK(server.hits(kWellKnown) == 1);
  clock.advance(299);
  REQUIRE(issuers->keys_for(server.origin()));
  CHECK(server.hits(kWellKnown) == 1);
  clock.advance(1);
  REQUIRE(issuers->keys_for(server.origin()));
  CHECK(server.hits(kWellKnown) == 2);
  CHECK(issuers->fetch_count() == 2);
}

TEST_CASE("a failing issuer is remembered for the failure TTL and not hammered", "[trusted_issuers]") {
  ScriptedServer server;
  server.set(kWellKnown, {500, "application/json", "{}", std::nullopt});
  ManualClock clock;
  TrustedIssuersOptions options;
  options.failure_ttl_seconds = 30;
  const auto issuers = trusted(trust_document({metadata_issuer(server.origin())}), clock, true, options);
  for (int i = 0; i < 5; ++i) {
    const auto keys = issuers->keys_for(server.origin());
    REQUIRE_FALSE(keys);
    CHECK(keys.error().code == ErrorCode::unexpected_http_status);
  }
  CHECK(server.hits(kWellKnown) == 1);
  server.set(kWellKnown, ScriptedServer::json(metadata(server.origin())));
  clock.advance(30);
  CHECK(issuers->keys_for(server.origin()));
  CHECK(server.hits(kWellKnown) == 2);
}

TEST_CASE("an oversized metadata answer is refused", "[trusted_issuers]") {
  ScriptedServer server;
  Json huge = metadata(server.origin());
  huge["padding"] = std::string(100 * 1024, 'x');
  server.set(kWellKnown, ScriptedServer::json(huge));
  ManualClock clock;
  const auto issuers = trusted(trust_document({metadata_issuer(server.origin())}), clock);  // 64 KiB cap
  const auto keys = issuers->keys_for(server.origin());
  REQUIRE_FALSE(keys);
  CHECK(keys.error().code == ErrorCode::response_too_large);
}

TEST_CASE("a metadata redirect is not followed [attack:V6]", "[trusted_issuers][attack:V6]") {
  ScriptedServer server;
  server.set(kWellKnown, {302, "text/plain", "", server.origin() + "/elsewhere"});
  server.set("/elsewhere", ScriptedServer::json(metadata(server.origin())));
  ManualClock clock;
  const auto issuers = trusted(trust_document({metadata_issuer(server.origin())}), clock);
  const auto keys = issuers->keys_for(server.origin());
  REQUIRE_FALSE(keys);
  CHECK(keys.error().code == ErrorCode::unexpected_http_status);
  CHECK(server.hits("/elsewhere") == 0);
}

TEST_CASE("an issuer the trust file does not list is never fetched [attack:V6]", "[trusted_issuers][attack:V6]") {
  ScriptedServer server;
  server.set(kWellKnown, ScriptedServer::json(metadata(server.origin())));
  server.set(std::string(kWellKnown) + "/other", ScriptedServer::json(metadata(server.origin() + "/other")));
  ManualClock clock;
  const auto issuers = trusted(trust_document({metadata_issuer(server.origin())}), clock);
  const auto keys = issuers->keys_for(server.origin() + "/other");
  REQUIRE_FALSE(keys);
  CHECK(keys.error().code == ErrorCode::untrusted_issuer);
  const auto verified = verify_with(*issuers, clock, server.origin() + "/other");
  REQUIRE_FALSE(verified);
  CHECK(verified.error().code == ErrorCode::untrusted_issuer);
  CHECK(server.total_hits() == 0);
}

TEST_CASE("plain http metadata is refused without the loopback flag [attack:V6]", "[trusted_issuers][attack:V6]") {
  ScriptedServer server;
  server.set(kWellKnown, ScriptedServer::json(metadata(server.origin())));
  ManualClock clock;
  const auto issuers = trusted(trust_document({metadata_issuer(server.origin())}), clock, /*loopback=*/false);
  const auto keys = issuers->keys_for(server.origin());
  REQUIRE_FALSE(keys);
  CHECK(keys.error().code == ErrorCode::url_not_allowed);
  CHECK(server.total_hits() == 0);
}

TEST_CASE("concurrent first uses of a metadata issuer fetch it once", "[trusted_issuers]") {
  ScriptedServer server;
  server.set(kWellKnown, ScriptedServer::json(metadata(server.origin())));
  ManualClock clock;
  const auto issuers = trusted(trust_document({metadata_issuer(server.origin())}), clock);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      if (!issuers->keys_for(server.origin())) ++failures;
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(failures == 0);
  CHECK(server.hits(kWellKnown) == 1);
}
