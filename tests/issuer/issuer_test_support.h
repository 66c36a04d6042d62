// IssuerTestServer: a real veil-issuer service on a free loopback port, with a settable clock, a temp data dir
// and an HTTP client, for the service tests of issue 3; plus holder keys that sign OpenID4VCI key proofs.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <httplib.h>

#include "issuer/issuer_app.h"
#include "support/temp_dir.h"
#include "veil/clock.h"
#include "veil/json.h"
#include "veil/jwk.h"
#include "veil/platform/http_server.h"
#include "veil/signer.h"

namespace veil::issuer::testing {

using veil_test::TempDir;

/// SettableClock is a Clock the test moves by hand (expiry without sleeping). It starts at the real time so that
/// credentials it dates also verify with veil-verifier, which reads the real time.
class SettableClock final : public Clock {
 public:
  SettableClock();
  std::int64_t now() const override { return now_.load(); }
  void advance(std::int64_t seconds) { now_ += seconds; }

 private:
  std::atomic<std::int64_t> now_;
};

/// Holder is a wallet key pair that signs OpenID4VCI jwt key proofs.
struct Holder {
  static Holder generate(JwsAlg alg);
  /// proof signs a well-formed key proof over |nonce| for |aud| at |iat|.
  std::string proof(const std::string& aud, std::int64_t iat, const std::optional<std::string>& nonce) const;
  /// proof_with signs |payload| under |header| (typ, jwk, kid, ... as given; alg from the key) for malformed proofs.
  std::string proof_with(const Json& header, const Json& payload) const;

  PrivateJwk key;
  std::shared_ptr<Signer> signer;
};

/// Parsed pieces of one issued SD-JWT VC (read without verification; the tests verify separately).
struct IssuedCredential {
  std::string compact;
  Json header;
  Json payload;
  std::vector<std::string> salts;
  std::vector<std::string> disclosure_digests;
  std::vector<Json> disclosure_values;  // the disclosed values, to check claim values never appear elsewhere
};
IssuedCredential parse_issued(const std::string& compact);

/// body_json parses an HTTP answer's body (REQUIRE that it is JSON).
Json body_json(const httplib::Result& result);

/// expect_error REQUIREs an answer with |status| and the JSON error envelope {"error": |error|}, and returns the body.
Json expect_error(const httplib::Result& answer, int status, const std::string& error);

/// IssuerTestServer starts the issuer: temp data dir, IssuerApp::open with |clock|, an HttpServer bound on
/// 127.0.0.1:0 with install_routes, start_in_background, and a client to it. The destructor stops and joins.
class IssuerTestServer {
 public:
  explicit IssuerTestServer(const std::function<void(IssuerConfig&)>& configure = {});
  ~IssuerTestServer();
  IssuerTestServer(const IssuerTestServer&) = delete;
  IssuerTestServer& operator=(const IssuerTestServer&) = delete;

  /// restart stops the server, closes the app and opens both again on the same data dir and public URL.
  void restart();

  SettableClock& clock() { return clock_; }
  IssuerApp& app() { return *app_; }
  const IssuerConfig& config() const { return config_; }
  httplib::Client& client() { return *client_; }
  int port() const { return server_->port(); }
  const std::string& issuer_id() const { return issuer_id_; }
  const std::string& admin_key() const { return app_->admin_key(); }
  /// temp_dir is a scratch directory beside the data dir, removed with it.
  const std::filesystem::path& temp_dir() const { return dir_.path(); }

  // Admin API.
  httplib::Result admin_post(const std::string& path, const Json& body = Json::object());
  httplib::Result admin_get(const std::string& path);
  /// create_offer POSTs /admin/offers and REQUIREs 201.
  Json create_offer(const std::string& configuration_id, const Json& claims, bool tx_code = false);

  // Protocol.
  httplib::Result post_form(const std::string& path, const httplib::Params& form);
  httplib::Result post_json(const std::string& path, const Json& body, const std::string& bearer = {});
  /// redeem POSTs /token with the offer's pre-authorized code (and |tx_code|) and REQUIREs an access token.
  std::string redeem(const Json& offer, const std::optional<std::string>& tx_code = std::nullopt);
  /// fresh_nonce POSTs /nonce and REQUIREs a c_nonce.
  std::string fresh_nonce();
  /// credential_request is {"credential_configuration_id", "proofs": {"jwt": proofs}}.
  static Json credential_request(const std::string& configuration_id, const std::vector<std::string>& proofs);
  /// proofs signs one key proof per holder over |nonce| for this issuer at the clock's now.
  std::vector<std::string> proofs(const std::vector<Holder>& holders, const std::string& nonce);
  /// issue runs the whole flow (offer, token, nonce, credential) and REQUIREs 200; returns the compact credentials.
  std::vector<std::string> issue(const std::string& configuration_id, const Json& claims,
                                 const std::vector<Holder>& holders);
  /// jwks GETs /.well-known/jwt-vc-issuer and returns its jwks.
  Json jwks();

 private:
  void start();
  void stop();

  SettableClock clock_;
  TempDir dir_;
  IssuerConfig config_;
  std::string issuer_id_;
  std::unique_ptr<IssuerApp> app_;
  std::unique_ptr<platform::HttpServer> server_;
  std::unique_ptr<httplib::Client> client_;
};

/// pre_authorized_code reads the code from a create_offer answer.
std::string pre_authorized_code(const Json& offer);

/// example_claims reads schemas/<type>/example_claims.json.
Json example_claims(const std::string& type);

/// raw_exchange sends |request| bytes to 127.0.0.1:|port| and returns what arrives within |timeout_ms| (up to
/// the server closing the connection or, unless |until_close|, a complete head plus Content-Length body).
std::string raw_exchange(int port, const std::string& request, int timeout_ms, bool until_close = false);

/// the path part of an absolute URL ("http://127.0.0.1:1/offers/x" -> "/offers/x").
std::string path_of(const std::string& url);

}  // namespace veil::issuer::testing
