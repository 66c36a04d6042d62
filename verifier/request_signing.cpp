#include "verifier/request_signing.h"

#include <sys/stat.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cctype>

#include "veil/base64url.h"
#include "veil/hash.h"
#include "veil/jws.h"
#include "veil/platform/files.h"

namespace veil::verifier {
namespace {

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct BnFree {
  void operator()(BIGNUM* bn) const { BN_clear_free(bn); }
};
struct ExtensionFree {
  void operator()(X509_EXTENSION* extension) const { X509_EXTENSION_free(extension); }
};
struct NamesFree {
  void operator()(GENERAL_NAMES* names) const { GENERAL_NAMES_free(names); }
};
using Bio = std::unique_ptr<BIO, BioFree>;
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using Certificate = std::unique_ptr<X509, X509Free>;
using Bn = std::unique_ptr<BIGNUM, BnFree>;

constexpr std::int64_t kCertificateLifetimeSeconds = 3LL * 365 * 24 * 3600;
constexpr std::size_t kMaxPemBytes = 256 * 1024;

Error openssl_failure(std::string_view what) {
  ERR_clear_error();
  return Error{ErrorCode::internal_error, std::string(what) + " failed in OpenSSL"};
}

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return size > 0 ? std::string(data, static_cast<std::size_t>(size)) : std::string();
}

bool is_ip_literal(std::string_view host) {
  return host.find(':') != std::string_view::npos ||
         std::all_of(host.begin(), host.end(), [](char c) { return c == '.' || std::isdigit(static_cast<unsigned char>(c)); });
}

bool is_dns_name(std::string_view host) {
  return !host.empty() && host.size() <= 253 && std::all_of(host.begin(), host.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.';
  });
}

Status add_extension(X509* cert, int nid, const std::string& value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, cert, cert, nullptr, nullptr, 0);
  std::unique_ptr<X509_EXTENSION, ExtensionFree> extension(X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str()));
  if (!extension || X509_add_ext(cert, extension.get(), -1) != 1) return tl::unexpected(openssl_failure("certificate extension"));
  return {};
}

Result<std::vector<std::uint8_t>> der_of(X509* cert) {
  const int length = i2d_X509(cert, nullptr);
  if (length <= 0) return tl::unexpected(openssl_failure("certificate encoding"));
  std::vector<std::uint8_t> der(static_cast<std::size_t>(length));
  unsigned char* out = der.data();
  if (i2d_X509(cert, &out) != length) return tl::unexpected(openssl_failure("certificate encoding"));
  return der;
}

Certificate parse_der(std::span<const std::uint8_t> der) {
  const unsigned char* in = der.data();
  Certificate cert(d2i_X509(nullptr, &in, static_cast<long>(der.size())));
  if (!cert || in != der.data() + der.size()) {
    ERR_clear_error();
    return nullptr;
  }
  return cert;
}

Result<std::vector<std::uint8_t>> bn_bytes(const EVP_PKEY* key, const char* param) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, param, &raw) != 1) return tl::unexpected(openssl_failure("key parameter"));
  Bn bn(raw);
  std::vector<std::uint8_t> bytes(32);
  if (BN_bn2binpad(bn.get(), bytes.data(), 32) != 32) return tl::unexpected(openssl_failure("key parameter"));
  return bytes;
}

bool is_p256(const EVP_PKEY* key) {
  if (EVP_PKEY_get_base_id(key) != EVP_PKEY_EC) return false;
  char group[64] = {};
  std::size_t length = 0;
  if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group), &length) != 1) {
    ERR_clear_error();
    return false;
  }
  return std::string_view(group, length) == "prime256v1" || std::string_view(group, length) == "P-256";
}

Result<Jwk> public_jwk_of(const EVP_PKEY* key) {
  if (!is_p256(key)) return fail(ErrorCode::unsupported_key, "the key is not a P-256 key");
  VEIL_TRY(auto x, bn_bytes(key, OSSL_PKEY_PARAM_EC_PUB_X));
  VEIL_TRY(auto y, bn_bytes(key, OSSL_PKEY_PARAM_EC_PUB_Y));
  return Jwk::parse({{"kty", "EC"}, {"crv", "P-256"}, {"x", base64url_encode(x)}, {"y", base64url_encode(y)}});
}

Result<PrivateJwk> private_jwk_of(const EVP_PKEY* key) {
  VEIL_TRY(const Jwk public_key, public_jwk_of(key));
  VEIL_TRY(auto d, bn_bytes(key, OSSL_PKEY_PARAM_PRIV_KEY));
  Json jwk = public_key.to_json();
  jwk["d"] = base64url_encode(d);
  OPENSSL_cleanse(d.data(), d.size());
  auto parsed = PrivateJwk::parse(jwk);
  auto& encoded = jwk["d"].get_ref<std::string&>();
  OPENSSL_cleanse(encoded.data(), encoded.size());
  return parsed;
}

