// veil-issuer: signs SD-JWT VCs, offline (keygen, pubkey, issue) and as the OpenID4VCI service (serve).
#include <array>

#include "commands.h"
#include "veil/platform/subcommands.h"

int main(int argc, char** argv) {
  const std::array<veil::platform::Subcommand, 4> commands = {{
      {"serve", "run the OpenID4VCI credential issuer service", veil::issuer::serve_command},
      {"keygen", "generate an issuer signing key (private JWK)", veil::issuer::keygen_command},
      {"pubkey", "print the public JWK of a private key file", veil::issuer::pubkey_command},
      {"issue", "issue an SD-JWT VC from a claims file", veil::issuer::issue_command},
  }};
  return veil::platform::run_subcommands("veil-issuer", "Veil credential issuer (SD-JWT VC, RFC 9901).", argc, argv,
                                         commands);
}
