#include <variant>

#include "commands.h"
#include "veil/platform/key_files.h"
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

  auto alg_name = flags.require("alg");
  if (!alg_name) return out.usage(alg_name.error());
  auto alg = parse_jws_alg(*alg_name);
  if (!alg) return out.usage({"--alg must be ES256 or EdDSA, got \"" + *alg_name + "\""});

  auto text = platform::generate_key(*alg, std::nullopt, flags.value("out"));
  if (!text) return out.fail(text.error());
  if (!text->empty()) platform::print_line(text->substr(0, text->size() - 1));
  return platform::kExitSuccess;
}

}  // namespace veil::wallet
