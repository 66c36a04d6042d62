// CliOutput: how the Veil programs report results and errors (exit codes, one-line errors, --json).
#pragma once

#include <string>
#include <string_view>

#include "veil/error.h"
#include "veil/json.h"
#include "veil/platform/command_line.h"

namespace veil::platform {

/// ExitCode is the contract of every program: 0 success, 1 rejected or failed, 2 usage error.
enum ExitCode : int { kExitSuccess = 0, kExitFailure = 1, kExitUsage = 2 };

/// CliOutput writes the outcome of one command. Errors go to stderr as one line, "PROGRAM COMMAND: CODE: MESSAGE",
/// or with --json as one JSON line {"error": {"code": "...", "message": "..."}}.
class CliOutput {
 public:
  CliOutput(std::string program, bool json) : program_(std::move(program)), json_(json) {}

  /// fail reports |error| and returns kExitFailure.
  int fail(const Error& error) const;
  /// usage reports a usage mistake (with a hint to run --help) and returns kExitUsage.
  int usage(const UsageError& error) const;

 private:
  std::string program_;
  bool json_;
};

/// to_display_json renders |value| on one line with ", " and ": " separators (the style DESIGN.md shows),
/// object members in the order the Json holds them. Invalid UTF-8 is replaced, never thrown.
std::string to_display_json(const Json& value);

/// print_line writes |text| and a newline to stdout and flushes.
void print_line(std::string_view text);

}  // namespace veil::platform
