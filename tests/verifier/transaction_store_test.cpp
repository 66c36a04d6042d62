#include "verifier/sqlite_transaction_store.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <thread>
#include <vector>

#include "support/temp_dir.h"

namespace veil::verifier {
namespace {

NewTransaction transaction(const std::string& id, std::int64_t now) {
  NewTransaction t;
  t.id = id;
  t.state = "state-" + id;
  t.nonce = "nonce-" + id;
  t.client_id = "x509_hash:abc";
  t.policy = Json{{"dcql_query", Json::object()}};
  t.relying_party = "default";
  t.created_at = now;
  t.expires_at = now + 300;
  return t;
}

struct Store {
  Store() {
    auto opened = SqliteTransactionStore::open(dir.file("verifier.db"));
    REQUIRE(opened);
    store = std::move(*opened);
  }
  veil_test::TempDir dir{"veil-transactions"};
  std::unique_ptr<SqliteTransactionStore> store;
};

}  // namespace

TEST_CASE("a transaction completes exactly once, even when responses race", "[verifier][store][attack:P2]") {
  Store s;
  REQUIRE(s.store->create(transaction("t1", 1000)));
  std::vector<std::thread> racers;
  std::atomic<int> completed{0};
  std::atomic<int> refused{0};
  for (int i = 0; i < 8; ++i) {
    racers.emplace_back([&, i] {
      // Catch2 assertions are not thread-safe: count here, assert after the join.
      auto outcome = s.store->complete("t1", TransactionStatus::verified, {{"n", i}}, 1001);
      if (outcome && *outcome == CompletionOutcome::completed) ++completed;
      if (outcome && *outcome == CompletionOutcome::already_completed) ++refused;
    });
  }
  for (auto& racer : racers) racer.join();
  CHECK(completed == 1);
  CHECK(refused == 7);
  auto record = s.store->find("t1");
  REQUIRE(record);
  REQUIRE(*record);
  CHECK((*record)->status == TransactionStatus::verified);
  CHECK((*record)->completed_at == 1001);
  CHECK((*record)->transaction.nonce == "nonce-t1");
  CHECK(s.store->complete("t1", TransactionStatus::failed, Json::object(), 1002).value() ==
        CompletionOutcome::already_completed);
}

TEST_CASE("an expired or unknown transaction does not complete", "[verifier][store][attack:P1]") {
  Store s;
  REQUIRE(s.store->create(transaction("t1", 1000)));
  CHECK(s.store->complete("t1", TransactionStatus::verified, Json::object(), 1300).value() == CompletionOutcome::expired);
  CHECK(s.store->complete("nope", TransactionStatus::verified, Json::object(), 1001).value() == CompletionOutcome::unknown);
  auto pending = s.store->complete("t1", TransactionStatus::pending, Json::object(), 1001);
  REQUIRE_FALSE(pending);
  CHECK(pending.error().code == ErrorCode::invalid_argument);
  // Nonces are unique across transactions.
  auto again = transaction("t2", 1000);
  again.nonce = "nonce-t1";
  auto duplicate = s.store->create(again);
  REQUIRE_FALSE(duplicate);
  CHECK(duplicate.error().code == ErrorCode::storage_error);
}

TEST_CASE("purge deletes results past retention and expired requests past expiry plus retention",
          "[verifier][store][attack:H12]") {
  Store s;
  REQUIRE(s.store->create(transaction("done", 1000)));
  REQUIRE(s.store->create(transaction("abandoned", 1000)));
  REQUIRE(s.store->complete("done", TransactionStatus::verified, {{"claims", "personal"}}, 1010).value() ==
          CompletionOutcome::completed);
  auto early = s.store->purge(1500, 600);
  REQUIRE(early);
  CHECK(early->completed == 0);
  CHECK(early->expired == 0);
  auto later = s.store->purge(1610, 600);
  REQUIRE(later);
  CHECK(later->completed == 1);
  CHECK(later->expired == 0);
  CHECK_FALSE(s.store->find("done").value());
  auto last = s.store->purge(1900, 600);
  REQUIRE(last);
  CHECK(last->expired == 1);
  CHECK_FALSE(s.store->find("abandoned").value());
}

}  // namespace veil::verifier
