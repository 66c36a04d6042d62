// The admin API of veil-issuer serve: its bearer key (ATTACKS H10), path ids (H11), signing key rotation and
// what survives a restart.
#include <algorithm>
#include <catch2/catch.hpp>
#include <set>
#include <string>

#include "issuer/issuer_test_support.h"
#include "veil/jws.h"
#include "veil/sd_jwt.h"
#include "veil/signature_verifier.h"

using veil::Json;
using veil::JwsAlg;
using namespace veil::issuer;
using namespace veil::issuer::testing;

namespace {

struct AdminCall {
  std::string method;
  std::string path;
};

httplib::Result call(IssuerTestServer& issuer, const AdminCall& admin, const httplib::Headers& headers) {
  if (admin.method == "GET") return issuer.client().Get(admin.path.c_str(), headers);
  return issuer.client().Post(admin.path.c_str(), headers, "{}", "application/json");
}

std::string kid_of(const std::string& credential) { return parse_issued(credential).header.at("kid"); }

std::set<std::string> kids_of(const Json& jwks) {
  std::set<std::string> kids;
  for (const Json& key : jwks.at("keys")) kids.insert(key.at("kid").get<std::string>());
  return kids;
}

// status_slot is the (list uri, index) pair a credential's status lives at.
std::pair<std::string, std::size_t> status_slot(const std::string& credential) {
  const Json list = parse_issued(credential).payload.at("status").at("status_list");
  return {list.at("uri"), list.at("idx")};
}

// verifies checks an issued credential's signature against the published JWKS, as a relying party would.
bool verifies(const std::string& credential, const Json& jwks) {
  auto sd_jwt = veil::SdJwt::parse_compact(credential);
  REQUIRE(sd_jwt);
  auto jwt = veil::UnverifiedJws::parse_compact(sd_jwt->issuer_jwt());
  REQUIRE(jwt);
  for (const Json& key : jwks.at("keys")) {
    if (!jwt->kid() || key.value("kid", "") != *jwt->kid()) continue;
    auto jwk = veil::Jwk::parse(key);
    REQUIRE(jwk);
    auto verifier = veil::make_verifier(*jwk);
    REQUIRE(verifier);
    return static_cast<bool>(jwt->verify(**verifier));
  }
  return false;
}

}  // namespace

TEST_CASE("admin API refuses a missing, wrong or prefix-of admin key with 401 [attack:H10]",
          "[issuer][admin][attack:H10]") {
  IssuerTestServer issuer;
  const std::string key = issuer.admin_key();
  REQUIRE(key.size() >= 32);
  const std::vector<AdminCall> calls{{"POST", "/admin/offers"},
                                     {"GET", "/admin/credentials"},
                                     {"POST", "/admin/credentials/abc/revoke"},
                                     {"POST", "/admin/keys/rotate"}};
  const std::vector<httplib::Headers> refused{
      {},
      {{"Authorization", "Bearer "}},
      {{"Authorization", "Bearer wrong-key"}},
      {{"Authorization", "Bearer " + key.substr(0, key.size() - 1)}},
      {{"Authorization", "Bearer " + key.substr(0, 1)}},
      {{"Authorization", "Bearer " + key + "x"}},
      {{"Authorization", "Basic " + key}},
      {{"Authorization", key}},
      {{"Authorization", "Bearer " + key}, {"Authorization", "Bearer " + key}},
      {{"X-Admin-Key", key}}};
  const std::set<std::string> kids_before = kids_of(issuer.jwks());
  for (const AdminCall& admin : calls) {
    for (std::size_t i = 0; i < refused.size(); ++i) {
      INFO(admin.method << " " << admin.path << " header set " << i);
      auto answer = call(issuer, admin, refused[i]);
      REQUIRE(answer);
      CHECK(answer->status == 401);
      CHECK(body_json(answer).at("error") == "invalid_token");
      CHECK(answer->get_header_value("WWW-Authenticate").starts_with("Bearer"));
    }
  }
  // The query string is no place for the key (RFC 6750 §2.3 is not offered).
  auto in_query = issuer.client().Get(("/admin/credentials?access_token=" + key).c_str());
  REQUIRE(in_query);
  CHECK(in_query->status == 401);
  // None of those rotated the key.
  CHECK(kids_of(issuer.jwks()) == kids_before);
  // And the right key works, its scheme in any case (RFC 7235 §2.1).
  auto listed = issuer.client().Get("/admin/credentials", {{"Authorization", "bEaReR " + key}});
  REQUIRE(listed);
  CHECK(listed->status == 200);
}

