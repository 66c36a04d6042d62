// Test support for veil-verifier serve: a verifier on a free loopback port with a settable clock, an in-process
// issuer whose key the trust file pins (and its Status List server), a holder that presents with key binding, a
// minimal wallet that follows openid4vp:// links, and a real `veil-issuer serve` child for the full path.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <httplib.h>

#include "support/temp_dir.h"
#include "veil/claim_path.h"
#include "veil/clock.h"
#include "veil/json.h"
#include "veil/jwk.h"
#include "veil/platform/http_server.h"
#include "veil/signer.h"
#include "verifier/verifier_app.h"

namespace veil::verifier::testing {

using veil_test::TempDir;

/// SettableClock is a Clock the test moves by hand; it starts at the real time.
class SettableClock final : public Clock {
 public:
  SettableClock();
  std::int64_t now() const override { return now_.load(); }
  void advance(std::int64_t seconds) { now_ += seconds; }

 private:
  std::atomic<std::int64_t> now_;
};

/// Json of an HTTP answer's body (REQUIREs JSON).
Json body_json(const httplib::Result& result);

/// expect_error REQUIREs |status| and {"error": |error|} and returns the body.
Json expect_error(const httplib::Result& answer, int status, const std::string& error);

/// example_claims reads schemas/<type>/example_claims.json; type_vct the vct of schemas/<type>/type_metadata.json.
Json example_claims(const std::string& type);
std::string type_vct(const std::string& type);

/// path is ClaimPath::parse_dotted that REQUIREs success.
ClaimPath path(const std::string& dotted);

/// Holder is a wallet key that presents credentials with a KB-JWT.
struct Holder {
  static Holder generate(JwsAlg alg = JwsAlg::ES256);
  /// present discloses |paths| of |credential| and adds a KB-JWT for |aud| and |nonce| at |iat|.
  std::string present(const std::string& credential, const std::vector<ClaimPath>& paths, const std::string& aud,
                      const std::string& nonce, std::int64_t iat) const;

  PrivateJwk key;
  std::shared_ptr<Signer> signer;
};

/// TestIssuer is an ES256 issuer key for |iss|, issuing SD-JWT VCs where every claim is disclosable.
struct TestIssuer {
  static TestIssuer generate(const std::string& iss = "https://issuer.example");
  /// issue signs a credential of |vct| with |claims| bound to |holder| at |iat|; with |status|, a status claim
  /// (uri, idx).
  std::string issue(const std::string& vct, const Json& claims, const Jwk& holder, std::int64_t iat,
                    const std::optional<std::pair<std::string, std::int64_t>>& status = std::nullopt) const;
  /// trust_entry is {"iss", "jwks": {"keys": [public key]}}.
  Json trust_entry() const;

  std::string iss;
  PrivateJwk key;
  std::shared_ptr<Signer> signer;
};

/// StatusListServer serves one Status List Token (bits 2, 1024 entries) signed by |issuer| at
/// http://127.0.0.1:PORT/status/1; set() changes an entry for the next fetch.
class StatusListServer {
 public:
  explicit StatusListServer(const TestIssuer& issuer, const Clock& clock);
  ~StatusListServer();
  const std::string& uri() const { return uri_; }
  void set(std::size_t index, std::uint8_t value);

 private:
  const TestIssuer& issuer_;
  const Clock& clock_;
  std::map<std::size_t, std::uint8_t> values_;
  std::mutex mutex_;
  std::string uri_;
  std::unique_ptr<platform::HttpServer> server_;
};

/// WalletRequest is what the test wallet read from a link (by value, or from the verified Request Object).
struct WalletRequest {
  std::string id;
  std::string client_id;
  std::string response_uri;
  std::string nonce;
  std::string state;
  Json dcql_query;
  Json parameters;                    // every parameter as received (JSON values decoded)
  std::optional<Json> object_header;  // the Request Object's header when by reference
};

/// VerifierTestServer runs the verifier: temp data dir, trust file with |trust| entries, VerifierApp::open with
/// the settable clock (log to a string), an HttpServer on 127.0.0.1:0 with install_routes, in the background.
class VerifierTestServer {
 public:
  explicit VerifierTestServer(const std::vector<Json>& trust,
                              const std::function<void(VerifierConfig&)>& configure = {});
  ~VerifierTestServer();
  VerifierTestServer(const VerifierTestServer&) = delete;
  VerifierTestServer& operator=(const VerifierTestServer&) = delete;

  SettableClock& clock() { return clock_; }
  VerifierApp& app() { return *app_; }
  httplib::Client& client() { return *client_; }
  int port() const { return server_->port(); }
  const std::string& api_key() const { return api_key_; }
  const std::string& public_url() const { return app_->public_url(); }
  const std::filesystem::path& dir() const { return dir_.path(); }
  std::string log_text() const { return log_.str(); }

  /// create POSTs /v1/presentation-requests with |body| and |api_key| (default: the default relying party's).
  httplib::Result create(const Json& body, const std::optional<std::string>& api_key = std::nullopt);
  /// create_request is create() REQUIRing 201.
  Json create_request(const Json& body);
  /// result GETs /v1/presentation-requests/<id> REQUIRing 200.
  Json result(const std::string& id);
  /// open_link follows a link like a wallet: by value it reads the parameters; by reference it GETs the Request
  /// Object, REQUIREs typ oauth-authz-req+jwt, a signature by the x5c leaf and client_id = x509_hash of it.
  WalletRequest open_link(const std::string& link);
  /// respond posts {vp_token: JSON of |vp_token|, state} (or |form| as given) to the request's response path.
  httplib::Result respond(const WalletRequest& request, const Json& vp_token);
  httplib::Result post_form(const std::string& path, const httplib::Params& form);

 private:
  SettableClock clock_;
  TempDir dir_;
  std::ostringstream log_;
  std::unique_ptr<VerifierApp> app_;
  std::unique_ptr<platform::HttpServer> server_;
  std::unique_ptr<httplib::Client> client_;
  std::string api_key_;
};

/// path_of returns the path of an absolute URL ("http://127.0.0.1:1/response/x" -> "/response/x").
std::string path_of(const std::string& url);

/// IssuerProcess is a real `veil-issuer serve` child (VEIL_ISSUER_BIN, port 0, temp data dir); the destructor
/// sends SIGTERM and waits. issue() runs the OpenID4VCI pre-authorized code flow for |holder|.
class IssuerProcess {
 public:
  IssuerProcess();
  ~IssuerProcess();
  IssuerProcess(const IssuerProcess&) = delete;
  IssuerProcess& operator=(const IssuerProcess&) = delete;

  const std::string& url() const { return url_; }
  httplib::Client& client() { return *client_; }
  /// issue returns one credential of |configuration_id| with |claims| bound to |holder|.
  std::string issue(const std::string& configuration_id, const Json& claims, const Holder& holder);
  /// revoke revokes the credential issued to |holder|.
  void revoke(const Holder& holder);

 private:
  TempDir dir_;
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::string url_;
  std::string admin_key_;
  std::unique_ptr<httplib::Client> client_;
};

}  // namespace veil::verifier::testing
