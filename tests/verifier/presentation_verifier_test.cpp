// PresentationVerifier: the full check the verifier service runs on every presentation. The OpenID conformance
// suite's verifier negatives and the ATTACKS.md V, K and L rows that apply at the service, each as a test.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <thread>

#include "verifier/verification_fixtures.h"
#include "veil/base64url.h"
#include "veil/disclosure.h"
#include "veil/hash.h"
#include "veil/jws.h"
#include "veil/presentation.h"
#include "veil/sd_jwt_verifier.h"

using namespace veil;
using namespace veil::verifier;
using namespace veil::verifier::verification_test;

namespace {

// with_kb_parts signs a KB-JWT over |presentation| from explicit parts, so a test can break any of them.
std::string with_kb_parts(const SdJwt& presentation, const Json& header, Json payload,
                          const KeyPair& signer = holder_keys()) {
  if (!payload.contains("sd_hash")) {
    payload["sd_hash"] = hash_base64url(HashAlg::sha_256, presentation.sd_hash_input());
  }
  auto jwt = sign_jws_compact(header, payload, *signer.signer);
  REQUIRE(jwt);
  return presentation.with_key_binding(*jwt).serialize_compact();
}

Json kb_claims() { return {{"aud", kAud}, {"nonce", kNonce}, {"iat", kNow}}; }

SdJwt parsed(const std::string& presentation) {
  auto sd_jwt = SdJwt::parse(presentation);
  REQUIRE(sd_jwt);
  return std::move(*sd_jwt);
}

// selected is the credential with the disclosures a holder would send for |paths|, without a KB-JWT.
SdJwt selected(const SdJwt& credential, const std::vector<std::string>& paths = {"given_name", "age_over_18"}) {
  PresentSpec spec;
  spec.disclose = paths;
  spec.key_binding = false;
  return parsed(present(credential, spec));
}

#define CHECK_CODE(result, expected)                                                           \
  do {                                                                                         \
    const auto& checked_result = (result);                                                     \
    INFO((checked_result ? std::string("ok") : checked_result.error().message));               \
    CHECK(error_code(checked_result) == std::optional<ErrorCode>(expected));                   \
  } while (0)

}  // namespace

TEST_CASE("verifier accepts a valid presentation and reports what was disclosed", "[presentation_verifier]") {
  const Service service;
  const auto verified = service.verify(present(issue()));
  REQUIRE(verified);
  CHECK(verified->iss == kIss);
  CHECK(verified->vct == kVct);
  CHECK(verified->claims["given_name"] == "Erika");
  CHECK(verified->claims["age_over_18"] == true);
  CHECK_FALSE(verified->claims.contains("family_name"));
  CHECK_FALSE(verified->claims.contains("address"));
  CHECK(verified->disclosed.size() == 2);
  REQUIRE(verified->key_binding);
  CHECK(verified->key_binding->aud == kAud);
  CHECK(verified->key_binding->nonce == kNonce);
  CHECK(verified->status == "unchecked");  // no status claim: nothing to check
}

TEST_CASE("verifier requires aud and nonce when key binding is required", "[presentation_verifier]") {
  const Service service;
  PresentationExpectations expectations;
  CHECK_CODE(service.verify(present(issue()), expectations), ErrorCode::invalid_argument);
}

TEST_CASE("verifier accepts a bare SD-JWT only when the expectations waive key binding", "[presentation_verifier]") {
  const Service service;
  PresentSpec bare;
  bare.key_binding = false;
  const std::string presentation = present(issue(), bare);
  PresentationExpectations no_kb;
  no_kb.require_key_binding = false;
  const auto verified = service.verify(presentation, no_kb);
  REQUIRE(verified);
  CHECK_FALSE(verified->key_binding);
}

// --- OpenID conformance suite, verifier negatives (reproduced locally) ---

TEST_CASE("conformance: invalid KB-JWT signature is rejected [attack:K2]", "[presentation_verifier][conformance][attack:K2]") {
  const Service service;
  PresentSpec spec;
  spec.holder = &stranger_keys();
  CHECK_CODE(service.verify(present(issue(), spec)), ErrorCode::invalid_kb_signature);
}

