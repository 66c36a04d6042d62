// VerifierConfig: everything an operator can choose for `veil-verifier serve`, from flags and the --config file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "veil/error.h"
#include "veil/json.h"
#include "veil/platform/http_server.h"
#include "veil/platform/rate_limiter.h"

namespace veil::verifier {

/// ClientIdPrefix chooses the OpenID4VP 1.0 §5.9.3 Client Identifier Prefix of requests by reference: auto is
/// x509_san_dns when the certificate's SAN names the public URL's host, else x509_hash.
enum class ClientIdPrefix { automatic, x509_hash, x509_san_dns };

/// VerifierConfig holds the verifier's settings. Durations are in seconds.
struct VerifierConfig {
  std::string host = "127.0.0.1";
  int port = 8703;
  std::string data_dir = "./var/verifier";
  /// public_url is the base URL wallets reach (response_uri, request_uri); empty means http://HOST:PORT once bound.
  std::string public_url;
  /// trust_file lists the trusted issuers; empty means <data_dir>/trust.json (created empty on first start).
  std::string trust_file;
  /// api_keys_file holds the relying parties and their API keys; empty means <data_dir>/api-keys.json, created
  /// with one relying party "default" on first start (mode 0600).
  std::string api_keys_file;
  /// cert_file and cert_key_file (PEM, both or neither) replace the self-signed request-signing certificate and
  /// P-256 key the verifier otherwise creates in <data_dir> on first start.
  std::string cert_file;
  std::string cert_key_file;
  ClientIdPrefix client_id_prefix = ClientIdPrefix::automatic;
  /// allow_loopback_http lets the verifier fetch issuer metadata and status lists from, and post webhooks to,
  /// plain http:// loopback URLs (local demos and tests); https is always required otherwise.
  bool allow_loopback_http = false;
  /// allow_no_kb lets POST /v1/verify callers send {"no_kb": true} and accept an SD-JWT without key binding
  /// (ATTACKS K1: off unless the operator chooses it).
  bool allow_no_kb = false;

  /// How long a wallet has to answer a presentation request (VP §14.2: short-lived nonces).
  std::int64_t transaction_lifetime_seconds = 300;
  /// How long a result (personal data) and an expired request stay readable before they are deleted.
  std::int64_t result_retention_seconds = 600;
  /// Key binding: allowed clock skew and the largest age of a KB-JWT iat (RFC 9901 §7.3 step 5.5).
  std::int64_t max_clock_skew_seconds = 60;
  std::int64_t kb_max_age_seconds = 300;

  platform::HttpLimits http;
  /// rate_limit bounds, per client address, presentation-request creation and the wallet endpoints (ATTACKS H12).
  platform::RateLimit rate_limit;
};

/// apply_config_file overlays the members of a --config JSON document on |config|. Member names are the field
/// names above ("transaction_lifetime_seconds", "client_id_prefix": "auto" | "x509_hash" | "x509_san_dns",
/// "allow_loopback_http" and "allow_no_kb": bool, ...); "http" takes "max_body_bytes", "max_json_depth" and "worker_threads",
/// "rate_limit" takes "per_second" and "burst". Fails with invalid_config naming the member for an unknown name
/// (a typo must not silently keep a default), a wrong type or a value out of range.
Status apply_config_file(VerifierConfig& config, const Json& document);

/// check_config checks the settings that flags and file produced together: an http(s) public URL without a
/// path, --cert with --cert-key. Fails with invalid_config.
Status check_config(const VerifierConfig& config);

/// public_url_host returns the host of an http(s) URL without brackets or port ("verifier.example",
/// "127.0.0.1", "::1"); empty when the URL has no host.
std::string public_url_host(std::string_view url);

}  // namespace veil::verifier
