// The subcommands of veil-wallet. Each takes the arguments after its name and returns the exit code.
#pragma once

#include <span>
#include <string>

namespace veil::wallet {

int keygen_command(std::span<const std::string> args);
int present_command(std::span<const std::string> args);
int serve_command(std::span<const std::string> args);
int accept_command(std::span<const std::string> args);
int list_command(std::span<const std::string> args);
int respond_command(std::span<const std::string> args);
int history_command(std::span<const std::string> args);

}  // namespace veil::wallet
