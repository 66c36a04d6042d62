// StatusChecker: Status List Tokens fetched from a loopback server, verified with the credential issuer's keys,
// cached per clamped ttl/exp, and looked up (draft-ietf-oauth-status-list §8.3). ATTACKS.md L1-L7, L9.
#include <catch2/catch.hpp>

#include "verifier/verification_fixtures.h"
#include "veil/jws.h"

using namespace veil;
using namespace veil::verifier;
using namespace veil::verifier::verification_test;

namespace {

constexpr char kPath[] = "/status/1";

StatusList list_with(std::size_t size, int bits, const std::vector<std::pair<std::size_t, std::uint8_t>>& values) {
  auto list = StatusList::create(size, bits);
  REQUIRE(list);
  for (const auto& [index, value] : values) REQUIRE(list->set(index, value));
  return std::move(*list);
}

// Checker bundles a trust file pinning the issuer, a clock and a StatusChecker allowed to fetch from loopback.
struct Checker {
  explicit Checker(StatusCheckerOptions options = {}) {
    auto created = TrustedIssuers::create(trust_document(), clock);
    REQUIRE(created);
    issuers = std::move(*created);
    options.fetch.allow_loopback_http = true;
    checker = std::make_unique<StatusChecker>(*issuers, clock, options);
  }
  Status check(const std::string& uri, std::size_t idx, const std::string& iss = kIss) const {
    return checker->check(iss, {idx, uri});
  }
  ManualClock clock;
  std::unique_ptr<TrustedIssuers> issuers;
  std::unique_ptr<StatusChecker> checker;
};

std::optional<ErrorCode> code_of(const Status& status) {
  if (status) return std::nullopt;
  return status.error().code;
}

// signed_payload signs a hand-made Status List Token payload with |header|.
std::string signed_payload(const Json& header, const Json& payload, const KeyPair& signer = issuer_keys()) {
  auto jwt = sign_jws_compact(header, payload, *signer.signer);
  REQUIRE(jwt);
  return std::move(*jwt);
}

}  // namespace

TEST_CASE("status checker reads valid, revoked and suspended entries [attack:L7]", "[status_checker][attack:L7]") {
  ScriptedServer server;
  const std::string uri = server.origin() + kPath;
  const auto list = list_with(64, 2, {{1, kStatusInvalid}, {2, kStatusSuspended}, {3, 0x03}});
  server.set(kPath, ScriptedServer::token(status_list_token(list, uri, kNow, kNow + 3600, 300)));
  Checker checker;
  CHECK(checker.check(uri, 0));
  CHECK(code_of(checker.check(uri, 1)) == ErrorCode::credential_revoked);
  CHECK(code_of(checker.check(uri, 2)) == ErrorCode::credential_suspended);
  CHECK(code_of(checker.check(uri, 3)) == ErrorCode::credential_revoked);  // application-specific: never valid
  CHECK(server.hits(kPath) == 1);
  CHECK(server.last_accept(kPath) == "application/statuslist+jwt");
}

TEST_CASE("status checker rejects a token whose typ is not statuslist+jwt [attack:L1]", "[status_checker][attack:L1]") {
  ScriptedServer server;
  const std::string uri = server.origin() + kPath;
  const auto lst = list_with(64, 1, {}).lst();
  REQUIRE(lst);
  const Json payload = {{"sub", uri}, {"iat", kNow}, {"exp", kNow + 3600}, {"status_list", {{"bits", 1}, {"lst", *lst}}}};
  server.set(kPath, ScriptedServer::token(signed_payload({{"typ", "JWT"}}, payload)));
  Checker checker;
  CHECK(code_of(checker.check(uri, 0)) == ErrorCode::invalid_status_list_token_typ);
}

TEST_CASE("status checker rejects a token for another URI [attack:L2]", "[status_checker][attack:L2]") {
  ScriptedServer server;
  const std::string uri = server.origin() + kPath;
  server.set(kPath, ScriptedServer::token(status_list_token(list_with(64, 1, {}), server.origin() + "/status/2", kNow,
                                                            kNow + 3600, 300)));
  Checker checker;
  CHECK(code_of(checker.check(uri, 0)) == ErrorCode::status_list_subject_mismatch);
}

TEST_CASE("status checker rejects an expired token [attack:L3]", "[status_checker][attack:L3]") {
  ScriptedServer server;
  const std::string uri = server.origin() + kPath;
  server.set(kPath, ScriptedServer::token(status_list_token(list_with(64, 1, {}), uri, kNow - 7200, kNow - 3600, 300)));
  Checker checker;
  CHECK(code_of(checker.check(uri, 0)) == ErrorCode::status_list_expired);
}

