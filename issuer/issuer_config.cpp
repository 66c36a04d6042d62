#include "issuer/issuer_config.h"

#include <functional>
#include <limits>
#include <map>

namespace veil::issuer {
namespace {

Error config_error(std::string_view member, std::string_view problem) {
  return Error{ErrorCode::invalid_config, "config member \"" + std::string(member) + "\" " + std::string(problem)};
}

// Integer settings share one reader: every lifetime and size must be a positive whole number in range.
template <class Int>
Status read_integer(const Json& value, std::string_view member, Int min, Int max, Int& target) {
  if (!value.is_number_integer()) return tl::unexpected(config_error(member, "must be an integer"));
  const auto number = value.get<std::int64_t>();
  if (number < static_cast<std::int64_t>(min) || number > static_cast<std::int64_t>(max)) {
    return tl::unexpected(config_error(member, "is out of range (" + std::to_string(min) + ".." +
                                                   std::to_string(max) + ")"));
  }
  target = static_cast<Int>(number);
  return {};
}

Status read_string(const Json& value, std::string_view member, std::string& target) {
  if (!value.is_string() || value.get_ref<const std::string&>().empty()) {
    return tl::unexpected(config_error(member, "must be a non-empty string"));
  }
  target = value.get<std::string>();
  return {};
}

constexpr std::int64_t kYear = 365LL * 24 * 3600;
constexpr std::int64_t kTenYears = 10 * kYear;

using MemberReader = std::function<Status(IssuerConfig&, const Json&, std::string_view)>;

template <class Int>
MemberReader integer(Int IssuerConfig::*field, Int min, Int max) {
  return [=](IssuerConfig& config, const Json& value, std::string_view name) {
    return read_integer(value, name, min, max, config.*field);
  };
}

MemberReader text(std::string IssuerConfig::*field) {
  return [=](IssuerConfig& config, const Json& value, std::string_view name) {
    return read_string(value, name, config.*field);
  };
}

Status read_http(IssuerConfig& config, const Json& value, std::string_view name) {
  if (!value.is_object()) return tl::unexpected(config_error(name, "must be an object"));
  for (const auto& [member, member_value] : value.items()) {
    const std::string qualified = "http." + member;
    if (member == "max_body_bytes") {
      VEIL_CHECK(read_integer<std::size_t>(member_value, qualified, 1024, 64 << 20, config.http.max_body_bytes));
    } else if (member == "max_json_depth") {
      VEIL_CHECK(read_integer<std::size_t>(member_value, qualified, 4, 256, config.http.max_json_depth));
    } else if (member == "worker_threads") {
      VEIL_CHECK(read_integer<std::size_t>(member_value, qualified, 1, 256, config.http.worker_threads));
    } else {
      return tl::unexpected(config_error(qualified, "is not a setting"));
    }
  }
  return {};
}

Status read_rate_limit(IssuerConfig& config, const Json& value, std::string_view name) {
  if (!value.is_object()) return tl::unexpected(config_error(name, "must be an object"));
  for (const auto& [member, member_value] : value.items()) {
    const std::string qualified = "rate_limit." + member;
    double* target = member == "per_second" ? &config.public_rate_limit.per_second
                     : member == "burst"    ? &config.public_rate_limit.burst
                                            : nullptr;
    if (target == nullptr) return tl::unexpected(config_error(qualified, "is not a setting"));
    if (!member_value.is_number() || member_value.get<double>() < 1 || member_value.get<double>() > 1e6) {
      return tl::unexpected(config_error(qualified, "must be a number from 1 to 1000000"));
    }
    *target = member_value.get<double>();
  }
  return {};
}

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

const std::map<std::string, MemberReader, std::less<>>& member_readers() {
  static const std::map<std::string, MemberReader, std::less<>> readers = {
      {"host", text(&IssuerConfig::host)},
      {"port", integer(&IssuerConfig::port, 0, 65535)},
      {"data_dir", text(&IssuerConfig::data_dir)},
      {"public_url", text(&IssuerConfig::public_url)},
      {"schemas_dir", text(&IssuerConfig::schemas_dir)},
      {"admin_key_file", text(&IssuerConfig::admin_key_file)},
      {"display_name", text(&IssuerConfig::display_name)},
      {"signing_alg", read_signing_alg},
      {"offer_lifetime_seconds", integer<std::int64_t>(&IssuerConfig::offer_lifetime_seconds, 30, 7 * 24 * 3600)},
      {"access_token_lifetime_seconds", integer<std::int64_t>(&IssuerConfig::access_token_lifetime_seconds, 30, 3600)},
      {"c_nonce_lifetime_seconds", integer<std::int64_t>(&IssuerConfig::c_nonce_lifetime_seconds, 30, 3600)},
      {"max_tx_code_attempts", integer(&IssuerConfig::max_tx_code_attempts, 1, 20)},
      {"tx_code_length", integer<std::size_t>(&IssuerConfig::tx_code_length, 4, 12)},
      {"batch_size", integer<std::size_t>(&IssuerConfig::batch_size, 2, 100)},
      {"credential_lifetime_seconds", integer<std::int64_t>(&IssuerConfig::credential_lifetime_seconds, 60, kTenYears)},
      {"decoys_per_level", integer<std::size_t>(&IssuerConfig::decoys_per_level, 0, 16)},
      {"status_list_size", integer<std::size_t>(&IssuerConfig::status_list_size, 1024, 1 << 24)},
      {"status_list_ttl_seconds", integer<std::int64_t>(&IssuerConfig::status_list_ttl_seconds, 1, 86400)},
      {"status_list_token_lifetime_seconds",
       integer<std::int64_t>(&IssuerConfig::status_list_token_lifetime_seconds, 60, 30 * 86400)},
      {"http", read_http},
      {"rate_limit", read_rate_limit},
  };
  return readers;
}

}  // namespace

Status apply_config_file(IssuerConfig& config, const Json& document) {
  if (!document.is_object()) return fail(ErrorCode::invalid_config, "the config file must hold a JSON object");
  for (const auto& [name, value] : document.items()) {
    const auto reader = member_readers().find(name);
    if (reader == member_readers().end()) return tl::unexpected(config_error(name, "is not a setting"));
    VEIL_CHECK(reader->second(config, value, name));
  }
  return check_config(config);
}

Status check_config(const IssuerConfig& config) {
  // A status list token must not be cached past its own expiry (TSL §13.7 "ttl").
  if (config.status_list_ttl_seconds > config.status_list_token_lifetime_seconds) {
    return tl::unexpected(config_error("status_list_ttl_seconds", "exceeds status_list_token_lifetime_seconds"));
  }
  if (config.schemas_dir.empty()) return tl::unexpected(config_error("schemas_dir", "is empty"));
  if (!config.public_url.empty()) {
    const std::string_view url = config.public_url;
    const std::size_t scheme_end = url.starts_with("https://") ? 8 : url.starts_with("http://") ? 7 : 0;
    if (scheme_end == 0) return tl::unexpected(config_error("public_url", "must be an http:// or https:// URL"));
    // An issuer identifier with a path puts its metadata at /.well-known/openid-credential-issuer/<path>
    // (OpenID4VCI 1.0 §12.2.2, RFC 8414 §3.1); the issuer serves at the root only, so such a URL is refused
    // rather than announced with metadata nobody can find.
    const std::size_t path_start = url.find_first_of("/?#", scheme_end);
    if (path_start != std::string_view::npos && url.substr(path_start) != "/") {
      return tl::unexpected(config_error("public_url", "must not have a path, query or fragment (serve it at the root)"));
    }
  }
  return {};
}

}  // namespace veil::issuer