TEST_CASE("admin and public routes answer 404 or 400 to path traversal in ids [attack:H11]",
          "[issuer][admin][attack:H11]") {
  IssuerTestServer issuer;
  const std::string auth = "Authorization: Bearer " + issuer.admin_key() + "\r\n";
  const std::vector<std::pair<std::string, std::string>> requests{
      {"POST", "/admin/credentials/..%2F..%2Fissuer.db/revoke"},
      {"POST", "/admin/credentials/../../issuer.db/revoke"},
      {"POST", "/admin/credentials/%2e%2e/revoke"},
      {"POST", "/admin/credentials/..%5C..%5Cdb/revoke"},
      {"POST", "/admin/credentials/%00/revoke"},
      {"POST", "/admin/credentials/" + std::string(200, 'a') + "/revoke"},
      {"GET", "/offers/../x"},
      {"GET", "/offers/..%2F..%2Fissuer.db"},
      {"GET", "/offers/%2e%2e"},
      {"GET", "/status/..%2F1"},
      {"GET", "/types/..%2Fperson"},
      {"GET", "/types/%2e%2e"}};
  for (const auto& [method, path] : requests) {
    INFO(method << " " << path);
    const std::string request = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth +
                                "Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}";
    const std::string answer = raw_exchange(issuer.port(), request, 3000);
    REQUIRE(answer.size() > 12);
    const std::string status = answer.substr(9, 3);
    CHECK((status == "404" || status == "400"));
  }
  // The data dir is intact and the service still answers.
  CHECK(std::filesystem::exists(issuer.config().data_dir + "/issuer.db"));
  auto listed = issuer.admin_get("/admin/credentials");
  REQUIRE(listed);
  CHECK(listed->status == 200);
}

TEST_CASE("admin key rotation publishes both keys; old credentials still verify and new ones carry the new kid",
          "[issuer][admin][keys]") {
  IssuerTestServer issuer;
  const Holder holder = Holder::generate(JwsAlg::ES256);
  const std::string before = issuer.issue("age", example_claims("age"), {holder}).front();
  const std::string old_kid = kid_of(before);
  REQUIRE(kids_of(issuer.jwks()) == std::set<std::string>{old_kid});

  auto rotated = issuer.admin_post("/admin/keys/rotate");
  REQUIRE(rotated);
  REQUIRE(rotated->status == 200);
  const std::string new_kid = body_json(rotated).at("kid");
  CHECK(new_kid != old_kid);

  const Json jwks = issuer.jwks();
  CHECK(kids_of(jwks) == std::set<std::string>{old_kid, new_kid});
  CHECK(verifies(before, jwks));

  const std::string after = issuer.issue("age", example_claims("age"), {Holder::generate(JwsAlg::EdDSA)}).front();
  CHECK(kid_of(after) == new_kid);
  CHECK(verifies(after, jwks));

  // The status list is signed with the new key, which the JWKS announces.
  auto list = issuer.client().Get(path_of(status_slot(before).first).c_str());
  REQUIRE(list);
  REQUIRE(list->status == 200);
  auto token = veil::UnverifiedJws::parse_compact(list->body);
  REQUIRE(token);
  CHECK(token->kid() == new_kid);
}

