#include "veil/platform/process_hardening.h"

#include <sys/resource.h>
#if defined(__linux__)
#include <sys/prctl.h>
#endif

#include <cerrno>
#include <cstring>
#include <string>

namespace veil::platform {

Status disable_core_dumps() {
  const rlimit none{0, 0};
  if (::setrlimit(RLIMIT_CORE, &none) != 0) {
    return fail(ErrorCode::internal_error, std::string("setrlimit(RLIMIT_CORE, 0) failed: ") + std::strerror(errno));
  }
#if defined(__linux__)
  // Not dumpable also means: no core file even when a handler raises the limit again, and no ptrace or
  // /proc/<pid>/mem access by other processes of the same user (proc(5), PR_SET_DUMPABLE).
  if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
    return fail(ErrorCode::internal_error, std::string("prctl(PR_SET_DUMPABLE, 0) failed: ") + std::strerror(errno));
  }
#endif
  return {};
}

}  // namespace veil::platform
