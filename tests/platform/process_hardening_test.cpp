#include "veil/platform/process_hardening.h"

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

#include <catch2/catch.hpp>

namespace {

// Runs |child| in a forked process (so the test binary itself stays dumpable) and returns its wait status.
template <class Child>
int run_in_child(Child child) {
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    child();
    ::_exit(0);
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  return status;
}

}  // namespace

TEST_CASE("disable_core_dumps sets RLIMIT_CORE to zero and makes the process not dumpable", "[process_hardening]") {
  const int status = run_in_child([] {
    if (!veil::platform::disable_core_dumps()) ::_exit(10);
    rlimit limit{};
    if (::getrlimit(RLIMIT_CORE, &limit) != 0) ::_exit(11);
    if (limit.rlim_cur != 0 || limit.rlim_max != 0) ::_exit(12);
    if (::prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0) ::_exit(13);
    // The hard limit is 0 too: the process cannot raise it again.
    const rlimit raise_again{RLIM_INFINITY, RLIM_INFINITY};
    if (::setrlimit(RLIMIT_CORE, &raise_again) == 0) ::_exit(14);
  });
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("a hardened process that crashes writes no core dump", "[process_hardening]") {
  const int status = run_in_child([] {
    if (!veil::platform::disable_core_dumps()) ::_exit(10);
    std::signal(SIGQUIT, SIG_DFL);  // SIGQUIT's default action is to dump core
    ::raise(SIGQUIT);
    ::_exit(11);
  });
  REQUIRE(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGQUIT);
  CHECK_FALSE(WCOREDUMP(status));
}
