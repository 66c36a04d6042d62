// SqliteWalletStore's standing-consent tables (schema v2): consent_rules (one sealed JSON rule per row),
// consent_rule_uses (when each automatic answer happened) and always_ask (sealed claim paths per credential).
#include <SQLiteCpp/SQLiteCpp.h>

#include "veil/base64url.h"
#include "veil/platform/sqlite_database.h"
#include "wallet/sealed_columns.h"
#include "wallet/sqlite_wallet_store.h"

namespace veil::wallet {
namespace {

using platform::sqlite_call;
using sealed::aad_for;
using sealed::bind_bytes;
using sealed::column_bytes;
using sealed::dump_json;
using sealed::kLockedMessage;
using sealed::load_sealed_json;

bool credential_exists(SQLite::Database& connection, std::string_view credential_id) {
  SQLite::Statement query(connection, "SELECT 1 FROM credentials WHERE id = ?");
  query.bind(1, std::string(credential_id));
  return query.executeStep();
}

std::int64_t count_uses(SQLite::Database& connection, std::string_view rule_id, std::int64_t since) {
  SQLite::Statement query(connection, "SELECT count(*) FROM consent_rule_uses WHERE rule_id = ? AND used_at > ?");
  query.bind(1, std::string(rule_id));
  query.bind(2, since);
  query.executeStep();
  return query.getColumn(0).getInt64();
}

}  // namespace

Result<std::string> SqliteWalletStore::add_consent_rule(const ConsentRule& rule) {
  ConsentRule stored = rule;
  stored.id = base64url_encode(SecretBytes::random(16).reveal());
  VEIL_TRY(const std::string text, dump_json(stored.to_json()));
  std::lock_guard lock(mutex_);
  if (!vault_) return fail(ErrorCode::wallet_locked, std::string(kLockedMessage));
  VEIL_TRY(const auto sealed_rule, vault_->seal(text, aad_for("consent_rules", stored.id, "rule")));
  return sqlite_call("add consent rule", [&]() -> Result<std::string> {
    auto& connection = database_->connection();
    SQLite::Transaction transaction(connection, SQLite::TransactionBehavior::IMMEDIATE);
    if (!credential_exists(connection, stored.credential_id)) {
      return fail(ErrorCode::not_found, "no stored credential has this id");
    }
    SQLite::Statement insert(connection, "INSERT INTO consent_rules (id, created_at, rule) VALUES (?, ?, ?)");
    insert.bind(1, stored.id);
    insert.bind(2, stored.created_at);
    bind_bytes(insert, 3, sealed_rule);
    insert.exec();
    transaction.commit();
    return stored.id;
  });
}

Result<std::vector<ConsentRule>> SqliteWalletStore::list_consent_rules() {
  std::lock_guard lock(mutex_);
  if (!vault_) return fail(ErrorCode::wallet_locked, std::string(kLockedMessage));
  return sqlite_call("list consent rules", [&]() -> Result<std::vector<ConsentRule>> {
    SQLite::Statement query(database_->connection(),
                            "SELECT id, rule FROM consent_rules ORDER BY created_at DESC, id");
    std::vector<ConsentRule> rules;
    while (query.executeStep()) {
      const std::string id = query.getColumn(0).getString();
      VEIL_TRY(const Json json, load_sealed_json(*vault_, column_bytes(query.getColumn(1)),
                                                  aad_for("consent_rules", id, "rule")));
      VEIL_TRY(auto rule, consent_rule_from_json(json));
      // The sealed id must be the row's: a rule copied onto another row is an altered file.
      if (rule.id != id) return fail(ErrorCode::sealed_data_corrupt, "a consent rule does not belong to its row");
      rules.push_back(std::move(rule));
    }
    return rules;
  });
}

Status SqliteWalletStore::delete_consent_rule(std::string_view rule_id) {
  std::lock_guard lock(mutex_);
  if (!vault_) return fail(ErrorCode::wallet_locked, std::string(kLockedMessage));
  return sqlite_call("delete consent rule", [&]() -> Status {
    SQLite::Statement remove(database_->connection(), "DELETE FROM consent_rules WHERE id = ?");
    remove.bind(1, std::string(rule_id));
    if (remove.exec() == 0) return fail(ErrorCode::not_found, "no consent rule has this id");
    return {};
  });
}

Result<std::int64_t> SqliteWalletStore::consent_rule_uses(std::string_view rule_id, std::int64_t since) {
  std::lock_guard lock(mutex_);
  if (!vault_) return fail(ErrorCode::wallet_locked, std::string(kLockedMessage));
  return sqlite_call("count consent rule uses", [&]() -> Result<std::int64_t> {
    return count_uses(database_->connection(), rule_id, since);
  });
}

Result<bool> SqliteWalletStore::use_consent_rule(std::string_view rule_id, std::int64_t now, std::int64_t since,
                                                 std::int64_t max_uses) {
  std::lock_guard lock(mutex_);
  if (!vault_) return fail(ErrorCode::wallet_locked, std::string(kLockedMessage));
  return sqlite_call("use consent rule", [&]() -> Result<bool> {
    auto& connection = database_->connection();
    SQLite::Transaction transaction(connection, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement exists(connection, "SELECT 1 FROM consent_rules WHERE id = ?");
    exists.bind(1, std::string(rule_id));
    if (!exists.executeStep()) return fail(ErrorCode::not_found, "no consent rule has this id");
    if (count_uses(connection, rule_id, since) >= max_uses) return false;
    SQLite::Statement insert(connection, "INSERT INTO consent_rule_uses (rule_id, used_at) VALUES (?, ?)");
    insert.bind(1, std::string(rule_id));
    insert.bind(2, now);
    insert.exec();
    // Uses older than any window still counted are of no further interest.
    SQLite::Statement prune(connection, "DELETE FROM consent_rule_uses WHERE rule_id = ? AND used_at <= ?");
    prune.bind(1, std::string(rule_id));
    prune.bind(2, since);
    prune.exec();
    transaction.commit();
    return true;
  });
}

Status SqliteWalletStore::set_always_ask(std::string_view credential_id, const std::vector<ClaimPath>& paths) {
  Json list = Json::array();
  for (const auto& path : paths) list.push_back(path.to_json());
  VEIL_TRY(const std::string text, dump_json(list));
  std::lock_guard lock(mutex_);
  if (!vault_) return fail(ErrorCode::wallet_locked, std::string(kLockedMessage));
  VEIL_TRY(const auto sealed_paths, vault_->seal(text, aad_for("always_ask", credential_id, "claim_paths")));
  return sqlite_call("set always-ask claims", [&]() -> Status {
    auto& connection = database_->connection();
    SQLite::Transaction transaction(connection, SQLite::TransactionBehavior::IMMEDIATE);
    if (!credential_exists(connection, credential_id)) return fail(ErrorCode::not_found, "no stored credential has this id");
    SQLite::Statement upsert(connection,
                             "INSERT INTO always_ask (credential_id, claim_paths) VALUES (?, ?) "
                             "ON CONFLICT (credential_id) DO UPDATE SET claim_paths = excluded.claim_paths");
    upsert.bind(1, std::string(credential_id));
    bind_bytes(upsert, 2, sealed_paths);
    upsert.exec();
    transaction.commit();
    return {};
  });
}

Result<std::vector<ClaimPath>> SqliteWalletStore::always_ask(std::string_view credential_id) {
  std::lock_guard lock(mutex_);
  if (!vault_) return fail(ErrorCode::wallet_locked, std::string(kLockedMessage));
  return sqlite_call("read always-ask claims", [&]() -> Result<std::vector<ClaimPath>> {
    SQLite::Statement query(database_->connection(), "SELECT claim_paths FROM always_ask WHERE credential_id = ?");
    query.bind(1, std::string(credential_id));
    std::vector<ClaimPath> paths;
    if (!query.executeStep()) return paths;
    VEIL_TRY(const Json list, load_sealed_json(*vault_, column_bytes(query.getColumn(0)),
                                                aad_for("always_ask", credential_id, "claim_paths")));
    if (!list.is_array()) return fail(ErrorCode::sealed_data_corrupt, "stored always-ask claims are not a list");
    for (const auto& entry : list) {
      auto path = ClaimPath::from_json(entry);
      if (!path) return fail(ErrorCode::sealed_data_corrupt, "stored always-ask claims hold a malformed path");
      paths.push_back(std::move(*path));
    }
    return paths;
  });
}

}  // namespace veil::wallet
