// veil-wallet: the holder's side. Offline subcommands for now; the local wallet service comes later.
#include <array>

#include "commands.h"
#include "veil/platform/subcommands.h"

int main(int argc, char** argv) {
  const std::array<veil::platform::Subcommand, 2> commands = {{
      {"keygen", "generate a holder key (private JWK)", veil::wallet::keygen_command},
      {"present", "disclose chosen claims of a credential to one verifier (SD-JWT+KB)",
       veil::wallet::present_command},
  }};
  return veil::platform::run_subcommands("veil-wallet", "Veil holder wallet (SD-JWT VC, RFC 9901).", argc, argv,
                                         commands);
}
