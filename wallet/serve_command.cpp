// veil-wallet serve: the holder's local wallet service and web UI (DESIGN.md "Wallet", issue 4).
#include <unistd.h>

#include <iostream>
#include <streambuf>

#include "commands.h"
#include "veil/clock.h"
#include "veil/platform/files.h"
#include "veil/platform/http_server.h"
#include "veil/platform/process_hardening.h"
#include "veil/platform/subcommands.h"
#include "wallet/routes.h"
#include "wallet/wallet_cli.h"

namespace veil::wallet {
namespace {

// AnnouncingBuffer forwards to |target| and, right after the first complete line (serve_until_signal's
// "listening on ..."), writes |extra|: the one-time login link follows the contract line instead of preceding it.
class AnnouncingBuffer final : public std::streambuf {
 public:
  AnnouncingBuffer(std::streambuf* target, const std::string& extra) : target_(target), extra_(extra) {}

 protected:
  int overflow(int c) override {
    if (c == traits_type::eof()) return traits_type::not_eof(c);
    if (target_->sputc(static_cast<char>(c)) == traits_type::eof()) return traits_type::eof();
    if (c == '\n' && !announced_ && !extra_.empty()) {
      announced_ = true;
      target_->sputn(extra_.data(), static_cast<std::streamsize>(extra_.size()));
    }
    return c;
  }
  int sync() override { return target_->pubsync(); }

 private:
  std::streambuf* target_;
  const std::string& extra_;
  bool announced_ = false;
};

std::string browser_host(const std::string& host) { return host == "::1" ? "[::1]" : host; }

}  // namespace

int serve_command(std::span<const std::string> args) {
  std::vector<platform::FlagSpec> flags_spec = {
      {"host", true, false, "HOST", "loopback address to bind: 127.0.0.1 (default), ::1 or localhost"},
      {"port", true, false, "PORT", "port to bind; 0 picks a free one (default 8702)"}};
  for (auto& spec : wallet_flags()) flags_spec.push_back(spec);
  const platform::CommandHelp help{
      "veil-wallet serve",
      "[--host 127.0.0.1] [--port PORT] [--data-dir DIR] [--config FILE] [--passphrase-file FILE]",
      "Runs the holder's wallet on this computer: a JSON API and a web UI on loopback only. Prints\n"
      "\"listening on http://HOST:PORT\" once it accepts connections, then a one-time link that opens the UI;\n"
      "stops on SIGTERM or SIGINT. Every API call needs Authorization: Bearer with DATA-DIR/api-token (created\n"
      "0600) or a UI session; an AI agent on this computer may use DATA-DIR/agent-token, which can only submit\n"
      "openid4vp:// requests (POST /api/requests). With a passphrase (--passphrase-file, VEIL_WALLET_PASSPHRASE\n"
      "or typed at the terminal) the wallet starts unlocked, and a new data dir is created with it; without one\n"
      "it starts locked and the UI asks for it.",
      flags_spec};
  auto setup = platform::setup_command(help, args);
  if (auto* code = std::get_if<int>(&setup)) return *code;
  auto& [flags, out] = std::get<platform::CommandSetup>(setup);

  if (auto hardened = platform::disable_core_dumps(); !hardened) return out.fail(hardened.error());
  WalletConfig base;
  if (auto path = flags.value("config")) {
    auto document = platform::read_json_input(*path);
    if (!document) return out.fail(document.error());
    if (auto applied = apply_wallet_config_file(base, *document); !applied) return out.fail(applied.error());
  }
  auto port = flags.int_value("port", 0, 65535);
  if (!port) return out.usage(port.error());
  if (*port) base.port = static_cast<int>(**port);
  if (auto host = flags.value("host")) base.host = *host;
  if (auto dir = flags.value("data-dir")) base.data_dir = *dir;
  WalletConfig config = base;
  if (auto checked = check_wallet_config(config); !checked) return out.fail(checked.error());

  const SystemClock clock;
  auto app = WalletApp::open(config, clock);
  if (!app) return out.fail(app.error());
  PassphraseSource source;
  source.file = flags.value("passphrase-file");
  source.ask_terminal = ::isatty(STDIN_FILENO) != 0;
  source.prompt = "wallet passphrase (empty: unlock later in the browser): ";
  auto passphrase = read_passphrase(source);
  if (!passphrase) return out.fail(passphrase.error());
  if (*passphrase) {
    if (auto opened = (*app)->open_with_passphrase(**passphrase); !opened) return out.fail(opened.error());
  }

  platform::HttpServer server(config.http);
  std::string login_line;
  AnnouncingBuffer buffer(std::cout.rdbuf(), login_line);
  std::ostream announcing(&buffer);
  auto served = platform::serve_until_signal(server, config.host, config.port, announcing, [&](int bound_port) -> Status {
    install_routes(server, **app);
    login_line = "open http://" + browser_host(config.host) + ":" + std::to_string(bound_port) +
                 "/#login=" + (*app)->sessions().issue_login_code() +
                 " in your browser to use the wallet (the link works once)\n";
    return {};
  });
  announcing.flush();
  if (!served) return out.fail(served.error());
  (*app)->service().lock();
  return platform::kExitSuccess;
}

}  // namespace veil::wallet
