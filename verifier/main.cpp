// veil-verifier: checks presentations for relying parties: offline `verify`, and `serve`, the OpenID4VP verifier
// service for AI services.
#include <array>

#include "commands.h"
#include "veil/platform/subcommands.h"

int main(int argc, char** argv) {
  const std::array<veil::platform::Subcommand, 2> commands = {{
      {"serve", "run the verifier service (OpenID4VP presentation requests, POST /v1/verify)",
       veil::verifier::serve_command},
      {"verify", "verify an SD-JWT VC presentation (or a batch of them)", veil::verifier::verify_command},
  }};
  return veil::platform::run_subcommands("veil-verifier", "Veil verifier (SD-JWT VC, RFC 9901).", argc, argv,
                                         commands);
}
