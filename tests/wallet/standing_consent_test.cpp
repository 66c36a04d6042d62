// Standing consent (issue 8): what a rule is, when rules answer a request without asking, and the limits the
// store enforces — expiry, at most N answers in any 24 hours, "always ask" claims, revocation.
#include "wallet/standing_consent.h"

#include <catch2/catch.hpp>

#include "support/temp_dir.h"
#include "wallet/sqlite_wallet_store.h"

using veil::ClaimPath;
using veil::DcqlQuery;
using veil::ErrorCode;
using veil::Json;
using veil::wallet::AlwaysAskClaims;
using veil::wallet::ConsentPlan;
using veil::wallet::ConsentRule;
using veil::wallet::HolderCredential;
using veil::wallet::find_automatic_approval;
using veil::wallet::make_consent_plan;
using veil::wallet::parse_consent_rule;

namespace {

constexpr std::int64_t kNow = 1'800'000'000;
constexpr std::int64_t kDay = 24 * 60 * 60;
const std::string kVerifier = "x509_san_dns:shop.example";
const std::string kPersonVct = "https://credentials.example/person";

ClaimPath path(const Json& json) {
  auto parsed = ClaimPath::from_json(json);
  REQUIRE(parsed.has_value());
  return *parsed;
}

HolderCredential person(const std::string& id) {
  return {id, kPersonVct,
          Json{{"given_name", "Erika"}, {"age_over_18", true}, {"address", {{"country", "DE"}, {"locality", "Koeln"}}}},
          true};
}

// A DCQL query for the person credential asking |claims| (paths), optionally with claim_sets.
ConsentPlan plan_for(const Json& claims, const Json& claim_sets = Json(), const std::string& credential_id = "cred-1") {
  Json query{{"id", "person"}, {"format", "dc+sd-jwt"}, {"meta", {{"vct_values", {kPersonVct}}}}, {"claims", Json::array()}};
  int n = 0;
  for (const auto& claim : claims) query["claims"].push_back({{"id", "c" + std::to_string(n++)}, {"path", claim}});
  if (!claim_sets.is_null()) query["claim_sets"] = claim_sets;
  auto dcql = DcqlQuery::from_json(Json{{"credentials", {query}}});
  REQUIRE(dcql.has_value());
  return make_consent_plan(*dcql, {person(credential_id)});
}

ConsentRule rule(const Json& claims, const std::string& client_id = kVerifier, const std::string& credential_id = "cred-1") {
  auto parsed = parse_consent_rule({{"verifier_client_id", client_id}, {"credential_id", credential_id}, {"claims", claims},
                                    {"expires_at", kNow + kDay}, {"max_per_day", 3}},
                                   kNow);
  REQUIRE(parsed.has_value());
  parsed->id = "rule-1";
  return *parsed;
}

}  // namespace

TEST_CASE("a consent rule is read strictly: every member checked, nothing unknown", "[standing_consent]") {
  const Json good{{"verifier_client_id", kVerifier}, {"credential_id", "cred-1"}, {"claims", {{"age_over_18"}}},
                  {"expires_at", kNow + kDay}, {"max_per_day", 5}};
  REQUIRE(parse_consent_rule(good, kNow).has_value());
  auto refused = [&](const char* member, const Json& value) {
    Json body = good;
    if (value.is_null()) body.erase(member); else body[member] = value;
    auto parsed = parse_consent_rule(body, kNow);
    REQUIRE_FALSE(parsed.has_value());
    CHECK(parsed.error().code == ErrorCode::invalid_argument);
    return parsed.error().message;
  };
  CHECK_THAT(refused("verifier_client_id", ""), Catch::Contains("verifier_client_id"));
  CHECK_THAT(refused("credential_id", Json()), Catch::Contains("credential_id"));
  CHECK_THAT(refused("claims", Json::array()), Catch::Contains("claims"));
  CHECK_THAT(refused("claims", Json::parse(R"([["nationalities", null]])")), Catch::Contains("wildcard"));
  CHECK_THAT(refused("claims", {{"age_over_18"}, {"age_over_18"}}), Catch::Contains("twice"));
  CHECK_THAT(refused("expires_at", kNow), Catch::Contains("future"));
  CHECK_THAT(refused("expires_at", kNow + 400 * kDay), Catch::Contains("year"));
  CHECK_THAT(refused("max_per_day", 0), Catch::Contains("max_per_day"));
  CHECK_THAT(refused("max_per_day", 1001), Catch::Contains("max_per_day"));
  CHECK_THAT(refused("surprise", true), Catch::Contains("unknown member surprise"));
}