// The key file must be private, like ssh keys and the issuer's JWK files.
Status check_private_file(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return fail(ErrorCode::io_error, path + ": cannot be read");
  if ((info.st_mode & 077) != 0) {
    return fail(ErrorCode::io_error, path + " is accessible by group or others; refusing a private key (chmod 600 it)");
  }
  return {};
}

Result<std::vector<Certificate>> read_certificates(const std::string& path) {
  VEIL_TRY(const std::string pem, platform::read_input(path, kMaxPemBytes));
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return tl::unexpected(openssl_failure("reading the certificate"));
  std::vector<Certificate> chain;
  while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) chain.emplace_back(cert);
  ERR_clear_error();
  if (chain.empty()) return fail(ErrorCode::invalid_config, path + " holds no PEM certificate");
  return chain;
}

Result<Pkey> read_private_key(const std::string& path) {
  VEIL_CHECK(check_private_file(path));
  VEIL_TRY(std::string pem, platform::read_input(path, kMaxPemBytes));
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Pkey key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  OPENSSL_cleanse(pem.data(), pem.size());
  if (!key) {
    ERR_clear_error();
    return fail(ErrorCode::invalid_config, path + " holds no PEM private key");
  }
  return key;
}

bool names_host(const std::vector<std::string>& names, std::string_view host) {
  return std::any_of(names.begin(), names.end(), [&](const std::string& name) {
    return name.size() == host.size() && std::equal(name.begin(), name.end(), host.begin(), [](char a, char b) {
             return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
           });
  });
}

}  // namespace

Status create_self_signed_certificate(const std::string& key_path, const std::string& cert_path,
                                      std::string_view host) {
  Pkey key(EVP_EC_gen("P-256"));
  if (!key) return tl::unexpected(openssl_failure("key generation"));
  Certificate cert(X509_new());
  if (!cert || X509_set_version(cert.get(), 2) != 1) return tl::unexpected(openssl_failure("certificate"));
  // RFC 5280 §4.1.2.2: a positive serial number of up to 20 octets; 128 random bits keep it unique.
  Bn serial(BN_new());
  if (!serial || BN_rand(serial.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
      BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) == nullptr) {
    return tl::unexpected(openssl_failure("certificate serial"));
  }
  if (X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) == nullptr ||
      X509_gmtime_adj(X509_getm_notAfter(cert.get()), kCertificateLifetimeSeconds) == nullptr ||
      X509_set_pubkey(cert.get(), key.get()) != 1) {
    return tl::unexpected(openssl_failure("certificate"));
  }
  X509_NAME* name = X509_get_subject_name(cert.get());
  if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("Veil verifier"),
                                 -1, -1, 0) != 1 ||
      X509_set_issuer_name(cert.get(), name) != 1) {
    return tl::unexpected(openssl_failure("certificate name"));
  }
  VEIL_CHECK(add_extension(cert.get(), NID_basic_constraints, "critical,CA:FALSE"));
  VEIL_CHECK(add_extension(cert.get(), NID_key_usage, "critical,digitalSignature"));
  if (is_ip_literal(host)) {
    VEIL_CHECK(add_extension(cert.get(), NID_subject_alt_name, "IP:" + std::string(host)));
  } else if (is_dns_name(host)) {
    VEIL_CHECK(add_extension(cert.get(), NID_subject_alt_name, "DNS:" + std::string(host)));
  }
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) return tl::unexpected(openssl_failure("certificate signing"));

  Bio key_pem(BIO_new(BIO_s_mem()));
  Bio cert_pem(BIO_new(BIO_s_mem()));
  if (!key_pem || !cert_pem ||
      PEM_write_bio_PrivateKey(key_pem.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1 ||
      PEM_write_bio_X509(cert_pem.get(), cert.get()) != 1) {
    return tl::unexpected(openssl_failure("PEM encoding"));
  }
  std::string key_text = bio_text(key_pem.get());
  const Status written = platform::write_new_secret_file(key_path, key_text);
  OPENSSL_cleanse(key_text.data(), key_text.size());
  VEIL_CHECK(written);
  // The certificate is public; it is written 0600 too only because that is the one "never overwrite" writer.
  return platform::write_new_secret_file(cert_path, bio_text(cert_pem.get()));
}

