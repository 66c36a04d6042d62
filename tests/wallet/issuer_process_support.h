// IssuerProcess: a real `veil-issuer serve` child process on a free loopback port, for wallet tests that receive
// credentials over HTTP exactly as a holder would. Plus the FetchPolicy every wallet test uses.
#pragma once

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>

#include <httplib.h>

#include "support/temp_dir.h"
#include "veil/json.h"
#include "veil/platform/http_client.h"

namespace veil::wallet::testing {

/// loopback_fetch_policy is the FetchPolicy of wallet tests: plain http:// allowed to loopback hosts only.
platform::FetchPolicy loopback_fetch_policy();

/// example_claims reads schemas/<type>/example_claims.json ("person", "age", "employment", ...).
Json example_claims(const std::string& type);

/// IssuerProcess starts VEIL_ISSUER_BIN serve --port 0 --data-dir <temp dir> (stderr to <temp dir>/issuer.log),
/// waits for its one "listening on http://127.0.0.1:PORT" line and reads <data dir>/admin-api-key. Construction
/// throws std::runtime_error when the issuer does not come up within 20 seconds. The destructor sends SIGTERM
/// and waits for the process.
class IssuerProcess {
 public:
  IssuerProcess();
  ~IssuerProcess();
  IssuerProcess(const IssuerProcess&) = delete;
  IssuerProcess& operator=(const IssuerProcess&) = delete;

  /// url is "http://127.0.0.1:PORT": the Credential Issuer Identifier and the iss of its credentials.
  const std::string& url() const { return url_; }
  int port() const { return port_; }
  const std::string& admin_key() const { return admin_key_; }
  /// client is an httplib client to the issuer (admin and raw protocol calls).
  httplib::Client& client() { return *client_; }

  /// create_offer POSTs /admin/offers {"credential_configuration_id", "claims", "tx_code"} and REQUIREs 201.
  /// The answer has "offer_uri" (by reference), "offer_uri_by_value", "credential_offer" and, with |tx_code|,
  /// "tx_code" (the code to give the holder).
  Json create_offer(const std::string& configuration_id, const Json& claims, bool tx_code = false);

  /// revoke revokes the issued credential whose cnf key has |holder_key_thumbprint| (RFC 7638) through
  /// GET /admin/credentials and POST /admin/credentials/<id>/revoke; REQUIREs that it exists and the change works.
  /// Returns the updated record.
  Json revoke(const std::string& holder_key_thumbprint);

 private:
  veil_test::TempDir dir_;
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  int port_ = 0;
  std::string url_;
  std::string admin_key_;
  std::unique_ptr<httplib::Client> client_;
};

}  // namespace veil::wallet::testing