TEST_CASE("status checker rejects an index beyond the list [attack:L4]", "[status_checker][attack:L4]") {
  ScriptedServer server;
  const std::string uri = server.origin() + kPath;
  server.set(kPath, ScriptedServer::token(status_list_token(list_with(64, 1, {}), uri, kNow, kNow + 3600, 300)));
  Checker checker;
  CHECK(checker.check(uri, 63));
  CHECK(code_of(checker.check(uri, 64)) == ErrorCode::status_index_out_of_range);
  CHECK(code_of(checker.check(uri, std::size_t{1} << 40)) == ErrorCode::status_index_out_of_range);
}

TEST_CASE("status checker rejects bits outside 1, 2, 4, 8 [attack:L5]", "[status_checker][attack:L5]") {
  ScriptedServer server;
  const std::string uri = server.origin() + kPath;
  const auto lst = list_with(64, 1, {}).lst();
  REQUIRE(lst);
  const Json payload = {{"sub", uri}, {"iat", kNow}, {"exp", kNow + 3600}, {"status_list", {{"bits", 3}, {"lst", *lst}}}};
  server.set(kPath, ScriptedServer::token(signed_payload({{"typ", "statuslist+jwt"}}, payload)));
  Checker checker;
  CHECK(code_of(checker.check(uri, 0)) == ErrorCode::invalid_status_list);
}

TEST_CASE("status checker stops inflating a zlib bomb at its cap [attack:L6]", "[status_checker][attack:L6]") {
  ScriptedServer server;
  const std::string uri = server.origin() + kPath;
  // 8 MiB of zero statuses compress to a few KiB; the checker allows 1 MiB inflated.
  auto bomb = StatusList::create(std::size_t{8} << 20, 8, StatusListLimits{std::size_t{1} << 24});
  REQUIRE(bomb);
  const std::string token = status_list_token(*bomb, uri, kNow, kNow + 3600, 300);
  CHECK(token.size() < 64 * 1024);
  server.set(kPath, ScriptedServer::token(token));
  StatusCheckerOptions options;
  options.token_policy.limits.max_bytes = std::size_t{1} << 20;
  Checker checker(options);
  CHECK(code_of(checker.check(uri, 0)) == ErrorCode::status_list_too_large);
}

TEST_CASE("status checker clamps ttl 0 to the minimum cache time [attack:L9]", "[status_checker][attack:L9]") {
  ScriptedServer server;
  const std::string uri = server.origin() + kPath;
  // ttl is positive by TSL; a token claiming ttl 0 is refused by the parser, so the smallest ttl, 1 s, stands
  // in: it must not make every verification fetch.
  server.set(kPath, ScriptedServer::token(status_list_token(list_with(64, 1, {}), uri, kNow, kNow + 86400 * 10, 1)));
  StatusCheckerOptions options;
  options.min_cache_seconds = 30;
  Checker checker(options);
  REQUIRE(checker.check(uri, 0));
  checker.clock.advance(29);
  REQUIRE(checker.check(uri, 0));
  CHECK(server.hits(kPath) == 1);
  checker.clock.advance(1);
  REQUIRE(checker.check(uri, 0));
  CHECK(server.hits(kPath) == 2);
}

TEST_CASE("status checker clamps a huge ttl to the maximum cache time [attack:L9]", "[status_checker][attack:L9]") {
  ScriptedServer server;
  const std::string uri = server.origin() + kPath;
  server.set(kPath, ScriptedServer::token(status_list_token(list_with(64, 1, {}), uri, kNow, kNow + 86400 * 10,
                                                            1000000000)));
  Checker checker;  // max 1 day
  REQUIRE(checker.check(uri, 0));
  checker.clock.advance(86399);
  REQUIRE(checker.check(uri, 0));
  CHECK(server.hits(kPath) == 1);
  checker.clock.advance(1);
  REQUIRE(checker.check(uri, 0));
  CHECK(server.hits(kPath) == 2);
}

