#include <variant>

#include "commands.h"
#include "veil/platform/keygen_command.h"
#include "veil/platform/subcommands.h"

namespace veil::issuer {

int keygen_command(std::span<const std::string> args) {
  const platform::CommandHelp help{
      "veil-issuer keygen",
      "--alg ES256|EdDSA [--kid ID] [--out FILE]",
      "Generates an issuer signing key and prints the private JWK, or writes it to FILE with mode 0600\n"
      "(an existing FILE is never overwritten). Keep it secret; publish `veil-issuer pubkey` instead.",
      {{"alg", true, false, "ES256|EdDSA", "signature algorithm (P-256 ECDSA or Ed25519)"},
       {"kid", true, false, "ID", "key id put in the JWK and in the JWS header of credentials"},
       {"out", true, false, "FILE", "write the private JWK to FILE (mode 0600) instead of stdout"}}};
  auto setup = platform::setup_command(help, args);
  if (auto* code = std::get_if<int>(&setup)) return *code;
  auto& [flags, out] = std::get<platform::CommandSetup>(setup);

  auto kid = flags.value("kid");
  if (kid && kid->empty()) return out.usage({"--kid must not be empty"});
  return platform::run_keygen(flags, out, kid);
}

}  // namespace veil::issuer
