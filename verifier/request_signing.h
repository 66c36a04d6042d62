// RequestSigning: the verifier's identity towards wallets (OpenID4VP 1.0 §5.9.3): a P-256 key with an X.509
// certificate, the client_id derived from that certificate, and the signed Request Objects (RFC 9101,
// typ oauth-authz-req+jwt) it serves by reference.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "veil/error.h"
#include "veil/json.h"
#include "veil/jwk.h"
#include "veil/signer.h"
#include "verifier/verifier_config.h"

namespace veil::verifier {

/// kRequestObjectTyp is the JWT typ of a Request Object (RFC 9101 §10.8); kRequestObjectMediaType its media type
/// as served behind request_uri (OpenID4VP 1.0 §5.7).
inline constexpr std::string_view kRequestObjectTyp = "oauth-authz-req+jwt";
inline constexpr std::string_view kRequestObjectMediaType = "application/oauth-authz-req+jwt";

/// kX509HashPrefix, kX509SanDnsPrefix and kRedirectUriPrefix are the Client Identifier Prefixes the verifier uses.
inline constexpr std::string_view kX509HashPrefix = "x509_hash:";
inline constexpr std::string_view kX509SanDnsPrefix = "x509_san_dns:";
inline constexpr std::string_view kRedirectUriPrefix = "redirect_uri:";

/// create_self_signed_certificate writes a fresh P-256 key (PEM, mode 0600, never overwriting) to |key_path| and a
/// self-signed X.509 v3 certificate for it (PEM) to |cert_path|: subject CN "Veil verifier", valid from one hour
/// ago for three years, with a subjectAltName naming |host| (dNSName for a name, iPAddress for an IP literal).
/// Fails with io_error when a file exists or cannot be written, internal_error when OpenSSL fails.
Status create_self_signed_certificate(const std::string& key_path, const std::string& cert_path, std::string_view host);

/// RequestSigning holds the request-signing key and certificate. Immutable after load; safe to share between
/// threads.
class RequestSigning {
 public:
  /// load reads a PEM certificate (the first one in the file is the leaf; further ones are its chain, sent in x5c
  /// in order) and the PEM private key that belongs to it, and chooses the client_id: with |prefix| automatic,
  /// x509_san_dns:<host> when the leaf's subjectAltName has a dNSName equal to |public_host|, else
  /// x509_hash:<base64url SHA-256 of the leaf's DER>. Fails with io_error for unreadable files or a key file that
  /// group or others can read, invalid_config for a certificate or key that does not parse, a key that is not
  /// P-256 or does not match the certificate, or x509_san_dns asked for a certificate that does not name the host.
  static Result<std::unique_ptr<RequestSigning>> load(const std::string& cert_path, const std::string& key_path,
                                                      std::string_view public_host, ClientIdPrefix prefix);

  /// client_id is the full Client Identifier, prefix included: the aud every KB-JWT must carry (VP §14.10, B.3.6).
  const std::string& client_id() const { return client_id_; }
  /// x5c is the certificate chain as the JOSE x5c header wants it: standard base64 (not base64url) DER, leaf first
  /// (RFC 7515 §4.1.6).
  const std::vector<std::string>& x5c() const { return x5c_; }
  /// leaf_der is the DER encoding of the leaf certificate.
  const std::vector<std::uint8_t>& leaf_der() const { return leaf_der_; }
  /// public_key is the leaf's P-256 key.
  const Jwk& public_key() const { return public_key_; }

  /// sign_request_object signs |claims| (a JSON object) as a Request Object: header typ oauth-authz-req+jwt, alg
  /// ES256, x5c. Fails with invalid_argument when claims is not an object, internal_error when signing fails.
  Result<std::string> sign_request_object(const Json& claims) const;

 private:
  RequestSigning(std::string client_id, std::vector<std::string> x5c, std::vector<std::uint8_t> leaf_der,
                 Jwk public_key, std::unique_ptr<Signer> signer)
      : client_id_(std::move(client_id)),
        x5c_(std::move(x5c)),
        leaf_der_(std::move(leaf_der)),
        public_key_(std::move(public_key)),
        signer_(std::move(signer)) {}

  std::string client_id_;
  std::vector<std::string> x5c_;
  std::vector<std::uint8_t> leaf_der_;
  Jwk public_key_;
  std::unique_ptr<Signer> signer_;
};

/// x509_hash_client_id returns "x509_hash:" + base64url(SHA-256(|der|)) (OpenID4VP 1.0 §5.9.3).
std::string x509_hash_client_id(std::span<const std::uint8_t> der);

/// certificate_dns_names returns the dNSName entries of the subjectAltName of the DER certificate |der|; fails
/// with invalid_request_object when it does not parse.
Result<std::vector<std::string>> certificate_dns_names(std::span<const std::uint8_t> der);

/// certificate_public_key returns the P-256 public key of the DER certificate |der| as a Jwk; fails with
/// invalid_request_object when it does not parse or holds another kind of key.
Result<Jwk> certificate_public_key(std::span<const std::uint8_t> der);

/// base64_encode encodes |bytes| with the standard alphabet and padding (RFC 4648 §4), as x5c needs.
std::string base64_encode(std::span<const std::uint8_t> bytes);

/// base64_decode decodes standard base64 with padding; fails with invalid_base64url (the closest code) otherwise.
Result<std::vector<std::uint8_t>> base64_decode(std::string_view text);

}  // namespace veil::verifier
