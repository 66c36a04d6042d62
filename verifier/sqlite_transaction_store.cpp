#include "verifier/sqlite_transaction_store.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include "veil/platform/sqlite_database.h"

namespace veil::verifier {
namespace {

using platform::sqlite_call;

// status: 0 pending, 1 verified, 2 failed. result holds personal data (released claims) until purged.
constexpr std::string_view kSchemaV1 = R"sql(
CREATE TABLE transactions (
  id TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  nonce TEXT NOT NULL UNIQUE,
  client_id TEXT NOT NULL,
  mode INTEGER NOT NULL CHECK (mode IN (0, 1)),
  policy TEXT NOT NULL,
  relying_party TEXT NOT NULL,
  webhook_url TEXT,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  status INTEGER NOT NULL DEFAULT 0 CHECK (status IN (0, 1, 2)),
  result TEXT,
  completed_at INTEGER
) WITHOUT ROWID;
CREATE INDEX transactions_by_expiry ON transactions (status, expires_at);
CREATE INDEX transactions_by_completion ON transactions (completed_at);
)sql";
// v2 (OpenID4VP 1.0 §8.2, §8.3): response_mode 0 direct_post, 1 direct_post.jwt; response_key the private JWK of
// a direct_post.jwt transaction until it completes; redirect_uri and the SHA-256 of the response_code handed out
// with it, used once.
constexpr std::string_view kSchemaV2 = R"sql(
ALTER TABLE transactions ADD COLUMN response_mode INTEGER NOT NULL DEFAULT 0 CHECK (response_mode IN (0, 1));
ALTER TABLE transactions ADD COLUMN response_key TEXT;
ALTER TABLE transactions ADD COLUMN redirect_uri TEXT;
ALTER TABLE transactions ADD COLUMN response_code_hash TEXT;
ALTER TABLE transactions ADD COLUMN response_code_redeemed_at INTEGER;
)sql";
const std::string_view kMigrations[] = {kSchemaV1, kSchemaV2};

Result<std::string> dump_json(const Json& value) {
  try {
    return value.dump();
  } catch (const std::exception&) {
    return fail(ErrorCode::invalid_argument, "json with invalid utf-8 cannot be stored");
  }
}

Result<Json> load_json(const std::string& text) {
  Json value = Json::parse(text, nullptr, false);
  if (value.is_discarded()) return fail(ErrorCode::storage_error, "stored json is corrupt");
  return value;
}

}  // namespace

SqliteTransactionStore::SqliteTransactionStore(std::unique_ptr<platform::SqliteDatabase> database)
    : database_(std::move(database)) {}

SqliteTransactionStore::~SqliteTransactionStore() = default;

Result<std::unique_ptr<SqliteTransactionStore>> SqliteTransactionStore::open(const std::string& path) {
  VEIL_TRY(auto database, platform::SqliteDatabase::open(path, kMigrations));
  return std::unique_ptr<SqliteTransactionStore>(new SqliteTransactionStore(std::move(database)));
}