TEST_CASE("status checker never caches a token past its exp", "[status_checker]") {
  ScriptedServer server;
  const std::string uri = server.origin() + kPath;
  server.set(kPath, ScriptedServer::token(status_list_token(list_with(64, 1, {}), uri, kNow, kNow + 100, 600)));
  Checker checker;
  REQUIRE(checker.check(uri, 0));
  checker.clock.advance(99);
  REQUIRE(checker.check(uri, 0));
  CHECK(server.hits(kPath) == 1);
  server.set(kPath, ScriptedServer::token(status_list_token(list_with(64, 1, {{0, kStatusInvalid}}), uri, kNow + 100,
                                                            kNow + 3600, 600)));
  checker.clock.advance(1);
  CHECK(code_of(checker.check(uri, 0)) == ErrorCode::credential_revoked);
  CHECK(server.hits(kPath) == 2);
}

TEST_CASE("status checker does not follow a redirect [attack:L9]", "[status_checker][attack:L9]") {
  ScriptedServer server;
  const std::string uri = server.origin() + kPath;
  server.set(kPath, {302, "text/plain", "", server.origin() + kPath});  // a redirect loop onto itself
  Checker checker;
  CHECK(code_of(checker.check(uri, 0)) == ErrorCode::unexpected_http_status);
  CHECK(server.hits(kPath) == 1);
}

TEST_CASE("status checker rejects a token not signed by the credential's issuer", "[status_checker]") {
  ScriptedServer server;
  const std::string uri = server.origin() + kPath;
  server.set(kPath,
             ScriptedServer::token(status_list_token(list_with(64, 1, {}), uri, kNow, kNow + 3600, 300, stranger_keys())));
  Checker checker;
  CHECK(code_of(checker.check(uri, 0)) == ErrorCode::invalid_signature);
  // A credential of an issuer the trust file does not list cannot have its status checked either.
  CHECK(code_of(checker.check(uri, 0, "https://unlisted.example")) == ErrorCode::untrusted_issuer);
}

TEST_CASE("status checker rejects an answer that is not application/statuslist+jwt", "[status_checker]") {
  ScriptedServer server;
  const std::string uri = server.origin() + kPath;
  server.set(kPath, {200, "application/json", status_list_token(list_with(64, 1, {}), uri, kNow, kNow + 3600, 300),
                     std::nullopt});
  Checker checker;
  CHECK(code_of(checker.check(uri, 0)) == ErrorCode::invalid_status_list_token);
}

TEST_CASE("status checker reports an unreachable list and does not hammer it (TSL 8.3)", "[status_checker]") {
  ScriptedServer server;
  const std::string uri = server.origin() + kPath;
  server.set(kPath, {503, "application/json", "{}", std::nullopt});
  StatusCheckerOptions options;
  options.failure_cache_seconds = 10;
  Checker checker(options);
  CHECK(code_of(checker.check(uri, 0)) == ErrorCode::unexpected_http_status);
  CHECK(code_of(checker.check(uri, 0)) == ErrorCode::unexpected_http_status);
  CHECK(server.hits(kPath) == 1);
  server.set(kPath, ScriptedServer::token(status_list_token(list_with(64, 1, {}), uri, kNow, kNow + 3600, 300)));
  checker.clock.advance(10);
  CHECK(checker.check(uri, 0));
  CHECK(server.hits(kPath) == 2);
  // Nothing listens on port 1: the connection fails.
  CHECK(code_of(checker.check("http://127.0.0.1:1/status", 0)) == ErrorCode::fetch_failed);
  // Plain http to a host that is not loopback is refused before any connection.
  CHECK(code_of(checker.check("http://status.example/1", 0)) == ErrorCode::url_not_allowed);
}

TEST_CASE("status checker keeps a bounded number of lists", "[status_checker]") {
  ScriptedServer server;
  for (const char* path : {"/status/a", "/status/b", "/status/c"}) {
    server.set(path, ScriptedServer::token(status_list_token(list_with(64, 1, {}), server.origin() + path, kNow,
                                                             kNow + 3600, 300)));
  }
  StatusCheckerOptions options;
  options.max_cached_lists = 2;
  Checker checker(options);
  REQUIRE(checker.check(server.origin() + "/status/a", 0));
  REQUIRE(checker.check(server.origin() + "/status/b", 0));
  REQUIRE(checker.check(server.origin() + "/status/c", 0));  // evicts a, the oldest
  REQUIRE(checker.check(server.origin() + "/status/c", 0));
  REQUIRE(checker.check(server.origin() + "/status/a", 0));
  CHECK(server.hits("/status/a") == 2);
  CHECK(server.hits("/status/c") == 1);
  CHECK(checker.checker->fetch_count() == 4);
}
