#include <variant>

#include "commands.h"
#include "veil/platform/keygen_command.h"
#include "veil/platform/subcommands.h"

namespace veil::wallet {

int keygen_command(std::span<const std::string> args) {
  const platform::CommandHelp help{
      "veil-wallet keygen",
      "--alg ES256|EdDSA [--out FILE]",
      "Generates a holder key and prints the private JWK, or writes it to FILE with mode 0600 (an existing\n"
      "FILE is never overwritten). The issuer binds credentials to its public part (--holder-jwk).",
      {{"alg", true, false, "ES256|EdDSA", "signature algorithm (P-256 ECDSA or Ed25519)"},
       {"out", true, false, "FILE", "write the private JWK to FILE (mode 0600) instead of stdout"}}};
  auto setup = platform::setup_command(help, args);
  if (auto* code = std::get_if<int>(&setup)) return *code;
  auto& [flags, out] = std::get<platform::CommandSetup>(setup);

  return platform::run_keygen(flags, out, std::nullopt);
}

}  // namespace veil::wallet
