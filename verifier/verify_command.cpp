#include <algorithm>
#include <atomic>
#include <cctype>
#include <memory>
#include <thread>
#include <variant>
#include <vector>

#include "commands.h"
#include "verify_output.h"
#include "veil/clock.h"
#include "veil/issuer_keys.h"
#include "veil/platform/files.h"
#include "veil/platform/key_files.h"
#include "veil/platform/subcommands.h"
#include "veil/sd_jwt_verifier.h"

namespace veil::verifier {

namespace {

constexpr std::size_t kMaxBatchBytes = std::size_t{256} << 20;

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

// What every verification of one run shares: trusted keys, the policy from the flags and the clock.
struct VerifyContext {
  std::unique_ptr<TrustList> trust;
  VerificationPolicy policy;
  std::unique_ptr<Clock> clock;
  std::optional<std::string> aud;
  std::optional<std::string> nonce;
  bool no_kb = false;
};

Result<VerifiedPresentation> verify_with(const VerifyContext& context, std::string_view unverified_presentation,
                                         std::optional<std::string> aud, std::optional<std::string> nonce) {
  VerificationPolicy policy = context.policy;
  policy.require_key_binding = !context.no_kb;
  policy.expected_aud = std::move(aud);
  policy.expected_nonce = std::move(nonce);
  if (policy.require_key_binding && (!policy.expected_aud || !policy.expected_nonce)) {
    return fail(ErrorCode::invalid_argument, "no aud and nonce to check the key binding against (or use --no-kb)");
  }
  SdJwtVerifier verifier(std::move(policy), *context.trust, *context.clock);
  return verifier.verify(trim(unverified_presentation));
}

// One batch line: {"presentation": "...", "aud": "...", "nonce": "..."}; aud and nonce default to the flags'.
Result<VerifiedPresentation> verify_batch_line(const VerifyContext& context, std::string_view line) {
  VEIL_TRY(auto input, parse_json_object(line, ErrorCode::invalid_argument));
  if (!input.contains("presentation") || !input["presentation"].is_string()) {
    return fail(ErrorCode::invalid_argument, "batch line has no \"presentation\" string");
  }
  std::optional<std::string> aud = context.aud;
  std::optional<std::string> nonce = context.nonce;
  if (input.contains("aud") || input.contains("nonce")) {
    if (!input.contains("aud") || !input["aud"].is_string() || !input.contains("nonce") || !input["nonce"].is_string()) {
      return fail(ErrorCode::invalid_argument, "batch line needs \"aud\" and \"nonce\" as strings, together");
    }
    aud = input["aud"].get<std::string>();
    nonce = input["nonce"].get<std::string>();
  }
  return verify_with(context, input["presentation"].get_ref<const std::string&>(), std::move(aud), std::move(nonce));
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    auto end = text.find('\n');
    lines.push_back(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

// Verifies every line on |threads| workers; results keep the input order.
int run_batch(const VerifyContext& context, const std::string& path, std::size_t threads,
              const platform::CliOutput& out) {
  auto text = platform::read_input(path, kMaxBatchBytes);
  if (!text) return out.fail(text.error());
  const auto lines = split_lines(*text);
  std::vector<std::string> results(lines.size());
  std::vector<char> valid(lines.size(), 0);
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i = next++; i < lines.size(); i = next++) {
      auto outcome = verify_batch_line(context, lines[i]);
      valid[i] = outcome.has_value() ? 1 : 0;
      results[i] = verify_output(outcome);
    }
  };
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < std::min(threads, lines.size()); ++t) pool.emplace_back(work);
  work();
  for (auto& worker : pool) worker.join();
  for (const auto& result : results) platform::print_line(result);
  return std::all_of(valid.begin(), valid.end(), [](char v) { return v != 0; }) ? platform::kExitSuccess
                                                                                 : platform::kExitFailure;
}

Result<std::unique_ptr<TrustList>> load_trust(const platform::ParsedFlags& flags) {
  if (auto path = flags.value("issuer-jwk")) {
    VEIL_TRY(auto key, platform::read_public_jwk(*path));
    VEIL_TRY(auto trust, TrustList::single_key(key));
    return std::make_unique<TrustList>(std::move(trust));
  }
  VEIL_TRY(auto document, platform::read_json_input(*flags.value("trust")));
  auto trust = TrustList::parse(document);
  if (!trust) return fail(trust.error().code, *flags.value("trust") + ": " + trust.error().message);
  return std::make_unique<TrustList>(std::move(*trust));
}

}  // namespace