TEST_CASE("a rule covers its claims and what lies inside them, never a wildcard over its index", "[standing_consent]") {
  const ConsentRule address = rule({{"address"}, {"nationalities", 0}});
  CHECK(address.covers(path({"address", "country"})));
  CHECK(address.covers(path({"address"})));
  CHECK(address.covers(path({"nationalities", 0})));
  CHECK_FALSE(address.covers(path({"nationalities", nullptr})));  // all nationalities: more than element 0
  CHECK_FALSE(address.covers(path({"nationalities", 1})));
  CHECK_FALSE(address.covers(path({"given_name"})));
}

TEST_CASE("a request whose every claim a rule releases is answered without asking", "[standing_consent]") {
  const ConsentPlan plan = plan_for({{"age_over_18"}, {"address", "country"}});
  auto automatic = find_automatic_approval(plan, kVerifier, {rule({{"age_over_18"}, {"address", "country"}})}, {});
  REQUIRE(automatic.has_value());
  REQUIRE(automatic->approval.credentials.size() == 1);
  CHECK(automatic->approval.credentials[0].credential_id == "cred-1");
  CHECK(automatic->rule_by_credential.at("cred-1") == "rule-1");
  // The approval passes the same check a holder's approval does, and discloses exactly the two claims.
  auto disclosures = veil::wallet::apply_approval(plan, automatic->approval);
  REQUIRE(disclosures.has_value());
  CHECK((*disclosures)[0].paths.size() == 2);
}

TEST_CASE("anything beyond the rule asks the holder", "[standing_consent]") {
  const std::vector<ConsentRule> rules{rule({{"age_over_18"}})};
  SECTION("one more required claim") {
    CHECK_FALSE(find_automatic_approval(plan_for({{"age_over_18"}, {"given_name"}}), kVerifier, rules, {}));
  }
  SECTION("one more optional claim") {
    const ConsentPlan plan = plan_for({{"age_over_18"}, {"given_name"}}, Json{{"c0", "c1"}, {"c0"}});
    REQUIRE(plan.credential_queries[0].candidates[0].optional_claims.size() == 1);
    CHECK_FALSE(find_automatic_approval(plan, kVerifier, rules, {}));
  }
  SECTION("another verifier") {
    CHECK_FALSE(find_automatic_approval(plan_for({{"age_over_18"}}), "x509_san_dns:other.example", rules, {}));
  }
  SECTION("another credential") {
    CHECK_FALSE(find_automatic_approval(plan_for({{"age_over_18"}}, Json(), "cred-2"), kVerifier, rules, {}));
  }
}

TEST_CASE("a claim marked always ask is never released by a rule", "[standing_consent]") {
  const ConsentPlan plan = plan_for(Json::parse(R"([["address", "country"]])"));
  const std::vector<ConsentRule> rules{rule({{"address"}})};
  REQUIRE(find_automatic_approval(plan, kVerifier, rules, {}));
  CHECK_FALSE(find_automatic_approval(plan, kVerifier, rules, AlwaysAskClaims{{"cred-1", {path({"address", "country"})}}}));
  CHECK_FALSE(find_automatic_approval(plan, kVerifier, rules, AlwaysAskClaims{{"cred-1", {path({"address"})}}}));
}

namespace {

struct MutableClock final : veil::Clock {
  std::int64_t time = kNow;
  std::int64_t now() const override { return time; }
};

struct OpenedStore {
  veil_test::TempDir dir;
  std::unique_ptr<veil::wallet::SqliteWalletStore> store;
  std::string credential_id;

  OpenedStore() {
    veil::wallet::SqliteWalletStoreOptions options;
    options.kdf_target = veil::wallet::KdfParams::minimum();
    auto opened = veil::wallet::SqliteWalletStore::open((dir.path() / "wallet.db").string(), options);
    REQUIRE(opened.has_value());
    store = std::move(*opened);
    REQUIRE(store->initialize(veil::wallet::passphrase_from("correct horse battery"), options.kdf_target).has_value());
    veil::wallet::NewCredential credential;
    credential.vct = kPersonVct;
    credential.issuer = "https://issuer.example";
    credential.claims = person("x").claims;
    credential.received_at = kNow;
    auto key = veil::PrivateJwk::generate(veil::JwsAlg::ES256);
    REQUIRE(key.has_value());
    credential.copies.push_back({"eyJhbGciOiJFUzI1NiJ9.e30.c2ln~", std::move(*key)});
    auto id = store->add_credential(credential);
    REQUIRE(id.has_value());
    credential_id = *id;
  }
};

Json rule_body(const std::string& credential_id, std::int64_t expires_at, std::int64_t max_per_day) {
  return {{"verifier_client_id", kVerifier}, {"credential_id", credential_id}, {"claims", {{"age_over_18"}}},
          {"expires_at", expires_at}, {"max_per_day", max_per_day}};
}

}  // namespace

