// veil-wallet respond: answer an OpenID4VP request on the terminal — show who asks for what (required vs
// optional), ask the holder about each optional claim, then share exactly that or decline.
//
// --decline is always safe (nothing leaves the wallet). --yes shares only what the request REQUIRES, with the
// first matching credential, never an optional claim or an optional credential: a script that blindly says yes
// cannot leak more than the minimum the verifier insists on, and whoever can run it already holds the
// passphrase (and so every credential). It is meant for demos and tests on the holder's own machine.
#include <iostream>

#include "commands.h"
#include "veil/platform/subcommands.h"
#include "wallet/wallet_cli.h"

namespace veil::wallet {
namespace {

std::string copies_text(const Json& option) {
  return std::to_string(option["copies_left"].get<std::size_t>()) + " of " +
         std::to_string(option["copies_total"].get<std::size_t>()) + " copies unused";
}

void describe(const Json& pending) {
  const Json& verifier = pending["verifier"];
  std::cerr << verifier["host"].get<std::string>() << " asks for information.\n"
            << "  verifier:       " << verifier["client_id"].get<std::string>() << "\n"
            << "  identified by:  " << verifier["prefix_explained"].get<std::string>() << "\n"
            << "  answer goes to: " << verifier["response_uri"].get<std::string>() << "\n";
  for (const auto& query : pending["queries"]) {
    std::cerr << "\n" << (query["required"].get<bool>() ? "Required" : "Optional") << " credential (" << query["id"].get<std::string>()
              << "):\n";
    std::size_t index = 1;
    for (const auto& option : query["options"]) {
      std::cerr << "  " << (query["options"].size() > 1 ? std::to_string(index++) + ") " : "")
                << option["name"].get<std::string>() << " from " << option["issuer_name"].get<std::string>() << ", "
                << copies_text(option) << "\n";
      for (const auto& claim : option["claims"]) {
        std::cerr << "      " << (claim["required"].get<bool>() ? "required: " : "optional: ")
                  << claim["label"].get<std::string>() << "\n";
      }
      if (option["claims"].empty()) std::cerr << "      only that you hold it, none of its contents\n";
      if (option["copies_left"].get<std::size_t>() == 0) {
        std::cerr << "      warning: every copy was shown before; verifiers could link this presentation\n";
      }
    }
  }
  std::cerr << "\n";
}

// required_only is the --yes answer: each required query's first option, no optional claim.
Json required_only(const Json& pending) {
  Json selections = Json::object();
  for (const auto& query : pending["queries"]) {
    if (query["required"].get<bool>()) selections[query["id"].get<std::string>()] = query["options"][0]["credential_id"];
  }
  return {{"selections", selections}, {"optional_claims", Json::object()}};
}

// ask_holder walks the holder through the request; nullopt when the holder declines.
std::optional<Json> ask_holder(const Json& pending) {
  Json selections = Json::object();
  Json optional_claims = Json::object();
  for (const auto& query : pending["queries"]) {
    const std::string id = query["id"].get<std::string>();
    const Json& options = query["options"];
    if (!query["required"].get<bool>() && !ask_yes_no("Include the optional credential " + options[0]["name"].get<std::string>() + "?")) {
      continue;
    }
    std::size_t chosen = 0;
    if (options.size() > 1) {
      auto answer = ask_line("Use which credential for " + id + "? [1-" + std::to_string(options.size()) + ", default 1] ");
      if (answer && !answer->empty()) {
        auto number = platform::parse_int64(*answer);
        if (!number || *number < 1 || static_cast<std::size_t>(*number) > options.size()) return std::nullopt;
        chosen = static_cast<std::size_t>(*number - 1);
      }
    }
    const Json& option = options[chosen];
    selections[id] = option["credential_id"];
    Json ticked = Json::array();
    for (const auto& claim : option["claims"]) {
      if (claim["required"].get<bool>()) continue;
      if (ask_yes_no("Also share " + claim["label"].get<std::string>() + " (optional)?")) ticked.push_back(claim["path"]);
    }
    optional_claims[id] = std::move(ticked);
  }
  if (!ask_yes_no("Share this with " + pending["verifier"]["host"].get<std::string>() + "?")) return std::nullopt;
  return Json{{"selections", std::move(selections)}, {"optional_claims", std::move(optional_claims)}};
}

}  // namespace

int respond_command(std::span<const std::string> args) {
  std::vector<platform::FlagSpec> specs = wallet_flags();
  specs.push_back({"yes", false, false, "", "share only what the request requires, without asking"});
  specs.push_back({"decline", false, false, "", "decline without asking (the verifier is told)"});
  const platform::CommandHelp help{
      "veil-wallet respond",
      "REQUEST-LINK|- [--yes | --decline] [--data-dir DIR] [--config FILE] [--passphrase-file FILE] [--json]",
      "Checks an openid4vp:// request (who asks: its client_id prefix), shows what it asks for — required and\n"
      "optional claims, which credential — and asks on the terminal, claim by claim, what to share. Then sends\n"
      "exactly that (a copy no other verifier has seen, bound to this verifier by a KB-JWT) or declines.\n"
      "--yes shares only the required claims; --decline shares nothing. Both are for scripts.",
      specs};
  auto split = split_positional(args, specs);
  if (!split) return platform::CliOutput("veil-wallet respond", false).usage(split.error());
  auto setup = platform::setup_command(help, split->flags);
  if (auto* code = std::get_if<int>(&setup)) return *code;
  auto& [flags, out] = std::get<platform::CommandSetup>(setup);
  if (!split->positional) return out.usage({"missing the request link (openid4vp://...)"});
  if (flags.has("yes") && flags.has("decline")) return out.usage({"--yes and --decline exclude each other"});

  auto link = read_link(*split->positional);
  if (!link) return out.fail(link.error());
  const SystemClock clock;
  auto app = open_unlocked_wallet(flags, clock, false);
  if (!app) return out.fail(app.error());
  WalletService& service = (*app)->service();

  auto pending = service.receive_request(*link);
  if (!pending) return out.fail(pending.error());
  describe(*pending);
  const std::string id = (*pending)["id"].get<std::string>();
  std::optional<Json> approval;
  if (flags.has("yes")) approval = required_only(*pending);
  else if (!flags.has("decline")) approval = ask_holder(*pending);

  if (!approval) {
    auto declined = service.decline(id);
    if (!declined) return out.fail(declined.error());
    if (flags.has("json")) print_json(*declined);
    else platform::print_line("declined; nothing was shared");
    return platform::kExitSuccess;
  }
  auto shared = service.approve(id, *approval);
  if (!shared) return out.fail(shared.error());
  for (const auto& warning : (*shared)["warnings"]) std::cerr << "warning: " << warning.get<std::string>() << "\n";
  if (flags.has("json")) {
    print_json(*shared);
    return platform::kExitSuccess;
  }
  for (const auto& disclosed : (*shared)["disclosed"]) {
    std::string claims;
    for (const auto& label : disclosed["claims"]) claims += (claims.empty() ? "" : ", ") + label.get<std::string>();
    platform::print_line("shared with " + (*pending)["verifier"]["host"].get<std::string>() + ": " +
                         disclosed["credential_name"].get<std::string>() + ": " +
                         (claims.empty() ? "proof of possession only" : claims));
  }
  if (shared->contains("redirect_uri")) {
    platform::print_line("the verifier asks you to continue at " + (*shared)["redirect_uri"].get<std::string>());
  }
  return platform::kExitSuccess;
}

}  // namespace veil::wallet
