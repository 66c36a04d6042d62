#include <cctype>
#include <limits>
#include <variant>
#include <vector>

#include "commands.h"
#include "veil/clock.h"
#include "veil/platform/files.h"
#include "veil/platform/key_files.h"
#include "veil/platform/subcommands.h"
#include "veil/presentation.h"

namespace veil::wallet {

namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

// Reads the claim paths of every --disclose (comma-separated, dotted) and --disclose-json (one DCQL path).
Result<std::vector<ClaimPath>> requested_paths(const platform::ParsedFlags& flags) {
  std::vector<ClaimPath> paths;
  for (const auto& list : flags.values("disclose")) {
    if (list.empty()) continue;  // --disclose "" discloses nothing: a bare proof of possession
    std::string_view rest = list;
    for (;;) {
      auto comma = rest.find(',');
      VEIL_TRY(auto path, ClaimPath::parse_dotted(trim(rest.substr(0, comma))));
      paths.push_back(std::move(path));
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  for (const auto& text : flags.values("disclose-json")) {
    auto json = parse_json(text);
    if (!json) return fail(ErrorCode::invalid_claim_path, "--disclose-json is not JSON: " + json.error().message);
    VEIL_TRY(auto path, ClaimPath::from_json(*json));
    paths.push_back(std::move(path));
  }
  return paths;
}

Result<std::string> present(const platform::ParsedFlags& flags, const std::vector<ClaimPath>& paths,
                            KeyBindingRequest binding) {
  VEIL_TRY(auto text, platform::read_input(*flags.value("credential")));
  std::string_view credential_text = trim(text);
  VEIL_TRY(auto credential, SdJwt::parse(credential_text));
  VEIL_TRY(auto key, platform::read_private_jwk(*flags.value("holder-key")));
  VEIL_TRY(auto signer, make_signer(key));
  VEIL_TRY(auto selected, select_disclosures(credential, paths));
  VEIL_TRY(auto bound, add_key_binding(selected, binding, *signer));
  // Answer in the serialization the credential came in (RFC 9901 §8 JSON or compact).
  if (!credential_text.empty() && credential_text.front() == '{') return bound.serialize_json().dump();
  return bound.serialize_compact();
}

}  // namespace

int present_command(std::span<const std::string> args) {
  const platform::CommandHelp help{
      "veil-wallet present",
      "--credential FILE|- --holder-key FILE --disclose PATHS --aud AUD --nonce N [--iat T]",
      "Prints an SD-JWT+KB revealing only the claims at PATHS, bound to one verifier by a KB-JWT.\n"
      "PATHS are comma-separated dotted claim paths (address.country, nationalities.0, nationalities.*),\n"
      "or one DCQL path array per --disclose-json ('[\"address\",\"country\"]'). Parents needed to reach a\n"
      "disclosed claim are disclosed too; a path naming an object or array discloses everything beneath it;\n"
      "nothing else is disclosed.",
      {{"credential", true, false, "FILE|-", "the SD-JWT VC as issued (- reads stdin)"},
       {"holder-key", true, false, "FILE", "holder private JWK (the credential's cnf key)"},
       {"disclose", true, true, "PATHS", "comma-separated dotted claim paths to reveal"},
       {"disclose-json", true, true, "PATH", "one claim path as a DCQL JSON array"},
       {"aud", true, false, "AUD", "the verifier's identifier (KB-JWT aud)"},
       {"nonce", true, false, "N", "the verifier's nonce (KB-JWT nonce)"},
       {"iat", true, false, "T", "KB-JWT issuance time in seconds since the epoch (default now)"}}};
  auto setup = platform::setup_command(help, args);
  if (auto* code = std::get_if<int>(&setup)) return *code;
  auto& [flags, out] = std::get<platform::CommandSetup>(setup);

  for (const char* required : {"credential", "holder-key", "aud", "nonce"}) {
    auto value = flags.require(required);
    if (!value) return out.usage(value.error());
  }
  if (!flags.has("disclose") && !flags.has("disclose-json")) {
    return out.usage({"missing required flag --disclose (or --disclose-json)"});
  }
  auto iat = flags.int_value("iat", 0, std::int64_t{1} << 40);
  if (!iat) return out.usage(iat.error());
  KeyBindingRequest binding{*flags.value("aud"), *flags.value("nonce"), iat->value_or(SystemClock().now())};
  if (binding.aud.empty() || binding.nonce.empty()) return out.usage({"--aud and --nonce must not be empty"});

  auto paths = requested_paths(flags);
  if (!paths) return out.usage({paths.error().message});
  auto presentation = present(flags, *paths, std::move(binding));
  if (!presentation) return out.fail(presentation.error());
  platform::print_line(*presentation);
  return platform::kExitSuccess;
}

}  // namespace veil::wallet
