#include "veil/platform/sqlite_database.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>
#include <utility>

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

namespace veil::platform {
namespace {

// create_private_directories makes every missing directory of |directory| with mode 0700; existing ones are left
// as they are (the operator chose them).
Status create_private_directories(const std::filesystem::path& directory) {
  if (directory.empty()) return {};
  std::error_code error;
  if (std::filesystem::is_directory(directory, error)) return {};
  VEIL_CHECK(create_private_directories(directory.parent_path()));
  if (::mkdir(directory.c_str(), 0700) != 0 && errno != EEXIST) {
    return fail(ErrorCode::storage_error, "cannot create the database directory");
  }
  return {};
}

// create_private_file creates |path| with mode 0600 when it does not exist, so that SQLite (which opens with
// 0644 minus umask) never makes the database, and the -wal/-shm files that copy its mode, readable by others.
Status create_private_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd >= 0) {
    ::close(fd);
    return {};
  }
  if (errno == EEXIST) return {};
  return fail(ErrorCode::storage_error, "cannot create the database file");
}

// storage_condition names what is wrong with the file system holding |path| when that explains a failed open:
// SQLite reports a full disk under an existing WAL database as "disk I/O error" (the -shm file cannot grow) and a
// read-only one as "attempt to write a readonly database", which do not tell an operator what to fix.
std::string storage_condition(const std::string& path) {
  std::filesystem::path directory = std::filesystem::path(path).parent_path();
  if (directory.empty()) directory = ".";
  struct statvfs fs {};
  if (::statvfs(directory.c_str(), &fs) != 0) return {};
  if ((fs.f_flag & ST_RDONLY) != 0) return " (the file system is read-only)";
  if (fs.f_bavail == 0) return " (no space left on the device)";
  return {};
}

Status expect_pragma(SQLite::Database& connection, const char* set, const char* get, const std::string& expected) {
  connection.exec(set);
  const std::string actual = connection.execAndGet(get).getString();
  if (actual != expected) {
    return fail(ErrorCode::storage_error, std::string("sqlite refused ") + set);
  }
  return {};
}

Status apply_migrations(SQLite::Database& connection, std::span<const std::string_view> migrations) {
  // IMMEDIATE: take the write lock before reading user_version, so two processes cannot both migrate.
  SQLite::Transaction transaction(connection, SQLite::TransactionBehavior::IMMEDIATE);
  const auto version = connection.execAndGet("PRAGMA user_version").getInt64();
  if (version < 0 || static_cast<std::uint64_t>(version) > migrations.size()) {
    return fail(ErrorCode::unsupported_storage_version,
                "database schema version " + std::to_string(version) + " is newer than this program's " +
                    std::to_string(migrations.size()));
  }
  for (std::size_t next = static_cast<std::size_t>(version); next < migrations.size(); ++next) {
    connection.exec(std::string(migrations[next]));
    connection.exec("PRAGMA user_version = " + std::to_string(next + 1));
  }
  transaction.commit();
  return {};
}

}  // namespace

SqliteDatabase::SqliteDatabase(std::unique_ptr<SQLite::Database> connection, std::string path)
    : connection_(std::move(connection)), path_(std::move(path)) {}

SqliteDatabase::~SqliteDatabase() = default;

Error storage_error_from(std::string_view what, const std::exception& exception) {
  return Error{ErrorCode::storage_error, std::string(what) + ": " + exception.what()};
}

Result<std::unique_ptr<SqliteDatabase>> SqliteDatabase::open(const std::string& path,
                                                            std::span<const std::string_view> migrations,
                                                            const SqliteOptions& options) {
  if (path.empty()) return fail(ErrorCode::invalid_argument, "empty database path");
  VEIL_CHECK(create_private_directories(std::filesystem::path(path).parent_path()));
  VEIL_CHECK(create_private_file(path));
  auto opened = sqlite_call("open database", [&]() -> Result<std::unique_ptr<SqliteDatabase>> {
    auto connection = std::make_unique<SQLite::Database>(
        path, SQLite::OPEN_READWRITE | SQLite::OPEN_NOFOLLOW, options.busy_timeout_ms);
    // SQLite opens a write-protected file read-only without saying so; every later write would then fail. A
    // service must not start on storage it cannot write.
    if (sqlite3_db_readonly(connection->getHandle(), "main") == 1) {
      return fail(ErrorCode::storage_error, "open database: the database is read-only");
    }
    // Refuse a newer schema before any pragma writes to the file.
    const auto version = connection->execAndGet("PRAGMA user_version").getInt64();
    if (version < 0 || static_cast<std::uint64_t>(version) > migrations.size()) {
      return fail(ErrorCode::unsupported_storage_version,
                  "database schema version " + std::to_string(version) + " is newer than this program's " +
                      std::to_string(migrations.size()));
    }
    VEIL_CHECK(expect_pragma(*connection, "PRAGMA journal_mode = WAL", "PRAGMA journal_mode", "wal"));
    // FULL: a committed issuance or nonce consumption survives power loss, not only a crash (WAL + NORMAL would not).
    VEIL_CHECK(expect_pragma(*connection, "PRAGMA synchronous = FULL", "PRAGMA synchronous", "2"));
    VEIL_CHECK(expect_pragma(*connection, "PRAGMA foreign_keys = ON", "PRAGMA foreign_keys", "1"));
    // secure_delete: deleted claims and secrets are overwritten with zeros, not left in free pages.
    VEIL_CHECK(expect_pragma(*connection, "PRAGMA secure_delete = ON", "PRAGMA secure_delete", "1"));
    VEIL_CHECK(apply_migrations(*connection, migrations));
    return std::unique_ptr<SqliteDatabase>(new SqliteDatabase(std::move(connection), path));
  });
  if (!opened && opened.error().code == ErrorCode::storage_error) {
    return fail(ErrorCode::storage_error, opened.error().message + storage_condition(path));
  }
  return opened;
}

}  // namespace veil::platform
