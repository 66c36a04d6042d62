// IssuerKeys: which keys Veil trusts to have signed credentials of which issuer (SD-JWT VC §2.5, §4).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "veil/error.h"
#include "veil/json.h"
#include "veil/jwk.h"
#include "veil/signature_verifier.h"

namespace veil {

/// IssuerKeyResolver finds the key that must have signed an Issuer-signed JWT. Keys come only from trusted
/// configuration, never from the token itself ("jwk", "x5c", "jku", "x5u" in a header are ignored: RFC 8725
/// §3.10).
class IssuerKeyResolver {
 public:
  virtual ~IssuerKeyResolver() = default;
  /// candidates returns the trusted keys that may have signed a JWT from |iss| with header |kid|: the one key
  /// with that kid, or without a kid every key of the issuer (the caller tries each). Fails with
  /// untrusted_issuer when |iss| is not trusted and unknown_key when no trusted key matches.
  virtual Result<std::vector<const SignatureVerifier*>> candidates(const std::string& iss,
                                                                   const std::optional<std::string>& kid) const = 0;
};

/// TrustList is a set of issuers with pinned keys: the trust file format of DESIGN.md,
/// {"issuers": [{"iss": "https://issuer.example", "jwks": {"keys": [...]}}, {"iss": "...", "resolve": "metadata"}]}.
class TrustList final : public IssuerKeyResolver {
 public:
  /// parse reads a trust file. Fails with invalid_argument for a malformed document, invalid_jwk /
  /// unsupported_key for a bad key. Entries with "resolve": "metadata" are kept without keys (a service fills
  /// them in with add_keys after fetching the issuer's metadata).
  static Result<TrustList> parse(const Json& document);
  /// single_key trusts |key| for any issuer (the CLI's --issuer-jwk).
  static Result<TrustList> single_key(const Jwk& key);

  Status add_keys(const std::string& iss, const Json& jwks);
  /// issuers_to_resolve lists the issuers whose keys come from metadata.
  std::vector<std::string> issuers_to_resolve() const;

  Result<std::vector<const SignatureVerifier*>> candidates(const std::string& iss,
                                                           const std::optional<std::string>& kid) const override;

 private:
  TrustList() = default;
  struct Issuer {
    bool resolve_by_metadata = false;
    std::vector<std::shared_ptr<SignatureVerifier>> keys;
  };
  std::map<std::string, Issuer> issuers_;
  std::vector<std::shared_ptr<SignatureVerifier>> any_issuer_keys_;
};

}  // namespace veil
