#include "veil/platform/subcommands.h"

#include <iostream>

namespace veil::platform {

namespace {

std::string command_list(const std::string& program, const std::string& description,
                         std::span<const Subcommand> commands) {
  std::string text = "usage: " + program + " COMMAND [FLAGS]   (" + program + " COMMAND --help for its flags)\n\n" +
                     description + "\n\ncommands:\n";
  for (const auto& command : commands) {
    std::string left = "  " + command.name;
    left.resize(12, ' ');
    text += left + command.summary + "\n";
  }
  return text;
}

}  // namespace

int run_subcommands(const std::string& program, const std::string& description, int argc, char** argv,
                    std::span<const Subcommand> commands) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::cerr << program << ": missing command (see " << program << " --help)\n";
    return kExitUsage;
  }
  const std::string& name = args.front();
  if (name == "--help" || name == "-h" || name == "help") {
    std::cout << command_list(program, description, commands);
    return kExitSuccess;
  }
  for (const auto& command : commands) {
    if (command.name == name) return command.run(std::span<const std::string>(args).subspan(1));
  }
  std::cerr << program << ": unknown command \"" << name << "\" (see " << program << " --help)\n";
  return kExitUsage;
}

std::variant<CommandSetup, int> setup_command(const CommandHelp& help, std::span<const std::string> args) {
  std::vector<FlagSpec> specs = help.flags;
  specs.push_back({"json", false, false, "", "report errors as one JSON line"});
  specs.push_back({"help", false, false, "", "show this help"});
  bool json = false;
  for (const auto& arg : args) json = json || arg == "--json";
  CliOutput out(help.name, json);
  auto parsed = CommandLine::parse(args, specs);
  if (!parsed) return out.usage(parsed.error());
  if (parsed->help()) {
    std::cout << CommandLine::usage_text(help.name + " " + help.synopsis, help.description, specs);
    return kExitSuccess;
  }
  return CommandSetup{std::move(*parsed), out};
}

}  // namespace veil::platform
