#include "verifier/response_encryption.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <array>
#include <memory>
#include <vector>

#include "veil/base64url.h"
#include "veil/secret_bytes.h"

namespace veil::verifier {
namespace {

template <auto Free>
struct Deleter {
  template <class T>
  void operator()(T* handle) const {
    Free(handle);
  }
};
using Pkey = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX_free>>;
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, Deleter<EVP_CIPHER_CTX_free>>;
using ParamBld = std::unique_ptr<OSSL_PARAM_BLD, Deleter<OSSL_PARAM_BLD_free>>;
using Params = std::unique_ptr<OSSL_PARAM, Deleter<OSSL_PARAM_free>>;
using Bn = std::unique_ptr<BIGNUM, Deleter<BN_clear_free>>;

constexpr std::size_t kIvBytes = 12;   // RFC 7518 §5.3: 96-bit IV
constexpr std::size_t kTagBytes = 16;  // and 128-bit authentication tag

Error malformed(std::string_view what) {
  return Error{ErrorCode::invalid_presentation_response, "the encrypted response " + std::string(what)};
}

Error openssl_failure(std::string_view what) {
  ERR_clear_error();
  return Error{ErrorCode::internal_error, std::string(what) + " failed in OpenSSL"};
}

// SEC 1 §2.3.3 uncompressed point 0x04 || X || Y.
std::vector<std::uint8_t> uncompressed_point(const Jwk& key) {
  std::vector<std::uint8_t> point{0x04};
  point.insert(point.end(), key.x().begin(), key.x().end());
  point.insert(point.end(), key.y().begin(), key.y().end());
  return point;
}

Result<Pkey> ec_key(const Jwk& public_key, const SecretBytes* d) {
  const std::vector<std::uint8_t> point = uncompressed_point(public_key);
  ParamBld bld(OSSL_PARAM_BLD_new());
  Bn scalar(d != nullptr ? BN_secure_new() : nullptr);
  if (!bld || OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1) {
    return tl::unexpected(openssl_failure("ec key parameters"));
  }
  if (d != nullptr) {
    const auto bytes = d->reveal();
    if (!scalar || BN_bin2bn(bytes.data(), static_cast<int>(bytes.size()), scalar.get()) == nullptr ||
        OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, scalar.get()) != 1) {
      return tl::unexpected(openssl_failure("ec key parameters"));
    }
  }
  Params params(OSSL_PARAM_BLD_to_param(bld.get()));
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, d != nullptr ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    ERR_clear_error();
    return fail(ErrorCode::invalid_jwk, "the ec point is not on p-256");
  }
  Pkey key(raw);
  // Invalid-curve attacks (RFC 7518 §8.4 / RFC 8725 §2.1): the peer point is checked explicitly, not only parsed.
  PkeyCtx check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1) {
    ERR_clear_error();
    return fail(ErrorCode::invalid_jwk, "the ec point is not on p-256");
  }
  return key;
}

Result<SecretBytes> ecdh(const PrivateJwk& key, const Jwk& peer) {
  VEIL_TRY(Pkey own, ec_key(key.public_key(), &key.d()));
  VEIL_TRY(Pkey other, ec_key(peer, nullptr));
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, own.get(), nullptr));
  std::size_t length = 0;
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 || EVP_PKEY_derive_set_peer(ctx.get(), other.get()) != 1 ||
      EVP_PKEY_derive(ctx.get(), nullptr, &length) != 1 || length != 32) {
    return tl::unexpected(openssl_failure("ecdh"));
  }
  SecretBytes z = SecretBytes::random(length);
  if (EVP_PKEY_derive(ctx.get(), z.reveal_mutable().data(), &length) != 1 || length != 32) {
    return tl::unexpected(openssl_failure("ecdh"));
  }
  return z;
}

void append_length_prefixed(std::vector<std::uint8_t>& out, std::span<const std::uint8_t> data) {
  const auto size = static_cast<std::uint32_t>(data.size());
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(size >> shift));
  out.insert(out.end(), data.begin(), data.end());
}