TEST_CASE("conformance: invalid credential signature is rejected [attack:V4]", "[presentation_verifier][conformance][attack:V4]") {
  const Service service;
  // Signed by a key the trust file does not hold, under the trusted key's kid.
  const SdJwt forged = resign(issue(), [](Json&, Json&) {}, stranger_keys());
  CHECK_CODE(service.verify(present(forged)), ErrorCode::invalid_signature);
}

TEST_CASE("conformance: invalid sd_hash is rejected [attack:K3]", "[presentation_verifier][conformance][attack:K3]") {
  const Service service;
  const SdJwt presentation = parsed(present(issue()));
  // One disclosure removed after the holder signed the KB-JWT.
  const SdJwt trimmed = presentation.with_disclosures({presentation.disclosures().front()});
  CHECK_CODE(service.verify(trimmed.serialize_compact()), ErrorCode::sd_hash_mismatch);
  // A KB-JWT over another SD-JWT.
  Json payload = kb_claims();
  payload["sd_hash"] = hash_base64url(HashAlg::sha_256, "other");
  CHECK_CODE(service.verify(with_kb_parts(selected(issue()), {{"typ", "kb+jwt"}}, payload)), ErrorCode::sd_hash_mismatch);
  // A KB-JWT without sd_hash at all.
  const SdJwt bare = selected(issue());
  auto no_hash = sign_jws_compact({{"typ", "kb+jwt"}}, kb_claims(), *holder_keys().signer);
  REQUIRE(no_hash);
  CHECK_CODE(service.verify(bare.with_key_binding(*no_hash).serialize_compact()), ErrorCode::invalid_kb_jwt);
}

TEST_CASE("conformance: wrong nonce is rejected [attack:K4]", "[presentation_verifier][conformance][attack:K4]") {
  const Service service;
  PresentSpec spec;
  spec.nonce = "nonce-of-another-transaction";
  CHECK_CODE(service.verify(present(issue(), spec)), ErrorCode::nonce_mismatch);
}

TEST_CASE("conformance: wrong aud is rejected, including a client_id without its prefix [attack:K5]",
          "[presentation_verifier][conformance][attack:K5]") {
  const Service service;
  PresentSpec other_verifier;
  other_verifier.aud = "x509_hash:another-verifier";
  CHECK_CODE(service.verify(present(issue(), other_verifier)), ErrorCode::aud_mismatch);
  PresentSpec no_prefix;
  no_prefix.aud = "verifier-client-id";
  CHECK_CODE(service.verify(present(issue(), no_prefix)), ErrorCode::aud_mismatch);
}

TEST_CASE("conformance: KB-JWT iat in the past is rejected [attack:K6]", "[presentation_verifier][conformance][attack:K6]") {
  const Service service;
  PresentSpec spec;
  spec.iat = kNow - 3600;
  CHECK_CODE(service.verify(present(issue(), spec)), ErrorCode::kb_iat_too_old);
}

TEST_CASE("conformance: KB-JWT iat in the future is rejected [attack:K6]", "[presentation_verifier][conformance][attack:K6]") {
  const Service service;
  PresentSpec spec;
  spec.iat = kNow + 3600;
  CHECK_CODE(service.verify(present(issue(), spec)), ErrorCode::kb_iat_in_future);
}

TEST_CASE("conformance: a revoked credential is rejected [attack:L7]", "[presentation_verifier][conformance][attack:L7]") {
  ScriptedServer server;
  const std::string uri = server.origin() + "/status/1";
  auto list = StatusList::create(64, 2);
  REQUIRE(list);
  REQUIRE(list->set(7, kStatusInvalid));
  REQUIRE(list->set(8, kStatusSuspended));
  server.set("/status/1", ScriptedServer::token(status_list_token(*list, uri, kNow - 60, kNow + 3600, 300)));
  const Service service;
  CredentialSpec revoked;
  revoked.status_uri = uri;
  revoked.status_index = 7;
  CHECK_CODE(service.verify(present(issue(revoked))), ErrorCode::credential_revoked);
  CredentialSpec suspended = revoked;
  suspended.status_index = 8;
  CHECK_CODE(service.verify(present(issue(suspended))), ErrorCode::credential_suspended);
  CredentialSpec valid = revoked;
  valid.status_index = 9;
  const auto verified = service.verify(present(issue(valid)));
  REQUIRE(verified);
  CHECK(verified->status == "valid");
  CHECK(server.hits("/status/1") == 1);  // one fetch, then the cache
}

