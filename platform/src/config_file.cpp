#include "veil/platform/config_file.h"

namespace veil::platform {

Error config_error(std::string_view member, std::string_view problem) {
  return Error{ErrorCode::invalid_config, "config member \"" + std::string(member) + "\" " + std::string(problem)};
}

Status read_config_string(const Json& value, std::string_view member, std::string& target) {
  if (!value.is_string() || value.get_ref<const std::string&>().empty()) {
    return tl::unexpected(config_error(member, "must be a non-empty string"));
  }
  target = value.get<std::string>();
  return {};
}

Status read_config_flag(const Json& value, std::string_view member, bool& target) {
  if (!value.is_boolean()) return tl::unexpected(config_error(member, "must be true or false"));
  target = value.get<bool>();
  return {};
}

Status read_http_limits(const Json& value, std::string_view member, HttpLimits& limits) {
  if (!value.is_object()) return tl::unexpected(config_error(member, "must be an object"));
  for (const auto& [name, setting] : value.items()) {
    const std::string qualified = std::string(member) + "." + name;
    if (name == "max_body_bytes") {
      VEIL_CHECK(read_config_integer<std::size_t>(setting, qualified, 1024, 64 << 20, limits.max_body_bytes));
    } else if (name == "max_json_depth") {
      VEIL_CHECK(read_config_integer<std::size_t>(setting, qualified, 4, 256, limits.max_json_depth));
    } else if (name == "worker_threads") {
      VEIL_CHECK(read_config_integer<std::size_t>(setting, qualified, 1, 256, limits.worker_threads));
    } else {
      return tl::unexpected(config_error(qualified, "is not a setting"));
    }
  }
  return {};
}

Status read_rate_limit(const Json& value, std::string_view member, RateLimit& limit) {
  if (!value.is_object()) return tl::unexpected(config_error(member, "must be an object"));
  for (const auto& [name, setting] : value.items()) {
    const std::string qualified = std::string(member) + "." + name;
    double* target = name == "per_second" ? &limit.per_second : name == "burst" ? &limit.burst : nullptr;
    if (target == nullptr) return tl::unexpected(config_error(qualified, "is not a setting"));
    if (!setting.is_number() || setting.get<double>() < 1 || setting.get<double>() > 1e6) {
      return tl::unexpected(config_error(qualified, "must be a number from 1 to 1000000"));
    }
    *target = setting.get<double>();
  }
  return {};
}

Status check_root_public_url(std::string_view url) {
  const std::size_t scheme_end = url.starts_with("https://") ? 8 : url.starts_with("http://") ? 7 : 0;
  if (scheme_end == 0) return tl::unexpected(config_error("public_url", "must be an http:// or https:// URL"));
  const std::size_t path_start = url.find_first_of("/?#", scheme_end);
  if (path_start != std::string_view::npos && url.substr(path_start) != "/") {
    return tl::unexpected(config_error("public_url", "must not have a path, query or fragment (serve it at the root)"));
  }
  return {};
}

}  // namespace veil::platform
