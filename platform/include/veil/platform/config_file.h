// Reading a service's --config JSON file strictly: every member must be a known setting of the right type and
// range (a typo must not silently keep a default), and every failure is invalid_config naming the member.
// Shared by veil-issuer and veil-verifier, whose configs differ only in their member tables.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "veil/error.h"
#include "veil/json.h"
#include "veil/platform/http_server.h"
#include "veil/platform/rate_limiter.h"

namespace veil::platform {

/// config_error is the invalid_config Error for |member|: `config member "port" must be an integer`.
Error config_error(std::string_view member, std::string_view problem);

/// read_config_integer stores |value| in |target| when it is an integer in [min, max]; otherwise invalid_config.
template <class Int>
Status read_config_integer(const Json& value, std::string_view member, Int min, Int max, Int& target) {
  if (!value.is_number_integer()) return tl::unexpected(config_error(member, "must be an integer"));
  const auto number = value.get<std::int64_t>();
  if (number < static_cast<std::int64_t>(min) || number > static_cast<std::int64_t>(max)) {
    return tl::unexpected(
        config_error(member, "is out of range (" + std::to_string(min) + ".." + std::to_string(max) + ")"));
  }
  target = static_cast<Int>(number);
  return {};
}

/// read_config_string stores a non-empty string; otherwise invalid_config.
Status read_config_string(const Json& value, std::string_view member, std::string& target);

/// read_config_flag stores a boolean; otherwise invalid_config.
Status read_config_flag(const Json& value, std::string_view member, bool& target);

/// read_http_limits reads the "http" object: max_body_bytes (1 KiB..64 MiB), max_json_depth (4..256),
/// worker_threads (1..256); an unknown member is invalid_config naming "http.<member>".
Status read_http_limits(const Json& value, std::string_view member, HttpLimits& limits);

/// read_rate_limit reads the "rate_limit" object: per_second and burst, numbers from 1 to 1000000.
Status read_rate_limit(const Json& value, std::string_view member, RateLimit& limit);

/// check_root_public_url fails with invalid_config unless |url| is http:// or https:// with no path, query or
/// fragment beyond "/": the services answer at the root only, so a URL with a path would announce metadata and
/// endpoints nobody can reach.
Status check_root_public_url(std::string_view url);

/// ConfigMembers<Config> is the member table of one service's config: name → reader.
template <class Config>
struct ConfigMembers {
  using Reader = std::function<Status(Config&, const Json&, std::string_view)>;
  using Table = std::map<std::string, Reader, std::less<>>;

  template <class Int>
  static Reader integer(Int Config::*field, Int min, Int max) {
    return [=](Config& config, const Json& value, std::string_view name) {
      return read_config_integer(value, name, min, max, config.*field);
    };
  }
  static Reader text(std::string Config::*field) {
    return [=](Config& config, const Json& value, std::string_view name) {
      return read_config_string(value, name, config.*field);
    };
  }
  static Reader flag(bool Config::*field) {
    return [=](Config& config, const Json& value, std::string_view name) {
      return read_config_flag(value, name, config.*field);
    };
  }
  static Reader http(HttpLimits Config::*field) {
    return [=](Config& config, const Json& value, std::string_view name) {
      return read_http_limits(value, name, config.*field);
    };
  }
  static Reader rate_limit(RateLimit Config::*field) {
    return [=](Config& config, const Json& value, std::string_view name) {
      return read_rate_limit(value, name, config.*field);
    };
  }
};

/// apply_config_members reads every member of |document| (which must be an object) through |table|; an unknown
/// member fails with invalid_config "is not a setting".
template <class Config>
Status apply_config_members(Config& config, const Json& document, const typename ConfigMembers<Config>::Table& table) {
  if (!document.is_object()) return fail(ErrorCode::invalid_config, "the config file must hold a JSON object");
  for (const auto& [name, value] : document.items()) {
    const auto reader = table.find(name);
    if (reader == table.end()) return tl::unexpected(config_error(name, "is not a setting"));
    VEIL_CHECK(reader->second(config, value, name));
  }
  return {};
}

}  // namespace veil::platform
