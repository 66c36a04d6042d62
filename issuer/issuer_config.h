// IssuerConfig: everything an operator can choose for `veil-issuer serve`, from flags and the --config file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "veil/error.h"
#include "veil/json.h"
#include "veil/jws_alg.h"
#include "veil/platform/http_server.h"
#include "veil/platform/rate_limiter.h"

namespace veil::issuer {

/// IssuerConfig holds the issuer's settings. Lifetimes are in seconds.
struct IssuerConfig {
  std::string host = "127.0.0.1";
  int port = 8701;
  std::string data_dir = "./var/issuer";
  /// public_url is the Credential Issuer Identifier others see; empty means http://HOST:PORT once bound.
  std::string public_url;
  /// schemas_dir holds one folder per credential type (type_metadata.json + claims.schema.json).
  std::string schemas_dir;
  /// admin_key_file holds the admin API key; empty means <data_dir>/admin-api-key, generated on first start.
  std::string admin_key_file;
  std::string display_name = "Veil issuer";
  JwsAlg signing_alg = JwsAlg::ES256;

  // OpenID4VCI: pre-authorized codes are short-lived (VCI §13.6.1), c_nonces too (§7).
  std::int64_t offer_lifetime_seconds = 600;
  std::int64_t access_token_lifetime_seconds = 300;
  std::int64_t c_nonce_lifetime_seconds = 300;
  int max_tx_code_attempts = 5;
  std::size_t tx_code_length = 6;
  std::size_t batch_size = 10;

  // Credentials.
  std::int64_t credential_lifetime_seconds = 365LL * 24 * 3600;
  std::size_t decoys_per_level = 2;

  // Token Status List (draft-ietf-oauth-status-list): how long a fetched list may be cached and lives.
  std::size_t status_list_size = 131072;
  std::int64_t status_list_ttl_seconds = 300;
  std::int64_t status_list_token_lifetime_seconds = 86400;

  platform::HttpLimits http;
  /// public_rate_limit bounds, per client address, the public endpoints that create state or sign: /token,
  /// /nonce, /credential and the offer URI (ATTACKS H12). 429 beyond it.
  platform::RateLimit public_rate_limit;
};

/// apply_config_file overlays the members of a --config JSON document on |config|. Member names are the field
/// names above ("offer_lifetime_seconds", "signing_alg": "ES256" | "EdDSA", ...); "http" takes
/// "max_body_bytes", "max_json_depth" and "worker_threads". Fails with invalid_config naming the member for an
/// unknown name (a typo must not silently keep a default), a wrong type or a value out of range.
Status apply_config_file(IssuerConfig& config, const Json& document);

/// check_config checks the settings that flags and file produced together. Fails with invalid_config.
Status check_config(const IssuerConfig& config);

}  // namespace veil::issuer
