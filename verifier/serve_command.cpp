// veil-verifier serve: the OpenID4VP verifier service for AI services (DESIGN.md "The three programs", "Verifier").
#include <iostream>

#include "commands.h"
#include "veil/clock.h"
#include "veil/platform/files.h"
#include "veil/platform/http_server.h"
#include "veil/platform/subcommands.h"
#include "verifier/routes.h"
#include "verifier/verifier_app.h"

namespace veil::verifier {
namespace {

constexpr int kDefaultPort = 8703;

}  // namespace

int serve_command(std::span<const std::string> args) {
  const platform::CommandHelp help{
      "veil-verifier serve",
      "[--host HOST] [--port PORT] [--data-dir DIR] [--config FILE] [--public-url URL] [--trust FILE]\n"
      "         [--api-keys FILE] [--cert FILE --cert-key FILE] [--allow-loopback-http]",
      "Runs the OpenID4VP 1.0 verifier for relying parties (AI services): POST /v1/presentation-requests creates a\n"
      "request for a holder's wallet (DCQL or a simple policy), the wallet answers at /response/<id>, and\n"
      "GET /v1/presentation-requests/<id> returns the verified claims; POST /v1/verify checks a presentation\n"
      "directly. Prints \"listening on http://HOST:PORT\" once it accepts connections; stops on SIGTERM or SIGINT.\n"
      "On first start the data directory gets verifier.db, api-keys.json (mode 0600, relying party \"default\"),\n"
      "trust.json (no issuer trusted yet) and a request-signing key with a self-signed certificate.",
      {{"host", true, false, "HOST", "address to bind (default 127.0.0.1)"},
       {"port", true, false, "PORT", "port to bind; 0 picks a free one (default 8703)"},
       {"data-dir", true, false, "DIR", "where the database, keys and certificate live (default ./var/verifier)"},
       {"config", true, false, "FILE", "JSON settings (lifetimes, retention, rate limit; see README)"},
       {"public-url", true, false, "URL", "base URL wallets reach: response_uri, request_uri (default http://HOST:PORT)"},
       {"trust", true, false, "FILE", "trusted issuers {\"issuers\": [...]} (default DATA-DIR/trust.json)"},
       {"api-keys", true, false, "FILE", "relying parties and API keys (default DATA-DIR/api-keys.json, created 0600)"},
       {"cert", true, false, "FILE", "request-signing certificate chain, PEM, leaf first (with --cert-key)"},
       {"cert-key", true, false, "FILE", "private P-256 key of --cert, PEM (mode 0600)"},
       {"allow-loopback-http", false, false, "",
        "fetch issuer metadata and status lists from, and post webhooks to, http:// loopback URLs (demos, tests)"}}};
  auto setup = platform::setup_command(help, args);
  if (auto* code = std::get_if<int>(&setup)) return *code;
  auto& [flags, out] = std::get<platform::CommandSetup>(setup);

  VerifierConfig config;
  config.port = kDefaultPort;
  if (auto path = flags.value("config")) {
    auto document = platform::read_json_input(*path);
    if (!document) return out.fail(document.error());
    if (auto applied = apply_config_file(config, *document); !applied) return out.fail(applied.error());
  }
  auto port = flags.int_value("port", 0, 65535);
  if (!port) return out.usage(port.error());
  if (*port) config.port = static_cast<int>(**port);
  if (auto host = flags.value("host")) config.host = *host;
  if (auto dir = flags.value("data-dir")) config.data_dir = *dir;
  if (auto url = flags.value("public-url")) config.public_url = *url;
  if (auto file = flags.value("trust")) config.trust_file = *file;
  if (auto file = flags.value("api-keys")) config.api_keys_file = *file;
  if (auto file = flags.value("cert")) config.cert_file = *file;
  if (auto file = flags.value("cert-key")) config.cert_key_file = *file;
  if (flags.has("allow-loopback-http")) config.allow_loopback_http = true;
  if (flags.has("cert") != flags.has("cert-key")) return out.usage({"--cert and --cert-key go together"});
  if (auto checked = check_config(config); !checked) return out.fail(checked.error());

  const SystemClock clock;
  platform::HttpServer server(config.http);
  std::unique_ptr<VerifierApp> app;
  auto served = platform::serve_until_signal(server, config.host, config.port, std::cout, [&](int bound_port) -> Status {
    // The public URL may name the port, which is known only now when --port 0 asked for a free one.
    if (config.public_url.empty()) config.public_url = platform::default_public_url(config.host, bound_port);
    VEIL_TRY(app, VerifierApp::open(config, clock, std::cerr));
    install_routes(server, *app);
    return {};
  });
  if (!served) return out.fail(served.error());
  return platform::kExitSuccess;
}

}  // namespace veil::verifier
