#include "core/test_keys.h"

#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

namespace veil_test {

namespace {

// sd-jwt-python settings.yml; the issuer public key is RFC 9901 Appendix A.5.
veil::Json issuer_private_json() {
  return {{"kty", "EC"},
          {"crv", "P-256"},
          {"d", "Ur2bNKuBPOrAaxsRnbSH6hIhmNTxSGXshDSUD1a1y7g"},
          {"x", "b28d4MwZMjw8-00CG4xfnn9SLMVMM19SlqZpVb_uNtQ"},
          {"y", "Xv5zWwuoaTgdS6hV43yI6gBwTnjukmFQQnJ_kCxzqk8"}};
}

veil::Json holder_private_json() {
  return {{"kty", "EC"},
          {"crv", "P-256"},
          {"d", "5K5SCos8zf9zRemGGUl6yfok-_NiiryNZsvANWMhF-I"},
          {"x", "TCAER19Zvu3OHF4j4W4vfSVoHIP1ILilDls7vCeGemc"},
          {"y", "ZxjiWWbZMQGHVWKVQ4hbSIirsVfuecCE6t4jT9F2HZQ"}};
}

veil::PrivateJwk must_parse(const veil::Json& json) {
  auto key = veil::PrivateJwk::parse(json);
  REQUIRE(key);
  return std::move(*key);
}

veil::Json without_d(veil::Json json) {
  json.erase("d");
  return json;
}

}  // namespace

veil::PrivateJwk issuer_key() { return must_parse(issuer_private_json()); }
veil::PrivateJwk holder_key() { return must_parse(holder_private_json()); }
veil::Json issuer_public_jwk_json() { return without_d(issuer_private_json()); }
veil::Json holder_public_jwk_json() { return without_d(holder_private_json()); }

std::string FixedSaltSource::next_salt() {
  std::size_t index = next_++;
  if (index < salts_.size()) return salts_[index];
  std::string salt = "salt-" + std::to_string(index);
  salt.resize(22, 'A');
  return salt;
}

std::string vectors_dir() { return VEIL_VECTORS_DIR; }

std::string read_vector_file(std::string_view relative_path) {
  std::string path = vectors_dir() + "/" + std::string(relative_path);
  std::ifstream in(path, std::ios::binary);
  INFO("reading " << path);
  REQUIRE(in.good());
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

veil::Json read_vector_json(std::string_view relative_path) {
  auto parsed = veil::parse_json(read_vector_file(relative_path));
  INFO("parsing " << relative_path);
  REQUIRE(parsed);
  return std::move(*parsed);
}

}  // namespace veil_test