// --- K rows ---

TEST_CASE("verifier rejects a presentation whose KB-JWT was stripped [attack:K1]", "[presentation_verifier][attack:K1]") {
  const Service service;
  CHECK_CODE(service.verify(selected(issue()).serialize_compact()), ErrorCode::missing_key_binding);
}

TEST_CASE("verifier rejects a KB-JWT whose typ is not kb+jwt [attack:K7]", "[presentation_verifier][attack:K7]") {
  const Service service;
  CHECK_CODE(service.verify(with_kb_parts(selected(issue()), {{"typ", "JWT"}}, kb_claims())), ErrorCode::invalid_kb_typ);
  CHECK_CODE(service.verify(with_kb_parts(selected(issue()), Json::object(), kb_claims())), ErrorCode::invalid_kb_typ);
}

TEST_CASE("verifier rejects an unsigned or HMAC KB-JWT [attack:K8]", "[presentation_verifier][attack:K8]") {
  const Service service;
  const SdJwt presentation = selected(issue());
  Json payload = kb_claims();
  payload["sd_hash"] = hash_base64url(HashAlg::sha_256, presentation.sd_hash_input());
  const std::string body = base64url_encode(payload.dump());
  for (const char* header : {R"({"alg":"none","typ":"kb+jwt"})", R"({"alg":"HS256","typ":"kb+jwt"})"}) {
    INFO(header);
    const std::string kb = base64url_encode(header) + "." + body + "." + base64url_encode("not-a-signature");
    CHECK_CODE(service.verify(presentation.serialize_compact() + kb), ErrorCode::alg_not_allowed);
  }
  // alg none with the empty signature it calls for is not even a JWT.
  const std::string empty = base64url_encode(R"({"alg":"none","typ":"kb+jwt"})") + "." + body + ".";
  CHECK_CODE(service.verify(presentation.serialize_compact() + empty), ErrorCode::malformed_sd_jwt);
}

TEST_CASE("verifier rejects a KB-JWT on a credential without cnf [attack:K9]", "[presentation_verifier][attack:K9]") {
  const Service service;
  CredentialSpec unbound;
  unbound.holder_binding = false;
  CHECK_CODE(service.verify(present(issue(unbound))), ErrorCode::missing_cnf);
}

// --- V rows ---

TEST_CASE("verifier rejects the legacy typ unless configured [attack:V1]", "[presentation_verifier][attack:V1]") {
  const SdJwt legacy = resign(issue(), [](Json& header, Json&) { header["typ"] = "vc+sd-jwt"; });
  const SdJwt plain_jwt = resign(issue(), [](Json& header, Json&) { header["typ"] = "JWT"; });
  const Service strict;
  CHECK_CODE(strict.verify(present(legacy)), ErrorCode::invalid_typ);
  CHECK_CODE(strict.verify(present(plain_jwt)), ErrorCode::invalid_typ);
  PresentationVerifierOptions options;
  options.accept_legacy_vc_typ = true;
  const Service lenient(trust_document(), options);
  CHECK(lenient.verify(present(legacy)));
  CHECK_CODE(lenient.verify(present(plain_jwt)), ErrorCode::invalid_typ);
}

TEST_CASE("verifier rejects a credential without vct [attack:V2]", "[presentation_verifier][attack:V2]") {
  const Service service;
  CHECK_CODE(service.verify(present(resign(issue(), [](Json&, Json& payload) { payload.erase("vct"); }))),
             ErrorCode::invalid_vct);
  CHECK_CODE(service.verify(present(resign(issue(), [](Json&, Json& payload) { payload["vct"] = 7; }))),
             ErrorCode::invalid_vct);
}

