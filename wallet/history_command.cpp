// veil-wallet history: every disclosure — verifier, time, credential, claim names, never values.
#include "commands.h"
#include "veil/platform/subcommands.h"
#include "wallet/wallet_cli.h"

namespace veil::wallet {

int history_command(std::span<const std::string> args) {
  const platform::CommandHelp help{
      "veil-wallet history", "[--data-dir DIR] [--config FILE] [--passphrase-file FILE] [--json]",
      "Prints what this wallet disclosed, newest first: when, to which verifier (its client_id), from which\n"
      "credential and which claims — never their values. --json prints the export document.",
      wallet_flags()};
  auto setup = platform::setup_command(help, args);
  if (auto* code = std::get_if<int>(&setup)) return *code;
  auto& [flags, out] = std::get<platform::CommandSetup>(setup);
  const SystemClock clock;
  auto app = open_unlocked_wallet(flags, clock, false);
  if (!app) return out.fail(app.error());
  auto history = (*app)->service().export_history();
  if (!history) return out.fail(history.error());
  if (flags.has("json")) {
    print_json(*history);
    return platform::kExitSuccess;
  }
  if ((*history)["entries"].empty()) platform::print_line("nothing disclosed yet");
  for (const auto& entry : (*history)["entries"]) {
    std::string claims;
    for (const auto& path : entry["claims"]) claims += (claims.empty() ? "" : ", ") + path_text(path);
    const std::string outcome = entry["outcome"].get<std::string>();
    std::string line = format_time(entry["time"].get<std::int64_t>()) + "  " + entry["verifier"].get<std::string>();
    if (outcome == "declined") {
      line += "  declined, nothing shared";
    } else {
      line += "  " + entry["credential_name"].get<std::string>() + "  " + (claims.empty() ? "(no claims)" : claims);
      if (outcome != "accepted") line += "  [" + outcome + "]";
    }
    platform::print_line(line);
  }
  return platform::kExitSuccess;
}

}  // namespace veil::wallet
