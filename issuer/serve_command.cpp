// veil-issuer serve: the OpenID4VCI issuer service (DESIGN.md "The three programs", "Issuer").
#include <iostream>

#include "commands.h"
#include "issuer/issuer_app.h"
#include "issuer/routes.h"
#include "veil/clock.h"
#include "veil/platform/files.h"
#include "veil/platform/http_server.h"
#include "veil/platform/subcommands.h"

namespace veil::issuer {
namespace {

constexpr int kDefaultPort = 8701;

}  // namespace

int serve_command(std::span<const std::string> args) {
  const platform::CommandHelp help{
      "veil-issuer serve",
      "[--host HOST] [--port PORT] [--data-dir DIR] [--config FILE] [--public-url URL] [--admin-key-file FILE]\n"
      "         [--schemas DIR]",
      "Runs the OpenID4VCI 1.0 credential issuer (pre-authorized code flow, SD-JWT VC) with its admin API and\n"
      "Token Status Lists. Prints \"listening on http://HOST:PORT\" once it accepts connections; stops on SIGTERM\n"
      "or SIGINT. On first start the data directory gets issuer.db, keys/ and admin-api-key (mode 0600).",
      {{"host", true, false, "HOST", "address to bind (default 127.0.0.1)"},
       {"port", true, false, "PORT", "port to bind; 0 picks a free one (default 8701)"},
       {"data-dir", true, false, "DIR", "where the database, keys and admin key live (default ./var/issuer)"},
       {"config", true, false, "FILE", "JSON settings (lifetimes, batch size, status lists; see README)"},
       {"public-url", true, false, "URL", "base URL others see: credential_issuer and iss (default http://HOST:PORT)"},
       {"admin-key-file", true, false, "FILE", "admin API key file (default DATA-DIR/admin-api-key, created 0600)"},
       {"schemas", true, false, "DIR", "credential types, one folder each (default: the schemas/ of this build)"}}};
  auto setup = platform::setup_command(help, args);
  if (auto* code = std::get_if<int>(&setup)) return *code;
  auto& [flags, out] = std::get<platform::CommandSetup>(setup);

  IssuerConfig config;
  config.port = kDefaultPort;
  config.schemas_dir = VEIL_SOURCE_SCHEMAS_DIR;
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
  if (auto file = flags.value("admin-key-file")) config.admin_key_file = *file;
  if (auto dir = flags.value("schemas")) config.schemas_dir = *dir;
  if (auto checked = check_config(config); !checked) return out.fail(checked.error());

  const SystemClock clock;
  platform::HttpServer server(config.http);
  std::unique_ptr<IssuerApp> app;
  auto served = platform::serve_until_signal(server, config.host, config.port, std::cout, [&](int bound_port) -> Status {
    // The public URL may name the port, which is known only now when --port 0 asked for a free one.
    if (config.public_url.empty()) config.public_url = platform::default_public_url(config.host, bound_port);
    VEIL_TRY(app, IssuerApp::open(config, clock));
    install_routes(server, *app);
    return {};
  });
  if (!served) return out.fail(served.error());
  return platform::kExitSuccess;
}

}  // namespace veil::issuer
