#include "veil/hash.h"

#include <openssl/sha.h>

#include "veil/base64url.h"

namespace veil {

Result<HashAlg> parse_hash_alg(std::string_view name) {
  if (name == "sha-256") return HashAlg::sha_256;
  if (name == "sha-384") return HashAlg::sha_384;
  if (name == "sha-512") return HashAlg::sha_512;
  return fail(ErrorCode::unsupported_sd_alg, "unsupported hash algorithm");
}

std::string_view hash_alg_name(HashAlg alg) {
  switch (alg) {
    case HashAlg::sha_256: return "sha-256";
    case HashAlg::sha_384: return "sha-384";
    case HashAlg::sha_512: return "sha-512";
  }
  return "sha-256";
}

std::vector<std::uint8_t> hash_bytes(HashAlg alg, std::string_view data) {
  const auto* in = reinterpret_cast<const unsigned char*>(data.data());
  std::vector<std::uint8_t> out;
  switch (alg) {
    case HashAlg::sha_256:
      out.resize(SHA256_DIGEST_LENGTH);
      SHA256(in, data.size(), out.data());
      break;
    case HashAlg::sha_384:
      out.resize(SHA384_DIGEST_LENGTH);
      SHA384(in, data.size(), out.data());
      break;
    case HashAlg::sha_512:
      out.resize(SHA512_DIGEST_LENGTH);
      SHA512(in, data.size(), out.data());
      break;
  }
  return out;
}

std::string hash_base64url(HashAlg alg, std::string_view data) { return base64url_encode(hash_bytes(alg, data)); }

}  // namespace veil
