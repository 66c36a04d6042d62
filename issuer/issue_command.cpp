#include <limits>
#include <variant>

#include "commands.h"
#include "type_metadata_frame.h"
#include "veil/clock.h"
#include "veil/platform/files.h"
#include "veil/platform/key_files.h"
#include "veil/platform/subcommands.h"
#include "veil/sd_jwt_vc.h"

namespace veil::issuer {

namespace {

constexpr std::int64_t kMaxTime = std::int64_t{1} << 40;  // far beyond any real NumericDate, far from overflow

Result<SdJwt> issue(const platform::ParsedFlags& flags, SdJwtVcIssueRequest request) {
  VEIL_TRY(auto key, platform::read_private_jwk(*flags.value("key")));
  VEIL_TRY(auto signer, make_signer(key));
  VEIL_TRY(request.claims, platform::read_json_input(*flags.value("claims")));
  if (!request.claims.is_object()) return fail(ErrorCode::invalid_claims, "the claims must be a JSON object");
  if (auto path = flags.value("type")) {
    VEIL_TRY(auto type_metadata, platform::read_json_input(*path));
    VEIL_TRY(auto frame_json, frame_from_type_metadata(type_metadata, request.claims));
    VEIL_TRY(auto frame, DisclosureFrame::parse(frame_json));
    request.frame = std::move(frame);
  }
  if (auto path = flags.value("frame")) {
    VEIL_TRY(auto frame_json, platform::read_json_input(*path));
    VEIL_TRY(auto frame, DisclosureFrame::parse(frame_json));
    request.frame = std::move(frame);
  }
  if (auto path = flags.value("holder-jwk")) {
    VEIL_TRY(auto holder, platform::read_public_jwk(*path));
    request.holder_key = std::move(holder);
  }
  VEIL_TRY(auto salts, RandomSaltSource::create());
  return issue_sd_jwt_vc(request, *salts, *signer);
}

}  // namespace

int issue_command(std::span<const std::string> args) {
  const platform::CommandHelp help{
      "veil-issuer issue",
      "--key FILE --iss URI --vct VCT --claims FILE|- [--type FILE | --frame FILE] [--holder-jwk FILE]\n"
      "         [--decoys N] [--exp SECONDS] [--iat T] [--status-uri URI --status-idx N]",
      "Issues an SD-JWT VC (typ dc+sd-jwt) and prints it in compact form (ending with ~).\n"
      "Without --type or --frame every claim, at every depth, and every array element is individually\n"
      "disclosable, except the claims SD-JWT VC forbids (iss nbf exp cnf vct vct#integrity aka_vcts status).\n"
      "With --type, claims listed with \"sd\": \"always\" or \"allowed\" are disclosable; the rest stay plain.",
      {{"key", true, false, "FILE", "issuer private JWK"},
       {"iss", true, false, "URI", "issuer identifier (the iss claim)"},
       {"vct", true, false, "VCT", "credential type (the vct claim)"},
       {"claims", true, false, "FILE|-", "the subject's claims as a JSON object (- reads stdin)"},
       {"type", true, false, "FILE", "SD-JWT VC Type Metadata: its claims' \"sd\" values decide what is disclosable"},
       {"frame", true, false, "FILE", "explicit disclosure frame ({\"_sd\": [...], \"member\": {...}})"},
       {"holder-jwk", true, false, "FILE", "holder public JWK, bound as cnf.jwk"},
       {"decoys", true, false, "N", "decoy digests added to each _sd array (default 0)"},
       {"exp", true, false, "SECONDS", "lifetime: exp = iat + SECONDS"},
       {"iat", true, false, "T", "issuance time in seconds since the epoch (default now)"},
       {"status-uri", true, false, "URI", "Token Status List URI (with --status-idx)"},
       {"status-idx", true, false, "N", "index in that status list"}}};
  auto setup = platform::setup_command(help, args);
  if (auto* code = std::get_if<int>(&setup)) return *code;
  auto& [flags, out] = std::get<platform::CommandSetup>(setup);

  SdJwtVcIssueRequest request;
  for (const char* required : {"key", "iss", "vct", "claims"}) {
    auto value = flags.require(required);
    if (!value) return out.usage(value.error());
  }
  request.iss = *flags.value("iss");
  request.vct = *flags.value("vct");
  if (flags.has("type") && flags.has("frame")) return out.usage({"give --type or --frame, not both"});
  if (flags.has("status-uri") != flags.has("status-idx")) {
    return out.usage({"--status-uri and --status-idx go together"});
  }
  auto decoys = flags.int_value("decoys", 0, 100);
  auto lifetime = flags.int_value("exp", 1, kMaxTime);
  auto iat = flags.int_value("iat", 0, kMaxTime);
  auto status_idx = flags.int_value("status-idx", 0, std::numeric_limits<std::int32_t>::max());
  for (const auto* parsed : {&decoys, &lifetime, &iat, &status_idx}) {
    if (!*parsed) return out.usage(parsed->error());
  }
  request.decoys_per_level = static_cast<std::size_t>(decoys->value_or(0));
  request.iat = iat->value_or(SystemClock().now());
  if (*lifetime) request.exp = request.iat + **lifetime;
  request.status_uri = flags.value("status-uri");
  request.status_index = *status_idx;

  auto credential = issue(flags, std::move(request));
  if (!credential) return out.fail(credential.error());
  platform::print_line(credential->serialize_compact());
  return platform::kExitSuccess;
}

}  // namespace veil::issuer