Result<std::unique_ptr<RequestSigning>> RequestSigning::load(const std::string& cert_path, const std::string& key_path,
                                                             std::string_view public_host, ClientIdPrefix prefix) {
  VEIL_TRY(auto chain, read_certificates(cert_path));
  VEIL_TRY(auto key, read_private_key(key_path));
  if (!is_p256(key.get())) return fail(ErrorCode::invalid_config, key_path + ": the request-signing key must be P-256");
  if (X509_check_private_key(chain.front().get(), key.get()) != 1) {
    ERR_clear_error();
    return fail(ErrorCode::invalid_config, key_path + " is not the key of the certificate in " + cert_path);
  }
  std::vector<std::string> x5c;
  std::vector<std::uint8_t> leaf_der;
  for (const auto& cert : chain) {
    VEIL_TRY(auto der, der_of(cert.get()));
    x5c.push_back(base64_encode(der));
    if (leaf_der.empty()) leaf_der = std::move(der);
  }
  VEIL_TRY(const auto dns_names, certificate_dns_names(leaf_der));
  const bool names_public_host = names_host(dns_names, public_host);
  std::string client_id;
  if (prefix == ClientIdPrefix::x509_san_dns || (prefix == ClientIdPrefix::automatic && names_public_host)) {
    if (!names_public_host) {
      return fail(ErrorCode::invalid_config,
                  "client_id_prefix x509_san_dns needs a certificate whose subjectAltName names " + std::string(public_host));
    }
    client_id = std::string(kX509SanDnsPrefix) + std::string(public_host);
  } else {
    client_id = x509_hash_client_id(leaf_der);
  }
  auto private_key = private_jwk_of(key.get());
  if (!private_key) return fail(ErrorCode::invalid_config, key_path + ": " + private_key.error().message);
  VEIL_TRY(auto signer, make_signer(*private_key));
  Jwk public_key = private_key->public_key();
  return std::unique_ptr<RequestSigning>(new RequestSigning(std::move(client_id), std::move(x5c), std::move(leaf_der),
                                                            std::move(public_key), std::move(signer)));
}

Result<std::string> RequestSigning::sign_request_object(const Json& claims) const {
  // RFC 9101 §10.8 explicit typing; OpenID4VP 1.0 §5.9.3: the x5c leaf is what the client_id names.
  const Json header = {{"typ", kRequestObjectTyp}, {"x5c", x5c_}};
  return sign_jws_compact(header, claims, *signer_);
}

std::string x509_hash_client_id(std::span<const std::uint8_t> der) {
  const std::string_view bytes(reinterpret_cast<const char*>(der.data()), der.size());
  return std::string(kX509HashPrefix) + hash_base64url(HashAlg::sha_256, bytes);
}

Result<std::vector<std::string>> certificate_dns_names(std::span<const std::uint8_t> der) {
  const Certificate cert = parse_der(der);
  if (!cert) return fail(ErrorCode::invalid_request_object, "the certificate does not parse");
  std::unique_ptr<GENERAL_NAMES, NamesFree> names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert.get(), NID_subject_alt_name, nullptr, nullptr)));
  std::vector<std::string> out;
  if (!names) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
    if (name->type != GEN_DNS) continue;
    const ASN1_IA5STRING* dns = name->d.dNSName;
    out.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(dns)),
                     static_cast<std::size_t>(ASN1_STRING_length(dns)));
  }
  return out;
}

Result<Jwk> certificate_public_key(std::span<const std::uint8_t> der) {
  const Certificate cert = parse_der(der);
  if (!cert) return fail(ErrorCode::invalid_request_object, "the certificate does not parse");
  const EVP_PKEY* key = X509_get0_pubkey(cert.get());
  if (key == nullptr) return fail(ErrorCode::invalid_request_object, "the certificate has no usable public key");
  auto jwk = public_jwk_of(key);
  if (!jwk) return fail(ErrorCode::invalid_request_object, "the certificate key: " + jwk.error().message);
  return jwk;
}

std::string base64_encode(std::span<const std::uint8_t> bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes.data(),
                                      static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(std::max(written, 0)));
  return out;
}

Result<std::vector<std::uint8_t>> base64_decode(std::string_view text) {
  const auto valid = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/'; };
  std::size_t padding = 0;
  while (padding < 2 && padding < text.size() && text[text.size() - 1 - padding] == '=') ++padding;
  if (text.empty() || text.size() % 4 != 0 ||
      !std::all_of(text.begin(), text.end() - static_cast<std::ptrdiff_t>(padding), valid)) {
    return fail(ErrorCode::invalid_base64url, "not standard base64");
  }
  std::vector<std::uint8_t> out(text.size() / 4 * 3);
  const int written = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                                      static_cast<int>(text.size()));
  if (written < 0) return fail(ErrorCode::invalid_base64url, "not standard base64");
  out.resize(static_cast<std::size_t>(written) - padding);
  return out;
}

}  // namespace veil::verifier
