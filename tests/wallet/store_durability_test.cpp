#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "support/temp_dir.h"
#include "wallet/sqlite_wallet_store.h"

namespace {

// Starts the writer with its stdout on a pipe; returns its pid and the read end.
std::pair<pid_t, int> spawn_writer(const std::string& db, const std::string& passphrase) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::dup2(fds[1], STDOUT_FILENO);
    ::close(fds[0]);
    ::close(fds[1]);
    ::execl(VEIL_WALLET_STORE_WRITER_BIN, VEIL_WALLET_STORE_WRITER_BIN, db.c_str(), passphrase.c_str(),
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(fds[1]);
  return {pid, fds[0]};
}

}  // namespace

TEST_CASE("every credential the store said it stored survives a kill -9 of the writer", "[wallet_store][durability]") {
  using namespace veil::wallet;
  veil_test::TempDir dir;
  const std::string db = dir.file(kWalletDatabaseFile);
  const std::string passphrase = "durable passphrase";

  std::vector<std::string> reported;
  // Two rounds: the second writer reopens the killed one's file (WAL recovery) and goes on adding.
  for (int round = 0; round < 2; ++round) {
    auto [pid, fd] = spawn_writer(db, passphrase);
    FILE* out = ::fdopen(fd, "r");
    REQUIRE(out != nullptr);
    char line[256];
    const std::size_t goal = reported.size() + 40;
    while (reported.size() < goal && std::fgets(line, sizeof line, out) != nullptr) {
      std::string text(line);
      REQUIRE(text.rfind("stored ", 0) == 0);
      REQUIRE(text.back() == '\n');
      reported.push_back(text.substr(7, text.size() - 8));
    }
    // The writer is mid-stream (its next add_credential is running or about to): kill it without warning.
    REQUIRE(::kill(pid, SIGKILL) == 0);
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    std::fclose(out);
    REQUIRE(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGKILL);
    REQUIRE(reported.size() == goal);
  }

  SqliteWalletStoreOptions options;
  options.kdf_target = KdfParams::minimum();
  auto store = SqliteWalletStore::open(db, options);
  REQUIRE(store);
  REQUIRE((*store)->unlock(passphrase_from(passphrase)));
  auto listed = (*store)->list_credentials();
  REQUIRE(listed);
  CHECK(listed->size() >= reported.size());
  for (const std::string& id : reported) {
    INFO(id);
    auto found = (*store)->find_credential(id);
    REQUIRE(found);
    CHECK(found->copies == 1);
    auto claims = (*store)->credential_claims(id);
    REQUIRE(claims);
    const auto n = claims->at("n").get<long>();
    auto copy = (*store)->take_copy_for_verifier(id, "x509_hash:durability");
    REQUIRE(copy);
    CHECK(copy->copy.sd_jwt == "sd-jwt-" + std::to_string(n) + "~");
  }
}
