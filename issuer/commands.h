// The subcommands of veil-issuer. Each takes the arguments after its name and returns the exit code.
#pragma once

#include <span>
#include <string>

namespace veil::issuer {

int keygen_command(std::span<const std::string> args);
int pubkey_command(std::span<const std::string> args);
int issue_command(std::span<const std::string> args);
int serve_command(std::span<const std::string> args);

}  // namespace veil::issuer
