#include "veil/platform/key_files.h"

#include <sys/stat.h>

#include "veil/platform/files.h"

namespace veil::platform {

namespace {
constexpr std::size_t kMaxKeyFileBytes = 64 * 1024;

Result<Json> read_jwk_json(const std::string& path) {
  VEIL_TRY(auto json, read_json_input(path, kMaxKeyFileBytes));
  if (!json.is_object()) return fail(ErrorCode::invalid_jwk, path + ": a JWK must be a JSON object");
  return json;
}
}  // namespace

Result<PrivateJwk> read_private_jwk(const std::string& path) {
  struct stat info {};
  if (path != "-" && ::stat(path.c_str(), &info) == 0 && (info.st_mode & 077) != 0) {
    return fail(ErrorCode::io_error, path + " is accessible by group or others; refusing a private key (chmod 600 it)");
  }
  VEIL_TRY(auto json, read_jwk_json(path));
  auto key = PrivateJwk::parse(json);
  if (!key) return fail(key.error().code, path + ": " + key.error().message);
  return key;
}

Result<Jwk> read_public_jwk(const std::string& path) {
  VEIL_TRY(auto json, read_jwk_json(path));
  auto key = Jwk::parse(json);
  if (!key) return fail(key.error().code, path + ": " + key.error().message);
  return key;
}

Result<std::string> generate_key(JwsAlg alg, std::optional<std::string> kid, const std::optional<std::string>& out) {
  VEIL_TRY(auto key, PrivateJwk::generate(alg, std::move(kid)));
  std::string text = key.to_json().dump() + "\n";
  if (!out) return text;
  VEIL_CHECK(write_new_secret_file(*out, text));
  return std::string();
}

}  // namespace veil::platform
