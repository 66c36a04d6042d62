// Process hardening: keep a process's memory (keys, unsealed credentials) out of core dumps and away from
// same-user debuggers (ATTACKS.md "Wallet data at rest", zeroisation).
#pragma once

#include "veil/error.h"

namespace veil::platform {

/// disable_core_dumps sets RLIMIT_CORE to 0 (soft and hard) and, on Linux, PR_SET_DUMPABLE to 0, so a crash writes
/// no core file and other processes of the same user cannot ptrace this one or read its /proc/<pid>/mem. Call it
/// first thing in main of a program that holds secrets. Fails with internal_error when either call is refused.
Status disable_core_dumps();

}  // namespace veil::platform
