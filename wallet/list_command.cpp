// veil-wallet list: the stored credentials (no claim values).
#include "commands.h"
#include "veil/platform/subcommands.h"
#include "wallet/wallet_cli.h"

namespace veil::wallet {

int list_command(std::span<const std::string> args) {
  const platform::CommandHelp help{
      "veil-wallet list", "[--data-dir DIR] [--config FILE] [--passphrase-file FILE] [--json]",
      "Lists the stored credentials: id, type, issuer and how many copies no verifier has seen yet (a credential\n"
      "with none left lets verifiers link your presentations). --json prints the wallet API's answer.",
      wallet_flags()};
  auto setup = platform::setup_command(help, args);
  if (auto* code = std::get_if<int>(&setup)) return *code;
  auto& [flags, out] = std::get<platform::CommandSetup>(setup);
  const SystemClock clock;
  auto app = open_unlocked_wallet(flags, clock, false);
  if (!app) return out.fail(app.error());
  auto list = (*app)->service().list_credentials();
  if (!list) return out.fail(list.error());
  if (flags.has("json")) {
    print_json(*list);
    return platform::kExitSuccess;
  }
  if ((*list)["credentials"].empty()) platform::print_line("no credentials yet (veil-wallet accept OFFER-LINK adds one)");
  for (const auto& credential : (*list)["credentials"]) {
    const auto left = credential["copies_left"].get<std::size_t>();
    std::string line = credential["id"].get<std::string>() + "  " + credential["name"].get<std::string>() + "  from " +
                       credential["issuer_name"].get<std::string>() + "  " + std::to_string(left) + " of " +
                       std::to_string(credential["copies_total"].get<std::size_t>()) + " copies unused";
    if (left == 0) line += "  (all copies shown: verifiers could link further presentations)";
    platform::print_line(line);
  }
  return platform::kExitSuccess;
}

}  // namespace veil::wallet
