#include "veil/x509_certificate.h"

#include <openssl/core_names.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <array>
#include <ctime>
#include <memory>

#include "openssl_ptr.h"
#include "veil/base64url.h"
#include "veil/hash.h"

namespace veil {

namespace {

using X509Ptr = std::unique_ptr<X509, ossl::Deleter<X509_free>>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, ossl::Deleter<GENERAL_NAMES_free>>;

struct OpensslFree {
  void operator()(unsigned char* p) const { OPENSSL_free(p); }
};

Error bad_certificate(std::string message) { return Error{ErrorCode::invalid_argument, std::move(message)}; }

// RFC 4648 §4, canonical only: the alphabet with '+' and '/', padding to a multiple of four, no whitespace, and
// zero unused bits (so one certificate has exactly one accepted x5c spelling).
Result<std::vector<std::uint8_t>> decode_standard_base64(std::string_view text) {
  auto value_of = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  if (text.empty() || text.size() % 4 != 0)
    return tl::unexpected(bad_certificate("x5c entry is not padded standard base64"));
  std::size_t padding = 0;
  if (text.back() == '=') padding = (text[text.size() - 2] == '=') ? 2 : 1;
  std::vector<std::uint8_t> out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    bool last = i + 4 == text.size();
    std::array<int, 4> v{};
    for (std::size_t j = 0; j < 4; ++j) {
      char c = text[i + j];
      if (last && c == '=' && j >= 4 - padding) {
        v[j] = 0;
        continue;
      }
      v[j] = value_of(c);
      if (v[j] < 0) return tl::unexpected(bad_certificate("x5c entry is not standard base64 (RFC 7515 §4.1.6)"));
    }
    std::uint32_t group = (static_cast<std::uint32_t>(v[0]) << 18) | (static_cast<std::uint32_t>(v[1]) << 12) |
                          (static_cast<std::uint32_t>(v[2]) << 6) | static_cast<std::uint32_t>(v[3]);
    out.push_back(static_cast<std::uint8_t>(group >> 16));
    if (!(last && padding == 2)) out.push_back(static_cast<std::uint8_t>((group >> 8) & 0xFF));
    if (!(last && padding >= 1)) out.push_back(static_cast<std::uint8_t>(group & 0xFF));
    if (last && ((padding == 2 && (group & 0xFFFF) != 0) || (padding == 1 && (group & 0xFF) != 0)))
      return tl::unexpected(bad_certificate("x5c entry has non-zero unused base64 bits"));
  }
  return out;
}

Result<std::int64_t> to_unix_time(const ASN1_TIME* time) {
  std::tm tm{};
  if (time == nullptr || ASN1_TIME_to_tm(time, &tm) != 1)
    return tl::unexpected(bad_certificate("certificate validity time does not parse"));
  return static_cast<std::int64_t>(timegm(&tm));
}

std::vector<std::uint8_t> left_pad(std::vector<std::uint8_t> bytes, std::size_t size) {
  if (bytes.size() < size) bytes.insert(bytes.begin(), size - bytes.size(), 0);
  return bytes;
}

Result<std::vector<std::uint8_t>> bignum_param(const EVP_PKEY* key, const char* name) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &raw) != 1 || raw == nullptr)
    return fail(ErrorCode::invalid_jwk, "certificate key has no usable EC point");
  ossl::BignumPtr value(raw);
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(BN_num_bytes(value.get())));
  BN_bn2bin(value.get(), bytes.data());
  return bytes;
}

