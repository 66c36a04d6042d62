#include "verifier/jwe_test_support.h"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <catch2/catch.hpp>
#include <memory>
#include <vector>

#include "veil/base64url.h"
#include "veil/secret_bytes.h"

namespace veil::verifier::testing {
namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* ctx) const { EVP_PKEY_CTX_free(ctx); }
};
struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
struct BldFree {
  void operator()(OSSL_PARAM_BLD* bld) const { OSSL_PARAM_BLD_free(bld); }
};
struct ParamFree {
  void operator()(OSSL_PARAM* params) const { OSSL_PARAM_free(params); }
};
struct BnFree {
  void operator()(BIGNUM* bn) const { BN_free(bn); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

std::vector<std::uint8_t> decoded(const Json& jwk, const char* member) {
  auto bytes = base64url_decode(jwk.at(member).get<std::string>());
  REQUIRE(bytes);
  return *bytes;
}

Pkey public_key(const Json& jwk) {
  std::vector<std::uint8_t> point{0x04};
  for (const char* member : {"x", "y"}) {
    const auto coordinate = decoded(jwk, member);
    point.insert(point.end(), coordinate.begin(), coordinate.end());
  }
  std::unique_ptr<OSSL_PARAM_BLD, BldFree> bld(OSSL_PARAM_BLD_new());
  REQUIRE(OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) == 1);
  REQUIRE(OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) == 1);
  std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(bld.get()));
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* raw = nullptr;
  REQUIRE(EVP_PKEY_fromdata_init(ctx.get()) == 1);
  REQUIRE(EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) == 1);
  return Pkey(raw);
}

std::string coordinate(EVP_PKEY* key, const char* param) {
  BIGNUM* raw = nullptr;
  REQUIRE(EVP_PKEY_get_bn_param(key, param, &raw) == 1);
  std::unique_ptr<BIGNUM, BnFree> bn(raw);
  std::vector<std::uint8_t> bytes(32);
  REQUIRE(BN_bn2binpad(bn.get(), bytes.data(), 32) == 32);
  return base64url_encode(bytes);
}

void put_u32(std::vector<std::uint8_t>& out, std::size_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(value >> shift));
}

}  // namespace

std::string encrypt_jwe(const Json& payload, const Json& recipient, const std::string& enc,
                        const Json& header_overrides) {
  Pkey ephemeral(EVP_EC_gen("P-256"));
  REQUIRE(ephemeral);
  Json header = {{"alg", "ECDH-ES"},
                 {"enc", enc},
                 {"epk",
                  {{"kty", "EC"},
                   {"crv", "P-256"},
                   {"x", coordinate(ephemeral.get(), OSSL_PKEY_PARAM_EC_PUB_X)},
                   {"y", coordinate(ephemeral.get(), OSSL_PKEY_PARAM_EC_PUB_Y)}}}};
  if (recipient.contains("kid")) header["kid"] = recipient["kid"];
  for (const auto& [name, value] : header_overrides.items()) header[name] = value;

  // ECDH shared secret Z.
  Pkey peer = public_key(recipient);
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> derive(EVP_PKEY_CTX_new_from_pkey(nullptr, ephemeral.get(), nullptr));
  std::size_t z_length = 32;
  std::vector<std::uint8_t> z(32);
  REQUIRE(EVP_PKEY_derive_init(derive.get()) == 1);
  REQUIRE(EVP_PKEY_derive_set_peer(derive.get(), peer.get()) == 1);
  REQUIRE(EVP_PKEY_derive(derive.get(), z.data(), &z_length) == 1);

  // Concat KDF, one SHA-256 round: counter || Z || AlgorithmID || PartyUInfo || PartyVInfo || SuppPubInfo.
  const std::size_t key_bytes = enc == "A256GCM" ? 32 : 16;
  std::vector<std::uint8_t> kdf_input;
  put_u32(kdf_input, 1);
  kdf_input.insert(kdf_input.end(), z.begin(), z.end());
  put_u32(kdf_input, enc.size());
  kdf_input.insert(kdf_input.end(), enc.begin(), enc.end());
  put_u32(kdf_input, 0);  // apu
  put_u32(kdf_input, 0);  // apv
  put_u32(kdf_input, key_bytes * 8);
  std::vector<std::uint8_t> digest(32);
  unsigned int digest_length = 0;
  REQUIRE(EVP_Digest(kdf_input.data(), kdf_input.size(), digest.data(), &digest_length, EVP_sha256(), nullptr) == 1);

  const std::string encoded_header = base64url_encode(std::string_view(header.dump()));
  const std::string plaintext = payload.dump();
  const SecretBytes iv = SecretBytes::random(12);
  std::vector<std::uint8_t> ciphertext(plaintext.size() + 16);
  std::vector<std::uint8_t> tag(16);
  std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree> ctx(EVP_CIPHER_CTX_new());
  int written = 0;
  int final_written = 0;
  REQUIRE(EVP_EncryptInit_ex(ctx.get(), key_bytes == 32 ? EVP_aes_256_gcm() : EVP_aes_128_gcm(), nullptr,
                             digest.data(), iv.reveal().data()) == 1);
  REQUIRE(EVP_EncryptUpdate(ctx.get(), nullptr, &written, reinterpret_cast<const unsigned char*>(encoded_header.data()),
                            static_cast<int>(encoded_header.size())) == 1);
  REQUIRE(EVP_EncryptUpdate(ctx.get(), ciphertext.data(), &written,
                            reinterpret_cast<const unsigned char*>(plaintext.data()),
                            static_cast<int>(plaintext.size())) == 1);
  REQUIRE(EVP_EncryptFinal_ex(ctx.get(), ciphertext.data() + written, &final_written) == 1);
  ciphertext.resize(static_cast<std::size_t>(written + final_written));
  REQUIRE(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, 16, tag.data()) == 1);
  return encoded_header + ".." + base64url_encode(iv.reveal()) + "." + base64url_encode(ciphertext) + "." +
         base64url_encode(tag);
}

}  // namespace veil::verifier::testing
