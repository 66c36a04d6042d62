// SqliteIssuerStore: the IssuerStore in one SQLite file (WAL, synchronous=FULL, secure_delete), opened through
// platform::SqliteDatabase with the issuer's schema migrations.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>

#include "issuer/issuer_store.h"

namespace veil::platform {
class SqliteDatabase;
}

namespace veil::issuer {

/// SqliteIssuerStoreOptions are the store's fixed limits.
struct SqliteIssuerStoreOptions {
  int max_tx_code_attempts = 5;          // wrong tx_codes before the code dies (ATTACKS P14)
  std::size_t status_list_size = 131072; // indices per new status list (TSL §12.5: large lists hide in the herd)
  int status_list_bits = 2;              // 2 bits: valid, invalid and suspended
  std::size_t max_batch_size = 100;      // credentials per issue_credentials call
};

/// SqliteIssuerStore keeps the issuer's state in the SQLite file at a path. One connection, guarded by a mutex:
/// every method runs as one transaction.
class SqliteIssuerStore final : public IssuerStore {
 public:
  /// open opens (creating when absent: directory 0700, file 0600) and migrates the database at |path|. Fails with
  /// storage_error when it cannot be opened or migrated, unsupported_storage_version when its schema is newer than
  /// this program, and invalid_argument for options out of range (bits not 1, 2, 4 or 8 or too few for
  /// suspended, a list size of 0, attempts < 1, batch size < 1).
  static Result<std::unique_ptr<SqliteIssuerStore>> open(const std::string& path,
                                                         const SqliteIssuerStoreOptions& options = {});

  /// schema_version returns the PRAGMA user_version this program migrates the database to.
  static int schema_version();

  ~SqliteIssuerStore() override;

  Status create_offer(const NewOffer& offer) override;
  Result<std::optional<OfferView>> find_offer(const SecretHash& offer_id_hash, std::int64_t now) override;
  Result<RedeemResult> redeem_pre_authorized_code(const RedeemRequest& request) override;
  Result<std::optional<AccessTokenGrant>> find_access_token(const SecretHash& access_token_hash,
                                                           std::int64_t now) override;
  Status store_c_nonce(const SecretHash& c_nonce_hash, std::int64_t expires_at) override;
  Result<bool> consume_c_nonce(const SecretHash& c_nonce_hash, std::int64_t now) override;
  Result<std::vector<CredentialAllocation>> issue_credentials(const IssuanceRequest& request,
                                                              const SignBatch& sign) override;
  Result<IssuedCredentialRecord> find_issued_credential(std::string_view credential_id) override;
  Result<IssuedCredentialPage> list_issued_credentials(std::int64_t cursor, std::size_t limit) override;
  Result<IssuedCredentialRecord> set_credential_status(std::string_view credential_id, CredentialStatus status,
                                                       std::int64_t now) override;
  Result<StatusList> read_status_list(std::int64_t list_id) override;
  Result<std::vector<StatusListInfo>> list_status_lists() override;
  Result<PurgeCounts> purge_expired(std::int64_t now) override;

 private:
  SqliteIssuerStore(std::unique_ptr<platform::SqliteDatabase> database, const SqliteIssuerStoreOptions& options);

  std::mutex mutex_;
  std::unique_ptr<platform::SqliteDatabase> database_;
  SqliteIssuerStoreOptions options_;
};

}  // namespace veil::issuer
