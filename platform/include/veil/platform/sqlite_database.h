// SqliteDatabase: one SQLite connection opened the way every Veil store needs it — private file, WAL,
// synchronous=FULL, foreign keys, secure_delete — with its schema brought up to date by numbered migrations.
// SQLiteCpp throws; nothing thrown by it leaves this file's functions: they return Result.
#pragma once

#include <exception>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "veil/error.h"

namespace SQLite {
class Database;
}

namespace veil::platform {

/// SqliteOptions tune how a database is opened.
struct SqliteOptions {
  int busy_timeout_ms = 5000;  // how long a statement waits for another connection's lock before storage_error
};

/// SqliteDatabase owns an open, migrated connection. Not thread-safe: a store serializes its use.
class SqliteDatabase {
 public:
  /// open opens the database file at |path|, creating it (mode 0600) and its parent directory (mode 0700) when
  /// absent, sets journal_mode=WAL, synchronous=FULL, foreign_keys=ON, secure_delete=ON and the busy timeout, and
  /// applies migrations[user_version..] in one transaction, migrations[i] taking the schema to version i + 1
  /// (PRAGMA user_version). Fails with unsupported_storage_version when the file's user_version is above
  /// migrations.size() (the file is left untouched), and with storage_error when the file cannot be opened, a
  /// pragma does not take effect or a migration fails (then nothing of it is applied).
  static Result<std::unique_ptr<SqliteDatabase>> open(const std::string& path,
                                                      std::span<const std::string_view> migrations,
                                                      const SqliteOptions& options = {});

  ~SqliteDatabase();
  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;

  /// connection is the SQLiteCpp handle for the store's statements. Calls on it may throw: run them inside
  /// sqlite_call (or catch SQLite::Exception and use storage_error_from).
  SQLite::Database& connection() { return *connection_; }

  /// path is the file the database was opened from.
  const std::string& path() const { return path_; }

 private:
  SqliteDatabase(std::unique_ptr<SQLite::Database> connection, std::string path);
  std::unique_ptr<SQLite::Database> connection_;
  std::string path_;
};

/// storage_error_from turns an exception thrown by SQLiteCpp (or the standard library) into a storage_error whose
/// message names |what| and the SQLite error, never a bound value.
Error storage_error_from(std::string_view what, const std::exception& exception);

/// sqlite_call runs |body| (returning Result<T>) and turns any exception it throws into storage_error_from(what).
template <class Body>
auto sqlite_call(std::string_view what, Body&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const std::exception& exception) {
    return tl::unexpected(storage_error_from(what, exception));
  }
}

}  // namespace veil::platform
