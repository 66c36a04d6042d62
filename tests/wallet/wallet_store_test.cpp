#include "wallet/sqlite_wallet_store.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>

#include "support/temp_dir.h"

namespace {

using veil::ErrorCode;
using veil::Json;
using veil::SecretBytes;
using namespace veil::wallet;

const SecretBytes kPassphrase = passphrase_from("correct horse battery staple");

SqliteWalletStoreOptions fast_options() {
  SqliteWalletStoreOptions options;
  options.kdf_target = KdfParams::minimum();
  return options;
}

std::unique_ptr<SqliteWalletStore> open_store(const std::string& path,
                                              const SqliteWalletStoreOptions& options = fast_options()) {
  auto store = SqliteWalletStore::open(path, options);
  REQUIRE(store);
  return std::move(*store);
}

std::unique_ptr<SqliteWalletStore> new_store(const std::string& path) {
  auto store = open_store(path);
  REQUIRE(store->initialize(kPassphrase, KdfParams::minimum()));
  return store;
}

NewCredential make_credential(const std::string& tag, std::size_t copies, std::int64_t received_at = 1000) {
  NewCredential credential;
  credential.vct = "https://credentials.example/identity_credential";
  credential.issuer = "https://issuer.example";
  credential.display = {{"name", "Identity credential"}, {"description", "Your national identity"}};
  credential.claims = {{"given_name", "GIVEN-" + tag}, {"family_name", "FAMILY-" + tag}, {"age_over_18", true}};
  credential.received_at = received_at;
  for (std::size_t i = 0; i < copies; ++i) {
    auto key = veil::PrivateJwk::generate(veil::JwsAlg::ES256);
    REQUIRE(key);
    credential.copies.push_back(
        CredentialCopy{"eyJhbGciOiJFUzI1NiJ9.SDJWT-" + tag + "-" + std::to_string(i) + ".c2ln~WyJzIiwibiIsInYiXQ~",
                       std::move(*key)});
  }
  return credential;
}

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

bool file_contains(const std::string& path, const std::string& needle) {
  return file_bytes(path).find(needle) != std::string::npos;
}

// Swaps the values of |column| between two rows of |table| selected by |where_a| / |where_b|, with the store closed.
void swap_values(const std::string& path, const std::string& table, const std::string& column_a,
                 const std::string& where_a, const std::string& column_b, const std::string& where_b) {
  SQLite::Database db(path, SQLite::OPEN_READWRITE);
  SQLite::Transaction transaction(db);
  SQLite::Statement read_a(db, "SELECT " + column_a + " FROM " + table + " WHERE " + where_a);
  REQUIRE(read_a.executeStep());
  const std::string a(static_cast<const char*>(read_a.getColumn(0).getBlob()),
                      static_cast<std::size_t>(read_a.getColumn(0).getBytes()));
  SQLite::Statement read_b(db, "SELECT " + column_b + " FROM " + table + " WHERE " + where_b);
  REQUIRE(read_b.executeStep());
  const std::string b(static_cast<const char*>(read_b.getColumn(0).getBlob()),
                      static_cast<std::size_t>(read_b.getColumn(0).getBytes()));
  read_a.reset();
  read_b.reset();
  SQLite::Statement write_a(db, "UPDATE " + table + " SET " + column_a + " = ? WHERE " + where_a);
  write_a.bind(1, b.data(), static_cast<int>(b.size()));
  REQUIRE(write_a.exec() == 1);
  SQLite::Statement write_b(db, "UPDATE " + table + " SET " + column_b + " = ? WHERE " + where_b);
  write_b.bind(1, a.data(), static_cast<int>(a.size()));
  REQUIRE(write_b.exec() == 1);
  transaction.commit();
}

void flip_blob_byte(const std::string& path, const std::string& table, const std::string& column,
                    const std::string& where, std::size_t index) {
  SQLite::Database db(path, SQLite::OPEN_READWRITE);
  SQLite::Statement read(db, "SELECT " + column + " FROM " + table + " WHERE " + where);
  REQUIRE(read.executeStep());
  std::string value(static_cast<const char*>(read.getColumn(0).getBlob()),
                    static_cast<std::size_t>(read.getColumn(0).getBytes()));
  read.reset();
  REQUIRE(index < value.size());
  value[index] = static_cast<char>(value[index] ^ 0x01);
  SQLite::Statement write(db, "UPDATE " + table + " SET " + column + " = ? WHERE " + where);
  write.bind(1, value.data(), static_cast<int>(value.size()));
  REQUIRE(write.exec() == 1);
}

std::string sql_text(const std::string& text) { return "'" + text + "'"; }

template <class T>
void expect_error(const veil::Result<T>& result, ErrorCode code) {
  REQUIRE_FALSE(result);
  CHECK(veil::error_code_name(result.error().code) == veil::error_code_name(code));
}

}  // namespace