TEST_CASE("rules answer at most max_per_day times in any 24 hours, then ask", "[standing_consent]") {
  OpenedStore opened;
  MutableClock clock;
  veil::wallet::StandingConsent standing(*opened.store, clock);
  REQUIRE(standing.add_rule(rule_body(opened.credential_id, kNow + 7 * kDay, 2)).has_value());
  const ConsentPlan plan = plan_for({{"age_over_18"}}, Json(), opened.credential_id);
  auto answer = [&] {
    auto claimed = standing.claim_automatic_approval(plan, kVerifier);
    REQUIRE(claimed.has_value());
    return claimed->has_value();
  };
  CHECK(answer());
  clock.time += 60;
  CHECK(answer());
  clock.time += 60;
  CHECK_FALSE(answer());  // the third within 24 hours asks the holder
  auto listed = standing.list_rules();
  REQUIRE(listed.has_value());
  CHECK((*listed)["rules"][0]["uses_last_24h"] == 2);
  clock.time = kNow + kDay + 1;  // the first answer has left the window
  CHECK(answer());
  CHECK_FALSE(answer());
}

TEST_CASE("an expired or revoked rule answers nothing", "[standing_consent]") {
  OpenedStore opened;
  MutableClock clock;
  veil::wallet::StandingConsent standing(*opened.store, clock);
  auto added = standing.add_rule(rule_body(opened.credential_id, kNow + 3600, 10));
  REQUIRE(added.has_value());
  const ConsentPlan plan = plan_for({{"age_over_18"}}, Json(), opened.credential_id);
  SECTION("expired") {
    clock.time = kNow + 3600;
    auto claimed = standing.claim_automatic_approval(plan, kVerifier);
    REQUIRE(claimed.has_value());
    CHECK_FALSE(claimed->has_value());
    CHECK((*standing.list_rules())["rules"][0]["active"] == false);
  }
  SECTION("revoked") {
    REQUIRE(standing.delete_rule((*added)["id"].get<std::string>()).has_value());
    auto claimed = standing.claim_automatic_approval(plan, kVerifier);
    REQUIRE(claimed.has_value());
    CHECK_FALSE(claimed->has_value());
    CHECK(standing.delete_rule((*added)["id"].get<std::string>()).error().code == ErrorCode::not_found);
  }
}

TEST_CASE("no rule can be written for a claim marked always ask, and marking one later stops the rule", "[standing_consent]") {
  OpenedStore opened;
  MutableClock clock;
  veil::wallet::StandingConsent standing(*opened.store, clock);
  REQUIRE(standing.add_rule(rule_body(opened.credential_id, kNow + kDay, 10)).has_value());
  const ConsentPlan plan = plan_for({{"age_over_18"}}, Json(), opened.credential_id);
  REQUIRE(standing.set_always_ask(opened.credential_id, {{"claims", {{"age_over_18"}}}}).has_value());
  auto claimed = standing.claim_automatic_approval(plan, kVerifier);
  REQUIRE(claimed.has_value());
  CHECK_FALSE(claimed->has_value());
  auto refused = standing.add_rule(rule_body(opened.credential_id, kNow + kDay, 10));
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == ErrorCode::invalid_argument);
  CHECK_THAT(refused.error().message, Catch::Contains("always ask"));
  CHECK((*standing.always_ask(opened.credential_id))["claims"] == Json{{"age_over_18"}});
  CHECK(standing.set_always_ask(opened.credential_id, {{"claims", "age_over_18"}}).error().code == ErrorCode::invalid_argument);
  CHECK(standing.set_always_ask("no-such-credential", {{"claims", Json::array()}}).error().code == ErrorCode::not_found);
}

TEST_CASE("rules are sealed at rest and refused for an unknown credential", "[standing_consent]") {
  OpenedStore opened;
  MutableClock clock;
  veil::wallet::StandingConsent standing(*opened.store, clock);
  auto unknown = standing.add_rule(rule_body("no-such-credential", kNow + kDay, 1));
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().code == ErrorCode::not_found);
  REQUIRE(standing.add_rule(rule_body(opened.credential_id, kNow + kDay, 1)).has_value());
  opened.store->lock();
  CHECK(standing.list_rules().error().code == ErrorCode::wallet_locked);
}