int verify_command(std::span<const std::string> args) {
  const platform::CommandHelp help{
      "veil-verifier verify",
      "--presentation FILE|- (--issuer-jwk FILE | --trust FILE) [--aud AUD --nonce N | --no-kb]\n"
      "         [--now T] [--skew SECONDS] [--kb-max-age SECONDS] [--batch FILE.jsonl] [--threads N]",
      "Verifies an SD-JWT VC presentation (RFC 9901 §7.1, §7.3 and the SD-JWT VC rules) and prints one JSON\n"
      "object: {\"valid\": true, \"iss\", \"vct\", \"claims\", \"disclosed\", \"key_binding\", \"status\"} (exit 0) or\n"
      "{\"valid\": false, \"error\": {\"code\", \"message\"}} (exit 1).\n"
      "--batch reads one {\"presentation\", \"aud\", \"nonce\"} object per line instead of --presentation and\n"
      "prints one result per line, in order (exit 0 only when every line is valid).",
      {{"presentation", true, false, "FILE|-", "the SD-JWT+KB, compact or JSON serialization (- reads stdin)"},
       {"issuer-jwk", true, false, "FILE", "trust this one issuer public JWK"},
       {"trust", true, false, "FILE", "trust file {\"issuers\": [{\"iss\", \"jwks\"}]}"},
       {"aud", true, false, "AUD", "expected KB-JWT aud (your verifier identifier)"},
       {"nonce", true, false, "N", "expected KB-JWT nonce"},
       {"no-kb", false, false, "", "accept an SD-JWT without KB-JWT (one that carries a KB-JWT needs --aud, --nonce)"},
       {"now", true, false, "T", "verify as of time T (seconds since the epoch; default now)"},
       {"skew", true, false, "SECONDS", "allowed clock skew for exp, nbf and iat (default 60)"},
       {"kb-max-age", true, false, "SECONDS", "how old a KB-JWT iat may be (default 300)"},
       {"batch", true, false, "FILE.jsonl", "verify one JSON object per line"},
       {"threads", true, false, "N", "with --batch: verify on N threads (default 1)"},
       {"accept-legacy-typ", false, false, "", "also accept typ vc+sd-jwt (SD-JWT VC drafts before -06)"}}};
  auto setup = platform::setup_command(help, args);
  if (auto* code = std::get_if<int>(&setup)) return *code;
  auto& [flags, out] = std::get<platform::CommandSetup>(setup);

  const bool batch = flags.has("batch");
  if (batch == flags.has("presentation")) return out.usage({"give --presentation or --batch (one of them)"});
  if (flags.has("issuer-jwk") == flags.has("trust")) return out.usage({"give --issuer-jwk or --trust (one of them)"});
  if (flags.has("aud") != flags.has("nonce")) return out.usage({"--aud and --nonce go together"});
  if (flags.has("no-kb") && flags.has("aud")) return out.usage({"--no-kb excludes --aud and --nonce"});
  if (!batch && !flags.has("aud") && !flags.has("no-kb")) {
    return out.usage({"give --aud and --nonce to check key binding, or --no-kb"});
  }
  if (flags.has("threads") && !batch) return out.usage({"--threads needs --batch"});
  auto now = flags.int_value("now", 0, std::int64_t{1} << 40);
  auto skew = flags.int_value("skew", 0, 86400);
  auto kb_max_age = flags.int_value("kb-max-age", 0, 86400 * 366);
  auto threads = flags.int_value("threads", 1, 256);
  for (const auto* parsed : {&now, &skew, &kb_max_age, &threads}) {
    if (!*parsed) return out.usage(parsed->error());
  }

  VerifyContext context;
  auto trust = load_trust(flags);
  if (!trust) return out.fail(trust.error());
  context.trust = std::move(*trust);
  if (*now) context.clock = std::make_unique<FixedClock>(**now);
  else context.clock = std::make_unique<SystemClock>();
  if (*skew) context.policy.max_clock_skew_seconds = **skew;
  if (*kb_max_age) context.policy.kb_max_age_seconds = **kb_max_age;
  // ATTACKS.md V1: the legacy media type only when the operator asks for it.
  context.policy.accept_legacy_vc_typ = flags.has("accept-legacy-typ");
  context.aud = flags.value("aud");
  context.nonce = flags.value("nonce");
  context.no_kb = flags.has("no-kb");

  if (batch) return run_batch(context, *flags.value("batch"), static_cast<std::size_t>(threads->value_or(1)), out);

  auto text = platform::read_input(*flags.value("presentation"));
  Result<VerifiedPresentation> outcome =
      text ? verify_with(context, *text, context.aud, context.nonce) : Result<VerifiedPresentation>(tl::unexpected(text.error()));
  platform::print_line(verify_output(outcome));
  return outcome ? platform::kExitSuccess : platform::kExitFailure;
}

}  // namespace veil::verifier
