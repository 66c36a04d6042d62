#include "issuer/issuer_store.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>

#include "issuer/sqlite_issuer_store.h"
#include "support/temp_dir.h"

using veil::ErrorCode;
using veil_test::TempDir;
using veil::Json;
using veil::issuer::AccessTokenGrant;
using veil::issuer::CredentialAllocation;
using veil::issuer::CredentialStatus;
using veil::issuer::IssuanceRequest;
using veil::issuer::NewOffer;
using veil::issuer::OfferSecrets;
using veil::issuer::RedeemOutcome;
using veil::issuer::RedeemRequest;
using veil::issuer::SecretHash;
using veil::issuer::SqliteIssuerStore;
using veil::issuer::SqliteIssuerStoreOptions;
using veil::issuer::StatusReference;

namespace {

constexpr std::int64_t kNow = 1'800'000'000;
constexpr std::int64_t kCodeLifetime = 300;
constexpr std::int64_t kTokenLifetime = 600;

std::unique_ptr<SqliteIssuerStore> open_store(const TempDir& dir, const SqliteIssuerStoreOptions& options = {}) {
  auto store = SqliteIssuerStore::open(dir.file("issuer.db"), options);
  REQUIRE(store);
  return std::move(*store);
}

// An offer as the service makes one: secrets from OfferSecrets, a claim set, an optional tx_code.
struct TestOffer {
  OfferSecrets secrets = OfferSecrets::generate();
  std::optional<std::string> tx_code;
  Json claims = Json{{"given_name", "Erika"}, {"age_over_18", true}};
  std::string configuration = "age_credential";
};

NewOffer new_offer(const TestOffer& offer, std::int64_t now = kNow) {
  NewOffer result{.offer_id_hash = SecretHash::of(offer.secrets.offer_id),
                  .pre_authorized_code_hash = SecretHash::of(offer.secrets.pre_authorized_code),
                  .tx_code_hash = std::nullopt,
                  .tx_code_object = nullptr,
                  .credential_configuration_id = offer.configuration,
                  .claims = offer.claims,
                  .created_at = now,
                  .expires_at = now + kCodeLifetime};
  if (offer.tx_code) {
    result.tx_code_hash = SecretHash::of(*offer.tx_code);
    result.tx_code_object = Json{{"input_mode", "numeric"}, {"length", offer.tx_code->size()}};
  }
  return result;
}

TestOffer create_offer(SqliteIssuerStore& store, std::optional<std::string> tx_code = std::nullopt) {
  TestOffer offer;
  offer.tx_code = std::move(tx_code);
  REQUIRE(store.create_offer(new_offer(offer)));
  return offer;
}

veil::issuer::RedeemResult redeem(SqliteIssuerStore& store, const std::string& code,
                                  std::optional<std::string> tx_code, const std::string& access_token,
                                  std::int64_t now = kNow + 1) {
  RedeemRequest request{.pre_authorized_code_hash = SecretHash::of(code),
                        .tx_code_hash = std::nullopt,
                        .access_token_hash = SecretHash::of(access_token),
                        .access_token_expires_at = now + kTokenLifetime,
                        .now = now};
  if (tx_code) request.tx_code_hash = SecretHash::of(*tx_code);
  auto result = store.redeem_pre_authorized_code(request);
  REQUIRE(result);
  return *result;
}

// A redeemed offer: returns the access token.
std::string redeemed_token(SqliteIssuerStore& store) {
  const TestOffer offer = create_offer(store);
  std::string token = veil::issuer::random_url_token();
  REQUIRE(redeem(store, offer.secrets.pre_authorized_code, std::nullopt, token).outcome == RedeemOutcome::redeemed);
  return token;
}

IssuanceRequest batch(const std::string& token, std::size_t count, std::int64_t now = kNow + 2) {
  IssuanceRequest request{.access_token_hash = SecretHash::of(token),
                          .holder_key_thumbprints = {},
                          .issued_at = now,
                          .expires_at = now + 86400};
  for (std::size_t i = 0; i < count; ++i) request.holder_key_thumbprints.push_back("thumb-" + std::to_string(i));
  return request;
}

const veil::issuer::SignBatch kSignNothing = [](std::span<const CredentialAllocation>) -> veil::Status {
  return {};
};

std::vector<CredentialAllocation> issue(SqliteIssuerStore& store, std::size_t count) {
  auto issued = store.issue_credentials(batch(redeemed_token(store), count), kSignNothing);
  REQUIRE(issued);
  return *issued;
}

std::string file_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

TEST_CASE("a pre-authorized code is redeemed once, then it is used [attack:P13]", "[issuer_store][attack:P13]") {
  TempDir dir("veil-issuer-store");
  auto store = open_store(dir);
  const TestOffer offer = create_offer(*store);

  const auto first = redeem(*store, offer.secrets.pre_authorized_code, std::nullopt, "token-1");
  CHECK(first.outcome == RedeemOutcome::redeemed);
  CHECK(first.credential_configuration_id == "age_credential");
  const auto replay = redeem(*store, offer.secrets.pre_authorized_code, std::nullopt, "token-2");
  CHECK(replay.outcome == RedeemOutcome::used_code);
  CHECK(veil::issuer::redeem_outcome_name(replay.outcome) == "used_code");
  // The replay stored no second access token.
  auto second_token = store->find_access_token(SecretHash::of("token-2"), kNow + 2);
  REQUIRE(second_token);
  CHECK_FALSE(second_token->has_value());
  CHECK(redeem(*store, "never-issued", std::nullopt, "token-3").outcome == RedeemOutcome::unknown_code);
}

TEST_CASE("an expired pre-authorized code is refused, used or not [attack:P13]", "[issuer_store][attack:P13]") {
  TempDir dir("veil-issuer-store");
  auto store = open_store(dir);
  const TestOffer unused = create_offer(*store);
  const std::int64_t expiry = kNow + kCodeLifetime;
  // Usable while now < expires_at: the exact second of expiry is too late.
  CHECK(redeem(*store, unused.secrets.pre_authorized_code, std::nullopt, "t1", expiry).outcome ==
        RedeemOutcome::expired_code);
  CHECK(redeem(*store, unused.secrets.pre_authorized_code, std::nullopt, "t2", expiry + 3600).outcome ==
        RedeemOutcome::expired_code);

  const TestOffer used = create_offer(*store);
  CHECK(redeem(*store, used.secrets.pre_authorized_code, std::nullopt, "t3", expiry - 1).outcome ==
        RedeemOutcome::redeemed);
  CHECK(redeem(*store, used.secrets.pre_authorized_code, std::nullopt, "t4", expiry + 1).outcome ==
        RedeemOutcome::used_code);

  // After a purge the expired code is simply unknown: still invalid_grant for the client.
  REQUIRE(store->purge_expired(expiry + kTokenLifetime + 10));
  CHECK(redeem(*store, unused.secrets.pre_authorized_code, std::nullopt, "t5", expiry + 4000).outcome ==
        RedeemOutcome::unknown_code);
}

TEST_CASE("wrong tx_codes kill the pre-authorized code at the limit [attack:P14]", "[issuer_store][attack:P14]") {
  TempDir dir("veil-issuer-store");
  auto store = open_store(dir);
  const TestOffer offer = create_offer(*store, "493536");
  const std::string& code = offer.secrets.pre_authorized_code;

  for (int attempt = 1; attempt <= 4; ++attempt) {
    const auto wrong = redeem(*store, code, "000000", "t");
    CHECK(wrong.outcome == RedeemOutcome::wrong_tx_code);
    CHECK(wrong.tx_code_attempts_left == 5 - attempt);
  }
  const auto fifth = redeem(*store, code, "111111", "t");
  CHECK(fifth.outcome == RedeemOutcome::tx_code_attempts_exhausted);
  CHECK(fifth.tx_code_attempts_left == 0);
  // Dead: even the right tx_code does not bring it back, and the offer URI no longer serves it.
  CHECK(redeem(*store, code, "493536", "t").outcome == RedeemOutcome::tx_code_attempts_exhausted);
  auto view = store->find_offer(SecretHash::of(offer.secrets.offer_id), kNow + 1);
  REQUIRE(view);
  CHECK_FALSE(view->has_value());
}

TEST_CASE("the wrong tx_code count survives reopening the store [attack:P14]", "[issuer_store][attack:P14]") {
  TempDir dir("veil-issuer-store");
  TestOffer offer;
  {
    auto store = open_store(dir, {.max_tx_code_attempts = 2});
    offer = create_offer(*store, "1234");
    CHECK(redeem(*store, offer.secrets.pre_authorized_code, "9999", "t").outcome == RedeemOutcome::wrong_tx_code);
  }
  auto store = open_store(dir, {.max_tx_code_attempts = 2});
  CHECK(redeem(*store, offer.secrets.pre_authorized_code, "9999", "t").outcome ==
        RedeemOutcome::tx_code_attempts_exhausted);
}

TEST_CASE("the right tx_code redeems; a missing or unexpected one counts no attempt", "[issuer_store]") {
  TempDir dir("veil-issuer-store");
  auto store = open_store(dir, {.max_tx_code_attempts = 1});
  const TestOffer with_pin = create_offer(*store, "4711");
  const TestOffer without_pin = create_offer(*store);

  CHECK(redeem(*store, with_pin.secrets.pre_authorized_code, std::nullopt, "t1").outcome ==
        RedeemOutcome::tx_code_missing);
  CHECK(redeem(*store, without_pin.secrets.pre_authorized_code, "4711", "t2").outcome ==
        RedeemOutcome::tx_code_unexpected);
  // With a limit of one, a counted attempt would have killed the code.
  CHECK(redeem(*store, with_pin.secrets.pre_authorized_code, "4711", "t3").outcome == RedeemOutcome::redeemed);
  CHECK(redeem(*store, without_pin.secrets.pre_authorized_code, std::nullopt, "t4").outcome ==
        RedeemOutcome::redeemed);
}

TEST_CASE("the offer URI serves an offer only while unexpired and unredeemed", "[issuer_store]") {
  TempDir dir("veil-issuer-store");
  auto store = open_store(dir);
  const TestOffer offer = create_offer(*store, "123456");
  const SecretHash id = SecretHash::of(offer.secrets.offer_id);

  auto view = store->find_offer(id, kNow + 1);
  REQUIRE(view);
  REQUIRE(view->has_value());
  CHECK((*view)->credential_configuration_id == "age_credential");
  CHECK((*view)->requires_tx_code);
  CHECK((*view)->tx_code_object == Json{{"input_mode", "numeric"}, {"length", 6}});
  CHECK((*view)->expires_at == kNow + kCodeLifetime);
  // The code the offer URI hands out is the one the store knows by hash.
  CHECK(OfferSecrets::from_offer_id(offer.secrets.offer_id).pre_authorized_code == offer.secrets.pre_authorized_code);

  CHECK_FALSE(store->find_offer(id, kNow + kCodeLifetime)->has_value());
  CHECK_FALSE(store->find_offer(SecretHash::of("other"), kNow + 1)->has_value());
  REQUIRE(redeem(*store, offer.secrets.pre_authorized_code, "123456", "t").outcome == RedeemOutcome::redeemed);
  CHECK_FALSE(store->find_offer(id, kNow + 2)->has_value());
}

TEST_CASE("create_offer refuses malformed offers and duplicate codes", "[issuer_store]") {
  TempDir dir("veil-issuer-store");
  auto store = open_store(dir);
  TestOffer offer;
  NewOffer no_configuration = new_offer(offer);
  no_configuration.credential_configuration_id.clear();
  CHECK(store->create_offer(no_configuration).error().code == ErrorCode::invalid_argument);
  NewOffer array_claims = new_offer(offer);
  array_claims.claims = Json::array();
  CHECK(store->create_offer(array_claims).error().code == ErrorCode::invalid_argument);
  NewOffer already_expired = new_offer(offer);
  already_expired.expires_at = already_expired.created_at;
  CHECK(store->create_offer(already_expired).error().code == ErrorCode::invalid_argument);
  REQUIRE(store->create_offer(new_offer(offer)));
  CHECK(store->create_offer(new_offer(offer)).error().code == ErrorCode::storage_error);
}

TEST_CASE("a c_nonce is accepted once [attack:P15]", "[issuer_store][attack:P15]") {
  TempDir dir("veil-issuer-store");
  auto store = open_store(dir);
  const SecretHash nonce = SecretHash::of(veil::issuer::random_url_token());
  REQUIRE(store->store_c_nonce(nonce, kNow + 60));
  CHECK(store->consume_c_nonce(nonce, kNow).value() == true);
  CHECK(store->consume_c_nonce(nonce, kNow).value() == false);
  // A nonce this issuer never made.
  CHECK(store->consume_c_nonce(SecretHash::of("foreign"), kNow).value() == false);
  CHECK(store->store_c_nonce(nonce, kNow + 60));  // consumed, so its hash may come again (it never does in practice)
  CHECK(store->store_c_nonce(nonce, kNow + 60).error().code == ErrorCode::storage_error);
}

TEST_CASE("an expired c_nonce is refused and gone [attack:P15]", "[issuer_store][attack:P15]") {
  TempDir dir("veil-issuer-store");
  auto store = open_store(dir);
  const SecretHash stale = SecretHash::of("stale");
  REQUIRE(store->store_c_nonce(stale, kNow + 60));
  CHECK(store->consume_c_nonce(stale, kNow + 60).value() == false);  // now == expires_at is too late
  REQUIRE(store->store_c_nonce(SecretHash::of("old"), kNow + 60));
  REQUIRE(store->store_c_nonce(SecretHash::of("fresh"), kNow + 600));
  auto purged = store->purge_expired(kNow + 60);
  REQUIRE(purged);
  CHECK(purged->c_nonces == 1);
  CHECK(store->consume_c_nonce(SecretHash::of("old"), kNow).value() == false);
  CHECK(store->consume_c_nonce(SecretHash::of("fresh"), kNow + 61).value() == true);
}

TEST_CASE("of two threads consuming one c_nonce exactly one wins [attack:P15]", "[issuer_store][attack:P15]") {
  TempDir dir("veil-issuer-store");
  auto store = open_store(dir);
  for (int round = 0; round < 20; ++round) {
    const SecretHash nonce = SecretHash::of("nonce-" + std::to_string(round));
    REQUIRE(store->store_c_nonce(nonce, kNow + 60));
    bool first = false;
    bool second = false;
    std::thread a([&] { first = store->consume_c_nonce(nonce, kNow).value_or(false); });
    std::thread b([&] { second = store->consume_c_nonce(nonce, kNow).value_or(false); });
    a.join();
    b.join();
    CHECK(first != second);
  }
}

TEST_CASE("an access token grants one batch of its configuration with the offer's claims", "[issuer_store]") {
  TempDir dir("veil-issuer-store");
  auto store = open_store(dir);
  const std::string token = redeemed_token(*store);

  auto grant = store->find_access_token(SecretHash::of(token), kNow + 2);
  REQUIRE(grant);
  REQUIRE(grant->has_value());
  CHECK((*grant)->credential_configuration_id == "age_credential");
  CHECK((*grant)->claims == Json{{"given_name", "Erika"}, {"age_over_18", true}});
  CHECK((*grant)->expires_at == kNow + 1 + kTokenLifetime);

  std::vector<CredentialAllocation> signed_allocations;
  auto issued = store->issue_credentials(batch(token, 3), [&](std::span<const CredentialAllocation> allocations) {
    signed_allocations.assign(allocations.begin(), allocations.end());
    return veil::Status{};
  });
  REQUIRE(issued);
  REQUIRE(issued->size() == 3);
  CHECK(signed_allocations.size() == 3);
  CHECK((*issued)[0].credential_id == signed_allocations[0].credential_id);

  // Consumed: no second batch, and no grant to look up any more.
  auto again = store->issue_credentials(batch(token, 1), kSignNothing);
  REQUIRE_FALSE(again);
  CHECK(again.error().code == ErrorCode::invalid_access_token);
  CHECK_FALSE(store->find_access_token(SecretHash::of(token), kNow + 3)->has_value());

  auto record = store->find_issued_credential((*issued)[1].credential_id);
  REQUIRE(record);
  CHECK(record->credential_configuration_id == "age_credential");
  CHECK(record->holder_key_thumbprint == "thumb-1");
  CHECK(record->status == CredentialStatus::valid);
  CHECK(record->issued_at == kNow + 2);
  CHECK(record->expires_at == kNow + 2 + 86400);
  CHECK(record->status_reference.list_id == (*issued)[1].status.list_id);
  CHECK(record->status_reference.index == (*issued)[1].status.index);
}

TEST_CASE("an expired or unknown access token issues nothing", "[issuer_store]") {
  TempDir dir("veil-issuer-store");
  auto store = open_store(dir);
  const std::string token = redeemed_token(*store);
  const std::int64_t expiry = kNow + 1 + kTokenLifetime;
  CHECK_FALSE(store->find_access_token(SecretHash::of(token), expiry)->has_value());
  CHECK(store->issue_credentials(batch(token, 1, expiry), kSignNothing).error().code ==
        ErrorCode::invalid_access_token);
  CHECK(store->issue_credentials(batch("unknown", 1), kSignNothing).error().code == ErrorCode::invalid_access_token);
  CHECK(store->list_status_lists()->empty());
}

TEST_CASE("issue_credentials refuses an empty, oversized or anonymous batch", "[issuer_store]") {
  TempDir dir("veil-issuer-store");
  auto store = open_store(dir, {.max_batch_size = 2});
  const std::string token = redeemed_token(*store);
  CHECK(store->issue_credentials(batch(token, 0), kSignNothing).error().code == ErrorCode::invalid_argument);
  CHECK(store->issue_credentials(batch(token, 3), kSignNothing).error().code == ErrorCode::invalid_argument);
  IssuanceRequest blank = batch(token, 1);
  blank.holder_key_thumbprints[0].clear();
  CHECK(store->issue_credentials(blank, kSignNothing).error().code == ErrorCode::invalid_argument);
  CHECK(store->issue_credentials(batch(token, 2), kSignNothing));
}

TEST_CASE("a failed signing step rolls the batch back and hands out nothing", "[issuer_store]") {
  TempDir dir("veil-issuer-store");
  auto store = open_store(dir);
  const std::string token = redeemed_token(*store);
  auto failed = store->issue_credentials(batch(token, 2), [](std::span<const CredentialAllocation>) -> veil::Status {
    return veil::fail(ErrorCode::internal_error, "signer down");
  });
  REQUIRE_FALSE(failed);
  CHECK(failed.error().code == ErrorCode::internal_error);
  CHECK(failed.error().message == "signer down");
  CHECK(store->list_status_lists()->empty());
  CHECK(store->list_issued_credentials(0, 10)->records.empty());
  // The token and its claims are intact: the client may retry.
  CHECK(store->find_access_token(SecretHash::of(token), kNow + 2)->has_value());
  CHECK(store->issue_credentials(batch(token, 2), kSignNothing));
}

TEST_CASE("status indices are distinct and never reused, across lists and reopening", "[issuer_store]") {
  TempDir dir("veil-issuer-store");
  const SqliteIssuerStoreOptions small{.status_list_size = 16};
  std::set<std::pair<std::int64_t, std::size_t>> seen;
  std::set<std::string> ids;
  std::size_t total = 0;
  for (int reopen = 0; reopen < 3; ++reopen) {
    auto store = open_store(dir, small);
    for (int round = 0; round < 7; ++round) {
      for (const auto& allocation : issue(*store, 3)) {
        CHECK(allocation.status.index < 16);
        CHECK(seen.insert({allocation.status.list_id, allocation.status.index}).second);
        CHECK(ids.insert(allocation.credential_id).second);
        ++total;
      }
    }
  }
  CHECK(seen.size() == total);
  auto store = open_store(dir, small);
  auto lists = store->list_status_lists();
  REQUIRE(lists);
  // 63 indices fill three lists of 16 and start a fourth; the full ones stay full.
  REQUIRE(lists->size() == 4);
  CHECK((*lists)[0].allocated == 16);
  CHECK((*lists)[2].allocated == 16);
  CHECK((*lists)[3].allocated == 15);
  CHECK((*lists)[0].bits == 2);
  CHECK((*lists)[0].size == 16);
}

TEST_CASE("status indices are not handed out in order", "[issuer_store]") {
  TempDir dir("veil-issuer-store");
  auto store = open_store(dir);
  std::vector<std::size_t> indices;
  for (int round = 0; round < 8; ++round) {
    for (const auto& allocation : issue(*store, 8)) indices.push_back(allocation.status.index);
  }
  REQUIRE(indices.size() == 64);
  bool increasing = true;
  bool consecutive = true;
  for (std::size_t i = 1; i < indices.size(); ++i) {
    increasing = increasing && indices[i] > indices[i - 1];
    consecutive = consecutive && indices[i] == indices[i - 1] + 1;
  }
  CHECK_FALSE(increasing);
  CHECK_FALSE(consecutive);
  // Spread over the whole list of 131072, not packed at its start.
  CHECK(*std::max_element(indices.begin(), indices.end()) > 1024);
}

TEST_CASE("a nearly full status list still gives out its last free indices, then a new list", "[issuer_store]") {
  TempDir dir("veil-issuer-store");
  auto store = open_store(dir, {.status_list_size = 8});
  std::set<std::size_t> first_list;
  for (const auto& allocation : issue(*store, 8)) {
    CHECK(allocation.status.list_id == 1);
    first_list.insert(allocation.status.index);
  }
  CHECK(first_list == std::set<std::size_t>{0, 1, 2, 3, 4, 5, 6, 7});
  CHECK(issue(*store, 1)[0].status.list_id == 2);
}

TEST_CASE("no claim value survives issuance, in the table or in the file", "[issuer_store]") {
  TempDir dir("veil-issuer-store");
  const std::string marker = "Zanzibar-" + veil::issuer::random_url_token(8);
  TestOffer offer;
  offer.claims = Json{{"family_name", marker}};
  const std::string control_marker = "Timbuktu-" + veil::issuer::random_url_token(8);
  TestOffer control;
  control.claims = Json{{"family_name", control_marker}};
  {
    auto store = open_store(dir);
    REQUIRE(store->create_offer(new_offer(offer)));
    // A control offer that is never issued: its value must still be found, or the scan below proves nothing.
    REQUIRE(store->create_offer(new_offer(control)));
    REQUIRE(redeem(*store, offer.secrets.pre_authorized_code, std::nullopt, "tok").outcome ==
            RedeemOutcome::redeemed);
    {
      SQLite::Database raw(dir.file("issuer.db"), SQLite::OPEN_READONLY);
      CHECK(raw.execAndGet("SELECT count(*) FROM offers WHERE claims IS NOT NULL").getInt() == 2);
    }
    REQUIRE(store->issue_credentials(batch("tok", 2), kSignNothing));
    SQLite::Database raw(dir.file("issuer.db"), SQLite::OPEN_READONLY);
    CHECK(raw.execAndGet("SELECT count(*) FROM offers WHERE claims IS NOT NULL").getInt() == 1);
  }
  // The store is closed; neither the database nor a leftover WAL holds the value, the offer id or the code.
  std::string everything;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) everything += file_bytes(entry.path());
  CHECK(everything.find(control_marker) != std::string::npos);
  CHECK(everything.find(marker) == std::string::npos);
  CHECK(everything.find(offer.secrets.offer_id) == std::string::npos);
  CHECK(everything.find(offer.secrets.pre_authorized_code) == std::string::npos);
}

