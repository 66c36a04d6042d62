// veil-wallet accept: receive credentials from an openid-credential-offer:// link, after the holder saw who
// offers what (ATTACKS P12: never auto-accepted unless the holder says --yes).
#include <iostream>

#include "commands.h"
#include "veil/platform/subcommands.h"
#include "wallet/wallet_cli.h"

namespace veil::wallet {

int accept_command(std::span<const std::string> args) {
  std::vector<platform::FlagSpec> specs = wallet_flags();
  specs.push_back({"tx-code", true, false, "CODE", "the transaction code the issuer sent (asked for when needed)"});
  specs.push_back({"yes", false, false, "", "accept without asking (the offer is still shown on stderr)"});
  const platform::CommandHelp help{
      "veil-wallet accept",
      "OFFER-LINK|- [--tx-code CODE] [--yes] [--data-dir DIR] [--config FILE] [--passphrase-file FILE] [--json]",
      "Shows who offers which credentials (checked against the issuer's metadata), asks whether to accept, then\n"
      "obtains the credentials (one fresh holder key per copy), verifies each and stores them encrypted. A new\n"
      "data dir is created with the passphrase. Prints what was stored (--json: the wallet API's answer).",
      specs};
  auto split = split_positional(args, specs);
  if (!split) return platform::CliOutput("veil-wallet accept", false).usage(split.error());
  auto setup = platform::setup_command(help, split->flags);
  if (auto* code = std::get_if<int>(&setup)) return *code;
  auto& [flags, out] = std::get<platform::CommandSetup>(setup);
  if (!split->positional) return out.usage({"missing the offer link (openid-credential-offer://...)"});

  auto link = read_link(*split->positional);
  if (!link) return out.fail(link.error());
  const SystemClock clock;
  auto app = open_unlocked_wallet(flags, clock, true);
  if (!app) return out.fail(app.error());
  WalletService& service = (*app)->service();

  auto offer = service.inspect_offer(*link);
  if (!offer) return out.fail(offer.error());
  std::cerr << (*offer)["issuer_name"].get<std::string>() << " (" << (*offer)["credential_issuer"].get<std::string>()
            << ") offers:\n";
  for (const auto& credential : (*offer)["credentials"]) {
    std::cerr << "  " << credential["name"].get<std::string>();
    if (!credential["description"].get<std::string>().empty()) std::cerr << " - " << credential["description"].get<std::string>();
    std::cerr << "\n";
  }
  std::optional<std::string> tx_code = flags.value("tx-code");
  if (!(*offer)["tx_code"].is_null() && !tx_code) {
    const Json& requirement = (*offer)["tx_code"];
    const std::string hint = requirement.contains("description") ? requirement["description"].get<std::string>()
                                                                 : "the code the issuer sent you separately";
    tx_code = ask_line("transaction code (" + hint + "): ");
    if (!tx_code || tx_code->empty()) return out.fail({ErrorCode::invalid_argument, "this offer needs a transaction code"});
  }
  if (!flags.has("yes") && !ask_yes_no("Accept and store?")) {
    (void)service.discard_offer((*offer)["id"].get<std::string>());
    std::cerr << "not accepted; nothing was stored\n";
    if (flags.has("json")) print_json({{"accepted", false}});
    return platform::kExitSuccess;
  }
  auto stored = service.accept_offer((*offer)["id"].get<std::string>(), tx_code);
  if (!stored) return out.fail(stored.error());
  if (flags.has("json")) {
    print_json(*stored);
    return platform::kExitSuccess;
  }
  for (const auto& credential : (*stored)["credentials"]) {
    platform::print_line("stored " + credential["name"].get<std::string>() + " from " +
                         credential["issuer_name"].get<std::string>() + " (" +
                         std::to_string(credential["copies_total"].get<std::size_t>()) + " copies), id " +
                         credential["id"].get<std::string>());
  }
  return platform::kExitSuccess;
}

}  // namespace veil::wallet