TEST_CASE("verifier rejects exp, iss or status delivered as a Disclosure [attack:V3]", "[presentation_verifier][attack:V3]") {
  const Service service;
  for (const char* name : {"exp", "iss", "status"}) {
    INFO(name);
    const Json value = std::string(name) == "exp" ? Json(kNow + 3600)
                       : std::string(name) == "iss" ? Json(kIss)
                                                    : Json{{"status_list", {{"idx", 1}, {"uri", "https://x.example/s"}}}};
    auto hidden = Disclosure::for_property("c2FsdHNhbHRzYWx0c2FsdA", name, value);
    REQUIRE(hidden);
    const SdJwt credential = resign(issue(), [&](Json&, Json& payload) {
      if (std::string(name) != "iss") payload.erase(name);
      payload["_sd"].push_back(hidden->digest(HashAlg::sha_256));
    });
    std::vector<Disclosure> disclosures = credential.disclosures();
    disclosures.push_back(*hidden);
    const SdJwt with_hidden = credential.with_disclosures(disclosures);
    // The holder sends every disclosure, the injected one included.
    auto bound = add_key_binding(with_hidden, {kAud, kNonce, kNow}, *holder_keys().signer);
    REQUIRE(bound);
    // iss stays signed in the clear (else the issuer is unknown), so its disclosure collides with it.
    CHECK_CODE(service.verify(bound->serialize_compact()), std::string(name) == "iss"
                                                               ? ErrorCode::claim_name_conflict
                                                               : ErrorCode::forbidden_selective_disclosure);
  }
}

TEST_CASE("verifier never takes the issuer key from the token header [attack:V4]", "[presentation_verifier][attack:V4]") {
  const Service service;
  const SdJwt self_asserted = resign(issue(), [](Json& header, Json&) {
    header["jwk"] = stranger_keys().public_json();
    header["kid"] = "stranger";
  }, stranger_keys());
  CHECK_CODE(service.verify(present(self_asserted)), ErrorCode::unknown_key);
}

TEST_CASE("verifier rejects an issuer the trust file does not list, without fetching anything [attack:V6]",
          "[presentation_verifier][attack:V6]") {
  const Service service;
  for (const char* iss : {"http://169.254.169.254/latest", "https://10.0.0.1", "https://unlisted.example"}) {
    CredentialSpec spec;
    spec.iss = iss;
    CHECK_CODE(service.verify(present(issue(spec))), ErrorCode::untrusted_issuer);
  }
}

TEST_CASE("verifier rejects an expired or not yet valid credential [attack:V8]", "[presentation_verifier][attack:V8]") {
  const Service service;
  CredentialSpec expired;
  expired.exp = kNow - 3600;
  CHECK_CODE(service.verify(present(issue(expired))), ErrorCode::token_expired);
  CredentialSpec future;
  future.nbf = kNow + 3600;
  CHECK_CODE(service.verify(present(issue(future))), ErrorCode::token_not_yet_valid);
}

// --- the relying party's expectations ---

TEST_CASE("verifier rejects a trusted issuer the request does not accept", "[presentation_verifier]") {
  const Service service;
  auto expectations = expect_kb();
  expectations.trusted_issuers = {"https://another-issuer.example"};
  CHECK_CODE(service.verify(present(issue()), expectations), ErrorCode::untrusted_issuer);
  expectations.trusted_issuers.push_back(kIss);
  CHECK(service.verify(present(issue()), expectations));
}

TEST_CASE("verifier rejects a credential older than the request allows", "[presentation_verifier]") {
  const Service service;
  auto expectations = expect_kb();
  expectations.max_credential_age_seconds = 3599;  // issued one hour before kNow
  CHECK_CODE(service.verify(present(issue()), expectations), ErrorCode::credential_too_old);
  expectations.max_credential_age_seconds = 3600;
  CHECK(service.verify(present(issue()), expectations));
}

TEST_CASE("verifier rejects a malformed status claim", "[presentation_verifier]") {
  const Service service;
  const SdJwt negative = resign(issue(), [](Json&, Json& payload) {
    payload["status"] = {{"status_list", {{"idx", -1}, {"uri", "https://status.example/1"}}}};
  });
  CHECK_CODE(service.verify(present(negative)), ErrorCode::status_index_out_of_range);
  const SdJwt no_uri = resign(issue(), [](Json&, Json& payload) { payload["status"] = {{"status_list", {{"idx", 1}}}}; });
  CHECK_CODE(service.verify(present(no_uri)), ErrorCode::invalid_status_claim);
}

