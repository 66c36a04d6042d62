#include "veil/hash.h"

#include <openssl/evp.h>

#include <cstdlib>

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
  // The digests are fetched from the provider once. OpenSSL 3's one-shot SHA256() looks the algorithm up on every
  // call, a measurable share of a verification that hashes several disclosures and both signing inputs.
  static EVP_MD* const sha_256 = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
  static EVP_MD* const sha_384 = EVP_MD_fetch(nullptr, "SHA2-384", nullptr);
  static EVP_MD* const sha_512 = EVP_MD_fetch(nullptr, "SHA2-512", nullptr);
  const EVP_MD* md = alg == HashAlg::sha_256 ? sha_256 : alg == HashAlg::sha_384 ? sha_384 : sha_512;
  // One context per thread, reset by each init: EVP_Digest would allocate and free one per call.
  struct Context {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ~Context() { EVP_MD_CTX_free(ctx); }
  };
  thread_local Context context;
  std::vector<std::uint8_t> out(static_cast<std::size_t>(EVP_MD_get_size(md)));
  unsigned int size = 0;
  // Hashing in-memory bytes with a fetched digest cannot fail short of memory exhaustion.
  if (context.ctx == nullptr || EVP_DigestInit_ex2(context.ctx, md, nullptr) != 1 ||
      EVP_DigestUpdate(context.ctx, data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(context.ctx, out.data(), &size) != 1) {
    std::abort();
  }
  return out;
}

std::string hash_base64url(HashAlg alg, std::string_view data) { return base64url_encode(hash_bytes(alg, data)); }

}  // namespace veil
