// CommandLine: the small flag parser every Veil program uses (--flag VALUE, --flag=VALUE, repeated flags, --help).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace veil::platform {

/// UsageError is a mistake in how a program was called (exit code 2), as opposed to an Error about the input.
struct UsageError {
  std::string message;
};

template <class T>
using UsageResult = tl::expected<T, UsageError>;

/// usage_error builds the error side of a UsageResult.
inline tl::unexpected<UsageError> usage_error(std::string message) {
  return tl::unexpected<UsageError>(UsageError{std::move(message)});
}

/// FlagSpec declares one flag of a command: its name without the leading "--", whether it takes a value,
/// whether it may be given more than once, and a one-line description (with |value_name| for the usage text).
struct FlagSpec {
  std::string name;
  bool takes_value = true;
  bool repeatable = false;
  std::string value_name;
  std::string help;
};

/// ParsedFlags holds the flags of one command line after CommandLine::parse accepted it.
class ParsedFlags {
 public:
  bool has(std::string_view name) const;
  /// value returns the (last) value of a flag, or nullopt when it was not given.
  std::optional<std::string> value(std::string_view name) const;
  /// values returns every value of a repeatable flag, in command-line order.
  std::vector<std::string> values(std::string_view name) const;
  /// help is true when --help (or -h) was given.
  bool help() const { return help_; }

  /// require returns the value of a required flag, or a UsageError "missing required flag --NAME".
  UsageResult<std::string> require(std::string_view name) const;
  /// int_value reads a flag as a decimal integer in [min, max]; nullopt when absent, UsageError when malformed.
  UsageResult<std::optional<std::int64_t>> int_value(std::string_view name, std::int64_t min,
                                                     std::int64_t max) const;

 private:
  friend class CommandLine;
  std::map<std::string, std::vector<std::string>, std::less<>> values_;
  bool help_ = false;
};

/// CommandLine parses the arguments that follow a subcommand against its FlagSpecs.
class CommandLine {
 public:
  /// parse accepts "--name VALUE", "--name=VALUE" and value-less "--name". It fails with a UsageError for an
  /// unknown flag, a positional argument, a missing value, a value given to a flag that takes none, and a
  /// non-repeatable flag given twice. "--help" and "-h" are always accepted.
  static UsageResult<ParsedFlags> parse(std::span<const std::string> args, std::span<const FlagSpec> specs);

  /// usage_text renders "usage: SYNOPSIS" followed by one line per flag, for --help.
  static std::string usage_text(std::string_view synopsis, std::string_view description,
                                std::span<const FlagSpec> specs);
};

/// parse_int64 reads a whole decimal integer (optional leading '-'); nullopt for anything else or overflow.
std::optional<std::int64_t> parse_int64(std::string_view text);

}  // namespace veil::platform