TEST_CASE("verifier rejects a credential whose status list cannot be fetched (TSL 8.3)", "[presentation_verifier]") {
  ScriptedServer server;
  const Service service;
  CredentialSpec spec;
  spec.status_uri = server.origin() + "/status/missing";
  spec.status_index = 1;
  CHECK_CODE(service.verify(present(issue(spec))), ErrorCode::unexpected_http_status);
}

TEST_CASE("verifier without a status checker reports a status claim as unchecked", "[presentation_verifier]") {
  const Service service(trust_document(), {}, /*with_status=*/false);
  CredentialSpec spec;
  spec.status_uri = "https://status.example/1";
  spec.status_index = 1;
  const auto verified = service.verify(present(issue(spec)));
  REQUIRE(verified);
  CHECK(verified->status == "unchecked");
}

TEST_CASE("verifier counts every outcome by error code and times it", "[presentation_verifier][metrics]") {
  Service service;
  CHECK(service.verify(present(issue())));
  PresentSpec wrong_nonce;
  wrong_nonce.nonce = "x";
  CHECK_FALSE(service.verify(present(issue(), wrong_nonce)));
  CHECK_FALSE(service.verify(present(issue(), wrong_nonce)));
  CHECK(service.metrics.counter("veil_verifications_total", {{"outcome", "verified"}, {"code", "none"}}).value() == 1);
  CHECK(service.metrics.counter("veil_verifications_total", {{"outcome", "failed"}, {"code", "nonce_mismatch"}}).value() ==
        2);
  const std::string text = service.metrics.render();
  CHECK(text.find("veil_verification_duration_seconds_count 3") != std::string::npos);
}

TEST_CASE("one verifier serves many threads at once", "[presentation_verifier]") {
  ScriptedServer server;
  const std::string uri = server.origin() + "/status/1";
  auto list = StatusList::create(64, 1);
  REQUIRE(list);
  REQUIRE(list->set(3, kStatusInvalid));
  server.set("/status/1", ScriptedServer::token(status_list_token(*list, uri, kNow, kNow + 3600, 600)));
  const Service service;
  CredentialSpec good;
  good.status_uri = uri;
  good.status_index = 2;
  CredentialSpec revoked = good;
  revoked.status_index = 3;
  const std::string valid_presentation = present(issue(good));
  const std::string revoked_presentation = present(issue(revoked));
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        if (!service.verify(valid_presentation)) ++wrong;
        const auto rejected = service.verify(revoked_presentation);
        if (rejected || rejected.error().code != ErrorCode::credential_revoked) ++wrong;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(wrong == 0);
  CHECK(server.hits("/status/1") == 1);
}

TEST_CASE("verification latency: PresentationVerifier against a bare SdJwtVerifier", "[.bench]") {
  const Service service(trust_document(), {}, /*with_status=*/false);
  const std::string presentation = present(issue());
  auto trust = TrustList::parse(trust_document());
  REQUIRE(trust);
  VerificationPolicy policy;
  policy.expected_aud = kAud;
  policy.expected_nonce = kNonce;
  const SdJwtVerifier bare(policy, *trust, service.clock);
  // Interleaved blocks, best block of each: the machine is shared, so the minimum is the least noisy figure.
  constexpr int kBlocks = 40;
  constexpr int kPerBlock = 50;
  auto block = [&](auto&& body) {
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < kPerBlock; ++i) body();
    return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count() / kPerBlock;
  };
  double service_us = 1e9;
  double bare_us = 1e9;
  for (int b = 0; b < kBlocks; ++b) {
    service_us = std::min(service_us, block([&] { REQUIRE(service.verify(presentation)); }));
    bare_us = std::min(bare_us, block([&] { REQUIRE(bare.verify(presentation)); }));
  }
  std::printf("PresentationVerifier %.1f us/verify, SdJwtVerifier %.1f us/verify (ratio %.2f)\n", service_us, bare_us,
              service_us / bare_us);
}
