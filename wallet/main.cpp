// veil-wallet: the holder's wallet — the local service with its web UI (serve), the same operations on the
// command line (accept, list, respond, history), and offline tools (keygen, present).
#include <array>

#include "commands.h"
#include "veil/platform/subcommands.h"

int main(int argc, char** argv) {
  const std::array<veil::platform::Subcommand, 7> commands = {{
      {"serve", "run the wallet on this computer: JSON API and web UI on loopback", veil::wallet::serve_command},
      {"accept", "receive credentials from an openid-credential-offer:// link", veil::wallet::accept_command},
      {"list", "list the stored credentials", veil::wallet::list_command},
      {"respond", "answer an openid4vp:// request after asking what to share", veil::wallet::respond_command},
      {"history", "show what was disclosed to whom (claim names, never values)", veil::wallet::history_command},
      {"keygen", "generate a holder key (private JWK)", veil::wallet::keygen_command},
      {"present", "disclose chosen claims of a credential to one verifier (SD-JWT+KB)",
       veil::wallet::present_command},
  }};
  return veil::platform::run_subcommands("veil-wallet", "Veil holder wallet (SD-JWT VC, RFC 9901).", argc, argv,
                                         commands);
}