TEST_CASE("a restarted issuer keeps its keys, admin key and issued log, and never reuses a status index",
          "[issuer][admin][restart]") {
  // A small list makes a forgotten allocation show up as a collision.
  IssuerTestServer issuer([](IssuerConfig& config) { config.status_list_size = 16; });
  const std::string admin_key = issuer.admin_key();
  std::vector<Holder> holders;
  for (int i = 0; i < 3; ++i) holders.push_back(Holder::generate(i == 1 ? JwsAlg::EdDSA : JwsAlg::ES256));
  const auto first = issuer.issue("person", example_claims("person"), holders);
  auto rotated = issuer.admin_post("/admin/keys/rotate");
  REQUIRE(rotated);
  REQUIRE(rotated->status == 200);
  const Json jwks_before = issuer.jwks();
  std::set<std::pair<std::string, std::size_t>> slots;
  for (const auto& credential : first) slots.insert(status_slot(credential));
  // An offer created before the restart is still redeemable after it.
  const Json pending_offer = issuer.create_offer("age", example_claims("age"));

  issuer.restart();

  CHECK(issuer.admin_key() == admin_key);
  CHECK(issuer.jwks() == jwks_before);
  for (const auto& credential : first) CHECK(verifies(credential, issuer.jwks()));
  const Json listing = body_json(issuer.admin_get("/admin/credentials"));
  CHECK(listing.at("credentials").size() == 3);

  const std::string token = issuer.redeem(pending_offer);
  std::vector<Holder> more;
  for (int i = 0; i < 3; ++i) more.push_back(Holder::generate(JwsAlg::ES256));
  auto answer = issuer.post_json(
      "/credential", IssuerTestServer::credential_request("age", issuer.proofs(more, issuer.fresh_nonce())), token);
  REQUIRE(answer);
  REQUIRE(answer->status == 200);
  const std::string new_kid = body_json(rotated).at("kid");
  const Json issued = body_json(answer);
  for (const Json& entry : issued.at("credentials")) {
    const std::string credential = entry.at("credential");
    CHECK(kid_of(credential) == new_kid);
    INFO(status_slot(credential).first << " " << status_slot(credential).second);
    CHECK(slots.insert(status_slot(credential)).second);
  }
  issuer.restart();
  const auto last = issuer.issue("person", example_claims("person"), {Holder::generate(JwsAlg::EdDSA)});
  CHECK(slots.insert(status_slot(last.front())).second);
  CHECK(slots.size() == 7);
  CHECK(body_json(issuer.admin_get("/admin/credentials")).at("credentials").size() == 7);
}

TEST_CASE("expired offers, tokens and c_nonces are purged by the routes that create them [attack:H12]",
          "[issuer][admin][attack:H12]") {
  IssuerTestServer issuer;
  for (int i = 0; i < 5; ++i) issuer.create_offer("age", example_claims("age"));
  issuer.redeem(issuer.create_offer("age", example_claims("age")));
  for (int i = 0; i < 5; ++i) issuer.fresh_nonce();
  const IssuerConfig& config = issuer.config();
  issuer.clock().advance(std::max({config.offer_lifetime_seconds, config.access_token_lifetime_seconds,
                                   config.c_nonce_lifetime_seconds}) +
                         61);
  // The next nonce request purges what expired (at most once a minute), so a flood cannot pile rows up.
  issuer.fresh_nonce();
  auto leftovers = issuer.app().store().purge_expired(issuer.clock().now());
  REQUIRE(leftovers);
  CHECK(leftovers->offers == 0);
  CHECK(leftovers->access_tokens == 0);
  CHECK(leftovers->c_nonces == 0);
}

TEST_CASE("the issuer's data dir is private: directory 0700, admin key and database 0600", "[issuer][admin]") {
  IssuerTestServer issuer;
  namespace fs = std::filesystem;
  const fs::path dir = issuer.config().data_dir;
  CHECK((fs::status(dir).permissions() & fs::perms::all) == fs::perms::owner_all);
  for (const char* file : {"admin-api-key", "issuer.db"}) {
    INFO(file);
    CHECK((fs::status(dir / file).permissions() & fs::perms::all) ==
          (fs::perms::owner_read | fs::perms::owner_write));
  }
}
