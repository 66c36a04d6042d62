#include "veil/x509_certificate.h"

#include <openssl/sha.h>

#include <catch2/catch.hpp>

#include "support/test_certificate.h"
#include "veil/base64url.h"

using veil::ErrorCode;
using veil::X509Certificate;
using veil_test::make_test_certificate;
using veil_test::TestCertificateOptions;
using veil_test::TestKeyKind;

TEST_CASE("x509 certificate: a P-256 leaf yields its hash, dNSNames, validity and key", "[x509]") {
  TestCertificateOptions options;
  options.dns_names = {"verifier.example.org", "alt.example.org"};
  options.common_name = "Example Verifier";
  auto made = make_test_certificate(options);

  auto cert = X509Certificate::parse_x5c_entry(made.x5c);
  REQUIRE(cert.has_value());
  CHECK(cert->der() == made.der);
  CHECK(cert->dns_names() == std::vector<std::string>{"verifier.example.org", "alt.example.org"});
  CHECK(cert->subject_common_name() == std::optional<std::string>("Example Verifier"));
  CHECK(cert->not_before() == 1'700'000'000);
  CHECK(cert->not_after() == 1'900'000'000);
  CHECK(cert->public_key() == made.key->public_key());
  CHECK(cert->public_key().alg() == veil::JwsAlg::ES256);

  // x509_hash: is base64url of SHA-256 over the DER (OpenID4VP 1.0 §5.9.3), computed independently here.
  std::vector<std::uint8_t> digest(SHA256_DIGEST_LENGTH);
  SHA256(made.der.data(), made.der.size(), digest.data());
  CHECK(cert->sha256_base64url() == veil::base64url_encode(digest));
}

TEST_CASE("x509 certificate: an Ed25519 leaf yields an EdDSA key", "[x509]") {
  TestCertificateOptions options;
  options.key = TestKeyKind::ed25519;
  auto made = make_test_certificate(options);
  auto cert = X509Certificate::parse_x5c_entry(made.x5c);
  REQUIRE(cert.has_value());
  CHECK(cert->public_key().alg() == veil::JwsAlg::EdDSA);
  CHECK(cert->public_key() == made.key->public_key());
  CHECK(cert->dns_names().empty());
}

TEST_CASE("x509 certificate: keys Veil does not use are unsupported_key", "[x509]") {
  for (TestKeyKind kind : {TestKeyKind::p384, TestKeyKind::rsa}) {
    TestCertificateOptions options;
    options.key = kind;
    auto cert = X509Certificate::parse_der(make_test_certificate(options).der);
    REQUIRE_FALSE(cert.has_value());
    CHECK(cert.error().code == ErrorCode::unsupported_key);
  }
}

TEST_CASE("x509 certificate: x5c is standard base64, not base64url, and must be canonical", "[x509]") {
  auto made = make_test_certificate();
  auto expect_invalid = [](const std::string& text) {
    auto cert = X509Certificate::parse_x5c_entry(text);
    REQUIRE_FALSE(cert.has_value());
    CHECK(cert.error().code == ErrorCode::invalid_argument);
  };
  // The URL-safe spelling of the same bytes is refused (RFC 7515 §4.1.6).
  expect_invalid(veil::base64url_encode(made.der));
  std::string url_alphabet = made.x5c;
  for (char& c : url_alphabet) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  if (url_alphabet != made.x5c) expect_invalid(url_alphabet);
  expect_invalid(made.x5c.substr(0, 64) + "\n" + made.x5c.substr(64));
  expect_invalid(" " + made.x5c);
  expect_invalid("");
  expect_invalid("AAAA");  // three zero bytes: base64 fine, not a certificate
}

TEST_CASE("x509 certificate: trailing bytes and truncation are refused", "[x509]") {
  auto made = make_test_certificate();
  auto trailing = made.der;
  trailing.push_back(0);
  auto cert = X509Certificate::parse_der(trailing);
  REQUIRE_FALSE(cert.has_value());
  CHECK(cert.error().code == ErrorCode::invalid_argument);

  auto truncated = made.der;
  truncated.resize(truncated.size() - 10);
  cert = X509Certificate::parse_der(truncated);
  REQUIRE_FALSE(cert.has_value());
  CHECK(cert.error().code == ErrorCode::invalid_argument);

  cert = X509Certificate::parse_der({});
  REQUIRE_FALSE(cert.has_value());
  CHECK(cert.error().code == ErrorCode::invalid_argument);
}

TEST_CASE("x509 certificate: the validity window includes its ends and honours the skew", "[x509]") {
  TestCertificateOptions options;
  options.not_before = 1'800'000'000;
  options.not_after = 1'800'000'100;
  auto cert = X509Certificate::parse_der(make_test_certificate(options).der);
  REQUIRE(cert.has_value());
  CHECK(cert->is_valid_at(1'800'000'000));
  CHECK(cert->is_valid_at(1'800'000'100));
  CHECK_FALSE(cert->is_valid_at(1'799'999'999));
  CHECK_FALSE(cert->is_valid_at(1'800'000'101));
  CHECK(cert->is_valid_at(1'799'999'950, 60));
  CHECK(cert->is_valid_at(1'800'000'150, 60));
}
