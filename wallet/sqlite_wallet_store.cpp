#include "wallet/sqlite_wallet_store.h"

#include <sodium.h>

#include <algorithm>
#include <string_view>
#include <utility>

#include <SQLiteCpp/SQLiteCpp.h>

#include "veil/base64url.h"
#include "veil/claim_path.h"
#include "veil/platform/sqlite_database.h"
#include "wallet/sealed_columns.h"

namespace veil::wallet {
namespace {

using platform::sqlite_call;
using sealed::aad_for;
using sealed::as_text;
using sealed::bind_bytes;
using sealed::column_bytes;
using sealed::dump_json;
using sealed::kLockedMessage;
using sealed::load_sealed_json;

// The wallet's schema. Sealed columns (BLOB) hold Vault::seal output whose AAD names the table, the row key given
// in the comment and the column; everything else is what the credential list shows without unlocking claims.
//   credentials.claims         row = credentials.id
//   credential_copies.sd_jwt   row = credential_id "/" copy_index   (also holder_key)
//   history.entry              row = history.id (decimal)
//   consent_rules.rule         row = consent_rules.id            (v2)
//   always_ask.claim_paths     row = always_ask.credential_id    (v2)
// copy_verifiers.verifier_tag is Vault::lookup_tag("verifier", client_id): which copy a verifier has seen,
// without naming the verifier.
constexpr std::string_view kWalletSchemaV1 = R"sql(
CREATE TABLE vault (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  format_version INTEGER NOT NULL,
  kdf_algorithm INTEGER NOT NULL,
  kdf_opslimit INTEGER NOT NULL,
  kdf_memlimit INTEGER NOT NULL,
  salt BLOB NOT NULL,
  nonce BLOB NOT NULL,
  wrapped_key BLOB NOT NULL
);
CREATE TABLE credentials (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  vct TEXT NOT NULL,
  issuer TEXT NOT NULL,
  display TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  claims BLOB NOT NULL
);
CREATE TABLE credential_copies (
  credential_id TEXT NOT NULL REFERENCES credentials(id) ON DELETE CASCADE,
  copy_index INTEGER NOT NULL CHECK (copy_index >= 0),
  sd_jwt BLOB NOT NULL,
  holder_key BLOB NOT NULL,
  verifier_count INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (credential_id, copy_index)
) WITHOUT ROWID;
CREATE TABLE copy_verifiers (
  credential_id TEXT NOT NULL,
  copy_index INTEGER NOT NULL,
  verifier_tag BLOB NOT NULL CHECK (length(verifier_tag) = 32),
  uses INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY (credential_id, copy_index, verifier_tag),
  FOREIGN KEY (credential_id, copy_index) REFERENCES credential_copies(credential_id, copy_index) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX copy_verifiers_by_tag ON copy_verifiers (credential_id, verifier_tag);
CREATE TABLE history (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  recorded_at INTEGER NOT NULL,
  entry BLOB NOT NULL
);
)sql";

// v2: standing consent (issue 8). A rule names its verifier and credential inside the sealed value, so the plain
// columns say only that some rule exists; consent_rule_uses counts automatic answers for max_per_day.
constexpr std::string_view kWalletSchemaV2 = R"sql(
CREATE TABLE consent_rules (
  id TEXT PRIMARY KEY,
  created_at INTEGER NOT NULL,
  rule BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE consent_rule_uses (
  rule_id TEXT NOT NULL REFERENCES consent_rules(id) ON DELETE CASCADE,
  used_at INTEGER NOT NULL
);
CREATE INDEX consent_rule_uses_by_rule ON consent_rule_uses (rule_id, used_at);
CREATE TABLE always_ask (
  credential_id TEXT PRIMARY KEY REFERENCES credentials(id) ON DELETE CASCADE,
  claim_paths BLOB NOT NULL
) WITHOUT ROWID;
)sql";

const std::string_view kMigrations[] = {kWalletSchemaV1, kWalletSchemaV2};
constexpr int kSchemaVersion = 2;

// Wipes a std::string that held a secret (a private JWK's JSON) before it is freed.
struct StringWiper {
  std::string& text;
  ~StringWiper() {
    if (!text.empty()) sodium_memzero(text.data(), text.size());
  }
};

std::string copy_row(std::string_view credential_id, std::int64_t copy_index) {
  return std::string(credential_id) + "/" + std::to_string(copy_index);
}

Result<WrappedDataKey> read_wrapped(SQLite::Database& connection, bool& found) {
  SQLite::Statement query(connection,
                          "SELECT format_version, kdf_algorithm, kdf_opslimit, kdf_memlimit, salt, nonce, wrapped_key "
                          "FROM vault WHERE id = 1");
  found = query.executeStep();
  WrappedDataKey wrapped;
  if (!found) return wrapped;
  const std::int64_t version = query.getColumn(0).getInt64();
  const std::int64_t algorithm = query.getColumn(1).getInt64();
  const auto salt = column_bytes(query.getColumn(4));
  const auto nonce = column_bytes(query.getColumn(5));
  // A value that does not fit its field is an edited file: it must fail like any other altered byte.
  if (version < 0 || version > 255 || algorithm < 0 || algorithm > 255 || salt.size() != wrapped.salt.size() ||
      nonce.size() != wrapped.nonce.size()) {
    return fail(ErrorCode::wrong_passphrase, "the passphrase does not unlock this wallet");
  }
  wrapped.format_version = static_cast<std::uint8_t>(version);
  wrapped.kdf.algorithm = static_cast<int>(algorithm);
  wrapped.kdf.opslimit = static_cast<std::uint64_t>(query.getColumn(2).getInt64());
  wrapped.kdf.memlimit = static_cast<std::uint64_t>(query.getColumn(3).getInt64());
  std::copy(salt.begin(), salt.end(), wrapped.salt.begin());
  std::copy(nonce.begin(), nonce.end(), wrapped.nonce.begin());
  const auto ciphertext = column_bytes(query.getColumn(6));
  wrapped.ciphertext.assign(ciphertext.begin(), ciphertext.end());
  return wrapped;
}

void write_wrapped(SQLite::Database& connection, const WrappedDataKey& wrapped, bool insert) {
  SQLite::Statement statement(
      connection, insert ? "INSERT INTO vault (format_version, kdf_algorithm, kdf_opslimit, kdf_memlimit, salt, "
                           "nonce, wrapped_key, id) VALUES (?, ?, ?, ?, ?, ?, ?, 1)"
                         : "UPDATE vault SET format_version = ?, kdf_algorithm = ?, kdf_opslimit = ?, "
                           "kdf_memlimit = ?, salt = ?, nonce = ?, wrapped_key = ? WHERE id = 1");
  statement.bind(1, static_cast<int>(wrapped.format_version));
  statement.bind(2, wrapped.kdf.algorithm);
  statement.bind(3, static_cast<std::int64_t>(wrapped.kdf.opslimit));
  statement.bind(4, static_cast<std::int64_t>(wrapped.kdf.memlimit));
  bind_bytes(statement, 5, wrapped.salt);
  bind_bytes(statement, 6, wrapped.nonce);
  bind_bytes(statement, 7, wrapped.ciphertext);
  statement.exec();
}

// The parameters a re-wrap uses: the target, but never weaker than what is stored already.
KdfParams stronger_of(const KdfParams& stored, const KdfParams& target) {
  KdfParams params = target;
  if (stored.algorithm == target.algorithm) {
    params.opslimit = std::max(stored.opslimit, target.opslimit);
    params.memlimit = std::max(stored.memlimit, target.memlimit);
  }
  return params;
}

constexpr const char* kCredentialColumns =
    "c.id, c.vct, c.issuer, c.display, c.received_at, "
    "(SELECT count(*) FROM credential_copies k WHERE k.credential_id = c.id), "
    "(SELECT count(*) FROM credential_copies k WHERE k.credential_id = c.id AND k.verifier_count = 0)";

Result<StoredCredential> read_credential(SQLite::Statement& row) {
  StoredCredential credential;
  credential.id = row.getColumn(0).getString();
  credential.vct = row.getColumn(1).getString();
  credential.issuer = row.getColumn(2).getString();
  const std::string display = row.getColumn(3).getString();
  credential.display = Json::parse(display, nullptr, false);
  if (credential.display.is_discarded()) return fail(ErrorCode::storage_error, "stored display metadata is corrupt");
  credential.received_at = row.getColumn(4).getInt64();
  credential.copies = static_cast<std::size_t>(row.getColumn(5).getInt64());
  credential.unused_copies = static_cast<std::size_t>(row.getColumn(6).getInt64());
  return credential;
}

}  // namespace

SqliteWalletStore::SqliteWalletStore(std::unique_ptr<platform::SqliteDatabase> database,
                                     const SqliteWalletStoreOptions& options)
    : database_(std::move(database)), options_(options) {}

SqliteWalletStore::~SqliteWalletStore() = default;

int SqliteWalletStore::schema_version() { return kSchemaVersion; }

Result<std::unique_ptr<SqliteWalletStore>> SqliteWalletStore::open(const std::string& path,
                                                                   const SqliteWalletStoreOptions& options) {
  VEIL_CHECK(check_kdf_params(options.kdf_target));
  if (options.max_copies == 0) return fail(ErrorCode::invalid_argument, "max_copies must be at least 1");
  VEIL_TRY(auto database, platform::SqliteDatabase::open(path, kMigrations));
  return std::unique_ptr<SqliteWalletStore>(new SqliteWalletStore(std::move(database), options));
}

Result<KdfParams> SqliteWalletStore::stored_kdf_params() {
  std::lock_guard lock(mutex_);
  return sqlite_call("read kdf parameters", [&]() -> Result<KdfParams> {
    bool found = false;
    VEIL_TRY(WrappedDataKey wrapped, read_wrapped(database_->connection(), found));
    if (!found) return fail(ErrorCode::invalid_argument, "the wallet is not initialized");
    return wrapped.kdf;
  });
}

Result<bool> SqliteWalletStore::is_initialized() {
  std::lock_guard lock(mutex_);
  return sqlite_call("read vault", [&]() -> Result<bool> {
    SQLite::Statement query(database_->connection(), "SELECT 1 FROM vault WHERE id = 1");
    return query.executeStep();
  });
}

bool SqliteWalletStore::is_locked() {
  std::lock_guard lock(mutex_);
  return !vault_.has_value();
}

Status SqliteWalletStore::initialize(const SecretBytes& passphrase, const KdfParams& kdf) {
  VEIL_TRY(auto created, Vault::create(passphrase, kdf));  // Argon2id runs outside the lock
  std::lock_guard lock(mutex_);
  return sqlite_call("initialize vault", [&]() -> Status {
    auto& connection = database_->connection();
    SQLite::Transaction transaction(connection, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement query(connection, "SELECT 1 FROM vault WHERE id = 1");
    if (query.executeStep()) return fail(ErrorCode::invalid_argument, "the wallet is already initialized");
    query.reset();
    write_wrapped(connection, created.wrapped, true);
    transaction.commit();
    vault_.emplace(std::move(created.vault));
    return {};
  });
}

Status SqliteWalletStore::unlock(const SecretBytes& passphrase) {
  Result<WrappedDataKey> stored = [&]() -> Result<WrappedDataKey> {
    std::lock_guard lock(mutex_);
    return sqlite_call("read vault", [&]() -> Result<WrappedDataKey> {
      bool found = false;
      VEIL_TRY(WrappedDataKey wrapped, read_wrapped(database_->connection(), found));
      if (!found) return fail(ErrorCode::invalid_argument, "the wallet is not initialized");
      return wrapped;
    });
  }();
  if (!stored) return tl::unexpected(std::move(stored.error()));
  // Argon2id takes its time without holding the lock, so is_locked and friends answer meanwhile.
  VEIL_TRY(Vault vault, Vault::unlock(passphrase, *stored));

  // Rehash on unlock: raise weaker stored parameters to the target. A failed upgrade leaves the old wrap in place
  // and the wallet unlocked; the next unlock tries again.
  std::optional<WrappedDataKey> upgraded;
  if (stored->kdf.weaker_than(options_.kdf_target)) {
    auto rewrapped = vault.rewrap(passphrase, stronger_of(stored->kdf, options_.kdf_target));
    if (rewrapped) upgraded = std::move(*rewrapped);
  }

  std::lock_guard lock(mutex_);
  if (upgraded) {
    (void)sqlite_call("upgrade kdf parameters", [&]() -> Status {
      auto& connection = database_->connection();
      SQLite::Transaction transaction(connection, SQLite::TransactionBehavior::IMMEDIATE);
      // Only over the record this unlock read: a passphrase change in between wins.
      SQLite::Statement query(connection, "SELECT wrapped_key FROM vault WHERE id = 1");
      if (!query.executeStep()) return {};
      const auto current = column_bytes(query.getColumn(0));
      if (!std::equal(current.begin(), current.end(), stored->ciphertext.begin(), stored->ciphertext.end())) {
        return {};
      }
      query.reset();
      write_wrapped(connection, *upgraded, false);
      transaction.commit();
      return {};
    });
  }
  vault_.emplace(std::move(vault));
  return {};
}

Status SqliteWalletStore::change_passphrase(const SecretBytes& old_passphrase, const SecretBytes& new_passphrase) {
  if (new_passphrase.empty()) return fail(ErrorCode::invalid_argument, "the new passphrase is empty");
  Result<WrappedDataKey> stored = [&]() -> Result<WrappedDataKey> {
    std::lock_guard lock(mutex_);
    return sqlite_call("read vault", [&]() -> Result<WrappedDataKey> {
      bool found = false;
      VEIL_TRY(WrappedDataKey wrapped, read_wrapped(database_->connection(), found));
      if (!found) return fail(ErrorCode::invalid_argument, "the wallet is not initialized");
      return wrapped;
    });
  }();
  if (!stored) return tl::unexpected(std::move(stored.error()));
  VEIL_TRY(Vault vault, Vault::unlock(old_passphrase, *stored));
  VEIL_TRY(WrappedDataKey rewrapped, vault.rewrap(new_passphrase, stronger_of(stored->kdf, options_.kdf_target)));
  std::lock_guard lock(mutex_);
  return sqlite_call("change passphrase", [&]() -> Status {
    write_wrapped(database_->connection(), rewrapped, false);
    return {};
  });
}

void SqliteWalletStore::lock() {
  std::lock_guard lock(mutex_);
  vault_.reset();  // ~SecretBytes wipes the data key
}

Result<std::string> SqliteWalletStore::add_credential(const NewCredential& credential) {
  if (credential.copies.empty()) return fail(ErrorCode::invalid_argument, "a credential needs at least one copy");
  if (credential.copies.size() > options_.max_copies) return fail(ErrorCode::invalid_argument, "too many copies");
  if (credential.vct.empty() || credential.issuer.empty()) {
    return fail(ErrorCode::invalid_argument, "a credential needs its vct and issuer");
  }
  if (!credential.claims.is_object()) return fail(ErrorCode::invalid_argument, "claims are not a json object");
  if (!credential.display.is_object()) return fail(ErrorCode::invalid_argument, "display is not a json object");
  for (const auto& copy : credential.copies) {
    if (copy.sd_jwt.empty()) return fail(ErrorCode::invalid_argument, "a copy has no sd-jwt");
  }
  VEIL_TRY(const std::string display, dump_json(credential.display));
  VEIL_TRY(std::string claims, dump_json(credential.claims));
  const StringWiper wipe_claims{claims};

  std::lock_guard lock(mutex_);
  if (!vault_) return fail(ErrorCode::wallet_locked, std::string(kLockedMessage));
  const Vault& vault = *vault_;
  const SecretBytes id_bytes = SecretBytes::random(16);
  const std::string id = base64url_encode(id_bytes.reveal());

  VEIL_TRY(const auto sealed_claims, vault.seal(claims, aad_for("credentials", id, "claims")));
  return sqlite_call("add credential", [&]() -> Result<std::string> {
    auto& connection = database_->connection();
    SQLite::Transaction transaction(connection, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement insert(connection,
                             "INSERT INTO credentials (id, vct, issuer, display, received_at, claims) "
                             "VALUES (?, ?, ?, ?, ?, ?)");
    insert.bind(1, id);
    insert.bind(2, credential.vct);
    insert.bind(3, credential.issuer);
    insert.bind(4, display);
    insert.bind(5, credential.received_at);
    bind_bytes(insert, 6, sealed_claims);
    insert.exec();
    SQLite::Statement insert_copy(connection,
                                  "INSERT INTO credential_copies (credential_id, copy_index, sd_jwt, holder_key) "
                                  "VALUES (?, ?, ?, ?)");
    for (std::size_t index = 0; index < credential.copies.size(); ++index) {
      const auto& copy = credential.copies[index];
      const std::string row = copy_row(id, static_cast<std::int64_t>(index));
      VEIL_TRY(const auto sealed_sd_jwt, vault.seal(copy.sd_jwt, aad_for("credential_copies", row, "sd_jwt")));
      std::string key_json = copy.holder_key.to_json().dump();
      const StringWiper wipe_key{key_json};
      VEIL_TRY(const auto sealed_key, vault.seal(key_json, aad_for("credential_copies", row, "holder_key")));
      insert_copy.bind(1, id);
      insert_copy.bind(2, static_cast<std::int64_t>(index));
      bind_bytes(insert_copy, 3, sealed_sd_jwt);
      bind_bytes(insert_copy, 4, sealed_key);
      insert_copy.exec();
      insert_copy.reset();
    }
    transaction.commit();  // synchronous=FULL: on disk when commit returns
    return id;
  });
}

Result<std::vector<StoredCredential>> SqliteWalletStore::list_credentials() {
  std::lock_guard lock(mutex_);
  if (!vault_) return fail(ErrorCode::wallet_locked, std::string(kLockedMessage));
  return sqlite_call("list credentials", [&]() -> Result<std::vector<StoredCredential>> {
    SQLite::Statement query(database_->connection(), std::string("SELECT ") + kCredentialColumns +
                                                         " FROM credentials c ORDER BY c.received_at DESC, c.seq DESC");
    std::vector<StoredCredential> credentials;
    while (query.executeStep()) {
      VEIL_TRY(auto credential, read_credential(query));
      credentials.push_back(std::move(credential));
    }
    return credentials;
  });
}

Result<StoredCredential> SqliteWalletStore::find_credential(std::string_view credential_id) {
  std::lock_guard lock(mutex_);
  if (!vault_) return fail(ErrorCode::wallet_locked, std::string(kLockedMessage));
  return sqlite_call("find credential", [&]() -> Result<StoredCredential> {
    SQLite::Statement query(database_->connection(),
                            std::string("SELECT ") + kCredentialColumns + " FROM credentials c WHERE c.id = ?");
    query.bind(1, std::string(credential_id));
    if (!query.executeStep()) return fail(ErrorCode::not_found, "no stored credential has this id");
    return read_credential(query);
  });
}

Result<Json> SqliteWalletStore::credential_claims(std::string_view credential_id) {
  std::lock_guard lock(mutex_);
  if (!vault_) return fail(ErrorCode::wallet_locked, std::string(kLockedMessage));
  return sqlite_call("read credential claims", [&]() -> Result<Json> {
    SQLite::Statement query(database_->connection(), "SELECT claims FROM credentials WHERE id = ?");
    query.bind(1, std::string(credential_id));
    if (!query.executeStep()) return fail(ErrorCode::not_found, "no stored credential has this id");
    return load_sealed_json(*vault_, column_bytes(query.getColumn(0)),
                            aad_for("credentials", credential_id, "claims"));
  });
}

Status SqliteWalletStore::delete_credential(std::string_view credential_id) {
  std::lock_guard lock(mutex_);
  if (!vault_) return fail(ErrorCode::wallet_locked, std::string(kLockedMessage));
  return sqlite_call("delete credential", [&]() -> Status {
    auto& connection = database_->connection();
    SQLite::Statement erase(connection, "DELETE FROM credentials WHERE id = ?");  // copies cascade
    erase.bind(1, std::string(credential_id));
    if (erase.exec() == 0) return fail(ErrorCode::not_found, "no stored credential has this id");
    // secure_delete zeroes the freed pages in the database file, but the WAL still holds the old pages until a
    // checkpoint (ATTACKS.md "Wallet data at rest"): copy them back and truncate the -wal to zero bytes.
    SQLite::Statement checkpoint(connection, "PRAGMA wal_checkpoint(TRUNCATE)");
    if (checkpoint.executeStep() && checkpoint.getColumn(0).getInt() != 0) {
      return fail(ErrorCode::storage_error, "credential deleted, but another connection kept the wal from being "
                                            "checkpointed");
    }
    return {};
  });
}

Result<TakenCopy> SqliteWalletStore::take_copy_for_verifier(std::string_view credential_id,
                                                            std::string_view verifier_client_id) {
  std::lock_guard lock(mutex_);
  if (!vault_) return fail(ErrorCode::wallet_locked, std::string(kLockedMessage));
  const Vault& vault = *vault_;
  const auto tag = vault.lookup_tag("verifier", verifier_client_id);
  const std::string id(credential_id);
  return sqlite_call("take credential copy", [&]() -> Result<TakenCopy> {
    auto& connection = database_->connection();
    SQLite::Transaction transaction(connection, SQLite::TransactionBehavior::IMMEDIATE);
    bool same_verifier_again = false;
    bool exhausted = false;
    std::optional<std::int64_t> index;

    // 1. A copy this verifier has seen already: showing it again tells the verifier nothing new.
    SQLite::Statement seen(connection,
                           "SELECT copy_index FROM copy_verifiers WHERE credential_id = ? AND verifier_tag = ? "
                           "ORDER BY uses DESC, copy_index LIMIT 1");
    seen.bind(1, id);
    bind_bytes(seen, 2, tag);
    if (seen.executeStep()) {
      index = seen.getColumn(0).getInt64();
      same_verifier_again = true;
      SQLite::Statement count(connection,
                              "UPDATE copy_verifiers SET uses = uses + 1 WHERE credential_id = ? AND copy_index = ? "
                              "AND verifier_tag = ?");
      count.bind(1, id);
      count.bind(2, *index);
      bind_bytes(count, 3, tag);
      count.exec();
    } else {
      // 2. An unused copy, else 3. the copy fewest verifiers have seen (now linkable: report exhausted).
      SQLite::Statement pick(connection,
                             "SELECT copy_index, verifier_count FROM credential_copies WHERE credential_id = ? "
                             "ORDER BY verifier_count, copy_index LIMIT 1");
      pick.bind(1, id);
      if (!pick.executeStep()) return fail(ErrorCode::not_found, "no stored credential has this id");
      index = pick.getColumn(0).getInt64();
      exhausted = pick.getColumn(1).getInt64() > 0;
      pick.reset();
      SQLite::Statement mark(connection,
                             "UPDATE credential_copies SET verifier_count = verifier_count + 1 "
                             "WHERE credential_id = ? AND copy_index = ?");
      mark.bind(1, id);
      mark.bind(2, *index);
      mark.exec();
      SQLite::Statement remember(connection,
                                 "INSERT INTO copy_verifiers (credential_id, copy_index, verifier_tag) VALUES (?, ?, ?)");
      remember.bind(1, id);
      remember.bind(2, *index);
      bind_bytes(remember, 3, tag);
      remember.exec();
    }
    seen.reset();

    SQLite::Statement read(connection,
                           "SELECT sd_jwt, holder_key FROM credential_copies WHERE credential_id = ? AND copy_index = ?");
    read.bind(1, id);
    read.bind(2, *index);
    if (!read.executeStep()) return fail(ErrorCode::storage_error, "a chosen copy disappeared");
    const std::string row = copy_row(id, *index);
    VEIL_TRY(SecretBytes sd_jwt, vault.open(column_bytes(read.getColumn(0)), aad_for("credential_copies", row, "sd_jwt")));
    VEIL_TRY(Json key_json, load_sealed_json(vault, column_bytes(read.getColumn(1)),
                                             aad_for("credential_copies", row, "holder_key")));
    auto holder_key = PrivateJwk::parse(key_json);
    if (key_json.contains("d") && key_json["d"].is_string()) {
      auto& d = key_json["d"].get_ref<std::string&>();
      sodium_memzero(d.data(), d.size());
    }
    if (!holder_key) return fail(ErrorCode::sealed_data_corrupt, "a sealed holder key is not a private jwk");
    read.reset();
    transaction.commit();
    return TakenCopy{id, static_cast<std::size_t>(*index),
                     CredentialCopy{std::string(as_text(sd_jwt)), std::move(*holder_key)}, same_verifier_again,
                     exhausted};
  });
}

Result<std::int64_t> SqliteWalletStore::record_disclosure(const DisclosureRecord& record) {
  if (record.verifier_client_id.empty()) return fail(ErrorCode::invalid_argument, "a history entry needs a verifier");
  Json paths = Json::array();
  for (const auto& path : record.claim_paths) {
    if (!ClaimPath::from_json(path)) return fail(ErrorCode::invalid_argument, "a history entry has a bad claim path");
    paths.push_back(path);
  }
  Json entry = {{"verifier", record.verifier_client_id},
                {"credential_id", record.credential_id},
                {"vct", record.vct},
                {"claim_paths", paths},
                {"outcome", disclosure_outcome_name(record.outcome)}};
  if (!record.rule_id.empty()) entry["rule_id"] = record.rule_id;
  VEIL_TRY(const std::string text, dump_json(entry));
  std::lock_guard lock(mutex_);
  if (!vault_) return fail(ErrorCode::wallet_locked, std::string(kLockedMessage));
  return sqlite_call("record disclosure", [&]() -> Result<std::int64_t> {
    auto& connection = database_->connection();
    SQLite::Transaction transaction(connection, SQLite::TransactionBehavior::IMMEDIATE);
    // The row id is part of the AAD, so the row exists first and gets its sealed entry second.
    SQLite::Statement insert(connection, "INSERT INTO history (recorded_at, entry) VALUES (?, x'')");
    insert.bind(1, record.time);
    insert.exec();
    const std::int64_t id = connection.getLastInsertRowid();
    VEIL_TRY(const auto sealed, vault_->seal(text, aad_for("history", std::to_string(id), "entry")));
    SQLite::Statement update(connection, "UPDATE history SET entry = ? WHERE id = ?");
    bind_bytes(update, 1, sealed);
    update.bind(2, id);
    update.exec();
    transaction.commit();
    return id;
  });
}

Status SqliteWalletStore::set_disclosure_outcome(std::int64_t id, DisclosureOutcome outcome) {
  std::lock_guard lock(mutex_);
  if (!vault_) return fail(ErrorCode::wallet_locked, std::string(kLockedMessage));
  return sqlite_call("update disclosure outcome", [&]() -> Status {
    auto& connection = database_->connection();
    SQLite::Transaction transaction(connection, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement query(connection, "SELECT entry FROM history WHERE id = ?");
    query.bind(1, id);
    if (!query.executeStep()) return fail(ErrorCode::not_found, "no history entry has this id");
    const std::string row = std::to_string(id);  // Aad holds views: the row text must outlive it
    const auto aad = aad_for("history", row, "entry");
    VEIL_TRY(Json entry, load_sealed_json(*vault_, column_bytes(query.getColumn(0)), aad));
    entry["outcome"] = disclosure_outcome_name(outcome);
    VEIL_TRY(const std::string text, dump_json(entry));
    VEIL_TRY(const auto sealed_entry, vault_->seal(text, aad));
    SQLite::Statement update(connection, "UPDATE history SET entry = ? WHERE id = ?");
    bind_bytes(update, 1, sealed_entry);
    update.bind(2, id);
    update.exec();
    transaction.commit();
    return {};
  });
}

Result<std::vector<DisclosureRecord>> SqliteWalletStore::list_history() {
  std::lock_guard lock(mutex_);
  if (!vault_) return fail(ErrorCode::wallet_locked, std::string(kLockedMessage));
  return sqlite_call("list history", [&]() -> Result<std::vector<DisclosureRecord>> {
    SQLite::Statement query(database_->connection(),
                            "SELECT id, recorded_at, entry FROM history ORDER BY recorded_at DESC, id DESC");
    std::vector<DisclosureRecord> records;
    while (query.executeStep()) {
      DisclosureRecord record;
      record.id = query.getColumn(0).getInt64();
      record.time = query.getColumn(1).getInt64();
      VEIL_TRY(const Json entry, load_sealed_json(*vault_, column_bytes(query.getColumn(2)),
                                                   aad_for("history", std::to_string(record.id), "entry")));
      try {
        record.verifier_client_id = entry.at("verifier").get<std::string>();
        record.credential_id = entry.at("credential_id").get<std::string>();
        record.vct = entry.at("vct").get<std::string>();
        for (const auto& path : entry.at("claim_paths")) record.claim_paths.push_back(path);
        VEIL_TRY(record.outcome, parse_disclosure_outcome(entry.at("outcome").get<std::string>()));
        if (entry.contains("rule_id")) record.rule_id = entry.at("rule_id").get<std::string>();
      } catch (const Json::exception&) {
        return fail(ErrorCode::sealed_data_corrupt, "a history entry is malformed");
      }
      records.push_back(std::move(record));
    }
    return records;
  });
}

}  // namespace veil::wallet
