// Subcommands: the "PROGRAM COMMAND [FLAGS]" dispatch shared by veil-issuer, veil-wallet and veil-verifier.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "veil/platform/cli_output.h"
#include "veil/platform/command_line.h"

namespace veil::platform {

/// Subcommand is one command of a program: its name, a one-line summary, and the function that runs it with the
/// arguments after the command name. The function returns the process exit code.
struct Subcommand {
  std::string name;
  std::string summary;
  std::function<int(std::span<const std::string>)> run;
};

/// run_subcommands dispatches argv to the named subcommand. With no command, an unknown command or a flag before
/// the command it prints a usage line on stderr and returns 2; "--help" / "-h" / "help" print the command list
/// and return 0.
int run_subcommands(const std::string& program, const std::string& description, int argc, char** argv,
                    std::span<const Subcommand> commands);

/// CommandSetup is what a subcommand gets once its flags parsed: the flags and the output for its errors.
struct CommandSetup {
  ParsedFlags flags;
  CliOutput out;
};

/// CommandHelp describes a subcommand for --help: "PROGRAM COMMAND" as the name, the synopsis after it, a
/// description, and the flags (every command also accepts --json and --help).
struct CommandHelp {
  std::string name;
  std::string synopsis;
  std::string description;
  std::vector<FlagSpec> flags;
};

/// setup_command parses |args| against |help|.flags plus --json. It returns the exit code instead of a setup
/// when the command must stop here: 0 after printing --help, 2 after reporting a usage error.
std::variant<CommandSetup, int> setup_command(const CommandHelp& help, std::span<const std::string> args);

}  // namespace veil::platform
