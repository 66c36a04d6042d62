// Shared test fixtures: the RFC 9901 / sd-jwt-python keys, fixed salts, and vector file loading.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "veil/jwk.h"
#include "veil/json.h"
#include "veil/salt_source.h"

namespace veil_test {

/// bytes_of views the characters of |text| as bytes (signing inputs and messages in crypto tests).
inline std::span<const std::uint8_t> bytes_of(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

/// issuer_key returns the ES256 issuer key of RFC 9901 Appendix A.5 / sd-jwt-python settings.yml (no kid).
veil::PrivateJwk issuer_key();
/// holder_key returns the ES256 holder key of the same settings (the cnf.jwk of the examples).
veil::PrivateJwk holder_key();
/// issuer_public_jwk / holder_public_jwk are the public halves as JSON (kty, crv, x, y).
veil::Json issuer_public_jwk_json();
veil::Json holder_public_jwk_json();

/// FixedSaltSource hands out the given salts in order, then "salt-<n>" padded to 22 characters once they run out.
class FixedSaltSource final : public veil::SaltSource {
 public:
  explicit FixedSaltSource(std::vector<std::string> salts = {}) : salts_(std::move(salts)) {}
  std::string next_salt() override;
  std::size_t used() const { return next_; }

 private:
  std::vector<std::string> salts_;
  std::size_t next_ = 0;
};

/// read_vector_file returns the bytes of VEIL_VECTORS_DIR/|relative_path| ("sd-jwt/rfc9901-examples/...").
/// It fails the current test (Catch2 REQUIRE) when the file cannot be read.
std::string read_vector_file(std::string_view relative_path);

/// read_vector_json is read_vector_file parsed as JSON (REQUIRE on failure).
veil::Json read_vector_json(std::string_view relative_path);

/// vectors_dir returns VEIL_VECTORS_DIR.
std::string vectors_dir();

}  // namespace veil_test
