// TrustedIssuers: the verifier service's trust file plus, for issuers marked "resolve": "metadata", their keys
// fetched from JWT VC Issuer Metadata (SD-JWT VC §4) and cached with a bounded TTL.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "veil/clock.h"
#include "veil/error.h"
#include "veil/issuer_keys.h"
#include "veil/json.h"
#include "veil/platform/http_client.h"

namespace veil::verifier {

/// TrustedIssuersOptions bound how metadata issuers are fetched and cached.
struct TrustedIssuersOptions {
  /// How metadata (and jwks_uri) is fetched: https only unless allow_loopback_http; time and size bounds.
  platform::FetchPolicy fetch{false, std::chrono::milliseconds(5000), 64 * 1024};
  /// How long fetched keys are used before they are fetched again (clamped to [1 s, 1 day]).
  std::int64_t keys_ttl_seconds = 300;
  /// How long a failed resolution is remembered, so a failing issuer is not hammered (clamped to [1 s, 1 h]).
  std::int64_t failure_ttl_seconds = 30;
};

/// TrustedIssuers answers which keys may have signed a credential of a given issuer. Issuers come only from
/// the trust file: a credential's iss never makes the verifier fetch anything unless that iss is listed
/// (ATTACKS.md V4, V6). Safe to share between threads; a fetch happens outside the lock.
class TrustedIssuers {
 public:
  /// create reads a trust document {"issuers": [{"iss", "jwks"} | {"iss", "resolve": "metadata"}]} (core
  /// TrustList::parse: fails with invalid_argument, invalid_jwk or unsupported_key). Nothing is fetched yet.
  static Result<std::unique_ptr<TrustedIssuers>> create(const Json& trust_document, const Clock& clock,
                                                        TrustedIssuersOptions options = {});

  TrustedIssuers(const TrustedIssuers&) = delete;
  TrustedIssuers& operator=(const TrustedIssuers&) = delete;

  /// is_listed tells whether |iss| is an issuer of the trust file (string comparison, no normalisation).
  bool is_listed(const std::string& iss) const;
  /// issuers lists every iss of the trust file.
  std::vector<std::string> issuers() const;

  /// keys_for returns a resolver holding the trusted keys of |iss| (it stays valid while the caller holds
  /// it, whatever the cache does meanwhile). Fails with untrusted_issuer when |iss| is not listed; for a
  /// metadata issuer, with the fetch errors (url_not_allowed, fetch_failed, unexpected_http_status,
  /// response_too_large) or invalid_issuer_metadata (malformed, or "issuer" != iss: ATTACKS.md V5), also
  /// while a recent failure is remembered.
  Result<std::shared_ptr<const IssuerKeyResolver>> keys_for(const std::string& iss) const;

  /// fetch_count is how many metadata resolutions have gone to the network (tests and metrics).
  std::size_t fetch_count() const;

 private:
  struct CacheEntry {
    std::shared_ptr<const IssuerKeyResolver> keys;  // null until a fetch succeeded, and after a failure
    std::optional<Error> failure;
    std::int64_t expires_at = 0;
    bool fetching = false;  // one thread fetches; the others use stale keys or wait for it
  };
  TrustedIssuers(const Clock& clock, TrustedIssuersOptions options);
  Result<std::shared_ptr<const IssuerKeyResolver>> fetch_keys(const std::string& iss) const;

  const Clock& clock_;
  TrustedIssuersOptions options_;
  platform::HttpClient client_;
  std::map<std::string, std::shared_ptr<const IssuerKeyResolver>, std::less<>> pinned_;
  std::vector<std::string> metadata_issuers_;
  mutable std::mutex mutex_;
  mutable std::condition_variable fetched_;
  mutable std::map<std::string, CacheEntry, std::less<>> cache_;
  mutable std::size_t fetch_count_ = 0;
};

}  // namespace veil::verifier
