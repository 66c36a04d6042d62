#include "verifier/verifier_config.h"

#include <functional>
#include <map>

namespace veil::verifier {
namespace {

Error config_error(std::string_view member, std::string_view problem) {
  return Error{ErrorCode::invalid_config, "config member \"" + std::string(member) + "\" " + std::string(problem)};
}

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

using MemberReader = std::function<Status(VerifierConfig&, const Json&, std::string_view)>;

template <class Int>
MemberReader integer(Int VerifierConfig::*field, Int min, Int max) {
  return [=](VerifierConfig& config, const Json& value, std::string_view name) {
    return read_integer(value, name, min, max, config.*field);
  };
}

MemberReader text(std::string VerifierConfig::*field) {
  return [=](VerifierConfig& config, const Json& value, std::string_view name) -> Status {
    if (!value.is_string() || value.get_ref<const std::string&>().empty()) {
      return tl::unexpected(config_error(name, "must be a non-empty string"));
    }
    config.*field = value.get<std::string>();
    return {};
  };
}

MemberReader flag(bool VerifierConfig::*field) {
  return [=](VerifierConfig& config, const Json& value, std::string_view name) -> Status {
    if (!value.is_boolean()) return tl::unexpected(config_error(name, "must be true or false"));
    config.*field = value.get<bool>();
    return {};
  };
}

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

Status read_http(VerifierConfig& config, const Json& value, std::string_view name) {
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

Status read_rate_limit(VerifierConfig& config, const Json& value, std::string_view name) {
  if (!value.is_object()) return tl::unexpected(config_error(name, "must be an object"));
  for (const auto& [member, member_value] : value.items()) {
    const std::string qualified = "rate_limit." + member;
    double* target = member == "per_second" ? &config.rate_limit.per_second
                     : member == "burst"    ? &config.rate_limit.burst
                                            : nullptr;
    if (target == nullptr) return tl::unexpected(config_error(qualified, "is not a setting"));
    if (!member_value.is_number() || member_value.get<double>() < 1 || member_value.get<double>() > 1e6) {
      return tl::unexpected(config_error(qualified, "must be a number from 1 to 1000000"));
    }
    *target = member_value.get<double>();
  }
  return {};
}

constexpr std::int64_t kDay = 24 * 3600;

const std::map<std::string, MemberReader, std::less<>>& member_readers() {
  static const std::map<std::string, MemberReader, std::less<>> readers = {
      {"host", text(&VerifierConfig::host)},
      {"port", integer(&VerifierConfig::port, 0, 65535)},
      {"data_dir", text(&VerifierConfig::data_dir)},
      {"public_url", text(&VerifierConfig::public_url)},
      {"trust_file", text(&VerifierConfig::trust_file)},
      {"api_keys_file", text(&VerifierConfig::api_keys_file)},
      {"cert_file", text(&VerifierConfig::cert_file)},
      {"cert_key_file", text(&VerifierConfig::cert_key_file)},
      {"client_id_prefix", read_prefix},
      {"allow_loopback_http", flag(&VerifierConfig::allow_loopback_http)},
      {"allow_no_kb", flag(&VerifierConfig::allow_no_kb)},
      {"transaction_lifetime_seconds", integer<std::int64_t>(&VerifierConfig::transaction_lifetime_seconds, 30, kDay)},
      {"result_retention_seconds", integer<std::int64_t>(&VerifierConfig::result_retention_seconds, 1, 30 * kDay)},
      {"max_clock_skew_seconds", integer<std::int64_t>(&VerifierConfig::max_clock_skew_seconds, 0, 3600)},
      {"kb_max_age_seconds", integer<std::int64_t>(&VerifierConfig::kb_max_age_seconds, 1, kDay)},
      {"http", read_http},
      {"rate_limit", read_rate_limit},
  };
  return readers;
}

}  // namespace

Status apply_config_file(VerifierConfig& config, const Json& document) {
  if (!document.is_object()) return fail(ErrorCode::invalid_config, "the config file must hold a JSON object");
  for (const auto& [name, value] : document.items()) {
    const auto reader = member_readers().find(name);
    if (reader == member_readers().end()) return tl::unexpected(config_error(name, "is not a setting"));
    VEIL_CHECK(reader->second(config, value, name));
  }
  return check_config(config);
}

Status check_config(const VerifierConfig& config) {
  if (config.cert_file.empty() != config.cert_key_file.empty()) {
    return tl::unexpected(config_error("cert_file", "and cert_key_file go together"));
  }
  if (!config.public_url.empty()) {
    const std::string_view url = config.public_url;
    const std::size_t scheme_end = url.starts_with("https://") ? 8 : url.starts_with("http://") ? 7 : 0;
    if (scheme_end == 0) return tl::unexpected(config_error("public_url", "must be an http:// or https:// URL"));
    // response_uri and request_uri are <public_url>/response/<id> and /request/<id>; the service answers at the
    // root only, so a URL with a path would announce endpoints nobody can reach.
    const std::size_t path_start = url.find_first_of("/?#", scheme_end);
    if (path_start != std::string_view::npos && url.substr(path_start) != "/") {
      return tl::unexpected(config_error("public_url", "must not have a path, query or fragment (serve it at the root)"));
    }
    if (public_url_host(url).empty()) return tl::unexpected(config_error("public_url", "has no host"));
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