TEST_CASE("revocation is final and suspension is reversible", "[issuer_store]") {
  TempDir dir("veil-issuer-store");
  auto store = open_store(dir);
  const auto issued = issue(*store, 2);
  const std::string& first = issued[0].credential_id;
  const std::string& second = issued[1].credential_id;

  auto suspended = store->set_credential_status(first, CredentialStatus::suspended, kNow + 10);
  REQUIRE(suspended);
  CHECK(suspended->status == CredentialStatus::suspended);
  CHECK(suspended->status_changed_at == kNow + 10);
  CHECK(store->set_credential_status(first, CredentialStatus::valid, kNow + 11)->status == CredentialStatus::valid);
  CHECK(store->set_credential_status(first, CredentialStatus::suspended, kNow + 12));
  CHECK(store->set_credential_status(first, CredentialStatus::invalid, kNow + 13)->status == CredentialStatus::invalid);
  // Revoked stays revoked; revoking again is a no-op that keeps the first time.
  CHECK(store->set_credential_status(first, CredentialStatus::valid, kNow + 14).error().code ==
        ErrorCode::status_transition_not_allowed);
  CHECK(store->set_credential_status(first, CredentialStatus::suspended, kNow + 14).error().code ==
        ErrorCode::status_transition_not_allowed);
  auto revoked_again = store->set_credential_status(first, CredentialStatus::invalid, kNow + 15);
  REQUIRE(revoked_again);
  CHECK(revoked_again->status_changed_at == kNow + 13);

  CHECK(store->set_credential_status(second, CredentialStatus::invalid, kNow + 16));
  CHECK(store->set_credential_status("no-such-credential", CredentialStatus::invalid, kNow).error().code ==
        ErrorCode::not_found);
}

