// SqliteWalletStore: the WalletStore in one SQLite file, <data-dir>/wallet.db (mode 0600, WAL, synchronous=FULL,
// secure_delete), opened through platform::SqliteDatabase with the wallet's schema migrations.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "wallet/vault.h"
#include "wallet/wallet_store.h"

namespace veil::platform {
class SqliteDatabase;
}

namespace veil::wallet {

/// kWalletDatabaseFile is the store's file name inside the wallet's data directory.
inline constexpr const char* kWalletDatabaseFile = "wallet.db";

/// SqliteWalletStoreOptions are the store's fixed settings.
struct SqliteWalletStoreOptions {
  KdfParams kdf_target = KdfParams::defaults();  // unlock re-wraps the data key when the stored parameters are weaker
  std::size_t max_copies = 100;                  // copies per credential
};

/// SqliteWalletStore keeps the wallet in the SQLite file at a path. One connection, guarded by a mutex: every method
/// runs as one transaction.
class SqliteWalletStore final : public WalletStore {
 public:
  /// open opens (creating when absent: directory 0700, file 0600) and migrates the database at |path|; the store
  /// starts locked. Fails with storage_error when it cannot be opened or migrated, unsupported_storage_version
  /// when its schema is newer than this program, invalid_argument when options.kdf_target is refused by
  /// check_kdf_params or max_copies is 0.
  static Result<std::unique_ptr<SqliteWalletStore>> open(const std::string& path,
                                                         const SqliteWalletStoreOptions& options = {});

  /// schema_version returns the PRAGMA user_version this program migrates the database to; it is also the schema
  /// version every sealed value's AAD names.
  static int schema_version();

  ~SqliteWalletStore() override;

  /// stored_kdf_params returns the KDF parameters the data key is wrapped under now (for tests and diagnostics).
  /// Fails with invalid_argument when the store is not initialized, storage_error.
  Result<KdfParams> stored_kdf_params();

  Result<bool> is_initialized() override;
  bool is_locked() override;
  Status initialize(const SecretBytes& passphrase, const KdfParams& kdf) override;
  Status unlock(const SecretBytes& passphrase) override;
  Status change_passphrase(const SecretBytes& old_passphrase, const SecretBytes& new_passphrase) override;
  void lock() override;
  Result<std::string> add_credential(const NewCredential& credential) override;
  Result<std::vector<StoredCredential>> list_credentials() override;
  Result<StoredCredential> find_credential(std::string_view credential_id) override;
  Result<Json> credential_claims(std::string_view credential_id) override;
  Status delete_credential(std::string_view credential_id) override;
  Result<TakenCopy> take_copy_for_verifier(std::string_view credential_id,
                                           std::string_view verifier_client_id) override;
  Result<std::int64_t> record_disclosure(const DisclosureRecord& record) override;
  Status set_disclosure_outcome(std::int64_t id, DisclosureOutcome outcome) override;
  Result<std::vector<DisclosureRecord>> list_history() override;
  // Standing consent: sqlite_consent_rules.cpp.
  Result<std::string> add_consent_rule(const ConsentRule& rule) override;
  Result<std::vector<ConsentRule>> list_consent_rules() override;
  Status delete_consent_rule(std::string_view rule_id) override;
  Result<std::int64_t> consent_rule_uses(std::string_view rule_id, std::int64_t since) override;
  Result<bool> use_consent_rule(std::string_view rule_id, std::int64_t now, std::int64_t since,
                                std::int64_t max_uses) override;
  Status set_always_ask(std::string_view credential_id, const std::vector<ClaimPath>& paths) override;
  Result<std::vector<ClaimPath>> always_ask(std::string_view credential_id) override;

 private:
  SqliteWalletStore(std::unique_ptr<platform::SqliteDatabase> database, const SqliteWalletStoreOptions& options);

  std::mutex mutex_;
  std::unique_ptr<platform::SqliteDatabase> database_;
  SqliteWalletStoreOptions options_;
  std::optional<Vault> vault_;  // set while unlocked
};

}  // namespace veil::wallet
