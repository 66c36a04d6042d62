#include "verifier/verifier_config.h"

#include "veil/platform/config_file.h"

namespace veil::verifier {
namespace {

using platform::config_error;
using Members = platform::ConfigMembers<VerifierConfig>;

Status read_prefix(VerifierConfig& config, const Json& value, std::string_view name) {
  if (value == "auto") {
    config.client_id_prefix = ClientIdPrefix::automatic;
  } else if (value == "x509_hash") {
    config.client_id_prefix = ClientIdPrefix::x509_hash;
  } else if (value == "x509_san_dns") {
    config.client_id_prefix = ClientIdPrefix::x509_san_dns;
  } else {
    return tl::unexpected(config_error(name, "must be \"auto\", \"x509_hash\" or \"x509_san_dns\""));
  }
  return {};
}

constexpr std::int64_t kDay = 24 * 3600;

const Members::Table& member_readers() {
  static const Members::Table readers = {
      {"host", Members::text(&VerifierConfig::host)},
      {"port", Members::integer(&VerifierConfig::port, 0, 65535)},
      {"data_dir", Members::text(&VerifierConfig::data_dir)},
      {"public_url", Members::text(&VerifierConfig::public_url)},
      {"trust_file", Members::text(&VerifierConfig::trust_file)},
      {"api_keys_file", Members::text(&VerifierConfig::api_keys_file)},
      {"cert_file", Members::text(&VerifierConfig::cert_file)},
      {"cert_key_file", Members::text(&VerifierConfig::cert_key_file)},
      {"client_id_prefix", read_prefix},
      {"allow_loopback_http", Members::flag(&VerifierConfig::allow_loopback_http)},
      {"allow_no_kb", Members::flag(&VerifierConfig::allow_no_kb)},
      {"transaction_lifetime_seconds", Members::integer<std::int64_t>(&VerifierConfig::transaction_lifetime_seconds, 30, kDay)},
      {"result_retention_seconds", Members::integer<std::int64_t>(&VerifierConfig::result_retention_seconds, 1, 30 * kDay)},
      {"max_clock_skew_seconds", Members::integer<std::int64_t>(&VerifierConfig::max_clock_skew_seconds, 0, 3600)},
      {"kb_max_age_seconds", Members::integer<std::int64_t>(&VerifierConfig::kb_max_age_seconds, 1, kDay)},
      {"http", Members::http(&VerifierConfig::http)},
      {"rate_limit", Members::rate_limit(&VerifierConfig::rate_limit)},
  };
  return readers;
}

}  // namespace

Status apply_config_file(VerifierConfig& config, const Json& document) {
  VEIL_CHECK(platform::apply_config_members(config, document, member_readers()));
  return check_config(config);
}

Status check_config(const VerifierConfig& config) {
  if (config.cert_file.empty() != config.cert_key_file.empty()) {
    return tl::unexpected(config_error("cert_file", "and cert_key_file go together"));
  }
  if (!config.public_url.empty()) {
    // response_uri and request_uri are <public_url>/response/<id> and /request/<id>, answered at the root.
    VEIL_CHECK(platform::check_root_public_url(config.public_url));
    if (public_url_host(config.public_url).empty()) return tl::unexpected(config_error("public_url", "has no host"));
  }
  return {};
}

std::string public_url_host(std::string_view url) {
  const std::size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  std::string_view authority = url.substr(scheme + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos) return {};
  if (authority.starts_with("[")) {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return {};
    return std::string(authority.substr(1, close - 1));
  }
  return std::string(authority.substr(0, authority.find(':')));
}

}  // namespace veil::verifier