// The subject public key as a Jwk: parsing through Jwk::parse applies the same curve and point checks every key
// in Veil gets (ATTACKS.md J14).
Result<Jwk> public_key_of(X509* cert) {
  EVP_PKEY* key = X509_get0_pubkey(cert);
  if (key == nullptr) return fail(ErrorCode::invalid_jwk, "certificate public key does not parse");
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_EC: {
      std::array<char, 64> group{};
      std::size_t length = 0;
      if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group.data(), group.size(), &length) != 1)
        return fail(ErrorCode::unsupported_key, "certificate EC key has no named curve");
      if (std::string_view(group.data(), length) != "prime256v1")
        return fail(ErrorCode::unsupported_key, "certificate EC key is not on P-256");
      VEIL_TRY(auto x, bignum_param(key, OSSL_PKEY_PARAM_EC_PUB_X));
      VEIL_TRY(auto y, bignum_param(key, OSSL_PKEY_PARAM_EC_PUB_Y));
      if (x.size() > 32 || y.size() > 32) return fail(ErrorCode::invalid_jwk, "certificate EC point is too long");
      return Jwk::parse(Json{{"kty", "EC"},
                             {"crv", "P-256"},
                             {"x", base64url_encode(left_pad(std::move(x), 32))},
                             {"y", base64url_encode(left_pad(std::move(y), 32))}});
    }
    case EVP_PKEY_ED25519: {
      std::array<std::uint8_t, 32> raw{};
      std::size_t length = raw.size();
      if (EVP_PKEY_get_raw_public_key(key, raw.data(), &length) != 1 || length != raw.size())
        return fail(ErrorCode::invalid_jwk, "certificate Ed25519 key does not parse");
      return Jwk::parse(Json{{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", base64url_encode(std::span(raw))}});
    }
    default:
      return fail(ErrorCode::unsupported_key, "certificate key is neither P-256 nor Ed25519");
  }
}

std::vector<std::string> dns_names_of(X509* cert) {
  std::vector<std::string> names;
  GeneralNamesPtr general(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  if (!general) return names;
  for (int i = 0; i < sk_GENERAL_NAME_num(general.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(general.get(), i);
    if (name->type != GEN_DNS) continue;
    const ASN1_IA5STRING* dns = name->d.dNSName;
    names.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(dns)),
                       static_cast<std::size_t>(ASN1_STRING_length(dns)));
  }
  return names;
}

std::optional<std::string> common_name_of(X509* cert) {
  X509_NAME* subject = X509_get_subject_name(cert);
  if (subject == nullptr) return std::nullopt;
  int index = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
  if (index < 0 || X509_NAME_get_index_by_NID(subject, NID_commonName, index) >= 0) return std::nullopt;
  unsigned char* utf8 = nullptr;
  int length = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, index)));
  if (length < 0) return std::nullopt;
  std::unique_ptr<unsigned char, OpensslFree> owned(utf8);
  return std::string(reinterpret_cast<const char*>(owned.get()), static_cast<std::size_t>(length));
}

}  // namespace

Result<X509Certificate> X509Certificate::parse_der(const std::vector<std::uint8_t>& der) {
  if (der.empty()) return tl::unexpected(bad_certificate("certificate is empty"));
  const unsigned char* cursor = der.data();
  X509Ptr cert(d2i_X509(nullptr, &cursor, static_cast<long>(der.size())));
  if (!cert) return tl::unexpected(bad_certificate("certificate is not DER X.509"));
  if (cursor != der.data() + der.size()) return tl::unexpected(bad_certificate("certificate has trailing bytes"));
  // The x509_hash: pin is over the bytes as sent: refuse input that OpenSSL does not write back identically
  // (outer BER length forms and the like), so that what was hashed is what was parsed.
  unsigned char* reencoded = nullptr;
  int length = i2d_X509(cert.get(), &reencoded);
  std::unique_ptr<unsigned char, OpensslFree> owned(reencoded);
  if (length < 0 || static_cast<std::size_t>(length) != der.size() ||
      !std::equal(der.begin(), der.end(), owned.get()))
    return tl::unexpected(bad_certificate("certificate is not in canonical DER"));
  VEIL_TRY(std::int64_t not_before, to_unix_time(X509_get0_notBefore(cert.get())));
  VEIL_TRY(std::int64_t not_after, to_unix_time(X509_get0_notAfter(cert.get())));
  VEIL_TRY(Jwk key, public_key_of(cert.get()));
  return X509Certificate(der, dns_names_of(cert.get()), common_name_of(cert.get()), not_before, not_after,
                         std::move(key));
}

Result<X509Certificate> X509Certificate::parse_x5c_entry(std::string_view base64_der) {
  VEIL_TRY(auto der, decode_standard_base64(base64_der));
  return parse_der(der);
}

std::string X509Certificate::sha256_base64url() const {
  return hash_base64url(HashAlg::sha_256,
                        std::string_view(reinterpret_cast<const char*>(der_.data()), der_.size()));
}

bool X509Certificate::is_valid_at(std::int64_t now, std::int64_t skew_seconds) const {
  return now + skew_seconds >= not_before_ && now - skew_seconds <= not_after_;
}

}  // namespace veil