TEST_CASE("the status list shows every credential's current status", "[issuer_store]") {
  TempDir dir("veil-issuer-store");
  auto store = open_store(dir, {.status_list_size = 64});
  const auto issued = issue(*store, 3);
  REQUIRE(store->set_credential_status(issued[0].credential_id, CredentialStatus::invalid, kNow + 5));
  REQUIRE(store->set_credential_status(issued[1].credential_id, CredentialStatus::suspended, kNow + 5));

  auto list = store->read_status_list(issued[0].status.list_id);
  REQUIRE(list);
  CHECK(list->bits() == 2);
  CHECK(list->size() == 64);
  CHECK(list->get(issued[0].status.index).value() == veil::kStatusInvalid);
  CHECK(list->get(issued[1].status.index).value() == veil::kStatusSuspended);
  CHECK(list->get(issued[2].status.index).value() == veil::kStatusValid);
  std::size_t not_valid = 0;
  for (std::size_t i = 0; i < list->size(); ++i) not_valid += list->get(i).value() != veil::kStatusValid ? 1 : 0;
  CHECK(not_valid == 2);
  // The core round-trips it as a Status List Token would carry it.
  auto encoded = list->to_json();
  REQUIRE(encoded);
  auto decoded = veil::StatusList::decode(*encoded);
  REQUIRE(decoded);
  CHECK(decoded->get(issued[1].status.index).value() == veil::kStatusSuspended);

  CHECK(store->read_status_list(99).error().code == ErrorCode::not_found);
}

