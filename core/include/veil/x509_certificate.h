// X509Certificate: one DER X.509 certificate as a JWS "x5c" entry carries it (RFC 7515 §4.1.6), read for what
// OpenID4VP's x509_hash: and x509_san_dns: client identifiers need (OpenID4VP 1.0 §5.9.3): its SHA-256, its
// dNSName subject alternative names, its validity window and its public key.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "veil/error.h"
#include "veil/jwk.h"

namespace veil {

/// X509Certificate is a certificate that parsed as DER with nothing after it and whose public key is a key Veil
/// uses. Nothing about its issuer or chain is checked: a holder of one knows what the certificate says, not that
/// anyone vouches for it (x509_hash: pins the certificate itself by its hash).
class X509Certificate {
 public:
  /// parse_der reads one DER certificate. Fails with invalid_argument when the bytes are not exactly one DER
  /// certificate (trailing bytes included), unsupported_key when its key is not P-256 or Ed25519 (RSA, P-384,
  /// ...), invalid_jwk when the key is malformed.
  static Result<X509Certificate> parse_der(const std::vector<std::uint8_t>& der);

  /// parse_x5c_entry decodes an "x5c" array element: standard base64 with padding (RFC 7515 §4.1.6 — not
  /// base64url), then parse_der. Fails with invalid_argument for anything that is not canonical base64
  /// (whitespace, the URL-safe alphabet, missing padding) and as parse_der.
  static Result<X509Certificate> parse_x5c_entry(std::string_view base64_der);

  /// der returns the certificate's DER bytes as received.
  const std::vector<std::uint8_t>& der() const { return der_; }
  /// sha256_base64url returns base64url(SHA-256(DER)): the value of an x509_hash: client identifier.
  std::string sha256_base64url() const;
  /// dns_names returns the dNSName entries of the subjectAltName extension, in order (empty when there is none).
  const std::vector<std::string>& dns_names() const { return dns_names_; }
  /// subject_common_name returns the subject's CN when there is exactly one and it is UTF-8 text.
  const std::optional<std::string>& subject_common_name() const { return subject_cn_; }
  /// not_before and not_after are the validity window, seconds since the Unix epoch.
  std::int64_t not_before() const { return not_before_; }
  std::int64_t not_after() const { return not_after_; }
  /// is_valid_at is true when not_before - skew <= |now| <= not_after + skew.
  bool is_valid_at(std::int64_t now, std::int64_t skew_seconds = 0) const;
  /// public_key returns the subject public key (ES256 for P-256, EdDSA for Ed25519).
  const Jwk& public_key() const { return public_key_; }

 private:
  X509Certificate(std::vector<std::uint8_t> der, std::vector<std::string> dns_names,
                  std::optional<std::string> subject_cn, std::int64_t not_before, std::int64_t not_after, Jwk key)
      : der_(std::move(der)),
        dns_names_(std::move(dns_names)),
        subject_cn_(std::move(subject_cn)),
        not_before_(not_before),
        not_after_(not_after),
        public_key_(std::move(key)) {}

  std::vector<std::uint8_t> der_;
  std::vector<std::string> dns_names_;
  std::optional<std::string> subject_cn_;
  std::int64_t not_before_ = 0;
  std::int64_t not_after_ = 0;
  Jwk public_key_;
};

}  // namespace veil
