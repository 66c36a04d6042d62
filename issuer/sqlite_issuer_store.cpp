#include "issuer/sqlite_issuer_store.h"

#include <string_view>
#include <utility>

#include <SQLiteCpp/SQLiteCpp.h>

#include "issuer/status_index_allocator.h"
#include "veil/platform/sqlite_database.h"

namespace veil::issuer {
namespace {

using platform::sqlite_call;

// The issuer's schema. Secrets are 32-byte SHA-256 digests (BLOB); claims live in offers.claims only until the
// batch is issued. The log and the status allocations are append-only (triggers), so an index is never reused.
constexpr std::string_view kIssuerSchemaV1 = R"sql(
CREATE TABLE offers (
  id INTEGER PRIMARY KEY,
  offer_id_hash BLOB NOT NULL UNIQUE CHECK (length(offer_id_hash) = 32),
  code_hash BLOB NOT NULL UNIQUE CHECK (length(code_hash) = 32),
  tx_code_hash BLOB CHECK (tx_code_hash IS NULL OR length(tx_code_hash) = 32),
  tx_code_object TEXT,
  tx_code_attempts INTEGER NOT NULL DEFAULT 0,
  code_dead INTEGER NOT NULL DEFAULT 0 CHECK (code_dead IN (0, 1)),
  credential_configuration_id TEXT NOT NULL,
  claims TEXT,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  redeemed_at INTEGER,
  issued_at INTEGER
);
CREATE INDEX offers_by_expiry ON offers (expires_at);
CREATE TABLE access_tokens (
  token_hash BLOB PRIMARY KEY CHECK (length(token_hash) = 32),
  offer INTEGER NOT NULL REFERENCES offers(id) ON DELETE CASCADE,
  credential_configuration_id TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  consumed_at INTEGER
) WITHOUT ROWID;
CREATE INDEX access_tokens_by_offer ON access_tokens (offer);
CREATE INDEX access_tokens_by_expiry ON access_tokens (expires_at);
CREATE TABLE c_nonces (
  nonce_hash BLOB PRIMARY KEY CHECK (length(nonce_hash) = 32),
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX c_nonces_by_expiry ON c_nonces (expires_at);
CREATE TABLE issued_credentials (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  credential_id TEXT NOT NULL UNIQUE,
  credential_configuration_id TEXT NOT NULL,
  holder_key_thumbprint TEXT NOT NULL,
  status_list INTEGER NOT NULL,
  status_index INTEGER NOT NULL,
  status INTEGER NOT NULL DEFAULT 0 CHECK (status IN (0, 1, 2)),
  issued_at INTEGER NOT NULL,
  expires_at INTEGER,
  status_changed_at INTEGER NOT NULL,
  UNIQUE (status_list, status_index),
  FOREIGN KEY (status_list, status_index) REFERENCES status_allocations (status_list, status_index)
);
CREATE TRIGGER issued_credentials_are_kept BEFORE DELETE ON issued_credentials
BEGIN SELECT RAISE(ABORT, 'the issued-credential log is append-only'); END;
CREATE TRIGGER issued_credentials_keep_their_index BEFORE UPDATE OF status_list, status_index ON issued_credentials
BEGIN SELECT RAISE(ABORT, 'a credential keeps its status index'); END;
CREATE TRIGGER revocation_is_final BEFORE UPDATE OF status ON issued_credentials
WHEN OLD.status = 1 AND NEW.status <> 1
BEGIN SELECT RAISE(ABORT, 'a revoked credential stays revoked'); END;
)sql";

// Migration 1 is the allocator's tables followed by the issuer's; later versions append here, never edit.
const std::string kMigration1 = std::string(kStatusIndexSchema) + std::string(kIssuerSchemaV1);
const std::string_view kMigrations[] = {kMigration1};

constexpr std::size_t kMaxPageSize = 1000;

void bind_hash(SQLite::Statement& statement, int index, const SecretHash& hash) {
  statement.bind(index, hash.bytes().data(), static_cast<int>(hash.bytes().size()));
}

Result<SecretHash> column_hash(const SQLite::Column& column) {
  const auto* data = static_cast<const std::uint8_t*>(column.getBlob());
  return SecretHash::from_bytes(std::span<const std::uint8_t>(data, static_cast<std::size_t>(column.getBytes())));
}

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

std::optional<std::int64_t> optional_int(const SQLite::Column& column) {
  if (column.isNull()) return std::nullopt;
  return column.getInt64();
}

constexpr const char* kRecordColumns =
    "seq, credential_id, credential_configuration_id, holder_key_thumbprint, status_list, status_index, status, "
    "issued_at, expires_at, status_changed_at";

Result<IssuedCredentialRecord> read_record(SQLite::Statement& row) {
  IssuedCredentialRecord record;
  record.credential_id = row.getColumn(1).getString();
  record.credential_configuration_id = row.getColumn(2).getString();
  record.holder_key_thumbprint = row.getColumn(3).getString();
  record.status_reference.list_id = row.getColumn(4).getInt64();
  record.status_reference.index = static_cast<std::size_t>(row.getColumn(5).getInt64());
  const std::int64_t status = row.getColumn(6).getInt64();
  if (status < 0 || status > 2) return fail(ErrorCode::storage_error, "stored credential status is corrupt");
  record.status = static_cast<CredentialStatus>(status);
  record.issued_at = row.getColumn(7).getInt64();
  record.expires_at = optional_int(row.getColumn(8));
  record.status_changed_at = row.getColumn(9).getInt64();
  return record;
}

Result<IssuedCredentialRecord> select_record(SQLite::Database& connection, std::string_view credential_id) {
  SQLite::Statement row(connection, std::string("SELECT ") + kRecordColumns +
                                        " FROM issued_credentials WHERE credential_id = ?");
  row.bind(1, std::string(credential_id));
  if (!row.executeStep()) return fail(ErrorCode::not_found, "no issued credential has this id");
  return read_record(row);
}

bool transition_allowed(CredentialStatus from, CredentialStatus to) {
  if (from == to) return true;
  // TSL §7.1: INVALID is final; SUSPENDED may return to VALID.
  return from != CredentialStatus::invalid;
}

}  // namespace

SqliteIssuerStore::SqliteIssuerStore(std::unique_ptr<platform::SqliteDatabase> database,
                                     const SqliteIssuerStoreOptions& options)
    : database_(std::move(database)), options_(options) {}

SqliteIssuerStore::~SqliteIssuerStore() = default;

int SqliteIssuerStore::schema_version() { return static_cast<int>(std::size(kMigrations)); }

Result<std::unique_ptr<SqliteIssuerStore>> SqliteIssuerStore::open(const std::string& path,
                                                                  const SqliteIssuerStoreOptions& options) {
  if (options.status_list_bits != 2 && options.status_list_bits != 4 && options.status_list_bits != 8) {
    return fail(ErrorCode::invalid_argument, "status list bits must be 2, 4 or 8 to hold suspended");
  }
  if (options.status_list_size == 0 ||
      options.status_list_size > StatusListLimits{}.max_bytes * 8 / static_cast<std::size_t>(options.status_list_bits)) {
    return fail(ErrorCode::invalid_argument, "status list size out of range");
  }
  if (options.max_tx_code_attempts < 1) return fail(ErrorCode::invalid_argument, "tx_code attempts must be >= 1");
  if (options.max_batch_size < 1) return fail(ErrorCode::invalid_argument, "batch size must be >= 1");
  VEIL_TRY(auto database, platform::SqliteDatabase::open(path, kMigrations));
  return std::unique_ptr<SqliteIssuerStore>(new SqliteIssuerStore(std::move(database), options));
}

Status SqliteIssuerStore::create_offer(const NewOffer& offer) {
  if (offer.credential_configuration_id.empty()) {
    return fail(ErrorCode::invalid_argument, "an offer needs a credential configuration id");
  }
  if (!offer.claims.is_object()) return fail(ErrorCode::invalid_argument, "offer claims must be a json object");
  if (offer.expires_at <= offer.created_at) return fail(ErrorCode::invalid_argument, "an offer must expire later");
  VEIL_TRY(const std::string claims, dump_json(offer.claims));
  std::optional<std::string> tx_code_object;
  if (!offer.tx_code_object.is_null()) {
    VEIL_TRY(tx_code_object, dump_json(offer.tx_code_object));
  }
  std::lock_guard lock(mutex_);
  return sqlite_call("create offer", [&]() -> Status {
    SQLite::Statement insert(database_->connection(),
                             "INSERT INTO offers (offer_id_hash, code_hash, tx_code_hash, tx_code_object, "
                             "credential_configuration_id, claims, created_at, expires_at) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    bind_hash(insert, 1, offer.offer_id_hash);
    bind_hash(insert, 2, offer.pre_authorized_code_hash);
    if (offer.tx_code_hash) bind_hash(insert, 3, *offer.tx_code_hash);
    if (tx_code_object) insert.bind(4, *tx_code_object);
    insert.bind(5, offer.credential_configuration_id);
    insert.bind(6, claims);
    insert.bind(7, offer.created_at);
    insert.bind(8, offer.expires_at);
    insert.exec();
    return {};
  });
}

Result<std::optional<OfferView>> SqliteIssuerStore::find_offer(const SecretHash& offer_id_hash, std::int64_t now) {
  std::lock_guard lock(mutex_);
  return sqlite_call("find offer", [&]() -> Result<std::optional<OfferView>> {
    SQLite::Statement query(database_->connection(),
                            "SELECT credential_configuration_id, tx_code_hash IS NOT NULL, tx_code_object, expires_at "
                            "FROM offers WHERE offer_id_hash = ? AND redeemed_at IS NULL AND code_dead = 0 "
                            "AND ? < expires_at");
    bind_hash(query, 1, offer_id_hash);
    query.bind(2, now);
    if (!query.executeStep()) return std::optional<OfferView>();
    OfferView view;
    view.credential_configuration_id = query.getColumn(0).getString();
    view.requires_tx_code = query.getColumn(1).getInt() != 0;
    if (!query.getColumn(2).isNull()) {
      VEIL_TRY(view.tx_code_object, load_json(query.getColumn(2).getString()));
    }
    view.expires_at = query.getColumn(3).getInt64();
    return view;
  });
}

Result<RedeemResult> SqliteIssuerStore::redeem_pre_authorized_code(const RedeemRequest& request) {
  std::lock_guard lock(mutex_);
  return sqlite_call("redeem pre-authorized code", [&]() -> Result<RedeemResult> {
    auto& connection = database_->connection();
    SQLite::Transaction transaction(connection, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement query(connection,
                            "SELECT id, tx_code_hash, tx_code_attempts, code_dead, credential_configuration_id, "
                            "expires_at, redeemed_at FROM offers WHERE code_hash = ?");
    bind_hash(query, 1, request.pre_authorized_code_hash);
    RedeemResult result;
    if (!query.executeStep()) {
      result.outcome = RedeemOutcome::unknown_code;
      return result;
    }
    const std::int64_t offer = query.getColumn(0).getInt64();
    std::optional<SecretHash> tx_code_hash;
    if (!query.getColumn(1).isNull()) {
      VEIL_TRY(tx_code_hash, column_hash(query.getColumn(1)));
    }
    const std::int64_t attempts = query.getColumn(2).getInt64();
    const bool dead = query.getColumn(3).getInt() != 0;
    const std::string configuration = query.getColumn(4).getString();
    const std::int64_t expires_at = query.getColumn(5).getInt64();
    const bool redeemed = !query.getColumn(6).isNull();
    query.reset();

    // VCI §13.6.1: single use and short-lived; a used, dead, expired or unknown code is invalid_grant alike.
    if (redeemed) {
      result.outcome = RedeemOutcome::used_code;
      return result;
    }
    if (dead) {
      result.outcome = RedeemOutcome::tx_code_attempts_exhausted;
      return result;
    }
    if (request.now >= expires_at) {
      result.outcome = RedeemOutcome::expired_code;
      return result;
    }
    if (tx_code_hash && !request.tx_code_hash) {
      result.outcome = RedeemOutcome::tx_code_missing;
      return result;
    }
    if (!tx_code_hash && request.tx_code_hash) {
      result.outcome = RedeemOutcome::tx_code_unexpected;
      return result;
    }
    if (tx_code_hash && !tx_code_hash->equals(*request.tx_code_hash)) {
      // VCI §13.6.3: a tx_code is short, so guesses are counted and the code dies at the limit.
      const std::int64_t now_attempts = attempts + 1;
      const bool now_dead = now_attempts >= options_.max_tx_code_attempts;
      SQLite::Statement count(connection, "UPDATE offers SET tx_code_attempts = ?, code_dead = ? WHERE id = ?");
      count.bind(1, now_attempts);
      count.bind(2, now_dead ? 1 : 0);
      count.bind(3, offer);
      count.exec();
      transaction.commit();
      result.outcome = now_dead ? RedeemOutcome::tx_code_attempts_exhausted : RedeemOutcome::wrong_tx_code;
      result.tx_code_attempts_left = static_cast<int>(options_.max_tx_code_attempts - now_attempts);
      if (result.tx_code_attempts_left < 0) result.tx_code_attempts_left = 0;
      return result;
    }

    SQLite::Statement mark(connection, "UPDATE offers SET redeemed_at = ? WHERE id = ?");
    mark.bind(1, request.now);
    mark.bind(2, offer);
    mark.exec();
    SQLite::Statement token(connection,
                            "INSERT INTO access_tokens (token_hash, offer, credential_configuration_id, expires_at) "
                            "VALUES (?, ?, ?, ?)");
    bind_hash(token, 1, request.access_token_hash);
    token.bind(2, offer);
    token.bind(3, configuration);
    token.bind(4, request.access_token_expires_at);
    token.exec();
    transaction.commit();
    result.outcome = RedeemOutcome::redeemed;
    result.credential_configuration_id = configuration;
    return result;
  });
}

Result<std::optional<AccessTokenGrant>> SqliteIssuerStore::find_access_token(const SecretHash& access_token_hash,
                                                                            std::int64_t now) {
  std::lock_guard lock(mutex_);
  return sqlite_call("find access token", [&]() -> Result<std::optional<AccessTokenGrant>> {
    SQLite::Statement query(database_->connection(),
                            "SELECT t.credential_configuration_id, t.expires_at, o.claims FROM access_tokens t "
                            "JOIN offers o ON o.id = t.offer WHERE t.token_hash = ? AND t.consumed_at IS NULL "
                            "AND ? < t.expires_at AND o.claims IS NOT NULL");
    bind_hash(query, 1, access_token_hash);
    query.bind(2, now);
    if (!query.executeStep()) return std::optional<AccessTokenGrant>();
    AccessTokenGrant grant;
    grant.credential_configuration_id = query.getColumn(0).getString();
    grant.expires_at = query.getColumn(1).getInt64();
    VEIL_TRY(grant.claims, load_json(query.getColumn(2).getString()));
    return grant;
  });
}

Status SqliteIssuerStore::store_c_nonce(const SecretHash& c_nonce_hash, std::int64_t expires_at) {
  std::lock_guard lock(mutex_);
  return sqlite_call("store c_nonce", [&]() -> Status {
    SQLite::Statement insert(database_->connection(), "INSERT INTO c_nonces (nonce_hash, expires_at) VALUES (?, ?)");
    bind_hash(insert, 1, c_nonce_hash);
    insert.bind(2, expires_at);
    insert.exec();
    return {};
  });
}

Result<bool> SqliteIssuerStore::consume_c_nonce(const SecretHash& c_nonce_hash, std::int64_t now) {
  std::lock_guard lock(mutex_);
  return sqlite_call("consume c_nonce", [&]() -> Result<bool> {
    auto& connection = database_->connection();
    SQLite::Transaction transaction(connection, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement query(connection, "SELECT expires_at FROM c_nonces WHERE nonce_hash = ?");
    bind_hash(query, 1, c_nonce_hash);
    if (!query.executeStep()) return false;
    const std::int64_t expires_at = query.getColumn(0).getInt64();
    query.reset();
    // Deleted whether fresh or stale: a c_nonce is presented once (VCI §7, ATTACKS P15).
    SQLite::Statement erase(connection, "DELETE FROM c_nonces WHERE nonce_hash = ?");
    bind_hash(erase, 1, c_nonce_hash);
    erase.exec();
    transaction.commit();
    return now < expires_at;
  });
}

Result<std::vector<CredentialAllocation>> SqliteIssuerStore::issue_credentials(const IssuanceRequest& request,
                                                                             const SignBatch& sign) {
  if (request.holder_key_thumbprints.empty()) return fail(ErrorCode::invalid_argument, "a batch needs a holder key");
  if (request.holder_key_thumbprints.size() > options_.max_batch_size) {
    return fail(ErrorCode::invalid_argument, "too many credentials in one batch");
  }
  for (const auto& thumbprint : request.holder_key_thumbprints) {
    if (thumbprint.empty()) return fail(ErrorCode::invalid_argument, "empty holder key thumbprint");
  }
  if (!sign) return fail(ErrorCode::invalid_argument, "no signing step");
  std::lock_guard lock(mutex_);
  return sqlite_call("issue credentials", [&]() -> Result<std::vector<CredentialAllocation>> {
    auto& connection = database_->connection();
    SQLite::Transaction transaction(connection, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement token(connection,
                            "SELECT offer, credential_configuration_id FROM access_tokens WHERE token_hash = ? "
                            "AND consumed_at IS NULL AND ? < expires_at");
    bind_hash(token, 1, request.access_token_hash);
    token.bind(2, request.issued_at);
    if (!token.executeStep()) {
      return fail(ErrorCode::invalid_access_token, "access token unknown, expired or already used");
    }
    const std::int64_t offer = token.getColumn(0).getInt64();
    const std::string configuration = token.getColumn(1).getString();
    token.reset();

    const StatusListShape shape{options_.status_list_bits, options_.status_list_size};
    std::vector<CredentialAllocation> allocations;
    allocations.reserve(request.holder_key_thumbprints.size());
    SQLite::Statement insert(connection,
                             "INSERT INTO issued_credentials (credential_id, credential_configuration_id, "
                             "holder_key_thumbprint, status_list, status_index, issued_at, expires_at, "
                             "status_changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    for (const auto& thumbprint : request.holder_key_thumbprints) {
      VEIL_TRY(const StatusReference status, allocate_status_index(connection, shape, request.issued_at));
      CredentialAllocation allocation{random_url_token(), status};
      insert.reset();
      insert.clearBindings();
      insert.bind(1, allocation.credential_id);
      insert.bind(2, configuration);
      insert.bind(3, thumbprint);
      insert.bind(4, status.list_id);
      insert.bind(5, static_cast<std::int64_t>(status.index));
      insert.bind(6, request.issued_at);
      if (request.expires_at) insert.bind(7, *request.expires_at);
      insert.bind(8, request.issued_at);
      insert.exec();
      allocations.push_back(std::move(allocation));
    }

    // Sign while the allocations are uncommitted: if signing fails or the process dies, nothing is handed out.
    VEIL_CHECK(sign(allocations));

    SQLite::Statement consume(connection, "UPDATE access_tokens SET consumed_at = ? WHERE token_hash = ?");
    consume.bind(1, request.issued_at);
    bind_hash(consume, 2, request.access_token_hash);
    consume.exec();
    // The claims have been signed into the credentials; the issuer keeps no copy (issue 3 "Store").
    SQLite::Statement forget(connection, "UPDATE offers SET claims = NULL, issued_at = ? WHERE id = ?");
    forget.bind(1, request.issued_at);
    forget.bind(2, offer);
    forget.exec();
    transaction.commit();
    // The old page with the claims is still a frame in the WAL until a checkpoint copies the new page over it;
    // checkpoint now and truncate the WAL so no copy outlives the issuance (best effort: a busy reader defers it).
    // A failure here must not turn a committed batch into an error.
    try {
      connection.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    } catch (const std::exception&) {
    }
    return allocations;
  });
}

Result<IssuedCredentialRecord> SqliteIssuerStore::find_issued_credential(std::string_view credential_id) {
  std::lock_guard lock(mutex_);
  return sqlite_call("find issued credential",
                     [&]() { return select_record(database_->connection(), credential_id); });
}

Result<IssuedCredentialPage> SqliteIssuerStore::list_issued_credentials(std::int64_t cursor, std::size_t limit) {
  if (limit < 1 || limit > kMaxPageSize) return fail(ErrorCode::invalid_argument, "page size must be 1..1000");
  std::lock_guard lock(mutex_);
  return sqlite_call("list issued credentials", [&]() -> Result<IssuedCredentialPage> {
    SQLite::Statement query(database_->connection(), std::string("SELECT ") + kRecordColumns +
                                                         " FROM issued_credentials WHERE seq > ? ORDER BY seq LIMIT ?");
    query.bind(1, cursor);
    query.bind(2, static_cast<std::int64_t>(limit + 1));
    IssuedCredentialPage page;
    std::int64_t last = cursor;
    while (query.executeStep()) {
      if (page.records.size() == limit) {
        page.next_cursor = last;
        break;
      }
      VEIL_TRY(auto record, read_record(query));
      page.records.push_back(std::move(record));
      last = query.getColumn(0).getInt64();
    }
    return page;
  });
}

Result<IssuedCredentialRecord> SqliteIssuerStore::set_credential_status(std::string_view credential_id,
                                                                       CredentialStatus status, std::int64_t now) {
  std::lock_guard lock(mutex_);
  return sqlite_call("set credential status", [&]() -> Result<IssuedCredentialRecord> {
    auto& connection = database_->connection();
    SQLite::Transaction transaction(connection, SQLite::TransactionBehavior::IMMEDIATE);
    VEIL_TRY(const IssuedCredentialRecord current, select_record(connection, credential_id));
    if (!transition_allowed(current.status, status)) {
      return fail(ErrorCode::status_transition_not_allowed,
                  std::string("a credential that is ") + std::string(credential_status_name(current.status)) +
                      " cannot become " + std::string(credential_status_name(status)));
    }
    if (current.status == status) return current;
    SQLite::Statement update(connection,
                             "UPDATE issued_credentials SET status = ?, status_changed_at = ? WHERE credential_id = ?");
    update.bind(1, static_cast<int>(status));
    update.bind(2, now);
    update.bind(3, std::string(credential_id));
    update.exec();
    VEIL_TRY(IssuedCredentialRecord updated, select_record(connection, credential_id));
    transaction.commit();
    return updated;
  });
}

Result<StatusList> SqliteIssuerStore::read_status_list(std::int64_t list_id) {
  std::lock_guard lock(mutex_);
  return sqlite_call("read status list", [&]() -> Result<StatusList> {
    auto& connection = database_->connection();
    // One read transaction: the shape and the statuses come from the same snapshot.
    SQLite::Transaction transaction(connection, SQLite::TransactionBehavior::DEFERRED);
    SQLite::Statement shape(connection, "SELECT bits, size FROM status_lists WHERE id = ?");
    shape.bind(1, list_id);
    if (!shape.executeStep()) return fail(ErrorCode::not_found, "no status list has this id");
    const int bits = shape.getColumn(0).getInt();
    const auto size = static_cast<std::size_t>(shape.getColumn(1).getInt64());
    VEIL_TRY(StatusList list, StatusList::create(size, bits));
    SQLite::Statement statuses(connection,
                               "SELECT status_index, status FROM issued_credentials "
                               "WHERE status_list = ? AND status <> 0");
    statuses.bind(1, list_id);
    while (statuses.executeStep()) {
      const auto index = static_cast<std::size_t>(statuses.getColumn(0).getInt64());
      const auto value = static_cast<std::uint8_t>(statuses.getColumn(1).getInt());
      VEIL_CHECK(list.set(index, value));
    }
    transaction.commit();
    return list;
  });
}

Result<std::vector<StatusListInfo>> SqliteIssuerStore::list_status_lists() {
  std::lock_guard lock(mutex_);
  return sqlite_call("list status lists", [&]() -> Result<std::vector<StatusListInfo>> {
    SQLite::Statement query(database_->connection(),
                            "SELECT id, bits, size, allocated, created_at FROM status_lists ORDER BY id");
    std::vector<StatusListInfo> lists;
    while (query.executeStep()) {
      StatusListInfo info;
      info.list_id = query.getColumn(0).getInt64();
      info.bits = query.getColumn(1).getInt();
      info.size = static_cast<std::size_t>(query.getColumn(2).getInt64());
      info.allocated = static_cast<std::size_t>(query.getColumn(3).getInt64());
      info.created_at = query.getColumn(4).getInt64();
      lists.push_back(info);
    }
    return lists;
  });
}

Result<PurgeCounts> SqliteIssuerStore::purge_expired(std::int64_t now) {
  std::lock_guard lock(mutex_);
  return sqlite_call("purge expired", [&]() -> Result<PurgeCounts> {
    auto& connection = database_->connection();
    SQLite::Transaction transaction(connection, SQLite::TransactionBehavior::IMMEDIATE);
    PurgeCounts counts;
    SQLite::Statement tokens(connection, "DELETE FROM access_tokens WHERE expires_at <= ?");
    tokens.bind(1, now);
    counts.access_tokens = static_cast<std::size_t>(tokens.exec());
    // An offer goes once its code expired and no access token still needs its claims.
    SQLite::Statement offers(connection,
                             "DELETE FROM offers WHERE expires_at <= ? AND NOT EXISTS "
                             "(SELECT 1 FROM access_tokens t WHERE t.offer = offers.id)");
    offers.bind(1, now);
    counts.offers = static_cast<std::size_t>(offers.exec());
    SQLite::Statement nonces(connection, "DELETE FROM c_nonces WHERE expires_at <= ?");
    nonces.bind(1, now);
    counts.c_nonces = static_cast<std::size_t>(nonces.exec());
    transaction.commit();
    return counts;
  });
}

}  // namespace veil::issuer