Status SqliteTransactionStore::create(const NewTransaction& transaction) {
  if (transaction.id.empty() || transaction.state.empty() || transaction.nonce.empty() ||
      transaction.client_id.empty()) {
    return fail(ErrorCode::invalid_argument, "a transaction needs an id, state, nonce and client_id");
  }
  if (transaction.expires_at <= transaction.created_at) {
    return fail(ErrorCode::invalid_argument, "a transaction must expire after it is created");
  }
  VEIL_TRY(const std::string policy, dump_json(transaction.policy));
  std::lock_guard lock(mutex_);
  return sqlite_call("create transaction", [&]() -> Status {
    SQLite::Statement insert(database_->connection(),
                             "INSERT INTO transactions (id, state, nonce, client_id, mode, policy, relying_party, "
                             "webhook_url, created_at, expires_at, response_mode, response_key, redirect_uri) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, transaction.id);
    insert.bind(2, transaction.state);
    insert.bind(3, transaction.nonce);
    insert.bind(4, transaction.client_id);
    insert.bind(5, transaction.mode == RequestMode::by_value ? 1 : 0);
    insert.bind(6, policy);
    insert.bind(7, transaction.relying_party);
    if (transaction.webhook_url) insert.bind(8, *transaction.webhook_url);
    insert.bind(9, transaction.created_at);
    insert.bind(10, transaction.expires_at);
    insert.bind(11, transaction.response_mode == ResponseMode::direct_post_jwt ? 1 : 0);
    if (transaction.response_key) insert.bind(12, *transaction.response_key);
    if (transaction.redirect_uri) insert.bind(13, *transaction.redirect_uri);
    insert.exec();
    return {};
  });
}

Result<std::optional<TransactionRecord>> SqliteTransactionStore::find(std::string_view id) {
  std::lock_guard lock(mutex_);
  return sqlite_call("find transaction", [&]() -> Result<std::optional<TransactionRecord>> {
    SQLite::Statement query(database_->connection(),
                            "SELECT id, state, nonce, client_id, mode, policy, relying_party, webhook_url, created_at, "
                            "expires_at, status, result, completed_at, response_mode, response_key, redirect_uri, "
                            "response_code_hash, response_code_redeemed_at FROM transactions WHERE id = ?");
    query.bind(1, std::string(id));
    if (!query.executeStep()) return std::optional<TransactionRecord>();
    TransactionRecord record;
    NewTransaction& t = record.transaction;
    t.id = query.getColumn(0).getString();
    t.state = query.getColumn(1).getString();
    t.nonce = query.getColumn(2).getString();
    t.client_id = query.getColumn(3).getString();
    t.mode = query.getColumn(4).getInt() == 1 ? RequestMode::by_value : RequestMode::by_reference;
    VEIL_TRY(t.policy, load_json(query.getColumn(5).getString()));
    t.relying_party = query.getColumn(6).getString();
    if (!query.getColumn(7).isNull()) t.webhook_url = query.getColumn(7).getString();
    t.created_at = query.getColumn(8).getInt64();
    t.expires_at = query.getColumn(9).getInt64();
    const int status = query.getColumn(10).getInt();
    if (status < 0 || status > 2) return fail(ErrorCode::storage_error, "stored transaction status is corrupt");
    record.status = static_cast<TransactionStatus>(status);
    if (!query.getColumn(11).isNull()) {
      VEIL_TRY(record.result, load_json(query.getColumn(11).getString()));
    }
    if (!query.getColumn(12).isNull()) record.completed_at = query.getColumn(12).getInt64();
    t.response_mode = query.getColumn(13).getInt() == 1 ? ResponseMode::direct_post_jwt : ResponseMode::direct_post;
    if (!query.getColumn(14).isNull()) t.response_key = query.getColumn(14).getString();
    if (!query.getColumn(15).isNull()) t.redirect_uri = query.getColumn(15).getString();
    if (!query.getColumn(16).isNull()) record.response_code_hash = query.getColumn(16).getString();
    if (!query.getColumn(17).isNull()) record.response_code_redeemed_at = query.getColumn(17).getInt64();
    return std::optional<TransactionRecord>(std::move(record));
  });
}

Result<CompletionOutcome> SqliteTransactionStore::complete(std::string_view id, TransactionStatus status,
                                                           const Json& result, std::int64_t now,
                                                           const std::optional<std::string>& response_code_hash) {
  if (status == TransactionStatus::pending) return fail(ErrorCode::invalid_argument, "completion needs a final status");
  VEIL_TRY(const std::string text, dump_json(result));
  std::lock_guard lock(mutex_);
  return sqlite_call("complete transaction", [&]() -> Result<CompletionOutcome> {
    // One conditional UPDATE: of two responses racing for the same transaction exactly one wins (VP §14.2). The
    // decryption key has served its one response and goes with it.
    SQLite::Statement update(database_->connection(),
                             "UPDATE transactions SET status = ?, result = ?, completed_at = ?, response_code_hash = ?, "
                             "response_key = NULL WHERE id = ? AND status = 0 AND expires_at > ?");
    update.bind(1, static_cast<int>(status));
    update.bind(2, text);
    update.bind(3, now);
    if (response_code_hash) update.bind(4, *response_code_hash);
    update.bind(5, std::string(id));
    update.bind(6, now);
    if (update.exec() == 1) return CompletionOutcome::completed;
    SQLite::Statement query(database_->connection(), "SELECT status FROM transactions WHERE id = ?");
    query.bind(1, std::string(id));
    if (!query.executeStep()) return CompletionOutcome::unknown;
    return query.getColumn(0).getInt() == 0 ? CompletionOutcome::expired : CompletionOutcome::already_completed;
  });
}

Result<bool> SqliteTransactionStore::redeem_response_code(std::string_view id, std::int64_t now) {
  std::lock_guard lock(mutex_);
  return sqlite_call("redeem response code", [&]() -> Result<bool> {
    // Conditional UPDATE: of two fetches racing with the same code exactly one wins (VP §14.3).
    SQLite::Statement update(database_->connection(),
                             "UPDATE transactions SET response_code_redeemed_at = ? WHERE id = ? AND status <> 0 "
                             "AND response_code_hash IS NOT NULL AND response_code_redeemed_at IS NULL");
    update.bind(1, now);
    update.bind(2, std::string(id));
    return update.exec() == 1;
  });
}

Result<PurgeCounts> SqliteTransactionStore::purge(std::int64_t now, std::int64_t retention_seconds) {
  std::lock_guard lock(mutex_);
  return sqlite_call("purge transactions", [&]() -> Result<PurgeCounts> {
    PurgeCounts counts;
    SQLite::Transaction transaction(database_->connection());
    SQLite::Statement completed(database_->connection(),
                                "DELETE FROM transactions WHERE status <> 0 AND completed_at + ? <= ?");
    completed.bind(1, retention_seconds);
    completed.bind(2, now);
    counts.completed = static_cast<std::size_t>(completed.exec());
    SQLite::Statement expired(database_->connection(),
                              "DELETE FROM transactions WHERE status = 0 AND expires_at + ? <= ?");
    expired.bind(1, retention_seconds);
    expired.bind(2, now);
    counts.expired = static_cast<std::size_t>(expired.exec());
    transaction.commit();
    return counts;
  });
}

}  // namespace veil::verifier
