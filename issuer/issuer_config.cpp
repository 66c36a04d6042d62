#include "issuer/issuer_config.h"

#include <limits>

#include "veil/platform/config_file.h"

namespace veil::issuer {
namespace {

using platform::config_error;
using Members = platform::ConfigMembers<IssuerConfig>;

constexpr std::int64_t kYear = 365LL * 24 * 3600;
constexpr std::int64_t kTenYears = 10 * kYear;

Status read_signing_alg(IssuerConfig& config, const Json& value, std::string_view name) {
  if (value == "ES256") {
    config.signing_alg = JwsAlg::ES256;
  } else if (value == "EdDSA") {
    config.signing_alg = JwsAlg::EdDSA;
  } else {
    return tl::unexpected(config_error(name, "must be \"ES256\" or \"EdDSA\""));
  }
  return {};
}

const Members::Table& member_readers() {
  static const Members::Table readers = {
      {"host", Members::text(&IssuerConfig::host)},
      {"port", Members::integer(&IssuerConfig::port, 0, 65535)},
      {"data_dir", Members::text(&IssuerConfig::data_dir)},
      {"public_url", Members::text(&IssuerConfig::public_url)},
      {"schemas_dir", Members::text(&IssuerConfig::schemas_dir)},
      {"admin_key_file", Members::text(&IssuerConfig::admin_key_file)},
      {"display_name", Members::text(&IssuerConfig::display_name)},
      {"signing_alg", read_signing_alg},
      {"offer_lifetime_seconds", Members::integer<std::int64_t>(&IssuerConfig::offer_lifetime_seconds, 30, 7 * 24 * 3600)},
      {"access_token_lifetime_seconds", Members::integer<std::int64_t>(&IssuerConfig::access_token_lifetime_seconds, 30, 3600)},
      {"c_nonce_lifetime_seconds", Members::integer<std::int64_t>(&IssuerConfig::c_nonce_lifetime_seconds, 30, 3600)},
      {"max_tx_code_attempts", Members::integer(&IssuerConfig::max_tx_code_attempts, 1, 20)},
      {"tx_code_length", Members::integer<std::size_t>(&IssuerConfig::tx_code_length, 4, 12)},
      {"batch_size", Members::integer<std::size_t>(&IssuerConfig::batch_size, 2, 100)},
      {"credential_lifetime_seconds", Members::integer<std::int64_t>(&IssuerConfig::credential_lifetime_seconds, 60, kTenYears)},
      {"decoys_per_level", Members::integer<std::size_t>(&IssuerConfig::decoys_per_level, 0, 16)},
      {"status_list_size", Members::integer<std::size_t>(&IssuerConfig::status_list_size, 1024, 1 << 24)},
      {"status_list_ttl_seconds", Members::integer<std::int64_t>(&IssuerConfig::status_list_ttl_seconds, 1, 86400)},
      {"status_list_token_lifetime_seconds",
       Members::integer<std::int64_t>(&IssuerConfig::status_list_token_lifetime_seconds, 60, 30 * 86400)},
      {"http", Members::http(&IssuerConfig::http)},
      {"rate_limit", Members::rate_limit(&IssuerConfig::public_rate_limit)},
  };
  return readers;
}

}  // namespace

Status apply_config_file(IssuerConfig& config, const Json& document) {
  VEIL_CHECK(platform::apply_config_members(config, document, member_readers()));
  return check_config(config);
}

Status check_config(const IssuerConfig& config) {
  // A status list token must not be cached past its own expiry (TSL §13.7 "ttl").
  if (config.status_list_ttl_seconds > config.status_list_token_lifetime_seconds) {
    return tl::unexpected(config_error("status_list_ttl_seconds", "exceeds status_list_token_lifetime_seconds"));
  }
  if (config.schemas_dir.empty()) return tl::unexpected(config_error("schemas_dir", "is empty"));
  // An issuer identifier with a path puts its metadata at /.well-known/openid-credential-issuer/<path>
  // (OpenID4VCI 1.0 §12.2.2, RFC 8414 §3.1); the issuer serves at the root only, so such a URL is refused
  // rather than announced with metadata nobody can find.
  if (!config.public_url.empty()) VEIL_CHECK(platform::check_root_public_url(config.public_url));
  return {};
}

}  // namespace veil::issuer
