// veil-verifier: checks presentations for relying parties. Offline `verify` for now; `serve` comes later.
#include <array>

#include "commands.h"
#include "veil/platform/subcommands.h"

int main(int argc, char** argv) {
  const std::array<veil::platform::Subcommand, 1> commands = {{
      {"verify", "verify an SD-JWT VC presentation (or a batch of them)", veil::verifier::verify_command},
  }};
  return veil::platform::run_subcommands("veil-verifier", "Veil verifier (SD-JWT VC, RFC 9901).", argc, argv,
                                         commands);
}