TEST_CASE("the issued-credential log pages oldest first", "[issuer_store]") {
  TempDir dir("veil-issuer-store");
  auto store = open_store(dir);
  std::vector<std::string> expected;
  for (const auto& allocation : issue(*store, 3)) expected.push_back(allocation.credential_id);
  for (const auto& allocation : issue(*store, 2)) expected.push_back(allocation.credential_id);

  std::vector<std::string> listed;
  std::int64_t cursor = 0;
  int pages = 0;
  while (true) {
    auto page = store->list_issued_credentials(cursor, 2);
    REQUIRE(page);
    ++pages;
    for (const auto& record : page->records) listed.push_back(record.credential_id);
    if (!page->next_cursor) break;
    cursor = *page->next_cursor;
  }
  CHECK(pages == 3);
  CHECK(listed == expected);
  CHECK(store->list_issued_credentials(0, 0).error().code == ErrorCode::invalid_argument);
  CHECK(store->list_issued_credentials(0, 1001).error().code == ErrorCode::invalid_argument);
}

TEST_CASE("purge removes expired offers, tokens and nonces but never the log", "[issuer_store]") {
  TempDir dir("veil-issuer-store");
  auto store = open_store(dir);
  const TestOffer never_redeemed = create_offer(*store);
  const std::string waiting_token = redeemed_token(*store);  // redeemed, batch not yet issued
  const auto issued = issue(*store, 1);
  REQUIRE(store->store_c_nonce(SecretHash::of("n"), kNow + 30));

  // Codes expired, tokens still alive: only the never-redeemed offer goes; the waiting token keeps its claims.
  auto first = store->purge_expired(kNow + kCodeLifetime);
  REQUIRE(first);
  CHECK(first->offers == 1);
  CHECK(first->access_tokens == 0);
  CHECK(first->c_nonces == 1);
  CHECK(store->find_access_token(SecretHash::of(waiting_token), kNow + kCodeLifetime)->has_value());

  auto second = store->purge_expired(kNow + 1 + kTokenLifetime);
  REQUIRE(second);
  CHECK(second->access_tokens == 2);
  CHECK(second->offers == 2);
  CHECK(store->find_issued_credential(issued[0].credential_id));
  CHECK(store->list_status_lists()->at(0).allocated == 1);
}

