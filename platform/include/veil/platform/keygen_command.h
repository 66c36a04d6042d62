// run_keygen: the body shared by `veil-issuer keygen` and `veil-wallet keygen`.
#pragma once

#include <optional>
#include <string>

#include "veil/platform/cli_output.h"
#include "veil/platform/command_line.h"

namespace veil::platform {

/// run_keygen reads --alg (ES256 or EdDSA; anything else is a usage error) and --out from |flags|, generates a
/// key pair with |kid|, and prints the private JWK or writes it to the --out file (mode 0600, never
/// overwriting). Returns the process exit code.
int run_keygen(const ParsedFlags& flags, CliOutput& out, std::optional<std::string> kid);

}  // namespace veil::platform
