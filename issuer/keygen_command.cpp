#include <variant>

#include "commands.h"
#include "veil/platform/key_files.h"
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

  auto alg_name = flags.require("alg");
  if (!alg_name) return out.usage(alg_name.error());
  auto alg = parse_jws_alg(*alg_name);
  if (!alg) return out.usage({"--alg must be ES256 or EdDSA, got \"" + *alg_name + "\""});
  auto kid = flags.value("kid");
  if (kid && kid->empty()) return out.usage({"--kid must not be empty"});

  auto text = platform::generate_key(*alg, kid, flags.value("out"));
  if (!text) return out.fail(text.error());
  if (!text->empty()) platform::print_line(text->substr(0, text->size() - 1));
  return platform::kExitSuccess;
}

}  // namespace veil::issuer
