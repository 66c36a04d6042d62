// IssuerSigningKeys: the keys `veil-issuer serve` signs credentials and status lists with, kept in the data
// directory: one private JWK per key in <data-dir>/keys/<kid>.jwk (mode 0600, kid = RFC 7638 thumbprint) and
// keys/state.json naming the current key and the retired ones with the time they were retired.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "veil/error.h"
#include "veil/json.h"
#include "veil/jwk.h"
#include "veil/jws_alg.h"
#include "veil/signer.h"

namespace veil::issuer {

/// SigningKeyOptions configures key generation and how long retired keys stay published.
struct SigningKeyOptions {
  JwsAlg alg = JwsAlg::ES256;  // algorithm of a generated key (first start and rotate)
  // A retired key stays in the JWKS this long after retirement: the longest lifetime (exp - iat) of any
  // credential or status list token it signed, so that every one of them still verifies.
  std::int64_t max_credential_lifetime_seconds = 365LL * 24 * 3600;
};

/// CurrentSigningKey is the key new credentials are signed with. The signer stays usable after a rotation.
struct CurrentSigningKey {
  std::string kid;
  std::shared_ptr<const Signer> signer;
};

/// IssuerSigningKeys owns the issuer's key files. All methods are safe to call from several threads.
class IssuerSigningKeys {
 public:
  /// open loads the keys under |data_dir|/keys, creating the directory (0700), a first key of options.alg and
  /// state.json when there is no state.json yet (first start). Fails with io_error when a file cannot
  /// be read or written or a key file is readable or writable by group or others, invalid_argument when
  /// state.json is malformed or a key file's kid is not its thumbprint, and invalid_jwk / unsupported_key for a
  /// bad key file.
  static Result<std::unique_ptr<IssuerSigningKeys>> open(const std::string& data_dir, const SigningKeyOptions& options);

  /// current returns the kid and signer of the current key.
  CurrentSigningKey current() const;

  /// rotate generates a new current key of options.alg and retires the previous one at |now|; state.json is
  /// replaced atomically after the new key file is written. Fails with io_error (nothing changes then).
  Status rotate(std::int64_t now);

  /// published_keys returns the public keys verifiers must know at |now|: the current key, then each retired
  /// key whose retirement is less than max_credential_lifetime_seconds ago, newest first. Each carries its kid
  /// and "alg".
  std::vector<Jwk> published_keys(std::int64_t now) const;

  /// jwks returns published_keys as a JWK Set, {"keys": [{"kty", "crv", "x", ("y"), "kid", "alg", "use": "sig"}]}.
  Json jwks(std::int64_t now) const;

  const std::string& keys_dir() const { return keys_dir_; }

  IssuerSigningKeys(const IssuerSigningKeys&) = delete;
  IssuerSigningKeys& operator=(const IssuerSigningKeys&) = delete;

 private:
  struct RetiredKey {
    Jwk key;
    std::int64_t retired_at;
  };

  IssuerSigningKeys(std::string keys_dir, SigningKeyOptions options) : keys_dir_(std::move(keys_dir)), options_(options) {}

  std::string keys_dir_;
  SigningKeyOptions options_;
  mutable std::mutex mutex_;
  std::string current_kid_;
  std::shared_ptr<const Signer> current_signer_;
  std::vector<Jwk> current_public_;  // zero or one element (Jwk has no default constructor)
  std::vector<RetiredKey> retired_;  // oldest first, as in state.json
};

}  // namespace veil::issuer