// RFC 7518 §4.6.2: Concat KDF (NIST SP 800-56A §5.8.1) with SHA-256; in direct key agreement AlgorithmID is the
// enc value and keydatalen the enc key size. One round suffices for keys up to 256 bits.
Result<SecretBytes> concat_kdf(const SecretBytes& z, std::string_view enc, std::span<const std::uint8_t> apu,
                               std::span<const std::uint8_t> apv, std::size_t key_bytes) {
  std::vector<std::uint8_t> input = {0, 0, 0, 1};
  const auto secret = z.reveal();
  input.insert(input.end(), secret.begin(), secret.end());
  append_length_prefixed(input, std::span(reinterpret_cast<const std::uint8_t*>(enc.data()), enc.size()));
  append_length_prefixed(input, apu);
  append_length_prefixed(input, apv);
  const auto bits = static_cast<std::uint32_t>(key_bytes * 8);
  for (int shift = 24; shift >= 0; shift -= 8) input.push_back(static_cast<std::uint8_t>(bits >> shift));
  std::array<std::uint8_t, 32> digest{};
  unsigned int digest_length = 0;
  const int ok = EVP_Digest(input.data(), input.size(), digest.data(), &digest_length, EVP_sha256(), nullptr);
  OPENSSL_cleanse(input.data(), input.size());
  if (ok != 1 || digest_length != digest.size()) return tl::unexpected(openssl_failure("concat kdf"));
  SecretBytes key(std::span(digest.data(), key_bytes));
  OPENSSL_cleanse(digest.data(), digest.size());
  return key;
}

Result<std::vector<std::uint8_t>> decode_part(std::string_view part, std::string_view what) {
  auto bytes = base64url_decode(part);
  if (!bytes) return tl::unexpected(malformed(std::string(what) + " is not base64url"));
  return bytes;
}

Result<std::vector<std::uint8_t>> optional_bytes(const Json& header, const char* name) {
  if (!header.contains(name)) return std::vector<std::uint8_t>();
  if (!header[name].is_string()) return fail(ErrorCode::invalid_jws_header, std::string(name) + " must be a string");
  auto bytes = base64url_decode(header[name].get_ref<const std::string&>());
  if (!bytes) return fail(ErrorCode::invalid_jws_header, std::string(name) + " is not base64url");
  return bytes;
}

}  // namespace

Json response_encryption_enc_values() { return Json::array({"A128GCM", "A256GCM"}); }

Result<PrivateJwk> generate_response_encryption_key() {
  return PrivateJwk::generate(JwsAlg::ES256, base64url_encode(SecretBytes::random(12).reveal()));
}

Json response_encryption_jwk(const PrivateJwk& key) {
  Json jwk = key.public_key().to_json();
  jwk["use"] = "enc";
  jwk["alg"] = kResponseEncryptionAlg;
  return jwk;
}