TEST_CASE("a new wallet store is uninitialized and locked until initialize, which unlocks it", "[wallet_store]") {
  veil_test::TempDir dir;
  auto store = open_store(dir.file(kWalletDatabaseFile));
  auto initialized = store->is_initialized();
  REQUIRE(initialized);
  CHECK_FALSE(*initialized);
  CHECK(store->is_locked());
  expect_error(store->unlock(kPassphrase), ErrorCode::invalid_argument);

  REQUIRE(store->initialize(kPassphrase, KdfParams::minimum()));
  CHECK(*store->is_initialized());
  CHECK_FALSE(store->is_locked());
  expect_error(store->initialize(kPassphrase, KdfParams::minimum()), ErrorCode::invalid_argument);

  struct stat info {};
  REQUIRE(::stat(dir.file(kWalletDatabaseFile).c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
}

TEST_CASE("a locked wallet store refuses every operation with wallet_locked", "[wallet_store]") {
  veil_test::TempDir dir;
  auto store = new_store(dir.file(kWalletDatabaseFile));
  auto id = store->add_credential(make_credential("a", 1));
  REQUIRE(id);
  store->lock();
  CHECK(store->is_locked());
  expect_error(store->add_credential(make_credential("b", 1)), ErrorCode::wallet_locked);
  expect_error(store->list_credentials(), ErrorCode::wallet_locked);
  expect_error(store->find_credential(*id), ErrorCode::wallet_locked);
  expect_error(store->credential_claims(*id), ErrorCode::wallet_locked);
  expect_error(store->take_copy_for_verifier(*id, "x509_hash:abc"), ErrorCode::wallet_locked);
  expect_error(store->delete_credential(*id), ErrorCode::wallet_locked);
  expect_error(store->record_disclosure(DisclosureRecord{0, "x509_hash:abc", 1, *id, "vct", {}, {}}),
               ErrorCode::wallet_locked);
  expect_error(store->list_history(), ErrorCode::wallet_locked);

  REQUIRE(store->unlock(kPassphrase));
  auto listed = store->list_credentials();
  REQUIRE(listed);
  CHECK(listed->size() == 1);
}

TEST_CASE("a wrong passphrase fails with wrong_passphrase and leaves the wallet locked", "[wallet_store]") {
  veil_test::TempDir dir;
  const std::string path = dir.file(kWalletDatabaseFile);
  new_store(path).reset();
  auto store = open_store(path);
  expect_error(store->unlock(passphrase_from("correct horse battery stapler")), ErrorCode::wrong_passphrase);
  CHECK(store->is_locked());
  expect_error(store->list_credentials(), ErrorCode::wallet_locked);
  REQUIRE(store->unlock(kPassphrase));
  CHECK_FALSE(store->is_locked());
}

TEST_CASE("a reopened wallet store keeps credentials, claims, copies and history", "[wallet_store]") {
  veil_test::TempDir dir;
  const std::string path = dir.file(kWalletDatabaseFile);
  std::string first;
  std::string second;
  {
    auto store = new_store(path);
    auto a = store->add_credential(make_credential("a", 2, 1000));
    auto b = store->add_credential(make_credential("b", 3, 2000));
    REQUIRE(a);
    REQUIRE(b);
    first = *a;
    second = *b;
    REQUIRE(store->take_copy_for_verifier(first, "x509_hash:verifier-one"));
    REQUIRE(store->record_disclosure(
        DisclosureRecord{0, "x509_hash:verifier-one", 3000, first, "https://credentials.example/identity_credential",
                         {Json::array({"given_name"})}, DisclosureOutcome::accepted}));
  }
  auto store = open_store(path);
  CHECK(store->is_locked());
  REQUIRE(store->unlock(kPassphrase));
  auto listed = store->list_credentials();
  REQUIRE(listed);
  REQUIRE(listed->size() == 2);
  CHECK((*listed)[0].id == second);  // newest first
  CHECK((*listed)[0].copies == 3);
  CHECK((*listed)[0].unused_copies == 3);
  CHECK((*listed)[1].id == first);
  CHECK((*listed)[1].copies == 2);
  CHECK((*listed)[1].unused_copies == 1);
  CHECK((*listed)[1].vct == "https://credentials.example/identity_credential");
  CHECK((*listed)[1].issuer == "https://issuer.example");
  CHECK((*listed)[1].display.at("name") == "Identity credential");
  CHECK((*listed)[1].received_at == 1000);

  auto claims = store->credential_claims(first);
  REQUIRE(claims);
  CHECK(claims->at("given_name") == "GIVEN-a");

  auto again = store->take_copy_for_verifier(first, "x509_hash:verifier-one");
  REQUIRE(again);
  CHECK(again->same_verifier_again);
  CHECK(again->copy.sd_jwt.find("SDJWT-a-") != std::string::npos);

  auto history = store->list_history();
  REQUIRE(history);
  REQUIRE(history->size() == 1);
  CHECK((*history)[0].verifier_client_id == "x509_hash:verifier-one");
  CHECK((*history)[0].time == 3000);
  CHECK((*history)[0].credential_id == first);
  CHECK((*history)[0].claim_paths == std::vector<Json>{Json::array({"given_name"})});
  CHECK((*history)[0].outcome == DisclosureOutcome::accepted);
}

TEST_CASE("a taken copy carries the stored sd-jwt and the holder key that was stored with it", "[wallet_store]") {
  veil_test::TempDir dir;
  auto store = new_store(dir.file(kWalletDatabaseFile));
  auto credential = make_credential("k", 2);
  const std::string thumbprint0 = credential.copies[0].holder_key.public_key().thumbprint();
  const std::string thumbprint1 = credential.copies[1].holder_key.public_key().thumbprint();
  auto id = store->add_credential(credential);
  REQUIRE(id);
  auto taken = store->take_copy_for_verifier(*id, "redirect_uri:https://verifier.example/response");
  REQUIRE(taken);
  const std::size_t index = taken->copy_index;
  REQUIRE(index < 2);
  CHECK(taken->copy.sd_jwt == credential.copies[index].sd_jwt);
  CHECK(taken->copy.holder_key.public_key().thumbprint() == (index == 0 ? thumbprint0 : thumbprint1));
  CHECK(taken->copy.holder_key.d().equals(credential.copies[index].holder_key.d()));
  CHECK_FALSE(taken->exhausted);
  CHECK_FALSE(taken->same_verifier_again);
}

TEST_CASE("each verifier gets its own copy until copies run out, and the same verifier gets its copy again",
          "[wallet_store]") {
  veil_test::TempDir dir;
  auto store = new_store(dir.file(kWalletDatabaseFile));
  auto id = store->add_credential(make_credential("c", 3));
  REQUIRE(id);
  std::set<std::size_t> used;
  for (const char* verifier : {"x509_hash:one", "x509_hash:two", "x509_san_dns:three.example"}) {
    auto taken = store->take_copy_for_verifier(*id, verifier);
    REQUIRE(taken);
    CHECK_FALSE(taken->exhausted);
    CHECK_FALSE(taken->same_verifier_again);
    CHECK(used.insert(taken->copy_index).second);  // never a copy another verifier has seen
  }
  auto listed = store->find_credential(*id);
  REQUIRE(listed);
  CHECK(listed->unused_copies == 0);

  auto first_again = store->take_copy_for_verifier(*id, "x509_hash:one");
  REQUIRE(first_again);
  CHECK(first_again->same_verifier_again);
  CHECK_FALSE(first_again->exhausted);

  auto fourth = store->take_copy_for_verifier(*id, "x509_hash:four");
  REQUIRE(fourth);
  CHECK(fourth->exhausted);
  auto fifth = store->take_copy_for_verifier(*id, "x509_hash:five");
  REQUIRE(fifth);
  CHECK(fifth->exhausted);
  CHECK(fifth->copy_index != fourth->copy_index);  // least shown first
  auto fourth_again = store->take_copy_for_verifier(*id, "x509_hash:four");
  REQUIRE(fourth_again);
  CHECK(fourth_again->copy_index == fourth->copy_index);
  CHECK(fourth_again->same_verifier_again);

  expect_error(store->take_copy_for_verifier("no-such-credential", "x509_hash:one"), ErrorCode::not_found);
}

TEST_CASE("nothing secret or personal is in the wallet files in plaintext", "[wallet_store]") {
  veil_test::TempDir dir;
  const std::string path = dir.file(kWalletDatabaseFile);
  auto credential = make_credential("plaintext-probe", 2);
  const std::string d = credential.copies[0].holder_key.to_json().at("d").get<std::string>();
  {
    auto store = new_store(path);
    auto id = store->add_credential(credential);
    REQUIRE(id);
    REQUIRE(store->take_copy_for_verifier(*id, "x509_hash:VERIFIER-PROBE"));
    REQUIRE(store->record_disclosure(DisclosureRecord{0, "x509_hash:VERIFIER-PROBE", 5, *id, "vct",
                                                      {Json::array({"given_name"})}, DisclosureOutcome::accepted}));
  }
  for (const std::string& file : {path, path + "-wal"}) {
    if (!std::filesystem::exists(file)) continue;
    INFO(file);
    CHECK_FALSE(file_contains(file, "SDJWT-plaintext-probe"));
    CHECK_FALSE(file_contains(file, "GIVEN-plaintext-probe"));
    CHECK_FALSE(file_contains(file, "FAMILY-plaintext-probe"));
    CHECK_FALSE(file_contains(file, d));
    CHECK_FALSE(file_contains(file, "VERIFIER-PROBE"));
    CHECK_FALSE(file_contains(file, "given_name"));
  }
  CHECK(file_contains(path, "Identity credential"));  // the display metadata is plain on purpose
}

TEST_CASE("a sealed value swapped with another row's or column's in the database file fails with "
          "sealed_data_corrupt",
          "[wallet_store]") {
  veil_test::TempDir dir;
  const std::string path = dir.file(kWalletDatabaseFile);
  std::string a;
  std::string b;
  {
    auto store = new_store(path);
    a = *store->add_credential(make_credential("a", 2));
    b = *store->add_credential(make_credential("b", 2));
    REQUIRE(store->record_disclosure(DisclosureRecord{0, "x509_hash:one", 1, a, "vct", {}, {}}));
    REQUIRE(store->record_disclosure(DisclosureRecord{0, "x509_hash:two", 2, b, "vct", {}, {}}));
  }
  auto reopen = [&] {
    auto store = open_store(path);
    REQUIRE(store->unlock(kPassphrase));
    return store;
  };

  SECTION("claims of two credentials") {
    swap_values(path, "credentials", "claims", "id = " + sql_text(a), "claims", "id = " + sql_text(b));
    auto store = reopen();
    expect_error(store->credential_claims(a), ErrorCode::sealed_data_corrupt);
    expect_error(store->credential_claims(b), ErrorCode::sealed_data_corrupt);
  }
  SECTION("sd_jwt of two copies of one credential") {
    swap_values(path, "credential_copies", "sd_jwt", "credential_id = " + sql_text(a) + " AND copy_index = 0", "sd_jwt",
                "credential_id = " + sql_text(a) + " AND copy_index = 1");
    auto store = reopen();
    expect_error(store->take_copy_for_verifier(a, "x509_hash:one"), ErrorCode::sealed_data_corrupt);
  }
  SECTION("holder keys of two credentials") {
    swap_values(path, "credential_copies", "holder_key", "credential_id = " + sql_text(a) + " AND copy_index = 0",
                "holder_key", "credential_id = " + sql_text(b) + " AND copy_index = 0");
    auto store = reopen();
    expect_error(store->take_copy_for_verifier(a, "x509_hash:one"), ErrorCode::sealed_data_corrupt);
  }
  SECTION("sd_jwt and holder_key columns of one copy") {
    swap_values(path, "credential_copies", "sd_jwt", "credential_id = " + sql_text(a) + " AND copy_index = 0",
                "holder_key", "credential_id = " + sql_text(a) + " AND copy_index = 0");
    auto store = reopen();
    expect_error(store->take_copy_for_verifier(a, "x509_hash:one"), ErrorCode::sealed_data_corrupt);
  }
  SECTION("a copy's sd_jwt moved into the claims column") {
    swap_values(path, "credentials", "claims", "id = " + sql_text(a), "claims", "id = " + sql_text(a));  // no-op swap
    {
      SQLite::Database db(path, SQLite::OPEN_READWRITE);
      REQUIRE(db.exec("UPDATE credentials SET claims = (SELECT sd_jwt FROM credential_copies WHERE credential_id = " +
                      sql_text(a) + " AND copy_index = 0) WHERE id = " + sql_text(a)) == 1);
    }
    auto store = reopen();
    expect_error(store->credential_claims(a), ErrorCode::sealed_data_corrupt);
  }
  SECTION("two history entries") {
    swap_values(path, "history", "entry", "recorded_at = 1", "entry", "recorded_at = 2");
    auto store = reopen();
    expect_error(store->list_history(), ErrorCode::sealed_data_corrupt);
  }
}

TEST_CASE("a flipped byte in a sealed column of the database file fails with sealed_data_corrupt", "[wallet_store]") {
  veil_test::TempDir dir;
  const std::string path = dir.file(kWalletDatabaseFile);
  std::string id;
  {
    auto store = new_store(path);
    id = *store->add_credential(make_credential("f", 1));
  }
  // Version byte, a nonce byte, a ciphertext byte, the last tag byte.
  for (std::size_t index : {std::size_t{0}, std::size_t{5}, std::size_t{30}}) {
    flip_blob_byte(path, "credentials", "claims", "id = " + sql_text(id), index);
    auto store = open_store(path);
    REQUIRE(store->unlock(kPassphrase));
    expect_error(store->credential_claims(id), ErrorCode::sealed_data_corrupt);
    store.reset();
    flip_blob_byte(path, "credentials", "claims", "id = " + sql_text(id), index);  // restore
  }
  {
    auto store = open_store(path);
    REQUIRE(store->unlock(kPassphrase));
    REQUIRE(store->credential_claims(id));
  }
  flip_blob_byte(path, "credential_copies", "holder_key", "credential_id = " + sql_text(id), 40);
  auto store = open_store(path);
  REQUIRE(store->unlock(kPassphrase));
  expect_error(store->take_copy_for_verifier(id, "x509_hash:one"), ErrorCode::sealed_data_corrupt);
  auto listed = store->find_credential(id);  // the copy was not marked used: the transaction rolled back
  REQUIRE(listed);
  CHECK(listed->unused_copies == 1);
}

TEST_CASE("an altered salt, nonce, wrapped key or KDF parameter in the database file fails with wrong_passphrase",
          "[wallet_store]") {
  veil_test::TempDir dir;
  const std::string path = dir.file(kWalletDatabaseFile);
  new_store(path).reset();
  auto expect_refused = [&] {
    auto store = open_store(path);
    expect_error(store->unlock(kPassphrase), ErrorCode::wrong_passphrase);
    CHECK(store->is_locked());
  };
  for (const char* column : {"salt", "nonce", "wrapped_key"}) {
    INFO(column);
    flip_blob_byte(path, "vault", column, "id = 1", 3);
    expect_refused();
    flip_blob_byte(path, "vault", column, "id = 1", 3);
  }
  for (const char* change : {"kdf_opslimit = kdf_opslimit + 1", "kdf_memlimit = kdf_memlimit + 1024",
                             "kdf_memlimit = kdf_memlimit + 1", "kdf_algorithm = 1", "format_version = 2",
                             "kdf_opslimit = -1", "kdf_memlimit = 1099511627776", "salt = x'00'"}) {
    INFO(change);
    veil_test::TempDir other;
    const std::string other_path = other.file(kWalletDatabaseFile);
    new_store(other_path).reset();
    {
      SQLite::Database db(other_path, SQLite::OPEN_READWRITE);
      REQUIRE(db.exec(std::string("UPDATE vault SET ") + change) == 1);
    }
    auto store = open_store(other_path);
    expect_error(store->unlock(kPassphrase), ErrorCode::wrong_passphrase);
    CHECK(store->is_locked());
  }
}

TEST_CASE("unlock re-wraps the data key when the stored KDF parameters are below the target", "[wallet_store]") {
  veil_test::TempDir dir;
  const std::string path = dir.file(kWalletDatabaseFile);
  std::string id;
  {
    auto store = new_store(path);
    id = *store->add_credential(make_credential("r", 1));
    auto stored = store->stored_kdf_params();
    REQUIRE(stored);
    CHECK(*stored == KdfParams::minimum());
  }
  SqliteWalletStoreOptions stronger = fast_options();
  stronger.kdf_target = KdfParams{kArgon2id13, 2, 64 * 1024};
  {
    auto store = open_store(path, stronger);
    REQUIRE(store->unlock(kPassphrase));
    auto stored = store->stored_kdf_params();
    REQUIRE(stored);
    CHECK(*stored == stronger.kdf_target);
    REQUIRE(store->credential_claims(id));
  }
  // A store whose target is lower never weakens what is stored.
  auto store = open_store(path);
  REQUIRE(store->unlock(kPassphrase));
  CHECK(*store->stored_kdf_params() == stronger.kdf_target);
  auto claims = store->credential_claims(id);
  REQUIRE(claims);
  CHECK(claims->at("given_name") == "GIVEN-r");
}

TEST_CASE("change_passphrase re-wraps the data key: the old passphrase stops working, the data stays",
          "[wallet_store]") {
  veil_test::TempDir dir;
  const std::string path = dir.file(kWalletDatabaseFile);
  std::string id;
  {
    auto store = new_store(path);
    id = *store->add_credential(make_credential("p", 1));
    const auto renewed = passphrase_from("a new passphrase");
    expect_error(store->change_passphrase(passphrase_from("not it"), renewed), ErrorCode::wrong_passphrase);
    expect_error(store->change_passphrase(kPassphrase, SecretBytes()), ErrorCode::invalid_argument);
    REQUIRE(store->change_passphrase(kPassphrase, renewed));
  }
  auto store = open_store(path);
  expect_error(store->unlock(kPassphrase), ErrorCode::wrong_passphrase);
  REQUIRE(store->unlock(passphrase_from("a new passphrase")));
  REQUIRE(store->credential_claims(id));
}

TEST_CASE("history holds verifier, time, credential and claim paths, never values, newest first", "[wallet_store]") {
  veil_test::TempDir dir;
  auto store = new_store(dir.file(kWalletDatabaseFile));
  auto id = store->add_credential(make_credential("h", 1));
  REQUIRE(id);
  auto first = store->record_disclosure(DisclosureRecord{0, "x509_hash:one", 100, *id, "vct-one",
                                                         {Json::array({"address", "country"}),
                                                          Json::array({"nationalities", nullptr}),
                                                          Json::array({"nationalities", 0})},
                                                         DisclosureOutcome::accepted});
  REQUIRE(first);
  auto second =
      store->record_disclosure(DisclosureRecord{0, "redirect_uri:https://v.example/cb", 200, *id, "vct-one", {},
                                                DisclosureOutcome::declined});
  REQUIRE(second);
  CHECK(*second != *first);
  auto history = store->list_history();
  REQUIRE(history);
  REQUIRE(history->size() == 2);
  CHECK((*history)[0].id == *second);
  CHECK((*history)[0].outcome == DisclosureOutcome::declined);
  CHECK((*history)[0].claim_paths.empty());
  CHECK((*history)[1].claim_paths.size() == 3);
  CHECK((*history)[1].claim_paths[1] == Json::array({"nationalities", nullptr}));

  // A "path" that is a value is refused: the history has no place for one.
  expect_error(store->record_disclosure(DisclosureRecord{0, "x509_hash:one", 1, *id, "vct", {Json("Ada")}, {}}),
               ErrorCode::invalid_argument);
  expect_error(store->record_disclosure(
                   DisclosureRecord{0, "x509_hash:one", 1, *id, "vct", {Json::array({"a", Json::object()})}, {}}),
               ErrorCode::invalid_argument);
  expect_error(store->record_disclosure(DisclosureRecord{0, "", 1, *id, "vct", {}, {}}), ErrorCode::invalid_argument);
  CHECK(disclosure_outcome_name(DisclosureOutcome::rejected) == "rejected");
  CHECK(parse_disclosure_outcome("failed").value() == DisclosureOutcome::failed);
  expect_error(parse_disclosure_outcome("ok"), ErrorCode::invalid_argument);
}

TEST_CASE("delete_credential removes the credential and its copies and leaves no sealed byte in the files",
          "[wallet_store]") {
  veil_test::TempDir dir;
  const std::string path = dir.file(kWalletDatabaseFile);
  auto store = new_store(path);
  auto id = store->add_credential(make_credential("d", 2));
  REQUIRE(id);
  auto kept = store->add_credential(make_credential("e", 1));
  REQUIRE(kept);
  REQUIRE(store->take_copy_for_verifier(*id, "x509_hash:one"));
  std::string sealed_sd_jwt;
  {
    SQLite::Database db(path, SQLite::OPEN_READONLY);
    SQLite::Statement read(db, "SELECT sd_jwt FROM credential_copies WHERE credential_id = " + sql_text(*id));
    REQUIRE(read.executeStep());
    sealed_sd_jwt.assign(static_cast<const char*>(read.getColumn(0).getBlob()),
                         static_cast<std::size_t>(read.getColumn(0).getBytes()));
  }
  REQUIRE((file_contains(path, sealed_sd_jwt) || file_contains(path + "-wal", sealed_sd_jwt)));

  REQUIRE(store->delete_credential(*id));
  expect_error(store->find_credential(*id), ErrorCode::not_found);
  expect_error(store->credential_claims(*id), ErrorCode::not_found);
  expect_error(store->take_copy_for_verifier(*id, "x509_hash:one"), ErrorCode::not_found);
  expect_error(store->delete_credential(*id), ErrorCode::not_found);
  CHECK_FALSE(file_contains(path, sealed_sd_jwt));
  CHECK_FALSE(file_contains(path + "-wal", sealed_sd_jwt));
  auto listed = store->list_credentials();
  REQUIRE(listed);
  REQUIRE(listed->size() == 1);
  CHECK((*listed)[0].id == *kept);
}

TEST_CASE("add_credential refuses a credential without copies, vct, issuer or object claims", "[wallet_store]") {
  veil_test::TempDir dir;
  auto store = new_store(dir.file(kWalletDatabaseFile));
  auto none = make_credential("x", 0);
  expect_error(store->add_credential(none), ErrorCode::invalid_argument);
  auto no_vct = make_credential("x", 1);
  no_vct.vct.clear();
  expect_error(store->add_credential(no_vct), ErrorCode::invalid_argument);
  auto no_issuer = make_credential("x", 1);
  no_issuer.issuer.clear();
  expect_error(store->add_credential(no_issuer), ErrorCode::invalid_argument);
  auto array_claims = make_credential("x", 1);
  array_claims.claims = Json::array();
  expect_error(store->add_credential(array_claims), ErrorCode::invalid_argument);
  auto listed = store->list_credentials();
  REQUIRE(listed);
  CHECK(listed->empty());
  auto ids = std::set<std::string>();
  for (int i = 0; i < 5; ++i) {
    auto id = store->add_credential(make_credential("y", 1));
    REQUIRE(id);
    CHECK(id->size() == 22);  // base64url of 16 random bytes
    CHECK(id->find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
          std::string::npos);
    ids.insert(*id);
  }
  CHECK(ids.size() == 5);
}

TEST_CASE("a wallet store refuses KDF targets outside the accepted range", "[wallet_store]") {
  veil_test::TempDir dir;
  SqliteWalletStoreOptions options;
  options.kdf_target = KdfParams{kArgon2id13, 0, 8192};
  auto store = SqliteWalletStore::open(dir.file(kWalletDatabaseFile), options);
  expect_error(store, ErrorCode::invalid_argument);
  auto fresh = open_store(dir.file(kWalletDatabaseFile));
  expect_error(fresh->initialize(kPassphrase, KdfParams{kArgon2id13, 1, 1024}), ErrorCode::invalid_argument);
  expect_error(fresh->initialize(SecretBytes(), KdfParams::minimum()), ErrorCode::invalid_argument);
  CHECK_FALSE(*fresh->is_initialized());
}
