#include "veil/platform/files.h"

#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "support/temp_dir.h"

namespace fs = std::filesystem;
using veil::ErrorCode;
using veil_test::TempDir;

namespace {

unsigned mode_of(const std::string& path) {
  struct stat info {};
  REQUIRE(::lstat(path.c_str(), &info) == 0);
  return info.st_mode & 0777;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("secret files are created 0600 even under a permissive umask", "[platform][files]") {
  TempDir dir("veil-files");
  const mode_t old = ::umask(0);
  auto written = veil::platform::write_new_secret_file(dir.file("key.jwk"), "secret");
  ::umask(old);
  REQUIRE(written);
  CHECK(mode_of(dir.file("key.jwk")) == 0600);
  CHECK(slurp(dir.file("key.jwk")) == "secret");
}

TEST_CASE("secret files never overwrite an existing file or follow a symlink", "[platform][files]") {
  TempDir dir("veil-files");
  REQUIRE(veil::platform::write_new_secret_file(dir.file("key.jwk"), "first"));
  auto again = veil::platform::write_new_secret_file(dir.file("key.jwk"), "second");
  REQUIRE_FALSE(again);
  CHECK(again.error().code == ErrorCode::io_error);
  CHECK(slurp(dir.file("key.jwk")) == "first");

  fs::create_symlink(dir.file("target"), dir.file("link"));
  auto through_link = veil::platform::write_new_secret_file(dir.file("link"), "x");
  REQUIRE_FALSE(through_link);
  CHECK_FALSE(fs::exists(dir.file("target")));
}

TEST_CASE("replacing a secret file swaps the content and keeps it 0600", "[platform][files]") {
  TempDir dir("veil-files");
  { std::ofstream(dir.file("token")) << "old"; }
  ::chmod(dir.file("token").c_str(), 0644);
  REQUIRE(veil::platform::replace_secret_file(dir.file("token"), "new"));
  CHECK(slurp(dir.file("token")) == "new");
  CHECK(mode_of(dir.file("token")) == 0600);
  CHECK(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()) == 1);
}

TEST_CASE("reading input enforces its size cap and names missing files", "[platform][files]") {
  TempDir dir("veil-files");
  { std::ofstream(dir.file("big")) << std::string(100, 'x'); }
  CHECK(veil::platform::read_input(dir.file("big"), 100).value().size() == 100);
  auto too_big = veil::platform::read_input(dir.file("big"), 99);
  REQUIRE_FALSE(too_big);
  CHECK(too_big.error().code == ErrorCode::input_too_large);
  auto missing = veil::platform::read_input(dir.file("nope"));
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == ErrorCode::io_error);
  auto directory = veil::platform::read_input(dir.path().string());
  REQUIRE_FALSE(directory);
  CHECK(directory.error().code == ErrorCode::io_error);
}

TEST_CASE("reading JSON input reports parse errors with the file name", "[platform][files]") {
  TempDir dir("veil-files");
  { std::ofstream(dir.file("bad.json")) << "{\"a\": 1, \"a\": 2}"; }
  auto parsed = veil::platform::read_json_input(dir.file("bad.json"));
  REQUIRE_FALSE(parsed);
  CHECK(parsed.error().code == ErrorCode::duplicate_json_member);
  CHECK(parsed.error().message.find("bad.json") != std::string::npos);
}