TEST_CASE("the issued-credential log and the allocations cannot be deleted, even by hand", "[issuer_store]") {
  TempDir dir("veil-issuer-store");
  auto store = open_store(dir);
  issue(*store, 1);
  SQLite::Database raw(dir.file("issuer.db"), SQLite::OPEN_READWRITE);
  CHECK_THROWS(raw.exec("DELETE FROM issued_credentials"));
  CHECK_THROWS(raw.exec("DELETE FROM status_allocations"));
  CHECK_THROWS(raw.exec("UPDATE issued_credentials SET status_index = status_index + 1"));
  raw.exec("UPDATE issued_credentials SET status = 1");
  CHECK_THROWS(raw.exec("UPDATE issued_credentials SET status = 0"));
}

TEST_CASE("the issuer database runs in WAL mode at schema version 1", "[issuer_store]") {
  TempDir dir("veil-issuer-store");
  auto store = open_store(dir);
  SQLite::Database raw(dir.file("issuer.db"), SQLite::OPEN_READONLY);
  // journal_mode=WAL is stored in the file; synchronous=FULL is per connection (platform sqlite_database test).
  CHECK(raw.execAndGet("PRAGMA journal_mode").getString() == "wal");
  CHECK(raw.execAndGet("PRAGMA user_version").getInt() == SqliteIssuerStore::schema_version());
  CHECK(SqliteIssuerStore::schema_version() == 1);
}

