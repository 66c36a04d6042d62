// SqliteTransactionStore: the TransactionStore in one SQLite file (WAL, synchronous=FULL, secure_delete so a
// purged result does not linger in free pages), opened through platform::SqliteDatabase.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "verifier/transaction_store.h"

namespace veil::platform {
class SqliteDatabase;
}

namespace veil::verifier {

/// SqliteTransactionStore keeps transactions in the SQLite file at a path. One connection guarded by a mutex;
/// every method is one statement or one transaction.
class SqliteTransactionStore final : public TransactionStore {
 public:
  /// open opens (creating when absent: directory 0700, file 0600) and migrates the database at |path|. Fails
  /// with storage_error or unsupported_storage_version.
  static Result<std::unique_ptr<SqliteTransactionStore>> open(const std::string& path);

  ~SqliteTransactionStore() override;

  Status create(const NewTransaction& transaction) override;
  Result<std::optional<TransactionRecord>> find(std::string_view id) override;
  using TransactionStore::complete;
  Result<CompletionOutcome> complete(std::string_view id, TransactionStatus status, const Json& result,
                                     std::int64_t now, const std::optional<std::string>& response_code_hash) override;
  Result<bool> redeem_response_code(std::string_view id, std::int64_t now) override;
  Result<PurgeCounts> purge(std::int64_t now, std::int64_t retention_seconds) override;

 private:
  explicit SqliteTransactionStore(std::unique_ptr<platform::SqliteDatabase> database);

  std::mutex mutex_;
  std::unique_ptr<platform::SqliteDatabase> database_;
};

}  // namespace veil::verifier
