// SecretTokenFile: the bearer secrets a service keeps in its data directory (the issuer's admin API key, the
// wallet's per-install API token): 32 random bytes, base64url, in a file only its owner can read.
#pragma once

#include <string>

#include "veil/error.h"

namespace veil::platform {

/// load_or_create_secret_token returns the token in |path|, creating the file (mode 0600, O_EXCL, never through a
/// symlink) with a fresh 256-bit token when it does not exist. An existing file must be a regular file that group
/// and others can neither read nor write, holding one token of 32..512 URL-safe characters (a trailing newline is
/// allowed). Fails with io_error naming the file otherwise, so a leaked or planted key file stops the service.
Result<std::string> load_or_create_secret_token(const std::string& path);

}  // namespace veil::platform
