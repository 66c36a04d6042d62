#include "support/temp_dir.h"
#include "veil/platform/sqlite_database.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>

using veil::ErrorCode;
using veil::platform::SqliteDatabase;

using veil_test::TempDir;

namespace {

constexpr std::string_view kOneTable[] = {"CREATE TABLE a (x INTEGER);"};
constexpr std::string_view kTwoTables[] = {"CREATE TABLE a (x INTEGER);", "CREATE TABLE b (y INTEGER);"};

unsigned mode_of(const std::filesystem::path& path) {
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  return info.st_mode & 0777;
}

std::int64_t user_version(const std::filesystem::path& path) {
  SQLite::Database raw(path.string(), SQLite::OPEN_READONLY);
  return raw.execAndGet("PRAGMA user_version").getInt64();
}

}  // namespace

TEST_CASE("sqlite database runs in WAL mode with synchronous FULL, foreign keys and secure_delete", "[sqlite]") {
  TempDir dir("veil-sqlite");
  auto database = SqliteDatabase::open((dir.path() / "store.db").string(), kOneTable);
  REQUIRE(database);
  auto& connection = (*database)->connection();
  CHECK(connection.execAndGet("PRAGMA journal_mode").getString() == "wal");
  CHECK(connection.execAndGet("PRAGMA synchronous").getInt() == 2);  // FULL
  CHECK(connection.execAndGet("PRAGMA foreign_keys").getInt() == 1);
  CHECK(connection.execAndGet("PRAGMA secure_delete").getInt() == 1);
  CHECK(connection.execAndGet("PRAGMA busy_timeout").getInt() == 5000);
}

TEST_CASE("sqlite database creates its directory 0700 and its file 0600", "[sqlite]") {
  TempDir dir("veil-sqlite");
  const auto path = dir.path() / "data" / "nested" / "store.db";
  auto database = SqliteDatabase::open(path.string(), kOneTable);
  REQUIRE(database);
  CHECK(mode_of(dir.path() / "data") == 0700);
  CHECK(mode_of(dir.path() / "data" / "nested") == 0700);
  CHECK(mode_of(path) == 0600);
  CHECK((*database)->path() == path.string());
}

TEST_CASE("sqlite database applies each migration once, in order", "[sqlite]") {
  TempDir dir("veil-sqlite");
  const auto path = dir.path() / "store.db";
  REQUIRE(SqliteDatabase::open(path.string(), kOneTable));
  CHECK(user_version(path) == 1);
  // Reopening with the same list runs nothing again (CREATE TABLE a would fail a second time).
  REQUIRE(SqliteDatabase::open(path.string(), kOneTable));
  auto upgraded = SqliteDatabase::open(path.string(), kTwoTables);
  REQUIRE(upgraded);
  CHECK((*upgraded)->connection().tableExists("a"));
  CHECK((*upgraded)->connection().tableExists("b"));
  CHECK(user_version(path) == 2);
}

TEST_CASE("sqlite database refuses a schema newer than the program and leaves the file alone", "[sqlite]") {
  TempDir dir("veil-sqlite");
  const auto path = dir.path() / "store.db";
  REQUIRE(SqliteDatabase::open(path.string(), kTwoTables));
  auto older_program = SqliteDatabase::open(path.string(), kOneTable);
  REQUIRE_FALSE(older_program);
  CHECK(older_program.error().code == ErrorCode::unsupported_storage_version);
  CHECK(older_program.error().message.find("newer") != std::string::npos);
  CHECK(user_version(path) == 2);
}

TEST_CASE("a failing migration applies nothing of itself", "[sqlite]") {
  TempDir dir("veil-sqlite");
  const auto path = dir.path() / "store.db";
  REQUIRE(SqliteDatabase::open(path.string(), kOneTable));
  constexpr std::string_view broken[] = {"CREATE TABLE a (x INTEGER);",
                                         "CREATE TABLE b (y INTEGER); CREATE TABLE oops (;"};
  auto result = SqliteDatabase::open(path.string(), broken);
  REQUIRE_FALSE(result);
  CHECK(result.error().code == ErrorCode::storage_error);
  CHECK(user_version(path) == 1);
  SQLite::Database raw(path.string(), SQLite::OPEN_READONLY);
  CHECK_FALSE(raw.tableExists("b"));
}

TEST_CASE("sqlite database refuses a symlink in place of its file", "[sqlite]") {
  TempDir dir("veil-sqlite");
  const auto target = dir.path() / "elsewhere.db";
  const auto link = dir.path() / "store.db";
  std::filesystem::create_symlink(target, link);
  auto result = SqliteDatabase::open(link.string(), kOneTable);
  REQUIRE_FALSE(result);
  CHECK(result.error().code == ErrorCode::storage_error);
}

TEST_CASE("sqlite_call turns a SQLite exception into storage_error", "[sqlite]") {
  TempDir dir("veil-sqlite");
  auto database = SqliteDatabase::open((dir.path() / "store.db").string(), kOneTable);
  REQUIRE(database);
  auto result = veil::platform::sqlite_call("bad statement", [&]() -> veil::Status {
    (*database)->connection().exec("INSERT INTO missing_table VALUES (1)");
    return {};
  });
  REQUIRE_FALSE(result);
  CHECK(result.error().code == ErrorCode::storage_error);
  CHECK(result.error().message.rfind("bad statement: ", 0) == 0);
}

TEST_CASE("sqlite database refuses an empty path", "[sqlite]") {
  auto result = SqliteDatabase::open("", kOneTable);
  REQUIRE_FALSE(result);
  CHECK(result.error().code == ErrorCode::invalid_argument);
}
