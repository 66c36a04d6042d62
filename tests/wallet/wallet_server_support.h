// WalletTestServer: the wallet's HTTP API on a real loopback server for the service tests — a temp data dir,
// WalletApp::open with a settable clock and the fast "minimum" KDF, install_routes on an HttpServer bound to
// 127.0.0.1:0, and an httplib client that sends the api-token unless told otherwise.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <httplib.h>

#include "support/temp_dir.h"
#include "veil/clock.h"
#include "veil/json.h"
#include "veil/platform/http_server.h"
#include "wallet/wallet_app.h"

namespace veil::wallet::testing {

/// kTestPassphrase is the passphrase of every test wallet.
inline constexpr const char* kTestPassphrase = "correct horse battery staple";

/// MovableClock is a Clock a test moves by hand (expiry without sleeping); it starts at the real time.
class MovableClock final : public Clock {
 public:
  MovableClock();
  std::int64_t now() const override { return now_.load(); }
  void advance(std::int64_t seconds) { now_ += seconds; }

 private:
  std::atomic<std::int64_t> now_;
};

class WalletTestServer {
 public:
  /// The server starts with a wallet that is initialized with kTestPassphrase and unlocked, unless |initialize|
  /// is false (then the data dir is new: not initialized, locked). |configure| may change the config first.
  explicit WalletTestServer(bool initialize = true, const std::function<void(WalletConfig&)>& configure = {});
  ~WalletTestServer();
  WalletTestServer(const WalletTestServer&) = delete;
  WalletTestServer& operator=(const WalletTestServer&) = delete;

  WalletApp& app() { return *app_; }
  MovableClock& clock() { return clock_; }
  int port() const { return server_->port(); }
  const std::string& data_dir() const { return data_dir_; }
  const std::string& token() const { return app_->api_token(); }
  /// host is "127.0.0.1:PORT", the Host header the guard accepts.
  std::string host() const { return "127.0.0.1:" + std::to_string(port()); }
  httplib::Client& client() { return *client_; }

  /// get / post / del send the request with Authorization: Bearer |bearer| (the api-token by default; "" sends
  /// none) plus |headers|. post sends |body| as application/json unless |content_type| says otherwise.
  httplib::Result get(const std::string& path, std::optional<std::string> bearer = std::nullopt,
                      const httplib::Headers& headers = {});
  httplib::Result post(const std::string& path, const Json& body, std::optional<std::string> bearer = std::nullopt,
                       const httplib::Headers& headers = {}, const std::string& content_type = "application/json");
  httplib::Result del(const std::string& path, std::optional<std::string> bearer = std::nullopt);

 private:
  httplib::Headers with_bearer(const std::optional<std::string>& bearer, const httplib::Headers& headers) const;

  MovableClock clock_;
  veil_test::TempDir dir_;
  std::string data_dir_;
  std::unique_ptr<WalletApp> app_;
  std::unique_ptr<platform::HttpServer> server_;
  std::unique_ptr<httplib::Client> client_;
};

/// json_of REQUIREs an answer with |status| and returns its JSON body.
Json json_of(const httplib::Result& result, int status);

/// expect_wallet_error REQUIREs an answer with |status| and {"error": |error|}, and no CORS header.
Json expect_wallet_error(const httplib::Result& result, int status, const std::string& error);

/// raw_request sends |request| bytes to 127.0.0.1:|port| and returns the whole answer (until the server closes
/// or a complete head plus Content-Length body arrived).
std::string raw_request(int port, const std::string& request);

/// url_encode percent-encodes |text| for a query parameter.
std::string url_encode(const std::string& text);

}  // namespace veil::wallet::testing