Result<Json> decrypt_response(std::string_view jwe, const PrivateJwk& key) {
  if (jwe.size() > kMaxEncryptedResponseBytes) return tl::unexpected(malformed("is too large"));
  // RFC 7516 §7.1: BASE64URL(header) . BASE64URL(encrypted key) . BASE64URL(iv) . BASE64URL(ciphertext) . tag
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (parts.size() < 6) {
    const std::size_t dot = jwe.find('.', start);
    parts.push_back(jwe.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (parts.size() != 5) return tl::unexpected(malformed("is not a compact JWE of five parts"));

  VEIL_TRY(const std::string header_text, base64url_decode_to_string(parts[0]));
  auto parsed_header = parse_json_object(header_text, ErrorCode::invalid_jws_header);
  if (!parsed_header) return fail(ErrorCode::invalid_jws_header, "the JWE header is not a JSON object");
  const Json& header = *parsed_header;
  if (!header.contains("alg") || header["alg"] != kResponseEncryptionAlg) {
    return fail(ErrorCode::alg_not_allowed, "the encrypted response must use alg ECDH-ES");
  }
  std::size_t key_bytes = 0;
  if (header.contains("enc") && header["enc"] == "A128GCM") key_bytes = 16;
  if (header.contains("enc") && header["enc"] == "A256GCM") key_bytes = 32;
  if (key_bytes == 0) return fail(ErrorCode::alg_not_allowed, "the encrypted response must use enc A128GCM or A256GCM");
  if (header.contains("zip") || header.contains("crit")) {
    return fail(ErrorCode::invalid_jws_header, "the encrypted response may carry neither zip nor crit");
  }
  // OpenID4VP 1.0 §8.3: the kid of the key the Request Object offered; one key per transaction.
  if (!header.contains("kid") || !header["kid"].is_string() || !key.public_key().kid() ||
      header["kid"].get_ref<const std::string&>() != *key.public_key().kid()) {
    return fail(ErrorCode::unknown_key, "the encrypted response is not for this presentation request's key");
  }
  if (!header.contains("epk") || !header["epk"].is_object()) {
    return fail(ErrorCode::invalid_jws_header, "the encrypted response has no epk");
  }
  // Only the members of an EC public key are read; Jwk::parse checks the point is on P-256.
  Json epk_members = Json::object();
  for (const char* member : {"kty", "crv", "x", "y"}) {
    if (header["epk"].contains(member)) epk_members[member] = header["epk"][member];
  }
  VEIL_TRY(const Jwk epk, Jwk::parse(epk_members));
  if (epk.alg() != JwsAlg::ES256) return fail(ErrorCode::unsupported_key, "the epk must be a P-256 key");
  VEIL_TRY(const auto apu, optional_bytes(header, "apu"));
  VEIL_TRY(const auto apv, optional_bytes(header, "apv"));

  // RFC 7518 §4.6: in direct key agreement the encrypted key is the empty octet sequence.
  if (!parts[1].empty()) return tl::unexpected(malformed("must have an empty encrypted key (ECDH-ES direct)"));
  VEIL_TRY(const auto iv, decode_part(parts[2], "iv"));
  VEIL_TRY(const auto ciphertext, decode_part(parts[3], "ciphertext"));
  VEIL_TRY(auto tag, decode_part(parts[4], "tag"));
  if (iv.size() != kIvBytes) return tl::unexpected(malformed("iv must be 96 bits"));
  if (tag.size() != kTagBytes) return tl::unexpected(malformed("tag must be 128 bits"));

  VEIL_TRY(const SecretBytes z, ecdh(key, epk));
  VEIL_TRY(const SecretBytes cek, concat_kdf(z, header["enc"].get_ref<const std::string&>(), apu, apv, key_bytes));

  // RFC 7516 §5.2 step 14: the AAD is the ASCII of the encoded protected header.
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  const EVP_CIPHER* cipher = key_bytes == 16 ? EVP_aes_128_gcm() : EVP_aes_256_gcm();
  std::vector<std::uint8_t> plaintext(ciphertext.size() + 16);
  int written = 0;
  int final_written = 0;
  if (!ctx || EVP_DecryptInit_ex(ctx.get(), cipher, nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(iv.size()), nullptr) != 1 ||
      EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, cek.reveal().data(), iv.data()) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &written, reinterpret_cast<const unsigned char*>(parts[0].data()),
                        static_cast<int>(parts[0].size())) != 1 ||
      EVP_DecryptUpdate(ctx.get(), plaintext.data(), &written, ciphertext.data(),
                        static_cast<int>(ciphertext.size())) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(tag.size()), tag.data()) != 1) {
    return tl::unexpected(openssl_failure("aes-gcm"));
  }
  if (EVP_DecryptFinal_ex(ctx.get(), plaintext.data() + written, &final_written) != 1) {
    ERR_clear_error();
    OPENSSL_cleanse(plaintext.data(), plaintext.size());
    return fail(ErrorCode::sealed_data_corrupt,
                "the encrypted response does not decrypt with this presentation request's key");
  }
  const std::string text(reinterpret_cast<const char*>(plaintext.data()),
                         static_cast<std::size_t>(written + final_written));
  OPENSSL_cleanse(plaintext.data(), plaintext.size());
  auto payload = parse_json_object(text, ErrorCode::invalid_presentation_response);
  if (!payload) return tl::unexpected(malformed("payload is not a JSON object"));
  return payload;
}

}  // namespace veil::verifier
