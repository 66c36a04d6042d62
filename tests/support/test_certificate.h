// Test helper: self-signed X.509 certificates made with OpenSSL on the spot (a verifier's x5c leaf), with the
// private key as a Veil PrivateJwk when Veil can sign with it. Header-only so every test binary can use it.
#pragma once

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "veil/base64url.h"
#include "veil/jwk.h"

namespace veil_test {

enum class TestKeyKind { p256, ed25519, p384, rsa };

struct TestCertificateOptions {
  TestKeyKind key = TestKeyKind::p256;
  std::string common_name = "Test verifier";
  std::vector<std::string> dns_names;
  std::int64_t not_before = 1'700'000'000;
  std::int64_t not_after = 1'900'000'000;
};

struct TestCertificate {
  std::vector<std::uint8_t> der;
  std::string x5c;                      // standard base64 of der (RFC 7515 §4.1.6)
  std::optional<veil::PrivateJwk> key;  // for P-256 and Ed25519
};

namespace detail {
template <auto Free>
struct Free_ {
  template <class T>
  void operator()(T* p) const {
    Free(p);
  }
};
inline void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test certificate: ") + what);
}
inline std::vector<std::uint8_t> bn_bytes(const EVP_PKEY* key, const char* name) {
  BIGNUM* raw = nullptr;
  check(EVP_PKEY_get_bn_param(key, name, &raw) == 1, name);
  std::unique_ptr<BIGNUM, Free_<BN_free>> bn(raw);
  std::vector<std::uint8_t> out(32);
  check(BN_bn2binpad(bn.get(), out.data(), 32) == 32, "bn2binpad");
  return out;
}
}  // namespace detail

/// make_test_certificate makes a self-signed certificate with |options|; throws on OpenSSL failure (tests only).
inline TestCertificate make_test_certificate(const TestCertificateOptions& options = {}) {
  using detail::check;
  using PkeyPtr = std::unique_ptr<EVP_PKEY, detail::Free_<EVP_PKEY_free>>;
  PkeyPtr key;
  switch (options.key) {
    case TestKeyKind::p256: key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")); break;
    case TestKeyKind::p384: key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384")); break;
    case TestKeyKind::ed25519: key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519")); break;
    case TestKeyKind::rsa: key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048))); break;
  }
  check(key != nullptr, "keygen");

  std::unique_ptr<X509, detail::Free_<X509_free>> cert(X509_new());
  check(X509_set_version(cert.get(), 2) == 1, "version");
  check(ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 4711) == 1, "serial");
  check(ASN1_TIME_set(X509_getm_notBefore(cert.get()), static_cast<time_t>(options.not_before)) != nullptr, "nb");
  check(ASN1_TIME_set(X509_getm_notAfter(cert.get()), static_cast<time_t>(options.not_after)) != nullptr, "na");
  X509_NAME* name = X509_get_subject_name(cert.get());
  check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(options.common_name.c_str()), -1, -1,
                                   0) == 1,
        "cn");
  check(X509_set_issuer_name(cert.get(), name) == 1, "issuer");
  check(X509_set_pubkey(cert.get(), key.get()) == 1, "pubkey");
  if (!options.dns_names.empty()) {
    std::unique_ptr<GENERAL_NAMES, detail::Free_<GENERAL_NAMES_free>> names(sk_GENERAL_NAME_new_null());
    for (const std::string& dns : options.dns_names) {
      GENERAL_NAME* general = GENERAL_NAME_new();
      ASN1_IA5STRING* ia5 = ASN1_IA5STRING_new();
      check(ASN1_STRING_set(ia5, dns.data(), static_cast<int>(dns.size())) == 1, "ia5");
      GENERAL_NAME_set0_value(general, GEN_DNS, ia5);
      sk_GENERAL_NAME_push(names.get(), general);
    }
    check(X509_add1_ext_i2d(cert.get(), NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT) == 1, "san");
  }
  const EVP_MD* md = options.key == TestKeyKind::ed25519 ? nullptr : EVP_sha256();
  check(X509_sign(cert.get(), key.get(), md) > 0, "sign");

  TestCertificate out;
  unsigned char* der = nullptr;
  int length = i2d_X509(cert.get(), &der);
  check(length > 0, "i2d");
  out.der.assign(der, der + length);
  OPENSSL_free(der);
  std::string b64(4 * ((out.der.size() + 2) / 3) + 1, '\0');
  int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()), out.der.data(),
                                static_cast<int>(out.der.size()));
  b64.resize(static_cast<std::size_t>(written));
  out.x5c = b64;

  if (options.key == TestKeyKind::p256) {
    auto d = detail::bn_bytes(key.get(), OSSL_PKEY_PARAM_PRIV_KEY);
    auto x = detail::bn_bytes(key.get(), OSSL_PKEY_PARAM_EC_PUB_X);
    auto y = detail::bn_bytes(key.get(), OSSL_PKEY_PARAM_EC_PUB_Y);
    auto jwk = veil::PrivateJwk::parse(veil::Json{{"kty", "EC"},
                                                  {"crv", "P-256"},
                                                  {"x", veil::base64url_encode(x)},
                                                  {"y", veil::base64url_encode(y)},
                                                  {"d", veil::base64url_encode(d)}});
    check(jwk.has_value(), "p256 jwk");
    out.key = std::move(*jwk);
  } else if (options.key == TestKeyKind::ed25519) {
    std::vector<std::uint8_t> seed(32), pub(32);
    std::size_t seed_length = 32, pub_length = 32;
    check(EVP_PKEY_get_raw_private_key(key.get(), seed.data(), &seed_length) == 1, "ed seed");
    check(EVP_PKEY_get_raw_public_key(key.get(), pub.data(), &pub_length) == 1, "ed pub");
    auto jwk = veil::PrivateJwk::parse(veil::Json{{"kty", "OKP"},
                                                  {"crv", "Ed25519"},
                                                  {"x", veil::base64url_encode(pub)},
                                                  {"d", veil::base64url_encode(seed)}});
    check(jwk.has_value(), "ed25519 jwk");
    out.key = std::move(*jwk);
  }
  return out;
}

}  // namespace veil_test
