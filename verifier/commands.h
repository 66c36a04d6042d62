// The subcommands of veil-verifier. Each takes the arguments after its name and returns the exit code.
#pragma once

#include <span>
#include <string>

namespace veil::verifier {

int verify_command(std::span<const std::string> args);
int serve_command(std::span<const std::string> args);

}  // namespace veil::verifier
