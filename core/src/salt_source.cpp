#include "veil/salt_source.h"

#include "veil/base64url.h"
#include "veil/secret_bytes.h"

namespace veil {

Result<std::unique_ptr<RandomSaltSource>> RandomSaltSource::create(std::size_t bytes_per_salt) {
  if (bytes_per_salt < kMinimumBytes) return fail(ErrorCode::invalid_argument, "salts must be at least 16 bytes");
  return std::unique_ptr<RandomSaltSource>(new RandomSaltSource(bytes_per_salt));
}

std::string RandomSaltSource::next_salt() { return base64url_encode(SecretBytes::random(bytes_).reveal()); }

}  // namespace veil