TEST_CASE("an issuer database from a newer program is refused", "[issuer_store]") {
  TempDir dir("veil-issuer-store");
  open_store(dir);
  {
    SQLite::Database raw(dir.file("issuer.db"), SQLite::OPEN_READWRITE);
    raw.exec("PRAGMA user_version = 99");
  }
  auto store = SqliteIssuerStore::open(dir.file("issuer.db"));
  REQUIRE_FALSE(store);
  CHECK(store.error().code == ErrorCode::unsupported_storage_version);
}

TEST_CASE("store options out of range are refused", "[issuer_store]") {
  TempDir dir("veil-issuer-store");
  CHECK(SqliteIssuerStore::open(dir.file("issuer.db"), {.status_list_bits = 1}).error().code == ErrorCode::invalid_argument);
  CHECK(SqliteIssuerStore::open(dir.file("issuer.db"), {.status_list_bits = 3}).error().code == ErrorCode::invalid_argument);
  CHECK(SqliteIssuerStore::open(dir.file("issuer.db"), {.status_list_size = 0}).error().code == ErrorCode::invalid_argument);
  CHECK(SqliteIssuerStore::open(dir.file("issuer.db"), {.max_tx_code_attempts = 0}).error().code == ErrorCode::invalid_argument);
  CHECK(SqliteIssuerStore::open(dir.file("issuer.db"), {.max_batch_size = 0}).error().code == ErrorCode::invalid_argument);
}

