#include "veil/platform/keygen_command.h"

#include "veil/jws_alg.h"
#include "veil/platform/key_files.h"

namespace veil::platform {

int run_keygen(const ParsedFlags& flags, CliOutput& out, std::optional<std::string> kid) {
  auto alg_name = flags.require("alg");
  if (!alg_name) return out.usage(alg_name.error());
  auto alg = parse_jws_alg(*alg_name);
  if (!alg) return out.usage({"--alg must be ES256 or EdDSA, got \"" + *alg_name + "\""});

  auto text = generate_key(*alg, std::move(kid), flags.value("out"));
  if (!text) return out.fail(text.error());
  if (!text->empty()) print_line(text->substr(0, text->size() - 1));  // generate_key ends the text with "\n"
  return kExitSuccess;
}

}  // namespace veil::platform
