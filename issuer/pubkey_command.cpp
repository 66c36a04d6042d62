#include <variant>

#include "commands.h"
#include "veil/platform/key_files.h"
#include "veil/platform/subcommands.h"

namespace veil::issuer {

int pubkey_command(std::span<const std::string> args) {
  const platform::CommandHelp help{
      "veil-issuer pubkey",
      "--key FILE",
      "Prints the public JWK (kty, crv, x, y, kid; never d) of the private key in FILE.\n"
      "Verifiers pin it with `veil-verifier verify --issuer-jwk` or in a trust file.",
      {{"key", true, false, "FILE", "private JWK file (from keygen)"}}};
  auto setup = platform::setup_command(help, args);
  if (auto* code = std::get_if<int>(&setup)) return *code;
  auto& [flags, out] = std::get<platform::CommandSetup>(setup);

  auto path = flags.require("key");
  if (!path) return out.usage(path.error());
  auto key = platform::read_private_jwk(*path);
  if (!key) return out.fail(key.error());
  platform::print_line(key->public_key().to_json().dump());
  return platform::kExitSuccess;
}

}  // namespace veil::issuer