TEST_CASE("ids with SQL metacharacters are only data [attack:J13]", "[issuer_store][attack:J13]") {
  TempDir dir("veil-issuer-store");
  auto store = open_store(dir);
  const std::string injection = "' OR 1=1 --";
  const std::string drop = "x'); DROP TABLE issued_credentials; --";
  issue(*store, 1);

  CHECK(store->find_issued_credential(injection).error().code == ErrorCode::not_found);
  CHECK(store->find_issued_credential("%").error().code == ErrorCode::not_found);
  CHECK(store->set_credential_status(injection, CredentialStatus::invalid, kNow).error().code == ErrorCode::not_found);
  CHECK(store->find_issued_credential(std::string(10 * 1024, 'A')).error().code == ErrorCode::not_found);

  // Stored verbatim and read back verbatim, with nothing else affected.
  TestOffer offer;
  offer.configuration = drop;
  REQUIRE(store->create_offer(new_offer(offer)));
  REQUIRE(redeem(*store, offer.secrets.pre_authorized_code, std::nullopt, "tok").outcome == RedeemOutcome::redeemed);
  IssuanceRequest request = batch("tok", 1);
  request.holder_key_thumbprints[0] = drop;
  auto issued = store->issue_credentials(request, kSignNothing);
  REQUIRE(issued);
  auto record = store->find_issued_credential((*issued)[0].credential_id);
  REQUIRE(record);
  CHECK(record->credential_configuration_id == drop);
  CHECK(record->holder_key_thumbprint == drop);
  CHECK(store->list_issued_credentials(0, 10)->records.size() == 2);
  // Only the credential named was revoked.
  auto log = store->list_issued_credentials(0, 10);
  for (const auto& entry : log->records) CHECK(entry.status == CredentialStatus::valid);
}

TEST_CASE("secret hashes compare in constant time and wrap only 32 bytes", "[issuer_store]") {
  CHECK(SecretHash::of("a").equals(SecretHash::of("a")));
  CHECK_FALSE(SecretHash::of("a").equals(SecretHash::of("b")));
  const std::vector<std::uint8_t> short_digest(31, 0);
  CHECK(SecretHash::from_bytes(short_digest).error().code == ErrorCode::invalid_argument);
  const SecretHash hash = SecretHash::of("a");  // bytes() views into it: the hash must outlive the view
  CHECK(SecretHash::from_bytes(hash.bytes())->equals(SecretHash::of("a")));
  CHECK(veil::issuer::random_url_token().size() == 43);
  CHECK(veil::issuer::random_url_token() != veil::issuer::random_url_token());
  CHECK(veil::issuer::parse_credential_status("revoked").value() == CredentialStatus::invalid);
  CHECK(veil::issuer::parse_credential_status("REVOKED").error().code == ErrorCode::invalid_argument);
  CHECK(veil::issuer::credential_status_name(CredentialStatus::suspended) == "suspended");
}
