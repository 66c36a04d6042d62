#include "veil/platform/command_line.h"

#include <charconv>
#include <limits>

namespace veil::platform {

bool ParsedFlags::has(std::string_view name) const { return values_.find(name) != values_.end(); }

std::optional<std::string> ParsedFlags::value(std::string_view name) const {
  auto it = values_.find(name);
  if (it == values_.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> ParsedFlags::values(std::string_view name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return {};
  return it->second;
}

UsageResult<std::string> ParsedFlags::require(std::string_view name) const {
  auto found = value(name);
  if (!found) return usage_error("missing required flag --" + std::string(name));
  return *found;
}

UsageResult<std::optional<std::int64_t>> ParsedFlags::int_value(std::string_view name, std::int64_t min,
                                                                std::int64_t max) const {
  auto text = value(name);
  if (!text) return std::optional<std::int64_t>{};
  auto number = parse_int64(*text);
  if (!number || *number < min || *number > max) {
    return usage_error("--" + std::string(name) + " needs an integer from " + std::to_string(min) + " to " +
                       std::to_string(max) + ", got \"" + *text + "\"");
  }
  return number;
}

std::optional<std::int64_t> parse_int64(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

UsageResult<ParsedFlags> CommandLine::parse(std::span<const std::string> args, std::span<const FlagSpec> specs) {
  ParsedFlags parsed;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      parsed.help_ = true;
      continue;
    }
    if (arg.size() < 3 || arg.compare(0, 2, "--") != 0) {
      return usage_error("unexpected argument \"" + arg + "\" (flags start with --)");
    }
    std::string name = arg.substr(2);
    std::optional<std::string> inline_value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name.resize(eq);
    }
    const FlagSpec* spec = nullptr;
    for (const auto& candidate : specs) {
      if (candidate.name == name) spec = &candidate;
    }
    if (spec == nullptr) return usage_error("unknown flag --" + name);
    if (!spec->repeatable && parsed.has(name)) return usage_error("flag --" + name + " given more than once");
    if (!spec->takes_value) {
      if (inline_value) return usage_error("flag --" + name + " takes no value");
      parsed.values_[name];
      continue;
    }
    if (!inline_value) {
      // A following "--flag" is a forgotten value, not a value ("--aud --nonce n"); use --aud=--x if meant.
      if (i + 1 >= args.size() || (args[i + 1].size() > 2 && args[i + 1].compare(0, 2, "--") == 0)) {
        return usage_error("flag --" + name + " needs a value");
      }
      inline_value = args[++i];
    }
    parsed.values_[name].push_back(std::move(*inline_value));
  }
  return parsed;
}

std::string CommandLine::usage_text(std::string_view synopsis, std::string_view description,
                                    std::span<const FlagSpec> specs) {
  std::string text = "usage: " + std::string(synopsis) + "\n";
  if (!description.empty()) text += "\n" + std::string(description) + "\n";
  if (!specs.empty()) text += "\nflags:\n";
  for (const auto& spec : specs) {
    std::string left = "  --" + spec.name;
    if (spec.takes_value) left += " " + (spec.value_name.empty() ? std::string("VALUE") : spec.value_name);
    if (left.size() < 28) left.resize(28, ' ');
    else left += "  ";
    text += left + spec.help + (spec.repeatable ? " (repeatable)" : "") + "\n";
  }
  return text;
}

}  // namespace veil::platform
